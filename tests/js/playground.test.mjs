// Unit tests of the playground's pure modules (attnviz/web/playground/): input checks and messages,
// tokenizing, the compact encoding of its weights, and the download helpers of model.js.
import assert from "node:assert/strict";
import test from "node:test";

import { decodeParams } from "../../src/attnviz/web/decode.js";
import { LoadError } from "../../src/attnviz/web/load.js";
import {
  base64, compactView, filtersFor, headParams, modelParams, PAIR_FILTERS, quantize, rint,
} from "../../src/attnviz/web/playground/encode.js";
import {
  checkInput, checkTokens, explain, hasWebAssembly, MAX_CHARS, PlaygroundError,
} from "../../src/attnviz/web/playground/messages.js";
import { fetchOk, readWithProgress } from "../../src/attnviz/web/playground/model.js";
import { sentenceBStart, tokenize, withoutCapitalSigma } from "../../src/attnviz/web/playground/tokenize.js";

// --- messages.js ------------------------------------------------------------------------------------------

test("input is trimmed; an empty sentence A or a huge input is refused before anything loads", () => {
  assert.deepEqual(checkInput("  The cat  ", "\tsat\n"), { a: "The cat", b: "sat" });
  assert.deepEqual(checkInput("a", undefined), { a: "a", b: "" });
  assert.throws(() => checkInput("   ", "only B"), (err) => err instanceof PlaygroundError && err.kind === "empty");
  assert.throws(() => checkInput("x".repeat(MAX_CHARS), "y"), (err) => err.kind === "toolong" && /20000 文字/.test(err.message));
  checkTokens(512, 512);
  assert.throws(() => checkTokens(602, 512), (err) => err.kind === "toolong" && /602 トークン/.test(err.message) &&
    /512 トークンまで/.test(err.message));
});

test("every error becomes a kind and a Japanese message; a file that did not load offers a retry", () => {
  assert.deepEqual(explain(new PlaygroundError("nowasm", "x")), { kind: "nowasm", message: "x" });
  const load = explain(new LoadError("https://site/_static/attnviz/bertviz/head_view.js"));
  assert.equal(load.kind, "download");
  assert.match(load.message, /読み込みに失敗しました（head_view\.js）/);
  const bug = explain(new TypeError("boom"));
  assert.equal(bug.kind, "internal");
  assert.match(bug.message, /計算中にエラーが起きました（boom）/);
});

test("WebAssembly is detected", () => {
  assert.equal(hasWebAssembly(globalThis), true);
  assert.equal(hasWebAssembly({}), false);
  assert.equal(hasWebAssembly({ WebAssembly: null }), false);
});

// --- tokenize.js ------------------------------------------------------------------------------------------

test("tokenize maps capital sigma and asks for token type ids; sentence B starts at the first type-1 token", () => {
  const calls = [];
  const tokenizer = {
    encode(text, options) {
      calls.push([text, options]);
      return { ids: [101, 7, 102, 8, 102], tokens: ["[CLS]", "a", "[SEP]", "b", "[SEP]"], token_type_ids: [0, 0, 0, 1, 1] };
    },
  };
  const out = tokenize(tokenizer, "ΟΔΟΣ", "ΣΑΣ");
  assert.deepEqual(calls, [["ΟΔΟσ", { return_token_type_ids: true, text_pair: "σΑσ" }]]);
  assert.deepEqual(out, { ids: [101, 7, 102, 8, 102], tokens: ["[CLS]", "a", "[SEP]", "b", "[SEP]"], tokenTypeIds: [0, 0, 0, 1, 1] });
  tokenize(tokenizer, "a", null);
  assert.deepEqual(calls[1][1], { return_token_type_ids: true }, "no pair: no text_pair");
  assert.equal(withoutCapitalSigma("Σσς"), "σσς");
  assert.equal(sentenceBStart([0, 0, 0, 1, 1], "b"), 3);
  assert.equal(sentenceBStart([0, 0, 0], ""), null);
  assert.equal(sentenceBStart([0, 0, 0], "b"), null, "a B that tokenized to nothing is no pair");
});

// --- encode.js --------------------------------------------------------------------------------------------

test("rint rounds half to even, as numpy does", () => {
  assert.deepEqual([0.5, 1.5, 2.5, 2.4, 2.6, -0.5, -1.5, 254.5].map(rint), [0, 2, 2, 2, 3, -0, -2, 254]);
});

test("quantize gives one byte per weight, clamped to 0-255", () => {
  assert.deepEqual(Array.from(quantize([0, 1, 0.5, 1.2, -0.1, 3 / 255])), [0, 255, 128, 255, 0, 3]);
  assert.equal(base64(new Uint8Array([0, 255, 128])), Buffer.from([0, 255, 128]).toString("base64"));
  const big = new Uint8Array(100_000).map((_, i) => i % 251);
  assert.equal(base64(big), Buffer.from(big).toString("base64"), "longer than one chunk");
});

test("a pair's view decodes to BERTviz's five filters, each a slice of All", () => {
  // 1 layer, 1 head, tokens [CLS] a [SEP] b [SEP]; weight (i, j) = (5 i + j) / 255
  const data = Float32Array.from({ length: 25 }, (_, k) => k / 255);
  const tokens = ["[CLS]", "a", "[SEP]", "b", "[SEP]"];
  const compact = compactView("head", { data, dims: [1, 1, 5, 5] }, tokens, 3, headParams("bertviz-p", 1));
  assert.deepEqual(compact.filters, PAIR_FILTERS);
  assert.equal(compact.split, 3);
  const params = decodeParams(compact);
  assert.deepEqual(params.attention.map((f) => f.name), PAIR_FILTERS.map((f) => f[0]));
  const ab = params.attention[3];
  assert.deepEqual(ab.left_text, ["[CLS]", "a", "[SEP]"]);
  assert.deepEqual(ab.right_text, ["b", "[SEP]"]);
  assert.deepEqual(ab.attn[0][0], [[3 / 255, 4 / 255], [8 / 255, 9 / 255], [13 / 255, 14 / 255]]);
  assert.deepEqual(
    { ...params, attention: undefined },
    { attention: undefined, default_filter: "0", root_div_id: "bertviz-p", layer: null, heads: null, include_layers: [0] },
  );
});

test("a single sentence has one unnamed filter; the model view's params list every layer and head", () => {
  assert.deepEqual(filtersFor(null), [[null, "all", "all"]]);
  const compact = compactView("model", { data: new Float32Array(2 * 3 * 4), dims: [2, 3, 2, 2] }, ["x", "y"], null,
    modelParams("bertviz-m", 2, 3));
  assert.equal(compact.split, null);
  assert.deepEqual(compact.params, {
    default_filter: "0", display_mode: "light", root_div_id: "bertviz-m", include_layers: [0, 1],
    include_heads: [0, 1, 2], total_heads: 3,
  });
  assert.equal(decodeParams(compact).attention[0].name, null);
});

// --- model.js: downloads ----------------------------------------------------------------------------------

test("fetchOk names the file when the server or the network fails", async () => {
  const ok = new Response("{}", { status: 200 });
  assert.equal(await fetchOk("https://s/m/model.json", async () => ok), ok);
  await assert.rejects(fetchOk("https://s/m/model.onnx", async () => new Response("", { status: 404 })),
    (err) => err.kind === "download" && /model\.onnx: HTTP 404/.test(err.message));
  await assert.rejects(fetchOk("https://s/m/tokenizer.json", async () => { throw new TypeError("offline"); }),
    (err) => err.kind === "download" && /tokenizer\.json: offline/.test(err.message));
});

test("readWithProgress returns every byte and reports progress against Content-Length", async () => {
  const chunks = [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5])];
  const body = new ReadableStream({
    start(controller) {
      chunks.forEach((c) => controller.enqueue(c));
      controller.close();
    },
  });
  const seen = [];
  const bytes = await readWithProgress(new Response(body, { headers: { "Content-Length": "5" } }), 99,
    (received, total) => seen.push([received, total]));
  assert.deepEqual(Array.from(bytes), [1, 2, 3, 4, 5]);
  assert.deepEqual(seen, [[3, 5], [5, 5]]);
  const noLength = [];
  await readWithProgress(new Response(new Uint8Array([9, 9])), 7, (r, t) => noLength.push([r, t]));
  assert.deepEqual(noLength.at(-1), [2, 7], "without Content-Length: the size the model's facts give");
});
