/*
 * attnviz playground: the experiment bench (web/playground/bench.html), under a widget whose page asks for it.
 * Three modes, all computed in this browser with the widget's model:
 *   compare  sentence A against a second sentence: for one token, a layers × heads grid of how much its
 *            attention changed (compare.js: total variation over aligned tokens), and a clicked head's two head
 *            views side by side;
 *   control  sentence A against a control of it (controls.js: shuffled, nonsense words, other words): for
 *            every head, whether its choice follows the position or the word, and why, in one sentence;
 *   predict  three questions answered before looking, graded against the model's numbers (predict.js).
 * Every head square says the head's role on the current input (roles.js), in the widget's head view too.
 * Japanese input is announced before the run and its [UNK] and one-character tokens marked after it
 * (japanese.js). The share link carries the experiment (share.js).
 */
import { drawHeadView } from "./bertviz-dom.js";
import { alignTokens, changeGrid, firstDifferent } from "./compare.js";
import { explainVerdict, makeControl, units, VERDICT_NAMES, verdict } from "./controls.js";
import * as japanese from "./japanese.js";
import { PlaygroundError, checkInput, checkTokens, explain } from "./messages.js";
import { attend, encodeText, loadSession, loadTokenizer } from "./model.js";
import { gradePrevious, gradeShuffle, gradeStrongest, tally } from "./predict.js";
import { headRole, ROLE_NAMES } from "./roles.js";
import { parseHead } from "./share.js";

export const EXAMPLE = {
  a: "The animal didn't cross the street because it was too tired.",
  vs: "The animal didn't cross the street because it was too wide.",
  token: "it",
};
const TOP = 5;
const WINDOW = 24; // a head view of one head draws T² lines: a long input shows the tokens around the chosen one

/** Token positions a one-head view shows: every token of a short input, else [CLS], the window, the last [SEP]. */
export function around(T, i, half = WINDOW) {
  if (T <= 2 * half + 2) return [...Array(T).keys()];
  const start = Math.max(1, Math.min(i - half, T - 1 - 2 * half));
  return [0, ...Array.from({ length: 2 * half }, (_, k) => start + k), T - 1];
}
const pct = (x) => `${(100 * x).toFixed(0)} %`;

/** The model's weights for a sentence (pair): {a, b, tokens, sentenceBStart, attention, special}. */
export async function compute(a, b) {
  const session = loadSession(() => {});
  session.catch(() => {});
  const { facts } = await loadTokenizer();
  const encoding = await encodeText(a, b || null);
  checkTokens(encoding.ids.length, facts.max_tokens);
  await session;
  const attention = await attend(encoding);
  const special = { cls: facts.cls_token || "[CLS]", sep: facts.sep_token || "[SEP]" };
  return { a, b, tokens: encoding.tokens, sentenceBStart: encoding.sentenceBStart, attention, special, facts };
}

const roleText = (r) => `${ROLE_NAMES[r.label]}${r.label === "broad" || r.label === "mixed" ? "" : `（${pct(r.strength)}）`}`;

