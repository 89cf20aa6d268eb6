/*
 * attnviz: what the reader sees when a view cannot be drawn. views.js calls showFailure(root, kind, error):
 * the view's own box says so in Japanese, with what to try (reload the page, another browser, the page's
 * notebook in Colab, linked when the page has a Colab launch button), and the technical detail folded
 * away in 詳細. The root gets data-attnviz-failed="<kind>" (no "attnviz:drawn" event: it did not draw).
 */

export const FAILED = "data-attnviz-failed";

export const MESSAGES = {
  title: "この図を表示できませんでした。",
  intro: "次のどれかを試してください。",
  reload: "ページを再読み込みする（読み込みが途中で切れただけなら、これで表示されます）。",
  browser: "別のブラウザ（Chrome・Edge・Firefox・Safari の新しい版）でこのページを開く。",
  colab: "このページのノートブックを Colab で開き、セルを実行して自分の環境で図を描く。",
  reloadButton: "ページを再読み込み",
  colabLink: "Colab でノートブックを開く",
  detail: "詳細（技術的な情報）",
};

/** The technical detail of an error: one line per error in its chain of causes (a cause whose message an
 * earlier line already quotes is left out). */
export function detailOf(error) {
  const lines = [];
  for (let e = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    if (typeof e !== "object") {
      lines.push(String(e));
      break;
    }
    const message = String(e.message ?? e);
    if (!lines.some((line) => line.includes(message))) lines.push(`${e.name || "Error"}: ${message}`);
    e = e.cause;
  }
  return lines.join("\n");
}

/** The address of the page's notebook in Colab (its launch button), or null. */
export function colabUrl(doc) {
  const link = doc.querySelector('a[href^="https://colab.research.google.com/"]');
  return link ? link.href : null;
}

function element(doc, tag, className, text) {
  const el = doc.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Tell the reader, inside the view's box `root`, that the view could not be drawn (once per root). */
export function showFailure(root, kind, error, doc = root.ownerDocument) {
  root.setAttribute(FAILED, kind);
  root.removeAttribute("aria-busy");
  const old = root.querySelector(":scope > .attnviz-view-failed");
  if (old) old.remove();
  const box = element(doc, "div", "attnviz-view-failed");
  box.setAttribute("role", "alert");
  box.lang = "ja";
  const title = element(doc, "p", "attnviz-view-failed-title", MESSAGES.title);
  const intro = element(doc, "p", null, MESSAGES.intro);
  const tips = element(doc, "ul");
  for (const tip of [MESSAGES.reload, MESSAGES.browser, MESSAGES.colab]) tips.appendChild(element(doc, "li", null, tip));
  const actions = element(doc, "p", "attnviz-view-failed-actions");
  const reload = element(doc, "button", null, MESSAGES.reloadButton);
  reload.type = "button";
  reload.addEventListener("click", () => doc.defaultView.location.reload());
  actions.appendChild(reload);
  const colab = colabUrl(doc);
  if (colab) {
    const link = element(doc, "a", null, MESSAGES.colabLink);
    link.href = colab;
    link.target = "_blank";
    link.rel = "noopener";
    actions.appendChild(link);
  }
  const details = element(doc, "details");
  details.append(element(doc, "summary", null, MESSAGES.detail), element(doc, "pre", null, detailOf(error)));
  box.append(title, intro, tips, actions, details);
  root.appendChild(box);
  return box;
}
