// Unit tests of attnviz/web/bertviz-require.js: the stand-in for BERTviz's require.js calls.
import assert from "node:assert/strict";
import test from "node:test";

import { requirejs } from "../../src/attnviz/web/bertviz-require.js";

test("requirejs hands over the page's jQuery and d3, in the order asked, and returns the callback's value", () => {
  globalThis.jQuery = { fn: "jquery" };
  globalThis.d3 = { version: "5.7.0" };
  try {
    requirejs.config({ paths: { d3: "https://cdn/d3", jquery: "https://cdn/jquery" } }); // ignored
    const got = requirejs(["jquery", "d3"], ($, d3) => [$, d3]);
    assert.deepEqual(got, [globalThis.jQuery, globalThis.d3]);
    assert.equal(requirejs("d3", (d3) => d3.version), "5.7.0");
  } finally {
    delete globalThis.jQuery;
    delete globalThis.d3;
  }
});

test("a library that is not on the page fails loudly, and no global require is defined", () => {
  assert.throws(() => requirejs(["d3"], () => {}), /module 'd3' is not available/);
  assert.throws(() => requirejs(["lodash"], () => {}), /module 'lodash'/);
  assert.equal(typeof globalThis.require, "undefined");
  assert.equal(typeof globalThis.requirejs, "undefined");
});