export class Bench {
  constructor(root, widget) {
    this.root = root;
    this.widget = widget;
    const $ = (s) => root.querySelector(s);
    this.el = {
      japanese: $(".attnviz-bench-japanese"),
      compare: $(".attnviz-bench-compare"),
      control: $(".attnviz-bench-control"),
      predict: $(".attnviz-bench-predict"),
      vs: $(".attnviz-bench-vs"),
      vsb: $(".attnviz-bench-vsb"),
      ctl: $(".attnviz-bench-ctl"),
      seed: $(".attnviz-bench-seed"),
      tasks: $(".attnviz-bench-tasks"),
      tally: $(".attnviz-bench-tally"),
      reveal: $(".attnviz-bench-reveal"),
      error: $(".attnviz-bench-error"),
      errorText: $(".attnviz-bench-error-text"),
      progress: $(".attnviz-bench-progress"),
      result: $(".attnviz-bench-result"),
      token: $(".attnviz-bench-token"),
      rule: $(".attnviz-bench-rule"),
      grid: $(".attnviz-bench-grid"),
      legend: $(".attnviz-bench-legend"),
      list: $(".attnviz-bench-list ol"),
      verdict: $(".attnviz-bench-verdict"),
      viewA: $(".attnviz-bench-view-a"),
      viewB: $(".attnviz-bench-view-b"),
      captionA: $(".attnviz-bench-caption-a"),
      captionB: $(".attnviz-bench-caption-b"),
    };
    this.mode = "compare";
    this.requests = 0;
    this.run = null; // the experiment on screen: {mode, first, second, ...}
    this.head = null; // {layer, head} chosen
    root.querySelectorAll("input[name=attnviz-bench-mode]").forEach((r) => r.addEventListener("change", () => this.setMode(r.value)));
    this.el.compare.addEventListener("submit", (e) => (e.preventDefault(), this.start("compare")));
    this.el.control.addEventListener("submit", (e) => (e.preventDefault(), this.start("control")));
    $(".attnviz-bench-example").addEventListener("click", () => this.example());
    this.el.token.addEventListener("change", () => this.show(Number(this.el.token.value)));
    for (const input of [widget.inputA, widget.inputB]) input.addEventListener("input", () => this.announceJapanese());
    widget.root.addEventListener("attnviz-playground-drawn", () => this.afterWidget());
    widget.head.addEventListener("change", (e) => e.target.id === "layer" && this.labelHeadSquares());
    widget.shareExtras = () => this.shareState();
    this.buildTasks();
    this.announceJapanese();
  }

  setMode(mode) {
    this.mode = mode;
    this.root.querySelector(`input[name=attnviz-bench-mode][value=${mode}]`).checked = true;
    this.el.compare.hidden = mode !== "compare";
    this.el.control.hidden = mode !== "control";
    this.el.predict.hidden = mode !== "predict";
    this.el.result.hidden = !this.run || this.run.mode !== mode;
  }

  /** A share link's experiment ({mode, vs, vsb, tok, head, ctl, seed}); the widget runs a and b itself. */
  fromUrl(state) {
    if (!state.mode || !["compare", "control", "predict"].includes(state.mode)) return;
    this.setMode(state.mode);
    if (state.vs) this.el.vs.value = state.vs;
    if (state.vsb) this.el.vsb.value = state.vsb;
    if (state.ctl) this.el.ctl.value = state.ctl;
    if (state.seed) this.el.seed.value = state.seed;
    this.pending = { tok: Number.isInteger(Number(state.tok)) ? Number(state.tok) : null, head: parseHead(state.head) };
    if (state.mode !== "predict") this.autoStart = state.mode;
  }

  shareState() {
    if (!this.run) return {};
    const r = this.run;
    const state = { mode: r.mode, tok: r.token };
    if (this.head) state.head = `${this.head.layer}.${this.head.head}`;
    if (r.mode === "compare") Object.assign(state, { vs: r.second.a, vsb: r.second.b || "" });
    if (r.mode === "control") Object.assign(state, { ctl: r.kind, seed: r.seed });
    return state;
  }

  example() {
    this.widget.inputA.value = EXAMPLE.a;
    this.widget.inputB.value = "";
    this.el.vs.value = EXAMPLE.vs;
    this.el.vsb.value = "";
    this.pending = { token: EXAMPLE.token };
    this.start("compare");
  }

  // --- running ----------------------------------------------------------------------------------------------

