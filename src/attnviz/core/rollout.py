"""Attention rollout (Abnar & Zuidema 2020, https://arxiv.org/abs/2005.00928) beside raw attention.

A raw attention weight says how much a layer's token ``i`` mixes in token ``j``'s vector *of that
layer* — which has already mixed in other tokens in the layers below, and which the residual
connection adds back to ``i``'s own vector. Rollout follows the mixing through the layers:

* average the heads: ``A_l = mean_h W[l, h]``;
* account for the residual connection: ``Ã_l = 0.5 · A_l + 0.5 · I``, rows renormalised to sum to 1;
* multiply through the layers: ``R_0 = Ã_0``, ``R_l = Ã_l · R_{l-1}``.

``R_l[i, j]`` estimates how much input token ``j`` flows into token ``i``'s vector after layer ``l``.
It is still an approximation (it ignores the values' sizes and the feed-forward layers), but it is
the standard first step beyond reading raw weights as influence (Jain & Wallace 2019).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .tokens import kinds_of

if TYPE_CHECKING:
    from .attention import AttentionResult

__all__ = ["RESIDUAL", "RolloutSummary", "default_layers", "raw_mean", "rollout", "rollout_summary", "row_spread"]

#: The weight of the identity (the residual connection) in ``Ã = (1 - r) · A + r · I``.
RESIDUAL = 0.5


def raw_mean(weights: np.ndarray) -> np.ndarray:
    """Raw attention with the heads averaged: ``(L, H, T, T)`` -> ``(L, T, T)``."""
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 4 or w.shape[2] != w.shape[3]:
        raise ValueError(f"weights must have shape (layers, heads, T, T); got {w.shape}")
    return w.mean(axis=1)


def rollout(weights: np.ndarray, residual: float = RESIDUAL) -> np.ndarray:
    """Attention rollout after every layer: ``(L, H, T, T)`` -> ``(L, T, T)``; every row sums to 1.

    >>> w = np.array([[[[1.0, 0.0], [1.0, 0.0]]], [[[0.0, 1.0], [0.0, 1.0]]]])  # (2, 1, 2, 2)
    >>> rollout(w)[1].round(3).tolist()
    [[0.75, 0.25], [0.5, 0.5]]
    """
    if not 0.0 <= residual <= 1.0:
        raise ValueError("residual must be between 0 and 1")
    a = raw_mean(weights)  # (L, T, T)
    t = a.shape[-1]
    a = (1.0 - residual) * a + residual * np.eye(t)  # Ã_l
    a = a / a.sum(axis=-1, keepdims=True)  # rows sum to 1
    out = np.empty_like(a)
    acc = np.eye(t)
    for layer in range(a.shape[0]):
        acc = a[layer] @ acc  # R_l = Ã_l · R_{l-1}   (T, T)
        out[layer] = acc
    return out


def row_spread(matrix: np.ndarray) -> float:
    """How different the rows of a ``(T, T)`` attention or rollout matrix are, from 0 to 1.

    The mean total-variation distance between each row and the average row: 0 when every token's row
    is the same (every token mixes the same inputs), near 1 when the rows put their weight on
    different tokens.

    >>> row_spread(np.eye(2)), row_spread(np.array([[0.5, 0.5], [0.5, 0.5]]))
    (0.5, 0.0)
    """
    m = np.asarray(matrix, dtype=np.float64)
    return float(0.5 * np.abs(m - m.mean(axis=0, keepdims=True)).sum(axis=1).mean())


def default_layers(n_layers: int) -> list[int]:
    """First, middle and last layer (0-based): ``default_layers(12) == [0, 6, 11]``.

    The layers the rollout figure draws, and the layers chapters 3 and 4 show a pair's head view with.
    """
    return sorted({0, n_layers // 2, n_layers - 1})


@dataclass(frozen=True)
class RolloutSummary:
    """Rollout beside raw attention on one input, in numbers (shares from 0 to 1; layers from 0).

    With ``Ã = (1 - r) A + r I`` every row of layer 0's rollout puts at least ``r`` on its own token by
    construction: :attr:`roll0_self_model` is the part above that floor, the model's own (it equals
    ``(1 - r)`` times :attr:`raw0_self`).
    """

    residual: float
    last_layer: int
    layers_shown: tuple[int, ...]  #: the layers :func:`attnviz.draw.rollout.rollout_figure` draws by default
    roll0_self: float  #: mean diagonal of layer 0's rollout
    raw0_self: float  #: mean diagonal of layer 0's raw attention (heads averaged)
    raw_special: float  #: last layer, raw: mean share of a row on [CLS] and [SEP]
    roll_special: float  #: last layer, rollout: the same share
    raw_spread: float  #: :func:`row_spread` of the last layer's raw attention
    roll_spread: float  #: :func:`row_spread` of the last layer's rollout

    @property
    def roll0_self_model(self) -> float:
        return self.roll0_self - self.residual


def rollout_summary(result: AttentionResult, residual: float = RESIDUAL) -> RolloutSummary:
    """:class:`RolloutSummary` of one input ([CLS] and [SEP] as the model's tokenizer names them)."""
    raw, rolled = raw_mean(result.weights), rollout(result.weights, residual)  # (L, T, T) each
    last = raw.shape[0] - 1
    special = kinds_of(result).special  # (T,)
    return RolloutSummary(
        residual=residual,
        last_layer=last,
        layers_shown=tuple(default_layers(raw.shape[0])),
        roll0_self=float(np.diagonal(rolled[0]).mean()),
        raw0_self=float(np.diagonal(raw[0]).mean()),
        raw_special=float(raw[last][:, special].sum(axis=1).mean()),
        roll_special=float(rolled[last][:, special].sum(axis=1).mean()),
        raw_spread=row_spread(raw[last]),
        roll_spread=row_spread(rolled[last]),
    )
