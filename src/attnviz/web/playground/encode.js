/*
 * attnviz playground: the browser's attention weights in the compact form the built site stores its views
 * in (attnviz/views/compact.py: one byte per weight, the four A/B filters as slices of All), so that
 * ../decode.js rebuilds BERTviz's params exactly as it does for the site's views. Pure: node's tests
 * import it, and tests/test_web_js.py checks it against compact.py on the model's real weights.
 */
import { FORMAT } from "../decode.js";

/** BERTviz's sentence filters, as its Python side names and orders them: [name, rows, cols]. */
export const PAIR_FILTERS = [
  ["All", "all", "all"],
  ["Sentence A -> Sentence A", "a", "a"],
  ["Sentence B -> Sentence B", "b", "b"],
  ["Sentence A -> Sentence B", "a", "b"],
  ["Sentence B -> Sentence A", "b", "a"],
];

/** The filters of a view: one unnamed filter for a sentence, BERTviz's five for a pair. */
export function filtersFor(sentenceBStart) {
  return sentenceBStart == null ? [[null, "all", "all"]] : PAIR_FILTERS;
}

/** Round half to even, as numpy's rint (compact.py) does. */
export function rint(x) {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Weights in [0, 1] as bytes: round(w * 255). */
export function quantize(weights) {
  const bytes = new Uint8Array(weights.length);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.max(0, Math.min(255, rint(weights[i] * 255)));
  return bytes;
}

export function base64(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** The head view's params beside its weights, as BERTviz's head_view() writes them. */
export function headParams(rootId, layers) {
  return { default_filter: "0", root_div_id: rootId, layer: null, heads: null, include_layers: [...Array(layers).keys()] };
}

/**
 * The model view's params beside its weights, as BERTviz's model_view(display_mode="light") writes them.
 * layers: how many (all of them), or the numbers of the layers its weights hold (some of them).
 */
export function modelParams(rootId, layers, heads) {
  return {
    default_filter: "0",
    display_mode: "light",
    root_div_id: rootId,
    include_layers: Array.isArray(layers) ? [...layers] : [...Array(layers).keys()],
    include_heads: [...Array(heads).keys()],
    total_heads: heads,
  };
}

/**
 * One view's compact data. att: {data: flat weights (layers, heads, T, T), dims: [layers, heads, T, T]};
 * sentenceBStart: null for a single sentence; params: every other param of the view.
 */
export function compactView(view, att, tokens, sentenceBStart, params) {
  return {
    format: FORMAT,
    view,
    tokens,
    split: sentenceBStart == null ? null : sentenceBStart,
    filters: filtersFor(sentenceBStart),
    shape: att.dims,
    attn: { dtype: "u8", scale: 255, data: base64(quantize(att.data)) },
    params,
  };
}
