"""The interactive head map in headless Chromium: on the built BERTviz page, and with hostile tokens."""

from __future__ import annotations

import json

import pytest

from attnviz_devtools.views import draw

pytestmark = pytest.mark.browser

PAGE = "book/04_demo.html"
# Console errors that every Jupyter Book 1.0.4 page logs, whatever our widget does:
# the theme's THEBE_JS_URL redeclaration, its "invalid theme mode" message, and the missing favicon.
THEME_NOISE = ("THEBE_JS_URL", "invalid theme mode", "Failed to load resource")


def own_errors(log) -> list[str]:
    return [e for e in log.errors if not any(noise in e for noise in THEME_NOISE)]


def drawn_lines(root) -> list[tuple[float, float, float]]:
    return root.evaluate(
        """el => [...el.querySelectorAll("svg line")].filter(l => l.style.display !== "none").map(l => [
            +l.getAttribute("y1"), +l.getAttribute("y2"), +l.getAttribute("stroke-opacity")])"""
    )


def selection(page, uid: str) -> tuple[str | None, str | None]:
    """(layer, head) a head-map widget shows."""
    root = page.locator(f"#attnviz-headmap-{uid}")
    return root.get_attribute("data-layer"), root.get_attribute("data-head")


def expected_count(data: dict, layer: int, head: int, row: int | None = None) -> int:
    rows = data["weights"][layer][head]
    return sum(w >= 10 for i, r in enumerate(rows) if row is None or i == row for w in r)


def test_choosing_a_cell_draws_that_head(open_page):
    page, log = open_page(PAGE)
    root = page.locator(".attnviz-headmap").first
    # drawn lazily: far below the first screen (views.js draws 400 px ahead), it has not drawn after loading ...
    assert root.evaluate("el => el.getBoundingClientRect().top - innerHeight") > 800
    page.wait_for_timeout(300)
    assert root.get_attribute("data-attnviz-drawn") is None
    assert root.locator(".ahm-grid button").count() == 0
    draw(root)  # ... and draws once scrolled near
    root.locator(".ahm-grid button").first.wait_for()
    data = json.loads(root.locator("script[type='application/json']").text_content())
    buttons = root.locator(".ahm-grid button")
    assert buttons.count() == data["layers"] * data["heads"]

    layer0, head0 = data["initial"]
    assert (root.get_attribute("data-layer"), root.get_attribute("data-head")) == (str(layer0), str(head0))
    assert root.locator('button[aria-pressed="true"]').count() == 1
    before_caption = root.locator(".ahm-caption").text_content()
    before = drawn_lines(root)
    assert len(before) == expected_count(data, layer0, head0)
    texts = root.locator("svg text").all_text_contents()  # left and right token, row by row
    assert texts[0::2] == data["tokens"] and texts[1::2] == data["tokens"]

    # a head whose weights differ from the initial one's
    target = next(
        (lay, h)
        for lay in range(data["layers"])
        for h in range(data["heads"])
        if data["weights"][lay][h] != data["weights"][layer0][head0]
    )
    buttons.nth(target[0] * data["heads"] + target[1]).click()
    assert (root.get_attribute("data-layer"), root.get_attribute("data-head")) == tuple(map(str, target))
    assert root.locator(".ahm-caption").text_content() != before_caption
    assert f"Layer {target[0]}・Head {target[1]}" in root.locator(".ahm-caption").text_content()
    profile = root.locator(".ahm-profile").text_content()
    assert f"{round(100 * data['profile'][target[0]][target[1]][0])}%" in profile
    after = drawn_lines(root)
    assert after != before
    assert len(after) == expected_count(data, *target)
    pressed = root.locator('button[aria-pressed="true"]')
    assert pressed.count() == 1
    assert (pressed.get_attribute("data-layer"), pressed.get_attribute("data-head")) == tuple(map(str, target))

    # keyboard: arrows move the selection and the focus
    buttons.nth(0).focus()
    page.keyboard.press("ArrowRight")
    assert (root.get_attribute("data-layer"), root.get_attribute("data-head")) == ("0", "1")
    page.keyboard.press("ArrowDown")
    assert (root.get_attribute("data-layer"), root.get_attribute("data-head")) == ("1", "1")
    assert page.evaluate("document.activeElement.dataset.head") == "1"

    # hovering a token on the left keeps only that token's lines
    page.locator(".attnviz-headmap svg text").nth(2).hover()
    assert len(drawn_lines(root)) == expected_count(data, 1, 1, row=1)
    page.mouse.move(0, 0)
    assert len(drawn_lines(root)) == expected_count(data, 1, 1)

    assert own_errors(log) == []
    assert [url for url in log.failed if "favicon.ico" not in url] == []  # so the filter hides nothing of ours
    assert log.offsite == []


def test_hostile_tokens_stay_text(browser, loaded, single):
    """A token that looks like HTML is drawn as that text: no element is created, no script runs."""
    import dataclasses

    from attnviz.core.heads import measure_heads
    from attnviz.views.headmap import headmap_widget

    evil = ("</script><script>window.__pwned=1</script>", '<img src=x onerror="window.__pwned=2">')
    result = dataclasses.replace(single, tokens=(single.tokens[0], *evil, *single.tokens[3:]))
    html = headmap_widget(measure_heads(model=loaded)[0], result, uid="evil").data
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_content(f"<!doctype html><html><body>{html}{html.replace('evil', 'evil2')}</body></html>")
    try:
        assert page.evaluate("window.__pwned") is None
        assert page.locator("img").count() == 0
        for uid in ("evil", "evil2"):  # two widgets on one page work independently
            texts = page.locator(f"#attnviz-headmap-{uid} svg text").all_text_contents()
            assert evil[0] in texts and evil[1] in texts
        initial = json.loads(page.locator("#attnviz-headmap-evil2 script[type='application/json']").text_content())
        target = 1 if initial["initial"] != [0, 1] else 2  # a head of layer 0 other than the one shown
        before = selection(page, "evil")
        assert before == selection(page, "evil2") == tuple(map(str, initial["initial"]))
        page.locator("#attnviz-headmap-evil2 .ahm-grid button").nth(target).click()
        assert selection(page, "evil2") == ("0", str(target))
        assert selection(page, "evil") == before  # the other widget keeps its head
        assert errors == []
    finally:
        page.close()
