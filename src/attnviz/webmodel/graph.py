"""The ONNX graph of the browser model: embedded input in, every attention weight out, nothing else inside.

``export_fp32`` traces the model with the embedded input (``inputs_embeds``, the rows of the word-embedding
table, which the widget reads from chunk files): position and token-type embeddings and the embedding
LayerNorm stay in the graph. ``name_weights`` names every MatMul weight after its PyTorch module, and
``prune`` drops whatever the output does not need: the attention weights of the last layer come from its
query and key projections alone, so its value and output projections and its feed-forward block go.

Inputs: ``inputs_embeds`` float32 ``(1, T, hidden)``, ``token_type_ids`` int64 ``(1, T)``.
Output: ``attentions`` float32 ``(1, layers, heads, T, T)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["INPUTS", "OUTPUT", "export_fp32", "initializer_sizes", "name_weights", "prune"]

INPUTS = ("inputs_embeds", "token_type_ids")
OUTPUT = "attentions"
OPSET = 17
PREFIX = "bert."  # the wrapper's attribute: ONNX names are "bert." + the BertModel's parameter names


def load_torch(model_dir: Path) -> Any:
    """The bundled BertModel with eager attention (the only one that returns attention weights)."""
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager", local_files_only=True)
    return model.eval()


def export_fp32(model: Any, out: Path) -> None:
    """Export ``model`` (a BertModel) in float32 with the embedded input and all attention weights as output."""
    import torch

    class Attentions(torch.nn.Module):
        def __init__(self, bert: Any) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, inputs_embeds: torch.Tensor, token_type_ids: torch.Tensor) -> torch.Tensor:
            out = self.bert(inputs_embeds=inputs_embeds, token_type_ids=token_type_ids, output_attentions=True)
            return torch.stack(out.attentions, dim=1)  # (B, layers, heads, T, T)

    ids = torch.tensor([[101, 1996, 4937, 2938, 2006, 1996, 13523, 102]])
    # eval(): the exporter restores the wrapper's mode afterwards, and a new Module is in training mode, which
    # would leave ``model`` with dropout on for whoever uses it next
    wrapper = Attentions(model).eval()
    with torch.no_grad():
        embeds = model.embeddings.word_embeddings(ids)  # (1, T, hidden)
        torch.onnx.export(
            wrapper,
            (embeds, torch.zeros_like(ids)),
            str(out),
            input_names=list(INPUTS),
            output_names=[OUTPUT],
            dynamic_axes={INPUTS[0]: {1: "T"}, INPUTS[1]: {1: "T"}, OUTPUT: {3: "T", 4: "T"}},
            opset_version=OPSET,
            dynamo=False,
        )


def name_weights(model: Any) -> dict[str, str]:
    """Rename each MatMul weight (``onnx::MatMul_596``) after the module that uses it
    (``bert.encoder.layer.0.attention.self.query.weight``); returns old -> new.

    The tracer names biases and LayerNorm weights after their parameters but a Linear's weight, stored
    transposed as ``(in, out)``, only by a number; its MatMul node's name gives the module's path.
    """
    renames: dict[str, str] = {}
    inits = {i.name for i in model.graph.initializer}
    for node in model.graph.node:
        if node.op_type != "MatMul" or not node.name.endswith("/MatMul"):
            continue
        for name in node.input:
            if name in inits and name.startswith("onnx::"):
                module = node.name.strip("/").removesuffix("/MatMul").replace("/", ".")
                renames[name] = f"{module}.weight"
    for init in model.graph.initializer:
        if init.name in renames:
            init.name = renames[init.name]
    for node in model.graph.node:
        for i, name in enumerate(node.input):
            if name in renames:
                node.input[i] = renames[name]
    return renames


def prune(model: Any) -> list[str]:
    """Remove every node and initializer that no graph output depends on; returns the removed
    initializers' names. (Graph inputs stay: the widget feeds both. The graph has no subgraphs.)"""
    graph = model.graph
    needed = {o.name for o in graph.output}
    keep = []
    for node in reversed(list(graph.node)):
        if any(out in needed for out in node.output):
            keep.append(node)
            needed.update(n for n in node.input if n)
    keep.reverse()
    del graph.node[:]
    graph.node.extend(keep)
    removed = [i.name for i in graph.initializer if i.name not in needed]
    kept = [i for i in graph.initializer if i.name in needed]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    return removed


def initializer_sizes(model: Any) -> dict[str, int]:
    """Bytes of each stored initializer, largest first."""
    from onnx import numpy_helper

    sizes = {i.name: numpy_helper.to_array(i).nbytes for i in model.graph.initializer}
    return dict(sorted(sizes.items(), key=lambda kv: -kv[1]))


def unused_initializers(model: Any) -> list[str]:
    """Initializers that no node reads (a pruned graph has none)."""
    read = {name for node in model.graph.node for name in node.input}
    return [i.name for i in model.graph.initializer if i.name not in read]
