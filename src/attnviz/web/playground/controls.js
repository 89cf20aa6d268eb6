/*
 * attnviz playground: control sentences for the experiment bench, and the verdict "position or word?" of
 * each head. Pure: node's tests import it.
 *
 * Units: a word and its ##-pieces, a punctuation mark, [CLS], [SEP] or [UNK] (WordPiece tokens grouped back).
 * A control changes the units of sentence A only:
 *   shuffle   the words change places (seeded: the same seed gives the same order); punctuation stays put;
 *   nonsense  content words become pseudo-words (blick, dax, …), in order; function words and punctuation stay;
 *   swap      every word becomes another common word (seeded); the number of words stays.
 *
 * The rule, for the chosen token's unit q and each head: the unit k that q's row attends to most (a unit's
 * weight is the sum of its tokens') in the original, and k' in the control, where q has moved to P(q) and k
 * to P(k) (P: where each unit went; the identity unless shuffled):
 *   special   k is [CLS] or [SEP] and k' = P(k): the head stays on a special token;
 *   shuffle:  position  k' − P(q) = k − q (the same offset) but k' ≠ P(k);  word  k' = P(k) but not the
 *             same offset;  both  both hold (this shuffle cannot tell);  other  neither;
 *   nonsense, swap:  position  k' = k although q's or k's word was replaced;  word  k' ≠ k;
 *             unclear  k' = k and neither word was replaced.
 */

export const PSEUDO_WORDS = ["blick", "dax", "wug", "fep", "toma", "zav", "kiki", "bouba", "lorp", "mip", "tulver", "gazzer"];
// common words that are one token each in BERT's uncased vocabulary
export const COMMON_WORDS = ["house", "river", "green", "book", "city", "old", "sun", "music", "table", "small", "happy", "road", "water", "light", "friend", "stone"];
export const FUNCTION_WORDS = new Set("a an the on in at of to and or is was it its this that".split(" "));
export const CONTROLS = ["shuffle", "nonsense", "swap"];

const PUNCT = /^\p{P}+$/u;

/** A seeded generator of numbers in [0, 1) (mulberry32). */
export function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Units of a token list: [{text, tokens: [positions], kind: "special" | "punct" | "word"}]. */
export function units(tokens, special = { cls: "[CLS]", sep: "[SEP]" }) {
  const out = [];
  tokens.forEach((t, i) => {
    if (t.startsWith("##") && out.length && out[out.length - 1].kind === "word") {
      const u = out[out.length - 1];
      u.tokens.push(i);
      u.text += t.slice(2);
    } else if (t === special.cls || t === special.sep) out.push({ text: t, tokens: [i], kind: "special" });
    else if (PUNCT.test(t)) out.push({ text: t, tokens: [i], kind: "punct" });
    else out.push({ text: t, tokens: [i], kind: "word" });
  });
  return out;
}

/** The units of sentence A: those between [CLS] and the first [SEP] (their indices in `all`). */
function sentenceA(all) {
  const end = all.findIndex((u, n) => n > 0 && u.kind === "special");
  return [...Array(end).keys()].slice(1);
}

/**
 * A control of sentence A: {a, map, replaced} — the new sentence A, where each unit went (map[u] = its index in
 * the control's units: the same index unless shuffled), and the units whose word was replaced.
 */
