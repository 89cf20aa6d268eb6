"""Sphinx extension: BERTviz views that draw in a static site, and an execution cache that notices
changes to the helper package.

Register it in ``_config.yml`` (``sphinx.extra_extensions: [attnviz.sphinx]``).

BERTviz writes three things into a notebook output: a ``<script src>`` for require.js from a CDN,
a ``<div id="bertviz-...">``, and JS that calls ``require.config`` / ``requirejs(['jquery', 'd3'], ...)``
with CDN paths. On each page that holds such an output this extension

* removes the CDN ``<script src>`` tags from the page body,
* adds the vendored d3 and jQuery, then a synchronous stand-in for ``require``/``requirejs``,
  all from the site's own ``_static`` folder (so nested pages work too),

and leaves BERTviz's own JS untouched, so the code a learner copies into Colab is the real API.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from . import search
from .cache import key_execution_cache
from .execute import execute_in_parallel

__all__ = ["setup"]

STATIC = Path(__file__).parent / "static"
SCRIPTS = ("vendor/d3-5.7.0.min.js", "vendor/jquery-3.7.1.min.js", "bertviz-offline.js")
STYLES = ("bertviz-offline.css",)
MARKER = 'id="bertviz-'
MARKER_UNQUOTED = "id=bertviz-"  # the neuron view writes its id without quotes
MARKER_OWN = "data-attnviz-d3"  # attnviz's own views (e.g. the head map) that draw with the vendored d3
# <script ... src="http(s)://..."></script> pointing anywhere but this site (BERTviz: require.js on cdnjs)
REMOTE_SCRIPT = re.compile(r"<script\b[^>]*\bsrc=[\"']?(?:https?:)?//[^>]*>\s*</script>", re.I)


def has_bertviz(body: str) -> bool:
    return MARKER in body or MARKER_UNQUOTED in body or MARKER_OWN in body


def strip_remote_scripts(body: str) -> str:
    """Remove every ``<script src="http...">`` tag from a page body."""
    return REMOTE_SCRIPT.sub("", body)


def _dedupe_scripts(context: dict[str, Any]) -> None:
    """Drop repeated scripts (sphinx-thebe registers its inline `const THEBE_JS_URL` twice under
    Jupyter Book 1.0.4, which throws "Identifier 'THEBE_JS_URL' has already been declared")."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    kept = []
    for script in scripts:
        # the same script may come once with filename None and once with "" (inline body)
        attributes = getattr(script, "attributes", {})
        key = (str(getattr(script, "filename", script) or ""), tuple(sorted(attributes.items())))
        if key in seen:
            continue
        seen.add(key)
        kept.append(script)
    scripts[:] = kept  # in place: app.add_js_file() later appends to this same list


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    _dedupe_scripts(context)
    # pydata-sphinx-theme logs "Got invalid theme mode" when no default is set.
    if not context.get("default_mode"):
        context["default_mode"] = "light"
    if pagename == "search" and "BigramSplitter" in str(app.config.html_search_options.get("type", "")):
        app.add_js_file(None, body=search.JS, priority=100)  # before searchtools.js
    body = context.get("body")
    if not body or not has_bertviz(body):
        return
    context["body"] = strip_remote_scripts(body)
    # Added here, these go to this page only; no `defer`, so they run before the inline views.
    for i, script in enumerate(SCRIPTS):
        app.add_js_file(f"attnviz/{script}", priority=100 + i)
    for style in STYLES:
        app.add_css_file(f"attnviz/{style}")


def _copy_static(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    from sphinx.util.fileutil import copy_asset

    copy_asset(str(STATIC), str(Path(app.outdir) / "_static" / "attnviz"))


MATHJAX = "attnviz/vendor/mathjax/tex-chtml.js"  # relative to _static


def _japanese_search(app: Sphinx, config: Any) -> None:
    """Index Japanese text in character bigrams (see :mod:`attnviz.sphinx.search`)."""
    if (config.language or "").startswith("ja"):
        options = dict(config.html_search_options or {})
        options.setdefault("type", "attnviz.sphinx.search.BigramSplitter")
        config.html_search_options = options


def _local_mathjax(app: Sphinx, config: Any) -> None:
    """Serve MathJax from the site instead of Sphinx's default CDN address."""
    if str(config.mathjax_path).startswith(("http://", "https://", "//")):
        config.mathjax_path = MATHJAX


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", key_execution_cache)
    app.connect("config-inited", _local_mathjax)
    app.connect("config-inited", _japanese_search)
    app.connect("env-before-read-docs", execute_in_parallel)
    app.connect("html-page-context", _page_context, priority=900)  # after themes and sphinx-thebe
    app.connect("build-finished", _copy_static)
    return {"version": "0.1.0", "parallel_read_safe": True, "parallel_write_safe": True}
