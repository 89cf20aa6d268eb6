// Unit tests of the experiment bench's pure modules (attnviz/web/playground/): roles, the change measure and
// token alignment, controls and their verdicts, predict-then-look grading, Japanese input, share links.
import assert from "node:assert/strict";
import test from "node:test";

import { alignTokens, changeGrid, firstDifferent, totalVariation } from "../../src/attnviz/web/playground/compare.js";
import { makeControl, random, units, verdict } from "../../src/attnviz/web/playground/controls.js";
import { after, hasJapanese, marks } from "../../src/attnviz/web/playground/japanese.js";
import { gradePrevious, gradeShuffle, gradeStrongest, tally } from "../../src/attnviz/web/playground/predict.js";
import { headRole, isPunctuation } from "../../src/attnviz/web/playground/roles.js";
import { escapeValue, parseHead, parseQuery, readableQuery } from "../../src/attnviz/web/playground/share.js";

/** weights (L, H, T, T) where every row of head (l, h) is given by rowOf(l, h, i) -> array of T */
function weights(L, H, T, rowOf) {
  const data = new Float32Array(L * H * T * T);
  for (let l = 0; l < L; l++)
    for (let h = 0; h < H; h++)
      for (let i = 0; i < T; i++) data.set(rowOf(l, h, i), ((l * H + h) * T + i) * T);
  return { data, dims: [L, H, T, T] };
}
const onehot = (T, j) => Array.from({ length: T }, (_, k) => (k === j ? 1 : 0));

test("roles: previous, [SEP], broad and mixed heads by the Python rule", () => {
  const tokens = ["[CLS]", "the", "cat", "sat", ".", "[SEP]"];
  const T = tokens.length;
  const att = weights(1, 4, T, (l, h, i) => {
    if (h === 0) return onehot(T, Math.max(0, i - 1)); // previous token (row 0: itself)
    if (h === 1) return onehot(T, T - 1); // [SEP]
    if (h === 2) return new Array(T).fill(1 / T); // even spread
    return i % 2 ? onehot(T, 2) : onehot(T, 3); // two habits, neither above half
  });
  assert.equal(headRole(att, 0, 0, tokens).label, "previous");
  assert.equal(headRole(att, 0, 0, tokens).strength, 1);
  assert.equal(headRole(att, 0, 1, tokens).label, "[SEP]");
  assert.equal(headRole(att, 0, 2, tokens).label, "broad");
  assert.equal(headRole(att, 0, 3, tokens).label, "mixed");
  assert.ok(isPunctuation(".") && isPunctuation("'") && !isPunctuation("[SEP]") && !isPunctuation("##s"));
});

test("alignment pairs equal tokens and a replaced one; the first differing token is found", () => {
  const a = ["[CLS]", "it", "was", "too", "tired", ".", "[SEP]"];
  const b = ["[CLS]", "it", "was", "too", "wide", ".", "[SEP]"];
  assert.deepEqual(alignTokens(a, b), a.map((_, i) => [i, i]));
  assert.equal(firstDifferent(a, b), 4);
  const c = ["[CLS]", "it", "was", "very", "too", "wide", ".", "[SEP]"]; // an added token
  const pairs = alignTokens(a, c);
  assert.deepEqual(pairs.find(([i]) => i === 3), [3, 4]);
  assert.equal(firstDifferent(a, a), null);
});

test("total variation: 0 for the same spread, 1 for no overlap, renormalised over aligned keys", () => {
  assert.equal(totalVariation([0.5, 0.5], [0.5, 0.5]), 0);
  assert.equal(totalVariation([1, 0], [0, 1]), 1);
  assert.ok(Math.abs(totalVariation([0.2, 0.2], [0.3, 0.1]) - 0.25) < 1e-12);
  const T = 3;
  const A = weights(1, 2, T, (l, h) => (h ? onehot(T, 0) : [0.5, 0.5, 0]));
  const B = weights(1, 2, T, (l, h) => (h ? onehot(T, 2) : [0.5, 0.5, 0]));
  const grid = changeGrid(A, B, [[0, 0], [1, 1], [2, 2]], 1);
  assert.deepEqual(grid.grid, [[0, 1]]);
  assert.deepEqual(grid.ranked[0], { layer: 0, head: 1, tv: 1 });
});

test("a shuffle is reproducible from its seed, moves only words, and maps every unit", () => {
  const tokens = ["[CLS]", "the", "cat", "sat", "on", "the", "mat", ".", "[SEP]"];
  const one = makeControl("shuffle", tokens, 7);
  assert.deepEqual(makeControl("shuffle", tokens, 7), one);
  assert.notDeepEqual(makeControl("shuffle", tokens, 8).a, one.a); // another seed, another order
  assert.deepEqual(one.a.split(" ").sort(), ["the", "cat", "sat", "on", "the", "mat", "."].sort());
  assert.ok(one.a.endsWith(" ."), "punctuation stays in its place");
  const u = units(tokens);
  const moved = one.a.split(" ");
  u.forEach((unit, n) => {
    if (unit.kind === "word") assert.equal(moved[one.map[n] - 1], unit.text);
  });
  const [r1, r2] = [random(3), random(3)];
  assert.deepEqual([r1(), r1()], [r2(), r2()]);
});

