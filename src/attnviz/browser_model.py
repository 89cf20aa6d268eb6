"""The model that runs in the reader's browser: the bundled all-MiniLM-L6-v2, exported to ONNX with
every attention weight as its output, then made small enough to download.

Whatever model the book is built with, the browser runs this one (6 layers x 12 heads, ~23M parameters):
it is the only one small enough for a page. The export happens at ``make book`` (see
:mod:`attnviz.sphinx.playground`) and is cached on a key of everything that could change it.

Precision (chosen by measuring; ``tests/test_onnx_export.py`` prints the figures below and holds them to the
limits in ``tools/attnviz_devtools/precision.py``, ``tests/test_browser_playground.py`` does the same in Chromium):

* every Linear layer: int8, symmetric, one float16 scale per output channel and block of 32 input rows;
* the query and key projections stay in float16: attention weights are a softmax of ``q @ k``, so
  their errors show up directly in the weights we draw;
* the word-embedding table (half of all parameters): int8, one scale per row and block of 32 values
  (one scale per row alone gave a max abs diff of 0.074: too coarse);
* position and token-type embeddings: float16; LayerNorm and biases: float32.

On the course sentences (26 inputs, 24,264 attention rows) this gives 24.4 MB, a max abs diff of
0.027 from PyTorch's weights, a mean of 0.00043, and the same strongest key in 99.6% of rows.

The graph: inputs ``input_ids``, ``token_type_ids`` (int64, shape ``(1, T)``), output ``attentions``
of shape ``(1, layers, heads, T, T)`` (float32).

That single file (``model.onnx``, with ``model.json``) is no longer shipped; its tests remain. Beside it the
export writes format 3 (:mod:`attnviz.webmodel`), what the widget downloads: a graph that takes the embedded input
and holds only what the attention weights need, the word-embedding rows as chunk files fetched on demand,
and ``manifest.json``, which names every file by its content hash. ``python benchmarks/browser_model.py
--sizes`` prints both formats' sizes and precision.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .webmodel.embeddings import EmbeddingRows

__all__ = [
    "MODEL_FILE",
    "BrowserModel",
    "bundled_facts",
    "cache_key",
    "ensure_browser_model",
    "export_fp32",
    "quantise",
]

MODEL_FILE = "model.onnx"
FACTS_FILE = "model.json"
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json")
OPSET = 17
# Bump when the export or the quantisation changes in a way the source hash would not show.
# 2: the format-2 files (attnviz.webmodel: embedded-input graph, embedding chunks, manifest) beside model.onnx
# 3: format 2's graph shipped in two (a decoder run once, the main graph per sentence)
# 4: format 3: the stored weights in one file decoded by the widget in JavaScript, not by a decoder graph
FORMAT_VERSION = 4
# Linear layers kept in float16 (matched against the ONNX node's name).
FP16_LINEARS = ("attention/self/query", "attention/self/key")
WORD_EMBEDDINGS = "embeddings.word_embeddings.weight"
BLOCK = 32  # values per int8 scale (one block of a Linear's input rows, or of an embedding row)


@dataclass(frozen=True)
class BrowserModel:
    """An exported browser model in ``directory``: the ONNX file, the tokenizer files, and facts."""

    directory: Path
    facts: dict[str, Any]

    @property
    def model_file(self) -> Path:
        """The single-file model of format 1 (input ids in, word embeddings inside): today's widget loads it."""
        return self.directory / MODEL_FILE

    @property
    def manifest_file(self) -> Path:
        """Format 3's entry point: it names the graph, the tokenizer files and the embedding chunks."""
        from .webmodel.export import MANIFEST_FILE

        return self.directory / MANIFEST_FILE

    @property
    def manifest(self) -> dict[str, Any]:
        return json.loads(self.manifest_file.read_text())

    @property
    def graph_file(self) -> Path:
        """The whole graph (not shipped; the tests' reference): embedded input in, attention weights out."""
        return self.directory / self.manifest["graph"]["whole"]["path"]

    def embeddings(self) -> EmbeddingRows:
        """The reference reader of format 3's embedding chunks."""
        from .webmodel.embeddings import EmbeddingRows

        return EmbeddingRows.from_manifest(self.manifest_file)

    def files(self) -> list[Path]:
        """Every file the site ships: format 3's (paths inside ``directory``, the chunks in a subfolder). The
        single-file model.onnx of format 1 is still exported (its tests hold it to PyTorch), not shipped."""
        from .webmodel.export import manifest_files

        return manifest_files(self.directory)


def _bundled_dir() -> Path:
    from .core.models import bundled_path as _bundled_path

    return _bundled_path()


