// Unit tests of the playground's kept files (store.js: Cache Storage keyed by content hash, one progress
// count) and of the embedding rows (rows.js: the chunk files of format 2). That the rows equal Python's
// bit for bit is tested against the real chunks in tests/test_webmodel.py.
import assert from "node:assert/strict";
import test from "node:test";

import { partOf } from "../../src/attnviz/web/playground/messages.js";
import { decodeWeights, WeightsReader } from "../../src/attnviz/web/playground/weights.js";
import { decodeChunk, EmbeddingRows, halfToFloat } from "../../src/attnviz/web/playground/rows.js";
import { FileStore, loadManifest, Progress, SIZE_HEADER } from "../../src/attnviz/web/playground/store.js";

/** A stand-in for one Cache of Cache Storage (keys are URLs). */
class FakeCache {
  constructor() {
    this.map = new Map();
  }

  async match(url) {
    const hit = this.map.get(typeof url === "string" ? url : url.url);
    return hit ? hit.clone() : undefined;
  }

  async put(url, response) {
    this.map.set(url, response.clone());
  }

  async keys() {
    return [...this.map.keys()].map((url) => ({ url }));
  }

  async delete(request) {
    return this.map.delete(request.url);
  }
}

/** A fetch that answers `files` (url -> bytes) and counts its calls; `down` makes it fail like no network. */
function server(files) {
  const calls = [];
  const fetcher = async (url, init) => {
    calls.push([url, init]);
    if (fetcher.down) throw new TypeError("Failed to fetch");
    if (!(url in files)) return new Response("", { status: 404 });
    return new Response(files[url], { headers: { "Content-Length": String(files[url].length) } });
  };
  fetcher.calls = calls;
  return fetcher;
}

test("a file is downloaded once and kept; a kept file is never asked for again", async () => {
  const url = "https://s/m/model.0123456789abcdef.onnx";
  const fetcher = server({ [url]: new Uint8Array([1, 2, 3, 4]) });
  const cache = new FakeCache();
  const seen = [];
  const progress = new Progress((p) => seen.push(p));
  const first = new FileStore(cache, { fetcher, progress });
  assert.deepEqual(Array.from(await first.get(url, "モデル本体", 4)), [1, 2, 3, 4]);
  assert.equal(first.downloaded, 4);
  await first.settled(); // kept in the background
  assert.equal(fetcher.calls.length, 1);
  assert.deepEqual(seen.at(-1), { received: 4, total: 4, label: "" });
  assert.deepEqual(seen[0], { received: 0, total: 4, label: "モデル本体" }, "planned before its first byte");
  assert.equal((await cache.match(url)).headers.get(SIZE_HEADER), "4");
  // a second visit (a new store on the same cache), with the network down: the kept bytes, no request
  fetcher.down = true;
  const second = new FileStore(cache, { fetcher, progress: new Progress() });
  assert.deepEqual(Array.from(await second.get(url)), [1, 2, 3, 4]);
  assert.equal(second.downloaded, 0);
  assert.equal(fetcher.calls.length, 1);
});

test("a failed download names its part and is tried again on the next request", async () => {
  const url = "https://s/m/embeddings.0123456789abcdef/12.bin";
  const fetcher = server({});
  const store = new FileStore(new FakeCache(), { fetcher });
  await assert.rejects(store.get(url), (err) => err.kind === "download" && err.part === "model" && /12\.bin: HTTP 404/.test(err.detail));
  await assert.rejects(store.get(url));
  assert.equal(fetcher.calls.length, 2);
});

test("prune deletes what the current build does not name", async () => {
  const cache = new FakeCache();
  for (const url of ["https://s/m/model.new.onnx", "https://s/m/model.old.onnx", "https://s/m/embeddings.new/1.bin",
    "https://s/m/embeddings.old/1.bin"]) await cache.put(url, new Response("x"));
  const store = new FileStore(cache, { fetcher: server({}) });
  const gone = await store.prune((u) => u === "https://s/m/model.new.onnx" || u.startsWith("https://s/m/embeddings.new/"));
  assert.deepEqual(gone.sort(), ["https://s/m/embeddings.old/1.bin", "https://s/m/model.old.onnx"]);
  assert.deepEqual((await cache.keys()).map((r) => r.url).sort(), ["https://s/m/embeddings.new/1.bin", "https://s/m/model.new.onnx"]);
});

test("the manifest is asked for anew (no-cache) and, offline, read from the kept copy", async () => {
  const url = "https://s/m/manifest.json";
  const fetcher = server({ [url]: new TextEncoder().encode('{"format": 2}') });
  const cache = new FakeCache();
  assert.deepEqual(await loadManifest(url, cache, fetcher), { manifest: { format: 2 }, fresh: true });
  assert.equal(fetcher.calls[0][1].cache, "no-cache");
  fetcher.down = true;
  assert.deepEqual(await loadManifest(url, cache, fetcher), { manifest: { format: 2 }, fresh: false });
  await assert.rejects(loadManifest(url, new FakeCache(), fetcher), (err) => err.kind === "download" && err.part === "model");
});

test("progress: one total over every planned file, labelled with the one downloading", () => {
  const seen = [];
  const progress = new Progress((p) => seen.push(p));
  progress.add("graph", 100, "モデル本体");
  progress.add("wasm", 300, "実行環境");
  progress.got("wasm", 50);
  assert.deepEqual(seen.at(-1), { received: 50, total: 400, label: "実行環境" });
  progress.got("graph", 100);
  assert.deepEqual(seen.at(-1), { received: 150, total: 400, label: "実行環境" });
  progress.skip("wasm"); // found kept after all: it leaves the total
  assert.deepEqual(seen.at(-1), { received: 100, total: 100, label: "" });
});

