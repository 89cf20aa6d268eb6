"""Compact BERTviz views (attnviz.views.compact, found by attnviz.views.bertviz): what the built site stores,
and loud failures."""

from __future__ import annotations

import base64
import json
import re
from types import SimpleNamespace

import numpy as np
import pytest
from bertviz import head_view, model_view
from sphinx.errors import ExtensionError

import attnviz
from attnviz.sphinx import _page_context
from attnviz.views import bertviz, compact, rewrite


def _compact_of(body: str) -> list[dict]:
    return [json.loads(m) for m in re.findall(r'data-attnviz-view="\w+"[^>]*>(.*?)</script>', body, re.S)]


def _params_in(html: str) -> dict:
    match = re.search(r"const params = (\{.*?\}); // HACK", html, re.S)
    assert match
    return json.loads(match.group(1))


def test_head_view_stores_each_weight_once_as_one_byte(single):
    html = head_view(single.attention, single.tokens, html_action="return").data
    page = rewrite(html)
    assert page.views == ["head"]
    assert "PYTHON_PARAMS" not in page.body and "requirejs" not in page.body
    assert 'id="bertviz-' in page.body  # BERTviz's own markup stays
    (data,) = _compact_of(page.body)
    weights = single.weights.size
    assert len(base64.b64decode(data["attn"]["data"])) == weights
    decoded = compact.decode(data)
    original = _params_in(html)
    assert decoded.keys() == original.keys()
    assert decoded["attention"][0]["left_text"] == original["attention"][0]["left_text"]
    diff = np.abs(np.array(decoded["attention"][0]["attn"]) - np.array(original["attention"][0]["attn"]))
    assert diff.max() <= 0.5 / 255 + 1e-9
    assert len(page.body) < 1.5 * weights + 2_000


def test_a_pair_stores_all_only_and_derives_the_filters(pair):
    html = head_view(pair.attention, pair.tokens, sentence_b_start=pair.sentence_b_start, html_action="return").data
    (data,) = _compact_of(rewrite(html).body)
    assert data["split"] == pair.sentence_b_start
    assert [f[1:] for f in data["filters"]] == [["all", "all"], ["a", "a"], ["b", "b"], ["a", "b"], ["b", "a"]]
    assert len(base64.b64decode(data["attn"]["data"])) == pair.weights.size  # All, once
    original = _params_in(html)
    decoded = compact.decode(data)
    for got, want in zip(decoded["attention"], original["attention"], strict=True):
        assert (got["name"], got["left_text"], got["right_text"]) == (
            want["name"],
            want["left_text"],
            want["right_text"],
        )
        assert np.allclose(got["attn"], want["attn"], atol=0.5 / 255 + 1e-9)


def test_model_view_keeps_its_other_params(pair):
    html = model_view(
        pair.attention, pair.tokens, sentence_b_start=pair.sentence_b_start, display_mode="light", html_action="return"
    ).data
    (data,) = _compact_of(rewrite(html).body)
    assert data["view"] == "model"
    original = _params_in(html)
    assert {k: v for k, v in original.items() if k != "attention"} == data["params"]
    assert data["params"]["display_mode"] == "light"


def test_neuron_view_numbers_are_exactly_the_3_decimal_ones(loaded):
    html = attnviz.neuron_view("The cat sat", "on the mat", model=loaded).data
    page = rewrite(html)
    assert page.views == ["neuron"] and "window.bertviz_params" not in page.body
    (data,) = _compact_of(page.body)
    original = json.loads(re.search(r"window\.bertviz_params = (\{.*?\})\n</script>", html, re.S).group(1))
    assert compact.decode(data) == original  # exact: thousandths as 16-bit integers
    assert data["queries"]["dtype"] == "i16"


def test_bertviz_script_is_the_installed_file_as_a_module():
    for view in compact.VIEWS:
        script = bertviz.bertviz_script(view)
        source = bertviz.bertviz_template(view)
        body = source.replace("PYTHON_PARAMS", "attnvizParams")
        assert body in script and "PYTHON_PARAMS" not in script
        assert "export default function draw(attnvizParams) {" in script
        assert 'import { requirejs } from "../bertviz-require.js";' in script
        assert script.index("export default") < script.index(body)


def test_a_changed_bertviz_output_fails_loudly(single):
    html = head_view(single.attention, single.tokens, html_action="return").data
    changed = html.replace("function renderVis() {", "function renderVisualisation() {")
    with pytest.raises(compact.BertvizFormatError, match="new format"):
        rewrite(changed)
    params = _params_in(html)
    params["attention"][0]["attn"][0][0][0][0] = "x"
    odd = html.replace(json.dumps(_params_in(html)), json.dumps(params))
    with pytest.raises(compact.BertvizFormatError, match="regular array"):
        rewrite(odd)


def test_filters_that_are_not_slices_fail(pair):
    html = head_view(pair.attention, pair.tokens, sentence_b_start=pair.sentence_b_start, html_action="return").data
    params = _params_in(html)
    params["attention"][3]["attn"][0][0][0][0] += 0.5  # A -> B no longer a slice of All
    with pytest.raises(compact.BertvizFormatError, match="not slices"):
        rewrite(html.replace(json.dumps(_params_in(html)), json.dumps(params)))


