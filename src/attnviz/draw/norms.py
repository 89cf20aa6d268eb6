"""Three views of one input's attention side by side: the weights, the norm-based view, rollout."""

from __future__ import annotations

import matplotlib.pyplot as plt
import matplotlib_fontja  # noqa: F401  (Japanese glyphs)
import numpy as np
from matplotlib.figure import Figure

from ..core.fmt import pct
from ..core.norms import NormResult, NormSummary, row_shares
from ..core.rollout import raw_mean, rollout
from .rollout import _heatmap

__all__ = ["norm_figure"]


def norm_figure(result: NormResult, summary: NormSummary, layer: int | None = None) -> Figure:
    """Top: one layer (default :attr:`NormSummary.layer`) as raw attention, norm-based shares and rollout.
    Bottom: per layer, the share on [CLS] and [SEP] in the three views."""
    layer = summary.layer if layer is None else layer
    tokens = result.tokens
    views = [
        (raw_mean(result.weights)[layer], f"Layer {layer}：Attention の重み\n（ヘッド平均）"),
        (row_shares(result.summed)[layer], f"Layer {layer}：ノルムで測った量\n‖Σα·f(x)‖（行ごとの割合）"),
        (rollout(result.weights)[layer], f"Layer {layer} までの rollout"),
    ]
    fig = plt.figure(figsize=(11.0, 7.4), layout="constrained")
    grid = fig.add_gridspec(2, 3, height_ratios=[1.25, 1.0])
    images = []
    for k, (matrix, title) in enumerate(views):
        ax = fig.add_subplot(grid[0, k])
        images.append(_heatmap(ax, matrix, tokens, title, 1.0))
        ax.set_xlabel("見られる側（キー）")
        if k == 0:
            ax.set_ylabel("見る側（クエリ）")
    fig.colorbar(images[0], ax=fig.axes, shrink=0.5, label="行の合計 = 1")
    ax = fig.add_subplot(grid[1, :])
    x = np.arange(len(summary.raw))
    bars = [
        ("Attention の重み", summary.raw, "#0072B2"),
        ("ノルム", summary.norm, "#D55E00"),
        ("rollout", summary.rollout, "#9A9A9A"),
    ]
    for k, (label, values, color) in enumerate(bars):
        ax.bar(x + (k - 1) * 0.26, values, width=0.26, color=color, label=label)
        for xi, v in zip(x, values, strict=True):
            ax.text(xi + (k - 1) * 0.26, v + 0.01, pct(v), ha="center", va="bottom", fontsize=7)
    ax.set_xticks(x, [str(i) for i in x])
    ax.set_xlabel("Layer（0 から数える）")
    ax.set_ylabel("[CLS] と [SEP] への割合")
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(lambda v, _: pct(v))
    ax.legend(loc="upper left", frameon=False, ncols=3)
    ax.set_title("層ごとに、[CLS] と [SEP] に向かう割合：3 つの見方", fontsize=10)
    return fig
