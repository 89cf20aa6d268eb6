/*
 * attnviz playground: predict, then look. Each task asks the reader to commit to a guess before the view is
 * shown, then grades it against the model's own numbers. Pure: node's tests import it.
 *
 *   strongest  which token will token q attend to most in layer l (the mean over the layer's heads)?
 *   previous   which head of layer l is a previous-token head (roles.js)?
 *   shuffle    will head (l, h) keep its choice by position when the words are shuffled (controls.js)?
 *
 * grade(task, guess) -> {correct, answer, explanation}: the explanation sets each number against its
 * baseline (an even spread over the T tokens gives 1/T).
 */
import { headRole, ROLE_NAMES } from "./roles.js";

const pct = (x) => `${(100 * x).toFixed(0)} %`;

/** Token q's attention in layer l, averaged over the layer's heads: an array of T weights. */
export function layerRow(attention, layer, q) {
  const [, H, T] = attention.dims;
  const out = new Array(T).fill(0);
  for (let h = 0; h < H; h++) {
    const start = ((layer * H + h) * T + q) * T;
    for (let j = 0; j < T; j++) out[j] += attention.data[start + j] / H;
  }
  return out;
}

/** Grade "which token will q attend to most in layer l": the guess is a token position. */
export function gradeStrongest(result, layer, q, guess) {
  const row = layerRow(result.attention, layer, q);
  const T = row.length;
  const H = result.attention.dims[1];
  const answer = row.indexOf(Math.max(...row));
  const name = (j) => `「${result.tokens[j]}」`;
  const explanation =
    `Layer ${layer} の ${H} ヘッドの平均で、${name(q)} がいちばん強く見ているのは ${name(answer)}（${pct(row[answer])}）です。` +
    `あなたの予想 ${name(guess)} は ${pct(row[guess])}。${T} トークンに均等に配れば 1 つあたり ${pct(1 / T)} です。`;
  return { correct: guess === answer, answer, explanation };
}

/** Grade "which head of layer l is a previous-token head": the guess is a head number. */
export function gradePrevious(result, layer, guess, special) {
  const [, H, T] = result.attention.dims;
  const roles = Array.from({ length: H }, (_, h) => headRole(result.attention, layer, h, result.tokens, special));
  const answers = roles.map((r, h) => (r.label === "previous" ? h : -1)).filter((h) => h >= 0);
  const best = roles.reduce((b, r, h) => (r.shares.previous > roles[b].shares.previous ? h : b), 0);
  const g = roles[guess];
  const explanation =
    (answers.length
      ? `Layer ${layer} で直前のトークンに半分より多く向くヘッドは ${answers.map((h) => `Head ${h}`).join("・")} です。`
      : `Layer ${layer} には直前のトークンに半分より多く向くヘッドはありません（いちばん多い Head ${best} で ${pct(roles[best].shares.previous)}）。`) +
    ` あなたの選んだ Head ${guess} は直前へ ${pct(g.shares.previous)}（${ROLE_NAMES[g.label]}）。均等なら 1 つの相手に ${pct(1 / T)} です。`;
  return { correct: answers.includes(guess), answer: answers.length ? answers : [best], explanation };
}

/** Grade "will this head keep its choice by position when shuffled": guess is true (position) or false. */
export function gradeShuffle(v, guess, explanation) {
  const byPosition = v.verdict === "position" || v.verdict === "special";
  const decided = v.verdict !== "both";
  return { correct: decided && guess === byPosition, answer: byPosition, explanation, decided };
}

const TALLY = "attnviz-predict-tally";

/** The reader's own tally of right guesses, kept in this browser only (localStorage). */
export function tally(storage, correct = null) {
  let t = { right: 0, total: 0 };
  try {
    t = { ...t, ...JSON.parse(storage.getItem(TALLY) || "{}") };
    if (correct !== null) {
      t = { right: t.right + (correct ? 1 : 0), total: t.total + 1 };
      storage.setItem(TALLY, JSON.stringify(t));
    }
  } catch {
    // storage refused (private mode, disabled): the tally lives only in this page
  }
  return t;
}
