/*
 * attnviz playground: the model's own thread (a module worker, started by model.js). The tokenizer and
 * onnxruntime-web live here, so that loading them, tokenizing and running the model never hold the page's
 * main thread (a 500-token input takes seconds to run). The page's main thread imports none of its modules:
 * each is loaded once, here.
 *
 * Requests {id, op, ...} answered by {id, ok: result} or {id, error: {file, message}} (file: what did not
 * load, or "" for any other failure); ops:
 *   ping      {}                          -> true, once this module and tokenize.js have loaded
 *   tokenizer {module, json, config}      load @huggingface/tokenizers (module: its URL) and the model's
 *                                         tokenizer files (their bytes)
 *   encode    {a, b}                      -> {ids, tokens, tokenTypeIds, sentenceBStart} (tokenize.js)
 *   runtime   {ort, mjs, wasm}            load onnxruntime-web (ort, mjs: its modules' URLs; wasm: the
 *                                         runtime's bytes), while the page downloads the model
 *   session   {main}                      the main graph's bytes: start a session on it
 *   weightsBegin {stream, bytes}          the stored weights' file is coming, `bytes` long (stream: a number
 *                                         that tells this download from an abandoned earlier one);
 *   weightsChunk {stream, chunk}          its next bytes (decoded as they complete a weight, weights.js);
 *   weightsEnd   {stream}                 it is all here: the weights become the main graph's inputs
 *   attend    {embeds, tokenTypeIds}      the word-embedding rows (Float32Array, T * hidden) ->
 *                                         {data: Float32Array (transferred), dims: [layers, heads, T, T]}
 *
 * The page hands over the files' bytes (kept in its Cache Storage, store.js) and the modules as blob: URLs
 * of kept bytes, so nothing here asks the network: the widget runs offline once its files are kept.
 */
import { sentenceBStart, tokenize } from "./tokenize.js";
import { WeightsReader } from "./weights.js";

let tokenizer = null;
let ort = null;
let session = null;
let decoded = null; // the decoded weights, [{name, dims, data}] (weights.js)
let weights = null; // the same as onnxruntime tensors: the main graph's weight inputs
let incoming = null; // {reader, error}: the weights file while it arrives

class Failed extends Error {
  constructor(file, cause) {
    super(String((cause && cause.message) || cause || file));
    this.file = file;
  }
}

const fileName = (url) => new URL(url).pathname.split("/").pop();

async function importFile(url, name = fileName(url)) {
  try {
    return await import(url);
  } catch (err) {
    throw new Failed(name, err);
  }
}

const json = (bytes) => JSON.parse(new TextDecoder().decode(bytes));

const OPS = {
  ping() {
    return true; // the worker and its modules have loaded
  },

  async tokenizer({ module, json: jsonBytes, config }) {
    if (tokenizer) return true;
    const lib = await importFile(module, "tokenizers.min.mjs");
    tokenizer = new lib.Tokenizer(json(jsonBytes), json(config));
    return true;
  },

  encode({ a, b }) {
    const encoding = tokenize(tokenizer, a, b || null);
    return { ...encoding, sentenceBStart: sentenceBStart(encoding.tokenTypeIds, b) };
  },

  async runtime({ ort: ortUrl, mjs, wasm }) {
    if (ort) return true;
    const module = await importFile(ortUrl, "ort.wasm.min.mjs");
    module.env.wasm.numThreads = 1; // no cross-origin isolation on a static site: one thread
    // the runtime's glue module and its WebAssembly, both blob: URLs of their kept bytes (no network). The
    // WebAssembly goes by URL, not as env.wasm.wasmBinary: given the bytes, the glue of onnxruntime-web 1.22
    // still resolves the .wasm's name against its own URL, which a blob: URL cannot be a base of.
    const binary = URL.createObjectURL(new Blob([wasm], { type: "application/wasm" }));
    module.env.wasm.wasmPaths = { mjs, wasm: binary };
    ort = module;
    return true;
  },

  async session({ main }) {
    if (session) return true;
    try {
      // no graph optimization: ORT's optimizer takes longer to start the session than its fused kernels
      // save on a run of a short sentence. The weights are inputs: the session starts before they arrive.
      const options = { executionProviders: ["wasm"], graphOptimizationLevel: "disabled" };
      session = await ort.InferenceSession.create(main, options);
    } catch (err) {
      const text = String((err && err.message) || err);
      if (/fetch|load|network|wasm/i.test(text)) throw new Failed("ort-wasm-simd-threaded.wasm", text);
      throw err;
    }
    return true;
  },

  // The stored weights, decoded here while they download (weights.js: each weight as soon as its bytes are
  // in; tens of milliseconds in all, where a decoding graph run by onnxruntime took seconds), then fed to
  // the main graph on every run, named after the parameters.
  weightsBegin({ stream, bytes }) {
    if (decoded) return true;
    incoming = { stream, reader: new WeightsReader(bytes), error: null };
    return true;
  },

  weightsChunk({ stream, chunk }) {
    // ignored: weights already decoded, a piece of an earlier (abandoned) stream, or after an error that
    // weightsEnd reports
    if (!incoming || incoming.stream !== stream || incoming.error) return true;
    try {
      incoming.reader.push(chunk);
    } catch (err) {
      incoming.error = err;
    }
    return true;
  },

  weightsEnd({ stream }) {
    if (decoded) return true;
    if (incoming && incoming.stream !== stream) throw new Error("the weights came from two downloads at once");
    const { reader, error } = incoming || {};
    incoming = null;
    if (!reader) throw new Error("weightsEnd without weightsBegin");
    if (error) throw error;
    decoded = reader.finish(); // (onnxruntime may still be loading: the tensors are made on the first run)
    return true;
  },

  async attend({ embeds, tokenTypeIds }) {
    if (!weights) weights = Object.fromEntries(decoded.map(({ name, dims, data }) => [name, new ort.Tensor("float32", data, dims)]));
    const T = tokenTypeIds.length;
    const feeds = {
      ...weights,
      inputs_embeds: new ort.Tensor("float32", embeds, [1, T, embeds.length / T]),
      token_type_ids: new ort.Tensor("int64", BigInt64Array.from(tokenTypeIds, BigInt), [1, T]),
    };
    const output = await session.run(feeds);
    const tensor = output.attentions; // (1, layers, heads, T, T)
    return { data: tensor.data, dims: tensor.dims.slice(1).map(Number) };
  },
};

// one request at a time, in the order they came: the session runs one input at a time
let queue = Promise.resolve();

addEventListener("message", (event) => {
  const { id, op, ...args } = event.data;
  queue = queue.then(async () => {
    try {
      const ok = await OPS[op](args);
      const transfer = ok && ok.data instanceof Float32Array ? [ok.data.buffer] : [];
      postMessage({ id, ok }, transfer);
    } catch (err) {
      postMessage({ id, error: { file: err instanceof Failed ? err.file : "", message: String((err && err.message) || err) } });
    }
  });
});
