"""Raw attention (heads averaged) beside attention rollout (:mod:`attnviz.core.rollout`), as heatmaps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import matplotlib_fontja  # noqa: F401  (Japanese glyphs)
import numpy as np
from matplotlib.figure import Figure

from ..core.attention import AttentionResult
from ..core.rollout import default_layers, raw_mean, rollout

__all__ = ["rollout_figure"]


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
