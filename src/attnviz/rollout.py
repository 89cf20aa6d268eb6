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

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .attention import AttentionResult

__all__ = ["RESIDUAL", "default_layers", "raw_mean", "rollout", "rollout_facts", "rollout_figure", "row_spread"]

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
    """First, middle and last layer (0-based): ``default_layers(12) == [0, 6, 11]``."""
    return sorted({0, n_layers // 2, n_layers - 1})


def rollout_facts(result: AttentionResult, residual: float = RESIDUAL) -> dict[str, str]:
    """Facts about rollout on one input, ready for :func:`attnviz.page.glue_facts`.

    With ``Ã = (1 - r) A + r I`` every row of layer 0's rollout puts at least ``r`` (50%) on its own token
    by construction, so ``roll0_self_model`` reports only the part above that floor, the model's own
    (it equals ``(1 - r)`` times the raw diagonal). Keys: ``residual``, ``last_layer``, ``layers_shown``,
    ``roll0_self``, ``roll0_self_model``, ``raw0_self``, ``raw_special``, ``roll_special``,
    ``special_trend``, ``raw_spread``, ``roll_spread``, ``spread_word``.
    """
    from .page import Md

    raw, rolled = raw_mean(result.weights), rollout(result.weights, residual)  # (L, T, T) each
    last = raw.shape[0] - 1
    special = [i for i, t in enumerate(result.tokens) if t in ("[CLS]", "[SEP]")]
    raw_sp = float(raw[last][:, special].sum(axis=1).mean())
    roll_sp = float(rolled[last][:, special].sum(axis=1).mean())
    roll0 = float(np.diagonal(rolled[0]).mean())
    spread = row_spread(rolled[last])

    def pct(x: float) -> str:
        return f"{100 * x:.0f}%"

    return {
        "residual": pct(residual),
        "last_layer": str(last),
        "layers_shown": "・".join(str(layer) for layer in default_layers(raw.shape[0])),
        "roll0_self": pct(roll0),
        "roll0_self_model": pct(roll0 - residual),
        "raw0_self": pct(float(np.diagonal(raw[0]).mean())),
        "raw_special": pct(raw_sp),
        "roll_special": pct(roll_sp),
        "special_trend": "大きく" if roll_sp > raw_sp else "小さく",
        "raw_spread": pct(row_spread(raw[last])),
        "roll_spread": pct(spread),
        "spread_word": Md(
            "どのトークンの行もほとんど同じ形になっています" if spread < 0.2 else "行ごとの違いがまだ残っています"
        ),
    }


def _heatmap(ax: Any, matrix: np.ndarray, tokens: Sequence[str], title: str, vmax: float) -> Any:
    image = ax.imshow(matrix, cmap="Blues", vmin=0.0, vmax=vmax)
    ax.set_xticks(range(len(tokens)), tokens, rotation=90, fontsize=8)
    ax.set_yticks(range(len(tokens)), tokens, fontsize=8)
    ax.set_title(title, fontsize=10)
    return image


def rollout_figure(result: AttentionResult, layers: Sequence[int] | None = None) -> Figure:
    """Raw attention (heads averaged, top row) and rollout (bottom row) for some layers, side by side.

    Rows of each heatmap are the token that looks (query), columns the token looked at (key).
    Layers are counted from 0; by default the first, the middle and the last.
    """
    import matplotlib.pyplot as plt
    import matplotlib_fontja  # noqa: F401  (Japanese glyphs)

    raw = raw_mean(result.weights)
    rolled = rollout(result.weights)
    layers = list(layers) if layers is not None else default_layers(raw.shape[0])
    size = 2.6 + 0.12 * len(result.tokens)
    fig, axes = plt.subplots(
        2, len(layers), figsize=(size * len(layers) + 1.2, 2 * size + 0.6), layout="constrained", squeeze=False
    )
    for k, layer in enumerate(layers):
        _heatmap(axes[0, k], raw[layer], result.tokens, f"Layer {layer}：そのままの Attention", 1.0)
        image = _heatmap(axes[1, k], rolled[layer], result.tokens, f"Layer {layer} までの rollout", 1.0)
    for ax in axes[:, 0]:
        ax.set_ylabel("見る側（クエリ）")
    for ax in axes[1, :]:
        ax.set_xlabel("見られる側（キー）")
    fig.colorbar(image, ax=axes, shrink=0.6, label="重み（行の合計 = 1）")
    return fig