  async start(mode) {
    const request = ++this.requests;
    const stale = () => request !== this.requests;
    const started = performance.now();
    this.el.error.hidden = true;
    this.el.progress.hidden = false;
    this.el.progress.textContent = "計算中…";
    try {
      const { a, b } = checkInput(this.widget.inputA.value, this.widget.inputB.value);
      const first = await this.first(a, b);
      if (stale()) return;
      let run;
      if (mode === "compare") {
        if (!this.el.vs.value.trim()) throw new PlaygroundError("empty", "比べる文を入れてください（文 A と比べます）。");
        const vs = checkInput(this.el.vs.value, this.el.vsb.value);
        const second = await compute(vs.a, vs.b);
        run = { mode, first, second, pairs: alignTokens(first.tokens, second.tokens) };
        run.token = this.pickToken(first, () => firstDifferent(first.tokens, second.tokens, run.pairs));

      } else if (mode === "control") {
        const kind = this.el.ctl.value;
        const seed = Math.max(1, Math.floor(Number(this.el.seed.value) || 1));
        const made = makeControl(kind, first.tokens, seed, first.special);
        const second = await compute(made.a, first.b);
        first.units = units(first.tokens, first.special);
        second.units = units(second.tokens, second.special);
        if (first.units.length !== second.units.length) {
          throw new PlaygroundError("control", "この文では対照の単語の数がそろいませんでした。別の文かシードで試してください。");
        }
        run = { mode, first, second, kind, seed, made };
        run.token = this.pickToken(first, () => first.units.find((u) => u.kind === "word")?.tokens[0] ?? 1);
      }
      if (stale()) return;
      const computed = performance.now();
      this.run = run;
      this.el.progress.hidden = true;
      this.fillTokens(first.tokens, run.token);
      await this.show(run.token, this.pending && this.pending.head);
      this.pending = null;
      run.timings = { compute: computed - started, draw: performance.now() - computed };
      this.widget.updateShare(a, b);
      if (mode === "compare") {
        // then a shuffled control of sentence A (seed 1), after the grid is on screen: does each changed head
        // read position or the word? (the list and the verdict line gain a sentence each)
        const made = makeControl("shuffle", first.tokens, 1, first.special);
        const shuffled = await compute(made.a, first.b);
        if (stale()) return;
        first.units = units(first.tokens, first.special);
        shuffled.units = units(shuffled.tokens, shuffled.special);
        if (first.units.length === shuffled.units.length) {
          run.shuffle = { made, second: shuffled };
          this.show(run.token, this.head, false);
        }
      }
    } catch (err) {
      if (stale()) return;
      this.el.progress.hidden = true;
      this.showError(err);
    }
  }

  /** Sentence A's weights: the widget's, when it has drawn these sentences, else computed here. */
  async first(a, b) {
    const last = this.widget.last;
    if (last && last.a === a && (last.b || null) === (b || null)) {
      const { facts } = await loadTokenizer();
      return { ...last, special: { cls: facts.cls_token || "[CLS]", sep: facts.sep_token || "[SEP]" }, facts };
    }
    return compute(a, b);
  }

  pickToken(first, fallback) {
    const p = this.pending || {};
    if (Number.isInteger(p.tok) && p.tok >= 0 && p.tok < first.tokens.length) return p.tok;
    if (p.token) {
      const at = first.tokens.indexOf(p.token);
      if (at >= 0) return at;
    }
    const chosen = fallback();
    return chosen === null || chosen === undefined ? 1 : chosen;
  }

  showError(err) {
    const explained = explain(err);
    this.el.errorText.textContent = explained.message;
    const detail = this.el.error.querySelector(".attnviz-pg-error-detail");
    detail.hidden = !explained.detail;
    detail.querySelector("code").textContent = explained.detail || "";
    this.el.error.hidden = false;
  }

  fillTokens(tokens, chosen) {
    this.el.token.replaceChildren(...tokens.map((t, i) => new Option(`${i}: ${t}`, String(i))));
    this.el.token.value = String(chosen);
  }

  // --- the grid -------------------------------------------------------------------------------------------

