"""What a reader sees is what runs: the code cells a page shows, pasted in order into a fresh notebook, run.

"Shown" means every code cell whose input the site displays, folded ones (``hide-input``) included; cells tagged
``remove-cell`` or ``remove-input`` are left out, so every import a shown cell needs must itself be shown.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from attnviz_devtools.notebooks import errors_of, execute_fresh

ROOT = Path(__file__).resolve().parents[1]
HIDDEN = {"remove-cell", "remove-input"}
#: The chapters a reader copies code from (issue 9 names chapter 3; the others follow the same rule).
PAGES = ["book/01_self_attention", "book/02_transformer_bert", "book/03_bertviz", "book/04_demo", "book/05_miniwork"]


def shown_cells(docname: str) -> list:
    nb = nbformat.read(ROOT / f"{docname}.ipynb", as_version=4)
    return [c for c in nb.cells if c.cell_type == "code" and not HIDDEN & set(c.metadata.get("tags", []))]


def test_hidden_cells_are_left_out():
    cells = shown_cells("book/03_bertviz")
    assert cells, "chapter 3 shows code"
    assert all("glue(" not in c.source for c in cells), "a shown cell glues: it should be hidden"
    assert "import attnviz" in cells[0].source and "from bertviz import" in cells[0].source


@pytest.mark.slow
@pytest.mark.parametrize("docname", PAGES)
def test_shown_cells_run_in_a_fresh_notebook(docname, tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c.source) for c in shown_cells(docname)]
    errors = errors_of(execute_fresh(nb, tmp_path))
    assert errors == []
