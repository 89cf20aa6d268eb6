"""The layer x head map of measured head roles: a matplotlib figure and an interactive HTML view.

Both draw from a :class:`~attnviz.heads.HeadStats` (compute once, draw many). The interactive view is
a self-contained ``IPython.display.HTML`` object (inline ``<script>``, no library, no network;
the code and style are ``attnviz/web/headmap.js`` and ``headmap.css``): a grid
of buttons, one per head, coloured by the head's label; choosing one draws that head's attention on an
example sentence. It works in the built site, in Jupyter and in Colab alike.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .core.heads import LABELS, ROLES, HeadStats, Role, label_heads
from .draw.labels import ROLE_TABLE
from .web import read_text, safe_json

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .core.attention import AttentionResult

__all__ = [
    "LABEL_COLORS",
    "LABEL_NAMES_JA",
    "headmap_figure",
    "headmap_widget",
    "role_table",
    "safe_json",
]

#: Japanese name of every label, as shown in legends (from :data:`attnviz.roles.ROLE_TABLE`).
LABEL_NAMES_JA: dict[str, str] = {label: info.name_ja for label, info in ROLE_TABLE.items()}
#: One colour per label (from :data:`attnviz.roles.ROLE_TABLE`).
LABEL_COLORS: dict[str, str] = {label: info.color for label, info in ROLE_TABLE.items()}


def _cell_alpha(strength: np.ndarray) -> np.ndarray:
    """Opacity of a cell: 0.25 for a weak label, 1 for a label that holds fully."""
    return 0.25 + 0.75 * np.clip(np.nan_to_num(strength), 0.0, 1.0)


def headmap_figure(stats: HeadStats, ax: Any = None, *, annotate: bool = True) -> Figure:
    """The layer x head map: each cell coloured by the head's label, paler when the label holds weakly.

    The number in a cell is the label's strength in percent (the role's share of attention, or the
    normalised entropy for "broad"; see :func:`attnviz.heads.label_heads`). Layers and heads are
    counted from 0, as in BERTviz.
    """
    from matplotlib.colors import to_rgb
    from matplotlib.patches import Patch

    from .draw.figures import new_axes  # matplotlib with Japanese glyphs

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


def _payload(stats: HeadStats, example: AttentionResult, initial: tuple[int, int] | None) -> dict[str, Any]:
    labels, strength = label_heads(stats)
    if example.weights.shape[:2] != labels.shape:
        raise ValueError(f"the example has {example.weights.shape[:2]} layers x heads, the stats {labels.shape}")
    index = {label: i for i, label in enumerate(LABELS)}
    if initial is None:
        layer, head = np.unravel_index(int(np.argmax(np.where(labels == "mixed", -1.0, strength))), labels.shape)
        initial = (int(layer), int(head))
    permille = np.rint(np.asarray(example.weights, dtype=np.float64) * 1000).astype(int)  # (L, H, T, T)
    return {
        "layers": int(labels.shape[0]),
        "heads": int(labels.shape[1]),
        "legend": [{"name": LABEL_NAMES_JA[label], "color": LABEL_COLORS[label]} for label in LABELS],
        "label": [[index[v] for v in row] for row in labels],
        "strength": np.round(np.nan_to_num(strength), 3).tolist(),
        "roles": [ROLE_TABLE[r].short_ja for r in ROLES],
        "profile": np.round(np.nan_to_num(np.stack([stats.score(r) for r in ROLES], axis=-1)), 2).tolist(),
        "tokens": list(example.tokens),
        "weights": permille.tolist(),
        "initial": list(initial),
    }


def headmap_widget(
    stats: HeadStats,
    example: AttentionResult,
    *,
    initial: tuple[int, int] | None = None,
    uid: str | None = None,
) -> Any:
    """The map as buttons; choosing a head draws its attention on ``example``. An ``IPython.display.HTML``.

    ``initial`` is the ``(layer, head)`` shown first (default: the head whose label holds most
    strongly). ``uid`` fixes the element id (for tests); by default it is random, so a page can hold
    several maps. Weights are sent as integers in thousandths; tokens are inserted as text only.
    """
    from IPython.display import HTML

    uid = f"attnviz-headmap-{uid or uuid.uuid4().hex[:12]}"
    data = safe_json(_payload(stats, example, initial))
    # The widget's code and style are files of attnviz.web, inlined so that the output works alone in
    # Jupyter and Colab; the built site replaces them by one shared copy (attnviz.sphinx.compact).
    html = (
        f'<div class="attnviz-headmap" id="{uid}" style="--ahm-heads: {int(stats.shape[1])}">'
        f'<style data-attnviz-asset="headmap.css">{read_text("headmap.css")}</style>'
        f'<script type="application/json">{data}</script>'
        '<div class="ahm-body">'
        '<div class="ahm-grid" role="group" aria-label="層 × ヘッドの地図（ボタンでヘッドを選ぶ）"></div>'
        '<div class="ahm-view"><p class="ahm-caption" aria-live="polite"></p><p class="ahm-profile"></p>'
        '<svg role="img" '
        'aria-label="選んだヘッドの Attention（左のトークンから右のトークンへ）"></svg>'
        '<p class="ahm-hint">左のトークンにマウスを重ねる（または Tab で選ぶ）と、そのトークンからの線だけが残ります。'
        "矢印キーでもヘッドを移れます。</p></div>"
        "</div>"
        '<div class="ahm-legend"></div>'
        f'<script data-attnviz-asset="headmap.js">{read_text("headmap.js")}</script>'
        "</div>"
    )
    return HTML(html)


def role_table(stats: HeadStats) -> Any:
    """A Markdown table: for each role, the head that fits it best and how well (computed, never typed)."""
    from IPython.display import Markdown

    from .core.heads import ROLE_THRESHOLD, find_head

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
