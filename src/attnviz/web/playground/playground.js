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
 *
 * Tests and the benchmark import this module for `widgets`, `infer`, `encode`, `embeddingRows` (the page's own widgets and
 * model, whatever query the page's address of this module carries: see widget.js's pageWidgets).
 */
import { pageWidgets } from "./widget.js";

export { embeddingRows, encodeText as encode, infer } from "./model.js";

// a share link: playground.html?a=<sentence A>&b=<sentence B>
const query = new URLSearchParams(window.location.search);
export const widgets = pageWidgets(document, { a: query.get("a"), b: query.get("b") });
