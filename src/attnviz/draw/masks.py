"""Which token may look at which, drawn: BERT's bidirectional mask beside GPT's causal mask."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import matplotlib_fontja  # noqa: F401  (Japanese labels)
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from ..core.masks import bidirectional_mask, causal_mask

__all__ = ["plot_masks"]


def plot_masks(tokens: Sequence[str], axes: Any = None) -> Figure:
    """Two grids side by side: the bidirectional mask (BERT) and the causal mask (GPT). Rows look at columns."""
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(8, 3.6), layout="constrained")
    else:
        fig = axes[0].figure
    n = len(tokens)
    cmap = ListedColormap(["#f1f1f1", "#2a6f97"])
    panels = [
        (bidirectional_mask(n), "双方向（BERT などのエンコーダ）"),
        (causal_mask(n), "因果マスク（GPT などのデコーダ）"),
    ]
    for ax, (mask, title) in zip(axes, panels, strict=True):
        ax.imshow(mask, cmap=cmap, vmin=0, vmax=1)
        ax.set_xticks(range(n), tokens, rotation=60, ha="right", fontsize=8)
        ax.set_yticks(range(n), tokens, fontsize=8)
        ax.set_xticks(np.arange(-0.5, n), minor=True)
        ax.set_yticks(np.arange(-0.5, n), minor=True)
        ax.grid(which="minor", color="white", linewidth=1.5)
        ax.tick_params(which="minor", length=0)
        ax.set_xlabel("見られる側（キー）")
        ax.set_ylabel("見る側（クエリ）")
        ax.set_title(title, fontsize=10)
    return fig
