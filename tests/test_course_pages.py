"""Every chapter's glue_page glues every name its page pastes, and states what the page's own code computes.

The page's ``{glue:text}`` / ``{glue:md}`` roles and ``{glue:}`` / ``{glue:figure}`` blocks are read from
book/*.md; ``glue_page`` runs with myst-nb's ``glue`` recording what it is given.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import matplotlib
import pytest

import attnviz

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(p.stem for p in (ROOT / "book").glob("0[0-6]_*.md"))
ROLE = re.compile(r"\{glue(?::text|:md)?\}`([^`]+)`")
BLOCK = re.compile(r"^```\{glue(?::|:figure)?\}\s+(\S+)\s*$", re.M)


def pasted(chapter: str) -> set[str]:
    text = (ROOT / "book" / f"{chapter}.md").read_text(encoding="utf-8")
    return set(ROLE.findall(text)) | set(BLOCK.findall(text))


@pytest.fixture
def glued(monkeypatch, loaded):
    """glued("04_demo") -> {name: value} of everything the chapter's glue_page glued."""
    import myst_nb

    def run(chapter: str) -> dict:
        seen: dict = {}
        monkeypatch.setattr(myst_nb, "glue", lambda name, value, display=True: seen.__setitem__(name, value))
        module = importlib.import_module(f"attnviz.course.ch{chapter[:2]}")
        banner = module.glue_page(loaded)
        assert "このページの出力を計算したモデル" in banner.data
        return seen

    return run


def test_the_patterns_find_every_kind_of_reference():
    assert pasted("04_demo") >= {"model_last_layer", "shares_line_cls", "clark_table", "fig_layer_shares"}
    assert {"hv_cat", "didnt_tokens"} <= pasted("05_miniwork")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_glue_page_glues_everything_the_page_pastes(chapter, glued):
    names = glued(chapter)
    missing = pasted(chapter) - set(names)
    assert not missing, f"{chapter} pastes names its glue_page does not glue: {sorted(missing)}"


def test_chapter_1_states_the_head_the_page_draws(glued, single):
    facts = glued("01_self_attention")
    hit = attnviz.find_head(single, query="cat")  # as the page's folded cell does
    assert (facts["star_layer"], facts["star_head"]) == (str(hit.layer), str(hit.head))
    assert facts["qkv_dk"] == single.model.hidden_size // single.n_heads


def test_chapter_4_states_the_heads_the_page_shows(glued, single):
    from attnviz.core import shares

    facts = glued("04_demo")
    contrast = shares.contrast_heads(single, layer=single.n_layers // 2)  # the page's shown cell
    assert facts["diff_layer"] == str(contrast.layer)
    assert (facts["diff_special_head"], facts["diff_word_head"]) == (
        str(contrast.special_head),
        str(contrast.word_head),
    )
    n = single.n_layers
    assert facts["pair_layers"] == "、".join(f"Layer {i}" for i in sorted({0, n // 2, n - 1}))


def test_chapters_4_and_6_state_the_same_facts(glued):
    four, six = glued("04_demo"), glued("06_summary")
    for key in ("rest_trend", "punct_trend", "rest_trend_note"):
        assert str(six[f"sum_{key}"].data) == str(four[f"shares_{key}"].data)
    assert six["sum_clark_stages_agree"] == four["clark_stages_agree"]
    five = glued("05_miniwork")
    assert six["sum_it_name"] == five["it_name"]
