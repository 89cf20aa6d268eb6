/*
 * attnviz playground: the model's files kept on purpose (Cache Storage), and one progress count over every
 * byte the first use downloads.
 *
 * Every file the widget keeps has its content hash in its URL (model.<hash>.onnx, embeddings.<hash>/12.bin,
 * vendor/ort-wasm-simd-threaded.wasm?h=<hash>): an entry is the right file exactly when its URL is one the
 * current manifest names, so a stored file is used without asking the server (no revalidation, whatever
 * Cache-Control says), and an entry the manifest does not name (an older build's) is deleted.
 *
 * The manifest itself (model/manifest.json, the one fixed name) is asked for on every page (the server may
 * answer 304); when the network is down, the copy kept beside the files is used.
 */
import { PlaygroundError } from "./messages.js";

const fileName = (url) => new URL(url).pathname.split("/").pop();

/** A PlaygroundError("download") for `file`, with what the browser said as its detail. */
export function downloadError(file, cause) {
  const said = cause ? String(cause.message || cause) : "";
  return PlaygroundError.download(file, said);
}

/** fetch(url), or a PlaygroundError("download") that names the file. */
export async function fetchOk(url, fetcher = globalThis.fetch, init = undefined) {
  let response;
  try {
    response = await fetcher(url, init);
  } catch (err) {
    throw downloadError(fileName(url), err);
  }
  if (!response.ok) throw downloadError(fileName(url), `HTTP ${response.status}`);
  return response;
}

export const CACHE_NAME = "attnviz-playground-model";
export const SIZE_HEADER = "X-Attnviz-Bytes";

/** Cache Storage if this page may use it (a secure context: https or localhost), else null. */
export async function openCache(name = CACHE_NAME, scope = globalThis) {
  try {
    if (!scope.caches) return null;
    return await scope.caches.open(name);
  } catch {
    return null; // a private window of some browsers, or storage turned off: work without keeping anything
  }
}

/**
 * Progress over a known list of downloads: add(key, bytes, label) plans one, got(key, bytes) reports it,
 * skip(key) takes back one found in the cache. onChange({received, total, label}) after every change; label
 * names the file downloading now (the latest that got bytes and is not finished).
 */
export class Progress {
  constructor(onChange = () => {}) {
    this.onChange = onChange;
    this.items = new Map();
  }

  add(key, bytes, label) {
    if (!this.items.has(key)) this.items.set(key, { bytes, label, received: 0, since: 0 });
    this.report();
  }

  skip(key) {
    this.items.delete(key);
    this.report();
  }

  got(key, received) {
    const item = this.items.get(key);
    if (!item) return;
    item.received = Math.min(received, item.bytes);
    item.since = ++Progress.clock;
    this.report();
  }

  get total() {
    let sum = 0;
    for (const item of this.items.values()) sum += item.bytes;
    return sum;
  }

  get received() {
    let sum = 0;
    for (const item of this.items.values()) sum += item.received;
    return sum;
  }

  /** What is downloading now: the label of the unfinished item that got bytes last (else any unfinished). */
  get label() {
    let best = null;
    for (const item of this.items.values()) {
      if (item.received >= item.bytes) continue;
      if (!best || item.since > best.since) best = item;
    }
    return best ? best.label : "";
  }

  report() {
    this.onChange({ received: this.received, total: this.total, label: this.label });
  }
}
Progress.clock = 0;

/**
 * A response body as bytes, reporting the bytes received so far to onBytes(received), and each piece as it
 * arrives to onChunk(piece) (if given; the piece is the caller's to keep, not a view of the body).
 */
export async function readBody(response, onBytes, onChunk = null) {
  if (!response.body || !response.body.getReader) {
    const buffer = new Uint8Array(await response.arrayBuffer());
    onBytes(buffer.length);
    if (onChunk) onChunk(buffer.slice());
    return buffer;
  }
  const reader = response.body.getReader();
  const parts = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    received += value.length;
    onBytes(received);
    if (onChunk) onChunk(value.slice());
  }
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

