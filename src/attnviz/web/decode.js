/*
 * attnviz: compact BERTviz data back into the params BERTviz's Python side gives its JS.
 *
 * The built site stores each view once (attnviz/sphinx/compact.py writes it):
 *   {format: "attnviz-bertviz/1", view: "head" | "model" | "neuron",
 *    tokens: [...], split: null | index of sentence B's first token,
 *    filters: [[name, rows, cols], ...]   rows/cols: "all", "a" or "b" (slices of the full attention)
 *    shape: [layers, heads, T, T], attn: {dtype, scale, data: base64 little-endian integers},
 *    dim, queries, keys (neuron view only: [layers, heads, T, dim]),
 *    params: every other param, as BERTviz wrote it}
 * decodeParams() rebuilds {attention: ..., ...params} with the same nesting of arrays that Python's
 * tolist() gives: a list of {name, attn, left_text, right_text} for the head and model views, a dict
 * keyed by filter ("all", "aa", ...) with queries and keys for the neuron view.
 * Works in the browser (window.attnvizDecode) and in node (require), for tests/js/.
 */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) {
    module.exports = factory();
  } else {
    root.attnvizDecode = factory();
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var FORMAT = "attnviz-bertviz/1";
  var READERS = {
    u8: { size: 1, read: function (view, i) { return view.getUint8(i); } },
    u16: { size: 2, read: function (view, i) { return view.getUint16(i, true); } },
    i16: { size: 2, read: function (view, i) { return view.getInt16(i, true); } }
  };

  function base64Bytes(text) {
    if (typeof atob === "function") {
      var binary = atob(text);
      var bytes = new Uint8Array(binary.length);
      for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
      return bytes;
    }
    return new Uint8Array(Buffer.from(text, "base64"));  // node
  }

  /** The numbers of a packed array ({dtype, scale, data}) as a flat Float64Array. */
  function unpack(packed, count) {
    var reader = READERS[packed.dtype];
    if (!reader) { throw new Error("attnviz: unknown dtype " + packed.dtype); }
    var bytes = base64Bytes(packed.data);
    if (bytes.length !== count * reader.size) {
      throw new Error("attnviz: " + bytes.length + " bytes for " + count + " " + packed.dtype + " values");
    }
    var view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    var out = new Float64Array(count);
    for (var i = 0; i < count; i++) { out[i] = reader.read(view, i * reader.size) / packed.scale; }
    return out;
  }

  function range(part, split, n) {
    if (part === "all") { return [0, n]; }
    if (split === null || split === undefined) { throw new Error("attnviz: a sentence filter without a pair"); }
    return part === "a" ? [0, split] : [split, n];
  }

  /** flat[layer][head][row in rows][col in cols] as nested arrays; flat has shape (L, H, n, width). */
  function nested(flat, L, H, n, width, rows, cols) {
    var layers = [];
    for (var l = 0; l < L; l++) {
      var heads = [];
      for (var h = 0; h < H; h++) {
        var matrix = [];
        for (var i = rows[0]; i < rows[1]; i++) {
          var start = ((l * H + h) * n + i) * width;
          matrix.push(Array.prototype.slice.call(flat, start + cols[0], start + cols[1]));
        }
        heads.push(matrix);
      }
      layers.push(heads);
    }
    return layers;
  }

  /** BERTviz's params for one view, from its compact form. */
  function decodeParams(compact) {
    if (!compact || compact.format !== FORMAT) {
      throw new Error("attnviz: unknown compact format " + (compact && compact.format));
    }
    var L = compact.shape[0], H = compact.shape[1], n = compact.tokens.length;
    if (compact.shape[2] !== n || compact.shape[3] !== n) { throw new Error("attnviz: shape does not fit tokens"); }
    var attn = unpack(compact.attn, L * H * n * n);
    var neuron = compact.view === "neuron";
    var queries = null, keys = null, dim = compact.dim;
    if (neuron) {
      queries = unpack(compact.queries, L * H * n * dim);
      keys = unpack(compact.keys, L * H * n * dim);
    }
    var attention = neuron ? {} : [];
    compact.filters.forEach(function (filter) {
      var name = filter[0];
      var rows = range(filter[1], compact.split, n), cols = range(filter[2], compact.split, n);
      var item = neuron ? {} : { name: name };
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
    });
    var params = { attention: attention };
    Object.keys(compact.params).forEach(function (key) { params[key] = compact.params[key]; });
    return params;
  }

  return { FORMAT: FORMAT, decodeParams: decodeParams, unpack: unpack };
});
