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

from .cache import key_execution_cache

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


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
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


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", key_execution_cache)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _copy_static)
    return {"version": "0.1.0", "parallel_read_safe": True, "parallel_write_safe": True}
