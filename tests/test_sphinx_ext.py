"""The Sphinx extension's pure parts: script stripping, page detection through the view registry, cache keying."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import attnviz
from attnviz.sphinx import _dedupe_scripts, strip_remote_scripts
from attnviz.sphinx import cache as cache_mod
from attnviz.views import kinds_in

REQUIRE = '<script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.6/require.min.js"></script>'


def test_strip_remote_scripts_keeps_local_and_inline_scripts():
    body = REQUIRE + '<div id="bertviz-1"></div><script src="../_static/x.js"></script><script>var a = 1;</script>'
    out = strip_remote_scripts(body)
    assert "cdnjs" not in out
    assert '<script src="../_static/x.js"></script>' in out and "var a = 1;" in out
    assert strip_remote_scripts("<script src='//unpkg.com/x.js'></script>ok") == "ok"


def test_pages_with_views_are_detected():
    def names(body: str) -> list[str]:
        return [kind.name for kind in kinds_in(body)]

    assert names('<div id="bertviz-abc">') == ["head", "model"]  # which one: its script tells (views.bertviz)
    assert names("<div id=bertviz-abc style=''>") == ["neuron"]  # the neuron view's unquoted id
    assert names('<div class="attnviz-headmap" id="attnviz-headmap-1">') == ["headmap"]
    assert names('<div class="attnviz-playground" data-attnviz-playground data-share="self">') == ["playground"]
    assert names("<p>BERTviz is a tool</p>") == []


def test_repeated_scripts_are_dropped_in_place():
    from sphinx.builders.html._assets import _JavaScript

    thebe = "const THEBE_JS_URL = 1"
    scripts = [_JavaScript(None, body=thebe), _JavaScript("a.js"), _JavaScript("", body=thebe), _JavaScript("a.js")]
    original = scripts
    context = {"script_files": scripts}
    _dedupe_scripts(context)
    assert context["script_files"] is original
    assert [(s.filename, s.attributes) for s in scripts] == [(None, {"body": thebe}), ("a.js", {})]


def _copy_package(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "attnviz"
    shutil.copytree(Path(attnviz.__file__).parent, root, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(attnviz, "__file__", str(root / "__init__.py"))
    return root


def test_cache_key_follows_the_package_and_the_model(tmp_path, monkeypatch):
    root = _copy_package(tmp_path, monkeypatch)
    monkeypatch.setenv("ATTNVIZ_MODEL", "bundled")
    key = cache_mod.cache_key()
    assert cache_mod.cache_key() == key
    (root / "core" / "attention.py").write_text((root / "core" / "attention.py").read_text() + "\n# edited\n")
    edited = cache_mod.cache_key()
    assert edited != key
    (root / "sphinx" / "cache.py").write_text("# the extension does not change page outputs\n")
    assert cache_mod.cache_key() == edited
    monkeypatch.setenv("ATTNVIZ_MODEL", "bert-base-uncased")
    assert cache_mod.cache_key() != edited


def test_execution_cache_folder_is_keyed_and_old_keys_removed(tmp_path, monkeypatch):
    _copy_package(tmp_path, monkeypatch)
    base = tmp_path / ".jupyter_cache"
    (base / "attnviz-old").mkdir(parents=True)
    (base / "unrelated").mkdir()
    config = SimpleNamespace(nb_execution_cache_path=str(base))
    cache_mod.key_execution_cache(SimpleNamespace(outdir=str(tmp_path / "html")), config)
    keyed = Path(config.nb_execution_cache_path)
    assert keyed.parent == base and keyed.name == f"attnviz-{cache_mod.cache_key()}"
    assert not (base / "attnviz-old").exists() and (base / "unrelated").exists()
