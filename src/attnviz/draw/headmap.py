"""The layer x head map of measured head roles as a matplotlib figure, and the role table in Markdown.

Both draw from a :class:`~attnviz.core.heads.HeadStats` (compute once, draw many). The interactive map of the
same numbers is a view kind: :func:`attnviz.views.headmap.headmap_widget`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ..core.heads import LABELS, ROLES, HeadStats, Role, label_heads
from .labels import ROLE_TABLE

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["LABEL_COLORS", "LABEL_NAMES_JA", "headmap_figure", "role_table"]

#: Japanese name of every label, as shown in legends (from :data:`attnviz.draw.labels.ROLE_TABLE`).
LABEL_NAMES_JA: dict[str, str] = {label: info.name_ja for label, info in ROLE_TABLE.items()}
#: One colour per label (from :data:`attnviz.draw.labels.ROLE_TABLE`).
LABEL_COLORS: dict[str, str] = {label: info.color for label, info in ROLE_TABLE.items()}


def _cell_alpha(strength: np.ndarray) -> np.ndarray:
    """Opacity of a cell: 0.25 for a weak label, 1 for a label that holds fully."""
    return 0.25 + 0.75 * np.clip(np.nan_to_num(strength), 0.0, 1.0)


def headmap_figure(stats: HeadStats, ax: Any = None, *, annotate: bool = True) -> Figure:
    """The layer x head map: each cell coloured by the head's label, paler when the label holds weakly.

    The number in a cell is the label's strength in percent (the role's share of attention, or the
    normalised entropy for "broad"; see :func:`attnviz.core.heads.label_heads`). Layers and heads are
    counted from 0, as in BERTviz.
    """
    from matplotlib.colors import to_rgb
    from matplotlib.patches import Patch

    from .figures import new_axes  # matplotlib with Japanese glyphs

    labels, strength = label_heads(stats)
    n_layers, n_heads = labels.shape
    fig, ax = new_axes(ax, (1.0 + 0.5 * n_heads, 0.9 + 0.45 * n_layers), layout="constrained")
    rgba = np.zeros((n_layers, n_heads, 4))
    for label in LABELS:
        rgba[labels == label, :3] = to_rgb(LABEL_COLORS[label])
    rgba[..., 3] = _cell_alpha(strength)
    ax.imshow(rgba, aspect="equal", interpolation="nearest")
    if annotate:
        for (layer, head), value in np.ndenumerate(strength):
            dark = rgba[layer, head, 3] > 0.6 and labels[layer, head] not in ("next", "punctuation", "mixed")
            ax.text(
                head,
                layer,
                f"{100 * value:.0f}",
                ha="center",
                va="center",
                fontsize=7,
                color="white" if dark else "black",
            )
    ax.set_xticks(range(n_heads))
    ax.set_yticks(range(n_layers))
    ax.set_xlabel("Head（0 から数える）")
    ax.set_ylabel("Layer（0 から数える）")
    ax.set_xticks(np.arange(-0.5, n_heads), minor=True)
    ax.set_yticks(np.arange(-0.5, n_layers), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    present = [label for label in LABELS if (labels == label).any()]
    handles = [Patch(color=LABEL_COLORS[label], label=LABEL_NAMES_JA[label]) for label in present]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=9)
    title = "測定したヘッドの役割"
    if stats.model_name:
        title += f"（{stats.model_name}、{stats.n_inputs} 入力の平均）"
    ax.set_title(title, fontsize=10)
    return fig


def role_table(stats: HeadStats) -> Any:
    """A Markdown table: for each role, the head that fits it best and how well (computed, never typed)."""
    from IPython.display import Markdown

    from ..core.heads import ROLE_THRESHOLD, find_head

    rows = [
        f"| 役割 | 最もよく当てはまるヘッド | 平均の割合 | 基準（{100 * ROLE_THRESHOLD:.0f}% 超）を満たすか |",
        "|---|---|---|---|",
    ]
    roles: tuple[Role | Literal["broad"], ...] = (*ROLES, "broad")
    for role in roles:
        hit = find_head(stats, role=role)
        score = hit.score
        if role == "broad":
            value, ok = f"{100 * score:.0f}%（正規化エントロピー）", "—"
        else:
            value, ok = f"{100 * score:.0f}%", "はい" if score > ROLE_THRESHOLD else "いいえ"
        rows.append(f"| {LABEL_NAMES_JA[role]} | {hit.name} | {value} | {ok} |")
    return Markdown("\n".join(rows))
