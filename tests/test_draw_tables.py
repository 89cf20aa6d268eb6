"""attnviz.draw.tables: the Markdown tables pages paste, cell by cell."""

from __future__ import annotations

import numpy as np

from attnviz.core.shares import LayerShares
from attnviz.draw.tables import clark_table, matrix_table, share_table, token_table


def _shares(rows) -> LayerShares:
    uniform = np.array([0.05, 0.1, 0.2, 0.05, 0.6])
    return LayerShares(
        shares=np.array(rows, dtype=float), n_inputs=1, mean_tokens=10.0, special_uniform=0.15, uniform=uniform
    )


def test_clark_table_rows_are_layers_with_the_even_spread():
    n = 6
    long = np.tile([0.5, 0.1, 0.1, 0.1, 0.2], (n, 1))
    long[2:5] = [0.05, 0.6, 0.05, 0.05, 0.25]
    long[5] = [0.1, 0.1, 0.5, 0.1, 0.2]
    assert clark_table(_shares(long)).splitlines() == [
        "| 段階 | Layer | Clark らの BERT-base で多い相手 "
        "| [CLS]（均等なら 5%） | [SEP]（均等なら 10%） | 句読点（均等なら 20%） |",
        "|---|---|---|---|---|---|",
        "| 浅い層 | Layer 0 | [CLS] | 50% | 10% | 10% |",
        "| 浅い層 | Layer 1 | [CLS] | 50% | 10% | 10% |",
        "| 中間の層 | Layer 2 | [SEP] | 5% | 60% | 5% |",
        "| 中間の層 | Layer 3 | [SEP] | 5% | 60% | 5% |",
        "| 中間の層 | Layer 4 | [SEP] | 5% | 60% | 5% |",
        "| 深い層 | Layer 5 | 「.」と「,」 | 10% | 10% | 50% |",
    ]


def test_share_table_ends_with_the_even_spread():
    rows = share_table(_shares([[0.4, 0.1, 0.0, 0.1, 0.4], [0.1, 0.6, 0.05, 0.05, 0.2]])).splitlines()
    assert rows[0] == "| 行き先 | Layer 0 | Layer 1 | 均等に配った場合 |"
    assert rows[2] == "| [CLS] | 40% | 10% | 5% |"
    assert rows[4] == "| 句読点 | 0% | 5% | 20% |"
    assert len(rows) == 2 + 5


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
