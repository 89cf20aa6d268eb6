"""Sphinx extension: the in-browser model widget (the ``attnviz-playground`` directive).

Register it in ``_config.yml`` (``sphinx.extra_extensions: [attnviz.sphinx.playground]``). Then

* ``{attnviz-playground}`` writes the widget (``web/playground/widget.html``) into a page; with
  ``:share: self`` the page's own URL carries the sentences (``?a=…&b=…``), otherwise the widget's share
  link points to the page named by ``:share-page:``;
* pages holding a widget get ``playground.js`` (an ES module, light) and ``playground.css`` from
  :mod:`attnviz.sphinx`, which this extension sets up: the playground is a view kind of the registry
  :data:`attnviz.views.KINDS`;
* when an HTML build finishes, the site gets ``_static/attnviz/playground/``: the widget's files, the
  JS dependencies from ``npm ci`` (:mod:`attnviz.jsdeps`), BERTviz's own ``head_view.js`` /
  ``model_view.js`` from the installed package, and the exported model (:mod:`attnviz.browser_model`,
  cached under ``_build/.browser_model`` and exported again only when its inputs change).
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import shutil
import string
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

__all__ = ["setup"]

logger = logging.getLogger(__name__)

SITE_DIR = "attnviz/playground"  # under _static
WEB = resources.files("attnviz") / "web" / "playground"
OWN_FILES = ("*.js", "*.css")  # the widget's modules and style (the markup is read here, not shipped)
STATE = "_attnviz_playground"  # app attribute: what _prepare found (the model, node_modules)


def _book_note(requested: str) -> str:
    if requested == "bundled":
        return ""
    return (
        "（このサイトのほかの図は、ビルドのときに別のモデル（既定では bert-base-uncased）で計算していることが"
        "あります。その場合、ここに出る重みはほかの図と一致しません。ブラウザで動かせる大きさのモデルは"
        "こちらだけだからです。）"
    )


class PlaygroundDirective(SphinxDirective):
    """The widget: sentence A, an optional sentence B, a button; views drawn in the browser."""

    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {
        "share": directives.unchanged,
        "share-page": directives.unchanged,
        "bench": directives.flag,  # the experiment bench (web/playground/bench.html) under the widget
        "japanese-page": directives.unchanged,  # the page (and #section) that explains Japanese input
    }

    def run(self) -> list[nodes.Node]:
        share = self.options.get("share", "link")
        target = self.options.get("share-page", self.env.docname)
        share_href = self.env.app.builder.get_relative_uri(self.env.docname, target) if share != "self" else ""
        requested = os.environ.get("ATTNVIZ_MODEL", "").strip() or "auto"
        state: tuple[Any, dict[str, int]] = getattr(self.env.app, STATE, (None, {}))
        facts, sizes = state
        if facts is None:  # not an HTML build: nothing was exported
            from ..browser_model import bundled_facts

            facts = bundled_facts()
        mb = lambda key: f"{sizes.get(key, 0) / 1e6:.1f}"  # noqa: E731
        self.env.note_dependency(str(WEB / "widget.html"))  # an edit to the markup rebuilds the page
        template = string.Template((WEB / "widget.html").read_text(encoding="utf-8"))
        bench = ""
        if "bench" in self.options:
            self.env.note_dependency(str(WEB / "bench.html"))
            bench = (WEB / "bench.html").read_text(encoding="utf-8")
        japanese_href = ""
        if self.options.get("japanese-page"):
            page, _, section = self.options["japanese-page"].partition("#")
            japanese_href = self.env.app.builder.get_relative_uri(self.env.docname, page)
            japanese_href += f"#{section}" if section else ""
        markup = template.substitute(
            share=html.escape(share),
            share_href=html.escape(share_href),
            max_tokens=facts["max_tokens"],
            model_name=html.escape(facts["name"]),
            layers=facts["layers"],
            heads=facts["heads"],
            model_mb=mb("graph"),
            runtime_mb=mb("runtime"),
            tokenizer_mb=mb("tokenizer"),
            chunk_rows=sizes.get("chunk_rows", 0),
            chunk_kb=f"{sizes.get('chunk', 0) / 1e3:.1f}",
            first_mb=mb("graph+runtime+tokenizer"),
            wire_mb=mb("wire"),
            book_note=html.escape(_book_note(requested)),
            japanese_href=html.escape(japanese_href),
            bench=bench,
        )
        return [nodes.raw("", markup, format="html")]


def _copy(src: Path, dst: Path) -> None:
    """Copy unless ``dst`` already has the same size and is not older (the model is 24 MB)."""
    if dst.exists() and dst.stat().st_size == src.stat().st_size and dst.stat().st_mtime >= src.stat().st_mtime:
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)


def _paths(app: Sphinx) -> tuple[Path, Path, Path]:
    """(repository root, the site's playground folder, the export cache)."""
    return Path(app.confdir), Path(app.outdir) / "_static" / SITE_DIR, Path(app.outdir).parent / ".browser_model"


def _prepare(app: Sphinx) -> None:
    """Before reading pages (HTML builds only): npm ci if the lock changed, export the model if its inputs
    changed. Both are cached, so a build with nothing changed does neither."""
    if app.builder.format != "html":
        return
    from .. import browser_model, jsdeps

    root, _, cache = _paths(app)
    modules = jsdeps.ensure_node_modules(root, log=logger.info)
    model = browser_model.ensure_browser_model(cache, log=logger.info)
    setattr(app, STATE, (model.facts, first_use_sizes(model, modules)))


def runtime_files(modules: Path) -> dict[str, tuple[Path, str]]:
    """The runtime files the widget keeps (key in the manifest's ``runtime`` -> (file, its name in vendor/))."""
    from .. import jsdeps

    names = {"tokenizers": "tokenizers.min.mjs", "ort": "ort.wasm.min.mjs", "mjs": "ort-wasm-simd-threaded.mjs",
             "wasm": "ort-wasm-simd-threaded.wasm"}  # fmt: skip
    by_name = {name: modules / src for src, name in jsdeps.SITE_FILES.items()}
    return {key: (by_name[name], name) for key, name in names.items()}


def first_use_sizes(model: Any, modules: Path) -> dict[str, int]:
    """Bytes the widget's text states: the graph, the runtime, the tokenizer (its files and module), one
    embedding chunk (and its rows), and what the first use downloads before the sentence's rows."""
    manifest = model.manifest
    files, rows = manifest["files"], manifest["embeddings"]
    runtime = runtime_files(modules)
    sizes = {
        "graph": files["weights"]["bytes"] + files["main"]["bytes"],
        "runtime": sum(path.stat().st_size for key, (path, _) in runtime.items() if key != "tokenizers"),
        "tokenizer": files["tokenizer"]["bytes"]
        + files["tokenizer_config"]["bytes"]
        + runtime["tokenizers"][0].stat().st_size,
        "chunk": rows["chunk_rows"] * (rows["dim"] + 2 * rows["dim"] // rows["block"]),
        "chunk_rows": rows["chunk_rows"],
    }
    sizes["graph+runtime+tokenizer"] = sizes["graph"] + sizes["runtime"] + sizes["tokenizer"]
    # on the wire from a server that gzips them as GitHub Pages does (level 6)
    first_use = [model.directory / files[k]["path"] for k in ("weights", "main", "tokenizer", "tokenizer_config")]
    first_use += [path for path, _ in runtime.values()]
    sizes["wire"] = sum(gzipped_size(path) for path in first_use)
    return sizes


def gzipped_size(path: Path, level: int = 6) -> int:
    """Bytes of ``path`` gzipped at ``level`` (what a server that compresses it sends, headers aside)."""
    import gzip

    return len(gzip.compress(path.read_bytes(), compresslevel=level, mtime=0))


def site_manifest(model: Any, modules: Path) -> dict[str, Any]:
    """The exported manifest with the runtime files the widget keeps beside the model's, each named by its
    content hash (``../vendor/<name>?h=<hash>``: the site's file, the cache's key)."""
    manifest = model.manifest
    runtime = {}
    for key, (path, name) in runtime_files(modules).items():
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        runtime[key] = {"path": f"../vendor/{name}?h={digest[:16]}", "sha256": digest, "bytes": len(data)}
    return {**manifest, "runtime": runtime}


def _install_site_files(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    from .. import browser_model, jsdeps

    root, out, cache = _paths(app)
    shutil.rmtree(out, ignore_errors=True)  # only what this build ships: no file of an older build stays
    for pattern in OWN_FILES:
        for path in sorted(Path(str(WEB)).glob(pattern)):
            _copy(path, out / path.name)
    for licence in (WEB / "licenses").iterdir():
        if licence.name.startswith("LICENSE"):
            _copy(Path(str(licence)), out / "vendor" / licence.name)
    _copy(Path(str(WEB / "licenses" / "NOTICE-model.txt")), out / "model" / "NOTICE.txt")

    modules = jsdeps.ensure_node_modules(root)
    for src, name in jsdeps.SITE_FILES.items():
        _copy(modules / src, out / "vendor" / name)
    lock = json.loads((root / "package-lock.json").read_text())
    versions = {name.removeprefix("node_modules/"): p["version"] for name, p in lock["packages"].items() if name}
    (out / "vendor" / "VERSIONS.json").write_text(
        json.dumps({k: versions[k] for k in ("onnxruntime-web", "@huggingface/tokenizers")}, indent=1) + "\n"
    )

    # the widget draws with BERTviz's own view scripts as the site serves them (_static/attnviz/bertviz/,
    # written by attnviz.sphinx from the installed bertviz): their licence goes beside them
    _copy(_bertviz_licence(), out.parent / "bertviz" / "LICENSE.txt")

    model = browser_model.ensure_browser_model(cache)
    for path in model.files():
        _copy(path, out / "model" / path.relative_to(model.directory))
    # the manifest the widget reads: the export's, and the runtime files it keeps
    (out / "model" / "manifest.json").write_text(json.dumps(site_manifest(model, modules), indent=1) + "\n")


def _bertviz_licence() -> Path:
    from importlib.metadata import distribution

    dist = distribution("bertviz")
    for file in dist.files or []:
        if file.name.upper().startswith("LICENSE"):
            return Path(str(dist.locate_file(file)))
    raise FileNotFoundError("bertviz's LICENSE file is not in its installed distribution")


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("attnviz.sphinx")  # rewrites pages and adds each view kind's JS and CSS
    app.add_directive("attnviz-playground", PlaygroundDirective)
    app.connect("builder-inited", _prepare)
    app.connect("build-finished", _install_site_files)
    return {"version": "0.1.0", "parallel_read_safe": True, "parallel_write_safe": True}
