"""What a reader sees is what runs, and what a reader does not see is one call.

"Shown" means every code cell whose input the site displays, folded ones (``hide-input``) included; cells tagged
``remove-cell`` or ``remove-input`` are hidden. The shown cells of a page, pasted in order into a fresh notebook,
run (so every import a shown cell needs is itself shown: tests/test_notebooks.py's ``test_page_runs_as_a_notebook``
runs them first and alone in each page's fresh kernel), and none of them glues. Apart from the Colab install cell, a
chapter has one hidden cell: its chapter module's ``glue_page()``, which shows the model note.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from attnviz_devtools.notebooks import is_shown
from attnviz_devtools.project import executable_docnames, load_sync

ROOT = Path(__file__).resolve().parents[1]
#: Every page that runs code: the seven chapters and the appendix.
PAGES = executable_docnames()
CHAPTERS = [p for p in PAGES if re.fullmatch(r"book/0[0-6]_\w+", p)]
INSTALL = load_sync().install_cell_source()


def code_cells(docname: str) -> list:
    nb = nbformat.read(ROOT / f"{docname}.ipynb", as_version=4)
    return [c for c in nb.cells if c.cell_type == "code"]


def shown_cells(docname: str) -> list:
    return [c for c in code_cells(docname) if is_shown(c)]


def hidden_cells(docname: str) -> list:
    return [c for c in code_cells(docname) if not is_shown(c) and c.source != INSTALL]


def test_every_page_is_checked():
    assert len(CHAPTERS) == 7 and "book/appendix_views" in PAGES


def test_hidden_cells_are_left_out():
    cells = shown_cells("book/03_bertviz")
    assert cells, "chapter 3 shows code"
    assert "import attnviz" in cells[0].source and "from bertviz import" in cells[0].source
    assert all("glue_page" not in c.source for c in cells)


@pytest.mark.parametrize("docname", PAGES)
def test_no_shown_cell_glues(docname):
    for cell in shown_cells(docname):
        assert not re.search(r"\bglue(_\w+)?\(", cell.source), (
            f"a shown cell glues: it belongs in glue_page\n{cell.source}"
        )


@pytest.mark.parametrize("docname", CHAPTERS)
def test_a_chapters_hidden_cell_is_one_call_to_its_glue_page(docname):
    n = docname.split("/")[1][:2]
    cells = hidden_cells(docname)
    assert len(cells) == 1, [c.source for c in cells]
    lines = [line.split("#")[0].strip() for line in cells[0].source.splitlines()]
    assert [line for line in lines if line] == [f"from attnviz.course import ch{n}", f"ch{n}.glue_page()"]
    assert cells[0].metadata["tags"] == ["remove-input"], "the model note it returns is shown"
    assert code_cells(docname)[1] == cells[0], "right after the install cell: the note opens the page"
