"""The word-embedding table as chunk files of rows, fetched on demand, and the reference reader.

The table (30,522 rows x 384 for the bundled model) is half of the model: the graph takes the embedded
input instead, and the widget fetches only the chunks that hold the rows of the tokens typed.

Storage: int8, symmetric, one float16 scale per block of 32 values of a row (what the whole-table export
used; int6 and int4 rows broke the precision gate: max abs diff 0.087 and 0.149). A chunk holds
``chunk_rows`` consecutive rows, the last chunk fewer; its file is, little-endian,
``q`` int8 ``(n, dim)`` followed by ``scale`` float16 ``(n, dim / 32)``, ``n`` the chunk's rows.
Row ``r`` of the table is row ``r % chunk_rows`` of chunk ``r // chunk_rows``, and dequantises as
``row[d] = float32(q[d]) * float32(scale[d // 32])``: one float32 multiply (correctly rounded, so a
JavaScript ``Float32Array`` store of ``q * scale`` gives the same bits).

Chunk size: the tokens of a sentence almost never share a chunk (the course sentences: a 10-token sentence
touches 8-9 chunks at any size from 16 to 256 rows), so the bytes a sentence needs grow with the chunk:
16 rows (6.5 KB a chunk) make a 10-token sentence about 60 KB, 64 rows about 210 KB, 256 rows 840 KB.
Smaller chunks only add files (1,908 at 16 rows) and requests of a few hundred bytes of headers each.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .quant import BLOCK, int8_blocks

__all__ = ["CHUNK_ROWS", "SUMS_FILE", "EmbeddingRows", "write_chunks"]

CHUNK_ROWS = 16
SUMS_FILE = "SHA256SUMS"  # every chunk's sha256, in the format of `sha256sum -c`


def _chunk_bytes(q: np.ndarray, scale: np.ndarray) -> bytes:
    return q.astype("<i1").tobytes() + scale.astype("<f2").tobytes()


def write_chunks(table: np.ndarray, parent: Path, chunk_rows: int = CHUNK_ROWS) -> dict[str, Any]:
    """Quantise ``table`` (rows, dim) and write its chunks into ``parent/embeddings.<hash>/``, where
    ``<hash>`` is the first 16 hex digits of the sha256 of all chunk files in order (so the folder's name,
    and every chunk's URL, changes exactly when any row's bytes do). Returns the manifest's entry."""
    rows, dim = table.shape
    q, scale = int8_blocks(table, axis=1)  # (rows, dim/32, 32), (rows, dim/32, 1)
    q, scale = q.reshape(rows, dim), scale.reshape(rows, dim // BLOCK)
    tmp = parent / "embeddings.tmp"
    tmp.mkdir(parents=True)
    whole = hashlib.sha256()
    sums = []
    for index, start in enumerate(range(0, rows, chunk_rows)):
        data = _chunk_bytes(q[start : start + chunk_rows], scale[start : start + chunk_rows])
        (tmp / f"{index}.bin").write_bytes(data)
        whole.update(data)
        sums.append(f"{hashlib.sha256(data).hexdigest()}  {index}.bin\n")
    (tmp / SUMS_FILE).write_text("".join(sums))
    folder = f"embeddings.{whole.hexdigest()[:16]}"
    tmp.rename(parent / folder)
    chunks = -(-rows // chunk_rows)
    return {
        "rows": rows,
        "dim": dim,
        "chunk_rows": chunk_rows,
        "chunks": chunks,
        "last_chunk_rows": rows - (chunks - 1) * chunk_rows,
        "path": f"{folder}/{{chunk}}.bin",
        "sha256": whole.hexdigest(),
        "bytes": rows * (dim + dim // BLOCK * 2),
        "sums": f"{folder}/{SUMS_FILE}",
        "byte_order": "little",
        "layout": [
            {"name": "q", "dtype": "int8", "shape": ["n", dim]},
            {"name": "scale", "dtype": "float16", "shape": ["n", dim // BLOCK]},
        ],
        "block": BLOCK,
        "dequantise": f"row[d] = float32(q[r][d]) * float32(scale[r][d // {BLOCK}])",
    }


@dataclass
class EmbeddingRows:
    """Reads rows from the chunk files as the widget will: the reference for its JavaScript.

    ``spec`` is the manifest's ``embeddings`` entry, ``directory`` the folder the manifest is in.
    """

    directory: Path
    spec: dict[str, Any]
    _chunks: dict[int, np.ndarray] = field(default_factory=dict, repr=False)

    @classmethod
    def from_manifest(cls, manifest_file: Path) -> EmbeddingRows:
        return cls(manifest_file.parent, json.loads(manifest_file.read_text())["embeddings"])

    def locate(self, token_id: int) -> tuple[int, int]:
        """(chunk, row within the chunk) of a token id; IndexError outside the table."""
        if not 0 <= token_id < self.spec["rows"]:
            raise IndexError(f"token id {token_id} is outside the embedding table (0 to {self.spec['rows'] - 1})")
        return divmod(int(token_id), self.spec["chunk_rows"])

    def chunk_path(self, chunk: int) -> Path:
        return self.directory / self.spec["path"].format(chunk=chunk)

    def chunk(self, chunk: int) -> np.ndarray:
        """Every row of one chunk, dequantised: float32 (n, dim)."""
        if chunk not in self._chunks:
            dim, blocks = self.spec["dim"], self.spec["dim"] // self.spec["block"]
            data = self.chunk_path(chunk).read_bytes()
            n = len(data) // (dim + 2 * blocks)
            if n * (dim + 2 * blocks) != len(data):
                raise ValueError(f"chunk {chunk}: {len(data)} bytes is not a whole number of rows")
            q = np.frombuffer(data, dtype="<i1", count=n * dim).reshape(n, dim)
            scale = np.frombuffer(data, dtype="<f2", offset=n * dim).reshape(n, blocks)
            per_value = np.repeat(scale.astype(np.float32), self.spec["block"], axis=1)
            self._chunks[chunk] = q.astype(np.float32) * per_value
        return self._chunks[chunk]

    def rows(self, ids: Iterable[int]) -> np.ndarray:
        """The dequantised rows of ``ids``, float32 (len(ids), dim): the graph's ``inputs_embeds`` for them."""
        out = []
        for token_id in ids:
            chunk, row = self.locate(int(token_id))
            out.append(self.chunk(chunk)[row])
        return np.stack(out) if out else np.zeros((0, self.spec["dim"]), dtype=np.float32)
