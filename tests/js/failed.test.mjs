// Unit tests of attnviz/web/failed.js: what a view that cannot be drawn tells the reader (node --test tests/js/).
import assert from "node:assert/strict";
import test from "node:test";

import { FAILED, MESSAGES, colabUrl, detailOf, showFailure } from "../../src/attnviz/web/failed.js";
import { LoadError } from "../../src/attnviz/web/load.js";

/** Just enough of a DOM element for showFailure. */
class FakeElement {
  constructor(tag) {
    this.tag = tag;
    this.children = [];
    this.attributes = {};
    this.listeners = {};
    this.textContent = "";
  }
  setAttribute(name, value) {
    this.attributes[name] = String(value);
  }
  removeAttribute(name) {
    delete this.attributes[name];
  }
  append(...nodes) {
    for (const node of nodes) this.appendChild(node);
  }
  appendChild(node) {
    node.parent = this;
    this.children.push(node);
    return node;
  }
  remove() {
    this.parent.children = this.parent.children.filter((c) => c !== this);
  }
  addEventListener(type, listener) {
    this.listeners[type] = listener;
  }
  querySelector(selector) {
    if (selector === ":scope > .attnviz-view-failed") return this.children.find((c) => c.className === "attnviz-view-failed");
    return null;
  }
  /** Every text below this element, depth first. */
  text() {
    return [this.textContent, ...this.children.map((c) => c.text())].filter(Boolean).join("\n");
  }
  all(tag) {
    return [...(this.tag === tag ? [this] : []), ...this.children.flatMap((c) => c.all(tag))];
  }
}

function fakeDocument(colabHref = null) {
  const reloads = [];
  return {
    reloads,
    createElement: (tag) => new FakeElement(tag),
    querySelector: (selector) => (colabHref && selector.includes("colab") ? { href: colabHref } : null),
    defaultView: { location: { reload: () => reloads.push(1) } },
  };
}

test("the message is Japanese and names the three things to try", () => {
  for (const text of Object.values(MESSAGES)) assert.match(text, /[\u3040-\u30ff\u4e00-\u9fff]/, text);
  assert.match(MESSAGES.reload, /再読み込み/);
  assert.match(MESSAGES.browser, /ブラウザ/);
  assert.match(MESSAGES.colab, /Colab/);
  assert.match(MESSAGES.colab, /ノートブック/);
});

test("the view's box says so, marks the root, and folds the technical detail away", () => {
  const doc = fakeDocument("https://colab.research.google.com/github/o/r/blob/main/book/03_bertviz.ipynb");
  const root = new FakeElement("div");
  root.setAttribute("aria-busy", "true");
  const error = new LoadError("https://site/_static/attnviz/bertviz/head_view.js", new TypeError("Failed to fetch"));
  const box = showFailure(root, "head", error, doc);
  assert.equal(root.attributes[FAILED], "head");
  assert.equal(root.attributes["aria-busy"], undefined);
  assert.equal(box.attributes.role, "alert");
  assert.equal(root.children.at(-1), box);
  const text = box.text();
  for (const message of [MESSAGES.title, MESSAGES.reload, MESSAGES.browser, MESSAGES.colab]) assert.ok(text.includes(message));
  const [details] = box.all("details");
  assert.match(details.text(), /head_view\.js/, "the detail names the file");
  const visible = box.children.filter((c) => c.tag !== "details").map((c) => c.text()).join("\n");
  assert.doesNotMatch(visible, /https?:|Error/, "no URL or English error outside 詳細");
  const [link] = box.all("a");
  assert.equal(link.href, "https://colab.research.google.com/github/o/r/blob/main/book/03_bertviz.ipynb");
  const [button] = box.all("button");
  button.listeners.click();
  assert.equal(doc.reloads.length, 1);
});

test("a second failure replaces the first message; no Colab link without a launch button", () => {
  const doc = fakeDocument();
  const root = new FakeElement("div");
  showFailure(root, "model", new Error("one"), doc);
  const box = showFailure(root, "model", new Error("two"), doc);
  assert.equal(root.children.length, 1);
  assert.equal(root.children[0], box);
  assert.equal(box.all("a").length, 0);
  assert.equal(colabUrl(doc), null);
});

test("detailOf gives each cause once", () => {
  const error = new LoadError("https://x/a.js", new TypeError("Failed to fetch"));
  assert.equal(detailOf(error), "LoadError: attnviz: could not load https://x/a.js (Failed to fetch)");
  const wrapped = new Error("outer", { cause: new RangeError("inner") });
  assert.equal(detailOf(wrapped), "Error: outer\nRangeError: inner");
  assert.equal(detailOf("plain"), "plain");
});
