/*
 * attnviz playground: the course's small BERT (all-MiniLM-L6-v2, exported to ONNX at build time) runs in
 * the reader's browser, and BERTviz's own head_view.js / model_view.js draw its attention weights.
 * The page's entry: one Playground (widget.js) per [data-attnviz-playground] element. Nothing heavy loads
 * with the page: model.js fetches the tokenizer, onnxruntime-web and the model when the reader presses
 * the button, and keeps them (store.js: Cache Storage, keyed by content hash).
 *
 *   messages.js     what the reader is told, and the input checks (pure)
 *   tokenize.js     ids as Python's tokenizer gives them (pure)
 *   store.js        the kept files (Cache Storage) and the one progress count over every download
 *   rows.js         the word-embedding rows of the tokens typed, from format 2's chunk files
 *   model.js        downloads, and the model's worker (worker.js: tokenizer, inference session, weights)
 *   encode.js       the weights in the site's compact view format (pure)
 *   budget.js       how much BERTviz may draw at once, and which part of a long input (pure)
 *   bertviz-dom.js  BERTviz's markup and drawing
 *   widget.js       the widget's state and controls
 *   bench.js        the experiment bench under a widget (compare.js, controls.js, roles.js, predict.js,
 *                   japanese.js, share.js: pure)
 *
 * Tests and the benchmark import this module for `widgets`, `infer`, `encode`, `embeddingRows` (the page's own widgets and
 * model, whatever query the page's address of this module carries: see widget.js's pageWidgets).
 */
import { Bench } from "./bench.js";
import { parseQuery } from "./share.js";
import { pageWidgets } from "./widget.js";

export { embeddingRows, encodeText as encode, infer } from "./model.js";

// loaded async (attnviz.sphinx): this may run before the page is parsed; the widgets are made once it is
if (document.readyState === "loading") await new Promise((done) => document.addEventListener("DOMContentLoaded", done, { once: true }));

// a share link: playground.html?a=<sentence A>&b=<sentence B>, and the bench's experiment (share.js)
const query = parseQuery(window.location.search);
const benches = new WeakMap();
// the benches first (each hears its widget's first draw), then the widgets (which run a shared link at once)
for (const root of document.querySelectorAll("[data-attnviz-playground]")) {
  const benchRoot = root.querySelector("[data-attnviz-bench]");
  if (benchRoot && !benches.has(root)) benches.set(root, benchRoot);
}
export const widgets = pageWidgets(document, { a: query.a ?? null, b: query.b ?? null }, (widget) => {
  const benchRoot = benches.get(widget.root);
  if (!benchRoot || widget.bench) return;
  widget.bench = new Bench(benchRoot, widget);
  if (widget.root.dataset.share === "self") widget.bench.fromUrl(query);
});
