"""Sphinx extension: views that draw in a static site, compact and lazily, and an execution cache
that notices changes to the helper package.

Register it in ``_config.yml`` (``sphinx.extra_extensions: [attnviz.sphinx]``).

Every kind of view is an entry of the registry :data:`attnviz.views.KINDS`. On each page that holds
a kind's marker (BERTviz's views, the head map, the playground) this extension

* rewrites every view into its lazy form (:func:`attnviz.views.rewrite`: BERTviz's markup plus its
  data in compact form; the inline copies of the head maps' code removed),
* removes the CDN ``<script src>`` tags from the page body (BERTviz's require.js),
* adds each kind's CSS, and ``views.js`` (an ES module) for the lazily drawn kinds: it draws each view
  when it nears the viewport with its kind's JS module; BERTviz's views with BERTviz's own
  ``<view>_view.js``, served once per site from ``_static/attnviz/bertviz/`` (copied from the installed
  bertviz at build time), d3, jQuery and a stand-in for ``require``. A kind that draws itself (the
  playground) gets its module instead.

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

from .. import views, web
from .cache import key_execution_cache
from .execute import execute_in_parallel

__all__ = ["setup", "write_static"]

# <script ... src="http(s)://..."></script> pointing anywhere but this site (BERTviz: require.js on cdnjs)
REMOTE_SCRIPT = re.compile(r"<script\b[^>]*\bsrc=[\"']?(?:https?:)?//[^>]*>\s*</script>", re.I)


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


_IMG = re.compile(r"<img(?![^>]*\sloading=)")


def _lazy_images(context: dict[str, Any]) -> None:
    """The page's own images (figures) load when they near the screen, not with the page: a chapter's first
    visit downloads only what is in view (issue 19: a page in a few hundred KB on a phone network)."""
    if isinstance(context.get("body"), str):
        context["body"] = _IMG.sub('<img loading="lazy" decoding="async"', context["body"])


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    _dedupe_scripts(context)
    _lazy_images(context)
    # pydata-sphinx-theme logs "Got invalid theme mode" when no default is set.
    if not context.get("default_mode"):
        context["default_mode"] = "light"
    if pagename == "search" and "BigramSplitter" in str(app.config.html_search_options.get("type", "")):
        app.add_js_file("attnviz/search-page.js", priority=100, type="module")
    body = context.get("body")
    if not body or not views.kinds_in(body):
        return
    try:
        page = views.rewrite(strip_remote_scripts(body))
    except views.ViewFormatError as exc:
        raise ExtensionError(f"{pagename}: {exc}") from exc
    context["body"] = page.body
    # Added here, these go to this page only. views.js imports the kinds' modules when a view is near.
    # async: the page's HTML and the theme's scripts are ready (DOMContentLoaded) without waiting for these
    # modules and what they import; each starts once the page is parsed, whenever it has loaded
    kinds = page.kinds
    if any(kind.lazy for kind in kinds):
        app.add_js_file("attnviz/views.js", priority=100, loading_method="async", type="module")
    for kind in kinds:
        if not kind.lazy:
            app.add_js_file(f"attnviz/{kind.module}", loading_method="async", type="module")
        for css in kind.css:
            app.add_css_file(f"attnviz/{css}")


def write_static(folder: Path) -> None:
    """Every file ``views.js`` may load, into ``folder`` (the site's ``_static/attnviz``): the files of
    :mod:`attnviz.web`, and what each registered view kind adds (BERTviz's view scripts from the
    installed bertviz package; the module and CSS of a kind that lives outside attnviz.web)."""
    from sphinx.util.fileutil import copy_asset

    with resources.as_file(web.files()) as source:
        copy_asset(
            str(source),
            str(folder),
            # Python files, node's package.json, the template that bertviz_script() fills in, and the
            # playground (attnviz.sphinx.playground installs only the files it needs)
            excluded=lambda path: (
                path.endswith((".py", ".pyc", "bertviz-wrap.js", "package.json"))
                or "__pycache__" in path
                or path.replace("\\", "/").removeprefix("./").split("/")[0] == "playground"
            ),
        )
    for kind in views.KINDS.values():
        files = dict(kind.generated() if kind.generated else {})
        if kind.source is not None:
            for name in kind.assets:
                files[name] = kind.source.joinpath(*name.split("/")).read_text(encoding="utf-8")
        for name, text in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")


def _copy_static(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    write_static(Path(app.outdir) / "_static" / "attnviz")


def _japanese_search(app: Sphinx, config: Any) -> None:
    """Index Japanese text in character bigrams (see :mod:`attnviz.sphinx.search`)."""
    if (config.language or "").startswith("ja"):
        options = dict(config.html_search_options or {})
        options.setdefault("type", "attnviz.sphinx.search.BigramSplitter")
        config.html_search_options = options


def _templates(app: Sphinx, config: Any) -> None:
    """The site's layout (templates/layout.html: no search scripts on pages that do not search), first."""
    here = str(Path(__file__).parent / "templates")
    if here not in config.templates_path:
        config.templates_path = [here, *config.templates_path]


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _templates)
    app.connect("config-inited", key_execution_cache)
    app.connect("config-inited", _japanese_search)
    app.connect("env-before-read-docs", execute_in_parallel)
    app.connect("html-page-context", _page_context, priority=900)  # after themes and sphinx-thebe
    app.connect("build-finished", _copy_static)
    app.add_css_file("attnviz/page.css")  # every page: sections below the first screen laid out when near
    app.setup_extension("attnviz.sphinx.assets")  # icons and math: what every page downloads (issue 19)
    return {"version": "0.1.0", "parallel_read_safe": True, "parallel_write_safe": True}
