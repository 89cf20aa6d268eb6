/*
 * attnviz playground: one widget (web/playground/widget.html): sentence A, an optional sentence B, a button;
 * its state (data-state: idle, loading, computing, drawn, error), progress, error messages, the share link,
 * and the drawing budget's controls (budget.js).
 *
 * The latest request wins: every press (or Enter) starts a new request, also while the model downloads or
 * runs; an older one that finishes later is dropped, so what is drawn is always the newest sentence. The
 * button never disables (a disabled button would drop Enter and the keyboard focus). An error clears the
 * view, the status and the share link of the sentence before.
 *
 * Typed text only ever reaches the page as text (input values, d3's .text(), textContent): never as markup
 * or code.
 */
import { DrawRate, headLines, headWindow, modelLayers, WHOLE_MODEL_TOKENS } from "./budget.js";
import { drawHeadView, drawModelView, warmUp } from "./bertviz-dom.js";
import { BUDGET, MESSAGES, PlaygroundError, checkInput, checkTokens, explain, hasWebAssembly } from "./messages.js";
import { loadBertviz } from "../bertviz.js";
import { attend, embed, encodeText, forget, kept, keptAll, loadSession, loadTokenizer, prepareOffline, progress } from "./model.js";
import { readableQuery } from "./share.js";

function formatMB(bytes) {
  return (bytes / 1e6).toFixed(1);
}

// How much this browser may draw at once (one per page: every widget draws with the same browser).
const rate = new DrawRate();
const GROWTH_STEPS = 4; // a long input's first window grows at most this many times, twofold each

const headsOf = (result) => result.attention.dims[1];
const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

const made = new WeakMap(); // root -> its Playground
const started = new WeakSet(); // documents whose address was read

/**
 * The page's widgets, made once per page however often the entry module is imported (Sphinx may add a ?v=
 * query to its address, so an import without it is a second instance of playground.js, not of this module).
 * shared: the sentences of the page's address ({a, b}: a share link); the first widget that shares itself
 * (data-share="self") runs them at once.
 */
export function pageWidgets(doc, shared = { a: null, b: null }, attach = null) {
  const widgets = [...doc.querySelectorAll("[data-attnviz-playground]")].map((root) => {
    if (!made.has(root)) made.set(root, new Playground(root));
    return made.get(root);
  });
  if (attach) widgets.forEach(attach); // before a shared link runs: what is attached hears its first draw
  if (!started.has(doc)) {
    started.add(doc);
    widgets.find((w) => w.root.dataset.share === "self" && w.fromUrl(shared));
  }
  return widgets;
}

