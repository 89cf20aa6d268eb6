/*
 * attnviz view kind "head": BERTviz's head view (registered in attnviz.views). draw(root, data) draws it
 * with BERTviz's own code and returns its handle for a11y.js: head squares as checkboxes (Enter toggles,
 * Shift+Enter keeps only that head, as BERTviz's double click does), tokens that show their lines when
 * focused, and a text alternative for the layer and the heads shown. Its layout() sizes the drawing to the
 * tokens it holds, so that none is cut off on a narrow screen (the box scrolls instead).
 */
import { focusable, fire, onActivate } from "../a11y.js";
import { drawBertviz, headOn, headSquares, shownData } from "../bertviz.js";
import { averageHeads, headsCaption } from "../textalt.js";

export async function draw(root, data) {
  const params = await drawBertviz("head", data);
  return handle(params);
}

// BERTviz lays the head view out at a fixed width (two token columns of 110 px around 115 px of lines) in an
// SVG as wide as its box: on a phone the box is narrower, and a long token reaches past either edge anyway.
const LAYOUT_WIDTH = 110 + 115 + 110;
const MARGIN = 4;

/**
 * Size the head view's SVG to what it draws: at least BERTviz's layout width, and wide enough for every
 * token (a long left-hand token, right-aligned, starts left of 0). The SVG keeps its scale; a box narrower
 * than the drawing scrolls (bertviz.css). Called after every redraw (a11y.js); skipped while not rendered.
 */
export function layout(root) {
  const svg = root.querySelector("#vis svg");
  if (!svg || typeof svg.getBBox !== "function") return;
  let box;
  try {
    box = svg.getBBox();
  } catch {
    return; // Firefox: an SVG that is not rendered has no box
  }
  const height = parseFloat(svg.getAttribute("height"));
  if (!box.width || !height) return;
  const left = Math.min(0, Math.floor(box.x) - MARGIN);
  const right = Math.max(LAYOUT_WIDTH, Math.ceil(box.x + box.width) + MARGIN);
  svg.setAttribute("viewBox", `${left} 0 ${right - left} ${height}`);
  svg.setAttribute("width", String(right - left));
  svg.classList.add("attnviz-fitted");
}

/** The head view's accessibility handle (see a11y.js), for a view drawn from `params`. */
export function handle(params) {
  return {
    params,
    title: "head view",
    layout,
    enhance,
    table: { current: (root) => current(root, params) },
  };
}

function enhance(root, update) {
  const svg = root.querySelector("#vis svg");
  if (!svg) return;
  const squares = headSquares(svg);
  const sync = () => {
    squares.forEach((rect, i) => rect.setAttribute("aria-checked", headOn(rect, i) ? "true" : "false"));
    update();
  };
  squares.forEach((rect, i) => {
    focusable(rect, "checkbox", `Head ${i}（Enter で表示を切り替え、Shift+Enter でこのヘッドだけ）`);
    onActivate(rect, (event) => {
      fire(rect, event.shiftKey ? "dblclick" : "click");
      sync();
    });
    if (!rect.__attnvizClick) {
      rect.__attnvizClick = true;
      rect.addEventListener("click", () => setTimeout(sync, 0));
      rect.addEventListener("dblclick", () => setTimeout(sync, 0));
    }
  });
  for (const side of ["left", "right"]) {
    const container = svg.querySelector(`#${side}`);
    if (!container) continue;
    container.querySelectorAll(":scope > g:not(.attentionBoxes) > g").forEach((token) => {
      const text = token.querySelector("text");
      focusable(token, "button", `${text ? text.textContent : ""}（${side === "left" ? "見る側" : "見られる側"}` +
        "のトークン: フォーカスでこのトークンの線を表示）");
      if (token.__attnvizFocus) return;
      token.__attnvizFocus = true;
      token.addEventListener("focus", () => fire(token, "mouseover"));
      token.addEventListener("blur", () => fire(container, "mouseleave"));
    });
  }
  sync();
}

/** The layer chosen and the heads switched on (all of them when none is). */
function current(root, params) {
  const data = shownData(root, params);
  const layerSelect = root.querySelector("#layer");
  const layer = layerSelect ? +layerSelect.value : data.layers[0];
  const seq = Math.max(0, data.layers.indexOf(layer));
  const total = data.attn[seq].length;
  let heads = headSquares(root.querySelector("#vis svg")).map((rect, i) => (headOn(rect, i) ? i : -1))
    .filter((i) => i >= 0);
  if (!heads.length) heads = [...Array(total).keys()];
  return {
    caption: headsCaption(data.layers[seq], heads, total),
    left: data.left,
    right: data.right,
    rows: averageHeads(data.attn[seq], heads),
    layer: data.layers[seq] ?? seq,
  };
}
