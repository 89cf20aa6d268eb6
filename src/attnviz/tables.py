"""Small Markdown tables for pages (rendered by myst-nb): tokens with their ids, rounded matrices."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .attention import AttentionResult

__all__ = ["matrix_table", "token_table"]


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
