/*
 * attnviz playground: how one token's attention changed between two sentences (compare mode). Pure: node's
 * tests import it; attnviz/core/compare.py is the same computation in Python, and tests check that the two
 * agree.
 *
 * The two inputs' tokens are aligned by the least edits (a token kept, replaced, added or dropped; equal
 * tokens pair at no cost, any other pair costs 1, as does a token left out). The measure of a head is the
 * total variation distance between the chosen token's two rows, over the keys that are paired in both
 * inputs, each row renormalised over those keys:
 *     TV = ½ Σ_k |p_k − q_k|,   0 = the same spread, 1 = no overlap at all.
 */

/** Pairs [i, j] of positions (ascending), from the alignment of the least edits; a replaced token is paired. */
export function alignTokens(a, b) {
  const n = a.length;
  const m = b.length;
  const cost = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let i = 0; i <= n; i++) cost[i][0] = i;
  for (let j = 0; j <= m; j++) cost[0][j] = j;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const pair = cost[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      cost[i][j] = Math.min(pair, cost[i - 1][j] + 1, cost[i][j - 1] + 1);
    }
  }
  const pairs = [];
  let i = n;
  let j = m;
  while (i > 0 && j > 0) {
    if (cost[i][j] === cost[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)) {
      pairs.push([i - 1, j - 1]);
      i--;
      j--;
    } else if (cost[i][j] === cost[i - 1][j] + 1) i--;
    else j--;
  }
  return pairs.reverse();
}

/** The first position of `a` whose token differs from its partner's (or has none); null when none differs. */
export function firstDifferent(a, b, pairs = alignTokens(a, b)) {
  const partner = new Map(pairs);
  for (let i = 0; i < a.length; i++) {
    if (!partner.has(i) || b[partner.get(i)] !== a[i]) return i;
  }
  return null;
}

/** Total variation distance between two non-negative vectors, each renormalised to sum 1. */
export function totalVariation(p, q) {
  const sp = p.reduce((s, x) => s + x, 0);
  const sq = q.reduce((s, x) => s + x, 0);
  if (!(sp > 0) || !(sq > 0)) return 1;
  let d = 0;
  for (let k = 0; k < p.length; k++) d += Math.abs(p[k] / sp - q[k] / sq);
  return d / 2;
}

function row(attention, layer, head, i) {
  const [, H, T] = attention.dims;
  const start = ((layer * H + head) * T + i) * T;
  return attention.data.subarray ? attention.data.subarray(start, start + T) : attention.data.slice(start, start + T);
}

/**
 * The change of every head for token `i` of input A (paired with its partner in B):
 * {partner, grid: layers × heads of TV, ranked: [{layer, head, tv}] largest first}. null: `i` has no partner.
 */
export function changeGrid(attA, attB, pairs, i) {
  const partner = new Map(pairs).get(i);
  if (partner === undefined) return null;
  const [L, H] = attA.dims;
  const grid = [];
  const ranked = [];
  for (let l = 0; l < L; l++) {
    const line = [];
    for (let h = 0; h < H; h++) {
      const ra = row(attA, l, h, i);
      const rb = row(attB, l, h, partner);
      const tv = totalVariation(
        pairs.map(([ka]) => ra[ka]),
        pairs.map(([, kb]) => rb[kb]),
      );
      line.push(tv);
      ranked.push({ layer: l, head: h, tv });
    }
    grid.push(line);
  }
  ranked.sort((x, y) => y.tv - x.tv || x.layer - y.layer || x.head - y.head);
  return { partner, grid, ranked };
}
