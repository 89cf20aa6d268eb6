"""Where things are in a checkout of the course repository, and its settings files read once."""

from __future__ import annotations

import functools
import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = [
    "BINDER",
    "EXECUTED",
    "HTML",
    "ROOT",
    "WORKFLOW",
    "code_cells",
    "config",
    "executable_docnames",
    "html_of",
    "load_sync",
    "shown_outputs",
    "workflow",
]


def _find_root() -> Path:
    """The repository root: the folder holding ``_config.yml`` and ``_toc.yml``.

    Looked for upwards from the working directory first (a test run, a script), then from this file
    (an editable install, run from anywhere).
    """
    for start in (Path.cwd(), Path(__file__).resolve()):
        for folder in (start, *start.parents):
            if (folder / "_config.yml").is_file() and (folder / "_toc.yml").is_file():
                return folder
    return Path.cwd()


ROOT = _find_root()
HTML = ROOT / "_build" / "html"
EXECUTED = ROOT / "_build" / "jupyter_execute"  # myst-nb's executed notebooks and their glued outputs
WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"
BINDER = ROOT / "binder"


def load_sync() -> ModuleType:
    """``scripts/sync_notebooks.py`` imported as a module (``scripts/`` is no package)."""
    name = "sync_notebooks"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "sync_notebooks.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@functools.cache
def config() -> dict[str, Any]:
    """``_config.yml`` (Jupyter Book's settings)."""
    import yaml

    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def workflow() -> dict[str, Any]:
    """The GitHub Actions workflow, with YAML 1.1's boolean key ``on`` given back its name."""
    import yaml

    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


def executable_docnames() -> list[str]:
    """The pages of ``_toc.yml`` that are executed notebooks (front matter with a ``kernelspec``)."""
    return [page.docname for page in load_sync().executable_pages()]


def code_cells(docname: str) -> list[str]:
    """The code cells of a page's source (``book/03_bertviz``), in order, as jupytext reads the MyST page."""
    import jupytext

    notebook = jupytext.read(ROOT / f"{docname}.md", fmt="md:myst")
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


_GLUE = re.compile(r"\{glue(?::\w+)?\}\s*`?(\w+)")  # ```{glue} name  and  {glue:text}`name`
_HIDDEN = {"remove-output", "remove-cell"}


def _executed_notebook(docname: str) -> Path | None:
    """The page's executed notebook with its outputs: the newest one in the build's jupyter-cache whose code
    cells are the page's (myst-nb's copy in _build/jupyter_execute has no outputs when the page's execution was
    taken from the cache, as on a clean build), else that copy."""
    wanted = [source.strip() for source in code_cells(docname)] if (ROOT / f"{docname}.md").exists() else None
    found = []
    for path in (ROOT / "_build" / ".jupyter_cache").glob("*/executed/*/base.ipynb"):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        sources = ["".join(c["source"]).strip() for c in cells if c["cell_type"] == "code"]
        if wanted is not None and sources == wanted:
            found.append(path)
    if found:
        return max(found, key=lambda p: p.stat().st_mtime)
    notebook = EXECUTED / f"{docname}.ipynb"
    return notebook if notebook.exists() else None


def shown_outputs(docname: str) -> list[dict[str, Any]]:
    """The outputs a built page shows, as its executed notebook holds them (``make book`` first): every output
    of a cell not tagged ``remove-output`` or ``remove-cell``, then each glued output the page's text names."""
    notebook = _executed_notebook(docname)
    if notebook is None:
        return []  # a page without code
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    shown = [
        output
        for cell in cells
        if not _HIDDEN & set(cell.get("metadata", {}).get("tags", []))
        for output in cell.get("outputs", [])
    ]
    glue_file = EXECUTED / f"{docname}.glue.json"
    if glue_file.exists():
        glued = json.loads(glue_file.read_text(encoding="utf-8"))
        names = _GLUE.findall((ROOT / f"{docname}.md").read_text(encoding="utf-8"))
        shown += [glued[name] for name in names if name in glued]
    return shown


def html_of(output: dict[str, Any]) -> str:
    """The ``text/html`` of a notebook output ("" when it has none)."""
    html = output.get("data", {}).get("text/html", "")
    return "".join(html) if isinstance(html, list) else html
