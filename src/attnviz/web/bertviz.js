/*
 * attnviz: draw one BERTviz view (head, model or neuron) with BERTviz's own code, from compact data.
 * Shared by the site's lazy views (kinds/head.js, kinds/model.js, kinds/neuron.js) and the playground.
 *
 * BERTviz's <kind>_view.js is served once per site from _static/attnviz/bertviz/ as an ES module
 * (attnviz.views.bertviz wraps the installed file: bertviz-wrap.js); it needs d3 and jQuery, loaded
 * first as the vendored files. Also here: what the kinds' accessibility code reads from BERTviz's DOM.
 */
import { decodeParams } from "./decode.js";
import { loadModule, loadScripts } from "./load.js";
import { filterData } from "./textalt.js";

const HERE = new URL("./", import.meta.url);
export const LIBRARIES = ["vendor/d3-5.7.0.min.js", "vendor/jquery-3.7.1.min.js"];

/** What a BERTviz view of `kind` needs, loaded once per page; resolves to BERTviz's draw(params). */
export async function loadBertviz(kind) {
  await loadScripts(LIBRARIES.map((path) => new URL(path, HERE).href));
  const { default: draw } = await loadModule(new URL(`bertviz/${kind}_view.js`, HERE).href);
  return draw;
}

/** Decode `compact` and draw it into the root it names (params.root_div_id); resolves to BERTviz's params. */
export async function drawBertviz(kind, compact) {
  const draw = await loadBertviz(kind);
  const params = decodeParams(compact);
  draw(params); // BERTviz's own code, synchronously (see bertviz-require.js)
  return params;
}

// --- what BERTviz's drawing says about its state ------------------------------------------------------

export const CATEGORY10 = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
  "#bcbd22", "#17becf"]; // d3.schemeCategory10: BERTviz's head colours

/** The head view's head squares (BERTviz appends them last to its SVG). */
export function headSquares(svg) {
  const last = svg && svg.lastElementChild;
  return last ? Array.from(last.querySelectorAll(":scope > rect")) : [];
}

/** Whether head square i is switched on (BERTviz fills it with the head's colour, else a lighter one). */
export function headOn(rect, i) {
  return (rect.getAttribute("fill") || "").toLowerCase() === CATEGORY10[i % 10];
}

/** The data of the filter the view shows now (see textalt.filterData). */
export function shownData(root, params) {
  const filter = root.querySelector("#filter");
  return filterData(params, filter ? filter.value : undefined);
}
