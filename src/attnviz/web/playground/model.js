/*
 * attnviz playground: the model in the reader's browser. Downloads (once per page, from this site, only
 * when the reader first asks): the tokenizer and the model's facts (~0.5 MB), then onnxruntime-web and the
 * ONNX model (~24 MB + ~14 MB); runs it and returns the attention weights of every layer and head.
 */
import { LoadError, loadModule } from "../load.js";
import { MESSAGES, PlaygroundError, hasWebAssembly } from "./messages.js";
import { tokenize } from "./tokenize.js";

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
};

function fileName(url) {
  return new URL(url).pathname.split("/").pop();
}

function downloadError(what, err) {
  return new PlaygroundError("download", MESSAGES.download(err ? `${what}: ${err.message || err}` : what));
}

/** fetch(url), or a PlaygroundError("download") that names the file. */
export async function fetchOk(url, fetcher = globalThis.fetch) {
  let response;
  try {
    response = await fetcher(url);
  } catch (err) {
    throw downloadError(fileName(url), err);
  }
  if (!response.ok) throw downloadError(`${fileName(url)}: HTTP ${response.status}`);
  return response;
}

async function importOrFail(url) {
  try {
    return await loadModule(url);
  } catch (err) {
    throw downloadError(fileName(url), err instanceof LoadError ? err.cause : err);
  }
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

let tokenizerPromise = null;
let sessionPromise = null;

/** The tokenizer and the model's facts (small); kept for the page's lifetime once loaded. */
export function loadTokenizer() {
  if (!tokenizerPromise) {
    tokenizerPromise = (async () => {
      const [module, json, config, facts] = await Promise.all([
        importOrFail(FILES.tokenizers),
        fetchOk(FILES.tokenizer).then((r) => r.json()),
        fetchOk(FILES.tokenizerConfig).then((r) => r.json()),
        fetchOk(FILES.facts).then((r) => r.json()),
      ]);
      return { tokenizer: new module.Tokenizer(json, config), facts };
    })();
    tokenizerPromise.catch(() => (tokenizerPromise = null)); // a retry starts again
  }
  return tokenizerPromise;
}

/** onnxruntime-web and an inference session on the model; onProgress(received, total) while it downloads. */
export function loadSession(facts, onProgress) {
  if (!sessionPromise) {
    sessionPromise = (async () => {
      if (!hasWebAssembly()) throw new PlaygroundError("nowasm", MESSAGES.noWasm);
      const [ort, bytes] = await Promise.all([
        importOrFail(FILES.ort),
        fetchOk(FILES.model).then(async (response) => {
          try {
            return await readWithProgress(response, facts.model_bytes, onProgress);
          } catch (err) {
            throw downloadError("model.onnx", err);
          }
        }),
      ]);
      ort.env.wasm.numThreads = 1; // no cross-origin isolation on a static site: one thread
      ort.env.wasm.wasmPaths = FILES.ortDir;
      let session;
      try {
        session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
      } catch (err) {
        const text = String(err.message || err);
        if (/fetch|load|network|wasm/i.test(text)) throw downloadError(`onnxruntime: ${text}`);
        throw err;
      }
      return { ort, session };
    })();
    sessionPromise.catch(() => (sessionPromise = null));
  }
  return sessionPromise;
}

/** Token ids, tokens and token type ids of a sentence (pair), exactly as the Python tokenizer gives them. */
export async function encodeText(a, b) {
  const { tokenizer } = await loadTokenizer();
  return tokenize(tokenizer, a, b || null);
}

/** Attention weights of every layer and head: {data: Float32Array, dims: [layers, heads, T, T]}. */
export async function attend(session, ort, encoding) {
  const T = encoding.ids.length;
  const feeds = {
    input_ids: new ort.Tensor("int64", BigInt64Array.from(encoding.ids, BigInt), [1, T]),
    token_type_ids: new ort.Tensor("int64", BigInt64Array.from(encoding.tokenTypeIds, BigInt), [1, T]),
  };
  const output = await session.run(feeds);
  const tensor = output.attentions; // (1, layers, heads, T, T)
  return { data: tensor.data, dims: tensor.dims.slice(1).map(Number) };
}

/** Attention weights for a sentence (pair) without drawing: {ids, tokenTypeIds, dims, data} (tests, benchmark). */
export async function infer(a, b) {
  const { facts } = await loadTokenizer();
  const encoding = await encodeText(a, b);
  const { ort, session } = await loadSession(facts, () => {});
  const attention = await attend(session, ort, encoding);
  return { ids: encoding.ids, tokenTypeIds: encoding.tokenTypeIds, dims: attention.dims, data: Array.from(attention.data) };
}
