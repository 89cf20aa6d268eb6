/*
 * attnviz: compact BERTviz data back into the params BERTviz's Python side gives its JS.
 *
 * The built site stores each view once (attnviz/views/compact.py writes it; so does the playground's
 * encode.js in the browser):
 *   {format: "attnviz-bertviz/1", view: "head" | "model" | "neuron",
 *    tokens: [...], split: null | index of sentence B's first token,
 *    filters: [[name, rows, cols], ...]   rows/cols: "all", "a" or "b" (slices of the full attention)
 *    shape: [layers, heads, T, T], attn: {dtype, scale, data: base64 little-endian integers},
 *    dim, queries, keys (neuron view only: [layers, heads, T, dim]),
 *    params: every other param, as BERTviz wrote it}
 * decodeParams() rebuilds {attention: ..., ...params} with the same nesting of arrays that Python's
 * tolist() gives: a list of {name, attn, left_text, right_text} for the head and model views, a dict
 * keyed by filter ("all", "aa", ...) with queries and keys for the neuron view.
 */

export const FORMAT = "attnviz-bertviz/1";

const READERS = {
  u8: { size: 1, read: (view, i) => view.getUint8(i) },
  u16: { size: 2, read: (view, i) => view.getUint16(i, true) },
  i16: { size: 2, read: (view, i) => view.getInt16(i, true) },
};

function base64Bytes(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The numbers of a packed array ({dtype, scale, data}) as a flat Float64Array. */
export function unpack(packed, count) {
  const reader = READERS[packed.dtype];
  if (!reader) throw new Error(`attnviz: unknown dtype ${packed.dtype}`);
  const bytes = base64Bytes(packed.data);
  if (bytes.length !== count * reader.size) {
    throw new Error(`attnviz: ${bytes.length} bytes for ${count} ${packed.dtype} values`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = reader.read(view, i * reader.size) / packed.scale;
  return out;
}

function range(part, split, n) {
  if (part === "all") return [0, n];
  if (split === null || split === undefined) throw new Error("attnviz: a sentence filter without a pair");
  return part === "a" ? [0, split] : [split, n];
}

/** flat[layer][head][row in rows][col in cols] as nested arrays; flat has shape (L, H, n, width). */
function nested(flat, L, H, n, width, rows, cols) {
  const layers = [];
  for (let l = 0; l < L; l++) {
    const heads = [];
    for (let h = 0; h < H; h++) {
      const matrix = [];
      for (let i = rows[0]; i < rows[1]; i++) {
        const start = ((l * H + h) * n + i) * width;
        matrix.push(Array.from(flat.subarray(start + cols[0], start + cols[1])));
      }
      heads.push(matrix);
    }
    layers.push(heads);
  }
  return layers;
}

/** BERTviz's params for one view, from its compact form. */
export function decodeParams(compact) {
  if (!compact || compact.format !== FORMAT) {
    throw new Error(`attnviz: unknown compact format ${compact && compact.format}`);
  }
  const [L, H] = compact.shape;
  const n = compact.tokens.length;
  if (compact.shape[2] !== n || compact.shape[3] !== n) throw new Error("attnviz: shape does not fit tokens");
  const attn = unpack(compact.attn, L * H * n * n);
  const neuron = compact.view === "neuron";
  const dim = compact.dim;
  const queries = neuron ? unpack(compact.queries, L * H * n * dim) : null;
  const keys = neuron ? unpack(compact.keys, L * H * n * dim) : null;
  const attention = neuron ? {} : [];
  for (const [name, rowPart, colPart] of compact.filters) {
    const rows = range(rowPart, compact.split, n);
    const cols = range(colPart, compact.split, n);
    const item = neuron ? {} : { name };
    item.attn = nested(attn, L, H, n, n, rows, cols);
    item.left_text = compact.tokens.slice(rows[0], rows[1]);
    item.right_text = compact.tokens.slice(cols[0], cols[1]);
    if (neuron) {
      item.queries = nested(queries, L, H, n, dim, rows, [0, dim]);
      item.keys = nested(keys, L, H, n, dim, cols, [0, dim]);
      attention[name] = item;
    } else {
      attention.push(item);
    }
  }
  return { attention, ...compact.params };
}
