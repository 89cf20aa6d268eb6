/*
 * attnviz playground: what the widget tells the reader (in Japanese), and the checks made before anything is
 * downloaded. A message says what failed and what to do, in plain Japanese: what the browser itself said
 * (English, file addresses) is only a `detail` the widget folds away under 「詳細」. Pure: node's tests import it.
 */
import { LoadError } from "../load.js";

export const MAX_CHARS = 20000; // longer than any 512-token input: refuse before tokenizing

/** What a file is, for the reader: each file the widget loads belongs to one of these parts. */
export const PARTS = {
  tokenizer: "トークナイザー（文をトークンに分ける部分）",
  model: "モデル（重みと設定のファイル）",
  runtime: "モデルを計算するプログラム",
  viewer: "図を描くプログラム（BERTviz）",
};

/** The part a file belongs to, from its name. */
export function partOf(file) {
  const name = String(file || "");
  if (/^tokenizer/.test(name)) return "tokenizer";
  // format 3's files: the manifest, the graph (model.main.<hash>.onnx, model.weights.<hash>.bin), an
  // embedding chunk (<n>.bin)
  if (/^(model(\.[\w.]+)?\.(onnx|bin|json)|manifest\.json|\d+\.bin)$/.test(name)) return "model";
  if (/^(ort|worker\.js$)/.test(name)) return "runtime";
  return "viewer"; // d3, jQuery, BERTviz's views and the site's own drawing modules
}

export const MESSAGES = {
  empty: "文 A を入力してください（英語の短い文がおすすめです）。",
  tooLongChars: `入力が長すぎます（${MAX_CHARS} 文字まで）。文を短くしてください。`,
  tooLong: (n, max) =>
    `入力が長すぎます：[CLS] と [SEP] を含めて ${n} トークンになりました。` +
    `このモデルが一度に読めるのは ${max} トークンまでです。文を短くしてください。`,
  noWasm:
    "このブラウザでは WebAssembly が使えないため、モデルを動かせません。" +
    "最新の Chrome・Edge・Firefox・Safari で開くか、WebAssembly を無効にする設定を外してください。",
  download: (part) =>
    `${PARTS[part] || PARTS.viewer}の読み込みに失敗しました。` +
    "ネットワークにつながっているかを確かめてから、「もう一度試す」を押してください。",
  failed:
    "計算か表示の途中で思わぬエラーが起きました。ページを読み込み直してから、もう一度試してください。" +
    "直らないときは、別のブラウザで試してください。",
  modelView: (part) =>
    `model view を描けませんでした：${PARTS[part] || PARTS.viewer}の読み込みに失敗しました。` +
    "ネットワークを確かめてから、「もう一度描く」を押してください。",
  modelViewFailed: "model view を描く途中で思わぬエラーが起きました。「もう一度描く」を押してください。",
};

/**
 * An error the widget explains to the reader. kind: "empty", "toolong", "nowasm" or "download" (then `part`
 * says what did not load and `detail` what the browser said).
 */
export class PlaygroundError extends Error {
  constructor(kind, message, { part = null, detail = "" } = {}) {
    super(message);
    this.name = "PlaygroundError";
    this.kind = kind;
    this.part = part;
    this.detail = detail;
  }

  static download(file, said = "") {
    const part = partOf(file);
    return new PlaygroundError("download", MESSAGES.download(part), { part, detail: said ? `${file}: ${said}` : file });
  }
}

/** The sentences as the model will read them (trimmed), or a PlaygroundError for an empty or huge input. */
export function checkInput(a, b) {
  const first = String(a ?? "").trim();
  const second = String(b ?? "").trim();
  if (!first) throw new PlaygroundError("empty", MESSAGES.empty);
  if (first.length + second.length > MAX_CHARS) throw new PlaygroundError("toolong", MESSAGES.tooLongChars);
  return { a: first, b: second };
}

/** A PlaygroundError unless the tokenized input fits the model. */
export function checkTokens(count, maxTokens) {
  if (count > maxTokens) throw new PlaygroundError("toolong", MESSAGES.tooLong(count, maxTokens));
}

export function hasWebAssembly(scope = globalThis) {
  const wasm = scope.WebAssembly;
  return typeof wasm === "object" && wasm !== null && typeof wasm.instantiate === "function";
}

function said(err) {
  if (!err) return "";
  const cause = err.cause ? ` (${said(err.cause)})` : "";
  return `${err.name ? `${err.name}: ` : ""}${err.message || err}${cause}`;
}

/**
 * {kind, part, message, detail} to show for any error: a file that did not load is a "download" error (a retry
 * helps), named by the part it belongs to; anything else is "internal". `message` is plain Japanese; `detail`
 * is what the browser said (for the folded 「詳細」).
 */
export function explain(err) {
  if (err instanceof PlaygroundError) return { kind: err.kind, part: err.part, message: err.message, detail: err.detail };
  if (err instanceof LoadError) {
    const part = partOf(err.file);
    return { kind: "download", part, message: MESSAGES.download(part), detail: said(err) };
  }
  return { kind: "internal", part: null, message: MESSAGES.failed, detail: said(err) };
}

const number = (n) => Math.round(n).toLocaleString("en-US");

/** What the widget says when it draws part of a long input (the budget, budget.js). */
export const BUDGET = {
  intro: (count, lines, heads) =>
    `この入力は ${count} トークンあります。head view は 1 つの層につき ${heads} ヘッド × ${count} × ${count} = ` +
    `${number(lines)} 本の線を引くので、全部を描くとこのブラウザがしばらく固まってしまいます。` +
    "そこで、このブラウザが一度に描ける分だけを描きます。",
  window: (first, last, count) =>
    `いま描いているのは ${first}〜${last} 番のトークン（[CLS] を 0 番として数えます）と特殊トークン` +
    `（全 ${count} トークンのうち）です。`,
  honest:
    "範囲の外のトークンへの Attention は描かれないので、1 つのトークンから出る線の重みを足しても 1 になりません。" +
    "「前の範囲」「次の範囲」やスライダーで、描く範囲を動かせます。",
  modelSome: (layers, first, last) =>
    `model view は全 ${layers} 層を一度に描くと時間がかかりすぎるため、` +
    (first === last ? `Layer ${first} だけを描いています。` : `Layer ${first}〜${last} だけを描いています。`) +
    "下の選択で描く層を変えられます。",
};