test("format 3's files belong to the model part", () => {
  for (const file of ["model.main.1838b29c16f5f958.onnx", "model.weights.17475f0c08c6e8c5.bin", "manifest.json", "12.bin"]) {
    assert.equal(partOf(file), "model", file);
  }
  assert.equal(partOf("tokenizer.be50c3628f2bf5bb.json"), "tokenizer");
  assert.equal(partOf("ort-wasm-simd-threaded.mjs"), "runtime");
});

// --- rows.js ------------------------------------------------------------------------------------------------

test("halfToFloat reads normal, subnormal and special halves", () => {
  assert.equal(halfToFloat(0x3c00), 1);
  assert.equal(halfToFloat(0xc000), -2);
  assert.equal(halfToFloat(0x0001), 2 ** -24);
  assert.equal(halfToFloat(0x7bff), 65504);
  assert.equal(halfToFloat(0x7c00), Infinity);
  assert.ok(Number.isNaN(halfToFloat(0x7e00)));
});

/** A chunk's bytes: int8 q (n, dim) then float16 scale (n, dim / block), little endian. */
function chunk(q, scales) {
  const bytes = new Uint8Array(q.length + 2 * scales.length);
  const view = new DataView(bytes.buffer);
  q.forEach((v, i) => view.setInt8(i, v));
  scales.forEach((h, i) => view.setUint16(q.length + 2 * i, h, true));
  return bytes;
}

test("a chunk dequantises as float32(q) * float32(scale) per block", () => {
  // 2 rows of dim 4, blocks of 2: scales 1, 0.5 | 2, -1
  const bytes = chunk([1, -2, 3, 127, -128, 0, 5, 6], [0x3c00, 0x3800, 0x4000, 0xbc00]);
  assert.deepEqual(Array.from(decodeChunk(bytes, 4, 2)), [1, -2, 1.5, 63.5, -256, 0, -5, -6]);
  assert.throws(() => decodeChunk(bytes.subarray(0, 7), 4, 2), /whole number of rows/);
});

test("rows of token ids come from the chunks that hold them, each chunk fetched once", async () => {
  const spec = { rows: 5, dim: 4, block: 2, chunk_rows: 2, chunks: 3, last_chunk_rows: 1, path: "e.h/{chunk}.bin" };
  const asked = [];
  const rows = new EmbeddingRows(spec, async (i) => {
    asked.push(i);
    const n = i === 2 ? 1 : 2;
    return chunk(Array.from({ length: 4 * n }, (_, k) => 10 * i + k), Array(2 * n).fill(0x3c00));
  });
  assert.deepEqual(rows.chunksFor([4, 1, 0, 1]), [0, 2]);
  assert.equal(rows.chunkBytes(0), 2 * (4 + 4));
  assert.equal(rows.chunkBytes(2), 1 * (4 + 4));
  assert.equal(rows.chunkPath(2), "e.h/2.bin");
  const got = await rows.rows([4, 1, 1]);
  assert.deepEqual(Array.from(got), [20, 21, 22, 23, 4, 5, 6, 7, 4, 5, 6, 7]);
  await rows.rows([0]);
  assert.deepEqual(asked, [0, 2]);
  assert.throws(() => rows.locate(5), RangeError);
  assert.throws(() => rows.locate(-1), RangeError);
});

// --- weights.js -----------------------------------------------------------------------------------------------
// (decoding the shipped file bit for bit as Python does: tests/test_web_js.py with weights-digest.mjs)

test("a weights file that is not one, too long or cut short is refused with a reason", () => {
  assert.throws(() => decodeWeights(new Uint8Array([80, 75, 3, 4, 0, 0, 0, 0])), /not an attnviz weights file/);
  const header = new TextEncoder().encode(JSON.stringify([{ name: "w", encoding: "fp16", shape: [1, 2], parts: { values: [0, 4] } }]));
  const file = new Uint8Array(8 + header.length + ((8 - (header.length % 8)) % 8) + 4);
  file.set([65, 86, 87, 49]); // AVW1
  new DataView(file.buffer).setUint32(4, header.length, true);
  file.set(header, 8);
  file.set([0x00, 0x3c, 0x00, 0xc0], file.length - 4); // float16 1.0, -2.0
  const [w] = decodeWeights(file);
  assert.deepEqual([w.name, w.dims, Array.from(w.data)], ["w", [1, 2], [1, -2]]);
  const long = new WeightsReader(file.length - 1);
  assert.throws(() => long.push(file), /longer than/);
  const short = new WeightsReader(file.length);
  short.push(file.subarray(0, file.length - 2));
  assert.equal(short.decoded.length, 0); // the weight's bytes are not all in yet
  assert.throws(() => short.finish(), /ended after/);
});

test("weights.js reads every one of the 65,536 halves as rows.js does", () => {
  const header = new TextEncoder().encode(JSON.stringify([{ name: "w", encoding: "fp16", shape: [1, 65536], parts: { values: [0, 131072] } }]));
  const pad = (8 - ((8 + header.length) % 8)) % 8;
  const file = new Uint8Array(8 + header.length + pad + 131072);
  file.set([65, 86, 87, 49]);
  new DataView(file.buffer).setUint32(4, header.length, true);
  file.set(header, 8);
  const values = new DataView(file.buffer, 8 + header.length + pad);
  for (let h = 0; h < 65536; h++) values.setUint16(2 * h, h, true);
  const [w] = decodeWeights(file);
  for (let h = 0; h < 65536; h++) {
    const want = Math.fround(halfToFloat(h));
    if (Number.isNaN(want)) assert.ok(Number.isNaN(w.data[h]), `half ${h}`);
    else assert.ok(Object.is(w.data[h], want), `half ${h}: ${w.data[h]} != ${want}`);
  }
});
