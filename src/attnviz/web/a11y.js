/*
 * attnviz: every BERTviz view usable by keyboard and screen reader, without forking BERTviz.
 *
 * Listens for the "attnviz:drawn" event that views.js dispatches on a view's root once BERTviz has
 * drawn it (detail: {view, params}), then, and again whenever BERTviz redraws its SVG:
 *   - names the <select>s (Layer, Head, Attention filter) and scroll containers;
 *   - makes head squares, tokens, model-view thumbnails and neuron-view +/- signs focusable:
 *     Enter or Space acts like a click (Shift+Enter on a head square: only this head, BERTviz's
 *     double click); focusing a token shows its lines, as hovering does;
 *   - adds a collapsed <details> under the view: a table of each token's two strongest targets for
 *     the layer (and heads) shown, updated when the layer, the heads or the filter change.
 */
(function () {
  "use strict";

  var CATEGORY10 = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf"];  // d3.schemeCategory10: BERTviz's head colours
  var SELECT_NAMES = { layer: "Layer（層）", att_head: "Head（ヘッド）", filter: "Attention（表示する文の組み合わせ）" };
  var VIEW_NAMES = { head: "head view", model: "model view", neuron: "neuron view" };

  function fire(el, type) {
    el.dispatchEvent(new MouseEvent(type, { bubbles: type !== "mouseleave", cancelable: true, view: window }));
  }

  function focusable(el, role, label) {
    el.setAttribute("tabindex", "0");
    el.setAttribute("role", role);
    el.setAttribute("aria-label", label);
    el.setAttribute("focusable", "true");
    el.classList.add("attnviz-focusable");
  }

  function onActivate(el, handler) {
    if (el.__attnvizKeys) { return; }
    el.__attnvizKeys = true;
    el.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        handler(event);
      }
    });
  }

  function nameSelects(root) {
    root.querySelectorAll("select").forEach(function (select) {
      if (!select.getAttribute("aria-label")) {
        select.setAttribute("aria-label", SELECT_NAMES[select.id] || "表示の選択");
      }
    });
  }

  function scrollable(el) {
    var style = getComputedStyle(el);
    var x = /(auto|scroll)/.test(style.overflowX) && el.scrollWidth > el.clientWidth;
    var y = /(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight;
    return x || y;
  }

  function nameScrollContainers(root, view) {
    var candidates = [root].concat(Array.prototype.slice.call(root.querySelectorAll("div")));
    if (root.parentElement) { candidates.push(root.parentElement); }
    candidates.forEach(function (el) {
      if (scrollable(el) && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("role", "region");
        el.setAttribute("aria-label", (VIEW_NAMES[view] || "図") + "（矢印キーでスクロールできます）");
      }
    });
  }

  // --- head view ------------------------------------------------------------------------------

  function headSquares(svg) {
    var last = svg.lastElementChild;  // BERTviz appends the head squares last
    return last ? Array.prototype.slice.call(last.querySelectorAll(":scope > rect")) : [];
  }

  function headOn(rect, i) {
    return (rect.getAttribute("fill") || "").toLowerCase() === CATEGORY10[i % 10];
  }

  function enhanceHeadView(root, state) {
    var svg = root.querySelector("#vis svg");
    if (!svg) { return; }
    var squares = headSquares(svg);
    function sync() {
      squares.forEach(function (rect, i) { rect.setAttribute("aria-checked", headOn(rect, i) ? "true" : "false"); });
      state.update();
    }
    squares.forEach(function (rect, i) {
      focusable(rect, "checkbox", "Head " + i + "（Enter で表示を切り替え、Shift+Enter でこのヘッドだけ）");
      onActivate(rect, function (event) {
        fire(rect, event.shiftKey ? "dblclick" : "click");
        sync();
      });
      if (!rect.__attnvizClick) {
        rect.__attnvizClick = true;
        rect.addEventListener("click", function () { setTimeout(sync, 0); });
        rect.addEventListener("dblclick", function () { setTimeout(sync, 0); });
      }
    });
    ["left", "right"].forEach(function (side) {
      var container = svg.querySelector("#" + side);
      if (!container) { return; }
      var tokens = container.querySelectorAll(":scope > g:not(.attentionBoxes) > g");
      tokens.forEach(function (token) {
        var text = token.querySelector("text");
        focusable(token, "button", (text ? text.textContent : "") + "（" + (side === "left" ? "見る側" : "見られる側") +
          "のトークン: フォーカスでこのトークンの線を表示）");
        if (token.__attnvizFocus) { return; }
        token.__attnvizFocus = true;
        token.addEventListener("focus", function () { fire(token, "mouseover"); });
        token.addEventListener("blur", function () { fire(container, "mouseleave"); });
      });
    });
    sync();
  }

  // --- model view and neuron view --------------------------------------------------------------

  function enhanceModelView(root) {
    root.querySelectorAll("#vis svg .attn_background").forEach(function (background) {
      var rect = background.parentNode.querySelector(":scope > rect:last-of-type");  // BERTviz's click region
      if (!rect || rect === background) { return; }
      var id = background.id.split("_");  // attn_background_<layer>_<head>
      focusable(rect, "button", "Layer " + id[2] + "・Head " + id[3] + "（Enter で拡大表示）");
      onActivate(rect, function () { fire(rect, "click"); });
    });
    root.querySelectorAll("#vis svg .detail .token").forEach(function (el) { focusToken(el); });
  }

  /** A token's text takes the focus (its group may hold other controls) and hovers its group. */
  function focusToken(el) {
    var group = el.parentNode;
    focusable(el, "button", (el.textContent || "") + "（フォーカスでこのトークンの Attention を表示）");
    if (el.__attnvizFocus) { return; }
    el.__attnvizFocus = true;
    el.addEventListener("focus", function () { fire(group, "mouseover"); });
    el.addEventListener("blur", function () { fire(group, "mouseleave"); });
  }

  function enhanceNeuronView(root) {
    root.querySelectorAll(".plus-sign, .minus-sign").forEach(function (sign) {
      var target = sign.nextElementSibling;  // BERTviz listens on the invisible 16 px box after the sign
      if (!target || target.tagName.toLowerCase() !== "rect") { return; }
      var plus = sign.classList.contains("plus-sign");
      focusable(target, "button", plus ? "query と key のベクトルを開く" : "ベクトルを閉じる");
      onActivate(target, function () { fire(target, "click"); });
    });
    root.querySelectorAll("#vis svg .token").forEach(function (el) { focusToken(el); });
  }

  // --- the text alternative ---------------------------------------------------------------------

  /** {left, right, attn: [layer][head][i][j], layers: [numbers]} for the filter shown. */
  function currentData(root, view, params) {
    var filter = root.querySelector("#filter");
    var key = filter ? filter.value : (params.default_filter != null ? params.default_filter : "all");
    var data = Array.isArray(params.attention) ? params.attention[+key] || params.attention[0] :
      params.attention[key] || params.attention.all;
    var layers = params.include_layers || data.attn.map(function (_, i) { return i; });
    return { left: data.left_text, right: data.right_text, attn: data.attn, layers: layers };
  }

  function strongest(row, count) {
    return row.map(function (w, j) { return [w, j]; })
      .sort(function (a, b) { return b[0] - a[0]; }).slice(0, count);
  }

  function makeTable(caption, left, right, rows) {
    var table = document.createElement("table");
    table.className = "attnviz-textalt-table";
    var cap = document.createElement("caption");
    cap.textContent = caption;
    table.appendChild(cap);
    var head = table.createTHead().insertRow();
    ["見る側のトークン", "いちばん強い注意先（重み）", "2 番目（重み）"].forEach(function (name) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = name;
      head.appendChild(th);
    });
    var body = table.createTBody();
    rows.forEach(function (row, i) {
      var tr = body.insertRow();
      var th = document.createElement("th");
      th.scope = "row";
      th.textContent = left[i];
      tr.appendChild(th);
      strongest(row, 2).forEach(function (pair) {
        tr.insertCell().textContent = right[pair[1]] + "（" + pair[0].toFixed(2) + "）";
      });
    });
    return table;
  }

  function averageHeads(layerAttn, heads) {
    var rows = layerAttn[heads[0]].map(function (row) { return row.map(function () { return 0; }); });
    heads.forEach(function (h) {
      layerAttn[h].forEach(function (row, i) { row.forEach(function (w, j) { rows[i][j] += w / heads.length; }); });
    });
    return rows;
  }

  function textAlternative(root, view, params) {
    var details = document.createElement("details");
    details.className = "attnviz-textalt";
    var summary = document.createElement("summary");
    summary.textContent = "図の内容を表で読む（各トークンの注意先の上位 2 つ）";
    details.appendChild(summary);
    var controls = document.createElement("p");
    var holder = document.createElement("div");
    details.appendChild(controls);
    details.appendChild(holder);
    root.insertAdjacentElement("afterend", details);

    var ownLayer = null;  // the model view and the neuron view get a layer choice of their own here
    if (view === "model") {
      var data0 = currentData(root, view, params);
      ownLayer = document.createElement("select");
      ownLayer.setAttribute("aria-label", "表に示す Layer");
      data0.layers.forEach(function (layer, seq) {
        var option = document.createElement("option");
        option.value = String(seq);
        option.textContent = "Layer " + layer;
        ownLayer.appendChild(option);
      });
      ownLayer.value = String(data0.layers.length - 1);
      var label = document.createElement("label");
      label.textContent = "表に示す層: ";
      label.appendChild(ownLayer);
      controls.appendChild(label);
      ownLayer.addEventListener("change", function () { state.update(); });
    }

    var state = {
      update: function () {
        var data = currentData(root, view, params);
        var seq, heads, caption;
        if (view === "head") {
          var layerSelect = root.querySelector("#layer");
          var layer = layerSelect ? +layerSelect.value : data.layers[0];
          seq = Math.max(0, data.layers.indexOf(layer));
          var squares = headSquares(root.querySelector("#vis svg") || document.createElement("svg"));
          heads = squares.map(function (rect, i) { return headOn(rect, i) ? i : -1; })
            .filter(function (i) { return i >= 0; });
          if (!heads.length) { heads = data.attn[seq].map(function (_, h) { return h; }); }
          var all = heads.length === data.attn[seq].length;
          caption = "Layer " + data.layers[seq] + "・" + (heads.length === 1 ? "Head " + heads[0] :
            (all ? "全 " : "選ばれた ") + heads.length + " ヘッドの平均");
        } else if (view === "model") {
          seq = +ownLayer.value;
          heads = data.attn[seq].map(function (_, h) { return h; });
          caption = "Layer " + data.layers[seq] + "・全 " + heads.length + " ヘッドの平均";
        } else {  // neuron view: one layer and one head, chosen by its own selects
          var ls = root.querySelector("#layer"), hs = root.querySelector("#att_head");
          seq = ls ? +ls.value : (params.layer || 0);
          heads = [hs ? +hs.value : (params.head || 0)];
          caption = "Layer " + seq + "・Head " + heads[0];
        }
        var rows = averageHeads(data.attn[seq], heads);
        holder.textContent = "";
        holder.appendChild(makeTable(caption, data.left, data.right, rows));
        details.setAttribute("data-layer", String(data.layers[seq] != null ? data.layers[seq] : seq));
      }
    };
    root.addEventListener("change", function (event) {
      if (event.target.tagName === "SELECT") { setTimeout(state.update, 0); }
    });
    return state;
  }

  function enhance(root, view, params) {
    if (root.__attnvizA11y) { return; }
    var state = params ? textAlternative(root, view, params) : { update: function () {} };
    root.__attnvizA11y = state;
    function apply() {
      nameSelects(root);
      nameScrollContainers(root, view);
      if (view === "head") { enhanceHeadView(root, state); }
      if (view === "model") { enhanceModelView(root); }
      if (view === "neuron") { enhanceNeuronView(root); }
    }
    apply();
    state.update();
    var vis = root.querySelector("#vis");
    if (vis && "MutationObserver" in window) {
      var pending = false;
      new MutationObserver(function () {  // BERTviz redraws its SVG on every change
        if (pending) { return; }
        pending = true;
        setTimeout(function () { pending = false; apply(); }, 0);
      }).observe(vis, { childList: true, subtree: true });
    }
  }

  document.addEventListener("attnviz:drawn", function (event) {
    var detail = event.detail || {};
    if (VIEW_NAMES[detail.view]) { enhance(event.target, detail.view, detail.params); }
  });

  window.attnvizA11y = { enhance: enhance };
})();
