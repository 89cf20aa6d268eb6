/*
 * attnviz: the numbers of a view's text alternative (a11y.js draws the table): for each token on the
 * left, its two strongest targets on the right, from the weights the view shows. Pure functions, no DOM.
 */

/** The `count` largest weights of a row, as [weight, column] pairs, largest first (ties: lower column). */
export function strongest(row, count) {
  return row
    .map((w, j) => [w, j])
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .slice(0, count);
}

/** The average over `heads` of one layer's matrices (layerAttn[head][i][j]). */
export function averageHeads(layerAttn, heads) {
  const rows = layerAttn[heads[0]].map((row) => row.map(() => 0));
  for (const h of heads) {
    layerAttn[h].forEach((row, i) => row.forEach((w, j) => (rows[i][j] += w / heads.length)));
  }
  return rows;
}

/**
 * The part of BERTviz's params a filter shows: {left, right, attn: [layer][head][i][j], layers}. `key` is the
 * filter <select>'s value (an index into the head and model views' list, a name in the neuron view's dict);
 * without one, the params' default filter.
 */
export function filterData(params, key) {
  const chosen = key ?? params.default_filter ?? "all";
  const data = Array.isArray(params.attention)
    ? params.attention[+chosen] || params.attention[0]
    : params.attention[chosen] || params.attention.all;
  const layers = params.include_layers || data.attn.map((_, i) => i);
  return { left: data.left_text, right: data.right_text, attn: data.attn, layers };
}

/** The caption of a head view's table: one head, every head, or the heads chosen. */
export function headsCaption(layer, heads, total) {
  if (heads.length === 1) return `Layer ${layer}・Head ${heads[0]}`;
  return `Layer ${layer}・${heads.length === total ? "全 " : "選ばれた "}${heads.length} ヘッドの平均`;
}

/** The table's rows: [token, "target（0.52）", "target（0.17）"] for each token on the left. */
export function tableRows(left, right, rows, count = 2) {
  return rows.map((row, i) => [left[i], ...strongest(row, count).map(([w, j]) => `${right[j]}（${w.toFixed(2)}）`)]);
}