export function makeControl(kind, tokens, seed = 1, special) {
  const all = units(tokens, special);
  const inA = sentenceA(all);
  const words = inA.filter((n) => all[n].kind === "word");
  const texts = all.map((u) => u.text);
  const map = all.map((_, n) => n);
  const replaced = new Set();
  const rand = random(seed);
  if (kind === "shuffle") {
    const order = [...words];
    for (let n = order.length - 1; n > 0; n--) {
      const k = Math.floor(rand() * (n + 1));
      [order[n], order[k]] = [order[k], order[n]];
    }
    // the word that was at slot words[n] now stands at slot order[n]... as the word order[n] moves to words[n]
    words.forEach((slot, n) => {
      texts[slot] = all[order[n]].text;
      map[order[n]] = slot;
    });
  } else if (kind === "nonsense") {
    let next = 0;
    for (const n of words) {
      if (FUNCTION_WORDS.has(all[n].text)) continue;
      texts[n] = PSEUDO_WORDS[next++ % PSEUDO_WORDS.length];
      replaced.add(n);
    }
  } else if (kind === "swap") {
    for (const n of words) {
      let w = COMMON_WORDS[Math.floor(rand() * COMMON_WORDS.length)];
      if (w === all[n].text) w = COMMON_WORDS[(COMMON_WORDS.indexOf(w) + 1) % COMMON_WORDS.length];
      texts[n] = w;
      replaced.add(n);
    }
  } else {
    throw new Error(`unknown control ${kind}`);
  }
  return { a: inA.map((n) => texts[n]).join(" "), map, replaced };
}

/** The unit that unit q's first token attends to most, in one head (a unit's weight: the sum of its tokens'). */
export function strongestUnit(attention, layer, head, all, q) {
  const [, H, T] = attention.dims;
  const start = ((layer * H + head) * T + all[q].tokens[0]) * T;
  let best = -1;
  let bestWeight = -Infinity;
  all.forEach((u, n) => {
    let s = 0;
    for (const j of u.tokens) s += attention.data[start + j];
    if (s > bestWeight) [best, bestWeight] = [n, s];
  });
  return { unit: best, weight: bestWeight };
}

/** The verdict of one head (see the rule above): {verdict, k, kc}. */
export function verdict(kind, original, control, layer, head, q, made) {
  const k = strongestUnit(original.attention, layer, head, original.units, q).unit;
  const kc = strongestUnit(control.attention, layer, head, control.units, made.map[q]).unit;
  const sameWord = kc === made.map[k];
  if (original.units[k].kind === "special" && sameWord) return { verdict: "special", k, kc };
  if (kind === "shuffle") {
    const sameOffset = kc - made.map[q] === k - q;
    const v = sameOffset && sameWord ? "both" : sameOffset ? "position" : sameWord ? "word" : "other";
    return { verdict: v, k, kc };
  }
  if (kc !== k) return { verdict: "word", k, kc };
  return { verdict: made.replaced.has(k) || made.replaced.has(q) ? "position" : "unclear", k, kc };
}

export const VERDICT_NAMES = {
  position: "位置",
  word: "単語",
  both: "区別できない",
  unclear: "区別できない",
  special: "特殊トークン",
  other: "別の相手",
};

/** One sentence that explains a verdict (Japanese). */
export function explainVerdict(kind, v, names) {
  const { k, kc } = v;
  const from = names.original[k];
  const to = names.control[kc];
  switch (v.verdict) {
    case "special":
      return `元の文でも対照でも ${from} を見ています。特殊トークンに固定された癖で、語の意味とは関係しません。`;
    case "position":
      return kind === "shuffle"
        ? `語順を変えても、同じ相対位置のトークン（${to}）を選びました。相手を決めているのは位置です。`
        : `単語を入れ替えても、同じ位置のトークン（${from} → ${to}）を選び続けました。語が変わっても選ぶ場所は変わらないので、位置で決まっています。`;
    case "word":
      return kind === "shuffle"
        ? `語順を変えると、同じ単語 ${from} を移った先まで追いかけました。相手を決めているのは単語です。`
        : `単語を入れ替えると、相手が ${from} から ${to} に変わりました。選び方が単語に左右されています。`;
    case "both":
      return `${from} はこの並べ替えでも同じ相対位置に残ったので、位置か単語かをこの対照では区別できません。`;
    case "unclear":
      return `選んだ ${from} もこのトークンも入れ替わっていないので、この対照では区別できません。`;
    default:
      return `元の ${from} とは無関係の ${to} を選びました。位置でも単語でもありません。`;
  }
}
