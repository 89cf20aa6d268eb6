"""The layer x head map of measured head roles: a matplotlib figure and an interactive HTML view.

Both draw from a :class:`~attnviz.heads.HeadStats` (compute once, draw many). The interactive view is
a self-contained ``IPython.display.HTML`` object (inline ``<script>``, no library, no network): a grid
of buttons, one per head, coloured by the head's label; choosing one draws that head's attention on an
example sentence. It works in the built site, in Jupyter and in Colab alike.
"""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .heads import HeadStats, label_heads
from .roles import LABELS, ROLE_TABLE, ROLES, Role

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .attention import AttentionResult

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


def safe_json(value: Any) -> str:
    """JSON that can sit inside an HTML ``<script>``: ``<``, ``>``, ``&`` and U+2028/9 are escaped.

    >>> safe_json({"t": "</script><b>&"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


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


_STYLE = """
#{uid} {{ font-size: 0.85rem; margin: 0.5rem 0 1rem; }}
#{uid} .ahm-body {{ display: flex; flex-wrap: wrap; gap: 0.75rem 1rem; align-items: flex-start; }}
#{uid} .ahm-grid {{ display: grid; grid-template-columns: 3.6em repeat({heads}, 1.75em); gap: 2px; }}
#{uid} .ahm-grid span {{ text-align: center; font-size: 0.7rem; opacity: 0.75; align-self: center;
  white-space: nowrap; }}
#{uid} .ahm-grid button {{ height: 1.75em; padding: 0; border: 2px solid transparent; border-radius: 3px;
  font-size: 0.65rem; line-height: 1; cursor: pointer; }}
#{uid} .ahm-grid button[aria-pressed="true"] {{ border-color: #fff; box-shadow: 0 0 0 2px #111; font-weight: 700; }}
#{uid} .ahm-grid button:focus-visible {{ outline: 3px solid #0a58ca; outline-offset: 1px; }}
#{uid} .ahm-view {{ flex: 1 1 250px; min-width: 250px; }}
#{uid} .ahm-caption {{ margin: 0 0 0.25rem; font-weight: 600; min-height: 1.4em; }}
#{uid} .ahm-profile {{ margin: 0 0 0.25rem; font-size: 0.75rem; }}
#{uid} .ahm-hint {{ margin: 0.25rem 0 0; font-size: 0.75rem; opacity: 0.75; }}
#{uid} svg text {{ font-size: 13px; fill: currentColor; cursor: default; }}
#{uid} .ahm-legend {{ display: flex; flex-wrap: wrap; gap: 0.3rem 0.9rem; margin-top: 0.5rem; font-size: 0.75rem; }}
#{uid} .ahm-legend i {{ display: inline-block; width: 0.9em; height: 0.9em; border-radius: 2px;
  margin-right: 0.3em; vertical-align: -0.1em; }}
