"""Chapter 5 in the built site: the views in tabs hidden at load wait, then draw when their tab opens.

(That every view of every page draws is test_browser_site.py's.)"""

from __future__ import annotations

import pytest

from attnviz_devtools.views import draw

pytestmark = pytest.mark.browser
LINE_OPACITIES = """root => Array.from(root.querySelectorAll('#attention line'))
    .map(l => l.getAttribute('stroke-opacity'))"""


def test_hidden_tab_views_draw_and_respond(open_page):
    page, _ = open_page("book/05_miniwork.html")
    tabset = page.locator(".sd-tab-set").first
    views = tabset.locator("div[id^=bertviz-]")
    assert views.count() == tabset.locator("label").count() >= 3  # one view per tab
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
    # the view still reacts once shown: switching layers redraws its lines
    before = view.evaluate(LINE_OPACITIES)
    view.locator("select#layer").select_option("1")
    after = view.evaluate(LINE_OPACITIES)
    assert before and after and before != after
