"""How each weight of the browser model is stored, and the nodes that turn it back into float32.

Encodings (in blocks: ``LINEAR_BLOCK`` = 128 values along a Linear's input for each output channel,
``BLOCK`` = 32 along the hidden size for each row of an embedding table):

* ``int8``: symmetric, ``w = q * scale`` with ``q`` int8 in [-127, 127] and one float16 ``scale`` per block;
* ``uint5`` / ``uint6`` / ``uint7`` (``uint<b>``): asymmetric, ``w = (c - zero) * scale`` with ``c`` a b-bit
  code, one float16 ``scale`` and one uint8 ``zero`` (a code) per block. The codes are packed 8 to ``b`` bytes
  (code ``j`` of a group at bit ``j * b`` of a little-endian integer), and chosen by GPTQ (Frantar et al., 2023): each
  code's rounding error is pushed onto the weights not yet rounded, weighted by how the calibration inputs
  use them, so the layer's *output* stays close rather than each weight alone;
* ``fp16``: float16.

The graph keeps each weight's name: a few nodes at its top rebuild it in float32 from the stored values
(``Cast``, ``Mul``, ``Add``, ``Sub``, ``Floor``, ``Gather``, ``Pad``, ``Reshape``), and onnxruntime folds them into
constants when the session starts. (``DequantizeLinear`` is avoided on purpose: onnxruntime fuses it with
the following ``MatMul`` into an integer matmul that also quantises the activations.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

import numpy as np

__all__ = [
    "BLOCK",
    "Encoding",
    "dequantise_uint",
    "encode_graph",
    "gptq_uint",
    "int8_blocks",
    "pack_codes",
    "uint_blocks",
    "unpack_codes",
]

BLOCK = 32
#: A Linear's weight is blocked along its input in blocks of this many (an embedding row: ``BLOCK``). 128
#: (GPTQ's usual group) rather than 32: the scales and zero codes shrink from 0.75 to 0.19 bit per weight,
#: 0.5 MB off the first use, for a precision still inside the gate (see export.weight_encoding).
LINEAR_BLOCK = 128
Encoding = Literal["fp16", "int8", "uint5", "uint6", "uint7"]


def _blocks(w: np.ndarray, axis: int, block: int = BLOCK) -> np.ndarray:
    """``w`` (rows, cols) split into blocks of ``block`` along ``axis``: (rows/B, B, cols) or (rows, cols/B, B)."""
    rows, cols = w.shape
    return w.reshape(rows // block, block, cols) if axis == 0 else w.reshape(rows, cols // block, block)


def int8_blocks(w: np.ndarray, axis: int, block: int = BLOCK) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 with one float16 scale per block along ``axis``: (q, scale), q shaped as the blocks,
    scale the same with the block dimension of size 1. Dequantised: ``q.astype(float32) * scale.astype(float32)``."""
    blocks = _blocks(w.astype(np.float32), axis, block)
    reduce = 1 if axis == 0 else 2
    scale = (np.abs(blocks).max(axis=reduce, keepdims=True) / 127.0).astype(np.float16)
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(blocks / scale.astype(np.float32)), -127, 127).astype(np.int8)
    return q, scale


