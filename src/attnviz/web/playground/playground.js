/*
 * attnviz playground: the course's small BERT (all-MiniLM-L6-v2, exported to ONNX at build time) runs in
 * the reader's browser, and BERTviz's own head_view.js / model_view.js draw its attention weights.
 * The page's entry: one Playground (widget.js) per [data-attnviz-playground] element. Nothing heavy loads
 * with the page: model.js fetches the tokenizer, onnxruntime-web and the model when the reader presses
 * the button.
 *
 *   messages.js     what the reader is told, and the input checks (pure)
 *   tokenize.js     ids as Python's tokenizer gives them (pure)
 *   model.js        downloads, the inference session, the weights
 *   encode.js       the weights in the site's compact view format (pure)
 *   bertviz-dom.js  BERTviz's markup and drawing
 *   widget.js       the widget's state and controls
 *
 * Tests and the benchmark import this module (the page's own instance) for `widgets`, `infer`, `encode`.
 */
import { Playground } from "./widget.js";

export { encodeText as encode, infer } from "./model.js";

export const widgets = [...document.querySelectorAll("[data-attnviz-playground]")].map((root) => new Playground(root));
widgets.find((w) => w.root.dataset.share === "self" && w.fromUrl());
