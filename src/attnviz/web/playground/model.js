/*
 * attnviz playground: the model in the reader's browser. Downloads (once per page, from this site, only
 * when the reader first asks): the tokenizer and the model's facts (~0.5 MB), then onnxruntime-web and the
 * ONNX model (~24 MB + ~14 MB). The tokenizer and the model run in a module worker (worker.js): the page's
 * main thread only downloads the model's bytes (to show progress) and hands them over.
 */
import { PlaygroundError } from "./messages.js";

const HERE = new URL("./", import.meta.url);
const asset = (path) => new URL(path, HERE).href;
export const FILES = {
  facts: asset("model/model.json"),
  model: asset("model/model.onnx"),
  tokenizer: asset("model/tokenizer.json"),
  tokenizerConfig: asset("model/tokenizer_config.json"),
  ort: asset("vendor/ort.wasm.min.mjs"),
  ortDir: asset("vendor/"),
  tokenizers: asset("vendor/tokenizers.min.mjs"),
  worker: asset("worker.js"),
};

function fileName(url) {
  return new URL(url).pathname.split("/").pop();
}

/** A PlaygroundError("download") for `file`, with what the browser said as its detail. */
export function downloadError(file, cause) {
  const said = cause ? String(cause.message || cause) : "";
  return PlaygroundError.download(file, said);
}

/** fetch(url), or a PlaygroundError("download") that names the file. */
export async function fetchOk(url, fetcher = globalThis.fetch) {
  let response;
  try {
    response = await fetcher(url);
  } catch (err) {
    throw downloadError(fileName(url), err);
  }
  if (!response.ok) throw downloadError(fileName(url), `HTTP ${response.status}`);
  return response;
}

/** A response body as bytes, reporting (received, total) as they arrive. */
export async function readWithProgress(response, expected, onProgress) {
  const total = Number(response.headers.get("Content-Length")) || expected || 0;
  if (!response.body || !response.body.getReader) {
    const buffer = new Uint8Array(await response.arrayBuffer());
    onProgress(buffer.length, total);
    return buffer;
  }
  const reader = response.body.getReader();
  const chunks = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    onProgress(received, total);
  }
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
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

let client = null;
const worker = () => (client ||= new WorkerClient(FILES.worker));

// --- what the widget asks for ---------------------------------------------------------------------------------

let factsPromise = null;
let tokenizerPromise = null;
let sessionPromise = null;

/** The model's facts (model.json: name, layers, heads, max_tokens, model_bytes), kept for the page's lifetime. */
export function loadFacts() {
  if (!factsPromise) {
    factsPromise = fetchOk(FILES.facts).then((r) => r.json());
    factsPromise.catch(() => (factsPromise = null)); // a retry starts again
  }
  return factsPromise;
}

/** The model's facts, once the tokenizer is ready in the worker (kept for the page's lifetime). */
export function loadTokenizer() {
  if (!tokenizerPromise) {
    tokenizerPromise = (async () => {
      const [facts] = await Promise.all([
        loadFacts(),
        worker().call("tokenizer", { module: FILES.tokenizers, json: FILES.tokenizer, config: FILES.tokenizerConfig }),
      ]);
      return { facts };
    })();
    tokenizerPromise.catch(() => (tokenizerPromise = null));
  }
  return tokenizerPromise;
}

/**
 * onnxruntime-web and an inference session on the model (in the worker); onProgress(received, total).
 * The worker imports onnxruntime-web while the page downloads the model's bytes.
 */
export function loadSession(onProgress) {
  if (!sessionPromise) {
    sessionPromise = (async () => {
      const runtime = worker().call("runtime", { ort: FILES.ort, wasmDir: FILES.ortDir });
      runtime.catch(() => {}); // awaited below, after the download (whose failure is reported first)
      const [facts, response] = await Promise.all([loadFacts(), fetchOk(FILES.model)]);
      let bytes;
      try {
        bytes = await readWithProgress(response, facts.model_bytes, onProgress);
      } catch (err) {
        throw downloadError("model.onnx", err);
      }
      await runtime;
      await worker().call("session", { bytes }, [bytes.buffer]);
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

/** Attention weights of every layer and head: {data: Float32Array, dims: [layers, heads, T, T]}. */
export function attend(encoding) {
  return worker().call("attend", { ids: encoding.ids, tokenTypeIds: encoding.tokenTypeIds });
}

/** Attention weights for a sentence (pair) without drawing: {ids, tokenTypeIds, dims, data} (tests, benchmark). */
export async function infer(a, b) {
  const session = loadSession(() => {});
  session.catch(() => {});
  const encoding = await encodeText(a, b);
  await session;
  const attention = await attend(encoding);
  return { ids: encoding.ids, tokenTypeIds: encoding.tokenTypeIds, dims: attention.dims, data: Array.from(attention.data) };
}
