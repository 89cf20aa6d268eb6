// Unit tests of attnviz/web/textalt.js: the numbers of every view's text alternative.
import assert from "node:assert/strict";
import test from "node:test";

import { averageHeads, filterData, headsCaption, strongest, tableRows } from "../../src/attnviz/web/textalt.js";

test("strongest gives the largest weights first, ties by column", () => {
  assert.deepEqual(strongest([0.1, 0.5, 0.2, 0.5], 2), [[0.5, 1], [0.5, 3]]);
  assert.deepEqual(strongest([0.9], 2), [[0.9, 0]]);
});

test("averageHeads averages the chosen heads only", () => {
  const layer = [
    [[1, 0], [0, 1]],
    [[0, 1], [1, 0]],
    [[0.5, 0.5], [0.25, 0.75]],
  ];
  assert.deepEqual(averageHeads(layer, [0, 1]), [[0.5, 0.5], [0.5, 0.5]]);
  assert.deepEqual(averageHeads(layer, [2]), [[0.5, 0.5], [0.25, 0.75]]);
});

test("filterData follows the filter select: an index for head/model views, a name for the neuron view", () => {
  const all = { left_text: ["a", "b"], right_text: ["a", "b"], attn: [[[[1]]], [[[2]]]] };
  const ab = { left_text: ["a"], right_text: ["b"], attn: [[[[3]]]] };
  const list = { attention: [all, ab], default_filter: "0", include_layers: [4, 7] };
  assert.deepEqual(filterData(list, "1"), { left: ["a"], right: ["b"], attn: ab.attn, layers: [4, 7] });
  assert.equal(filterData(list).left, all.left_text, "no select: the default filter");
  const dict = { attention: { all, ab }, default_filter: "all" };
  assert.deepEqual(filterData(dict, "ab").layers, [0], "no include_layers: every layer of the data");
  assert.equal(filterData(dict, "missing").left, all.left_text);
});

test("captions say which heads the table averages", () => {
  assert.equal(headsCaption(3, [5], 12), "Layer 3・Head 5");
  assert.equal(headsCaption(3, [...Array(12).keys()], 12), "Layer 3・全 12 ヘッドの平均");
  assert.equal(headsCaption(0, [1, 2], 12), "Layer 0・選ばれた 2 ヘッドの平均");
});

test("tableRows names each token's two strongest targets with their weights", () => {
  const rows = tableRows(["[CLS]", "cat"], ["[CLS]", "cat"], [[0.254, 0.746], [0.6, 0.4]]);
  assert.deepEqual(rows, [["[CLS]", "cat（0.75）", "[CLS]（0.25）"], ["cat", "[CLS]（0.60）", "cat（0.40）"]]);
});
