"""The compact views draw the same SVG as today's BERTviz output (issue 10), in headless Chromium.

For each view (head, model, neuron; one sentence and a pair) the same output is drawn twice: as
BERTviz wrote it (weights as 3-decimal text, BERTviz's JS inline, the offline loader) and as the
built site serves it (rewritten by attnviz.views, drawn lazily by views.js). After each
interaction (every layer, every A/B filter, the neuron view expanded) the two SVGs must be the same
element for element and attribute for attribute; opacities may differ by at most 1/255.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from bertviz import head_view, model_view

import attnviz
from attnviz.sphinx import strip_remote_scripts, write_static
from attnviz.views import rewrite
from attnviz_devtools.site import PageLog, serve

pytestmark = pytest.mark.browser

A, B = "The cat sat on the mat", "The cat lay on the rug"
OPACITY = re.compile(r"(?:^|-)opacity$")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")

# Every element of every SVG in the view: tag, attributes (style properties included), own text. Handed over as
# one JSON string: Playwright's own serialisation of thousands of small arrays took seconds per snapshot.
SNAPSHOT = """root => JSON.stringify(Array.from(root.querySelectorAll('svg, svg *')).map(el => {
    // a11y.js adds names, roles and focus to the drawn SVG (issue 12): not part of BERTviz's drawing
    const A11Y = new Set(['aria-label', 'aria-checked', 'role', 'tabindex', 'focusable']);
    const attrs = {};
    for (const a of el.attributes) if (a.name !== 'style' && !A11Y.has(a.name)) attrs[a.name] = a.value;
    if ('class' in attrs) attrs['class'] = attrs['class'].replace(/\\s*attnviz-focusable/, '');
    if (attrs['class'] === '') delete attrs['class'];
    // the site fits a head view's root <svg> to its tokens (kinds/head.js layout, issue 16): not BERTviz's drawing
    if (el.tagName === 'svg') { delete attrs['viewBox']; delete attrs['width']; }
    if ('class' in attrs) attrs['class'] = attrs['class'].replace(/\\s*attnviz-fitted/, '');
    if (attrs['class'] === '') delete attrs['class'];
    for (let i = 0; i < el.style.length; i++) attrs['style:' + el.style[i]] = el.style.getPropertyValue(el.style[i]);
    const text = Array.from(el.childNodes).filter(n => n.nodeType === 3).map(n => n.textContent).join('');
    return [el.tagName, attrs, text];
}))"""


def _view_html(kind: str, pair: bool, loaded) -> str:
    if kind == "neuron":
        return attnviz.neuron_view(A, B if pair else None, model=loaded).data
    r = attnviz.attend(A, B if pair else None, model=loaded)
    draw = head_view if kind == "head" else model_view
    return draw(r.attention, r.tokens, sentence_b_start=r.sentence_b_start, html_action="return").data


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("compact")
    write_static(folder / "_static" / "attnviz")
    shutil.copyfile(Path(__file__).parent / "js" / "bertviz-globals.js", folder / "bertviz-globals.js")
    server = serve(folder)
    yield folder, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def _write_pages(folder, name: str, html: str) -> None:
    body = strip_remote_scripts(html)
    # BERTviz's own output calls require.config / requirejs: give it the stand-in as globals, as a page would
    old_scripts = (
        "".join(
            f'<script src="_static/attnviz/{s}"></script>'
            for s in ("vendor/d3-5.7.0.min.js", "vendor/jquery-3.7.1.min.js")
        )
        + '<script src="bertviz-globals.js"></script>'
    )
    head = "<!doctype html><html><head><meta charset=utf-8><link rel=icon href=data:,>"
    (folder / f"{name}-old.html").write_text(f"{head}{old_scripts}</head><body>{body}</body></html>", "utf-8")
    new = rewrite(body)
    assert new.views and "PYTHON_PARAMS" not in new.body
    (folder / f"{name}-new.html").write_text(
        f'{head}<script type="module" src="_static/attnviz/views.js"></script></head><body>{new.body}</body></html>',
        "utf-8",
    )


def _open(browser, url: str):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log = PageLog(url.rsplit("/", 1)[0] + "/")
    log.attach(page)
    page.goto(url, wait_until="load")
    page.wait_for_selector("div[id^=bertviz-] svg")
    return page, log


def _compare(old: list, new: list, where: str) -> int:
    """Assert the two snapshots draw the same; return how many opacities differ at all."""
    assert len(old) == len(new), f"{where}: {len(old)} vs {len(new)} SVG elements"
    differing = 0
    for (tag_a, attrs_a, text_a), (tag_b, attrs_b, text_b) in zip(old, new, strict=True):
        assert (tag_a, text_a, sorted(attrs_a)) == (tag_b, text_b, sorted(attrs_b)), where
        for name, value_a in attrs_a.items():
            value_b = attrs_b[name]
            if value_a == value_b:
                continue
            assert OPACITY.search(name), f"{where}: <{tag_a} {name}> {value_a!r} vs {value_b!r}"
            assert abs(float(value_a) - float(value_b)) <= 1 / 255 + 1e-9, f"{where}: <{tag_a} {name}>"
            differing += 1
    return differing


def _states(kind: str, page) -> list[tuple[str, callable]]:
    """(name, action) pairs that bring a view into each state worth comparing."""
    root = page.locator("div[id^=bertviz-]")
    states = [("initial", lambda: None)]
    layers = root.locator("#layer option").all_text_contents()
    for layer in layers[1:] if kind != "model" else []:
        states.append((f"layer {layer}", lambda layer=layer: root.locator("#layer").select_option(layer)))
    for value in root.locator("#filter option").evaluate_all("os => os.map(o => o.value)")[1:]:
        states.append((f"filter {value}", lambda value=value: root.locator("#filter").select_option(value)))
    if kind == "neuron":
        states.append(("expanded", lambda: root.locator("#leftText rect[width='16']").nth(2).click(force=True)))
    if kind == "model":
        states.append(("thumbnail", lambda: root.locator("rect.attn_background").nth(13).click(force=True)))
    return states


@pytest.mark.parametrize("pair", [False, True], ids=["single", "pair"])
@pytest.mark.parametrize("kind", ["head", "model", "neuron"])
def test_compact_view_draws_the_same_svg(site, browser, loaded, kind, pair):
    folder, base = site
    name = f"{kind}-{'pair' if pair else 'single'}"
    _write_pages(folder, name, _view_html(kind, pair, loaded))
    old, _ = _open(browser, f"{base}{name}-old.html")
    new, new_log = _open(browser, f"{base}{name}-new.html")
    try:
        assert new.locator("[data-attnviz-drawn]").count() == 1
        old_root, new_root = old.locator("div[id^=bertviz-]"), new.locator("div[id^=bertviz-]")
        compared = 0
        for (state, act_old), (_, act_new) in zip(_states(kind, old), _states(kind, new), strict=True):
            act_old()
            act_new()
            old.wait_for_timeout(50)
            new.wait_for_timeout(50)
            snap_old, snap_new = json.loads(old_root.evaluate(SNAPSHOT)), json.loads(new_root.evaluate(SNAPSHOT))
            assert any(tag == "line" for tag, _, _ in snap_new), f"{name} {state}: nothing drawn"
            _compare(snap_old, snap_new, f"{name} {state}")
            compared += 1
        assert compared >= (3 if pair else 1)
        assert new_log.errors == [] and new_log.failed == [] and new_log.offsite == []
    finally:
        old.close()
        new.close()


def test_views_draw_only_when_near_or_opened(site, browser, loaded):
    """A view far below the fold, or in a closed dropdown, waits; it draws when scrolled to or opened,
    and tells the page with an "attnviz:drawn" event (for later modules, e.g. accessible labels)."""
    folder, base = site
    r = attnviz.attend(A, model=loaded)
    one = strip_remote_scripts(head_view(r.attention, r.tokens, html_action="return").data)
    two = strip_remote_scripts(model_view(r.attention, r.tokens, html_action="return").data)
    body = rewrite(
        f"<p>text</p><details><summary>open</summary>{one}</details><div style='height:4000px'></div>{two}"
    ).body
    (folder / "lazy.html").write_text(
        "<!doctype html><html><head><meta charset=utf-8><link rel=icon href=data:,>"
        '<script type="module" src="_static/attnviz/views.js"></script></head><body>'
        "<script>window.drawnEvents = []; document.addEventListener('attnviz:drawn', "
        "e => window.drawnEvents.push([e.target.id, e.detail.view]));</script>"
        f"{body}</body></html>",
        "utf-8",
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log = PageLog(base)
    log.attach(page)
    try:
        page.goto(base + "lazy.html", wait_until="load")
        page.wait_for_timeout(500)
        roots = page.locator("div[id^=bertviz-]")
        assert roots.count() == 2
        assert page.locator("[data-attnviz-drawn]").count() == 0
        assert page.locator("div[id^=bertviz-] svg").count() == 0
        assert page.evaluate("typeof window.d3") == "undefined"  # nothing loaded before it is needed
        page.locator("summary").click()
        roots.nth(0).locator("svg line").first.wait_for(state="attached")
        assert roots.nth(1).get_attribute("data-attnviz-drawn") is None
        roots.nth(1).scroll_into_view_if_needed()
        roots.nth(1).locator("svg").first.wait_for(state="attached")
        ids = [roots.nth(i).get_attribute("id") for i in range(2)]
        assert page.evaluate("window.drawnEvents") == [[ids[0], "head"], [ids[1], "model"]]
        assert log.errors == [] and log.failed == [] and log.offsite == []
    finally:
        page.close()
