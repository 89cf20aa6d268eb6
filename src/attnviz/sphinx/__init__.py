"""Sphinx extension: BERTviz views that draw in a static site, compact and lazily, and an execution
cache that notices changes to the helper package.

Register it in ``_config.yml`` (``sphinx.extra_extensions: [attnviz.sphinx]``).

BERTviz writes into a notebook output a ``<script src>`` for require.js from a CDN, a
``<div id="bertviz-...">``, and its whole JS file with the view's params inlined. On each page that
holds such an output this extension

* rewrites every view into BERTviz's markup plus its data in compact form (:mod:`.compact`), and
  removes the head maps' inline copies of their code,
* removes the CDN ``<script src>`` tags from the page body,
* adds ``views.js`` (deferred), which draws each view when it nears the viewport with BERTviz's own
  ``<view>_view.js``, served once per site from ``_static/attnviz/bertviz/`` (copied from the
  installed bertviz at build time), d3, jQuery and a synchronous stand-in for ``require``.

The learner's code stays BERTviz's own API; only the built HTML is rewritten. Every JS and CSS file
lives in :mod:`attnviz.web`.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from .. import web
from . import compact
from .cache import key_execution_cache
from .execute import execute_in_parallel

__all__ = ["setup", "write_static"]

MARKER = 'id="bertviz-'
MARKER_UNQUOTED = "id=bertviz-"  # the neuron view writes its id without quotes
MARKER_OWN = "attnviz-headmap"  # attnviz's own views (the head map)
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
        app.add_js_file("attnviz/search.js", priority=100)  # before searchtools.js
    body = context.get("body")
    if not body or not has_bertviz(body):
        return
    try:
        page = compact.rewrite(strip_remote_scripts(body))
    except compact.BertvizFormatError as exc:
        raise ExtensionError(f"{pagename}: {exc}") from exc
    context["body"] = page.body
    # Added here, these go to this page only. views.js loads the rest when a view is near.
    app.add_js_file("attnviz/views.js", priority=100, defer="defer")
    app.add_css_file("attnviz/bertviz.css")
    if page.headmaps:
        app.add_css_file("attnviz/headmap.css")


def write_static(folder: Path) -> None:
    """Every file ``views.js`` may load, into ``folder`` (the site's ``_static/attnviz``): the files of
    :mod:`attnviz.web` and BERTviz's view scripts from the installed bertviz package."""
    from sphinx.util.fileutil import copy_asset

    with resources.as_file(web.files()) as source:
        copy_asset(
            str(source),
            str(folder),
            # Python files, the template that bertviz_script() fills in, and the playground
            # (attnviz.sphinx.playground installs only the files it needs)
            excluded=lambda path: (
                path.endswith((".py", ".pyc", "bertviz-wrap.js"))
                or "__pycache__" in path
                or path.replace("\\", "/").removeprefix("./").split("/")[0] == "playground"
            ),
        )
    (folder / "bertviz").mkdir(parents=True, exist_ok=True)
    for view in compact.VIEWS:
        (folder / "bertviz" / f"{view}_view.js").write_text(compact.bertviz_script(view), encoding="utf-8")


def _copy_static(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    write_static(Path(app.outdir) / "_static" / "attnviz")


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
    app.setup_extension("attnviz.sphinx.assets")  # icons and math: what every page downloads (issue 19)
    return {"version": "0.1.0", "parallel_read_safe": True, "parallel_write_safe": True}
