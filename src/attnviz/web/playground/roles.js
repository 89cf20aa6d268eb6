/*
 * attnviz playground: each head's role on one input, by the rule of the Python side
 * (attnviz/core/heads.py: sentence_stats and label_heads on a single input), so that a head square in the
 * page and a head named in the course say the same. Pure: node's tests import it, and
 * tests/test_browser_bench.py checks it against Python on every head of the course sentences.
 *
 * For each head, the mean share of a row's attention that goes to [CLS], to every [SEP], to the token itself,
 * to the previous token (over the rows that have one), to the next token (likewise) and to punctuation (only
 * when the input has any); then:
 *   1. a role when its share is above ROLE_THRESHOLD (more than half); the larger share wins;
 *   2. "broad" when no role passes and the mean row entropy is above BROAD_ENTROPY · log(T);
 *   3. "mixed" otherwise.
 */

export const ROLES = ["[CLS]", "[SEP]", "self", "previous", "next", "punctuation"];
export const ROLE_THRESHOLD = 0.5;
export const BROAD_ENTROPY = 0.75;

/** What the page calls each label (Japanese), as the course's legend does. */
export const ROLE_NAMES = {
  "[CLS]": "[CLS] を見る",
  "[SEP]": "[SEP] を見る",
  self: "自分自身を見る",
  previous: "直前のトークンを見る",
  next: "直後のトークンを見る",
  punctuation: "句読点を見る",
  broad: "広く見渡す",
  mixed: "決まった癖なし",
};

/** A token made only of punctuation characters (Unicode category P*), as core/tokens.py's is_punctuation. */
export function isPunctuation(token) {
  return token.length > 0 && /^\p{P}+$/u.test(token);
}

/** The shares of one head: {cls, sep, self, previous, next, punctuation (NaN: none), normEntropy}. */
export function headShares(attention, layer, head, tokens, special = { cls: "[CLS]", sep: "[SEP]" }) {
  const [, H, T] = attention.dims;
  const base = (layer * H + head) * T * T;
  const w = attention.data;
  const isCls = tokens.map((t) => t === special.cls);
  const isSep = tokens.map((t) => t === special.sep);
  const isPunct = tokens.map((t, j) => isPunctuation(t) && !isCls[j] && !isSep[j]);
  const anyPunct = isPunct.some(Boolean);
  let cls = 0, sep = 0, self = 0, prev = 0, next = 0, punct = 0, entropy = 0;
  for (let i = 0; i < T; i++) {
    const row = base + i * T;
    for (let j = 0; j < T; j++) {
      const x = w[row + j];
      if (isCls[j]) cls += x;
      if (isSep[j]) sep += x;
      if (isPunct[j]) punct += x;
      if (x > 0) entropy -= x * Math.log(x);
    }
    self += w[row + i];
    if (i > 0) prev += w[row + i - 1];
    if (i < T - 1) next += w[row + i + 1];
  }
  return {
    cls: cls / T,
    sep: sep / T,
    self: self / T,
    previous: prev / (T - 1),
    next: next / (T - 1),
    punctuation: anyPunct ? punct / T : NaN,
    normEntropy: entropy / T / Math.log(T),
  };
}

const FIELD = { "[CLS]": "cls", "[SEP]": "sep", self: "self", previous: "previous", next: "next", punctuation: "punctuation" };

/** {label, strength, shares} of one head on this input (see the rule above). */
export function headRole(attention, layer, head, tokens, special) {
  const shares = headShares(attention, layer, head, tokens, special);
  let best = null;
  let bestScore = -Infinity;
  for (const role of ROLES) {
    const s = Number.isNaN(shares[FIELD[role]]) ? 0 : shares[FIELD[role]];
    if (s > bestScore) [best, bestScore] = [role, s]; // the first of equal shares wins, as numpy's argmax
  }
  if (bestScore > ROLE_THRESHOLD) return { label: best, strength: bestScore, shares };
  if (shares.normEntropy > BROAD_ENTROPY) return { label: "broad", strength: shares.normEntropy, shares };
  return { label: "mixed", strength: bestScore, shares };
}

/** Every head's role: an array of layers, each an array of heads' {label, strength, shares}. */
export function headRoles(attention, tokens, special) {
  const [L, H] = attention.dims;
  return Array.from({ length: L }, (_, l) => Array.from({ length: H }, (_, h) => headRole(attention, l, h, tokens, special)));
}
