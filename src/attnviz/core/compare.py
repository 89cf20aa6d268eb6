"""How one token's attention changed between two inputs: the measure of the playground's compare mode.

The same computation as ``attnviz/web/playground/compare.js`` (the browser's), so that a test can check
the page's numbers against PyTorch's weights:

* the two inputs' tokens are aligned by the least edits (equal tokens pair at no cost; a replaced token,
  an added or a dropped one costs 1; a replaced token stays paired);
* a head's change for token ``i`` of input A is the total variation distance between ``i``'s row in A and
  its partner's row in B, over the keys paired in both, each row renormalised over those keys:
  ``TV = ½ Σ_k |p_k − q_k|`` (0: the same spread; 1: no overlap).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["align_tokens", "change_grid", "total_variation"]


def align_tokens(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int]]:
    """Pairs ``(i, j)`` of positions, ascending, of the least-edit alignment (replaced tokens paired).

    >>> align_tokens(["[CLS]", "too", "tired", "[SEP]"], ["[CLS]", "too", "wide", "[SEP]"])
    [(0, 0), (1, 1), (2, 2), (3, 3)]
    """
    n, m = len(a), len(b)
    cost = np.zeros((n + 1, m + 1), dtype=np.int64)
    cost[:, 0] = np.arange(n + 1)
    cost[0, :] = np.arange(m + 1)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            pair = cost[i - 1, j - 1] + (0 if a[i - 1] == b[j - 1] else 1)
            cost[i, j] = min(pair, cost[i - 1, j] + 1, cost[i, j - 1] + 1)
    pairs = []
    i, j = n, m
    while i > 0 and j > 0:  # the same tie order as compare.js: pair, then drop from A, then from B
        if cost[i, j] == cost[i - 1, j - 1] + (0 if a[i - 1] == b[j - 1] else 1):
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif cost[i, j] == cost[i - 1, j] + 1:
            i -= 1
        else:
            j -= 1
    return pairs[::-1]


def total_variation(p: np.ndarray, q: np.ndarray) -> float:
    """½ Σ |p/Σp − q/Σq|; 1 when either vector sums to 0."""
    sp, sq = float(np.sum(p)), float(np.sum(q))
    if not (sp > 0 and sq > 0):
        return 1.0
    return float(np.abs(np.asarray(p) / sp - np.asarray(q) / sq).sum() / 2)


def change_grid(weights_a: np.ndarray, weights_b: np.ndarray, pairs: Sequence[tuple[int, int]], i: int) -> np.ndarray:
    """``(layers, heads)`` total variation of token ``i``'s row (input A) against its partner's (input B)."""
    partner = dict(pairs)[i]
    keys_a = [ka for ka, _ in pairs]
    keys_b = [kb for _, kb in pairs]
    rows_a = np.asarray(weights_a, dtype=np.float64)[:, :, i, keys_a]  # (L, H, K)
    rows_b = np.asarray(weights_b, dtype=np.float64)[:, :, partner, keys_b]
    rows_a = rows_a / rows_a.sum(axis=-1, keepdims=True)
    rows_b = rows_b / rows_b.sum(axis=-1, keepdims=True)
    return np.abs(rows_a - rows_b).sum(axis=-1) / 2
