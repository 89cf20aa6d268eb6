/* attnviz devtools: the in-page steps of the engine tests (attnviz_devtools.engine_run), the same in every
 * engine and under every driver. The file is one expression, an object of functions; the driver evaluates
 * `(<this file>).<step>(...)` and awaits the promise it returns.
 *
 * views(reveal, selector, timeoutMs): for each view in page order (selector finds the data tag that names its root), open the closed tab or dropdown it
 *   sits in (reveal.js), scroll it to the middle of the window so that views.js draws it, and wait until it
 *   carries data-attnviz-drawn. A view counts as drawn when it also holds what it draws: SVG lines
 *   (BERTviz's head, model and neuron views) or the buttons of a head map. -> [{id, view, drawn, marks, ms}]
 * playground(timeoutMs): wait until the first playground widget has drawn or failed.
 *   -> {state, tokens: the head view's token labels, error: the widget's error text}
 * errors(settleMs): after settleMs, what probe.js recorded on this page. -> [string] */
({
  async views(reveal, selector, timeoutMs) {
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const results = [];
    for (const tag of document.querySelectorAll(selector)) {
      const root = document.getElementById(tag.getAttribute("data-root"));
      const started = performance.now();
      reveal(root);
      root.scrollIntoView({ block: "center" });
      while (!root.hasAttribute("data-attnviz-drawn") && performance.now() - started < timeoutMs) {
        await sleep(50);
      }
      const view = root.getAttribute("data-attnviz-drawn");
      const marks = root.classList.contains("attnviz-headmap")
        ? root.querySelectorAll(".ahm-grid button").length
        : root.querySelectorAll("svg line").length;
      results.push({
        id: root.id || root.className,
        view: view,
        drawn: Boolean(view) && marks > 0,
        marks: marks,
        ms: Math.round(performance.now() - started),
      });
    }
    return results;
  },

  async playground(timeoutMs) {
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const widget = document.querySelector("[data-attnviz-playground]");
    if (!widget) return { state: "missing", tokens: [], error: "no [data-attnviz-playground] on the page" };
    const started = performance.now();
    while (!["drawn", "error"].includes(widget.dataset.state) && performance.now() - started < timeoutMs) {
      await sleep(50);
    }
    const error = widget.querySelector(".attnviz-pg-error");
    return {
      state: widget.dataset.state || "",
      tokens: Array.from(widget.querySelectorAll(".attnviz-pg-head svg text"), (t) => t.textContent),
      error: error && !error.hidden ? error.textContent.trim() : "",
    };
  },

  async errors(settleMs) {
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    return (window.__attnvizErrors || ["probe.js did not run: errors on this page were not recorded"]).slice();
  },
})
