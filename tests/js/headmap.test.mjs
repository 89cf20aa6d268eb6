// Unit tests of attnviz/web/kinds/headmap.js's pure parts (the drawing is tested in the browser).
import assert from "node:assert/strict";
import test from "node:test";

import { blend, contrast, describe, luminance } from "../../src/attnviz/web/kinds/headmap.js";

const rgb = (text) => text.match(/\d+/g).map(Number);

test("luminance and contrast follow WCAG 2", () => {
  assert.equal(luminance([255, 255, 255]), 1);
  assert.equal(luminance([0, 0, 0]), 0);
  assert.equal(contrast(1, 0), 21);
  assert.equal(contrast(0.5, 0.5), 1);
});

test("every cell's text has a contrast of at least 4.5:1, whatever the colour and strength", () => {
  for (const hex of ["#000000", "#ffffff", "#ff0000", "#00ff00", "#0000ff", "#808080", "#ffff00", "#1f77b4"]) {
    for (const a of [0.25, 0.5, 0.75, 1]) {
      const { bg, fg } = blend(hex, a);
      const text = fg === "#111" ? [17, 17, 17] : [255, 255, 255];
      assert.ok(contrast(luminance(rgb(bg)), luminance(text)) >= 4.5, `${hex} at ${a}: ${bg} / ${fg}`);
    }
  }
});

test("a pale colour keeps its hue and gets dark text", () => {
  const { bg, fg } = blend("#ff0000", 0.25);
  assert.equal(fg, "#111");
  const [r, g, b] = rgb(bg);
  assert.ok(r > g && g === b, bg);
});

test("describe names the head, its label and its strength", () => {
  const D = { legend: [{ name: "直前" }], label: [[0, 0]], strength: [[0.5, 0.914]] };
  assert.equal(describe(D, 0, 1), "Layer 0・Head 1: 直前（91%）");
});
