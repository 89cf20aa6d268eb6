/*
 * attnviz playground: the drawing budget. BERTviz draws one SVG line per weight, synchronously, in one task:
 * the head view heads·T² lines for a layer (hidden heads too), the model view layers·heads·T². A browser draws
 * some thousands of lines a second (fewer on a phone or a busy machine), so a long input would freeze the page
 * for minutes. The widget therefore draws only what this browser can draw in TARGET_MS, as measured on the
 * views it has drawn (DrawRate), and past that size a window of tokens (the special tokens always, plus
 * consecutive tokens the reader can move) and, for the model view, as many layers as fit. Pure: node's tests
 * import it.
 *
 * The numbers, from headless Chromium on the 2-core build machine (benchmarks/browser_model.py, and the
 * issue's closing note): drawing costs 12,000 to 18,000 lines per second of CPU, the head view and the model
 * view alike, plus about 60 ms per draw whatever its size (laying out the page, the accessibility pass:
 * BERTviz's own code is a small part). With other jobs on the machine, the same task took 4 to 10 times
 * longer by the clock, and its time varied up to fourfold from one draw to the next. Hence:
 *   - an input of up to WHOLE_TOKENS tokens is always drawn whole: 3,072 lines with 12 heads, about 0.25 s
 *     of CPU (a window of a shorter sentence would show nothing worth seeing); so is the model view of up to
 *     WHOLE_MODEL_TOKENS tokens (4,608 lines, about 0.35 s of CPU: the chapters' model views of such sentences
 *     draw the same);
 *   - a longer one starts with the smallest window, MIN_TOKENS tokens (432 lines: under LIMIT_MS down to
 *     1,000 lines a second, the slowest rate measured), and grows at most twofold per draw, while each draw
 *     ends within TARGET_MS (room for a 2.5-fold error of the estimate);
 *   - a draw that took longer shrinks the next one to what would have fitted.
 */

export const LIMIT_MS = 500; // no task of the page may take longer (the budget's promise)
export const TARGET_MS = 200; // what a view is planned to take
export const WHOLE_TOKENS = 16; // an input this short is always drawn whole
export const MIN_TOKENS = 6; // the smallest window ([CLS], four tokens, [SEP]): 432 lines with 12 heads
export const WHOLE_MODEL_TOKENS = 8; // a model view of this few tokens is drawn whole (6 × 12 × 8² = 4,608 lines)

/** Lines BERTviz draws: the head view for one layer, the model view for `layers` layers. */
export function headLines(tokens, heads) {
  return heads * tokens * tokens;
}

export function modelLines(tokens, layers, heads) {
  return layers * heads * tokens * tokens;
}

/**
 * How many lines this browser may draw in one task, from what it measured. record(lines, ms) after each draw.
 * lines() is what the next draw may take: what the newest rate draws in TARGET_MS, but at most twice the
 * largest draw that ended within TARGET_MS (none measured yet: 0, i.e. the smallest window).
 */
export class DrawRate {
  constructor() {
    this.linesPerSecond = 0; // the newest measurement (a machine gets busier or freer)
    this.reached = 0; // the most lines drawn within TARGET_MS (or that would have been, after a slow draw)
  }

  record(lines, ms) {
    if (!(lines > 0) || !(ms >= 0)) return;
    const took = Math.max(ms, 1);
    this.linesPerSecond = (lines / took) * 1000;
    this.reached = took <= TARGET_MS ? Math.max(this.reached, lines) : Math.floor((lines * TARGET_MS) / took);
  }

  lines() {
    return Math.min(Math.floor((this.linesPerSecond * TARGET_MS) / 1000), 2 * this.reached);
  }
}

/** The positions of the special tokens: [CLS] (0), the [SEP] closing sentence A of a pair, the last [SEP]. */
export function specialPositions(count, sentenceBStart) {
  const found = new Set([0, count - 1]);
  if (sentenceBStart != null && sentenceBStart > 1) found.add(sentenceBStart - 1);
  return [...found].filter((i) => i >= 0 && i < count).sort((x, y) => x - y);
}

/** The most tokens a window of the head view may show within `lines` (never fewer than MIN_TOKENS). */
export function tokensWithin(lines, heads) {
  return Math.max(MIN_TOKENS, Math.floor(Math.sqrt(lines / heads)));
}

/**
 * What the head view shows of `count` tokens within `lines`:
 * {whole: true, positions: 0..count-1} when it all fits (or has at most WHOLE_TOKENS tokens), else {whole: false, positions, start, size, count}:
 * the special tokens and the `size` consecutive tokens from `start` (clamped so the window stays inside the
 * sentence), in order.
 */
export function headWindow(count, sentenceBStart, heads, lines, start = 1) {
  const most = tokensWithin(lines, heads);
  if (count <= Math.max(most, WHOLE_TOKENS)) return { whole: true, positions: [...Array(count).keys()], start: 0, size: count, count };
  const specials = specialPositions(count, sentenceBStart);
  // the window: consecutive tokens between [CLS] and the last [SEP] (a middle [SEP] inside it counts once)
  const size = Math.min(Math.max(1, most - specials.length), count - 2);
  const first = Math.min(Math.max(1, Math.round(start) || 1), count - 1 - size);
  const positions = new Set(specials);
  for (let i = first; i < first + size; i++) positions.add(i);
  return { whole: false, positions: [...positions].sort((x, y) => x - y), start: first, size, count };
}

/**
 * The layers the model view shows within `lines`: all when they fit, else `per` consecutive layers (at least
 * one) from the group holding `layer`. {whole, layers: [...], per, groups: [[first, last], ...]}.
 * (A whole input of at most WHOLE_MODEL_TOKENS tokens is drawn whole: the widget passes lines = Infinity.)
 */
export function modelLayers(totalLayers, heads, tokens, lines, layer = totalLayers - 1) {
  const perLayer = headLines(tokens, heads);
  const per = Math.max(1, Math.min(totalLayers, Math.floor(lines / perLayer)));
  const groups = [];
  for (let first = 0; first < totalLayers; first += per) groups.push([first, Math.min(totalLayers, first + per) - 1]);
  const [first, last] = groups.find(([a, b]) => layer >= a && layer <= b) || groups[groups.length - 1];
  const layers = [];
  for (let l = first; l <= last; l++) layers.push(l);
  return { whole: per >= totalLayers, layers, per, groups };
}

/**
 * The weights of some layers and some token positions (rows and columns alike), from the full weights
 * {data: (layers, heads, T, T) flat, dims}. Heads are kept whole. -> {data: Float32Array, dims}.
 */
export function sliceAttention(attention, layers, positions) {
  const [, H, T] = attention.dims;
  const n = positions.length;
  const out = new Float32Array(layers.length * H * n * n);
  let k = 0;
  for (const l of layers) {
    for (let h = 0; h < H; h++) {
      const base = (l * H + h) * T;
      for (const i of positions) {
        const row = (base + i) * T;
        for (const j of positions) out[k++] = attention.data[row + j];
      }
    }
  }
  return { data: out, dims: [layers.length, H, n, n] };
}

/** Where sentence B starts among `positions` (the first position at or past it), or null. */
export function splitWithin(positions, sentenceBStart) {
  if (sentenceBStart == null) return null;
  const at = positions.findIndex((i) => i >= sentenceBStart);
  return at > 0 ? at : null;
}