test("nonsense and swap controls replace words but keep the number of units", () => {
  const tokens = ["[CLS]", "the", "cat", "sat", "on", "the", "mat", ".", "[SEP]"];
  const n = makeControl("nonsense", tokens, 1);
  assert.equal(n.a, "the blick dax on the wug .");
  assert.deepEqual([...n.replaced].sort(), [2, 3, 6]);
  const s = makeControl("swap", tokens, 1);
  assert.equal(s.a.split(" ").length, 7);
  s.a.split(" ").slice(0, 6).forEach((w, k) => assert.notEqual(w, tokens[k + 1]));
});

test("the verdict: a previous-token head reads position, a head that tracks a word reads the word", () => {
  const tokens = ["[CLS]", "the", "cat", "sat", "on", "a", "mat", "[SEP]"];
  const made = makeControl("shuffle", tokens, 5);
  const ctl = made.a.split(" ");
  const ctlTokens = ["[CLS]", ...ctl, "[SEP]"];
  const T = tokens.length;
  const mat = tokens.indexOf("mat");
  const original = { attention: weights(1, 2, T, (l, h, i) => (h === 0 ? onehot(T, Math.max(0, i - 1)) : onehot(T, mat))), units: units(tokens) };
  const control = {
    attention: weights(1, 2, T, (l, h, i) => (h === 0 ? onehot(T, Math.max(0, i - 1)) : onehot(T, ctlTokens.indexOf("mat")))),
    units: units(ctlTokens),
  };
  const q = 3; // "sat"
  const v0 = verdict("shuffle", original, control, 0, 0, q, made);
  const v1 = verdict("shuffle", original, control, 0, 1, q, made);
  // unless the shuffle kept the pair's offset (then it cannot tell)
  assert.ok(["position", "both"].includes(v0.verdict), v0.verdict);
  assert.ok(["word", "both"].includes(v1.verdict), v1.verdict);
  assert.notEqual(v0.verdict === "both" && v1.verdict === "both", true);
});

test("predict: a right and a wrong guess are graded against the weights, with the even-spread baseline", () => {
  const tokens = ["[CLS]", "it", "was", "tired", "[SEP]"];
  const T = tokens.length;
  const result = { tokens, attention: weights(1, 12, T, (l, h, i) => (h < 2 ? onehot(T, Math.max(0, i - 1)) : onehot(T, 3))) };
  const right = gradeStrongest(result, 0, 1, 3);
  assert.equal(right.correct, true);
  assert.match(right.explanation, /均等に配れば 1 つあたり 20 %/);
  assert.equal(gradeStrongest(result, 0, 1, 2).correct, false);
  assert.equal(gradePrevious(result, 0, 1).correct, true);
  assert.equal(gradePrevious(result, 0, 5).correct, false);
  assert.equal(gradeShuffle({ verdict: "position" }, true, "").correct, true);
  assert.equal(gradeShuffle({ verdict: "word" }, true, "").correct, false);
  assert.equal(gradeShuffle({ verdict: "both" }, true, "").decided, false);
  const store = new Map();
  const storage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v) };
  tally(storage, true);
  assert.deepEqual(tally(storage, false), { right: 1, total: 2 });
});

test("Japanese input is detected, and [UNK] and one-character pieces are marked", () => {
  assert.ok(hasJapanese("猫はマットの上に座った。"));
  assert.ok(!hasJapanese("The cat sat on the mat."));
  const tokens = ["[CLS]", "[UNK]", "は", "##マ", "##ッ", "the", "[SEP]"];
  assert.deepEqual(marks(tokens), { unk: [1], split: [2, 3, 4] });
  assert.match(after(tokens), /\[UNK\] が 1 個/);
  assert.equal(after(["[CLS]", "cat", "[SEP]"]), "");
});

test("share links keep Japanese readable, escape only what changes the query, and round-trip", () => {
  const state = { a: "猫は座った & 寝た", mode: "control", ctl: "shuffle", seed: 3, tok: 2, head: "1.8", b: "" };
  const q = readableQuery(state);
  assert.equal(q, "?a=猫は座った+%26+寝た&mode=control&tok=2&head=1.8&ctl=shuffle&seed=3");
  assert.deepEqual(parseQuery(q), { a: "猫は座った & 寝た", mode: "control", tok: "2", head: "1.8", ctl: "shuffle", seed: "3" });
  assert.equal(escapeValue("50% + #1 = a+b"), "50%25+%2B+%231+%3D+a%2Bb");
  assert.deepEqual(parseHead("5.11"), { layer: 5, head: 11 });
  assert.equal(parseHead("5"), null);
});
