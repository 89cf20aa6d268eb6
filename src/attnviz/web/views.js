/*
 * attnviz: draw the built site's views lazily.
 *
 * Each BERTviz view in a built page is BERTviz's own markup (<div id="bertviz-...">) followed by
 * <script type="application/json" data-attnviz-view="head|model|neuron" data-root="bertviz-...">
 * holding its compact data (see decode.js). A head map is a <div class="attnviz-headmap">.
 * Nothing draws while the page loads: when a view comes near the viewport (IntersectionObserver;
 * a view hidden in a closed tab or dropdown has no box, so it draws when it is opened), this file
 * loads what the view needs once per page (d3, jQuery, loader.js, BERTviz's <view>_view.js from the
 * site's _static folder), decodes the params and calls BERTviz's own code with them.
 * After a view draws, its root element receives a bubbling "attnviz:drawn" event
 * (detail: {view: "head" | "model" | "neuron" | "headmap", params: BERTviz's params}) and carries
 * data-attnviz-drawn; a11y.js answers it (names, keyboard, a text alternative).
 */
(function () {
  "use strict";

  var me = document.currentScript;
  var base = me ? me.src.replace(/[^/]*$/, "") : "_static/attnviz/";
  var NEEDS = {
    head: ["vendor/d3-5.7.0.min.js", "vendor/jquery-3.7.1.min.js", "loader.js", "decode.js", "a11y.js",
      "bertviz/head_view.js"],
    model: ["vendor/d3-5.7.0.min.js", "vendor/jquery-3.7.1.min.js", "loader.js", "decode.js", "a11y.js",
      "bertviz/model_view.js"],
    neuron: ["vendor/d3-5.7.0.min.js", "vendor/jquery-3.7.1.min.js", "loader.js", "decode.js", "a11y.js",
      "bertviz/neuron_view.js"],
    headmap: ["headmap.js"]
  };
  var MARGIN = "400px 0px";  // start drawing a little before a view scrolls in
  var loaded = {};

  window.attnvizLazy = true;  // headmap.js: do not draw on load, wait for us

  function load(path) {
    if (!loaded[path]) {
      loaded[path] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = base + path;
        script.onload = resolve;
        script.onerror = function () { reject(new Error("attnviz: could not load " + script.src)); };
        document.head.appendChild(script);
      });
    }
    return loaded[path];
  }

  function loadAll(paths) {  // one after another: each may use the globals of those before it
    return paths.reduce(function (chain, path) {
      return chain.then(function () { return load(path); });
    }, Promise.resolve());
  }

  function drawn(root, view, params) {
    root.setAttribute("data-attnviz-drawn", view);
    root.dispatchEvent(new CustomEvent("attnviz:drawn", { bubbles: true, detail: { view: view, params: params } }));
  }

  function drawBertviz(root, script) {
    var view = script.getAttribute("data-attnviz-view");
    return loadAll(NEEDS[view]).then(function () {
      var params = window.attnvizDecode.decodeParams(JSON.parse(script.textContent));
      window.attnvizBertviz[view](params);  // BERTviz's own code, synchronously (see loader.js)
      drawn(root, view, params);
    });
  }

  function drawHeadmap(root) {
    return loadAll(NEEDS.headmap).then(function () {
      window.attnvizHeadmap.draw(root);  // dispatches attnviz:drawn itself
      root.setAttribute("data-attnviz-drawn", "headmap");
    });
  }

  /** Every view on the page: [{root, draw}] */
  function findViews() {
    var views = [];
    document.querySelectorAll("script[data-attnviz-view]").forEach(function (script) {
      var root = document.getElementById(script.getAttribute("data-root"));
      if (root) { views.push({ root: root, draw: function () { return drawBertviz(root, script); } }); }
    });
    document.querySelectorAll(".attnviz-headmap").forEach(function (root) {
      views.push({ root: root, draw: function () { return drawHeadmap(root); } });
    });
    return views;
  }

  function report(error) {
    if (window.console) { console.error(error); }
  }

  // Views draw one at a time, in the order they come near: BERTviz's neuron view reads a global.
  var queue = Promise.resolve();
  function schedule(view) {
    if (view.scheduled) { return; }
    view.scheduled = true;
    queue = queue.then(view.draw).catch(report);
  }

  function start() {
    var views = findViews();
    if (!("IntersectionObserver" in window)) {
      views.forEach(schedule);
      return;
    }
    var byRoot = new Map();
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) { return; }
        observer.unobserve(entry.target);
        schedule(byRoot.get(entry.target));
      });
    }, { rootMargin: MARGIN });
    views.forEach(function (view) {
      byRoot.set(view.root, view);
      observer.observe(view.root);
    });
  }

  window.attnvizViews = { start: start, load: load };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
