/*
 * attnviz playground: BERTviz's head view and model view of the browser's weights, drawn by BERTviz's own
 * code exactly as the site's views are (../bertviz.js, ../kinds/head.js, ../kinds/model.js), with the same
 * "attnviz:drawn" event (../drawn.js) and so the same accessibility (../a11y.js).
 */
import { install as installA11y } from "../a11y.js";
import { loadBertviz } from "../bertviz.js";
import { markDrawn } from "../drawn.js";
import * as headKind from "../kinds/head.js";
import * as modelKind from "../kinds/model.js";
import { compactView, filtersFor, headParams, modelParams } from "./encode.js";

const KINDS = { head: headKind, model: modelKind };
let viewCount = 0;

/** BERTviz's root div: the same markup its Python side writes (built with the DOM, names are fixed). */
export function bertvizRoot(container, filters, withLayerSelect) {
  const id = `bertviz-playground-${++viewCount}`;
  const root = document.createElement("div");
  root.id = id;
  root.style.fontFamily = "'Helvetica Neue', Helvetica, Arial, sans-serif";
  const controls = document.createElement("span");
  controls.style.userSelect = "none";
  if (withLayerSelect) {
    const layer = document.createElement("select");
    layer.id = "layer";
    controls.append("Layer: ", layer, " ");
  }
  if (filters.length > 1) {
    const filter = document.createElement("select");
    filter.id = "filter";
    filters.forEach((f, i) => filter.add(new Option(f[0], String(i))));
    controls.append("Attention: ", filter);
  }
  const vis = document.createElement("div");
  vis.id = "vis";
  root.append(controls, vis);
  container.replaceChildren(root);
  return root;
}

async function drawView(kind, container, result, params) {
  installA11y(document);
  await loadBertviz(kind); // before the old view is replaced: a failed download leaves it in place
  const filters = filtersFor(result.sentenceBStart);
  const root = bertvizRoot(container, filters, kind === "head");
  const data = compactView(kind, result.attention, result.tokens, result.sentenceBStart, params(root.id));
  const handle = await KINDS[kind].draw(root, data);
  markDrawn(root, kind, handle);
}

/** result: {tokens, sentenceBStart, attention: {data, dims}} (see widget.js). */
export function drawHeadView(container, result) {
  const [layers] = result.attention.dims;
  return drawView("head", container, result, (id) => headParams(id, layers));
}

export function drawModelView(container, result) {
  const [layers, heads] = result.attention.dims;
  return drawView("model", container, result, (id) => modelParams(id, layers, heads));
}
