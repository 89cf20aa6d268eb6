"""The notebooks Colab and Binder open (book/*.ipynb): in step with the pages, and each one's cells run.

The run executes the committed notebook's cells with nbclient in a fresh kernel, in an empty working folder (as in
Colab, where none of the repository's files are around), on the model the build uses (`make test`: bundled): the
cells the site shows first and alone (a reader who pastes them gets them to run, tests/test_visible_cells.py), then
the hidden ones. The build (`make book`, cell errors fail it) runs every page top to bottom in the notebooks' order.
"""

from __future__ import annotations

import sys
import time
import types

import nbformat
import pytest
from packaging.requirements import Requirement

from attnviz_devtools.notebooks import errors_of, execute_fresh, is_shown
from attnviz_devtools.project import ROOT, config, executable_docnames, load_sync

sync = load_sync()
PAGES = executable_docnames()


def code_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


# --- in step with the sources ------------------------------------------------------------------------------


def test_notebooks_and_install_cells_are_in_step():
    assert sync.problems() == [], "run `make notebooks` (python scripts/sync_notebooks.py) and commit"


def test_install_requirement_is_derived_from_config():
    cfg = config()["repository"]
    req = Requirement(sync.install_requirement())
    assert req.name == "attnviz"
    assert req.extras == {"colab"}
    assert req.url == f"git+{cfg['url'].rstrip('/')}@{cfg['branch']}"


@pytest.mark.parametrize("docname", PAGES)
def test_first_code_cell_is_the_install_cell(docname):
    nb = nbformat.read(ROOT / f"{docname}.ipynb", as_version=4)
    first = code_cells(nb)[0]
    assert first.source == sync.install_cell_source()
    assert "remove-cell" in first.metadata.get("tags", []), "the site does not show the install cell"
    assert all(not c.outputs and c.execution_count is None for c in code_cells(nb)), "notebooks carry no outputs"


def test_sync_rewrites_a_stale_url_and_inserts_a_missing_cell(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "_config.yml").write_text("repository:\n  url: https://github.com/someone/fork\n  branch: dev\n")
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: book/index\nchapters:\n  - file: book/a\n  - file: book/b\n"
    )
    front = "---\nkernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n---\n\n"
    (tmp_path / "book" / "index.md").write_text("# Index\n")
    old_cell = sync.install_cell_source(ROOT)  # names the course repository, not the fork
    (tmp_path / "book" / "a.md").write_text(
        front + "# A\n\n```{code-cell} ipython3\n:tags: [remove-cell]\n" + old_cell + "\n```\n\ntext\n"
    )
    (tmp_path / "book" / "b.md").write_text(front + "# B\n\n```{code-cell} ipython3\nx = 1\n```\n")
    (tmp_path / "book" / "gone.ipynb").write_text("{}")

    problems = sync.problems(tmp_path)
    assert len(problems) == 5, problems  # a: cell, a: notebook, b: cell, b: notebook, gone.ipynb
    sync.sync(tmp_path)
    assert sync.problems(tmp_path) == []
    assert not (tmp_path / "book" / "gone.ipynb").exists()
    assert not (tmp_path / "book" / "index.ipynb").exists(), "pages without a kernel get no notebook"
    wanted = 'attnviz[colab] @ git+https://github.com/someone/fork@dev"'
    for name in ("a", "b"):
        nb = nbformat.read(tmp_path / "book" / f"{name}.ipynb", as_version=4)
        assert wanted in code_cells(nb)[0].source
    b = nbformat.read(tmp_path / "book" / "b.ipynb", as_version=4)
    assert [c.source for c in code_cells(b)][1] == "x = 1"
    # a second sync writes nothing: stable cell ids, no timestamps
    assert sync.sync(tmp_path) == []


# --- the install cell's guard ------------------------------------------------------------------------------


@pytest.fixture
def shell():
    """An in-process IPython shell whose %pip only records its arguments."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    calls: list[str] = []
    shell.register_magic_function(calls.append, magic_kind="line", magic_name="pip")
    shell.pip_calls = calls
    yield shell
    InteractiveShell.clear_instance()


def test_install_cell_does_nothing_outside_colab(shell, monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    shell.run_cell(sync.install_cell_source()).raise_error()
    assert shell.pip_calls == []


def test_install_cell_pip_installs_the_package_in_colab(shell, monkeypatch):
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    shell.run_cell(sync.install_cell_source()).raise_error()
    assert shell.pip_calls == [f'install -q "{sync.install_requirement()}"']


# --- every page, top to bottom -----------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("docname", PAGES)
def test_page_runs_as_a_notebook(docname, tmp_path):
    """One fresh kernel per page: the shown cells, in order, as if pasted into a new notebook, then the hidden
    cells (the Colab install cell, the chapter's glue_page call) in order."""
    nb = nbformat.read(ROOT / f"{docname}.ipynb", as_version=4)
    cells = code_cells(nb)
    shown = [c for c in cells if is_shown(c)]
    hidden = [c for c in cells if not is_shown(c)]
    assert cells[0] in hidden, "the install cell is hidden"
    run = nbformat.v4.new_notebook(metadata=nb.metadata)
    run.cells = shown + hidden
    started = time.monotonic()
    errors = errors_of(execute_fresh(run, tmp_path))  # a cell that fails stops the run, and names itself
    assert errors == []
    assert all(c.execution_count for c in cells), "every cell ran"
    assert cells[0].outputs == [], "outside Colab the install cell prints nothing and installs nothing"
    assert time.monotonic() - started < 600
