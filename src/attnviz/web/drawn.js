/*
 * attnviz: the one "drawn" event. Whatever draws a view (views.js for the site's lazy views, the playground
 * for its own) calls markDrawn(root, kind, view) once the view is on screen: the root gets
 * data-attnviz-drawn="<kind>" and a bubbling "attnviz:drawn" event with detail
 *   {view: kind, params: what it was drawn from, handle: the view's handle (see a11y.js)}.
 * a11y.js answers it; tests and later modules can listen too.
 */

export const DRAWN = "attnviz:drawn";

export function markDrawn(root, kind, view = {}) {
  root.setAttribute("data-attnviz-drawn", kind);
  root.dispatchEvent(new CustomEvent(DRAWN, { bubbles: true, detail: { view: kind, params: view.params, handle: view } }));
}

/** Call handler(root, detail) for every view drawn under target (a document or an element). */
export function onDrawn(target, handler) {
  const listener = (event) => handler(event.target, event.detail || {});
  target.addEventListener(DRAWN, listener);
  return () => target.removeEventListener(DRAWN, listener);
}
