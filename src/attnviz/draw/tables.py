"""Markdown tables for pages (rendered by myst-nb): tokens with their ids, rounded matrices, Clark's stages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..core.attention import AttentionResult
from ..core.fmt import pct
from ..core.shares import CATEGORIES, CLARK_STAGE, Category, LayerShares, clark_stages
from .labels import CATEGORY_LABELS, STAGE_LABELS

__all__ = ["clark_table", "matrix_table", "shape_table", "share_table", "token_table"]


def _cell(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


def token_table(result: AttentionResult, tokenizer: Any) -> str:
    """Markdown table with one row per token: position, token, input id, token_type_id."""
    ids = tokenizer.convert_tokens_to_ids(list(result.tokens))
    rows = [
        f"| {i} | {_cell(t)} | {id_} | {type_} |"
        for i, (t, id_, type_) in enumerate(zip(result.tokens, ids, result.token_type_ids, strict=True))
    ]
    return "\n".join(["| 位置 | トークン | ID | token_type_id |", "|---|---|---|---|", *rows])


def matrix_table(
    matrix: np.ndarray,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    decimals: int = 2,
    code_labels: bool = True,
) -> str:
    """Markdown table of a 2-D array rounded to ``decimals`` (row labels as code when ``code_labels``)."""
    m = np.asarray(matrix, dtype=float)
    head = "| | " + " | ".join(col_labels) + " |"
    rule = "|---" * (len(col_labels) + 1) + "|"
    rows = [
        f"| {_cell(label) if code_labels else label} | " + " | ".join(f"{x:.{decimals}f}" for x in row) + " |"
        for label, row in zip(row_labels, m, strict=True)
    ]
    return "\n".join([head, rule, *rows])


def shape_table(n_tokens: int, hidden: int, heads: int) -> str:
    """Markdown table: the shapes from a layer's input through Multi-Head Attention and back, with T tokens.

    >>> print(shape_table(8, 384, 12).splitlines()[4])
    | ② ヘッドごとに切り分ける | H × (T × d_k) | 12 × (8 × 32) |
    """
    if hidden % heads:
        raise ValueError(f"hidden size {hidden} is not a multiple of {heads} heads")
    t, d_k = n_tokens, hidden // heads
    rows = [
        ("入力：各トークンのベクトルを並べた X", "T × d_model", f"{t} × {hidden}"),
        ("① X に線形層を掛けて Q を作る（K、V も同じ形）", "T × d_model", f"{t} × {hidden}"),
        ("② ヘッドごとに切り分ける", "H × (T × d_k)", f"{heads} × ({t} × {d_k})"),
        ("③ スコア Q·Kᵀ（ヘッドごと）", "H × (T × T)", f"{heads} × ({t} × {t})"),
        ("④ softmax の重みで V を平均（ヘッドごと）", "H × (T × d_k)", f"{heads} × ({t} × {d_k})"),
        ("⑤ ヘッドをつなげて線形層へ", "T × d_model", f"{t} × {hidden}"),
    ]
    return "\n".join(
        ["| 段階 | 形 | このページのモデルで |", "|---|---|---|", *(f"| {a} | {b} | {c} |" for a, b, c in rows)]
    )


def share_table(shares: LayerShares) -> str:
    """One row per part, one column per layer, and a last column: the share an even spread would give."""
    n = shares.n_layers
    rows = [
        "| 行き先 | " + " | ".join(f"Layer {layer}" for layer in range(n)) + " | 均等に配った場合 |",
        "|---" * (n + 2) + "|",
    ]
    for c in CATEGORIES:
        cells = " | ".join(pct(x) for x in shares.of(c))
        rows.append(f"| {CATEGORY_LABELS[c]} | {cells} | {pct(shares.even(c))} |")
    return "\n".join(rows)


def clark_table(long: LayerShares) -> str:
    """Clark et al.'s three stages layer by layer: [CLS], [SEP] and punctuation on the long input, with the
    share an even spread over the same tokens would give in the header."""
    i = CATEGORIES.index
    among: tuple[Category, ...] = ("cls", "sep", "punct")
    even = " | ".join(f"{CATEGORY_LABELS[c]}（均等なら {pct(long.even(c))}）" for c in among)
    rows = [f"| 段階 | Layer | Clark らの BERT-base で多い相手 | {even} |", "|---|---|---|---|---|---|"]
    for stage, layers in clark_stages(long.n_layers).items():
        expected = CATEGORY_LABELS[CLARK_STAGE[stage]]
        label = "「.」と「,」" if CLARK_STAGE[stage] == "punct" else expected
        for layer in layers:
            cells = " | ".join(pct(long.shares[layer, i(c)]) for c in among)
            rows.append(f"| {STAGE_LABELS[stage]} | Layer {layer} | {label} | {cells} |")
    return "\n".join(rows)
