"""The graph in two: the nodes that unpack the stored weights, and the model that runs per sentence.

The stored weights (6-, 7- and 8-bit codes with their scales, :mod:`.quant`) are unpacked by nodes of the
graph. In one graph those nodes run on every sentence (onnxruntime-web runs the graph unoptimised, since
folding them at session start took 11 s in Chromium against 5 s for the whole start): about 0.5-0.7 s of a
warm click. Split, the model (the main graph) takes the unpacked weights (float32, named after the
parameters) as inputs. The site ships the main graph; the decoder graph only names those inputs and is the
reference the tests hold the widget's own decoding to (:mod:`.weights`: in JavaScript, as the weights
download, where running the decoder graph in onnxruntime-web took seconds).

A node is the decoder's when every input it reads is an initializer or the output of another decoder node;
the model's inputs are the graph's inputs and the decoder's outputs that a model node reads. ``Constant``
nodes (shapes, shift amounts) go to whichever graph reads them, both if both do.
"""

from __future__ import annotations

from typing import Any

__all__ = ["split_decoder"]


def split_decoder(model: Any) -> tuple[Any, Any]:
    """(decoder, main) ONNX models from ``model``: decoder has no inputs and outputs the weights main reads."""
    import onnx
    from onnx import helper

    graph = model.graph
    constant = {i.name for i in graph.initializer}
    is_decoder = []
    for node in graph.node:
        mine = all(not name or name in constant for name in node.input)
        is_decoder.append(mine)
        if mine:
            constant.update(node.output)
    producer = {out: i for i, node in enumerate(graph.node) for out in node.output}

    boundary: list[str] = []
    for node, mine in zip(graph.node, is_decoder, strict=True):
        if mine:
            continue
        for name in node.input:
            if name in producer and is_decoder[producer[name]] and graph.node[producer[name]].op_type != "Constant":
                if name not in boundary:
                    boundary.append(name)
    if not boundary:
        raise ValueError("the graph has no weights to decode")

    def needed(roots: list[str], nodes: list[Any]) -> list[Any]:
        want = set(roots)
        keep = []
        for node in reversed(nodes):
            if any(out in want for out in node.output):
                keep.append(node)
                want.update(n for n in node.input if n)
        return list(reversed(keep))

    decoder_nodes = needed(boundary, [n for n, mine in zip(graph.node, is_decoder, strict=True) if mine])
    # the model: every non-decoder node, and the Constant nodes it reads
    constant_nodes = [n for n, mine in zip(graph.node, is_decoder, strict=True) if mine and n.op_type == "Constant"]
    main_nodes = [n for n, mine in zip(graph.node, is_decoder, strict=True) if not mine]
    read = {name for node in main_nodes for name in node.input}
    main_nodes = [n for n in constant_nodes if any(o in read for o in n.output)] + main_nodes
    main_nodes = needed([o.name for o in graph.output], main_nodes)

    inferred = onnx.shape_inference.infer_shapes(model)
    types = {v.name: v.type for v in [*inferred.graph.value_info, *inferred.graph.output]}

    def value(name: str) -> Any:
        info = onnx.ValueInfoProto()
        info.name = name
        info.type.CopyFrom(types[name])
        return info

    def initializers(nodes: list[Any]) -> list[Any]:
        used = {name for node in nodes for name in node.input}
        return [i for i in graph.initializer if i.name in used]

    decoder = helper.make_model(
        helper.make_graph(decoder_nodes, "decoder", [], [value(b) for b in boundary], initializers(decoder_nodes)),
        opset_imports=model.opset_import,
        ir_version=model.ir_version,
    )
    main = helper.make_model(
        helper.make_graph(
            main_nodes,
            "main",
            [*graph.input, *(value(b) for b in boundary)],
            list(graph.output),
            initializers(main_nodes),
        ),
        opset_imports=model.opset_import,
        ir_version=model.ir_version,
    )
    onnx.checker.check_model(decoder, full_check=True)
    onnx.checker.check_model(main, full_check=True)
    return decoder, main
