/*
 * attnviz playground: the course's small BERT (all-MiniLM-L6-v2, exported to ONNX at build time) runs in
 * the reader's browser, and BERTviz's own head_view.js / model_view.js draw its attention weights.
 *
 * Nothing heavy loads with the page: onnxruntime-web, the tokenizer and the model are fetched from this
 * site when the reader presses the button, once per page. Typed text only ever reaches the page as
 * text (input values, d3's .text(), textContent): never as markup or code.
 */

const HERE = new URL("./", import.meta.url);
const asset = (path) => new URL(path, HERE).href;
const FILES = {
  facts: asset("model/model.json"),
  model: asset("model/model.onnx"),
  tokenizer: asset("model/tokenizer.json"),
  tokenizerConfig: asset("model/tokenizer_config.json"),
  ort: asset("vendor/ort.wasm.min.mjs"),
  ortDir: asset("vendor/"),
  tokenizers: asset("vendor/tokenizers.min.mjs"),
  // The same path as the site's build-time views (see ../views.js): d3, jQuery, the synchronous require
  // stand-in, the compact-data decoder, BERTviz's own view scripts as served once per site, accessibility.
  d3: asset("../vendor/d3-5.7.0.min.js"),
  jquery: asset("../vendor/jquery-3.7.1.min.js"),
  loader: asset("../loader.js"),
  decode: asset("../decode.js"),
  a11y: asset("../a11y.js"),
  headView: asset("../bertviz/head_view.js"),
  modelView: asset("../bertviz/model_view.js"),
};
const MAX_CHARS = 20000; // longer than any 512-token input: refuse before tokenizing

const MESSAGES = {
  empty: "文 A を入力してください（英語の短い文がおすすめです）。",
  tooLongChars: `入力が長すぎます（${MAX_CHARS} 文字まで）。文を短くしてください。`,
  tooLong: (n, max) =>
    `入力が長すぎます：[CLS] と [SEP] を含めて ${n} トークンになりました。` +
    `このモデルが一度に読めるのは ${max} トークンまでです。文を短くしてください。`,
  noWasm:
    "このブラウザでは WebAssembly が使えないため、モデルを動かせません。" +
    "最新の Chrome・Edge・Firefox・Safari で開くか、WebAssembly を無効にする設定を外してください。",
  download: (detail) =>
    `モデルの読み込みに失敗しました（${detail}）。ネットワークを確かめて「もう一度試す」を押してください。`,
  failed: (detail) => `計算中にエラーが起きました（${detail}）。`,
};

class PlaygroundError extends Error {
  constructor(kind, message) {
    super(message);
    this.kind = kind;
  }
}

/* ---------------------------------------------------------------- loading (once per page) */

let tokenizerPromise = null;
let sessionPromise = null;
const scriptsLoaded = {};

function hasWebAssembly() {
  return typeof WebAssembly === "object" && WebAssembly !== null && typeof WebAssembly.instantiate === "function";
}

async function fetchOk(url) {
  let response;
  try {
    response = await fetch(url);
  } catch (err) {
    throw new PlaygroundError("download", MESSAGES.download(`${fileName(url)}: ${err.message || err}`));
  }
  if (!response.ok) {
    throw new PlaygroundError("download", MESSAGES.download(`${fileName(url)}: HTTP ${response.status}`));
  }
  return response;
}

function fileName(url) {
  return new URL(url).pathname.split("/").pop();
}

async function importOrFail(url) {
  try {
    return await import(url);
  } catch (err) {
    throw new PlaygroundError("download", MESSAGES.download(`${fileName(url)}: ${err.message || err}`));
  }
}

