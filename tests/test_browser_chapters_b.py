"""Chapters 3-6 in the built site: every BERTviz view draws, including those in tabs hidden at load."""

from __future__ import annotations

import pytest

from attnviz.devtools.views import draw, draw_all

pytestmark = pytest.mark.browser

VIEWS = {"book/03_bertviz.html": 4, "book/04_demo.html": 4, "book/05_miniwork.html": 5}


@pytest.mark.parametrize("path", sorted(VIEWS))
def test_views_draw_offline(open_page, path):
    page, log = open_page(path)
    views = draw_all(page, "div[id^=bertviz-], div[id^=bertviz]")  # each scrolled to (or its tab opened)
    drawn = [view for view in views if view.locator("svg text").count() > 0]
    assert len(drawn) == len(views) == VIEWS[path]
    # JS exceptions only (the theme's THEBE_JS_URL redeclaration is a known Jupyter Book 1 quirk)
    assert [e for e in log.errors if e.startswith("pageerror") and "THEBE_JS_URL" not in e] == []


def test_hidden_tab_views_draw_and_respond(open_page):
    page, _ = open_page("book/05_miniwork.html")
    tabset = page.locator(".sd-tab-set").first
    views = tabset.locator("div[id^=bertviz-]")
    assert views.count() == 3
    tabset.scroll_into_view_if_needed()
    draw(views.nth(0))  # the open tab draws once it is near ...
    page.wait_for_timeout(300)
    assert not views.nth(2).is_visible()  # ... a hidden tab's view has no box ...
    assert views.nth(2).get_attribute("data-attnviz-drawn") is None  # ... so it waits
    tabset.locator("label").nth(2).click()
    view = views.nth(2)
    assert view.is_visible()
    view.locator("svg text").first.wait_for()  # drawn as soon as its tab opens
    box = view.locator("svg").first.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 300
    # the view still reacts once shown: switching layers redraws it
    view.locator("select#layer").select_option("1")
    assert view.locator("svg text").count() > 0


def test_landing_page_links_every_chapter(open_page):
    page, _ = open_page("book/index.html")
    hrefs = page.eval_on_selector_all("a.sd-stretched-link", "els => els.map(e => e.getAttribute('href'))")
    names = ["00_intro", "01_self_attention", "02_transformer_bert", "03_bertviz", "04_demo", "05_miniwork"]
    for name in [*names, "06_summary", "appendix_views"]:
        assert any(h and h.startswith(f"{name}.html") for h in hrefs), name
