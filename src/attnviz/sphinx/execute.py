"""Execute the book's notebooks in parallel before Sphinx reads them.

Jupyter Book 1 runs Sphinx with one process, so myst-nb executes the pages one after another, and
each pays the same fixed cost: a kernel starts, torch and transformers are imported, the model loads.
On ``env-before-read-docs`` this hook finds the pages that Sphinx is about to read and whose execution
cache entry is missing, executes them concurrently (one kernel each, ``ATTNVIZ_BUILD_JOBS`` at a time),
and stores the results in the same jupyter-cache that myst-nb uses. myst-nb then finds every page in
the cache and renders it exactly as before.

Each notebook is read and keyed the way myst-nb reads and keys it, so nothing is executed twice.
A notebook that fails here is not cached: myst-nb executes it again in its turn and reports the
error as it always does (the build fails under ``-W``).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from sphinx.util import logging

__all__ = ["JOBS_ENV", "THREAD_VARS", "build_jobs", "execute_in_parallel", "share_the_cores"]

JOBS_ENV = "ATTNVIZ_BUILD_JOBS"
logger = logging.getLogger(__name__)


def build_jobs() -> int:
    """How many notebooks run at once: ``ATTNVIZ_BUILD_JOBS``, else one per CPU core."""
    value = os.environ.get(JOBS_ENV, "").strip()
    if value:
        try:
            return max(1, int(value))
        except ValueError:
            logger.warning(f"{JOBS_ENV}={value!r} is not a whole number: running notebooks one at a time")
            return 1
    return max(1, os.cpu_count() or 1)


@dataclass
class _Job:
    docname: str
    path: Path
    notebook: Any
    read_fmt: Any
    timeout: int | None
    allow_errors: bool
    seconds: float = 0.0
    error: str | None = None


def _read(env: Any, docname: str) -> _Job | None:
    """The notebook of ``docname`` as myst-nb reads it (None when the page is not an executed notebook)."""
    from myst_nb.core.nb_to_tokens import nb_node_to_dict
    from myst_nb.core.read import create_nb_reader

    nb_config = env.mystnb_config
    path = Path(env.doc2path(docname))
    text = path.read_text(encoding="utf-8")
    reader = create_nb_reader(str(path), env.myst_config, nb_config, text)
    if reader is None:
        return None
    notebook = reader.read(text)
    kernel = notebook.metadata.get("kernelspec", {}).get("name")
    for pattern, alias in (nb_config.kernel_rgx_aliases or {}).items():
        if kernel is not None and re.fullmatch(pattern, kernel):
            notebook.metadata["kernelspec"]["name"] = alias
            break
    if nb_config.metadata_key in notebook.metadata:
        overrides = nb_node_to_dict(notebook.metadata[nb_config.metadata_key])
        overrides.pop("output_folder", None)
        with suppress(Exception):  # myst-nb itself warns about bad overrides when it reads the page
            nb_config = nb_config.copy(**overrides)
    if nb_config.execution_mode != "cache" or nb_config.execution_in_temp:
        return None
    posix = PurePosixPath(path.as_posix())
    if any(posix.match(pattern) for pattern in nb_config.execution_excludepatterns or ()):
        return None
    if not any(cell["cell_type"] == "code" for cell in notebook.cells):
        return None
    return _Job(docname, path, notebook, reader.read_fmt, nb_config.execution_timeout, nb_config.execution_allow_errors)


def _execute(job: _Job) -> _Job:
    from jupyter_cache.executors.utils import single_nb_execution

    result = single_nb_execution(
        job.notebook, cwd=str(job.path.parent), timeout=job.timeout, allow_errors=job.allow_errors, meta_override=True
    )
    job.seconds = result.time
    if result.err is not None:
        job.error = f"{type(result.err).__name__}"
    return job


THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS")


def share_the_cores(workers: int) -> list[str]:
    """Give each of ``workers`` processes running side by side (the build's kernels, pytest-xdist's workers
    and their kernels) its share of the cores: torch would start one thread per core in every one of them,
    and they would then fight over them (chapter 4 took 16 s instead of 7 here).

    Sets :data:`THREAD_VARS` in ``os.environ`` for the processes started after it; a value the user set is
    kept. Returns the names it set.
    """
    threads = str(max(1, (os.cpu_count() or 1) // max(1, workers)))
    unset = [name for name in THREAD_VARS if name not in os.environ]
    for name in unset:
        os.environ[name] = threads
    return unset


@contextmanager
def _threads_per_kernel(workers: int) -> Iterator[None]:
    """:func:`share_the_cores` among ``workers`` kernels while they run."""
    unset = share_the_cores(workers)
    try:
        yield
    finally:
        for name in unset:
            os.environ.pop(name, None)


def execute_in_parallel(app: Any, env: Any, docnames: list[str]) -> None:
    """``env-before-read-docs``: execute the uncached notebooks among ``docnames`` concurrently."""
    nb_config = getattr(env, "mystnb_config", None)
    jobs = build_jobs()
    if nb_config is None or nb_config.execution_mode != "cache" or jobs < 2:
        return
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(nb_config.execution_cache_path)
    todo = []
    for docname in docnames:
        job = _read(env, docname)
        if job is None:
            continue
        with suppress(KeyError):
            cache.match_cache_notebook(job.notebook)
            continue
        todo.append(job)
    if len(todo) < 2:
        return  # myst-nb's own serial path is as fast
    todo.sort(key=lambda job: job.path.stat().st_size, reverse=True)  # longest first, roughly
    logger.info(f"[attnviz] executing {len(todo)} notebooks, {min(jobs, len(todo))} at a time")
    start = time.perf_counter()
    workers = min(jobs, len(todo))
    with _threads_per_kernel(workers), ThreadPoolExecutor(workers) as pool:
        done = list(pool.map(_execute, todo))
    for job in done:
        if job.error:
            logger.info(f"[attnviz] {job.docname}: failed ({job.error}); myst-nb will run it again and report")
            continue
        stage = cache.add_nb_to_project(str(job.path), read_data=job.read_fmt)
        cache.cache_notebook_bundle(
            CacheBundleIn(job.notebook, stage.uri, data={"execution_seconds": job.seconds}),
            check_validity=False,
            overwrite=True,
        )
        logger.info(f"[attnviz] {job.docname}: executed in {job.seconds:.2f} s")
    logger.info(f"[attnviz] parallel execution took {time.perf_counter() - start:.1f} s")
