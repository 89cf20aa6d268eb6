"""Key the notebook execution cache on the helper package and the chosen model.

jupyter-cache keys a notebook on its cells' source only: an edit to ``src/attnviz`` or a switch of
``ATTNVIZ_MODEL`` would leave stale outputs in the site. This hook points myst-nb at a cache folder
named after a hash of both, and removes the folders of older keys.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import attnviz
from attnviz.core.models import requested_model

__all__ = ["cache_key", "key_execution_cache"]

PREFIX = "attnviz-"
NOT_KEYED = {"sphinx", "web", "webmodel", "browser_model.py", "jsdeps.py"}


def cache_key() -> str:
    """A short hash of every file of the installed ``attnviz`` package and of ``ATTNVIZ_MODEL``."""
    root = Path(attnviz.__file__).parent
    digest = hashlib.sha256(requested_model().encode())
    for path in sorted(root.rglob("*")):
        # the Sphinx extension, the front end and the browser model do not change notebook outputs
        if path.is_file() and "__pycache__" not in path.parts and path.relative_to(root).parts[0] not in NOT_KEYED:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def key_execution_cache(app: Any, config: Any) -> None:
    base = config.nb_execution_cache_path
    if not base:
        base = str(Path(app.outdir).parent / ".jupyter_cache")
    base_path = Path(base)
    if base_path.name.startswith(PREFIX):  # already keyed (config re-read)
        return
    keyed = base_path / f"{PREFIX}{cache_key()}"
    if base_path.is_dir():
        for old in base_path.iterdir():
            if old.is_dir() and old.name.startswith(PREFIX) and old != keyed:
                shutil.rmtree(old, ignore_errors=True)
    config.nb_execution_cache_path = str(keyed)
