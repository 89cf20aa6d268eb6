"""attnviz.course.playground: the playground page names the model that built the site, beside the browser's."""

from __future__ import annotations

import re
from pathlib import Path

from attnviz.core.models import BUNDLED_NAME
from attnviz.course import playground

PAGE = Path(__file__).resolve().parents[1] / "book" / "playground.md"


def test_the_page_pastes_only_what_glue_page_glues(monkeypatch, loaded):
    import myst_nb

    seen: dict = {}
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display=True: seen.__setitem__(name, value))
    note = playground.glue_page(loaded)
    pasted = set(re.findall(r"\{glue(?::text|:md)?\}`([^`]+)`", PAGE.read_text(encoding="utf-8")))
    assert pasted and pasted <= set(seen)
    assert seen["model_name"] == loaded.info.name
    assert "attnviz-model" in note.data and loaded.info.name in note.data and BUNDLED_NAME in note.data


def test_the_comparison_follows_the_model(loaded):
    facts = playground.browser_facts(loaded)
    assert facts["browser"] == BUNDLED_NAME
    assert ("同じモデル" in facts["same"]) == loaded.info.is_bundled
