"""A check after every chapter: each of the seven chapters ends with 3-5 self-check questions in dropdowns."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from attnviz_devtools.project import HTML, ROOT

# The numbered chapters (test_site.py checks that _toc.yml lists the seven of them).
CHAPTERS = sorted(p.stem for p in (ROOT / "book").glob("0[0-9]_*.md"))


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_source_has_a_self_check_section_with_3_to_5_dropdowns(chapter):
    text = (ROOT / "book" / f"{chapter}.md").read_text(encoding="utf-8")
    assert text.count("\n## 確認問題\n") == 1, "one self-check section"
    section = text.split("\n## 確認問題\n", 1)[1].split("\n## ", 1)[0]
    questions = re.findall(r"^::::\{dropdown\} Q(\d)\. ", section, flags=re.M)
    assert 3 <= len(questions) <= 5, questions
    assert questions == [str(i + 1) for i in range(len(questions))], "numbered Q1, Q2, ..."


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_built_page_shows_the_dropdowns_closed_with_their_answers(chapter):
    path = HTML / "book" / f"{chapter}.html"
    assert path.exists(), f"{path} is missing: run `make book` first"
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    heading = next(h for h in soup.find_all("h2") if "確認問題" in h.get_text())
    section = heading.find_parent("section")
    drops = section.select("details.sd-dropdown")
    assert 3 <= len(drops) <= 5
    for d in drops:
        assert not d.has_attr("open"), "answers start hidden"
        answer = d.select_one(".sd-summary-content").get_text(" ", strip=True)
        assert len(answer) > 20, answer
        assert "glue" not in answer, "an unresolved glue reference"