"""

_SCRIPT = r"""
(function () {
  var root = document.getElementById(ROOT_ID);
  if (!root || root.dataset.drawn) return;
  root.dataset.drawn = "1";
  var D = JSON.parse(root.querySelector("script[type='application/json']").textContent);
  var SVG = "http://www.w3.org/2000/svg";
  var grid = root.querySelector(".ahm-grid"), svg = root.querySelector("svg");
  var caption = root.querySelector(".ahm-caption"), profile = root.querySelector(".ahm-profile");
  var legend = root.querySelector(".ahm-legend");
  var buttons = [], current = D.initial, focusToken = null;
  function blend(hex, a) {  // the label colour at opacity a over white, and a readable text colour
    var n = parseInt(hex.slice(1), 16), c = [n >> 16, (n >> 8) & 255, n & 255].map(function (v) {
      return Math.round(a * v + (1 - a) * 255);
    });
    var lum = (0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]) / 255;
    return {bg: "rgb(" + c.join(",") + ")", fg: lum > 0.6 ? "#111" : "#fff"};
  }
  function el(tag, attrs, parent) {
    var node = document.createElementNS(SVG, tag);
    for (var k in attrs) node.setAttribute(k, attrs[k]);
    parent.appendChild(node);
    return node;
  }
  function describe(l, h) {
    var lab = D.legend[D.label[l][h]];
    return "Layer " + l + "・Head " + h + ": " + lab.name + "（" + Math.round(100 * D.strength[l][h]) + "%）";
  }
  function draw() {
    var l = current[0], h = current[1], W = D.weights[l][h], T = D.tokens.length;
    var color = D.legend[D.label[l][h]].color, rowH = 22, width = 250, top = 8;
    caption.textContent = describe(l, h);
    profile.textContent = "測定した平均: " + D.roles.map(function (name, k) {
      return name + " " + Math.round(100 * D.profile[l][h][k]) + "%";
    }).join("・");
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    svg.setAttribute("width", width);
    svg.setAttribute("height", top + T * rowH);
    svg.setAttribute("viewBox", "0 0 " + width + " " + (top + T * rowH));
    var lines = el("g", {}, svg);
    for (var i = 0; i < T; i++) {
      for (var j = 0; j < T; j++) {
        var w = W[i][j] / 1000;
        if (w < 0.01) continue;
        el("line", {x1: 85, y1: top + i * rowH + rowH / 2, x2: 165, y2: top + j * rowH + rowH / 2,
                    stroke: color, "stroke-width": 2.5, "stroke-opacity": w, "data-row": i}, lines);
      }
    }
    D.tokens.forEach(function (tok, i) {
      var left = el("text", {x: 79, y: top + i * rowH + rowH / 2, "text-anchor": "end",
                             "dominant-baseline": "middle", tabindex: 0}, svg);
      left.textContent = tok;  // tokens are text, never HTML
      left.addEventListener("mouseenter", function () { focusRow(i); });
      left.addEventListener("mouseleave", function () { focusRow(null); });
      left.addEventListener("focus", function () { focusRow(i); });
      left.addEventListener("blur", function () { focusRow(null); });
      var right = el("text", {x: 171, y: top + i * rowH + rowH / 2, "dominant-baseline": "middle"}, svg);
      right.textContent = tok;
    });
    focusRow(focusToken);
    buttons.forEach(function (b) {
      b.setAttribute("aria-pressed", String(+b.dataset.layer === l && +b.dataset.head === h));
    });
    root.dataset.layer = l;
    root.dataset.head = h;
  }
  function focusRow(row) {  // show only the lines from one token on the left (null: all)
    focusToken = row;
    svg.querySelectorAll("line").forEach(function (line) {
      line.style.display = row === null || +line.getAttribute("data-row") === row ? "" : "none";
    });
  }
  function select(l, h, focus) {
    current = [l, h];
    draw();
    if (focus) buttons[l * D.heads + h].focus();
  }
  grid.appendChild(document.createElement("span"));
  for (var h = 0; h < D.heads; h++) grid.appendChild(document.createElement("span")).textContent = h;
  for (var l = 0; l < D.layers; l++) {
    grid.appendChild(document.createElement("span")).textContent = "Layer " + l;
    for (var h2 = 0; h2 < D.heads; h2++) {
      var b = document.createElement("button"), s = D.strength[l][h2];
      b.type = "button";
      b.dataset.layer = l;
      b.dataset.head = h2;
      b.textContent = Math.round(100 * s);
      b.setAttribute("aria-label", describe(l, h2));
      b.title = describe(l, h2);
      var look = blend(D.legend[D.label[l][h2]].color, 0.25 + 0.75 * Math.min(1, Math.max(0, s)));
      b.style.background = look.bg;
      b.style.color = look.fg;
      b.addEventListener("click", function (e) {
        select(+e.currentTarget.dataset.layer, +e.currentTarget.dataset.head, false);
      });
      b.addEventListener("keydown", function (e) {
        var dl = {ArrowUp: -1, ArrowDown: 1}[e.key] || 0, dh = {ArrowLeft: -1, ArrowRight: 1}[e.key] || 0;
        if (!dl && !dh) return;
        e.preventDefault();
        var nl = Math.min(D.layers - 1, Math.max(0, +e.currentTarget.dataset.layer + dl));
        var nh = Math.min(D.heads - 1, Math.max(0, +e.currentTarget.dataset.head + dh));
        select(nl, nh, true);
      });
      grid.appendChild(b);
      buttons.push(b);
    }
  }
  D.legend.forEach(function (item, k) {
    if (!D.label.some(function (row) { return row.indexOf(k) >= 0; })) return;
    var span = document.createElement("span");
    var sw = document.createElement("i");
    sw.style.background = item.color;
    span.appendChild(sw);
    span.appendChild(document.createTextNode(item.name));
    legend.appendChild(span);
  });
  draw();
})();
"""


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
    style = _STYLE.format(uid=uid, heads=stats.shape[1])
    script = _SCRIPT.replace("ROOT_ID", json.dumps(uid))
    html = (
        f'<div class="attnviz-headmap" id="{uid}">'
        f"<style>{style}</style>"
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
        "</div>"
        f"<script>{script}</script>"
    )
    return HTML(html)


def role_table(stats: HeadStats) -> Any:
    """A Markdown table: for each role, the head that fits it best and how well (computed, never typed)."""
    from IPython.display import Markdown

    from .heads import ROLE_THRESHOLD, find_head

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
