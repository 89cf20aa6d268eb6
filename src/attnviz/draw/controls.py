"""The controls (:mod:`attnviz.core.controls`) drawn: one grid of heads per control, coloured by what each
head's strongest line did, with the head's role (:func:`attnviz.core.heads.label_heads`) written in it."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import matplotlib_fontja  # noqa: F401  (Japanese glyphs)
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..core.controls import CHOICES, ControlRun
from .labels import CHOICE_TABLE, ROLE_TABLE

__all__ = ["controls_figure"]


def controls_figure(runs: Sequence[ControlRun], labels: np.ndarray, titles: Sequence[str]) -> Figure:
    """One ``layers x heads`` grid per control; a cell's colour is the head's choice, its text the head's role.

    ``labels`` is :func:`~attnviz.core.heads.label_heads`'s ``(L, H)`` labels, ``titles`` one per run.
    """
    n_layers, n_heads = labels.shape
    fig, axes = plt.subplots(len(runs), 1, figsize=(9.0, 2.3 * len(runs) + 0.8), layout="constrained", squeeze=False)
    cmap = ListedColormap([CHOICE_TABLE[c].color for c in CHOICES])
    for ax, run, title in zip(axes[:, 0], runs, titles, strict=True):
        codes = np.vectorize(CHOICES.index)(run.choices)  # (L, H)
        ax.imshow(codes, cmap=cmap, vmin=-0.5, vmax=len(CHOICES) - 0.5, aspect="auto")
        for (layer, head), label in np.ndenumerate(labels):
            dark = run.choices[layer, head] in ("word",)
            ax.text(
                head,
                layer,
                ROLE_TABLE[label].short_ja,
                ha="center",
                va="center",
                fontsize=7,
                color="white" if dark else "black",
            )
        ax.set_xticks(range(n_heads), [str(h) for h in range(n_heads)], fontsize=8)
        ax.set_yticks(range(n_layers), [str(layer) for layer in range(n_layers)], fontsize=8)
        ax.set_ylabel("Layer")
        ax.set_title(title, fontsize=10)
    axes[-1, 0].set_xlabel("Head（0 から数える）　マスの文字：そのヘッドの役割（ヘッドの地図と同じ判定）")
    handles = [Patch(color=CHOICE_TABLE[c].color, label=CHOICE_TABLE[c].name_ja) for c in CHOICES]
    fig.legend(handles=handles, loc="outside lower center", ncols=len(CHOICES), frameon=False, fontsize=9)
    return fig