/**
 * The files of one build: get(url) answers the bytes of a content-addressed file from the cache, or
 * downloads it (counted by `progress` under `url`) and keeps it. A download in flight is shared.
 */
export class FileStore {
  constructor(cache, { fetcher = globalThis.fetch, progress = null } = {}) {
    this.cache = cache;
    this.fetcher = fetcher;
    this.progress = progress;
    this.loading = new Map();
    this.downloaded = 0; // bytes downloaded (not found in the cache) by this page
    this.keeping = new Set(); // cache.put()s not finished yet
  }

  /** Resolves once every download so far is kept. */
  async settled() {
    while (this.keeping.size) await Promise.all([...this.keeping]);
  }

  /** True if `url` is kept (nothing to download). */
  async has(url) {
    return Boolean(this.cache && (await this.cache.match(url)));
  }

  /**
   * The bytes of `url` (kept, or downloaded and kept). onChunk(piece), if given, hears each piece of a
   * download as it arrives (nothing for a kept file, nor for a caller that joins a download in flight).
   */
  get(url, label = "", bytes = 0, onChunk = null) {
    if (!this.loading.has(url)) {
      const promise = this.load(url, label, bytes, onChunk);
      this.loading.set(url, promise);
      // shared while in flight only: the bytes go to one caller (who may transfer them to the worker)
      promise.then(
        () => this.loading.delete(url),
        () => this.loading.delete(url),
      );
    }
    return this.loading.get(url);
  }

  async load(url, label, bytes, onChunk = null) {
    const kept = this.cache ? await this.cache.match(url).catch(() => null) : null;
    if (kept) {
      if (this.progress) this.progress.skip(url);
      return new Uint8Array(await kept.arrayBuffer());
    }
    if (this.progress) this.progress.add(url, bytes, label);
    const response = await fetchOk(url, this.fetcher);
    let body;
    try {
      body = await readBody(response, (n) => this.progress && this.progress.got(url, n), onChunk);
    } catch (err) {
      throw downloadError(fileName(url), err);
    }
    this.downloaded += body.length;
    if (this.progress) this.progress.got(url, body.length);
    if (this.cache) {
      const headers = {
        "Content-Type": response.headers.get("Content-Type") || "application/octet-stream",
        [SIZE_HEADER]: String(body.length), // what kept() counts, without reading the body back
      };
      // kept in the background (the caller may transfer `body` at once); best effort: a full disk still draws
      const put = this.cache.put(url, new Response(new Blob([body]), { headers })).catch(() => {});
      this.keeping.add(put);
      put.then(() => this.keeping.delete(put));
    }
    return body;
  }

  /** Delete every kept entry `keep(url)` refuses (an older build's files). Returns the URLs deleted. */
  async prune(keep) {
    if (!this.cache) return [];
    const gone = [];
    for (const request of await this.cache.keys()) {
      if (!keep(request.url)) {
        await this.cache.delete(request);
        gone.push(request.url);
      }
    }
    return gone;
  }
}

/**
 * The manifest (asked for anew, so a new build is seen), kept beside the files: when the network is down,
 * the kept copy answers. Returns {manifest, fresh}.
 */
export async function loadManifest(url, cache, fetcher = globalThis.fetch) {
  let response = null;
  let failure = null;
  try {
    response = await fetcher(url, { cache: "no-cache" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
  } catch (err) {
    failure = err;
    response = null;
  }
  if (response) {
    const text = await response.text();
    const headers = { "Content-Type": "application/json", [SIZE_HEADER]: String(new TextEncoder().encode(text).length) };
    if (cache) await cache.put(url, new Response(text, { headers })).catch(() => {});
    return { manifest: JSON.parse(text), fresh: true };
  }
  const kept = cache ? await cache.match(url).catch(() => null) : null;
  if (kept) return { manifest: await kept.json(), fresh: false };
  throw downloadError("manifest.json", failure);
}
