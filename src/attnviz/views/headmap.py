"""The layer x head map as an interactive view (the view kind "headmap").

A self-contained ``IPython.display.HTML`` object (no library, no network): a grid of buttons, one per
head, coloured by the head's label; choosing one draws that head's attention on an example sentence.
Its code and style are ``attnviz/web/kinds/headmap.js`` and ``headmap.css``. In Jupyter and Colab the
output carries both inline and draws at once; the built site removes the inline copies and draws the map
when it nears the viewport, like every other view (:mod:`attnviz.views`). It draws from a
:class:`~attnviz.core.heads.HeadStats` (compute once, draw many); the same map as a figure is
:func:`attnviz.draw.headmap.headmap_figure`.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import numpy as np

from ..core.heads import LABELS, ROLES, HeadStats, label_heads
from ..draw.labels import ROLE_TABLE
from ..web import read_text
from .kind import ViewKind, lazy_tag

if TYPE_CHECKING:
    from ..core.attention import AttentionResult

__all__ = ["HEADMAP", "headmap_widget", "payload"]


def payload(stats: HeadStats, example: AttentionResult, initial: tuple[int, int] | None) -> dict[str, Any]:
    """The widget's data (what ``web/kinds/headmap.js`` draws): labels, strengths and the role profile of
    every head, and ``example``'s weights as integers in thousandths."""
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
        "legend": [{"name": ROLE_TABLE[label].name_ja, "color": ROLE_TABLE[label].color} for label in LABELS],
        "label": [[index[v] for v in row] for row in labels],
        "strength": np.round(np.nan_to_num(strength), 3).tolist(),
        "roles": [ROLE_TABLE[r].short_ja for r in ROLES],
        "profile": np.round(np.nan_to_num(np.stack([stats.score(r) for r in ROLES], axis=-1)), 2).tolist(),
        "tokens": list(example.tokens),
        "weights": permille.tolist(),
        "initial": list(initial),
    }


#: The view kind (registered in :data:`attnviz.views.KINDS`).
HEADMAP = ViewKind(
    name="headmap",
    marker='class="attnviz-headmap"',
    module="kinds/headmap.js",
    css=("headmap.css",),
    encode=payload,  # (stats, example) -> the data; the JS module reads it as it is (no decoder)
)


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
    data = lazy_tag(HEADMAP, uid, payload(stats, example, initial))
    (css,) = HEADMAP.css
    # The widget's code and style are files of attnviz.web, inlined so that the output works alone in
    # Jupyter and Colab; the built site removes them and serves one shared copy (attnviz.views.rewrite).
    html = (
        f'<div class="attnviz-headmap" id="{uid}" style="--ahm-heads: {int(stats.shape[1])}">'
        f'<style data-attnviz-asset="{css}">{read_text(css)}</style>'
        f"{data}"
        '<div class="ahm-body">'
        '<div class="ahm-grid" role="group" aria-label="層 × ヘッドの地図（ボタンでヘッドを選ぶ）"></div>'
        '<div class="ahm-view"><p class="ahm-caption" aria-live="polite"></p><p class="ahm-profile"></p>'
        '<svg role="img" '
        'aria-label="選んだヘッドの Attention（左のトークンから右のトークンへ）"></svg>'
        '<p class="ahm-hint">左のトークンにマウスを重ねる（または Tab で選ぶ）と、そのトークンからの線だけが残ります。'
        "矢印キーでもヘッドを移れます。</p></div>"
        "</div>"
        '<div class="ahm-legend"></div>'
        f'<script type="module" data-attnviz-asset="{HEADMAP.module}">{read_text(HEADMAP.module)}</script>'
        "</div>"
    )
    return HTML(html)