def cache_key(model_dir: Path | None = None) -> str:
    """A hash of what determines the exported files: the model's files, this module, and the versions
    of torch, transformers and onnx."""
    from importlib.metadata import version

    model_dir = model_dir or _bundled_dir()
    h = hashlib.sha256()
    h.update(f"format={FORMAT_VERSION};opset={OPSET}".encode())
    for package in ("torch", "transformers", "onnx"):
        h.update(f"{package}={version(package)};".encode())
    h.update(Path(__file__).read_bytes())
    for path in sorted((Path(__file__).parent / "webmodel").iterdir()):  # the format-3 export and its data
        if path.is_file():
            h.update(path.name.encode() + path.read_bytes())
    for name in ("config.json", "model.safetensors", *TOKENIZER_FILES):
        path = model_dir / name
        stat = path.stat()
        # size + mtime + the first and last MiB: hashing 90 MB on every build would cost ~0.3 s for nothing
        h.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
        with path.open("rb") as f:
            h.update(f.read(1 << 20))
            if stat.st_size > 1 << 20:
                f.seek(-(1 << 20), os.SEEK_END)
                h.update(f.read())
    return h.hexdigest()[:16]


def export_fp32(model_dir: Path, out: Path) -> None:
    """Export the model in float32 with all attention weights as the one output."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager", local_files_only=True)
    model.eval()

    class Attentions(torch.nn.Module):
        def __init__(self, bert: Any) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: torch.Tensor, token_type_ids: torch.Tensor) -> torch.Tensor:
            out = self.bert(input_ids=input_ids, token_type_ids=token_type_ids, output_attentions=True)
            return torch.stack(out.attentions, dim=1)  # (B, layers, heads, T, T)

    ids = torch.tensor([[101, 1996, 4937, 2938, 2006, 1996, 13523, 102]])
    with torch.no_grad():
        torch.onnx.export(
            Attentions(model),
            (ids, torch.zeros_like(ids)),
            str(out),
            input_names=["input_ids", "token_type_ids"],
            output_names=["attentions"],
            dynamic_axes={"input_ids": {1: "T"}, "token_type_ids": {1: "T"}, "attentions": {3: "T", 4: "T"}},
            opset_version=OPSET,
            dynamo=False,
        )


def _int8_per_axis(w: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8: one scale per slice along ``axis``; returns (q, scale)."""
    reduce = tuple(i for i in range(w.ndim) if i != axis)
    scale = np.abs(w).max(axis=reduce) / 127.0
    scale = np.where(scale == 0, 1.0, scale).astype(np.float32)
    shape = [1] * w.ndim
    shape[axis] = -1
    q = np.clip(np.rint(w / scale.reshape(shape)), -127, 127).astype(np.int8)
    return q, scale