export class Playground {
  static prepared = false; // the page loaded what runs offline (once per page)

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
    this.budget = $(".attnviz-pg-budget");
    this.budgetText = $(".attnviz-pg-budget-text");
    this.budgetWindow = $(".attnviz-pg-budget-window");
    this.prev = $(".attnviz-pg-prev");
    this.next = $(".attnviz-pg-next");
    this.start = $(".attnviz-pg-start");
    this.head = $(".attnviz-pg-head");
    this.modelDetails = $(".attnviz-pg-model-details");
    this.modelNote = $(".attnviz-pg-model-note");
    this.modelPick = $(".attnviz-pg-model-pick");
    this.modelLayers = $(".attnviz-pg-model-layers");
    this.modelError = $(".attnviz-pg-model-error");
    this.model = $(".attnviz-pg-model");
    this.keptText = $(".attnviz-pg-kept-text");
    this.forgetButton = $(".attnviz-pg-forget");
    this.forgetButton.addEventListener("click", () => this.forget());
    this.requests = 0; // the number of the latest request: an older one stops at its next step
    this.last = null;
    this.shown = null; // what the head view shows now: budget.js's headWindow()
    this.modelDrawnFor = null;
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.run();
    });
    this.retryButton.addEventListener("click", () => this.run());
    this.modelDetails.addEventListener("toggle", () => this.drawModelIfOpen());
    this.prev.addEventListener("click", () => this.moveWindow(-1));
    this.next.addEventListener("click", () => this.moveWindow(+1));
    this.start.addEventListener("input", () => this.describeWindow(+this.start.value));
    this.start.addEventListener("change", () => this.redrawHead(+this.start.value));
    this.modelLayers.addEventListener("change", () => this.drawModelIfOpen(true));
    $(".attnviz-pg-model-retry").addEventListener("click", () => this.drawModelIfOpen(true));
    root.dataset.state = "idle";
    this.showKept();
  }

  /** Say how much this browser keeps (Cache Storage), and offer to delete it. */
  async showKept() {
    let now;
    try {
      now = await kept();
    } catch {
      return; // no Cache Storage here: nothing is kept, the text above still holds for this visit
    }
    this.keptText.textContent = now.entries
      ? `いまこのブラウザに保存しているのは ${now.entries} ファイル、${formatMB(now.bytes)} MB です。`
      : "いまこのブラウザに保存しているファイルはありません。";
    this.forgetButton.hidden = !now.entries;
    this.root.dataset.kept = String(now.bytes);
    if (now.entries && !Playground.prepared) {
      // a returning reader: the few scripts the kept files do not cover (the model's thread, BERTviz) load
      // now, while the page is online, so that the widget still runs if the network drops later
      Playground.prepared = true;
      const idle = globalThis.requestIdleCallback || ((f) => setTimeout(f, 200));
      idle(() => {
        Promise.all([prepareOffline(), loadBertviz("head"), loadBertviz("model")]).then(
          () => (this.root.dataset.offline = "ready"),
          () => {}, // offline already: the click will say what did not load
        );
      });
    }
  }

  async forget() {
    await forget();
    await this.showKept();
    this.runButton.focus();
  }

  /** Fill the inputs from a share link's ?a=…&b=… ({a, b}) and run at once: a shared link shows its view. */
  fromUrl({ a, b }) {
    if (a === null || a === undefined) return false;
    this.inputA.value = a;
    this.inputB.value = b || "";
    this.run();
    return true;
  }

  setState(state) {
    this.root.dataset.state = state;
  }

  /** Fill an error box (explain()'s answer): the plain message, and what the browser said folded under 詳細. */
  static fillError(box, textEl, explained) {
    textEl.textContent = explained.message;
    const detail = box.querySelector(".attnviz-pg-error-detail");
    detail.hidden = !explained.detail;
    detail.open = false;
    detail.querySelector("code").textContent = explained.detail || "";
    box.dataset.kind = explained.kind;
    if (explained.part) box.dataset.part = explained.part;
    else delete box.dataset.part;
    box.hidden = false;
  }

  showError(err) {
    const explained = explain(err);
    const { kind } = explained;
    Playground.fillError(this.error, this.error.querySelector(".attnviz-pg-error-text"), explained);
    this.clearView();
    this.retryButton.hidden = kind !== "download";
    this.progress.hidden = true;
    this.setState("error");
    if (kind === "internal") console.error(err); // eslint-disable-line no-console
  }

  hideError() {
    this.error.hidden = true;
    if (!this.retryButton.hidden && document.activeElement === this.retryButton) this.runButton.focus();
    this.retryButton.hidden = true;
  }

  /** Nothing of an earlier sentence stays: no view, no status, no share link (nor one in the address). */
  clearView() {
    this.last = null;
    this.shown = null;
    this.modelDrawnFor = null;
    this.result.hidden = true;
    delete this.result.dataset.stale;
    this.status.textContent = "";
    this.shareLink.removeAttribute("href");
    this.shareLink.textContent = "";
    this.budget.hidden = true;
    this.head.replaceChildren();
    this.model.replaceChildren();
    this.modelError.hidden = true;
    if (this.root.dataset.share === "self" && window.location.search) {
      const url = new URL(window.location.href);
      url.search = "";
      window.history.replaceState(null, "", url.href);
    }
  }

  /** The progress line: one count over every file the first use downloads, naming the one downloading. */
  onProgress({ received, total, label }) {
    if (this.root.dataset.state !== "loading" || !total) return;
    this.progress.hidden = false;
    this.progressBar.max = total;
    this.progressBar.value = Math.min(received, total);
    const what = label ? `${label}を読み込み中…` : "読み込み中…";
    this.progressText.textContent = `${what} ${formatMB(received)} / ${formatMB(total)} MB`;
  }

  async run() {
    const request = ++this.requests;
    const stale = () => request !== this.requests;
    const started = performance.now();
    this.hideError();
    if (this.last) {
      // the view on screen is the earlier sentence's until the new one is drawn: say so
      this.result.dataset.stale = "true";
      this.status.textContent = "（この図と共有用リンクは前の文のものです。新しい文を計算しています…）";
    }
    try {
      const { a, b } = checkInput(this.inputA.value, this.inputB.value);
      if (!hasWebAssembly()) throw new PlaygroundError("nowasm", MESSAGES.noWasm);
      this.setState("loading");
      this.progress.hidden = false;
      this.progressText.textContent = "読み込みの準備中…";
      progress.onChange = (p) => this.onProgress(p);
      // the model downloads and its session starts while the tokenizer loads and the input is checked
      const session = loadSession();
      session.catch(() => {}); // awaited below, unless the input fails its checks or a newer request wins
      const { facts } = await loadTokenizer();
      if (stale()) return;
      const tStart = performance.now();
      const encoding = await encodeText(a, b || null);
      if (stale()) return;
      const tokenizeMs = performance.now() - tStart;
      checkTokens(encoding.ids.length, facts.max_tokens);
      const rows = embed(encoding.ids); // the rows of these tokens: a few chunks, downloaded once
      rows.catch(() => {});
      // BERTviz's head view loads, and runs once off screen, while the model loads and runs (a failure is
      // reported as BERTviz's, before drawing)
      const viewer = warmUp(facts.heads);
      viewer.catch(() => {}); // awaited below, unless a newer request wins first
      await session;
      const embeds = await rows;
      if (stale()) return;
      const loadedAt = performance.now();
      this.progressText.textContent = "計算中…";
      this.setState("computing");
      const attention = await attend(encoding, embeds);
      if (stale()) return;
      const inferenceMs = performance.now() - loadedAt;
      const result = {
        a,
        b,
        ids: encoding.ids,
        tokens: encoding.tokens,
        tokenTypeIds: encoding.tokenTypeIds,
        sentenceBStart: encoding.sentenceBStart,
        attention,
      };
      const drawStart = performance.now();
      await viewer;
      if (stale()) return;
      this.result.hidden = false;
      await this.drawHead(result, 1, {});
      // a long input starts with a small window, grown (a task per draw) while this browser draws fast enough
      for (let step = 0; step < GROWTH_STEPS && this.shown && !this.shown.whole; step++) {
        const wider = headWindow(result.tokens.length, result.sentenceBStart, headsOf(result), rate.lines(), 1);
        if (wider.positions.length <= this.shown.positions.length) break;
        await nextFrame();
        if (stale()) return;
        await this.drawHead(result, this.shown.start, this.headChoices());
      }
      if (stale()) return;
      const drawMs = performance.now() - drawStart;
      this.progress.hidden = true;
      this.last = {
        ...result,
        timings: {
          started, // on the page's clock (performance.now())
          total: performance.now() - started,
          load: loadedAt - started - tokenizeMs,
          tokenize: tokenizeMs,
          inference: inferenceMs,
          draw: drawMs,
        },
      };
      delete this.result.dataset.stale;
      this.modelDrawnFor = null;
      this.drawModelIfOpen();
      this.status.textContent =
        `${facts.name}（${facts.layers} 層 × ${facts.heads} ヘッド）がこのブラウザの中で計算しました：` +
        `${encoding.ids.length} トークン、推論 ${Math.round(inferenceMs)} ms。`;
      this.updateShare(a, b);
      this.setState("drawn");
      keptAll().then(() => this.showKept());
      this.root.dispatchEvent(new CustomEvent("attnviz-playground-drawn", { detail: this.last }));
    } catch (err) {
      if (!stale()) this.showError(err);
    }
  }

  // --- the head view within the budget ---------------------------------------------------------------------

  /**
   * Draw the head view of `result`: all of it if it fits the budget, else the window from `start`; with the
   * reader's choices of BERTviz's layer and sentence filter ({layer, filter}, see headChoices).
   */
  async drawHead(result, start, { layer = null, filter = "0" }) {
    const shown = headWindow(result.tokens.length, result.sentenceBStart, headsOf(result), rate.lines(), start);
    const drawn = await drawHeadView(this.head, result, shown.positions, layer, filter);
    if (!drawn) return null; // a newer draw replaced this one
    rate.record(drawn.lines, drawn.ms);
    this.shown = shown;
    this.showBudget(result, shown);
    return drawn;
  }

  showBudget(result, shown) {
    this.budget.hidden = shown.whole;
    if (shown.whole) return;
    const [, heads] = result.attention.dims;
    this.budgetText.textContent = BUDGET.intro(shown.count, headLines(shown.count, heads), heads) + BUDGET.honest;
    const last = shown.count - 1 - shown.size; // the last start that keeps the window inside the sentence
    this.start.max = String(last);
    this.start.value = String(shown.start);
    this.start.setAttribute("aria-valuetext", `${shown.start}〜${shown.start + shown.size - 1} 番`);
    this.prev.disabled = shown.start <= 1;
    this.next.disabled = shown.start >= last;
    this.describeWindow(shown.start);
  }

  describeWindow(start) {
    if (!this.shown) return;
    const { size, count } = this.shown;
    this.budgetWindow.textContent = BUDGET.window(start, start + size - 1, count);
  }

  /** The head view's layer and sentence filter now (BERTviz's own selects), kept when the window moves. */
  headChoices() {
    const layer = this.head.querySelector("#layer");
    const filter = this.head.querySelector("#filter");
    return {
      layer: layer && layer.value !== "" ? +layer.value : null,
      filter: filter ? filter.value : "0",
    };
  }

  async redrawHead(start) {
    // only a drawn view moves (while a newer sentence is computed, the view on screen is the older one's)
    if (!this.last || this.root.dataset.state !== "drawn") return;
    const result = this.last;
    try {
      await this.drawHead(result, start, this.headChoices());
      if (this.last !== result) return;
      this.modelDrawnFor = null;
      this.drawModelIfOpen();
    } catch (err) {
      if (this.last === result) this.showError(err);
    }
  }

  moveWindow(direction) {
    if (!this.shown || this.shown.whole) return;
    const focused = document.activeElement;
    this.redrawHead(this.shown.start + direction * this.shown.size).then(() => {
      // a button that just disabled (the window reached an end) would drop the focus: keep it on the slider
      if (focused && focused.disabled) this.start.focus();
    });
  }

  // --- the model view within the budget --------------------------------------------------------------------

  async drawModelIfOpen(force = false) {
    const result = this.last;
    if (!this.modelDetails.open || !result || (!force && this.modelDrawnFor === result)) return;
    this.modelDrawnFor = result;
    const [layers, heads] = result.attention.dims;
    const positions = this.shown ? this.shown.positions : null;
    const tokens = positions ? positions.length : result.tokens.length;
    const short = (!this.shown || this.shown.whole) && tokens <= WHOLE_MODEL_TOKENS;
    const chosen = this.modelPick.hidden ? layers - 1 : +this.modelLayers.value;
    const lines = short ? Infinity : rate.lines();
    const plan = modelLayers(layers, heads, tokens, lines, Number.isFinite(chosen) ? chosen : layers - 1);
    this.showModelPlan(plan, layers);
    this.modelError.hidden = true;
    try {
      const drawn = await drawModelView(this.model, result, plan.layers, positions);
      if (drawn) rate.record(drawn.lines, drawn.ms);
    } catch (err) {
      if (this.last !== result) return;
      this.modelDrawnFor = null;
      const explained = explain(err);
      const { kind, part } = explained;
      explained.message = kind === "download" ? MESSAGES.modelView(part) : MESSAGES.modelViewFailed;
      Playground.fillError(this.modelError, this.modelError.querySelector(".attnviz-pg-model-error-text"), explained);
      if (kind === "internal") console.error(err); // eslint-disable-line no-console
    }
  }

  showModelPlan(plan, layers) {
    this.modelNote.hidden = plan.whole;
    this.modelPick.hidden = plan.whole;
    if (plan.whole) return;
    const first = plan.layers[0];
    const last = plan.layers[plan.layers.length - 1];
    this.modelNote.textContent = BUDGET.modelSome(layers, first, last);
    const options = plan.groups.map(([a, b]) => [String(b), a === b ? `Layer ${a}` : `Layer ${a}〜${b}`]);
    const same =
      this.modelLayers.options.length === options.length &&
      options.every(([value], i) => this.modelLayers.options[i].value === value);
    if (!same) this.modelLayers.replaceChildren(...options.map(([value, text]) => new Option(text, value)));
    this.modelLayers.value = String(last);
  }

  /** The share link (and, on a page that shares itself, the address): readable, Japanese unescaped (share.js). */
  updateShare(a, b) {
    const search = readableQuery({ a, b, ...(this.shareExtras ? this.shareExtras() : {}) });
    const mode = this.root.dataset.share;
    const url = mode === "self" ? new URL(window.location.href) : new URL(this.root.dataset.shareHref, window.location.href);
    const href = `${url.origin}${url.pathname}${search}`;
    if (mode === "self") window.history.replaceState(null, "", href);
    this.shareLink.href = href;
    this.shareLink.textContent = href;
  }
}