  /** Draw the grid for token i, and the pair of head views for `head` (or the top one). */
  show(i, head = null, redraw = true) {
    const r = this.run;
    if (!r) return;
    r.token = i;
    const { first, second } = r;
    const [L, H] = first.attention.dims;
    const cells = [];
    let ranked;
    if (r.mode === "compare") {
      const change = changeGrid(first.attention, second.attention, r.pairs, i);
      if (!change) {
        this.el.rule.textContent = `「${first.tokens[i]}」は比べる文に対応するトークンがありません。ほかのトークンを選んでください。`;
        this.el.grid.replaceChildren();
        return;
      }
      r.partner = change.partner;
      r.grid = change.grid;
      this.el.rule.textContent =
        `「${first.tokens[i]}」（文 A）と「${second.tokens[change.partner]}」（比べる文）の Attention の違いを、両方にあるトークンの上で測った全変動距離（0 = 同じ配分、1 = まったく重ならない）で色にしました。濃いほど変わったヘッドです。`;
      ranked = change.ranked;
      r.verdicts = null;
      if (r.shuffle) {
        const fu = first.units;
        const q = fu.findIndex((u) => u.tokens.includes(i));
        const names = { original: fu.map((u) => `「${u.text}」`), control: r.shuffle.second.units.map((u) => `「${u.text}」`) };
        r.verdicts = Array.from({ length: L }, (_, l) =>
          Array.from({ length: H }, (_, h) => {
            const v = verdict("shuffle", first, r.shuffle.second, l, h, q, r.shuffle.made);
            v.text = explainVerdict("shuffle", v, names);
            return v;
          }),
        );
      }
      for (let l = 0; l < L; l++)
        for (let h = 0; h < H; h++) cells.push({ l, h, value: change.grid[l][h], text: `変化 ${change.grid[l][h].toFixed(2)}` });
      this.el.legend.textContent = "色の濃さ：変化の大きさ（全変動距離、0〜1）";
    } else {
      const fu = first.units;
      const q = fu.findIndex((u) => u.tokens.includes(i));
      r.unit = q;
      const names = { original: fu.map((u) => `「${u.text}」`), control: second.units.map((u) => `「${u.text}」`) };
      r.verdicts = [];
      for (let l = 0; l < L; l++) {
        const line = [];
        for (let h = 0; h < H; h++) {
          const v = verdict(r.kind, first, second, l, h, q, r.made);
          v.text = explainVerdict(r.kind, v, names);
          line.push(v);
          cells.push({ l, h, verdict: v.verdict, text: VERDICT_NAMES[v.verdict] });
        }
        r.verdicts.push(line);
      }
      const counts = {};
      cells.forEach((c) => (counts[c.verdict] = (counts[c.verdict] || 0) + 1));
      this.el.rule.textContent =
        `対照の文：「${r.made.a}」。各ヘッドで「${fu[q].text}」がいちばん強く見る単語を、元の文と対照で比べます。` +
        (r.kind === "shuffle"
          ? "同じ相対位置の語を選べば「位置」、移った同じ単語を追えば「単語」です。"
          : "語が入れ替わったのに同じ場所を選べば「位置」、相手が変われば「単語」です。");
      this.el.legend.textContent = Object.entries(counts)
        .map(([k, n]) => `${VERDICT_NAMES[k]}（${k}）${n}`)
        .join("・");
      ranked = cells.map((c) => ({ layer: c.l, head: c.h, verdict: c.verdict }));
    }
    const buttons = cells.map((c) => {
      const role = headRole(first.attention, c.l, c.h, first.tokens, first.special);
      const b = document.createElement("button");
      b.type = "button";
      b.className = "attnviz-bench-cell";
      b.dataset.layer = c.l;
      b.dataset.head = c.h;
      b.dataset.role = role.label;
      if (c.verdict) b.dataset.verdict = c.verdict;
      else b.style.setProperty("--attnviz-change", c.value.toFixed(3));
      b.textContent = c.value !== undefined ? c.value.toFixed(2).replace(/^0/, "") : VERDICT_NAMES[c.verdict].slice(0, 2);
      const label = `Layer ${c.l}・Head ${c.h}：${c.text}。役割：${roleText(role)}`;
      b.setAttribute("aria-label", label);
      b.title = label;
      b.addEventListener("click", () => this.pick(c.l, c.h));
      return b;
    });
    const header = [document.createElement("span")];
    for (let h = 0; h < H; h++) {
      const s = document.createElement("span");
      s.className = "attnviz-bench-axis";
      s.textContent = `H${h}`;
      header.push(s);
    }
    const rows = [];
    for (let l = 0; l < L; l++) {
      const s = document.createElement("span");
      s.className = "attnviz-bench-axis";
      s.textContent = `L${l}`;
      rows.push(s, ...buttons.slice(l * H, (l + 1) * H));
    }
    const focused = this.el.grid.contains(document.activeElement) ? document.activeElement.dataset : null;
    this.el.grid.style.setProperty("--attnviz-heads", H);
    this.el.grid.replaceChildren(...header, ...rows);
    if (focused) buttons.find((b) => b.dataset.layer === focused.layer && b.dataset.head === focused.head)?.focus();
    this.el.list.replaceChildren(
      ...(r.mode === "compare" ? ranked.slice(0, TOP) : ranked.filter((x) => x.verdict === "position" || x.verdict === "word").slice(0, 2 * TOP)).map((x) => {
        const li = document.createElement("li");
        const role = headRole(first.attention, x.layer, x.head, first.tokens, first.special);
        li.textContent =
          r.mode === "compare"
            ? `Layer ${x.layer}・Head ${x.head}：変化 ${x.tv.toFixed(2)}（${roleText(role)}）` +
              (r.verdicts ? `。語順を入れ替えた対照では${VERDICT_NAMES[r.verdicts[x.layer][x.head].verdict]}：${r.verdicts[x.layer][x.head].text}` : "")
            : `Layer ${x.layer}・Head ${x.head}：${VERDICT_NAMES[x.verdict]}（${roleText(role)}）— ${r.verdicts[x.layer][x.head].text}`;
        return li;
      }),
    );
    this.el.result.hidden = false;
    const pick = head && head.layer < L && head.head < H ? head : { layer: ranked[0].layer, head: ranked[0].head };
    return this.pick(pick.layer, pick.head, redraw);
  }

