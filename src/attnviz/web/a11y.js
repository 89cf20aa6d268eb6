/*
 * attnviz: every view usable by keyboard and screen reader, without forking BERTviz.
 *
 * install() listens for the one "attnviz:drawn" event (drawn.js). For each drawn view it
 *   - names the <select>s (Layer, Head, Attention filter) that have no name yet: the built site's views have
 *     theirs in the page's HTML already (attnviz.views.bertviz.name_controls, the same SELECT_NAMES), the
 *     playground's are made in the browser;
 *   - lets the view fit its drawing to what it holds, handle.layout(root) (the head view: no token cut off),
 *     then makes scroll containers focusable regions;
 *   - runs the view's own keyboard code, handle.enhance(root, update) (head squares as checkboxes, tokens
 *     that show their lines when focused, ...; see kinds/*.js), again whenever the view redraws;
 *   - when the view has handle.table, adds a collapsed <details> after it: a table of each token's two
 *     strongest targets for what the view shows, updated when the view changes.
 * A view's handle is what its kind module's draw() resolved to:
 *   {params, title: "head view", layout(root)?, enhance(root, update)?,
 *    table?: {controls(container, update, root)?, current(root)}}
 *   current(root) -> {caption, left: tokens, right: tokens, rows: weights[i][j] (the rows of the table), layer}
 */
import { onDrawn } from "./drawn.js";
import { tableRows } from "./textalt.js";

/** The accessible name of each BERTviz <select>, by its id (attnviz/views/bertviz.py's SELECT_NAMES, equal). */
export const SELECT_NAMES = { layer: "Layer（層）", att_head: "Head（ヘッド）", filter: "Attention（表示する文の組み合わせ）" };
const COLUMNS = ["見る側のトークン", "いちばん強い注意先（重み）", "2 番目（重み）"];
const SUMMARY = "図の内容を表で読む（各トークンの注意先の上位 2 つ）";

// --- helpers for the kinds' own keyboard code -----------------------------------------------------------

export function fire(el, type) {
  el.dispatchEvent(new MouseEvent(type, { bubbles: type !== "mouseleave", cancelable: true, view: window }));
}

export function focusable(el, role, label) {
  el.setAttribute("tabindex", "0");
  el.setAttribute("role", role);
  el.setAttribute("aria-label", label);
  el.setAttribute("focusable", "true");
  el.classList.add("attnviz-focusable");
}

/** Enter or Space on `el` calls handler(event) (once per element, however often the view redraws). */
export function onActivate(el, handler) {
  if (el.__attnvizKeys) return;
  el.__attnvizKeys = true;
  el.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      handler(event);
    }
  });
}

/** A token's text takes the focus (its group may hold other controls) and hovers its group. */
export function focusToken(el) {
  const group = el.parentNode;
  focusable(el, "button", `${el.textContent || ""}（フォーカスでこのトークンの Attention を表示）`);
  if (el.__attnvizFocus) return;
  el.__attnvizFocus = true;
  el.addEventListener("focus", () => fire(group, "mouseover"));
  el.addEventListener("blur", () => fire(group, "mouseleave"));
}

// --- every view -------------------------------------------------------------------------------------------

function nameSelects(root) {
  root.querySelectorAll("select").forEach((select) => {
    if (!select.getAttribute("aria-label")) select.setAttribute("aria-label", SELECT_NAMES[select.id] || "表示の選択");
  });
}

function scrollable(el) {
  const style = getComputedStyle(el);
  const x = /(auto|scroll)/.test(style.overflowX) && el.scrollWidth > el.clientWidth;
  const y = /(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight;
  return x || y;
}

function nameScrollContainers(root, title) {
  const candidates = [root, ...root.querySelectorAll("div")];
  if (root.parentElement) candidates.push(root.parentElement);
  for (const el of candidates) {
    if (scrollable(el) && !el.hasAttribute("tabindex")) {
      el.setAttribute("tabindex", "0");
      el.setAttribute("role", "region");
      el.setAttribute("aria-label", `${title || "図"}（矢印キーでスクロールできます）`);
    }
  }
}

function makeTable({ caption, left, right, rows }) {
  const table = document.createElement("table");
  table.className = "attnviz-textalt-table";
  table.createCaption().textContent = caption;
  const head = table.createTHead().insertRow();
  for (const name of COLUMNS) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = name;
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const [token, ...cells] of tableRows(left, right, rows)) {
    const tr = body.insertRow();
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = token;
    tr.appendChild(th);
    for (const cell of cells) tr.insertCell().textContent = cell;
  }
  return table;
}

/** The collapsed table after the view; returns update(), which redraws it from what the view shows. */
function textAlternative(root, table) {
  const details = document.createElement("details");
  details.className = "attnviz-textalt";
  const summary = document.createElement("summary");
  summary.textContent = SUMMARY;
  const controls = document.createElement("p");
  const holder = document.createElement("div");
  details.append(summary, controls, holder);
  root.insertAdjacentElement("afterend", details);
  const update = () => {
    const shown = table.current(root);
    holder.replaceChildren(makeTable(shown));
    details.setAttribute("data-layer", String(shown.layer));
  };
  if (table.controls) table.controls(controls, update, root);
  root.addEventListener("change", (event) => {
    if (event.target.tagName === "SELECT") setTimeout(update, 0);
  });
  return update;
}

/** Names, keyboard and the text alternative for one drawn view (once per root). */
export function enhance(root, handle = {}) {
  if (root.__attnvizA11y) return;
  const update = handle.table ? textAlternative(root, handle.table) : () => {};
  root.__attnvizA11y = { update };
  const apply = () => {
    nameSelects(root);
    if (handle.layout) handle.layout(root); // before looking for what scrolls
    nameScrollContainers(root, handle.title);
    if (handle.enhance) handle.enhance(root, update);
  };
  apply();
  update();
  let pending = false;
  new MutationObserver(() => {
    // the view redraws (BERTviz replaces its SVG on every change): name and wire the new elements
    if (pending) return;
    pending = true;
    setTimeout(() => {
      pending = false;
      apply();
    }, 0);
  }).observe(root, { childList: true, subtree: true });
}

const listening = new WeakSet();

/** Enhance every view drawn in `doc` from now on (idempotent). */
export function install(doc = document) {
  if (listening.has(doc)) return;
  listening.add(doc);
  onDrawn(doc, (root, detail) => enhance(root, detail.handle));
}
