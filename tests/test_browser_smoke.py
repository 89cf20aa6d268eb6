"""Smoke test of the fixtures: the appendix page loads with its views."""

import pytest

pytestmark = pytest.mark.browser


def test_appendix_views_draw(open_page):
    page, log = open_page("book/appendix_views.html")
    page.wait_for_selector("div[id^=bertviz-] svg")
    assert page.locator("div[id^=bertviz-] svg").count() >= 4
    assert log.offsite == []
