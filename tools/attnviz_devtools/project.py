"""Where things are in a checkout of the course repository, and its settings files read once."""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = ["BINDER", "HTML", "ROOT", "WORKFLOW", "config", "executable_docnames", "load_sync", "workflow"]


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
