"""Predict-then-check questions: the reader commits to a guess, then the answer is checked against the page's
own computed numbers (glued from the model, never typed)."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from attnviz_devtools.project import HTML, ROOT

MARK = "【予想してから開く】"
CHECK = "**答え合わせ**"
#: Every chapter carries at least one such question.
CHAPTERS = [
    "00_intro",
    "01_self_attention",
    "02_transformer_bert",
    "03_bertviz",
    "04_demo",
    "05_miniwork",
    "06_summary",
]
#: Chapters whose answers read shares (a "%" is printed); the others may answer with counts.
SHARE_ANSWERS = {"00_intro", "01_self_attention", "02_transformer_bert", "05_miniwork"}
GLUE = re.compile(r"\{glue(?::text|:md)?\}`[^`]+`")


def _questions(chapter: str) -> list[tuple[str, str]]:
    text = (ROOT / "book" / f"{chapter}.md").read_text(encoding="utf-8")
    section = text.split("\n## 確認問題\n", 1)[1]
    found = re.findall(r"^::::\{dropdown\} (Q\d\. .*?)\n(.*?)^::::$", section, flags=re.M | re.S)
    return [(title, body) for title, body in found if MARK in title]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_source_has_a_predict_then_check_question_answered_from_glued_numbers(chapter):
    questions = _questions(chapter)
    assert questions, f"{chapter}: no question marked {MARK}"
    for title, body in questions:
        assert CHECK in body, f"{title}: the answer starts with {CHECK}"
        before, after = body.split(CHECK, 1)
        assert before.strip(), f"{title}: ask for a guess before the answer"
        assert GLUE.search(after), f"{title}: the answer is checked against glued numbers"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_built_page_hides_the_answer_and_prints_numbers(chapter):
    path = HTML / "book" / f"{chapter}.html"
    assert path.exists(), f"{path} is missing: run `make book` first"
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    drops = [d for d in soup.select("details.sd-dropdown") if MARK in d.select_one("summary").get_text()]
    assert drops
    for d in drops:
        assert not d.has_attr("open")
        answer = d.select_one(".sd-summary-content").get_text(" ", strip=True)
        checked = answer.split("答え合わせ", 1)[1]
        assert re.search(r"\d+%" if chapter in SHARE_ANSWERS else r"\d", checked), checked  # glued numbers
