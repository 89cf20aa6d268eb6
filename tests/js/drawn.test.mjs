// Unit tests of attnviz/web/drawn.js: the one "drawn" event (node --test tests/js/).
import assert from "node:assert/strict";
import test from "node:test";

import { DRAWN, markDrawn, onDrawn } from "../../src/attnviz/web/drawn.js";

class FakeRoot extends EventTarget {
  attributes = {};
  setAttribute(name, value) {
    this.attributes[name] = value;
  }
}

test("markDrawn marks the root and dispatches one attnviz:drawn event with the view's handle", () => {
  const root = new FakeRoot();
  const seen = [];
  root.addEventListener(DRAWN, (event) => seen.push([event.target, event.bubbles, event.detail]));
  const handle = { params: { tokens: ["a"] }, title: "toy" };
  markDrawn(root, "toy", handle);
  assert.equal(root.attributes["data-attnviz-drawn"], "toy");
  assert.equal(seen.length, 1);
  const [target, bubbles, detail] = seen[0];
  assert.equal(target, root);
  assert.equal(bubbles, true);
  assert.deepEqual(detail, { view: "toy", params: { tokens: ["a"] }, handle });
});

test("onDrawn calls back with the root and the detail, until it is removed", () => {
  const root = new FakeRoot();
  const calls = [];
  const stop = onDrawn(root, (target, detail) => calls.push([target, detail.view]));
  markDrawn(root, "head");
  stop();
  markDrawn(root, "model");
  assert.deepEqual(calls, [[root, "head"]]);
  assert.equal(root.attributes["data-attnviz-drawn"], "model");
});