/** The tokenizer and the model's facts (small: ~0.5 MB); kept for the page's lifetime once loaded. */
function loadTokenizer() {
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

/** Read a response body, reporting (received, total) bytes as they arrive. */
async function readWithProgress(response, expected, onProgress) {
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

/** onnxruntime-web and an inference session on the model (~24 MB + ~14 MB on first use). */
function loadSession(facts, onProgress) {
  if (!sessionPromise) {
    sessionPromise = (async () => {
      if (!hasWebAssembly()) throw new PlaygroundError("nowasm", MESSAGES.noWasm);
      const [ort, bytes] = await Promise.all([
        importOrFail(FILES.ort),
        fetchOk(FILES.model).then(async (response) => {
          try {
            return await readWithProgress(response, facts.model_bytes, onProgress);
          } catch (err) {
            throw new PlaygroundError("download", MESSAGES.download(`model.onnx: ${err.message || err}`));
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
        if (/fetch|load|network|wasm/i.test(text)) {
          throw new PlaygroundError("download", MESSAGES.download(`onnxruntime: ${text}`));
        }
        throw err;
      }
      return { ort, session };
    })();
    sessionPromise.catch(() => (sessionPromise = null));
  }
  return sessionPromise;
}

function loadScript(url) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.onload = resolve;
    script.onerror = () => reject(new PlaygroundError("download", MESSAGES.download(fileName(url))));
    document.head.appendChild(script);
  });
}

async function loadBertviz(which) {
  for (const url of [FILES.d3, FILES.jquery, FILES.loader, FILES.decode, FILES.a11y,
    which === "head" ? FILES.headView : FILES.modelView]) {
    if (!scriptsLoaded[url]) {
      scriptsLoaded[url] = loadScript(url);
      scriptsLoaded[url].catch(() => delete scriptsLoaded[url]);
    }
    await scriptsLoaded[url]; // one after another: each uses the globals of those before it
  }
}

/* ---------------------------------------------------------------- computing */

/*
 * The one known difference between @huggingface/tokenizers and Python's (Rust) tokenizers: lowercasing a
 * capital sigma at the end of a word. JavaScript's toLowerCase() applies Unicode's Final_Sigma rule
 * ("ΟΔΟΣ" -> "οδος", final ς), Rust lowercases character by character ("οδοσ"). The model's tokenizer
 * lowercases everything anyway, so mapping Σ to σ first gives Python's ids in every case.
 */
const CAPITAL_SIGMA = /\u03A3/g;

/** Token ids, tokens and token type ids, exactly as the Python tokenizer gives them. */
export async function encode(a, b) {
  const { tokenizer } = await loadTokenizer();
  const options = { return_token_type_ids: true };
  if (b) options.text_pair = b.replace(CAPITAL_SIGMA, "\u03C3");
  const encoding = tokenizer.encode(a.replace(CAPITAL_SIGMA, "\u03C3"), options);
  return { ids: encoding.ids, tokens: encoding.tokens, tokenTypeIds: encoding.token_type_ids };
}

/** Attention weights of every layer and head: a Float32Array shaped (layers, heads, T, T). */
async function attend(session, ort, encoding) {
  const T = encoding.ids.length;
  const feeds = {
    input_ids: new ort.Tensor("int64", BigInt64Array.from(encoding.ids, BigInt), [1, T]),
    token_type_ids: new ort.Tensor("int64", BigInt64Array.from(encoding.tokenTypeIds, BigInt), [1, T]),
  };
  const output = await session.run(feeds);
  const tensor = output.attentions; // (1, layers, heads, T, T)
  return { data: tensor.data, dims: tensor.dims.slice(1).map(Number) };
}

/** BERTviz's sentence filters, as its Python side names and orders them: [name, rows, cols]. */
const PAIR_FILTERS = [
  ["All", "all", "all"],
  ["Sentence A -> Sentence A", "a", "a"],
  ["Sentence B -> Sentence B", "b", "b"],
  ["Sentence A -> Sentence B", "a", "b"],
  ["Sentence B -> Sentence A", "b", "a"],
];

function base64(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * The weights in the compact form the built site stores its views in (attnviz/sphinx/compact.py: one byte
 * per weight, the four A/B filters as slices of All), so that ../decode.js rebuilds BERTviz's params
 * exactly as it does for the build-time views.
 */
export function compactView(view, att, tokens, sentenceBStart, params) {
  const bytes = new Uint8Array(att.data.length);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.max(0, Math.min(255, Math.round(att.data[i] * 255)));
  return {
    format: "attnviz-bertviz/1",
    view,
    tokens,
    split: sentenceBStart == null ? null : sentenceBStart,
    filters: sentenceBStart == null ? [[null, "all", "all"]] : PAIR_FILTERS,
    shape: att.dims,
    attn: { dtype: "u8", scale: 255, data: base64(bytes) },
    params,
  };
}

/* ---------------------------------------------------------------- drawing with BERTviz's own JS */

let viewCount = 0;

/** BERTviz's root div: the same markup its Python side writes (built with the DOM, names are fixed). */
function bertvizRoot(container, filters, withLayerSelect) {
  const id = `bertviz-playground-${++viewCount}`;
  const root = document.createElement("div");
  root.id = id;
  root.style.fontFamily = "'Helvetica Neue', Helvetica, Arial, sans-serif";
  const controls = document.createElement("span");
  controls.style.userSelect = "none";
  if (withLayerSelect) {
    const layer = document.createElement("select");
    layer.id = "layer";
    controls.append("Layer: ", layer, " ");
  }
  if (filters.length > 1) {
    const filter = document.createElement("select");
    filter.id = "filter";
    filters.forEach((f, i) => filter.add(new Option(f[0], String(i))));
    controls.append("Attention: ", filter);
  }
  const vis = document.createElement("div");
  vis.id = "vis";
  root.append(controls, vis);
  container.replaceChildren(root);
  return id;
}

/** Decode the compact view and draw it with BERTviz's own code, as ../views.js does for the site's views. */
function draw(view, compact) {
  const params = window.attnvizDecode.decodeParams(compact);
  window.attnvizBertviz[view](params);
  const root = document.getElementById(params.root_div_id);
  root.setAttribute("data-attnviz-drawn", view);
  root.dispatchEvent(new CustomEvent("attnviz:drawn", { bubbles: true, detail: { view, params } }));
}

async function drawHeadView(container, result) {
  await loadBertviz("head");
  const [L] = result.attention.dims;
  const filters = result.sentenceBStart == null ? [[null]] : PAIR_FILTERS;
  const id = bertvizRoot(container, filters, true);
  const params = { default_filter: "0", root_div_id: id, layer: null, heads: null, include_layers: [...Array(L).keys()] };
  draw("head", compactView("head", result.attention, result.tokens, result.sentenceBStart, params));
}

async function drawModelView(container, result) {
  await loadBertviz("model");
  const [L, H] = result.attention.dims;
  const filters = result.sentenceBStart == null ? [[null]] : PAIR_FILTERS;
  const id = bertvizRoot(container, filters, false);
  const params = {
    default_filter: "0",
    display_mode: "light",
    root_div_id: id,
    include_layers: [...Array(L).keys()],
    include_heads: [...Array(H).keys()],
    total_heads: H,
  };
  draw("model", compactView("model", result.attention, result.tokens, result.sentenceBStart, params));
}

/* ---------------------------------------------------------------- the widget */

function formatMB(bytes) {
  return (bytes / 1e6).toFixed(1);
}

class Playground {
  constructor(root) {
    this.root = root;
    const $ = (selector) => root.querySelector(selector);
    this.form = $(".attnviz-pg-form");
    this.inputA = $(".attnviz-pg-a");
    this.inputB = $(".attnviz-pg-b");
    this.runButton = $(".attnviz-pg-run");
    this.retryButton = $(".attnviz-pg-retry");
    this.progress = $(".attnviz-pg-progress");
    this.progressBar = $(".attnviz-pg-progress progress");
    this.progressText = $(".attnviz-pg-progress-text");
    this.error = $(".attnviz-pg-error");
    this.result = $(".attnviz-pg-result");
    this.status = $(".attnviz-pg-status");
    this.shareLink = $(".attnviz-pg-share-link");
    this.head = $(".attnviz-pg-head");
    this.modelDetails = $(".attnviz-pg-model-details");
    this.model = $(".attnviz-pg-model");
    this.last = null;
    this.modelDrawnFor = null;
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.run();
    });
    this.retryButton.addEventListener("click", () => this.run());
    this.modelDetails.addEventListener("toggle", () => this.drawModelIfOpen());
    root.dataset.state = "idle";
  }

  /** Fill the inputs from ?a=…&b=… (the playground page) and run at once: a shared link shows its view. */
  fromUrl() {
    const query = new URLSearchParams(window.location.search);
    const a = query.get("a");
    if (a === null) return false;
    this.inputA.value = a;
    this.inputB.value = query.get("b") || "";
    this.run();
    return true;
  }

  setState(state) {
    this.root.dataset.state = state;
    this.runButton.disabled = state === "loading" || state === "computing";
  }

  showError(err) {
    const known = err instanceof PlaygroundError;
    this.error.textContent = known ? err.message : MESSAGES.failed(String((err && err.message) || err));
    this.error.dataset.kind = known ? err.kind : "internal";
    this.error.hidden = false;
    this.retryButton.hidden = !(known && err.kind === "download");
    this.progress.hidden = true;
    this.setState("error");
    if (!known) console.error(err); // eslint-disable-line no-console
  }

  onProgress(received, total) {
    this.progress.hidden = false;
    if (total) {
      this.progressBar.max = total;
      this.progressBar.value = Math.min(received, total);
      this.progressText.textContent = `モデルを読み込み中… ${formatMB(received)} / ${formatMB(total)} MB`;
    } else {
      this.progressBar.removeAttribute("value");
      this.progressText.textContent = `モデルを読み込み中… ${formatMB(received)} MB`;
    }
  }

  async run() {
    const started = performance.now();
    const a = this.inputA.value.trim();
    const b = this.inputB.value.trim();
    this.error.hidden = true;
    this.retryButton.hidden = true;
    try {
      if (!a) throw new PlaygroundError("empty", MESSAGES.empty);
      if (a.length + b.length > MAX_CHARS) throw new PlaygroundError("toolong", MESSAGES.tooLongChars);
      if (!hasWebAssembly()) throw new PlaygroundError("nowasm", MESSAGES.noWasm);
      this.setState("loading");
      this.progress.hidden = false;
      this.progressText.textContent = "トークナイザーを読み込み中…";
      const { facts } = await loadTokenizer();
      const tStart = performance.now();
      const encoding = await encode(a, b || null);
      const tokenizeMs = performance.now() - tStart;
      if (encoding.ids.length > facts.max_tokens) {
        throw new PlaygroundError("toolong", MESSAGES.tooLong(encoding.ids.length, facts.max_tokens));
      }
      const { ort, session } = await loadSession(facts, (r, t) => this.onProgress(r, t));
      const loadedAt = performance.now();
      this.progressText.textContent = "計算中…";
      this.setState("computing");
      const attention = await attend(session, ort, encoding);
      const inferenceMs = performance.now() - loadedAt;
      const firstB = encoding.tokenTypeIds.indexOf(1);
      const result = {
        a,
        b,
        ids: encoding.ids,
        tokens: encoding.tokens,
        tokenTypeIds: encoding.tokenTypeIds,
        sentenceBStart: b && firstB > 0 ? firstB : null,
        attention,
      };
      this.result.hidden = false;
      const drawStart = performance.now();
      await drawHeadView(this.head, result);
      const drawMs = performance.now() - drawStart;
      this.progress.hidden = true;
      this.last = {
        ...result,
        timings: {
          total: performance.now() - started,
          load: loadedAt - started - tokenizeMs,
          tokenize: tokenizeMs,
          inference: inferenceMs,
          draw: drawMs,
        },
      };
      this.modelDrawnFor = null;
      this.drawModelIfOpen();
      this.status.textContent =
        `${facts.name}（${facts.layers} 層 × ${facts.heads} ヘッド）がこのブラウザの中で計算しました：` +
        `${encoding.ids.length} トークン、推論 ${Math.round(inferenceMs)} ms。`;
      this.updateShare(a, b);
      this.setState("drawn");
      this.root.dispatchEvent(new CustomEvent("attnviz-playground-drawn", { detail: this.last }));
    } catch (err) {
      this.showError(err);
    }
  }

  async drawModelIfOpen() {
    if (!this.modelDetails.open || !this.last || this.modelDrawnFor === this.last) return;
    this.modelDrawnFor = this.last;
    try {
      await drawModelView(this.model, this.last);
    } catch (err) {
      this.showError(err);
    }
  }

  updateShare(a, b) {
    const query = new URLSearchParams({ a });
    if (b) query.set("b", b);
    const mode = this.root.dataset.share;
    let url;
    if (mode === "self") {
      url = new URL(window.location.href);
      url.search = query.toString();
      url.hash = "";
      window.history.replaceState(null, "", url.href);
    } else {
      url = new URL(this.root.dataset.shareHref, window.location.href);
      url.search = query.toString();
    }
    this.shareLink.href = url.href;
    this.shareLink.textContent = url.href;
  }
}

/* ---------------------------------------------------------------- start */

const widgets = [...document.querySelectorAll("[data-attnviz-playground]")].map((root) => new Playground(root));
widgets.find((w) => w.root.dataset.share === "self" && w.fromUrl());

/** Attention weights for a sentence (pair) without drawing: {ids, dims, data} (for tests). */
async function infer(a, b) {
  const { facts } = await loadTokenizer();
  const encoding = await encode(a, b || null);
  const { ort, session } = await loadSession(facts, () => {});
  const attention = await attend(session, ort, encoding);
  return { ids: encoding.ids, tokenTypeIds: encoding.tokenTypeIds, dims: attention.dims, data: Array.from(attention.data) };
}

/** For tests and the benchmark: the widgets, the tokenizer and the model on their own. */
window.attnvizPlayground = { widgets, encode, infer };
