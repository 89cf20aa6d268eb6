// Unit tests of attnviz/web/search.js (node --test tests/js/). The agreement with the Python
// splitter on real page text is checked by tests/test_web_js.py.
import assert from "node:assert/strict";
import test from "node:test";

import { splitQuery } from "../../src/attnviz/web/search.js";

test("kanji and kana runs become character bigrams", () => {
  assert.deepEqual(splitQuery("自己注意"), ["自己", "己注", "注意"]);
  assert.deepEqual(splitQuery("アテンション"), ["アテ", "テン", "ンシ", "ショ", "ョン"]);
});

test("a single CJK character stays a term", () => {
  assert.deepEqual(splitQuery("猫 cat"), ["猫", "cat"]);
});

test("words are split at punctuation and spaces; CJK punctuation separates runs", () => {
  assert.deepEqual(splitQuery("Self-Attention（自己注意）の図"), ["Self", "Attention", "自己", "己注", "注意", "の図"]);
  assert.deepEqual(splitQuery("BERT、層"), ["BERT", "層"]);
});

test("empty and symbol-only queries give no terms", () => {
  assert.deepEqual(splitQuery(""), []);
  assert.deepEqual(splitQuery("!? 。"), []);
});
