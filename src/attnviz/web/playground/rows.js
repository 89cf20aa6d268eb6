/*
 * attnviz playground: the word-embedding rows of the tokens typed, from the chunk files of format 2
 * (attnviz.webmodel.embeddings, whose EmbeddingRows is the reference this must equal bit for bit).
 *
 * A chunk holds `chunk_rows` consecutive rows: int8 q (n, dim), then float16 scale (n, dim / block), little
 * endian. Row d of it dequantises as float32(q[d]) * float32(scale[d / block]): the product of an int8 and a
 * float16 is exact in a double, and a Float32Array store rounds it once, as a float32 multiply does.
 */

/** The float32 value of an IEEE half (its 16 bits as a number). */
export function halfToFloat(h) {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Every row of one chunk's bytes, dequantised: a Float32Array (n * dim), n the chunk's rows. */
export function decodeChunk(bytes, dim, block) {
  const blocks = dim / block;
  const rowBytes = dim + 2 * blocks;
  const n = bytes.length / rowBytes;
  if (!Number.isInteger(n)) throw new Error(`a chunk of ${bytes.length} bytes is not a whole number of rows`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n * dim);
  for (let r = 0; r < n; r++) {
    for (let b = 0; b < blocks; b++) {
      const scale = halfToFloat(view.getUint16(n * dim + 2 * (r * blocks + b), true));
      for (let i = 0; i < block; i++) {
        const d = b * block + i;
        out[r * dim + d] = view.getInt8(r * dim + d) * scale;
      }
    }
  }
  return out;
}

/**
 * The rows of the manifest's `embeddings` spec, read through `getChunk(index) -> Promise<Uint8Array>`. Chunks
 * decoded once are kept for the page's lifetime.
 */
export class EmbeddingRows {
  constructor(spec, getChunk) {
    this.spec = spec;
    this.getChunk = getChunk;
    this.chunks = new Map();
  }

  locate(id) {
    if (!Number.isInteger(id) || id < 0 || id >= this.spec.rows) {
      throw new RangeError(`token id ${id} is outside the embedding table (0 to ${this.spec.rows - 1})`);
    }
    return [Math.floor(id / this.spec.chunk_rows), id % this.spec.chunk_rows];
  }

  /** The chunks `ids` need, in order, each once. */
  chunksFor(ids) {
    return [...new Set(ids.map((id) => this.locate(id)[0]))].sort((x, y) => x - y);
  }

  /** Bytes of chunk `index`'s file. */
  chunkBytes(index) {
    const { chunk_rows: rows, chunks, last_chunk_rows: last, dim, block } = this.spec;
    return (index === chunks - 1 ? last : rows) * (dim + (2 * dim) / block);
  }

  chunkPath(index) {
    return this.spec.path.replace("{chunk}", String(index));
  }

  async chunk(index) {
    if (!this.chunks.has(index)) {
      const promise = this.getChunk(index).then((bytes) => decodeChunk(bytes, this.spec.dim, this.spec.block));
      this.chunks.set(index, promise);
      promise.catch(() => this.chunks.delete(index));
    }
    return this.chunks.get(index);
  }

  /** The rows of `ids` as one Float32Array (ids.length * dim): the graph's inputs_embeds. */
  async rows(ids) {
    const { dim } = this.spec;
    const decoded = new Map();
    await Promise.all(this.chunksFor(ids).map(async (c) => decoded.set(c, await this.chunk(c))));
    const out = new Float32Array(ids.length * dim);
    ids.forEach((id, t) => {
      const [c, r] = this.locate(id);
      out.set(decoded.get(c).subarray(r * dim, (r + 1) * dim), t * dim);
    });
    return out;
  }
}
