"""The execution cache never serves stale pages, and the parallel pre-execution executes each page once.

A tiny Sphinx project with two notebook pages is built with the course's extension (myst-nb in cache
mode, attnviz.sphinx's parallel pre-execution). Every cell appends a line to a log, so the log counts
executions: a rebuild with nothing changed executes nothing; an edit under ``src/attnviz`` (here a copy
of the package) or another ``ATTNVIZ_MODEL`` executes every page again.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import attnviz
from attnviz.sphinx import execute

PAGE = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  name: python3
  display_name: Python 3
---
# {title}

```{{code-cell}} ipython3
with open({log!r}, "a") as log:
    print("{title}", file=log)
print("{title} ran")
```
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    package = tmp_path / "pkg" / "attnviz"
    shutil.copytree(Path(attnviz.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(attnviz, "__file__", str(package / "__init__.py"))
    monkeypatch.setenv("ATTNVIZ_MODEL", "bundled")
    monkeypatch.setenv(execute.JOBS_ENV, "2")
    src = tmp_path / "src"
    src.mkdir()
    log = tmp_path / "executions.log"
    (src / "conf.py").write_text(
        "extensions = ['myst_nb', 'attnviz.sphinx']\nnb_execution_mode = 'cache'\nnb_execution_raise_on_error = True\n"
    )
    (src / "index.md").write_text("# Book\n\n```{toctree}\na\nb\n```\n")
    for title in ("a", "b"):
        (src / f"{title}.md").write_text(PAGE.format(title=title, log=str(log)))
    return src, package, log


def _build(src: Path) -> None:
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    out = src.parent / "_build"
    with docutils_namespace():  # each build registers its nodes afresh, as a separate sphinx-build would
        app = Sphinx(
            str(src), str(src), str(out / "html"), str(out / "doctrees"), "html", status=None, warningiserror=True
        )
        app.build()
    assert app.statuscode == 0


def _runs(log: Path) -> list[str]:
    return sorted(log.read_text().split()) if log.exists() else []


def test_an_edited_page_re_executes_alone_and_the_package_or_the_model_every_page(project, monkeypatch):
    src, package, log = project
    _build(src)
    assert _runs(log) == ["a", "b"], "each page executed exactly once (in parallel, then found in the cache)"
    assert "a ran" in (src.parent / "_build" / "html" / "a.html").read_text()

    (src / "index.md").write_text((src / "index.md").read_text() + "\nprose edit\n")
    _build(src)
    assert _runs(log) == ["a", "b"], "nothing re-executed when neither the code nor the package changed"

    (src / "b.md").write_text((src / "b.md").read_text().replace('print("b ran")', 'print("b ran again")'))
    _build(src)
    assert _runs(log) == ["a", "b", "b"], "one edited page re-executes alone"

    (package / "core" / "attention.py").write_text((package / "core" / "attention.py").read_text() + "\n# edited\n")
    _build(src)
    assert _runs(log) == ["a", "a", "b", "b", "b"], "an edit under src/attnviz re-executes every page"

    monkeypatch.setenv("ATTNVIZ_MODEL", "bert-base-uncased")
    _build(src)
    assert _runs(log) == ["a", "a", "a", "b", "b", "b", "b"], "another ATTNVIZ_MODEL re-executes every page"


def test_build_jobs_come_from_the_environment(monkeypatch):
    monkeypatch.setenv(execute.JOBS_ENV, "3")
    assert execute.build_jobs() == 3
    monkeypatch.setenv(execute.JOBS_ENV, "1")
    assert execute.build_jobs() == 1
    monkeypatch.delenv(execute.JOBS_ENV)
    assert execute.build_jobs() >= 1


def test_each_kernel_or_test_worker_gets_its_share_of_the_cores(monkeypatch):
    """One definition for the build's kernels and pytest-xdist's workers (tests/conftest.py uses it too)."""
    monkeypatch.setattr(execute.os, "cpu_count", lambda: 8)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.setenv("MKL_NUM_THREADS", "5")  # the user's choice stays
    assert execute.share_the_cores(3) == ["OMP_NUM_THREADS"]
    assert (execute.os.environ["OMP_NUM_THREADS"], execute.os.environ["MKL_NUM_THREADS"]) == ("2", "5")
    monkeypatch.delenv("OMP_NUM_THREADS")
    with execute._threads_per_kernel(16):  # more workers than cores: one thread each, never zero
        assert execute.os.environ["OMP_NUM_THREADS"] == "1"
    assert "OMP_NUM_THREADS" not in execute.os.environ  # set only while the kernels run