def _grid(block: np.ndarray, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Asymmetric grid of one block of a Linear's input rows, (B, out), spanning its values and zero:
    float16 scale and uint8 zero code, each (out,)."""
    lo, hi = np.minimum(block.min(axis=0), 0), np.maximum(block.max(axis=0), 0)
    scale = ((hi - lo) / (2**bits - 1)).astype(np.float16)
    scale[scale == 0] = 1.0
    zero = np.clip(np.rint(-lo / scale.astype(np.float64)), 0, 2**bits - 1).astype(np.uint8)
    return scale, zero


def _round(row: np.ndarray, scale: np.ndarray, zero: np.ndarray, bits: int) -> np.ndarray:
    return np.clip(np.rint(row / scale.astype(np.float64)) + zero, 0, 2**bits - 1)


def _value(codes: np.ndarray, scale: np.ndarray, zero: np.ndarray) -> np.ndarray:
    return (codes - zero.astype(np.float64)) * scale.astype(np.float64)


def uint_blocks(w: np.ndarray, bits: int, block: int = BLOCK) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Round-to-nearest b-bit codes of a Linear's weight ``w`` (in, out), blocks along the input:
    (codes (in/B, B, out) uint8, scale (in/B, 1, out) float16, zero (in/B, 1, out) uint8)."""
    blocks = _blocks(w.astype(np.float64), 0, block)
    grids = [_grid(b, bits) for b in blocks]
    scale = np.stack([g[0] for g in grids])[:, None]
    zero = np.stack([g[1] for g in grids])[:, None]
    codes = np.stack([_round(b, s[0], z[0], bits) for b, s, z in zip(blocks, scale, zero, strict=True)])
    return codes.astype(np.uint8), scale, zero


def gptq_uint(
    w: np.ndarray, x: np.ndarray, bits: int, damp: float = 0.01, block: int = BLOCK
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """GPTQ b-bit codes of a Linear's weight ``w`` (in, out), given calibration inputs ``x`` (n, in).

    The input rows are rounded in order; each row's error, scaled by the inverse Hessian ``(x^T x)^-1``
    (through its Cholesky factor), is subtracted from the rows still to come. A block's grid is set when
    the block starts, from the weights as updated so far. Same return as :func:`uint_blocks`.
    """
    w = w.astype(np.float64).copy()
    n_in = w.shape[0]
    h = x.astype(np.float64).T @ x.astype(np.float64)
    dead = np.diag(h) == 0  # an input that is always zero: its weights do not matter
    h[dead, dead] = 1.0
    h += damp * np.mean(np.diag(h)) * np.eye(n_in)
    u = np.linalg.cholesky(np.linalg.inv(h)).T  # upper triangular, inv(h) = u.T @ u
    codes = np.zeros(w.shape, dtype=np.uint8)
    scales, zeros = [], []
    for start in range(0, n_in, block):
        end = start + block
        scale, zero = _grid(w[start:end], bits)
        scales.append(scale)
        zeros.append(zero)
        errs = np.zeros((block, w.shape[1]))
        for i in range(start, end):
            c = _round(w[i], scale, zero, bits)
            codes[i] = c
            errs[i - start] = (w[i] - _value(c, scale, zero)) / u[i, i]
            w[i + 1 : end] -= np.outer(u[i, i + 1 : end], errs[i - start])
        w[end:] -= u[start:end, end:].T @ errs  # the block's errors onto the rows after it, at once
    return (
        codes.reshape(n_in // block, block, -1),
        np.stack(scales)[:, None],
        np.stack(zeros)[:, None],
    )


def dequantise_uint(codes: np.ndarray, scale: np.ndarray, zero: np.ndarray) -> np.ndarray:
    """``(codes - zero) * scale`` in float32: the difference is a small integer (exact), then one rounding,
    exactly what the graph's ``Sub`` and ``Mul`` do."""
    return (codes.astype(np.float32) - zero.astype(np.float32)) * scale.astype(np.float32)


def pack_codes(codes: np.ndarray, bits: int) -> np.ndarray:
    """Pack b-bit codes (any shape, a multiple of 8 values, C order) into uint8 (groups, b)."""
    c = codes.reshape(-1, 8).astype(np.uint64)
    v = np.zeros(len(c), dtype=np.uint64)
    for j in range(8):
        v |= c[:, j] << np.uint64(j * bits)
    return v.astype("<u8").view(np.uint8).reshape(-1, 8)[:, :bits].copy()


def unpack_codes(packed: np.ndarray, bits: int) -> np.ndarray:
    """The inverse of :func:`pack_codes`: uint8 codes (groups * 8,)."""
    wide = np.zeros((len(packed), 8), dtype=np.uint8)
    wide[:, :bits] = packed
    v = wide.view("<u8").reshape(-1, 1)
    shifts = np.arange(8, dtype=np.uint64) * np.uint64(bits)
    return ((v >> shifts) & np.uint64(2**bits - 1)).astype(np.uint8).reshape(-1)


class _Writer:
    """Replaces initializers of a graph by stored encodings plus decoding nodes (which go first)."""

    def __init__(self, model: Any) -> None:
        self.graph = model.graph
        self.inits = {i.name: i for i in self.graph.initializer}
        self.nodes: list[Any] = []
        self.constants: set[str] = set()

    def add(self, array: np.ndarray, name: str) -> str:
        from onnx import numpy_helper

        self.graph.initializer.append(numpy_helper.from_array(array, name))
        return name

    def constant(self, array: np.ndarray, name: str) -> str:
        """A small initializer shared by every weight that needs it."""
        if name not in self.constants:
            self.constants.add(name)
            self.add(array, name)
        return name

    def node(self, op: str, inputs: list[str], output: str, **attrs: Any) -> str:
        from onnx import helper

        self.nodes.append(helper.make_node(op, inputs, [output], name=f"decode/{output}", **attrs))
        return output

    def drop(self, name: str) -> None:
        self.graph.initializer.remove(self.inits.pop(name))

    def as_float(self, name: str) -> str:
        from onnx import TensorProto

        return self.node("Cast", [name], name + "_f", to=TensorProto.FLOAT)

    def fp16(self, name: str, w: np.ndarray) -> None:
        self.drop(name)
        stored = self.add(w.astype(np.float16), name + "_fp16")
        from onnx import TensorProto

        self.node("Cast", [stored], name, to=TensorProto.FLOAT)

    def int8(self, name: str, w: np.ndarray, axis: int, block: int = BLOCK) -> None:
        q, scale = int8_blocks(w, axis, block)
        self.drop(name)
        blocks = self.node(
            "Mul",
            [self.as_float(self.add(q, name + "_q")), self.as_float(self.add(scale, name + "_scale"))],
            name + "_b",
        )
        self.node("Reshape", [blocks, self.add(np.array(w.shape, dtype=np.int64), name + "_shape")], name)

    def uint(self, name: str, w: np.ndarray, bits: int, x: np.ndarray | None) -> None:
        codes, scale, zero = (
            gptq_uint(w, x, bits, block=LINEAR_BLOCK) if x is not None else uint_blocks(w, bits, LINEAR_BLOCK)
        )
        self.drop(name)
        packed = self.as_float(self.add(pack_codes(codes, bits), name + "_packed"))  # (groups, bits)
        # Code j of a group starts at bit j*bits: in byte k = j*bits // 8, shifted by s = j*bits % 8. Read the
        # 16 bits of bytes k and k+1 (a zero byte padded after the last), v = lo + 256 * hi, then
        # code = floor(v / 2^s) - 2^bits * floor(v / 2^(s + bits)): all in float32, all exact.
        start = np.arange(8) * bits
        k = f"uint{bits}"
        one_byte = self.constant(np.array([0, 0, 0, 1], dtype=np.int64), "decode_pad_one_byte")
        padded = self.node("Pad", [packed, one_byte], name + "_pad")
        lo = self.node("Gather", [padded, self.constant(start // 8, f"{k}_byte")], name + "_lo", axis=1)
        hi = self.node("Gather", [padded, self.constant(start // 8 + 1, f"{k}_next_byte")], name + "_hi", axis=1)
        hi = self.node("Mul", [hi, self.constant(np.array(256, dtype=np.float32), "decode_256")], name + "_hi256")
        v = self.node("Add", [lo, hi], name + "_v")
        down = self.constant((2.0 ** -(start % 8)).astype(np.float32), f"{k}_shift")
        up = self.constant((2.0 ** -(start % 8 + bits)).astype(np.float32), f"{k}_shift_past")
        levels = self.constant(np.array(2**bits, dtype=np.float32), f"{k}_levels")
        shifted = self.node("Floor", [self.node("Mul", [v, down], name + "_vs")], name + "_floor")
        past = self.node("Floor", [self.node("Mul", [v, up], name + "_vp")], name + "_past")
        code = self.node("Sub", [shifted, self.node("Mul", [past, levels], name + "_pl")], name + "_code")
        code = self.node(
            "Reshape", [code, self.add(np.array(codes.shape, dtype=np.int64), name + "_cshape")], name + "_c"
        )
        centred = self.node("Sub", [code, self.as_float(self.add(zero, name + "_zero"))], name + "_cz")
        blocks = self.node("Mul", [centred, self.as_float(self.add(scale, name + "_scale"))], name + "_b")
        self.node("Reshape", [blocks, self.add(np.array(w.shape, dtype=np.int64), name + "_shape")], name)

    def finish(self) -> None:
        nodes = self.nodes + list(self.graph.node)  # the decoders produce the old names: put them first
        del self.graph.node[:]
        self.graph.node.extend(nodes)


def encode_graph(
    model: Any,
    encoding: Callable[[str], Encoding | None],
    calibration: Mapping[str, np.ndarray] | None = None,
) -> dict[str, Encoding]:
    """Store the float32 weights of ``model`` (an ONNX ModelProto, edited in place) as ``encoding(name)``
    says (``None``: keep float32). A Linear's weight (read by MatMul, (in, out)) is blocked along its input,
    an embedding table (read by Gather) along its rows. ``calibration[name]``, the inputs (n, in) that the
    Linear saw on the calibration text, turns on GPTQ for a ``uint<b>`` weight. Returns name -> encoding."""
    from onnx import numpy_helper

    writer = _Writer(model)
    readers: dict[str, set[str]] = {}
    for node in model.graph.node:
        for name in node.input:
            readers.setdefault(name, set()).add(node.op_type)
    done: dict[str, Encoding] = {}
    for name, init in list(writer.inits.items()):
        w = numpy_helper.to_array(init)
        ops = readers.get(name, set())
        if w.dtype != np.float32 or w.ndim != 2 or ops not in ({"MatMul"}, {"Gather"}):
            continue
        kind = encoding(name)
        if kind is None:
            continue
        if kind == "fp16":
            writer.fp16(name, w)
        elif kind == "int8":
            writer.int8(name, w, axis=0, block=LINEAR_BLOCK) if ops == {"MatMul"} else writer.int8(name, w, axis=1)
        elif ops == {"MatMul"}:
            writer.uint(name, w, int(kind.removeprefix("uint")), (calibration or {}).get(name))
        else:
            raise ValueError(f"{name}: {kind} is for a Linear's weight, not an embedding table")
        done[name] = kind
    writer.finish()
    return done
