"""Which token may look at which: the bidirectional mask of BERT and the causal mask of GPT-style decoders."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["bidirectional_mask", "causal_mask", "plot_masks"]


def bidirectional_mask(n: int) -> np.ndarray:
    """``(n, n)`` booleans, all True: in an encoder (BERT) every token may attend to every token.

    >>> bidirectional_mask(2).tolist()
    [[True, True], [True, True]]
    """
    return np.ones((n, n), dtype=bool)


def causal_mask(n: int) -> np.ndarray:
    """``(n, n)`` booleans, True on and below the diagonal: token ``i`` may attend to tokens ``0..i`` only.

    >>> causal_mask(3).astype(int).tolist()
    [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
    """
    return np.tril(np.ones((n, n), dtype=bool))


def plot_masks(tokens: Sequence[str], axes: Any = None) -> Figure:
    """Two grids side by side: the bidirectional mask (BERT) and the causal mask (GPT). Rows look at columns."""
    import matplotlib.pyplot as plt
    import matplotlib_fontja  # noqa: F401  (Japanese labels)
    from matplotlib.colors import ListedColormap

    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(8, 3.6), layout="constrained")
    else:
        fig = axes[0].figure
    n = len(tokens)
    cmap = ListedColormap(["#f1f1f1", "#2a6f97"])
    panels = [
        (bidirectional_mask(n), "双方向（BERT などの Encoder）"),
        (causal_mask(n), "因果マスク（GPT などの Decoder）"),
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
