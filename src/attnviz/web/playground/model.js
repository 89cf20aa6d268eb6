/*
 * attnviz playground: the model in the reader's browser (format 2 of attnviz.webmodel). Downloads only when
 * the reader first asks, only from this site: the manifest (model/manifest.json, asked for on every page),
 * then the files it names by content hash, each kept in Cache Storage (store.js) so that a later visit
 * downloads none of them: the graph (the embedded input in, the attention weights out; in two files: the
 * stored weights, decoded once in the worker by weights.js, and the main graph, run per sentence),
 * onnxruntime-web's runtime, the tokenizer, and the word-embedding rows of the tokens typed (a chunk of
 * 16 rows at a time, rows.js). The tokenizer and the model run in a module worker (worker.js): the page's
 * main thread downloads the files (one progress count over all of them) and hands their bytes over.
 */
import { EmbeddingRows } from "./rows.js";
import { CACHE_NAME, FileStore, SIZE_HEADER, Progress, downloadError, fetchOk, loadManifest, openCache, readBody } from "./store.js";

export { downloadError, fetchOk };

const fileName = (url) => new URL(url).pathname.split("/").pop();
const HERE = new URL("./", import.meta.url);
const asset = (path) => new URL(path, HERE).href;
export const FILES = {
  manifest: asset("model/manifest.json"),
  worker: asset("worker.js"),
};

/** What each file is called while it downloads (the progress line). */
export const LABELS = {
  graph: "モデル本体",
  runtime: "実行環境（onnxruntime-web）",
  tokenizer: "トークナイザー",
  rows: "単語ベクトル",
};

/** A response body as bytes, reporting (received, total) as they arrive (total: Content-Length or expected). */
export async function readWithProgress(response, expected, onProgress) {
  const total = Number(response.headers.get("Content-Length")) || expected || 0;
  return readBody(response, (received) => onProgress(received, total));
}

// --- the worker ---------------------------------------------------------------------------------------------

/**
 * Requests to a worker, answered in order: call(op, args, transfer) -> Promise of its answer. A worker that
 * fails to start (its file did not load) fails every pending call with a download error, and is replaced by
 * a new one on the next call (so "retry" works).
 */
export class WorkerClient {
  constructor(url, makeWorker = (u) => new Worker(u, { type: "module" })) {
    this.url = url;
    this.makeWorker = makeWorker;
    this.worker = null;
    this.pending = new Map();
    this.nextId = 0;
  }

  start() {
    if (this.worker) return this.worker;
    const worker = this.makeWorker(this.url);
    worker.addEventListener("message", (event) => this.answer(event.data));
    worker.addEventListener("error", (event) => {
      // the worker's own file did not load or run: every pending request fails; the next call starts anew
      if (event && event.preventDefault) event.preventDefault();
      this.worker = null;
      worker.terminate();
      const err = downloadError(fileName(this.url), (event && event.message) || "the worker did not start");
      for (const { reject } of this.pending.values()) reject(err);
      this.pending.clear();
    });
    this.worker = worker;
    return worker;
  }

  answer({ id, ok, error }) {
    const waiting = this.pending.get(id);
    if (!waiting) return;
    this.pending.delete(id);
    if (!error) waiting.resolve(ok);
    else if (error.file) waiting.reject(downloadError(error.file, error.message));
    else waiting.reject(new Error(error.message));
  }

  call(op, args = {}, transfer = []) {
    const worker = this.start();
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, op, ...args }, transfer);
    });
  }
}

/** A named moment on the page's clock (performance.mark "attnviz:<name>"): benchmarks/browser_model.py reads them. */
const mark = (name) => globalThis.performance && performance.mark && performance.mark(`attnviz:${name}`);

let client = null;
const worker = () => (client ||= new WorkerClient(FILES.worker));

// --- what the widget asks for ---------------------------------------------------------------------------------

/** One progress count per page, over every file the widget downloads; the widget listens with onProgress. */
export const progress = new Progress();

let sitePromise = null;
let tokenizerPromise = null;
let sessionPromise = null;

/**
 * The manifest, the file store and the embedding rows, once per page. A fresh manifest deletes every kept
 * entry it does not name (an older build's files); the kept copy (offline) serves one request only.
 */
