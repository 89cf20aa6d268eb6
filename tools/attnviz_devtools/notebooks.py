"""Running a page's notebook the way a learner would: a fresh kernel, outside Colab, on this checkout's package."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .project import ROOT

__all__ = ["HIDDEN", "errors_of", "execute_fresh", "is_shown"]

#: Tags that hide a code cell's input on the site; every other code cell is shown (``hide-input`` folds it).
HIDDEN = frozenset({"remove-cell", "remove-input"})


@contextmanager
def _learner_environment() -> Iterator[None]:
    """The bundled model unless one is chosen, this checkout's ``src`` importable, not in Colab."""
    saved = {key: os.environ.get(key) for key in ("ATTNVIZ_MODEL", "PYTHONPATH")}
    colab = sys.modules.pop("google.colab", None)
    os.environ["ATTNVIZ_MODEL"] = saved["ATTNVIZ_MODEL"] or "bundled"
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "src"), saved["PYTHONPATH"]) if p)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        if colab is not None:
            sys.modules["google.colab"] = colab


def execute_fresh(nb: Any, folder: Path, timeout: int = 600) -> Any:
    """Execute ``nb`` in place in a new python3 kernel working in ``folder``; returns ``nb``."""
    from nbclient import NotebookClient

    with _learner_environment():
        NotebookClient(
            nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
        ).execute()
    return nb


def is_shown(cell: Any) -> bool:
    """Whether the site shows this code cell's input (folded ones included)."""
    return not HIDDEN & set(cell.get("metadata", {}).get("tags", []))


def errors_of(nb: Any) -> list[Any]:
    """The error outputs of every code cell."""
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
