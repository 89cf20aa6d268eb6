/*
 * attnviz playground: Japanese input. The in-browser model (like bert-base-uncased) learned English only:
 * its vocabulary holds single kana and some kanji, others become [UNK], and uncased BERT's accent stripping
 * takes the voicing marks off kana after Unicode NFD (ぜ → せ, だ → た). Pure: node's tests import it.
 */

const JAPANESE = /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u;

export const hasJapanese = (text) => JAPANESE.test(text || "");

/** What the reader is told before running a Japanese input. */
export const BEFORE =
  "日本語が含まれています。このモデルは英語の文章で学習したので、日本語は 1 文字ずつに分かれたり、" +
  "語彙にない字が [UNK]（未知のトークン）になったり、濁点が落ちたりします（ぜ → せ）。" +
  "それでも計算はできます。何が起きるかを見てみましょう。";

/** Which tokens to mark after a run: {unk: [positions], split: [positions of one-character pieces]}. */
export function marks(tokens, unk = "[UNK]") {
  const unkAt = [];
  const split = [];
  tokens.forEach((t, i) => {
    if (t === unk) unkAt.push(i);
    else if (hasJapanese(t) && [...t.replace(/^##/, "")].length === 1) split.push(i);
  });
  return { unk: unkAt, split };
}

/** The sentence after a run (Japanese), or "" when nothing is worth saying. */
export function after(tokens, unk = "[UNK]") {
  const { unk: u, split } = marks(tokens, unk);
  if (!u.length && !split.length) return "";
  const parts = [];
  if (u.length) parts.push(`[UNK] が ${u.length} 個（語彙にない字）`);
  if (split.length) parts.push(`1 文字ずつのトークンが ${split.length} 個`);
  return `${parts.join("、")}あります。英語で学習したモデルの語彙の限界です。`;
}
