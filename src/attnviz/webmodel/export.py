"""Build every file the widget downloads (format 3) and the manifest that names them by content hash.

Files (in one folder; the site serves it as ``_static/attnviz/playground/model/``):

* ``manifest.json``: the one fixed name, the widget's entry point (small; revalidate it on every visit);
* ``model.weights.<hash>.bin`` and ``model.main.<hash>.onnx``: the graph (:mod:`.graph`), weights stored as
  :func:`weight_encoding` says, in two: the stored weights (:mod:`.weights`), which the widget decodes in
  JavaScript once, and the main graph (:mod:`.split`), run per sentence with the decoded weights as inputs
  (``model.<hash>.onnx``, the graph in one piece with its decoding nodes, stays in the export folder for
  the tests and is not shipped);
* ``tokenizer.<hash>.json``, ``tokenizer_config.<hash>.json``: the model's tokenizer files, unchanged;
* ``embeddings.<hash>/<chunk>.bin`` and ``embeddings.<hash>/SHA256SUMS``: the word-embedding rows
  (:mod:`.embeddings`).

``<hash>`` is the first 16 hex digits of the sha256 of the file's bytes (for the embeddings folder, of all
its chunks in order): a file's URL changes exactly when its bytes do, so the widget can key Cache Storage
on the URL, and any entry whose URL the current manifest does not name is stale. The manifest gives each
file's full sha256 and byte size; the chunks' own sha256 are in ``SHA256SUMS`` (1,908 lines: too many to
put in a file every first use downloads), whose hash the manifest gives.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from . import calibration, embeddings, graph, quant, split, weights

__all__ = ["MANIFEST_FILE", "export", "manifest_files", "weight_encoding"]

MANIFEST_FILE = "manifest.json"
TOKENIZER_FILES = {"tokenizer": "tokenizer.json", "tokenizer_config": "tokenizer_config.json"}


def weight_encoding(name: str) -> quant.Encoding | None:
    """How each weight is stored. Measured with the precision gate (max abs diff / mean / same strongest
    key) on the course inputs, and on inputs the gate does not hold (the long passage pair, 150 tokens,
    and the pronoun counterfactual), all outside the calibration text:

    =====================================================  =======================  =======================
    plan                                                   course inputs            long pair + other
    =====================================================  =======================  =======================
    query/key float16, the rest int8 (the single file)     0.034 / 0.00043 / 99.67  0.032 / 0.00007 / 99.23
    all int8                                               0.042 / 0.00053 / 99.53  0.047 / 0.00008 / 99.10
    value/output 6 bits, feed-forward 7 bits               0.036 / 0.00059 / 99.53  0.047 / 0.00009 / 98.99
    value/output and feed-forward 6 bits                   0.054 / 0.00087 / 99.33  0.055 / 0.00015 / 98.42
    the 6/7-bit plan in blocks of 128, not 32 (this plan)  0.039 / 0.00079 / 99.38  0.042 / 0.00014 / 98.69
    =====================================================  =======================  =======================

    (Blocks of 32 and 64 store the same codes with more scales: the decoder is 9.05 / 8.74 / 8.54 MB for
    blocks of 32 / 64 / 128.)

    Feed-forward in 6 bits passed the gate (0.043) when calibrated on short sentences alone, but was three
    times as wrong on the long pair (0.097); 5 bits gave 0.092 and 4 bits 0.26 on the course inputs, and
    6 bits rounded to nearest (no GPTQ) 0.075. Position embeddings: int8 per row; the two token-type rows
    float16; LayerNorm weights and biases stay float32.
    """
    if name.endswith("position_embeddings.weight"):
        return "int8"
    if name.endswith("token_type_embeddings.weight"):
        return "fp16"
    if name.endswith(("attention.self.query.weight", "attention.self.key.weight")):
        return "int8"
    if name.endswith(("attention.self.value.weight", "attention.output.dense.weight")):
        return "uint6"
    if name.endswith(("intermediate.dense.weight", "output.dense.weight")):
        return "uint7"
    return None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_hashed(folder: Path, stem: str, suffix: str, data: bytes) -> dict[str, Any]:
    digest = _sha256(data)
    path = f"{stem}.{digest[:16]}{suffix}"
    (folder / path).write_bytes(data)
    return {"path": path, "sha256": digest, "bytes": len(data)}


def export(model_dir: Path, folder: Path, facts: dict[str, Any]) -> dict[str, Any]:
    """Write the format-3 files for the model in ``model_dir`` into ``folder``; returns the manifest
    (also written as ``folder/manifest.json``). ``facts``: the model's name and shape."""
    import onnx
    from transformers import AutoTokenizer

    model = graph.load_torch(model_dir)
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
    seen = calibration.linear_inputs(model, tokenizer, graph.PREFIX)
    fp32 = folder / "fp32.onnx"
    graph.export_fp32(model, fp32)
    proto = onnx.load(str(fp32))
    fp32.unlink()
    graph.name_weights(proto)
    graph.prune(proto)
    stored = quant.encode_graph(proto, weight_encoding, seen)
    onnx.checker.check_model(proto, full_check=True)
    unused = graph.unused_initializers(proto)
    if unused:
        raise RuntimeError(f"the pruned graph holds initializers no node reads: {unused}")

    # the whole graph stays beside the export (tests hold it to PyTorch); the site ships the main graph and
    # the stored weights it reads, which the widget decodes in JavaScript (.weights)
    whole = _write_hashed(folder, "model", ".onnx", proto.SerializeToString())
    decoder, main = split.split_decoder(proto)
    decoded = [o.name for o in decoder.graph.output]
    files = {
        "weights": _write_hashed(folder, "model.weights", ".bin", weights.pack(proto, stored, decoded)),
        "main": _write_hashed(folder, "model.main", ".onnx", main.SerializeToString()),
    }
    for key, name in TOKENIZER_FILES.items():
        stem, suffix = name.rsplit(".", 1)
        files[key] = _write_hashed(folder, stem, f".{suffix}", (model_dir / name).read_bytes())
    table = model.embeddings.word_embeddings.weight.detach().numpy()
    rows = embeddings.write_chunks(table, folder)
    sums = (folder / rows["sums"]).read_bytes()
    files["embedding_sums"] = {"path": rows["sums"], "sha256": _sha256(sums), "bytes": len(sums)}

    layers, heads, hidden = facts["layers"], facts["heads"], facts["hidden_size"]
    counts: dict[str, int] = {}
    for kind in stored.values():
        counts[kind] = counts.get(kind, 0) + 1
    manifest = {
        "format": 3,
        "model": {**facts, "vocab_size": int(table.shape[0])},
        "files": files,
        "graph": {
            "inputs": [
                {"name": graph.INPUTS[0], "dtype": "float32", "shape": [1, "T", hidden]},
                {"name": graph.INPUTS[1], "dtype": "int64", "shape": [1, "T"]},
            ],
            "outputs": [{"name": graph.OUTPUT, "dtype": "float32", "shape": [1, layers, heads, "T", "T"]}],
            "weights": counts,
            "whole": whole,  # the graph in one file (not shipped): weights + main compute exactly what it does
            "decoded": decoded,  # the main graph's weight inputs, in the weights file's order
            "last_layer": "query and key projections only (pruned: value, attention output, feed-forward)",
        },
        "embeddings": rows,
    }
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def manifest_files(folder: Path) -> list[Path]:
    """Every file of a format-3 export in ``folder``: the manifest, the files it names, every chunk."""
    manifest = json.loads((folder / MANIFEST_FILE).read_text())
    spec = manifest["embeddings"]
    chunks = [folder / spec["path"].format(chunk=i) for i in range(spec["chunks"])]
    return [folder / MANIFEST_FILE, *(folder / f["path"] for f in manifest["files"].values()), *chunks]
