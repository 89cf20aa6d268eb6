"""A view kind added from outside the package (a toy: tests/js/toy/kinds/toy.js and toy.css) is rewritten,
gets its CSS and views.js in a real Sphinx build, draws lazily, and gets names, keyboard hooks and the text
alternative, with nothing but its registry entry (attnviz.views.register), its JS module and its CSS."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from attnviz import views
from attnviz.views import Found, ViewKind

pytestmark = pytest.mark.browser

TOY_SOURCE = Path(__file__).parent / "js" / "toy"
TOKENS = ["[CLS]", "toy", "view", "[SEP]"]
WEIGHTS = [[0.1, 0.6, 0.2, 0.1], [0.05, 0.15, 0.7, 0.1], [0.3, 0.3, 0.3, 0.1], [0.25, 0.25, 0.25, 0.25]]
TOY_SCRIPT = re.compile(r'<script type="text/javascript">window\.toyParams = (\{.*?\});</script>', re.S)


def find_toy(body: str):
    for match in TOY_SCRIPT.finditer(body):
        params = json.loads(match.group(1))
        yield Found(match.start(), match.end(), root=params["root"], params=params)


def encode_toy(params: dict) -> dict:
    return {"tokens": params["tokens"], "permille": [[round(1000 * w) for w in row] for row in params["weights"]]}


def decode_toy(data: dict) -> dict:
    return {"tokens": data["tokens"], "weights": [[w / 1000 for w in row] for row in data["permille"]]}


TOY = ViewKind(
    name="toy",
    marker='class="toy-output"',
    module="kinds/toy.js",
    css=("kinds/toy.css",),
    find=find_toy,
    encode=encode_toy,
    decode=decode_toy,
    leftovers=("window.toyParams",),
    source=TOY_SOURCE,
)


def toy_output(root: str) -> str:
    """What a notebook cell of the toy kind would show: its root, and its params in a script."""
    params = json.dumps({"root": root, "tokens": TOKENS, "weights": WEIGHTS})
    return (
        f'<div class="toy-output" id="{root}"></div>\n'
        f'<script type="text/javascript">window.toyParams = {params};</script>'
    )


PAGE = """# Toy page

Text before the view.

<div style="height: 3000px">spacer</div>

{output}
"""


@pytest.fixture(scope="module")
def toy_site(tmp_path_factory):
    """A Sphinx build (the attnviz extension, myst-nb) of one page holding a toy view, the toy registered."""
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    src = tmp_path_factory.mktemp("toy-src")
    (src / "conf.py").write_text(
        'extensions = ["myst_nb", "attnviz.sphinx"]\nhtml_theme = "basic"\nnb_execution_mode = "off"\n'
        'myst_enable_extensions = ["html_image"]\n',
        encoding="utf-8",
    )
    (src / "index.md").write_text(PAGE.format(output=toy_output("toy-1")), encoding="utf-8")
    out = tmp_path_factory.mktemp("toy-html")
    # docutils_namespace: the build's directives and nodes are unregistered afterwards, as a separate
    # sphinx-build's would be (another in-process build in this worker would warn "already registered")
    with views.register(TOY), docutils_namespace():
        app = Sphinx(str(src), str(src), str(out), str(out / ".doctrees"), "html", status=None, warningiserror=True)
        app.build()
    assert "toy" not in views.KINDS, "registered for the build only"
    (out / "favicon.ico").write_bytes(b"")  # the basic theme links none: the browser would log a 404
    return out


def test_toy_kind_is_rewritten_and_its_assets_added(toy_site):
    page = (toy_site / "index.html").read_text(encoding="utf-8")
    assert "window.toyParams" not in page
    tag = re.search(r'<script type="application/json" data-attnviz-view="toy"([^>]*)>(.*?)</script>', page, re.S)
    assert tag and 'data-attnviz-module="kinds/toy.js"' in tag.group(1) and 'data-root="toy-1"' in tag.group(1)
    assert decode_toy(json.loads(tag.group(2))) == {"tokens": TOKENS, "weights": WEIGHTS}
    # async: the page is ready (DOMContentLoaded) without waiting for views.js, which starts once it is parsed
    assert '<script async="async" type="module" src="_static/attnviz/views.js' in page
    assert 'href="_static/attnviz/kinds/toy.css' in page
    assert "bertviz.css" not in page and "headmap.css" not in page  # only what the page shows
    static = toy_site / "_static" / "attnviz"
    assert (static / "kinds" / "toy.js").read_text() == (TOY_SOURCE / "kinds" / "toy.js").read_text()
    assert (static / "bertviz" / "head_view.js").is_file()  # the registered kinds' generated files too


def test_a_leftover_of_the_toy_kind_stops_the_rewrite():
    broken = toy_output("toy-2").replace("window.toyParams = ", "window.toyParams =  ")  # find misses it
    with views.register(TOY):
        with pytest.raises(views.ViewFormatError, match=r"window\.toyParams.*view kind 'toy' changed"):
            views.rewrite(broken)
        assert views.rewrite(toy_output("toy-3")).views == ["toy"]


def test_toy_kind_draws_lazily_with_names_and_a_text_alternative(toy_site, browser):
    from attnviz_devtools.site import PageLog, serve

    server = serve(toy_site)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    page = browser.new_page(viewport={"width": 1000, "height": 700})
    log = PageLog(base)
    log.attach(page)
    try:
        page.goto(base + "index.html", wait_until="load")
        page.wait_for_timeout(300)
        root = page.locator("#toy-1")
        assert root.get_attribute("data-attnviz-drawn") is None, "far below the fold: not drawn yet"
        assert root.locator("svg").count() == 0
        assert root.evaluate("el => getComputedStyle(el).borderTopColor") == "rgb(1, 2, 3)"  # its CSS
        root.scroll_into_view_if_needed()
        root.locator("xpath=self::*[@data-attnviz-drawn='toy']").wait_for(state="attached", timeout=10_000)
        assert root.locator("svg text").all_text_contents() == TOKENS
        # a11y.js: the select is named, the scroll container is a focusable region, the kind's own enhance ran
        assert root.locator("select").get_attribute("aria-label") == "表示の選択"
        assert (root.get_attribute("role"), root.get_attribute("tabindex")) == ("region", "0")
        assert root.get_attribute("aria-label").startswith("toy view")
        assert root.locator("svg text[role=button]").count() == len(TOKENS)
        # the text alternative: each token's two strongest targets, following the view's select
        details = page.locator("#toy-1 + details.attnviz-textalt")
        assert details.count() == 1 and details.evaluate("d => !d.open")
        rows = details.locator("tbody tr")
        assert rows.count() == len(TOKENS)
        assert rows.nth(0).locator("th").text_content() == "[CLS]"  # collapsed: text_content, not inner_text
        assert rows.nth(0).locator("td").all_text_contents() == ["toy（0.60）", "view（0.20）"]
        assert rows.nth(1).locator("td").nth(0).text_content() == "view（0.70）"
        root.locator("select").select_option("first")
        page.wait_for_function("document.querySelectorAll('#toy-1 + details tbody tr').length === 1")
        assert details.get_attribute("data-layer") == "first"
        assert details.locator("caption").text_content() == "Toy（first）"
        assert log.failed == [] and log.errors == [] and log.offsite == []
    finally:
        page.close()
        server.shutdown()