  /** One head: its two head views side by side (aligned: the same token chosen in both) and its verdict. */
  async pick(layer, head, redraw = true) {
    const r = this.run;
    this.head = { layer, head };
    this.el.grid.querySelectorAll(".attnviz-bench-cell").forEach((b) => {
      b.setAttribute("aria-pressed", String(Number(b.dataset.layer) === layer && Number(b.dataset.head) === head));
    });
    const role = headRole(r.first.attention, layer, head, r.first.tokens, r.first.special);
    const roleB = headRole(r.second.attention, layer, head, r.second.tokens, r.second.special);
    this.el.captionA.textContent = `文 A：Layer ${layer}・Head ${head}（${roleText(role)}）`;
    this.el.captionB.textContent = `${r.mode === "compare" ? "比べる文" : "対照"}：Layer ${layer}・Head ${head}（${roleText(roleB)}）`;
    this.el.verdict.textContent = r.verdicts
      ? `Layer ${layer}・Head ${head}${r.mode === "compare" ? "（語順を入れ替えた対照で）" : ""}：${r.verdicts[layer][head].text}`
      : "";
    this.el.grid.dataset.ready = r.mode === "compare" ? String(Boolean(r.shuffle)) : "true";
    if (!redraw) return;
    const other = r.mode === "compare" ? r.partner : r.second.units[r.made.map[r.unit]].tokens[0];
    const shownA = around(r.first.tokens.length, r.token);
    const shownB = around(r.second.tokens.length, other);
    await Promise.all([
      drawHeadView(this.el.viewA, r.first, shownA, layer, "0", [head]),
      drawHeadView(this.el.viewB, r.second, shownB, layer, "0", [head]),
    ]);
    this.hover(this.el.viewA, shownA.indexOf(r.token));
    this.hover(this.el.viewB, shownB.indexOf(other));
    if (this.widget.last) this.widget.updateShare(this.widget.last.a, this.widget.last.b);
  }

