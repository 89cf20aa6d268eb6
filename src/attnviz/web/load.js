/*
 * attnviz: the one script loader of the site, shared by the lazy views (views.js) and the playground.
 *
 * loadScript(url) adds a classic <script> once per page: only the vendored d3 and jQuery need it (they
 * set the globals that BERTviz's code receives through bertviz-require.js). loadModule(url) imports an
 * ES module. Both fail with a LoadError that names the file; a file that failed to load is tried again
 * on the next call, so a "retry" button works.
 */

export class LoadError extends Error {
  constructor(url, cause) {
    super(`attnviz: could not load ${url}${cause ? ` (${cause.message || cause})` : ""}`);
    this.name = "LoadError";
    this.url = url;
    this.file = String(url).split(/[?#]/)[0].split("/").pop();
    this.cause = cause;
  }
}

const scripts = new Map(); // url -> Promise, for this page

/** A classic script, added to the page once (later calls share the first one's promise). */
export function loadScript(url, doc = globalThis.document) {
  let loading = scripts.get(url);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const script = doc.createElement("script");
      script.src = url;
      script.onload = () => resolve();
      script.onerror = () => {
        script.remove();
        reject(new LoadError(url));
      };
      doc.head.appendChild(script);
    });
    scripts.set(url, loading);
    loading.catch(() => scripts.delete(url)); // a failed file is fetched again next time
  }
  return loading;
}

/** Classic scripts one after another: each may use the globals of those before it. */
export async function loadScripts(urls, doc = globalThis.document) {
  for (const url of urls) await loadScript(url, doc);
}

/** An ES module (the browser imports each URL once per page). */
export async function loadModule(url, importer = (u) => import(u)) {
  try {
    return await importer(url);
  } catch (err) {
    throw new LoadError(url, err);
  }
}