def _int8_blocks(w: np.ndarray, block: int, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 of a matrix with one scale per block of ``block`` values along ``axis``
    (for each index of the other axis). Returns q, shaped with ``axis`` split into
    ``(n/block, block)``, and the scale, shaped the same with the block dimension of size 1."""
    rows, cols = w.shape
    if axis == 0:
        blocks = w.reshape(rows // block, block, cols)
        reduce = 1
    else:
        blocks = w.reshape(rows, cols // block, block)
        reduce = 2
    scale = np.abs(blocks).max(axis=reduce, keepdims=True) / 127.0
    scale = np.where(scale == 0, 1.0, scale).astype(np.float32)
    q = np.clip(np.rint(blocks / scale), -127, 127).astype(np.int8)
    return q, scale


def quantise(src: Path, dst: Path) -> dict[str, int]:
    """Rewrite the float32 graph at ``src`` into the browser precision; returns counts per kind.

    Each replaced weight keeps its name: a few nodes at the top of the graph rebuild it in float32 from
    the stored int8 or float16 values (``Cast``, ``Mul``, ``Reshape``), and onnxruntime folds them into
    constants when the session starts. (``DequantizeLinear`` is avoided on purpose: onnxruntime fuses
    it with the following ``MatMul`` into an integer matmul that also quantises the activations, which
    made the attention weights twice as wrong.)
    """
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(src))
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    consumers: dict[str, list[Any]] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    new_nodes: list[Any] = []
    counts = {"int8_linear": 0, "fp16_linear": 0, "int8_embedding": 0, "fp16_embedding": 0}

    def as_fp16(name: str, w: np.ndarray) -> None:
        graph.initializer.remove(inits[name])
        graph.initializer.append(numpy_helper.from_array(w.astype(np.float16), name + "_fp16"))
        new_nodes.append(helper.make_node("Cast", [name + "_fp16"], [name], to=onnx.TensorProto.FLOAT))

    def as_int8(name: str, w: np.ndarray, axis: int) -> None:
        q, scale = _int8_blocks(w, BLOCK, axis)
        graph.initializer.remove(inits[name])
        graph.initializer.extend(
            [
                numpy_helper.from_array(q, name + "_q"),
                numpy_helper.from_array(scale.astype(np.float16), name + "_scale"),
                numpy_helper.from_array(np.array(w.shape, dtype=np.int64), name + "_shape"),
            ]
        )
        new_nodes.extend(
            [
                helper.make_node("Cast", [name + "_q"], [name + "_qf"], to=onnx.TensorProto.FLOAT),
                helper.make_node("Cast", [name + "_scale"], [name + "_sf"], to=onnx.TensorProto.FLOAT),
                helper.make_node("Mul", [name + "_qf", name + "_sf"], [name + "_blocks"]),
                helper.make_node("Reshape", [name + "_blocks", name + "_shape"], [name]),
            ]
        )

    for name, init in list(inits.items()):
        users = consumers.get(name, [])
        w = numpy_helper.to_array(init)
        if w.dtype != np.float32 or w.ndim != 2 or not users:
            continue
        if all(u.op_type == "MatMul" for u in users):  # a Linear's weight, (in, out)
            if any(key in u.name for u in users for key in FP16_LINEARS):
                as_fp16(name, w)
                counts["fp16_linear"] += 1
            else:
                as_int8(name, w, axis=0)  # blocks along the input: one scale per output channel and block
                counts["int8_linear"] += 1
        elif all(u.op_type == "Gather" for u in users):  # an embedding table, (rows, hidden)
            if name.endswith(WORD_EMBEDDINGS):
                as_int8(name, w, axis=1)  # blocks along the hidden size: one scale per row and block
                counts["int8_embedding"] += 1
            else:
                as_fp16(name, w)
                counts["fp16_embedding"] += 1
    # The new nodes produce the old initializer names: put them first so the graph stays sorted.
    nodes = new_nodes + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.checker.check_model(model)
    onnx.save(model, str(dst))
    return counts


def bundled_facts(model_dir: Path | None = None) -> dict[str, Any]:
    """Name and shape of the browser model, read from the bundled model's config (no export needed)."""
    from .core.models import BUNDLED_NAME, BUNDLED_PACKAGE

    cfg = json.loads(((model_dir or _bundled_dir()) / "config.json").read_text())
    return {
        "name": BUNDLED_NAME,
        "package": BUNDLED_PACKAGE,
        "layers": int(cfg["num_hidden_layers"]),
        "heads": int(cfg["num_attention_heads"]),
        "hidden_size": int(cfg["hidden_size"]),
        "max_tokens": int(cfg["max_position_embeddings"]),
    }


def _facts(model_dir: Path, model_file: Path, counts: dict[str, int]) -> dict[str, Any]:
    return {
        **bundled_facts(model_dir),
        "model_bytes": model_file.stat().st_size,
        "precision": f"int8 in blocks of {BLOCK} (linears, word embeddings), float16 query/key",
        "tensors": counts,
    }


def _format2(model_dir: Path, work: Path) -> dict[str, Any]:
    """Write format 3 beside the single file; the facts the widget's text will need from it."""
    from .webmodel.export import MANIFEST_FILE, export

    manifest = export(model_dir, work, bundled_facts(model_dir))
    files = manifest["files"]
    return {
        "manifest": MANIFEST_FILE,
        "graph_bytes": files["weights"]["bytes"] + files["main"]["bytes"],
        "tokenizer_bytes": files["tokenizer"]["bytes"] + files["tokenizer_config"]["bytes"],
        "embedding_bytes": manifest["embeddings"]["bytes"],
        "chunk_rows": manifest["embeddings"]["chunk_rows"],
    }


def ensure_browser_model(cache_root: Path, log: Any = None) -> BrowserModel:
    """The exported browser model under ``cache_root/<key>/``, exported only when that folder is missing.

    Older keys' folders are removed, so the cache holds one model.
    """
    model_dir = _bundled_dir()
    key = cache_key(model_dir)
    target = cache_root / key
    if (target / FACTS_FILE).exists():
        return BrowserModel(target, json.loads((target / FACTS_FILE).read_text()))
    if log:
        log(f"attnviz: exporting the browser model to ONNX ({target})")
    cache_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_root) as tmp:
        work = Path(tmp)
        export_fp32(model_dir, work / "fp32.onnx")
        counts = quantise(work / "fp32.onnx", work / MODEL_FILE)
        (work / "fp32.onnx").unlink()
        for name in TOKENIZER_FILES:
            shutil.copyfile(model_dir / name, work / name)
        facts = _facts(model_dir, work / MODEL_FILE, counts)
        facts["format2"] = _format2(model_dir, work)
        (work / FACTS_FILE).write_text(json.dumps(facts, indent=1) + "\n")
        for old in cache_root.iterdir():
            if old.is_dir() and old.name != work.name:
                shutil.rmtree(old, ignore_errors=True)
        work.rename(target)
        work.mkdir()  # TemporaryDirectory removes it again on exit
    return BrowserModel(target, facts)
