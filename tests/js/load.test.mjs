// Unit tests of attnviz/web/load.js: the one script loader (node --test tests/js/).
import assert from "node:assert/strict";
import test from "node:test";

import { LoadError, loadModule, loadScript, loadScripts } from "../../src/attnviz/web/load.js";

/** A document whose <script>s "load" by themselves, in the order they were added; `fail` names URLs that 404. */
function fakeDocument(fail = new Set()) {
  const added = [];
  return {
    added,
    head: {
      appendChild(script) {
        added.push(script.src);
        setTimeout(() => (fail.has(script.src) ? script.onerror() : script.onload()), 0);
      },
    },
    createElement: (tag) => ({ tag, remove() {} }),
  };
}

test("a script is added once, however often it is asked for", async () => {
  const doc = fakeDocument();
  await Promise.all([loadScript("https://x/a.js", doc), loadScript("https://x/a.js", doc)]);
  await loadScript("https://x/a.js", doc);
  assert.deepEqual(doc.added, ["https://x/a.js"]);
});

test("scripts load one after another, in the order given", async () => {
  const doc = fakeDocument();
  await loadScripts(["https://x/d3.js", "https://x/jquery.js"], doc);
  assert.deepEqual(doc.added, ["https://x/d3.js", "https://x/jquery.js"]);
});

test("a failed script rejects with a LoadError naming the file, and is tried again next time", async () => {
  const fail = new Set(["https://x/vendor/d3.min.js?v=1"]);
  const doc = fakeDocument(fail);
  await assert.rejects(loadScripts(["https://x/vendor/d3.min.js?v=1", "https://x/b.js"], doc), (err) => {
    assert.ok(err instanceof LoadError);
    assert.equal(err.file, "d3.min.js");
    assert.match(err.message, /could not load https:\/\/x\/vendor\/d3\.min\.js/);
    return true;
  });
  assert.deepEqual(doc.added, ["https://x/vendor/d3.min.js?v=1"], "the scripts after a failed one are not added");
  fail.clear();
  await loadScript("https://x/vendor/d3.min.js?v=1", doc);
  assert.equal(doc.added.length, 2, "the retry adds the script again");
});

test("loadModule hands back the module, or a LoadError with the cause", async () => {
  assert.deepEqual(await loadModule("m.js", async (url) => ({ url })), { url: "m.js" });
  const cause = new TypeError("Failed to fetch dynamically imported module");
  await assert.rejects(loadModule("https://x/kinds/toy.js", async () => { throw cause; }), (err) => {
    assert.ok(err instanceof LoadError);
    assert.equal(err.cause, cause);
    assert.equal(err.file, "toy.js");
    return true;
  });
});
