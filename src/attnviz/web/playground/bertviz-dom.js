/*
 * attnviz playground: BERTviz's head view and model view of the browser's weights, drawn by BERTviz's own
 * code exactly as the site's views are (../bertviz.js, ../kinds/head.js, ../kinds/model.js), with the same
 * "attnviz:drawn" event (../drawn.js) and so the same accessibility (../a11y.js).
 *
 * Each view is drawn from some token positions and some layers of the weights (budget.js decides which):
 * BERTviz gets only their slice, so it draws no more lines than the budget allows. Each draw reports
 * {lines, ms}: the lines BERTviz drew for what is on screen and how long its task took (null: a newer draw of
 * the same box replaced it before it began).
 */
import { install as installA11y } from "../a11y.js";
import { loadBertviz } from "../bertviz.js";
import { markDrawn } from "../drawn.js";
import * as headKind from "../kinds/head.js";
import * as modelKind from "../kinds/model.js";
import { headLines, modelLines, sliceAttention, splitWithin } from "./budget.js";
import { compactView, filtersFor, headParams, modelParams } from "./encode.js";

const KINDS = { head: headKind, model: modelKind };
let viewCount = 0;
let draws = 0;
const latest = new WeakMap(); // container -> the number of its latest draw

/** BERTviz's root div: the same markup its Python side writes (built with the DOM, names are fixed). */
export function bertvizRoot(container, filters, withLayerSelect, filterChosen = "0") {
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
    filter.value = filterChosen;
    controls.append("Attention: ", filter);
  }
  const vis = document.createElement("div");
  vis.id = "vis";
  root.append(controls, vis);
  container.replaceChildren(root);
  return root;
}

/** The part of `result` a view shows: {tokens, split, attention} for these layers and token positions. */
export function shownPart(result, layers, positions) {
  const [L, , T] = result.attention.dims;
  const all = layers.length === L && positions.length === T;
  return {
    tokens: positions.map((i) => result.tokens[i]),
    split: splitWithin(positions, result.sentenceBStart),
    attention: all ? result.attention : sliceAttention(result.attention, layers, positions),
  };
}

/** Draw one view into `container`; null when a newer draw of the same container started meanwhile. */
async function drawView(kind, container, part, params, lines, filterChosen = "0") {
  const mine = ++draws;
  latest.set(container, mine);
  installA11y(document);
  await loadBertviz(kind); // before the old view is replaced: a failed download leaves it in place
  if (latest.get(container) !== mine) return null; // two draws in one task would take twice the budget
  const started = performance.now();
  const filters = filtersFor(part.split);
  const chosen = Number(filterChosen) < filters.length ? String(filterChosen) : "0";
  const root = bertvizRoot(container, filters, kind === "head", chosen);
  const data = compactView(kind, part.attention, part.tokens, part.split, { ...params(root.id), default_filter: chosen });
  const handle = await KINDS[kind].draw(root, data);
  markDrawn(root, kind, handle);
  return measured(kind, started, lines);
}

/** {lines, ms} of a draw that started at `started`; also a User Timing measure "attnviz-pg <kind>". */
function measured(kind, started, lines) {
  const ms = performance.now() - started;
  if (performance.measure) performance.measure(`attnviz-pg ${kind}`, { start: started, duration: ms, detail: { lines } });
  return { lines, ms };
}

/**
 * The head view of `result` ({tokens, sentenceBStart, attention: {data, dims}}, see widget.js) at these token
 * positions (all layers: BERTviz draws one at a time), showing `layer` (null: the first) and the sentence
 * filter `filter` (BERTviz's option value). -> {lines, ms}
 */
export function drawHeadView(container, result, positions = null, layer = null, filter = "0") {
  const [layers, heads] = result.attention.dims;
  const all = [...Array(layers).keys()];
  const shown = positions || [...Array(result.tokens.length).keys()];
  const part = shownPart(result, all, shown);
  const params = (id) => ({ ...headParams(id, layers), layer });
  return drawView("head", container, part, params, headLines(shown.length, heads), filter);
}

/** The model view of `result` for these layers (their numbers) and token positions. -> {lines, ms} */
export function drawModelView(container, result, layers = null, positions = null) {
  const [L, heads] = result.attention.dims;
  const shownLayers = layers || [...Array(L).keys()];
  const shownPositions = positions || [...Array(result.tokens.length).keys()];
  const part = shownPart(result, shownLayers, shownPositions);
  const params = (id) => modelParams(id, shownLayers, heads);
  return drawView("model", container, part, params, modelLines(shownPositions.length, shownLayers.length, heads));
}

/**
 * Run BERTviz's head view once, off screen, on a small made-up input (heads × 4 × 4 lines), and remove it: the
 * first draw of a page also compiles BERTviz's and d3's code, so without this the widget's first measure of
 * how fast it draws (budget.js) would be several times too slow. The widget calls it while the model runs.
 */
export async function warmUp(heads) {
  const draw = await loadBertviz("head");
  const n = 4;
  const host = document.createElement("div");
  host.setAttribute("aria-hidden", "true");
  host.style.cssText = "position:absolute;left:-10000px;top:0;width:960px;overflow:hidden;";
  document.body.appendChild(host);
  try {
    const root = bertvizRoot(host, filtersFor(null), true);
    const tokens = Array.from({ length: n }, (_, i) => `t${i}`);
    const rows = () => Array.from({ length: n }, () => new Array(n).fill(1 / n));
    const attn = [Array.from({ length: heads }, rows)];
    draw({ ...headParams(root.id, 1), attention: [{ name: null, attn, left_text: tokens, right_text: tokens }] });
    host.getBoundingClientRect(); // and lay it out, as a drawn view is
  } finally {
    host.remove();
  }
}
