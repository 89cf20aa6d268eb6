"""What every chapter says about its model: the note at the top of the page, and the model's facts.

:func:`start_page` is the first thing every ``glue_page`` does: it glues the model's facts
(``{glue:text}`model_layers``` and so on) and returns the note, which the page's first cell shows.
"""

from __future__ import annotations

from typing import Any

from ..core.models import BUNDLED, DEFAULT_HUB_MODEL, ENV_VAR, LoadedModel, ModelInfo, Source, load_model
from .glue import glue_facts

__all__ = ["describe_model", "model_banner", "model_facts", "reason", "start_page"]

_REASONS: dict[Source, str] = {
    "directory": "ローカルのディレクトリ",
    "cache": "ローカルキャッシュ",
    "hub": "Hugging Face Hub",
    "requested": f"{ENV_VAR}={BUNDLED} で指定",
    "offline": "HF_HUB_OFFLINE=1",
    "hub-unreachable": "Hugging Face Hub に接続できません",
    "download-failed": "ダウンロードに失敗しました",
}


def reason(info: ModelInfo) -> str:
    """Why this model was chosen, in words (shown to readers when the bundled model stands in)."""
    text = _REASONS[info.source]
    return f"{text}: {info.detail}" if info.detail else text


def describe_model(info: ModelInfo) -> str:
    """One Japanese sentence naming the model and its size."""
    text = (
        f"{info.name}（{info.layers} 層 × {info.heads} ヘッド、隠れ次元 {info.hidden_size}、"
        f"パラメータ {info.parameters / 1e6:.1f}M）"
    )
    if info.is_fallback:
        text += f"。{DEFAULT_HUB_MODEL} が使えなかったため、同梱の代替モデルを使いました（{reason(info)}）"
    return text


def model_banner(loaded: LoadedModel | None = None) -> Any:
    """A note saying which model computed the page's outputs (a Markdown display object).

    When the bundled model stands in for ``bert-base-uncased`` the note says so, and why.
    """
    from IPython.display import Markdown

    info = (loaded or load_model()).info
    lines = [
        ":::{admonition} このページの出力を計算したモデル",
        ":class: note attnviz-model",
        f"**{info.name}**: {info.layers} 層 × {info.heads} ヘッド、隠れ次元 {info.hidden_size}、"
        f"パラメータ数 {info.parameters / 1e6:.1f}M。",
    ]
    if info.is_fallback:
        lines.append(
            f"勉強会で使った **{DEFAULT_HUB_MODEL}**（12 層 × 12 ヘッド）が使えなかったため"
            f"（{reason(info)}）、同じ BERT 構造の小さなモデルで計算しています。"
            "図や数値はこのモデルのものです。"
        )
    elif info.is_bundled:
        lines.append(
            "オフラインでビルドするため、同梱の小さな BERT 構造のモデルを使っています"
            f"（勉強会では {DEFAULT_HUB_MODEL}）。"
            "図や数値はこのモデルのものです。"
        )
    if info.is_bundled:
        lines.append(
            "このモデルは文の埋め込みを作るために（全トークンの平均を使って）学習されたもので、"
            "BERT の次文予測（NSP）では学習されていません。"
            "そのため、このモデルの [CLS] は分類用のトークンとして訓練されておらず、"
            "2 文の入力も NSP の文対として学習したものではありません。"
        )
    lines.append(":::")
    return Markdown("\n".join(lines))


def model_facts(loaded: LoadedModel) -> dict[str, object]:
    """The model's facts for the page text (glued as ``model_<key>``).

    Keys: ``name``, ``layers``, ``heads``, ``hidden``, ``params_m`` (millions, 1 decimal), ``last_layer``
    (0-based index of the last layer), ``max_tokens``, ``vocab`` (WordPiece vocabulary size), ``positions``
    (position embeddings), ``segments`` (segment / token type embeddings), ``colors_repeat`` (a sentence:
    do BERTviz's ten head colours repeat for this model?).
    """
    info = loaded.info
    config = loaded.model.config
    return {
        "vocab": f"{config.vocab_size:,}",
        "positions": config.max_position_embeddings,
        "segments": config.type_vocab_size,
        "name": info.name,
        "layers": info.layers,
        "heads": info.heads,
        "hidden": info.hidden_size,
        "params_m": f"{info.parameters / 1e6:.1f}",
        "last_layer": info.layers - 1,
        "max_tokens": info.max_tokens,
        "colors_repeat": (
            f"このモデルのヘッドは {info.heads} 個なので、Head 10 は Head 0 と、Head 11 は Head 1 と同じ色になります。"
            if info.heads > 10
            else f"このモデルのヘッドは {info.heads} 個なので、色はちょうど足りています。"
        ),
    }


def start_page(loaded: LoadedModel) -> Any:
    """Glue the model's facts and return the model note: the start of every chapter's ``glue_page``."""
    glue_facts(model_facts(loaded), "model")
    return model_banner(loaded)
