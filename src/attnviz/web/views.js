/*
 * attnviz: draw the built site's views lazily (the page's entry for every lazily drawn view kind).
 *
 * Each view in a built page is its kind's own markup (BERTviz's <div id="bertviz-...">, the head map's
 * <div class="attnviz-headmap">, ...) and one tag with its data, written by attnviz.views:
 *   <script type="application/json" data-attnviz-view="<kind>" data-attnviz-module="<module>"
 *           data-root="<id of the view's root element>">data</script>
 * Nothing draws while the page loads: when a view comes near the viewport (IntersectionObserver; a view
 * hidden in a closed tab or dropdown has no box, so it draws when it is opened), this module imports the
 * kind's module (path relative to this file) and calls its draw(root, data), then marks the root drawn
 * (drawn.js: data-attnviz-drawn and the "attnviz:drawn" event, which a11y.js answers). A view that fails to
 * draw says so in its own box, in Japanese, with what to try (failed.js); the other views draw as before.
 */
import { install as installA11y } from "./a11y.js";
import { markDrawn } from "./drawn.js";
import { showFailure } from "./failed.js";
import { loadModule } from "./load.js";

const HERE = new URL("./", import.meta.url);
const MARGIN = "400px 0px"; // start drawing a little before a view scrolls in

/** Every view on the page, in page order: [{root, kind, module, tag}]. */
export function findViews(doc = document) {
  const views = [];
  for (const tag of doc.querySelectorAll("script[data-attnviz-view]")) {
    const root = doc.getElementById(tag.dataset.root);
    if (root) views.push({ root, kind: tag.dataset.attnvizView, module: tag.dataset.attnvizModule, tag });
  }
  return views;
}

/** Draw one view with its kind's module. */
export async function drawView({ root, kind, module, tag }) {
  const { draw } = await loadModule(new URL(module, HERE).href);
  const handle = await draw(root, JSON.parse(tag.textContent));
  markDrawn(root, kind, handle);
}

/** Tell the reader in the view's box (and the console, for whoever debugs). */
function failed(view, error) {
  console.error(error); // eslint-disable-line no-console
  try {
    showFailure(view.root, view.kind, error);
  } catch (err) {
    console.error(err); // eslint-disable-line no-console
  }
}

// Views draw one at a time, in the order they come near (BERTviz's neuron view reads a global); one that
// fails does not stop the others.
let queue = Promise.resolve();
const scheduled = new WeakSet();
function schedule(view) {
  if (scheduled.has(view)) return;
  scheduled.add(view);
  queue = queue.then(() => drawView(view).catch((error) => failed(view, error)));
}

export function start(doc = document) {
  installA11y(doc);
  const views = findViews(doc);
  if (!("IntersectionObserver" in window)) {
    views.forEach(schedule);
    return;
  }
  const byRoot = new Map(views.map((view) => [view.root, view]));
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      observer.unobserve(entry.target);
      schedule(byRoot.get(entry.target));
    }
  }, { rootMargin: MARGIN });
  views.forEach((view) => observer.observe(view.root));
}

// loaded async (attnviz.sphinx): this may run before the page is parsed; then it starts once it is
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => start(), { once: true });
else start();
