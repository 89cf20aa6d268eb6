"""Format 3 of the in-browser model (attnviz.webmodel): the embedded-input graph, its pruning and weight
encodings, the weights file, the embedding chunks and their reader, the content-hash manifest, and
precision vs PyTorch.

The precision gate is the same as for the single-file model (tests/test_onnx_export.py), measured with
onnxruntime's Python package on the graph the site ships, fed with rows read from the chunk files.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from attnviz import browser_model
from attnviz.core.sentences import course_sentences
from attnviz.webmodel import calibration, embeddings, graph, quant, weights
from attnviz.webmodel.export import MANIFEST_FILE, weight_encoding
from attnviz_devtools.precision import MAX_ABS, MEAN_ABS, SAME_TOP_KEY, agreement, torch_attentions
from attnviz_devtools.project import HTML


@pytest.fixture(scope="module")
def pruned(exported) -> onnx.ModelProto:
    return onnx.load(str(exported.graph_file))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- embedding chunks (small table, no export)


@pytest.fixture()
def small_table(tmp_path):
    rng = np.random.default_rng(1)
    table = rng.normal(size=(37, 64)).astype(np.float32)  # 37 rows: chunks of 16, 16 and a last one of 5
    spec = embeddings.write_chunks(table, tmp_path, chunk_rows=16)
    return table, spec, embeddings.EmbeddingRows(tmp_path, spec)


def test_chunks_hold_every_row_and_the_last_chunk_is_partial(small_table, tmp_path):
    table, spec, reader = small_table
    assert (spec["rows"], spec["dim"], spec["chunks"], spec["last_chunk_rows"]) == (37, 64, 3, 5)
    folder = tmp_path / spec["path"].split("/")[0]
    assert sorted(p.name for p in folder.iterdir()) == ["0.bin", "1.bin", "2.bin", embeddings.SUMS_FILE]
    row_bytes = 64 + 2 * 2  # int8 values, then two float16 scales (blocks of 32)
    assert [(folder / f"{i}.bin").stat().st_size for i in range(3)] == [16 * row_bytes, 16 * row_bytes, 5 * row_bytes]
    assert spec["bytes"] == 37 * row_bytes
    for token_id in range(37):
        assert reader.locate(token_id) == (token_id // 16, token_id % 16)
    # the reader's rows are the int8 rows dequantised, and within half a quantisation step of the table
    q, scale = quant.int8_blocks(table, axis=1)
    expected = (q.astype(np.float32) * scale.astype(np.float32)).reshape(37, 64)
    ids = [36, 0, 15, 16, 35, 36]
    got = reader.rows(ids)
    assert got.dtype == np.float32 and got.shape == (6, 64)
    assert np.array_equal(got, expected[ids])
    step = np.repeat(scale.astype(np.float32).reshape(37, 2), 32, axis=1)
    assert np.all(np.abs(reader.rows(range(37)) - table) <= step / 2 + 1e-7)


@pytest.mark.parametrize("bad", [-1, 37, 10**6])
def test_token_ids_outside_the_table_raise(small_table, bad):
    _, _, reader = small_table
    with pytest.raises(IndexError):
        reader.rows([1, bad])


def test_chunk_folder_is_named_by_the_hash_of_its_chunks(small_table, tmp_path):
    _, spec, reader = small_table
    chunks = [reader.chunk_path(i).read_bytes() for i in range(spec["chunks"])]
    whole = sha256(b"".join(chunks))
    assert spec["sha256"] == whole and spec["path"] == f"embeddings.{whole[:16]}/{{chunk}}.bin"
    sums = (tmp_path / spec["sums"]).read_text().splitlines()
    assert sums == [f"{sha256(data)}  {i}.bin" for i, data in enumerate(chunks)]


# ---------------------------------------------------------------- weight encodings and pruning (small graphs)


def matmul_model(w: np.ndarray) -> onnx.ModelProto:
    """y = x @ w, with w also an output (to read the decoded weight back)."""
    nodes = [helper.make_node("MatMul", ["x", "w"], ["y"], name="/l/MatMul")]
    g = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, w.shape[0]])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, w.shape[1]])],
        [numpy_helper.from_array(w, "w")],
    )
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", graph.OPSET)])


@pytest.mark.parametrize("bits", [5, 6, 7])
def test_codes_pack_and_unpack(bits):
    codes = np.random.default_rng(bits).integers(0, 2**bits, size=8 * 40).astype(np.uint8)
    packed = quant.pack_codes(codes, bits)
    assert packed.shape == (40, bits) and packed.dtype == np.uint8
    assert np.array_equal(quant.unpack_codes(packed, bits), codes)


@pytest.mark.parametrize("kind", ["int8", "uint6", "uint5", "fp16"])
def test_graph_decodes_each_encoding_exactly(kind):
    import onnxruntime as ort

    rng = np.random.default_rng(2)
    w = rng.normal(size=(2 * quant.LINEAR_BLOCK, 40)).astype(np.float32)  # two blocks along the input
    x = rng.normal(size=(50, 2 * quant.LINEAR_BLOCK)).astype(np.float32)
    model = matmul_model(w)
    assert quant.encode_graph(model, lambda name: kind) == {"w": kind}
    onnx.checker.check_model(model, full_check=True)
    assert not any(i.name == "w" for i in model.graph.initializer)
    model.graph.output.append(helper.make_tensor_value_info("w", TensorProto.FLOAT, list(w.shape)))
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    _, decoded = session.run(None, {"x": x})
    if kind == "int8":
        q, scale = quant.int8_blocks(w, axis=0, block=quant.LINEAR_BLOCK)
        expected = (q.astype(np.float32) * scale.astype(np.float32)).reshape(w.shape)
    elif kind == "fp16":
        expected = w.astype(np.float16).astype(np.float32)
    else:
        codes = quant.uint_blocks(w, int(kind[-1]), quant.LINEAR_BLOCK)
        assert codes[1].shape == (2, 1, 40)  # one scale per block of LINEAR_BLOCK inputs and output channel
        expected = quant.dequantise_uint(*codes).reshape(w.shape)
    assert np.array_equal(decoded, expected)


def test_gptq_keeps_a_layer_output_closer_than_rounding_each_weight():
    rng = np.random.default_rng(3)
    # strongly correlated input channels (a few directions plus noise), as hidden states have
    x = (rng.normal(size=(400, 8)) @ rng.normal(size=(8, 64)) + 0.1 * rng.normal(size=(400, 64))).astype(np.float32)
    w = rng.normal(size=(64, 32)).astype(np.float32)
    rtn = quant.dequantise_uint(*quant.uint_blocks(w, 5)).reshape(w.shape)
    gptq = quant.dequantise_uint(*quant.gptq_uint(w, x, 5)).reshape(w.shape)
    err = lambda v: np.linalg.norm(x @ v - x @ w)  # noqa: E731
    assert err(gptq) < 0.5 * err(rtn)  # 0.30 here
    # codes and zero points fit in 5 bits
    codes, _, zero = quant.gptq_uint(w, x, 5)
    assert codes.max() <= 31 and zero.max() <= 31


def test_prune_drops_what_no_output_needs():
    a, b = np.ones((4, 4), np.float32), np.full((4, 4), 2, np.float32)
    nodes = [
        helper.make_node("MatMul", ["x", "a"], ["y"]),
        helper.make_node("MatMul", ["x", "b"], ["dead"]),
        helper.make_node("Relu", ["dead"], ["dead2"]),
    ]
    g = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])],
        [numpy_helper.from_array(a, "a"), numpy_helper.from_array(b, "b")],
    )
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", graph.OPSET)])
    assert graph.unused_initializers(model) == []  # "b" is read, by a node nobody needs
    assert graph.prune(model) == ["b"]
    assert [n.op_type for n in model.graph.node] == ["MatMul"] and graph.unused_initializers(model) == []
    onnx.checker.check_model(model)


def test_calibration_text_holds_no_course_sentence():
    inputs = calibration.calibration_inputs()
    assert len(inputs) >= 90 and any(b for _, b in inputs)
    course = {s for pair in course_sentences().checks for s in pair if s}
    assert not course & {s for pair in inputs for s in pair if s}


# ---------------------------------------------------------------- the export the site ships


def decoded_weights(model: onnx.ModelProto) -> set[str]:
    """Names of the float32 weights the model's computing nodes read: initializers, or decoders' outputs."""
    decoded = {out for node in model.graph.node if node.name.startswith("decode/") for out in node.output}
    stored = {i.name for i in model.graph.initializer}
    return {
        name
        for node in model.graph.node
        if not node.name.startswith("decode/")
        for name in node.input
        if name in stored or name in decoded
    }


def test_graph_takes_embedded_input_and_gives_every_attention_weight(exported, pruned):
    manifest = exported.manifest
    kinds = {TensorProto.FLOAT: "float32", TensorProto.INT64: "int64"}
    inputs = [(i.name, kinds[i.type.tensor_type.elem_type]) for i in pruned.graph.input]
    assert inputs == [("inputs_embeds", "float32"), ("token_type_ids", "int64")]
    assert [(i["name"], i["dtype"]) for i in manifest["graph"]["inputs"]] == inputs
    assert [o.name for o in pruned.graph.output] == ["attentions"]
    assert manifest["graph"]["outputs"][0]["shape"] == [1, 6, 12, "T", "T"]


def test_pruned_graph_holds_only_what_the_attention_weights_need(pruned, bundled):
    onnx.checker.check_model(pruned, full_check=True)
    assert graph.unused_initializers(pruned) == []
    params = {"bert." + name for name, _ in bundled.model.named_parameters()}
    last = bundled.model.config.num_hidden_layers - 1
    needed = {
        p
        for p in params
        if "word_embeddings" not in p
        and "pooler" not in p
        and (f"layer.{last}." not in p or ".attention.self.query." in p or ".attention.self.key." in p)
    }
    used = decoded_weights(pruned)
    assert used & params == needed  # (the rest of ``used``: constants the tracer made, such as shapes)
    assert not any(f"layer.{last}.attention.self.value" in p or f"layer.{last}.output" in p for p in used)
    assert not any("word_embeddings" in i.name for i in pruned.graph.initializer)
    sizes = graph.initializer_sizes(pruned)
    print(f"\n{len(sizes)} initializers, {sum(sizes.values()):,} bytes; largest:")
    for name, size in list(sizes.items())[:8]:
        print(f"  {name}: {size:,}")


def test_weights_are_named_after_their_parameters(pruned, bundled):
    """Each decoded weight is its PyTorch parameter (transposed for a Linear), give or take the rounding."""
    import onnxruntime as ort

    model = onnx.ModelProto()
    model.CopyFrom(pruned)
    state = {"bert." + k: v.detach().numpy() for k, v in bundled.model.state_dict().items()}
    names = sorted(n for n in decoded_weights(model) if n in state and state[n].ndim == 2)
    for name in names:
        model.graph.output.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, None))
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    feeds = {"inputs_embeds": np.zeros((1, 3, 384), np.float32), "token_type_ids": np.zeros((1, 3), np.int64)}
    values = session.run(names, feeds)
    for name, got in zip(names, values, strict=True):
        want = state[name] if "embeddings" in name else state[name].T
        assert got.shape == want.shape, name
        relative = np.linalg.norm(got - want) / np.linalg.norm(want)
        limit = {"int8": 0.01, "fp16": 0.001, "uint6": 0.05, "uint7": 0.03}[weight_encoding(name) or "fp16"]
        assert relative < limit, (name, relative)


def test_manifest_hashes_and_sizes_are_the_files(exported):
    manifest = exported.manifest
    for entry in manifest["files"].values():
        data = (exported.directory / entry["path"]).read_bytes()
        assert (entry["sha256"], entry["bytes"]) == (sha256(data), len(data)), entry["path"]
        if not entry["path"].startswith("embeddings."):
            stem, digest, _ = entry["path"].rsplit(".", 2)
            assert digest == entry["sha256"][:16] and stem in {
                "model.weights",
                "model.main",
                "tokenizer",
                "tokenizer_config",
            }
    spec = manifest["embeddings"]
    reader = exported.embeddings()
    chunks = [reader.chunk_path(i).read_bytes() for i in range(spec["chunks"])]
    sums = (exported.directory / spec["sums"]).read_text().splitlines()
    assert sums == [f"{sha256(data)}  {i}.bin" for i, data in enumerate(chunks)]
    assert sha256(b"".join(chunks)) == spec["sha256"] and sum(map(len, chunks)) == spec["bytes"]
    assert spec["path"].startswith(f"embeddings.{spec['sha256'][:16]}/")
    # the tokenizer files are the model's own, byte for byte
    model_dir = browser_model._bundled_dir()
    for key, name in (("tokenizer", "tokenizer.json"), ("tokenizer_config", "tokenizer_config.json")):
        assert manifest["files"][key]["sha256"] == sha256((model_dir / name).read_bytes())


def test_every_token_id_has_a_row_close_to_the_model(exported, bundled):
    reader = exported.embeddings()
    table = bundled.model.embeddings.word_embeddings.weight.detach().numpy()
    spec = reader.spec
    assert (spec["rows"], spec["dim"]) == table.shape
    assert spec["chunks"] == -(-table.shape[0] // spec["chunk_rows"])
    assert len(reader.chunk_path(spec["chunks"] - 1).read_bytes()) == spec["last_chunk_rows"] * (384 + 24)
    rows = reader.rows(range(table.shape[0]))
    assert rows.shape == table.shape
    step = np.abs(table).reshape(-1, 12, 32).max(axis=2, keepdims=True) / 127  # the block scale
    assert np.all(np.abs(rows - table).reshape(-1, 12, 32) <= step * 0.51 + 1e-6)
    with pytest.raises(IndexError):
        reader.rows([table.shape[0]])


def shipped(exported):
    """What the site ships, as the widget runs it: the stored weights decoded (weights.decode, the reference
    for weights.js) and the main graph (onnxruntime without graph optimization, as onnxruntime-web is started)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    path = lambda key: exported.directory / exported.manifest["files"][key]["path"]  # noqa: E731
    decoded = weights.decode(path("weights").read_bytes())
    main = ort.InferenceSession(str(path("main")), options, providers=["CPUExecutionProvider"])
    return decoded, main


def test_shipped_weights_and_main_graph_compute_exactly_the_whole_graph(exported, pruned):
    """The weights file decodes to exactly what the whole graph's decoding nodes give, and the main graph fed
    with them gives exactly the whole graph's attention weights."""
    import onnxruntime as ort

    decoded, main = shipped(exported)
    names = list(decoded)
    assert names == exported.manifest["graph"]["decoded"]
    assert names == [i.name for i in main.get_inputs()][2:]  # after inputs_embeds and token_type_ids
    assert all(name.startswith("bert.") and name.endswith(".weight") for name in names), names
    files = exported.manifest["files"]
    assert files["main"]["bytes"] < 300_000 < files["weights"]["bytes"]  # main holds only the small weights
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL  # the same kernels as main
    model = onnx.ModelProto()
    model.CopyFrom(pruned)
    del model.graph.output[:]
    model.graph.output.extend(helper.make_tensor_value_info(name, TensorProto.FLOAT, None) for name in names)
    model.graph.output.append(helper.make_tensor_value_info("attentions", TensorProto.FLOAT, None))
    whole = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    for length in (3, 17):
        feeds = {
            "inputs_embeds": rng.normal(scale=0.05, size=(1, length, 384)).astype(np.float32),
            "token_type_ids": (np.arange(length) >= length // 2).astype(np.int64)[None],
        }
        *graph_weights, attentions = whole.run(None, feeds)
        for name, value in zip(names, graph_weights, strict=True):
            assert decoded[name].dtype == np.float32 and np.array_equal(decoded[name], value), name
        assert np.array_equal(main.run(["attentions"], {**feeds, **decoded})[0], attentions)


def test_weights_file_rejects_what_it_is_not():
    with pytest.raises(ValueError, match="AVW1"):
        weights.decode(b"PK\x03\x04" + bytes(60))


def test_pruned_graph_matches_pytorch_on_the_course_sentences(exported, bundled):
    decoded, main = shipped(exported)
    reader = exported.embeddings()
    pairs = []
    for a, b in course_sentences().checks:
        enc, ref = torch_attentions(bundled, a, b)
        feeds = {
            "inputs_embeds": reader.rows(enc["input_ids"][0].tolist())[None],
            "token_type_ids": enc["token_type_ids"].numpy(),
            **decoded,
        }
        got = main.run(["attentions"], feeds)[0][0]
        assert got.shape == ref.shape
        pairs.append((got, ref))
    stats = agreement(pairs)
    print(f"\nformat-2 graph vs PyTorch ({len(pairs)} inputs, {stats['rows']} rows): {stats}")
    assert stats["max"] <= MAX_ABS
    assert stats["mean"] <= MEAN_ABS
    assert stats["same_top"] >= SAME_TOP_KEY


def test_cache_key_changes_with_the_format(monkeypatch):
    key = browser_model.cache_key()
    monkeypatch.setattr(browser_model, "FORMAT_VERSION", browser_model.FORMAT_VERSION + 1)
    assert browser_model.cache_key() != key


def test_site_ships_every_file_the_manifest_names():
    model = HTML / "_static" / "attnviz" / "playground" / "model"
    if not (model / MANIFEST_FILE).exists():
        pytest.fail("_build/html has no format-2 model: run `make book` first")
    manifest = json.loads((model / MANIFEST_FILE).read_text())
    for entry in manifest["files"].values():
        assert (model / entry["path"]).stat().st_size == entry["bytes"], entry["path"]
    spec = manifest["embeddings"]
    folder = model / spec["path"].split("/")[0]
    assert len(list(folder.glob("*.bin"))) == spec["chunks"]
    assert sum(p.stat().st_size for p in folder.glob("*.bin")) == spec["bytes"]
    assert [p.name for p in model.parent.glob("model/embeddings.*")] == [folder.name]  # no older table left
