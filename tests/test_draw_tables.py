"""attnviz.draw.tables: the Markdown tables pages paste, cell by cell."""

from __future__ import annotations

import numpy as np

from attnviz.core.shares import LayerShares
from attnviz.draw.tables import clark_table, matrix_table, token_table


def _shares(rows) -> LayerShares:
    return LayerShares(shares=np.array(rows, dtype=float), n_inputs=1, mean_tokens=10.0, special_uniform=0.2)


def test_clark_table_rows():
    n = 12
    short = _shares(np.tile([0.1, 0.2, 0.1, 0.1, 0.5], (n, 1)))
    long = np.tile([0.5, 0.1, 0.1, 0.1, 0.2], (n, 1))
    long[5:10] = [0.05, 0.6, 0.05, 0.05, 0.25]
    long[10:] = [0.1, 0.1, 0.5, 0.1, 0.2]
    assert clark_table(short, _shares(long)).splitlines() == [
        "| 段階 | Layer | Clark らの BERT-base で多い相手 "
        "| 長い 2 文：[CLS] / [SEP] / 句読点 | 短い例文：[CLS] / [SEP] / 句読点 |",
        "|---|---|---|---|---|",
        "| 浅い層 | Layer 0〜4 | [CLS] | 50% / 10% / 10% | 10% / 20% / 10% |",
        "| 中間の層 | Layer 5〜9 | [SEP] | 5% / 60% / 5% | 10% / 20% / 10% |",
        "| 深い層 | Layer 10〜11 | 「.」と「,」 | 10% / 10% / 50% | 10% / 20% / 10% |",
    ]


def test_matrix_table_rounds_and_labels():
    table = matrix_table(np.array([[0.123, 1.0], [2.5, -0.004]]), ["a`b", "c"], ["x", "y"])
    assert table.splitlines() == ["| | x | y |", "|---|---|---|", "| `a'b` | 0.12 | 1.00 |", "| `c` | 2.50 | -0.00 |"]
    plain = matrix_table(np.eye(2), ["one", "two"], ["1", "2"], decimals=0, code_labels=False)
    assert plain.splitlines()[2:] == ["| one | 1 | 0 |", "| two | 0 | 1 |"]


def test_token_table(loaded, pair):
    rows = token_table(pair, loaded.tokenizer).splitlines()
    assert rows[:2] == ["| 位置 | トークン | ID | token_type_id |", "|---|---|---|---|"]
    assert len(rows) == 2 + len(pair.tokens)
    assert rows[2] == f"| 0 | `[CLS]` | {loaded.tokenizer.cls_token_id} | 0 |"
    b = pair.sentence_b_start
    assert rows[2 + b].endswith(" | 1 |") and rows[1 + b].endswith(" | 0 |")
