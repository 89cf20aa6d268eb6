// Unit tests of attnviz/web/decode.js (node --test tests/js/).
import assert from "node:assert/strict";
import test from "node:test";

import { decodeParams, FORMAT, unpack } from "../../src/attnviz/web/decode.js";

function b64(bytes) { return Buffer.from(bytes).toString("base64"); }

// 1 layer, 2 heads, 3 tokens; weight (h, i, j) = (10 * h + 3 * i + j) / 255
function headCompact(split, filters) {
  const bytes = [];
  for (let h = 0; h < 2; h++) for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) bytes.push(10 * h + 3 * i + j);
  return {
    format: FORMAT, view: "head", tokens: ["[CLS]", "cat", "[SEP]"], split, filters,
    shape: [1, 2, 3, 3], attn: { dtype: "u8", scale: 255, data: b64(bytes) },
    params: { default_filter: "0", root_div_id: "bertviz-x", layer: null, heads: null, include_layers: [0] }
  };
}

test("a single sentence decodes to one filter named null with every weight", () => {
  const params = decodeParams(headCompact(null, [[null, "all", "all"]]));
  assert.equal(params.attention.length, 1);
  const all = params.attention[0];
  assert.equal(all.name, null);
  assert.deepEqual(all.left_text, ["[CLS]", "cat", "[SEP]"]);
  assert.deepEqual(all.right_text, all.left_text);
  assert.equal(all.attn.length, 1);          // layers
  assert.equal(all.attn[0].length, 2);       // heads
  assert.deepEqual(all.attn[0][1][2], [16 / 255, 17 / 255, 18 / 255]);
  assert.ok(Array.isArray(all.attn[0][0][0]), "plain arrays, as JSON.parse would give");
  assert.deepEqual(params.include_layers, [0]);
  assert.equal(params.root_div_id, "bertviz-x");
});

test("a pair's filters are slices of All, in the order given", () => {
  const filters = [["All", "all", "all"], ["Sentence A -> Sentence A", "a", "a"],
    ["Sentence B -> Sentence B", "b", "b"], ["Sentence A -> Sentence B", "a", "b"], ["Sentence B -> Sentence A", "b", "a"]];
  const params = decodeParams(headCompact(2, filters));
  assert.deepEqual(params.attention.map((f) => f.name), filters.map((f) => f[0]));
  const [all, aa, bb, ab, ba] = params.attention;
  assert.deepEqual(aa.left_text, ["[CLS]", "cat"]);
  assert.deepEqual(ab.right_text, ["[SEP]"]);
  assert.deepEqual(aa.attn[0][1], [[10 / 255, 11 / 255], [13 / 255, 14 / 255]]);
  assert.deepEqual(bb.attn[0][0], [[8 / 255]]);
  assert.deepEqual(ab.attn[0][0], [[2 / 255], [5 / 255]]);
  assert.deepEqual(ba.attn[0][1], [[16 / 255, 17 / 255]]);
  assert.deepEqual(all.attn[0][0][1], [3 / 255, 4 / 255, 5 / 255]);
});

test("neuron views decode to a dict with queries and keys sliced by rows and columns", () => {
  const q = new Int16Array(2 * 3 * 2), k = new Int16Array(2 * 3 * 2), a = new Uint16Array(2 * 9);
  q.forEach((_, i) => { q[i] = -1000 * i - 1; k[i] = 500 * i; });
  a.forEach((_, i) => { a[i] = i; });
  const le = (arr) => b64(new Uint8Array(arr.buffer));
  const params = decodeParams({
    format: FORMAT, view: "neuron", tokens: ["a", "b", "c"], split: 1, dim: 2,
    filters: [["all", "all", "all"], ["aa", "a", "a"], ["ab", "a", "b"]],
    shape: [1, 2, 3, 3], attn: { dtype: "u16", scale: 1000, data: le(a) },
    queries: { dtype: "i16", scale: 1000, data: le(q) }, keys: { dtype: "i16", scale: 1000, data: le(k) },
    params: { default_filter: "all", bidirectional: true, layer: 2, head: 0, root_div_id: "bertviz-n" }
  });
  assert.deepEqual(Object.keys(params.attention), ["all", "aa", "ab"]);
  assert.equal(params.attention.all.name, undefined);
  assert.deepEqual(params.attention.all.queries[0][1][2], [-10.001, -11.001]);
  assert.deepEqual(params.attention.ab.queries[0][0], [[-0.001, -1.001]]);       // rows of A
  assert.deepEqual(params.attention.ab.keys[0][0], [[1, 1.5], [2, 2.5]]);       // columns of B
  assert.deepEqual(params.attention.ab.attn[0][1], [[0.01, 0.011]]);
  assert.equal(params.head, 0);
  assert.equal(params.layer, 2);
});

test("thousandths decode to the same doubles as the 3-decimal text", () => {
  const values = [-32.767, -1.5, -0.001, 0, 0.001, 0.123, 0.999, 7.321, 32.767];
  const ints = new Int16Array(values.map((v) => Math.round(v * 1000)));
  const out = unpack({ dtype: "i16", scale: 1000, data: b64(new Uint8Array(ints.buffer)) }, values.length);
  assert.deepEqual(Array.from(out), values.map((v) => JSON.parse(String(v))));
});

test("bad input fails loudly", () => {
  assert.throws(() => decodeParams({ format: "bertviz/0" }), /unknown compact format/);
  const short = headCompact(null, [[null, "all", "all"]]);
  short.attn.data = b64([1, 2, 3]);
  assert.throws(() => decodeParams(short), /3 bytes for 18 u8 values/);
  assert.throws(() => decodeParams(headCompact(null, [["AA", "a", "a"]])), /without a pair/);
  const odd = headCompact(null, [[null, "all", "all"]]);
  odd.attn.dtype = "f64";
  assert.throws(() => decodeParams(odd), /unknown dtype/);
});