  /** Show one token's lines in a drawn head view (as hovering it does). */
  hover(container, i) {
    const group = container.querySelectorAll("svg #left > g:not(.attentionBoxes) > g")[i];
    if (group) group.dispatchEvent(new MouseEvent("mouseover", { bubbles: true }));
  }

  // --- the widget's own view: roles, Japanese -------------------------------------------------------------

  afterWidget() {
    this.labelHeadSquares();
    this.markJapanese();
    if (this.autoStart) {
      const mode = this.autoStart;
      this.autoStart = null;
      this.start(mode);
    }
  }

  /** Every head square of the widget's head view says the head's role on this input, in the layer shown. */
  labelHeadSquares() {
    const last = this.widget.last;
    if (!last) return;
    const select = this.widget.head.querySelector("#layer");
    const layer = select ? Number(select.value) : 0;
    const special = { cls: "[CLS]", sep: "[SEP]" };
    this.widget.head.querySelectorAll("[role=checkbox]").forEach((square, h) => {
      const role = headRole(last.attention, layer, h, last.tokens, special);
      square.dataset.role = role.label;
      square.setAttribute("aria-label", `Head ${h}・${roleText(role)}（Enter で表示を切り替え、Shift+Enter でこのヘッドだけ）`);
      let title = square.querySelector("title");
      if (!title) title = square.appendChild(document.createElementNS("http://www.w3.org/2000/svg", "title"));
      title.textContent = `Layer ${layer}・Head ${h}：${roleText(role)}`;
    });
  }

  announceJapanese() {
    const typed = `${this.widget.inputA.value} ${this.widget.inputB.value}`;
    this.el.japanese.hidden = !japanese.hasJapanese(typed);
    if (!this.el.japanese.hidden) this.el.japanese.textContent = japanese.BEFORE;
  }

  markJapanese() {
    const last = this.widget.last;
    if (!last || !japanese.hasJapanese(`${last.a} ${last.b || ""}`)) return;
    const { unk, split } = japanese.marks(last.tokens);
    const texts = this.widget.head.querySelectorAll("svg #left text, svg #right text");
    const byText = (set) => new Set([...set].map((i) => last.tokens[i]));
    const unkTexts = byText(unk);
    const splitTexts = byText(split);
    texts.forEach((t) => {
      if (unkTexts.has(t.textContent)) t.classList.add("attnviz-bench-unk");
      else if (splitTexts.has(t.textContent)) t.classList.add("attnviz-bench-split");
    });
    const note = japanese.after(last.tokens);
    if (note) {
      const link = this.widget.root.dataset.japaneseHref;
      this.el.japanese.hidden = false;
      this.el.japanese.replaceChildren(note + " 赤字：[UNK]、下線：1 文字のトークン。");
      if (link) {
        const a = document.createElement("a");
        a.href = link;
        a.textContent = "なぜこうなるか（教材の説明）";
        this.el.japanese.append(" ", a);
      }
    }
  }

  // --- predict, then look ---------------------------------------------------------------------------------

