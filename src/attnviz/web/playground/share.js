/*
 * attnviz playground: share links that carry the whole experiment and stay readable. Pure: node's tests
 * import it.
 *
 *   a, b       the sentences (the widget's own)
 *   mode       compare | control | predict
 *   vs, vsb    compare: the second sentence (and its B)
 *   tok        the chosen token (its position in sentence A's input, [CLS] = 0)
 *   head       the chosen head, "layer.head"
 *   ctl, seed  control: which control, and the shuffle's seed
 *
 * A link's query keeps letters of every script as they are (Japanese stays Japanese): only what would change
 * the query's meaning is escaped (% & = + # and spaces, as +), and control characters.
 */

export const KEYS = ["a", "b", "mode", "vs", "vsb", "tok", "head", "ctl", "seed"];

const UNSAFE = /[%&=+#\s\u0000-\u001f\u007f"<>\\^`{|}]/gu;

/** One value, escaped only where it must be. */
export function escapeValue(text) {
  return String(text).replace(UNSAFE, (c) => (c === " " ? "+" : encodeURIComponent(c)));
}

/** A readable query string ("?a=…&vs=…") from an object; empty values are left out, keys in KEYS order. */
export function readableQuery(state) {
  const parts = KEYS.filter((k) => state[k] !== undefined && state[k] !== null && state[k] !== "").map(
    (k) => `${k}=${escapeValue(state[k])}`,
  );
  return parts.length ? `?${parts.join("&")}` : "";
}

/** An object of the experiment's keys from a query string (URLSearchParams decoding: + is a space). */
export function parseQuery(search) {
  const q = new URLSearchParams(search);
  const state = {};
  for (const k of KEYS) if (q.has(k)) state[k] = q.get(k);
  return state;
}

/** "3.7" -> {layer: 3, head: 7}; null when absent or malformed. */
export function parseHead(text) {
  const m = /^(\d+)\.(\d+)$/.exec(text || "");
  return m ? { layer: Number(m[1]), head: Number(m[2]) } : null;
}
