/*
 * attnviz playground: the model's stored weights (model.weights.<hash>.bin, attnviz.webmodel.weights, whose
 * decode() is the reference this must equal bit for bit), decoded into float32 once, in the model's worker.
 *
 * Layout: "AVW1", a uint32 n, n bytes of JSON (the index), zeros up to a multiple of 8, then the data. Each
 * index entry names a weight, its encoding (int8, uint<b>, fp16), its shape [rows, cols], its block and the
 * [offset, bytes] of its parts within the data. Every value is one float32 rounding of an exact product (a
 * small integer times a float16 scale), as the decoding graph's Mul was: a Float32Array store rounds once.
 */
const MAGIC = "AVW1";
const ALIGN = 8;

/**
 * The float32 value of each of the 65,536 halves, built on first use (256 KB) by rewriting each half's bits
 * as a float32's (this module imports nothing: the worker loads it alone, and the page never does).
 */
let halves = null;
function halfTable() {
  if (!halves) {
    const bits = new Uint32Array(65536);
    for (let h = 0; h < 65536; h++) {
      const sign = (h & 0x8000) << 16;
      let exponent = (h >> 10) & 0x1f;
      let fraction = h & 0x3ff;
      if (exponent === 0x1f) {
        bits[h] = sign | 0x7f800000 | (fraction << 13); // infinity, NaN
      } else if (exponent === 0) {
        if (fraction === 0) {
          bits[h] = sign; // zero
        } else {
          // subnormal half: normalise (every one is a normal float32)
          exponent = 1;
          while (!(fraction & 0x400)) {
            fraction <<= 1;
            exponent--;
          }
          bits[h] = sign | ((exponent + 112) << 23) | ((fraction & 0x3ff) << 13);
        }
      } else {
        bits[h] = sign | ((exponent + 112) << 23) | (fraction << 13);
      }
    }
    halves = new Float32Array(bits.buffer);
  }
  return halves;
}

/** {index, start}: the weights file's index and where its data starts. */
export function readIndex(bytes) {
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== MAGIC) throw new Error(`not an attnviz weights file (it starts with ${JSON.stringify(magic)}, not ${MAGIC})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(4, true);
  const index = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  const start = 8 + n;
  return { index, start: start + ((ALIGN - (start % ALIGN)) % ALIGN) };
}

function part(bytes, start, entry, key) {
  const [offset, size] = entry.parts[key];
  if (start + offset + size > bytes.length) throw new Error(`${entry.name}: its ${key} runs past the end of the file`);
  return bytes.subarray(start + offset, start + offset + size);
}

/** Float16 little-endian bytes -> Float32Array (exact). */
function halfs(raw) {
  const table = halfTable();
  const out = new Float32Array(raw.length / 2);
  for (let k = 0; k < out.length; k++) out[k] = table[raw[2 * k] | (raw[2 * k + 1] << 8)];
  return out;
}

function decodeInt8(entry, q, scale, out) {
  const [rows, cols] = entry.shape;
  const B = entry.block;
  if (entry.axis === 0) {
    for (let i = 0; i < rows; i++) {
      const s = ((i / B) | 0) * cols;
      for (let j = 0, n = i * cols; j < cols; j++, n++) out[n] = ((q[n] << 24) >> 24) * scale[s + j];
    }
  } else {
    const blocks = cols / B;
    for (let i = 0; i < rows; i++) {
      for (let j = 0, n = i * cols; j < cols; j++, n++) out[n] = ((q[n] << 24) >> 24) * scale[i * blocks + ((j / B) | 0)];
    }
  }
}

function decodeUint(entry, bits, packed, zero, scale, out) {
  const [rows, cols] = entry.shape;
  const B = entry.block;
  const mask = (1 << bits) - 1;
  const last = packed.length - 1;
  for (let i = 0; i < rows; i++) {
    const s = ((i / B) | 0) * cols;
    for (let j = 0, n = i * cols; j < cols; j++, n++) {
      // code n: code n % 8 of group n / 8 (bits bytes), at bit (n % 8) * bits of the group
      const bit = (n >> 3) * bits * 8 + (n & 7) * bits;
      const k = bit >> 3;
      const v = packed[k] | ((k < last ? packed[k + 1] : 0) << 8);
      const code = (v >> (bit & 7)) & mask;
      out[n] = (code - zero[s + j]) * scale[s + j];
    }
  }
}

function decodeEntry(bytes, start, entry) {
  const [rows, cols] = entry.shape;
  const out = new Float32Array(rows * cols);
  const kind = entry.encoding;
  if (kind === "fp16") {
    out.set(halfs(part(bytes, start, entry, "values")));
  } else if (kind === "int8") {
    decodeInt8(entry, part(bytes, start, entry, "q"), halfs(part(bytes, start, entry, "scale")), out);
  } else if (/^uint[1-8]$/.test(kind)) {
    const bits = Number(kind.slice(4));
    const [packed, zero] = [part(bytes, start, entry, "packed"), part(bytes, start, entry, "zero")];
    decodeUint(entry, bits, packed, zero, halfs(part(bytes, start, entry, "scale")), out);
  } else {
    throw new Error(`${entry.name}: unknown encoding ${kind}`);
  }
  return { name: entry.name, dims: [rows, cols], data: out };
}

/**
 * A weights file decoded while it downloads: push(chunk) its bytes in order (`total` of them, as the manifest
 * says); each weight is decoded as soon as all its bytes are in (the file lists them in order), so little is
 * left to do when the last byte arrives. finish() -> every weight, as decodeWeights gives them.
 */
export class WeightsReader {
  constructor(total) {
    this.bytes = new Uint8Array(total);
    this.received = 0;
    this.index = null;
    this.start = 0;
    this.decoded = [];
  }

  push(chunk) {
    if (this.received + chunk.length > this.bytes.length) {
      throw new Error(`the weights file is longer than the ${this.bytes.length} bytes the manifest gives`);
    }
    this.bytes.set(chunk, this.received);
    this.received += chunk.length;
    this.decodeReady();
  }

  decodeReady() {
    if (!this.index) {
      if (this.received < 8) return;
      const n = new DataView(this.bytes.buffer).getUint32(4, true);
      if (this.received < 8 + n) return;
      ({ index: this.index, start: this.start } = readIndex(this.bytes));
    }
    while (this.decoded.length < this.index.length) {
      const entry = this.index[this.decoded.length];
      const end = Math.max(...Object.values(entry.parts).map(([offset, size]) => this.start + offset + size));
      if (end > this.received) return;
      this.decoded.push(decodeEntry(this.bytes, this.start, entry));
    }
  }

  finish() {
    if (this.received !== this.bytes.length) {
      throw new Error(`the weights file ended after ${this.received} of ${this.bytes.length} bytes`);
    }
    this.decodeReady();
    if (!this.index || this.decoded.length < this.index.length) throw new Error("the weights file is incomplete");
    return this.decoded;
  }
}

/**
 * Every weight of a weights file: [{name, dims: [rows, cols], data: Float32Array}], in the file's order
 * (the main graph's weight inputs).
 */
export function decodeWeights(bytes) {
  const reader = new WeightsReader(bytes.length);
  reader.push(bytes);
  return reader.finish();
}
