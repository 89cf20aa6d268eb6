/*
 * attnviz playground: one widget (web/playground/widget.html): sentence A, an optional sentence B, a button;
 * its state (data-state: idle, loading, computing, drawn, error), progress, error messages, the share link.
 * Typed text only ever reaches the page as text (input values, d3's .text(), textContent): never as markup
 * or code.
 */
import { drawHeadView, drawModelView } from "./bertviz-dom.js";
import { MESSAGES, PlaygroundError, checkInput, checkTokens, explain, hasWebAssembly } from "./messages.js";
import { attend, encodeText, loadSession, loadTokenizer } from "./model.js";
import { sentenceBStart } from "./tokenize.js";

function formatMB(bytes) {
  return (bytes / 1e6).toFixed(1);
}

export class Playground {
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
    const { kind, message } = explain(err);
    this.error.textContent = message;
    this.error.dataset.kind = kind;
    this.error.hidden = false;
    this.retryButton.hidden = kind !== "download";
    this.progress.hidden = true;
    this.setState("error");
    if (kind === "internal") console.error(err); // eslint-disable-line no-console
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
    this.error.hidden = true;
    this.retryButton.hidden = true;
    try {
      const { a, b } = checkInput(this.inputA.value, this.inputB.value);
      if (!hasWebAssembly()) throw new PlaygroundError("nowasm", MESSAGES.noWasm);
      this.setState("loading");
      this.progress.hidden = false;
      this.progressText.textContent = "トークナイザーを読み込み中…";
      const { facts } = await loadTokenizer();
      const tStart = performance.now();
      const encoding = await encodeText(a, b || null);
      const tokenizeMs = performance.now() - tStart;
      checkTokens(encoding.ids.length, facts.max_tokens);
      const { ort, session } = await loadSession(facts, (r, t) => this.onProgress(r, t));
      const loadedAt = performance.now();
      this.progressText.textContent = "計算中…";
      this.setState("computing");
      const attention = await attend(session, ort, encoding);
      const inferenceMs = performance.now() - loadedAt;
      const result = {
        a,
        b,
        ids: encoding.ids,
        tokens: encoding.tokens,
        tokenTypeIds: encoding.tokenTypeIds,
        sentenceBStart: sentenceBStart(encoding.tokenTypeIds, b),
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
