/*
 * attnviz view kind "headmap": the layer x head map widget (attnviz.views.headmap.headmap_widget writes
 * its markup and its data, a <script type="application/json" data-attnviz-view="headmap">).
 *
 * In the built site views.js imports this module and calls draw(root, data) when the widget nears the
 * viewport. In Jupyter and Colab the widget's output carries this file inline (a module script) and the
 * lines at the end draw at once every widget that carries its own code; the built site removes those
 * inline copies, so there nothing draws before views.js asks. This file imports nothing, so that it
 * works inline.
 */

const SVG = "http://www.w3.org/2000/svg";

/** WCAG 2 relative luminance of an [r, g, b] colour (0-255). */
export function luminance(c) {
  const v = c.map((x) => {
    const s = x / 255;
    return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
}

export function contrast(a, b) {
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/**
 * The label colour `hex` at opacity `a` over white, and a text colour with a WCAG contrast of at least 4.5:1
 * (the numbers are small text): the better of near-black and white, the background nudged towards white or
 * black until the contrast is reached. Returns {bg: "rgb(...)", fg}.
 */
export function blend(hex, a) {
  const n = parseInt(hex.slice(1), 16);
  let c = [n >> 16, (n >> 8) & 255, n & 255].map((v) => Math.round(a * v + (1 - a) * 255));
  const dark = [17, 17, 17];
  const lDark = luminance(dark);
  const lWhite = 1;
  const useDark = contrast(luminance(c), lDark) >= contrast(luminance(c), lWhite);
  const target = useDark ? 255 : 0;
  for (let step = 0; step < 20 && contrast(luminance(c), useDark ? lDark : lWhite) < 4.6; step++) {
    c = c.map((v) => Math.round(v + (target - v) * 0.15));
  }
  return { bg: `rgb(${c.join(",")})`, fg: useDark ? "#111" : "#fff" };
}

/** "Layer l・Head h: <label>（<strength>%）" */
export function describe(D, l, h) {
  const lab = D.legend[D.label[l][h]];
  return `Layer ${l}・Head ${h}: ${lab.name}（${Math.round(100 * D.strength[l][h])}%）`;
}

/** Draw one widget from its data D; resolves to its handle (see a11y.js). */
export function draw(root, D) {
  if (!root || root.dataset.drawn) return { params: D, title: "ヘッドの地図" };
  root.dataset.drawn = "1";
  const grid = root.querySelector(".ahm-grid");
  const svg = root.querySelector("svg");
  const caption = root.querySelector(".ahm-caption");
  const profile = root.querySelector(".ahm-profile");
  const legend = root.querySelector(".ahm-legend");
  const buttons = [];
  let current = D.initial;
  let focusToken = null;

  function el(tag, attrs, parent) {
    const node = document.createElementNS(SVG, tag);
    for (const k in attrs) node.setAttribute(k, attrs[k]);
    parent.appendChild(node);
    return node;
  }
  function focusRow(row) { // show only the lines from one token on the left (null: all)
    focusToken = row;
    svg.querySelectorAll("line").forEach((line) => {
      line.style.display = row === null || +line.getAttribute("data-row") === row ? "" : "none";
    });
  }
  function render() {
    const [l, h] = current;
    const W = D.weights[l][h];
    const T = D.tokens.length;
    const color = D.legend[D.label[l][h]].color;
    const rowH = 22;
    const width = 250;
    const top = 8;
    caption.textContent = describe(D, l, h);
    profile.textContent = "測定した平均: " + D.roles.map((name, k) => `${name} ${Math.round(100 * D.profile[l][h][k])}%`)
      .join("・");
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    svg.setAttribute("width", width);
    svg.setAttribute("height", top + T * rowH);
    svg.setAttribute("viewBox", `0 0 ${width} ${top + T * rowH}`);
    const lines = el("g", {}, svg);
    for (let i = 0; i < T; i++) {
      for (let j = 0; j < T; j++) {
        const w = W[i][j] / 1000;
        if (w < 0.01) continue;
        el("line", { x1: 85, y1: top + i * rowH + rowH / 2, x2: 165, y2: top + j * rowH + rowH / 2,
          stroke: color, "stroke-width": 2.5, "stroke-opacity": w, "data-row": i }, lines);
      }
    }
    D.tokens.forEach((tok, i) => {
      const left = el("text", { x: 79, y: top + i * rowH + rowH / 2, "text-anchor": "end",
        "dominant-baseline": "middle", tabindex: 0 }, svg);
      left.textContent = tok; // tokens are text, never HTML
      left.addEventListener("mouseenter", () => focusRow(i));
      left.addEventListener("mouseleave", () => focusRow(null));
      left.addEventListener("focus", () => focusRow(i));
      left.addEventListener("blur", () => focusRow(null));
      const right = el("text", { x: 171, y: top + i * rowH + rowH / 2, "dominant-baseline": "middle" }, svg);
      right.textContent = tok;
    });
    focusRow(focusToken);
    buttons.forEach((b) => b.setAttribute("aria-pressed", String(+b.dataset.layer === l && +b.dataset.head === h)));
    root.dataset.layer = l;
    root.dataset.head = h;
  }
  function select(l, h, focus) {
    current = [l, h];
    render();
    if (focus) buttons[l * D.heads + h].focus();
  }

  grid.appendChild(document.createElement("span"));
  for (let h = 0; h < D.heads; h++) grid.appendChild(document.createElement("span")).textContent = h;
  for (let l = 0; l < D.layers; l++) {
    grid.appendChild(document.createElement("span")).textContent = "Layer " + l;
    for (let h = 0; h < D.heads; h++) {
      const b = document.createElement("button");
      const s = D.strength[l][h];
      b.type = "button";
      b.dataset.layer = l;
      b.dataset.head = h;
      b.textContent = Math.round(100 * s);
      b.setAttribute("aria-label", describe(D, l, h));
      b.title = describe(D, l, h);
      const look = blend(D.legend[D.label[l][h]].color, 0.25 + 0.75 * Math.min(1, Math.max(0, s)));
      b.style.background = look.bg;
      b.style.color = look.fg;
      b.addEventListener("click", (e) => select(+e.currentTarget.dataset.layer, +e.currentTarget.dataset.head, false));
      b.addEventListener("keydown", (e) => {
        const dl = { ArrowUp: -1, ArrowDown: 1 }[e.key] || 0;
        const dh = { ArrowLeft: -1, ArrowRight: 1 }[e.key] || 0;
        if (!dl && !dh) return;
        e.preventDefault();
        const nl = Math.min(D.layers - 1, Math.max(0, +e.currentTarget.dataset.layer + dl));
        const nh = Math.min(D.heads - 1, Math.max(0, +e.currentTarget.dataset.head + dh));
        select(nl, nh, true);
      });
      grid.appendChild(b);
      buttons.push(b);
    }
  }
  D.legend.forEach((item, k) => {
    if (!D.label.some((row) => row.indexOf(k) >= 0)) return;
    const span = document.createElement("span");
    const sw = document.createElement("i");
    sw.style.background = item.color;
    span.append(sw, item.name);
    legend.appendChild(span);
  });
  render();
  return { params: D, title: "ヘッドの地図" };
}

// In a notebook: draw every widget that carries its own code (the built site removes it; views.js draws).
if (typeof document !== "undefined") {
  for (const code of document.querySelectorAll(".attnviz-headmap > script[data-attnviz-asset]")) {
    const root = code.parentElement;
    const data = root.querySelector("script[data-attnviz-view='headmap']");
    if (data && !root.dataset.drawn) draw(root, JSON.parse(data.textContent));
  }
}
