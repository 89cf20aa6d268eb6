/*
 * attnviz playground: what the widget tells the reader when it cannot draw (in Japanese), and the checks
 * made before anything is downloaded. Pure: node's tests import it.
 */
import { LoadError } from "../load.js";

export const MAX_CHARS = 20000; // longer than any 512-token input: refuse before tokenizing

export const MESSAGES = {
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

/** An error the widget explains to the reader; kind: "empty", "toolong", "nowasm" or "download". */
export class PlaygroundError extends Error {
  constructor(kind, message) {
    super(message);
    this.name = "PlaygroundError";
    this.kind = kind;
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

/** {kind, message} to show for any error: a file that did not load is a "download" error (retry helps). */
export function explain(err) {
  if (err instanceof PlaygroundError) return { kind: err.kind, message: err.message };
  if (err instanceof LoadError) return { kind: "download", message: MESSAGES.download(err.file) };
  return { kind: "internal", message: MESSAGES.failed(String((err && err.message) || err)) };
}