export function loadSite() {
  if (!sitePromise) {
    sitePromise = (async () => {
      const cache = await openCache();
      const { manifest, fresh } = await loadManifest(FILES.manifest, cache);
      const url = (path) => new URL(path, FILES.manifest).href;
      const store = new FileStore(cache, { progress });
      const spec = manifest.embeddings;
      const rowsFolder = url(spec.path.split("/")[0] + "/");
      const rows = new EmbeddingRows(spec, (i) => store.get(url(rows.chunkPath(i)), LABELS.rows, rows.chunkBytes(i)));
      const entry = (key, label) => ({ url: url(manifest.files[key].path), bytes: manifest.files[key].bytes, label });
      const runtime = manifest.runtime || {};
      const site = {
        manifest,
        facts: { ...manifest.model, format: manifest.format },
        store,
        rows,
        url,
        files: {
          weights: entry("weights", LABELS.graph),
          main: entry("main", LABELS.graph),
          tokenizer: entry("tokenizer", LABELS.tokenizer),
          tokenizerConfig: entry("tokenizer_config", LABELS.tokenizer),
          ...Object.fromEntries(
            Object.entries(runtime).map(([k, f]) => [k, { url: url(f.path), bytes: f.bytes, label: k === "tokenizers" ? LABELS.tokenizer : LABELS.runtime }]),
          ),
        },
      };
      if (fresh) {
        const named = new Set([FILES.manifest, ...Object.values(site.files).map((f) => f.url)]);
        await store.prune((u) => named.has(u) || u.startsWith(rowsFolder));
      }
      return { site, fresh };
    })().then(({ site, fresh }) => {
      if (!fresh) sitePromise = null; // the kept manifest (offline): the next request asks the server again
      return site;
    });
    sitePromise.catch(() => (sitePromise = null)); // a retry starts again
  }
  return sitePromise;
}

/** The model's facts (manifest.json's `model`: name, layers, heads, max_tokens, hidden_size, vocab_size). */
export async function loadFacts() {
  return (await loadSite()).facts;
}

/** Plan the files of `keys` not kept yet on the progress count (so its total is known before any arrives). */
async function plan(site, keys) {
  await Promise.all(
    keys.map(async (key) => {
      const file = site.files[key];
      if (!(await site.store.has(file.url))) progress.add(file.url, file.bytes, file.label);
    }),
  );
}

const fetchFile = (site, key) => site.store.get(site.files[key].url, site.files[key].label, site.files[key].bytes);
const moduleUrl = (bytes) => URL.createObjectURL(new Blob([bytes], { type: "text/javascript" }));

/** Everything the first use downloads before the sentence's rows, planned on the progress count at once. */
export async function planFirstUse() {
  const site = await loadSite();
  await plan(site, ["tokenizers", "tokenizer", "tokenizerConfig", "ort", "mjs", "wasm", "weights", "main"]);
  return site;
}

/** The model's facts, once the tokenizer is ready in the worker (kept for the page's lifetime). */
export function loadTokenizer() {
  if (!tokenizerPromise) {
    tokenizerPromise = (async () => {
      const site = await planFirstUse();
      const [module, json, config] = await Promise.all(["tokenizers", "tokenizer", "tokenizerConfig"].map((k) => fetchFile(site, k)));
      await worker().call("tokenizer", { module: moduleUrl(module), json, config }, [json.buffer, config.buffer]);
      mark("tokenizer-ready");
      return { facts: site.facts };
    })();
    tokenizerPromise.catch(() => (tokenizerPromise = null));
  }
  return tokenizerPromise;
}

/**
 * The stored weights into the worker, which decodes them as they arrive (each piece of a download, or the
 * kept file at once). Resolves once every weight is decoded.
 */
let streams = 0;
async function streamWeights(site) {
  const file = site.files.weights;
  const w = worker();
  const stream = ++streams;
  await w.call("weightsBegin", { stream, bytes: file.bytes });
  let streamed = false;
  const sent = [];
  const bytes = await site.store.get(file.url, file.label, file.bytes, (piece) => {
    streamed = true;
    const call = w.call("weightsChunk", { stream, chunk: piece }, [piece.buffer]);
    call.catch(() => {}); // weightsEnd reports what went wrong
    sent.push(call);
  });
  if (!streamed) await w.call("weightsChunk", { stream, chunk: bytes }, [bytes.buffer]);
  await Promise.all(sent);
  await w.call("weightsEnd", { stream });
}