  buildTasks() {
    // the model's shape, as the page was built with it (the widget's data-layers / data-heads)
    const layers = Number(this.widget.root.dataset.layers) || 12;
    const heads = Number(this.widget.root.dataset.heads) || 12;
    const tasks = [
      {
        id: "strongest",
        text: `Layer ${layers - 1}（最後の層）で、文 A の「it」（なければ最初の単語）がいちばん強く見るトークンはどれ？（${heads} ヘッドの平均）`,
        label: "予想するトークン",
        options: [], // sentence A's tokens, filled when the reader first asks (fillGuessTokens)
      },
      {
        id: "previous",
        text: "Layer 0 で、直前のトークンを見るヘッド（役割「直前のトークンを見る」）はどれ？",
        label: "予想するヘッド",
        options: Array.from({ length: heads }, (_, h) => [`Head ${h}`, String(h)]),
      },
      {
        id: "shuffle",
        text: "Layer 0・Head 0 は、語順を入れ替えても（シード 1）、「it」（なければ最初の単語）について同じ位置を選び続ける？",
        label: "予想",
        options: [
          ["はい：位置で選ぶ", "yes"],
          ["いいえ：単語を追う", "no"],
        ],
      },
    ];
    this.el.tasks.replaceChildren(
      ...tasks.map((t) => {
        const li = document.createElement("li");
        li.dataset.task = t.id;
        const p = document.createElement("p");
        p.textContent = t.text;
        const guess = document.createElement("select");
        guess.className = "attnviz-bench-guess";
        guess.setAttribute("aria-label", t.label);
        guess.replaceChildren(...t.options.map(([text, value]) => new Option(text, value)));
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = "答え合わせ";
        const answer = document.createElement("p");
        answer.className = "attnviz-bench-answer";
        answer.setAttribute("aria-live", "polite");
        button.addEventListener("click", () => this.grade(t.id, guess, answer));
        li.append(p, guess, " ", button, answer);
        return li;
      }),
    );
    this.showTally(tally(safeStorage()));
  }

  showTally(t) {
    this.el.tally.textContent = t.total ? `これまでの正解：${t.total} 問中 ${t.right} 問（このブラウザにだけ記録）` : "";
  }

  /** Fill the token choices of the "strongest" task from sentence A's tokens. */
  async fillGuessTokens(first) {
    const select = this.el.tasks.querySelector("[data-task=strongest] select");
    if (select.dataset.for === first.a) return;
    select.dataset.for = first.a;
    select.replaceChildren(...first.tokens.map((t, i) => new Option(`${i}: ${t}`, String(i))));
  }

  async grade(id, guess, answer) {
    try {
      const { a, b } = checkInput(this.widget.inputA.value, this.widget.inputB.value);
      const first = await this.first(a, b);
      const q = Math.max(1, first.tokens.indexOf("it"));
      const [L] = first.attention.dims;
      let graded;
      if (id === "strongest") {
        await this.fillGuessTokens(first);
        if (guess.dataset.for !== first.a || guess.value === "") {
          answer.textContent = "選択肢を文 A のトークンにしました。予想を選んでから、もう一度押してください。";
          return;
        }
        graded = gradeStrongest(first, L - 1, q, Number(guess.value));
        const shown = around(first.tokens.length, q);
        await drawHeadView(this.el.reveal, first, shown, L - 1, "0");
        this.hover(this.el.reveal, shown.indexOf(q));
      } else if (id === "previous") {
        graded = gradePrevious(first, 0, Number(guess.value), first.special);
        await drawHeadView(this.el.reveal, first, around(first.tokens.length, q), 0, "0", [Number(guess.value)]);
      } else {
        const made = makeControl("shuffle", first.tokens, 1, first.special);
        const second = await compute(made.a, first.b);
        first.units = units(first.tokens, first.special);
        second.units = units(second.tokens, second.special);
        const unit = first.units.findIndex((u) => u.tokens.includes(q));
        const v = verdict("shuffle", first, second, 0, 0, unit, made);
        const names = { original: first.units.map((u) => `「${u.text}」`), control: second.units.map((u) => `「${u.text}」`) };
        graded = gradeShuffle(v, guess.value === "yes", `並べ替えた文：「${made.a}」。${explainVerdict("shuffle", v, names)}`);
        if (!graded.decided) graded.explanation += "（この文ではどちらとも判定できないので、採点しません。）";
      }
      const decided = graded.decided !== false;
      answer.textContent = `${decided ? (graded.correct ? "正解。" : "不正解。") : ""}${graded.explanation}`;
      answer.dataset.correct = decided ? String(graded.correct) : "undecided";
      if (decided) this.showTally(tally(safeStorage(), graded.correct));
    } catch (err) {
      this.showError(err);
    }
  }
}

function safeStorage() {
  try {
    return window.localStorage;
  } catch {
    return { getItem: () => null, setItem: () => {} };
  }
}
