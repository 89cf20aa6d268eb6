"""Smoke test of the fixtures: the appendix page loads and draws its four views (lazily, as they come near)."""

import pytest

from attnviz.devtools.views import draw_all

pytestmark = pytest.mark.browser


def test_appendix_views_draw(open_page):
    page, log = open_page("book/appendix_views.html")
    views = draw_all(page, "div[id^=bertviz-]")
    assert len(views) >= 4
    assert all(view.locator("svg").count() >= 1 for view in views)
    assert log.offsite == []