/** onnxruntime-web and an inference session on the graph (in the worker), from the kept or downloaded files. */
export function loadSession() {
  if (!sessionPromise) {
    sessionPromise = (async () => {
      const site = await planFirstUse();
      const runtime = Promise.all(["ort", "mjs", "wasm"].map((k) => fetchFile(site, k)))
        .then(([ort, mjs, wasm]) => {
          mark("runtime-downloaded");
          return worker().call("runtime", { ort: moduleUrl(ort), mjs: moduleUrl(mjs), wasm }, [wasm.buffer]);
        })
        .then(() => mark("runtime-ready"));
      runtime.catch(() => {}); // awaited below, after the graph (whose failure is reported first)
      // the main graph's session starts as soon as the runtime and the main graph are here (the weights are
      // its inputs), while the weights still download and the worker decodes them as they arrive
      const main = fetchFile(site, "main");
      const started = Promise.all([main, runtime]).then(([bytes]) => worker().call("session", { main: bytes }, [bytes.buffer]));
      started.catch(() => {});
      await streamWeights(site);
      mark("graph-downloaded");
      await main;
      await runtime;
      await started;
      mark("session-ready");
      return true;
    })();
    sessionPromise.catch(() => (sessionPromise = null));
  }
  return sessionPromise;
}

/**
 * Token ids, tokens and token type ids of a sentence (pair), exactly as the Python tokenizer gives them, and
 * where sentence B starts (null for one sentence).
 */
export async function encodeText(a, b) {
  await loadTokenizer();
  return worker().call("encode", { a, b: b || null });
}

/** The word-embedding rows of `ids` (Float32Array, ids.length * hidden), chunks downloaded once and kept. */
export async function embed(ids) {
  return (await loadSite()).rows.rows(ids);
}

/** Attention weights of every layer and head: {data: Float32Array, dims: [layers, heads, T, T]}. */
export async function attend(encoding, rows = null) {
  const embeds = rows || (await embed(encoding.ids));
  return worker().call("attend", { embeds, tokenTypeIds: encoding.tokenTypeIds }, [embeds.buffer]);
}

/** Attention weights for a sentence (pair) without drawing: {ids, tokenTypeIds, dims, data} (tests, benchmark). */
export async function infer(a, b) {
  const session = loadSession();
  session.catch(() => {});
  const encoding = await encodeText(a, b);
  const rows = await embed(encoding.ids);
  await session;
  const attention = await attend(encoding, rows);
  return { ids: encoding.ids, tokenTypeIds: encoding.tokenTypeIds, dims: attention.dims, data: Array.from(attention.data) };
}

/** The rows of `ids` as the page reads them (tests: they must equal Python's dequantised rows exactly). */
export async function embeddingRows(ids) {
  return Array.from(await embed(ids));
}

/**
 * What this browser keeps for the playground: {entries, bytes} of its Cache Storage (bytes as stored; the
 * reader's text says how to clear it).
 */
export async function kept() {
  if (!globalThis.caches || !(await globalThis.caches.has(CACHE_NAME))) return { entries: 0, bytes: 0 }; // none made
  const cache = await openCache();
  if (!cache) return { entries: 0, bytes: 0 };
  let bytes = 0;
  const keys = await cache.keys();
  for (const request of keys) {
    const response = await cache.match(request);
    const size = Number(response.headers.get(SIZE_HEADER));
    bytes += Number.isFinite(size) && size > 0 ? size : (await response.arrayBuffer()).byteLength;
  }
  return { entries: keys.length, bytes };
}

/** Resolves once every file downloaded so far is kept in Cache Storage. */
export async function keptAll() {
  if (sitePromise) await (await sitePromise).store.settled();
}

/** Start the model's thread now (its modules load while the page is online; the kept files need no network). */
export function prepareOffline() {
  return worker().call("ping");
}

/** Delete everything kept (the widget's 「保存したモデルを削除」). */
export async function forget() {
  if (globalThis.caches) await globalThis.caches.delete(CACHE_NAME);
  sitePromise = null;
}
