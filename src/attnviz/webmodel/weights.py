"""The stored weights in one file that the widget decodes in JavaScript (``weights.js``), not in a graph.

A graph of decoding nodes (``Cast``, ``Floor``, ``Gather``...) run by onnxruntime-web took seconds when the
session started (about 1.4 s to create and 2.6 s to run in node on this machine), after the last byte had
arrived. The same arithmetic in plain JavaScript takes a few tens of milliseconds. So the site ships:

* ``model.weights.<hash>.bin``: every weight the main graph reads as an input, stored as :mod:`.quant`
  encodes it (codes, scales, zero codes), in this file's layout;
* ``model.main.<hash>.onnx``: the graph that runs per sentence (:mod:`.split`), those weights its inputs.

Layout (little endian): the 4 bytes ``AVW1``, a uint32 ``n``, ``n`` bytes of UTF-8 JSON (the index), zero
bytes up to a multiple of 8, then the data. The index is a list, one entry per weight, in the order the main
graph lists its inputs::

    {"name": ..., "encoding": "int8" | "uint6" | "uint7" | "fp16", "shape": [rows, cols],
     "block": B, "axis": 0 | 1,            # int8 and uint<b> (uint: always 0)
     "parts": {"q" | "packed" | "values": [offset, bytes], "scale": [...], "zero": [...]}}

offsets counted from the start of the data. Decoded (float32, shape ``(rows, cols)``, C order), value ``n``
at row ``i``, column ``j``:

* ``int8``, axis 0 (a Linear's (in, out), blocks along the input): ``q[n] * scale[(i // B) * cols + j]``;
* ``int8``, axis 1 (an embedding table, blocks along a row): ``q[n] * scale[i * (cols // B) + j // B]``;
* ``uint<b>``: ``(code[n] - zero[k]) * scale[k]``, ``k = (i // B) * cols + j``, code ``n`` being code
  ``n % 8`` of group ``n // 8`` (``b`` bytes, code ``m`` at bit ``m * b`` of a little-endian integer);
* ``fp16``: ``float32(values[n])``.

Each is one float32 rounding of an exact product, which is what the graph's ``Mul`` did: the decoded
weights equal the decoding graph's outputs bit for bit (tested), and the JavaScript equals :func:`decode`.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Mapping
from typing import Any

import numpy as np

from .quant import dequantise_uint, unpack_codes

__all__ = ["MAGIC", "decode", "pack", "read_index"]

MAGIC = b"AVW1"
ALIGN = 8


def _stored(inits: dict[str, Any], name: str, kind: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The index entry (without offsets) and the arrays of one encoded weight, from the encoded graph."""
    from onnx import numpy_helper

    def get(suffix: str) -> np.ndarray:
        return numpy_helper.to_array(inits[name + suffix])

    if kind == "fp16":
        values = get("_fp16")
        return {"shape": list(values.shape)}, {"values": values.astype("<f2")}
    shape = [int(n) for n in get("_shape")]
    if kind == "int8":
        q, scale = get("_q"), get("_scale")
        axis = 0 if scale.shape[1] == 1 else 1  # (in/B, 1, out) for a Linear, (rows, cols/B, 1) for a table
        block = q.shape[1] if axis == 0 else q.shape[2]
        return {"shape": shape, "block": int(block), "axis": axis}, {"q": q.astype("<i1"), "scale": scale.astype("<f2")}
    bits = int(kind.removeprefix("uint"))
    codes_shape = [int(n) for n in get("_cshape")]
    packed, zero, scale = get("_packed"), get("_zero"), get("_scale")
    assert packed.shape[1] == bits, (name, packed.shape, bits)
    entry = {"shape": shape, "block": codes_shape[1], "axis": 0}
    return entry, {"packed": packed.astype(np.uint8), "scale": scale.astype("<f2"), "zero": zero.astype(np.uint8)}


def pack(model: Any, stored: Mapping[str, str], names: list[str]) -> bytes:
    """The weights file for ``names`` (the main graph's weight inputs, in order), from ``model``, the graph
    as :func:`.quant.encode_graph` left it (``stored``: its returned name -> encoding)."""
    inits = {i.name: i for i in model.graph.initializer}
    index, chunks, offset = [], [], 0
    for name in names:
        if name not in stored:
            raise ValueError(f"{name}: the main graph reads it, but it is not a stored weight")
        entry, arrays = _stored(inits, name, stored[name])
        parts = {}
        for part, array in arrays.items():
            data = np.ascontiguousarray(array).tobytes()
            pad = -offset % ALIGN
            chunks.append(b"\0" * pad + data)
            offset += pad
            parts[part] = [offset, len(data)]
            offset += len(data)
        index.append({"name": name, "encoding": stored[name], **entry, "parts": parts})
    header = json.dumps(index, separators=(",", ":")).encode()
    head = MAGIC + struct.pack("<I", len(header)) + header
    head += b"\0" * (-len(head) % ALIGN)
    return head + b"".join(chunks)


def read_index(blob: bytes) -> tuple[list[dict[str, Any]], int]:
    """(index, where the data starts) of a weights file."""
    if blob[:4] != MAGIC:
        raise ValueError("not an attnviz weights file (its first bytes are not AVW1)")
    (n,) = struct.unpack_from("<I", blob, 4)
    start = 8 + n
    return json.loads(blob[8:start]), start + (-start % ALIGN)


def _unpack(packed: np.ndarray, bits: int) -> np.ndarray:
    return unpack_codes(packed.reshape(-1, bits), bits)


def decode(blob: bytes) -> dict[str, np.ndarray]:
    """Every weight of a weights file, float32 (rows, cols): the reference for ``weights.js``."""
    index, start = read_index(blob)

    def part(entry: dict[str, Any], key: str, dtype: str) -> np.ndarray:
        offset, size = entry["parts"][key]
        return np.frombuffer(blob, dtype=dtype, count=size // np.dtype(dtype).itemsize, offset=start + offset)

    out = {}
    for entry in index:
        rows, cols = entry["shape"]
        kind = entry["encoding"]
        if kind == "fp16":
            out[entry["name"]] = part(entry, "values", "<f2").astype(np.float32).reshape(rows, cols)
            continue
        block = entry["block"]
        scale = part(entry, "scale", "<f2").astype(np.float32)
        if kind == "int8":
            q = part(entry, "q", "<i1").astype(np.float32).reshape(rows, cols)
            if entry["axis"] == 0:
                per_value = np.repeat(scale.reshape(rows // block, cols), block, axis=0)
            else:
                per_value = np.repeat(scale.reshape(rows, cols // block), block, axis=1)
            out[entry["name"]] = q * per_value
        else:
            codes = _unpack(part(entry, "packed", "u1"), int(kind.removeprefix("uint")))
            blocks = (rows // block, 1, cols)  # the stored layout (quant.uint_blocks): codes (in/B, B, out)
            zero = part(entry, "zero", "u1").reshape(blocks)
            value = dequantise_uint(codes.reshape(rows // block, block, cols), scale.reshape(blocks), zero)
            out[entry["name"]] = value.reshape(rows, cols)
    return out
