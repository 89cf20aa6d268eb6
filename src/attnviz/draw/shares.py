"""The layer-share figure: per layer, where attention goes ([CLS], [SEP], punctuation, itself, the rest)."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure

from ..core.fmt import pct
from ..core.shares import CATEGORIES, LayerShares
from .figures import new_axes  # matplotlib with Japanese glyphs
from .labels import CATEGORY_COLORS, CATEGORY_LABELS

__all__ = ["plot_layer_shares"]


def plot_layer_shares(
    shares: LayerShares, ax: Any = None, *, model_name: str | None = None, title: str | None = None
) -> Figure:
    """Stacked bars: per layer (from 0), the share of attention to [CLS], [SEP], punctuation, itself and the rest.

    When the shares carry their even-spread baseline, a last bar (「均等」) shows it: what the same tokens
    would get if every token spread its attention evenly.
    """
    fig, ax = new_axes(ax, (7.5, 3.8), layout="constrained")
    n = shares.n_layers
    even = shares.uniform is not None
    layers = np.arange(n + (1 if even else 0)).astype(float)
    if even:
        layers[-1] += 0.4  # a gap before the baseline bar
    bottom = np.zeros(len(layers))
    for category in CATEGORIES:
        values = shares.of(category)
        if even:
            values = np.append(values, shares.even(category))
        ax.bar(
            layers, values, bottom=bottom, color=CATEGORY_COLORS[category], label=CATEGORY_LABELS[category], width=0.75
        )
        for x, v, b in zip(layers, values, bottom, strict=True):
            if v >= 0.08:
                dark_text = category in ("punct", "self")
                ax.text(
                    x,
                    b + v / 2,
                    pct(v),
                    ha="center",
                    va="center",
                    color="black" if dark_text else "white",
                    fontsize=8,
                )
        bottom += values
    ax.set_xticks(layers, [str(i) for i in range(n)] + (["均等"] if even else []))
    ax.set_xlabel("Layer（0 から数える）")
    ax.set_ylabel("Attention の割合")
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(lambda v, _: pct(v))
    title = title or f"層ごとの Attention の行き先（例文 {shares.n_inputs} 件の平均）"
    if model_name:
        title += f"\n{model_name}"
    ax.set_title(title, fontsize=11)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig
