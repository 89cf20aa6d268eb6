// Unit tests of the playground's pure modules (attnviz/web/playground/): input checks and messages,
// tokenizing, the compact encoding of its weights, the download helpers and worker client of model.js, and
// the drawing budget (budget.js).
import assert from "node:assert/strict";
import test from "node:test";

import { decodeParams } from "../../src/attnviz/web/decode.js";
import { LoadError } from "../../src/attnviz/web/load.js";
import {
  base64, compactView, filtersFor, headParams, modelParams, PAIR_FILTERS, quantize, rint,
} from "../../src/attnviz/web/playground/encode.js";
import {
  BUDGET, checkInput, checkTokens, explain, hasWebAssembly, MAX_CHARS, MESSAGES, PARTS, partOf, PlaygroundError,
} from "../../src/attnviz/web/playground/messages.js";
import { fetchOk, readWithProgress, WorkerClient } from "../../src/attnviz/web/playground/model.js";
import { sentenceBStart, tokenize, withoutCapitalSigma } from "../../src/attnviz/web/playground/tokenize.js";
import {
  DrawRate, headLines, headWindow, MIN_TOKENS, TARGET_MS, WHOLE_MODEL_TOKENS, WHOLE_TOKENS, modelLayers, modelLines, sliceAttention, specialPositions,
  splitWithin, tokensWithin,
} from "../../src/attnviz/web/playground/budget.js";

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

// What a reader may see: Japanese, no address, no English sentence (names such as BERTviz and the glossary's
// "head view" and "model view" aside).
function plainJapanese(text) {
  assert.match(text, /[ぁ-んァ-ン]/, text);
  assert.doesNotMatch(text, /:\/\/|https?|\.m?js\b|\.onnx\b|\.json\b/, text);
  const words = text.replace(/\b(head|model) view\b/g, "");
  assert.doesNotMatch(words, /[A-Za-z]{2,}[ .,:]+[A-Za-z]{2,}/, `two English words in a row: ${text}`);
}

test("every error becomes a kind and a plain Japanese message; what the browser said is only its detail", () => {
  assert.deepEqual(explain(new PlaygroundError("nowasm", "x")), { kind: "nowasm", part: null, message: "x", detail: "" });
  // a file of BERTviz's views that did not load is the drawing program, not the model
  const load = explain(new LoadError("https://site/_static/attnviz/bertviz/model_view.js", new TypeError("Failed to fetch")));
  assert.equal(load.kind, "download");
  assert.equal(load.part, "viewer");
  assert.ok(load.message.startsWith(PARTS.viewer), load.message);
  assert.doesNotMatch(load.message, /モデル（/);
  assert.match(load.detail, /model_view\.js/);
  plainJapanese(load.message);
  // the offline failure of today: a module of the tokenizer
  const offline = PlaygroundError.download("tokenizers.min.mjs",
    "Failed to fetch dynamically imported module: http://127.0.0.1:8000/_static/attnviz/playground/vendor/tokenizers.min.mjs");
  assert.equal(offline.part, "tokenizer");
  plainJapanese(offline.message);
  assert.match(offline.message, /トークナイザー/);
  assert.match(offline.message, /もう一度試す/);
  assert.match(offline.detail, /^tokenizers\.min\.mjs: Failed to fetch/);
  const bug = explain(new TypeError("boom"));
  assert.equal(bug.kind, "internal");
  assert.equal(bug.message, MESSAGES.failed);
  assert.equal(bug.detail, "TypeError: boom");
  for (const text of [MESSAGES.failed, MESSAGES.modelViewFailed, ...Object.keys(PARTS).flatMap((p) =>
    [MESSAGES.download(p), MESSAGES.modelView(p)])]) plainJapanese(text);
});

test("each file belongs to the part the reader is told about", () => {
  const parts = Object.fromEntries(["tokenizers.min.mjs", "tokenizer.json", "tokenizer_config.json", "model.json",
    "model.onnx", "ort.wasm.min.mjs", "ort-wasm-simd-threaded.wasm", "worker.js", "d3-5.7.0.min.js",
    "jquery-3.7.1.min.js", "head_view.js", "model_view.js"].map((f) => [f, partOf(f)]));
  assert.deepEqual(parts, {
    "tokenizers.min.mjs": "tokenizer", "tokenizer.json": "tokenizer", "tokenizer_config.json": "tokenizer",
    "model.json": "model", "model.onnx": "model", "ort.wasm.min.mjs": "runtime",
    "ort-wasm-simd-threaded.wasm": "runtime", "worker.js": "runtime", "d3-5.7.0.min.js": "viewer",
    "jquery-3.7.1.min.js": "viewer", "head_view.js": "viewer", "model_view.js": "viewer",
  });
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
    (err) => err.kind === "download" && err.part === "model" && err.detail === "model.onnx: HTTP 404");
  await assert.rejects(fetchOk("https://s/m/tokenizer.json", async () => { throw new TypeError("offline"); }),
    (err) => err.kind === "download" && err.part === "tokenizer" && err.detail === "tokenizer.json: offline" &&
      !/offline|json/.test(err.message));
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

// --- model.js: the worker's client ------------------------------------------------------------------------

/** A stand-in for a Worker: records what it is sent; the test answers or fails it. */
class FakeWorker extends EventTarget {
  constructor() {
    super();
    this.sent = [];
    this.terminated = false;
  }

  postMessage(message, transfer) {
    this.sent.push([message, transfer]);
  }

  terminate() {
    this.terminated = true;
  }

  reply(data) {
    this.dispatchEvent(Object.assign(new Event("message"), { data }));
  }

  fail() {
    this.dispatchEvent(Object.assign(new Event("error"), { message: "" }));
  }
}

test("the worker client matches answers to requests and names a file that did not load", async () => {
  const made = [];
  const client = new WorkerClient("https://s/p/worker.js", () => made[made.push(new FakeWorker()) - 1]);
  const bytes = new Uint8Array(4);
  const first = client.call("session", { bytes }, [bytes.buffer]);
  const second = client.call("encode", { a: "x" });
  assert.equal(made.length, 1, "one worker for every request");
  const [[m1, t1], [m2]] = made[0].sent;
  assert.deepEqual([m1.op, m2.op, m2.a], ["session", "encode", "x"]);
  assert.deepEqual(t1, [bytes.buffer], "the model's bytes are handed over, not copied");
  made[0].reply({ id: m2.id, ok: { ids: [1] } }); // answers may come in any order
  made[0].reply({ id: m1.id, error: { file: "ort.wasm.min.mjs", message: "Failed to fetch" } });
  assert.deepEqual(await second, { ids: [1] });
  await assert.rejects(first, (err) => err.kind === "download" && err.part === "runtime" &&
    err.detail === "ort.wasm.min.mjs: Failed to fetch");
  const bug = client.call("attend", {});
  made[0].reply({ id: made[0].sent[2][0].id, error: { file: "", message: "bad input" } });
  await assert.rejects(bug, (err) => !(err instanceof PlaygroundError) && err.message === "bad input");
  // the worker's own file does not load: every pending request fails, and the next call starts a new worker
  const pending = client.call("tokenizer", {});
  made[0].fail();
  await assert.rejects(pending, (err) => err.kind === "download" && err.part === "runtime" && /worker\.js/.test(err.detail));
  assert.equal(made[0].terminated, true);
  client.call("encode", { a: "y" });
  assert.equal(made.length, 2);
});

// --- budget.js ----------------------------------------------------------------------------------------------

test("BERTviz's lines: heads·T² per layer in the head view, layers·heads·T² in the model view", () => {
  assert.equal(headLines(500, 12), 3_000_000);
  assert.equal(modelLines(64, 6, 12), 294_912);
});

test("the draw budget starts at nothing, grows at most twofold per draw, and shrinks after a slow one", () => {
  const rate = new DrawRate();
  assert.equal(rate.lines(), 0, "nothing measured: the smallest window");
  rate.record(432, 20); // 21,600 lines/s: 4,320 lines in TARGET_MS, but only twice the draw that was measured
  assert.equal(rate.lines(), 864);
  rate.record(864, 40);
  rate.record(1728, 80);
  assert.equal(rate.lines(), 3456);
  rate.record(3456, 100); // 34,560 lines/s: 6,912 in TARGET_MS, twice the draw
  assert.equal(rate.lines(), 6912);
  rate.record(6912, 800); // the machine got busy: four times TARGET_MS
  assert.equal(rate.reached, 1728, "what would have fitted in TARGET_MS");
  assert.equal(rate.lines(), Math.floor((8640 * TARGET_MS) / 1000));
  rate.record(0, 10);
  rate.record(100, Number.NaN);
  assert.equal(rate.reached, 1728, "nothing drawn, nothing learnt");
});

test("special tokens: [CLS], the [SEP] of sentence A, the last [SEP]", () => {
  assert.deepEqual(specialPositions(10, null), [0, 9]);
  assert.deepEqual(specialPositions(10, 6), [0, 5, 9]);
  assert.equal(splitWithin([0, 1, 2, 5, 9], 6), 4, "B starts at the first shown position past its start");
  assert.equal(splitWithin([0, 1, 2, 9], null), null);
});

test("a view that fits is drawn whole; a long one as a window that never exceeds the budget", () => {
  const heads = 12;
  assert.equal(tokensWithin(0, heads), MIN_TOKENS, "never less than the smallest useful view");
  const small = headWindow(8, null, heads, headLines(8, heads));
  assert.equal(small.whole, true);
  assert.deepEqual(small.positions, [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(headWindow(WHOLE_TOKENS, 8, heads, 0).whole, true, "a short input is drawn whole on any machine");
  assert.equal(headWindow(WHOLE_TOKENS + 1, 8, heads, 0).positions.length, MIN_TOKENS);
  for (const budget of [0, 1000, 4800, 20_000]) {
    for (const [count, split] of [[500, null], [500, 250], [40, 20], [17, 6], [13, 6]]) {
      for (const start of [-5, 1, 7, 240, 249, 250, 498, 10_000]) {
        const w = headWindow(count, split, heads, budget, start);
        const most = tokensWithin(budget, heads);
        if (count <= Math.max(most, WHOLE_TOKENS)) {
          assert.equal(w.whole, true);
          continue;
        }
        assert.equal(w.whole, false);
        assert.ok(w.positions.length <= most, `${count} tokens, budget ${budget}: ${w.positions.length} > ${most}`);
        assert.ok(headLines(w.positions.length, heads) <= Math.max(budget, headLines(MIN_TOKENS, heads)));
        // the special tokens are always there, the window is consecutive and inside the sentence
        for (const i of specialPositions(count, split)) assert.ok(w.positions.includes(i), `special ${i}`);
        assert.ok(w.start >= 1 && w.start + w.size <= count - 1, JSON.stringify([count, start, w.start, w.size]));
        for (let i = w.start; i < w.start + w.size; i++) assert.ok(w.positions.includes(i));
        assert.deepEqual(w.positions, [...w.positions].sort((x, y) => x - y));
        assert.equal(new Set(w.positions).size, w.positions.length);
      }
    }
  }
  const w = headWindow(500, null, heads, 4800, 100);
  assert.deepEqual(w.positions, [0, ...Array.from({ length: 18 }, (_, i) => 100 + i), 499]);
});

test("the model view shows all layers when they fit, else groups of consecutive layers", () => {
  assert.deepEqual(modelLayers(6, 12, 10, modelLines(10, 6, 12)), {
    whole: true, layers: [0, 1, 2, 3, 4, 5], per: 6, groups: [[0, 5]],
  });
  const two = modelLayers(6, 12, 10, 2 * headLines(10, 12) + 5, 3);
  assert.deepEqual(two, { whole: false, layers: [2, 3], per: 2, groups: [[0, 1], [2, 3], [4, 5]] });
  const one = modelLayers(6, 12, 20, 10); // not even one layer fits: still one (the head view's window is that size)
  assert.deepEqual(one.layers, [5]);
  assert.equal(one.groups.length, 6);
  assert.equal(modelLayers(6, 12, WHOLE_MODEL_TOKENS, Infinity).whole, true, "a short sentence's model view is whole");
});

test("a slice keeps every head of some layers and the same positions as rows and columns", () => {
  // 2 layers, 2 heads, 4 tokens; weight (l, h, i, j) = 1000 l + 100 h + 10 i + j
  const dims = [2, 2, 4, 4];
  const data = new Float32Array(64);
  for (let l = 0; l < 2; l++) for (let h = 0; h < 2; h++) for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) {
    data[((l * 2 + h) * 4 + i) * 4 + j] = 1000 * l + 100 * h + 10 * i + j;
  }
  const part = sliceAttention({ data, dims }, [1], [0, 2, 3]);
  assert.deepEqual(part.dims, [1, 2, 3, 3]);
  assert.deepEqual(Array.from(part.data), [1000, 1002, 1003, 1020, 1022, 1023, 1030, 1032, 1033,
    1100, 1102, 1103, 1120, 1122, 1123, 1130, 1132, 1133]);
});

test("the budget's message says how many tokens and lines, and that rows no longer sum to 1", () => {
  const intro = BUDGET.intro(500, headLines(500, 12), 12);
  assert.match(intro, /500 トークン/);
  assert.match(intro, /3,000,000 本/);
  assert.match(BUDGET.window(100, 117, 500), /100〜117 番/);
  assert.match(BUDGET.honest, /1 になりません/);
  assert.match(BUDGET.modelSome(6, 5, 5), /Layer 5 だけ/);
  assert.match(BUDGET.modelSome(6, 2, 3), /Layer 2〜3 だけ/);
});