def test_the_build_stops_with_the_page_named(single):
    html = head_view(single.attention, single.tokens, html_action="return").data
    broken = html.replace("function renderVis() {", "function renderVisualisation() {")
    added = []
    app = SimpleNamespace(
        config=SimpleNamespace(html_search_options={}),
        add_js_file=lambda name, **k: added.append((name, k)),
        add_css_file=lambda name: added.append((name, {})),
    )
    with pytest.raises(ExtensionError, match=r"book/broken.*BERTviz"):
        _page_context(app, "book/broken", "page.html", {"body": broken}, None)
    assert added == []
    context = {"body": html}
    _page_context(app, "book/ok", "page.html", context, None)
    assert "data-attnviz-view" in context["body"]
    views = ("attnviz/views.js", {"priority": 100, "loading_method": "async", "type": "module"})  # async: see views.js
    assert added == [views, ("attnviz/bertviz.css", {})]


def test_head_maps_lose_their_inline_code_in_the_site(loaded, single):
    from attnviz.core.heads import measure_heads
    from attnviz.views.headmap import headmap_widget

    html = headmap_widget(measure_heads(model=loaded)[0], single, uid="x").data
    assert "export function draw" in html and "<style" in html  # a notebook gets the code and the style
    page = rewrite(html)
    assert page.views == ["headmap"] and [k.name for k in page.kinds] == ["headmap"]
    assert "export function draw" not in page.body and "<style" not in page.body
    assert 'id="attnviz-headmap-x"' in page.body
    tag = '<script type="application/json" data-attnviz-view="headmap" data-attnviz-module="kinds/headmap.js"'
    assert tag in page.body


def test_prose_may_name_require_but_a_leftover_script_may_not():
    prose = "<p>BERTviz calls <code>require.config(...)</code> and <code>requirejs(...)</code>.</p>"
    assert rewrite(prose).body == prose
    with pytest.raises(compact.BertvizFormatError, match="left in the page"):
        rewrite('<script type="text/javascript">requirejs(["d3"], function (d3) {});</script>')


# --- names before drawing (issue 16): the selects of BERTviz's markup are named in the page itself ----------

SELECT_TAG = re.compile(r"<select\b[^>]*>")


def test_every_select_is_named_in_the_rewritten_markup(loaded, pair):
    outputs = {
        "head": head_view(pair.attention, pair.tokens, sentence_b_start=pair.sentence_b_start, html_action="return"),
        "model": model_view(pair.attention, pair.tokens, sentence_b_start=pair.sentence_b_start, html_action="return"),
        "neuron": attnviz.neuron_view("The cat sat", "on the mat", model=loaded),
    }
    expected = {"head": ["layer", "filter"], "model": ["filter"], "neuron": ["layer", "att_head", "filter"]}
    for view, output in outputs.items():
        assert all("aria-label" not in tag for tag in SELECT_TAG.findall(output.data)), "BERTviz names none"
        selects = SELECT_TAG.findall(rewrite(output.data).body)
        ids = [re.search(r'id="(\w+)"', tag).group(1) for tag in selects]
        assert ids == expected[view], view
        for tag, ident in zip(selects, ids, strict=True):
            assert f'aria-label="{bertviz.SELECT_NAMES[ident]}"' in tag, tag


def test_a_single_sentence_head_view_names_its_layer_select(single):
    body = rewrite(head_view(single.attention, single.tokens, html_action="return").data).body
    assert SELECT_TAG.findall(body) == ['<select id="layer" aria-label="Layer（層）">']


def test_a_named_select_keeps_its_name_and_an_unknown_one_stops_the_build(single):
    html = head_view(single.attention, single.tokens, html_action="return").data
    named = html.replace('<select id="layer">', '<select id="layer" aria-label="層">')
    assert SELECT_TAG.findall(rewrite(named).body) == ['<select id="layer" aria-label="層">']
    unknown = html.replace('<select id="layer"></select>', '<select id="layer"></select><select id="zoom"></select>')
    with pytest.raises(compact.BertvizFormatError, match="no name for"):
        rewrite(unknown)


def test_only_the_views_own_markup_is_touched(single):
    prose = '<p>A form elsewhere: <select id="layer"></select></p>'
    html = head_view(single.attention, single.tokens, html_action="return").data
    body = rewrite(prose + html).body
    assert body.startswith(prose)


def test_python_and_js_give_the_selects_the_same_names():
    """a11y.js names the selects the playground makes in the browser: with the names the build writes."""
    import subprocess
    from pathlib import Path

    from attnviz_devtools.engines import node

    a11y = Path(attnviz.__file__).parent / "web" / "a11y.js"
    script = f"import {{ SELECT_NAMES }} from {json.dumps(a11y.as_uri())}; console.log(JSON.stringify(SELECT_NAMES));"
    done = subprocess.run(
        [node() or pytest.fail("node is missing"), "--input-type=module", "-e", script],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert json.loads(done.stdout) == bertviz.SELECT_NAMES
