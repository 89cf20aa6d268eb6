"""attnviz.core.models: which model is loaded, from where, and what a learner reads when none can be."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time

import pytest

import attnviz
from attnviz.core import models
from attnviz.course.banner import describe_model, model_banner, reason

UNREACHABLE = {"HF_ENDPOINT": "http://127.0.0.1:9", "HF_HUB_OFFLINE": ""}


def _run(code: str, tmp_path, **env) -> subprocess.CompletedProcess:
    full = {**os.environ, "HF_HOME": str(tmp_path / "hf"), **UNREACHABLE, **env}
    return subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True, timeout=180)


def test_hub_unreachable_is_decided_quickly(monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    start = time.monotonic()
    assert models.hub_reachable() is False
    assert time.monotonic() - start < models.HUB_TIMEOUT_S + 1


def test_offline_flag_skips_the_network(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_ENDPOINT", "http://192.0.2.1")  # would hang if it were contacted
    start = time.monotonic()
    assert models.hub_reachable() is False
    assert time.monotonic() - start < 0.5


def test_auto_falls_back_to_the_bundled_model_visibly(tmp_path):
    code = (
        "import attnviz; m = attnviz.load_model();"
        "print(m.info.name, m.info.is_fallback, m.info.layers, m.info.heads);"
        "from attnviz.course.banner import describe_model; print(m.info.source, describe_model(m.info))"
    )
    proc = _run(code, tmp_path, ATTNVIZ_MODEL="auto")
    assert proc.returncode == 0, proc.stderr
    first, second = proc.stdout.strip().splitlines()
    # no wait for the network: the look-up itself is bounded by HUB_TIMEOUT_S (tested above)
    name, fallback, layers, heads = first.split()
    assert (name, fallback, layers, heads) == ("all-MiniLM-L6-v2", "True", "6", "12")
    source, describe = second.split(" ", 1)
    assert source == "hub-unreachable"
    assert describe.endswith(
        "。bert-base-uncased が使えなかったため、同梱の代替モデルを使いました（Hugging Face Hub に接続できません）"
    )


def test_explicit_hub_model_that_cannot_load_says_what_was_tried(tmp_path):
    code = "import attnviz; attnviz.load_model('bert-base-uncased')"
    proc = _run(code, tmp_path)
    assert proc.returncode != 0
    assert "ModelLoadError" in proc.stderr
    assert "local cache" in proc.stderr and "no answer" in proc.stderr
    assert "ATTNVIZ_MODEL=bundled" in proc.stderr


def test_offline_hub_model_error(tmp_path):
    proc = _run("import attnviz; attnviz.load_model('bert-base-uncased')", tmp_path, HF_HUB_OFFLINE="1")
    assert proc.returncode != 0 and "HF_HUB_OFFLINE=1" in proc.stderr


def test_bundled_model_facts():
    info = attnviz.load_model("bundled").info
    assert (info.layers, info.heads, info.hidden_size, info.max_tokens) == (6, 12, 384, 512)
    assert info.is_bundled and not info.is_fallback
    assert 20e6 < info.parameters < 25e6
    assert (info.cls_token, info.sep_token) == ("[CLS]", "[SEP]")  # from the tokenizer
    assert info.source == "requested" and reason(info) == "ATTNVIZ_MODEL=bundled で指定"
    assert (
        describe_model(info)
        == f"all-MiniLM-L6-v2（6 層 × 12 ヘッド、隠れ次元 384、パラメータ {info.parameters / 1e6:.1f}M）"
    )


def test_reasons_say_why_the_bundled_model_stands_in():
    info = dataclasses.replace(
        attnviz.load_model("bundled").info, is_fallback=True, source="download-failed", detail="OSError"
    )
    assert reason(info) == "ダウンロードに失敗しました: OSError"
    text = model_banner(attnviz.load_model("bundled")).data
    assert text.startswith(":::{admonition} このページの出力を計算したモデル\n:class: note attnviz-model\n")
    assert "オフラインでビルドするため" in text and "NSP" in text and text.endswith(":::")
    for source in ("offline", "hub-unreachable", "cache", "hub", "directory"):
        assert reason(dataclasses.replace(info, source=source, detail=""))  # every source is said in words


def test_local_directory_loads(tmp_path):
    path = attnviz.load_model("bundled").info.location
    loaded = attnviz.load_model(path)
    assert loaded.info.location == path and loaded.info.layers == 6


def test_loaded_once_per_process():
    assert attnviz.load_model("bundled") is attnviz.load_model("bundled")


def test_missing_directory_is_a_clear_error(tmp_path):
    with pytest.raises(attnviz.ModelLoadError, match="tried"):
        attnviz.load_model(str(tmp_path / "no-such-model"))
