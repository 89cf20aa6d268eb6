"""Small things every chapter page shows: which model produced its outputs, and glued facts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .models import DEFAULT_HUB_MODEL, LoadedModel, load_model

__all__ = ["Md", "glue_facts", "glue_model_facts", "model_banner"]


class Md(str):
    """A fact that is a Markdown phrase (paste it with ``{glue:md}``); plain ``str`` facts are for ``{glue:text}``."""

    __slots__ = ()


def glue_facts(facts: Mapping[str, object], prefix: str = "") -> None:
    """Glue every fact of a package facts function under ``<prefix>_<key>`` (or ``<key>`` with no prefix).

    :class:`Md` values are glued as Markdown (for ``{glue:md}``), everything else as plain text.
    """
    from IPython.display import Markdown
    from myst_nb import glue

    for key, value in facts.items():
        name = f"{prefix}_{key}" if prefix else key
        glue(name, Markdown(str(value)) if isinstance(value, Md) else value, display=False)


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
            f"（{info.reason}）、同じ BERT 構造の小さなモデルで計算しています。"
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


def glue_model_facts(loaded: LoadedModel | None = None, prefix: str = "model") -> None:
    """Glue the model's facts for the page text: ``{glue:text}`model_layers``` and so on.

    Keys: ``<prefix>_name``, ``_layers``, ``_heads``, ``_hidden``, ``_params_m`` (millions, 1 decimal),
    ``_last_layer`` (0-based index of the last layer), ``_max_tokens``, ``_vocab`` (WordPiece vocabulary
    size), ``_positions`` (position embeddings), ``_segments`` (segment / token type embeddings),
    ``_colors_repeat`` (a sentence: do BERTviz's ten head colours repeat for this model?).
    """
    from myst_nb import glue

    loaded = loaded or load_model()
    info = loaded.info
    config = loaded.model.config
    facts = {
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
    for key, value in facts.items():
        glue(f"{prefix}_{key}", value, display=False)
