/*
 * attnviz: the layer x head map widget (attnviz.headmap.headmap_widget writes the markup and the data).
 * Each widget root (.attnviz-headmap) holds its data as JSON in a <script type="application/json">.
 * In Jupyter and Colab this file is inlined into each widget's output and draws the widgets at once;
 * in the built site views.js sets window.attnvizLazy, loads this file once and calls
 * attnvizHeadmap.draw(root) when the widget nears the viewport. After drawing, the root receives an
 * "attnviz:drawn" event.
 */
(function () {
  "use strict";
  function drawWidget(root) {
    if (!root || root.dataset.drawn) return;
    root.dataset.drawn = "1";
    var D = JSON.parse(root.querySelector("script[type='application/json']").textContent);
    var SVG = "http://www.w3.org/2000/svg";
    var grid = root.querySelector(".ahm-grid"), svg = root.querySelector("svg");
    var caption = root.querySelector(".ahm-caption"), profile = root.querySelector(".ahm-profile");
    var legend = root.querySelector(".ahm-legend");
    var buttons = [], current = D.initial, focusToken = null;
    function luminance(c) {  // WCAG 2 relative luminance of an [r, g, b] colour
      var v = c.map(function (x) { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
      return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
    }
    function contrast(a, b) { return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); }
    // The label colour at opacity a over white, and a text colour with a WCAG contrast of at least 4.5:1
    // (the numbers are small text): the better of near-black and white, the background nudged towards
    // white or black until the contrast is reached.
    function blend(hex, a) {
      var n = parseInt(hex.slice(1), 16), c = [n >> 16, (n >> 8) & 255, n & 255].map(function (v) {
        return Math.round(a * v + (1 - a) * 255);
      });
      var dark = [17, 17, 17], lDark = luminance(dark), lWhite = 1;
      var useDark = contrast(luminance(c), lDark) >= contrast(luminance(c), lWhite);
      var target = useDark ? 255 : 0;
      for (var step = 0; step < 20 && contrast(luminance(c), useDark ? lDark : lWhite) < 4.6; step++) {
        c = c.map(function (v) { return Math.round(v + (target - v) * 0.15); });
      }
      return {bg: "rgb(" + c.join(",") + ")", fg: useDark ? "#111" : "#fff"};
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
    root.dispatchEvent(new CustomEvent("attnviz:drawn", {bubbles: true, detail: {view: "headmap"}}));
  }

  window.attnvizHeadmap = {draw: drawWidget};
  if (window.attnvizLazy) return;  // the built site: views.js draws when the widget is near
  var here = document.currentScript && document.currentScript.closest
    ? document.currentScript.closest(".attnviz-headmap") : null;
  if (here) {
    drawWidget(here);
  } else {
    document.querySelectorAll(".attnviz-headmap:not([data-drawn])").forEach(drawWidget);
  }
})();
