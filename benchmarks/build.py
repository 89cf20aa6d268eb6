"""Build-time figures: clean build, per-page execution, no-change rebuild, one-page prose edit,
with the pages executed in parallel (the default) and, side by side in the same run, one at a time.

    python benchmarks/build.py [--runs 2] [--page book/06_summary.md]     (or: make bench-build)

The book's sources (_config.yml, _toc.yml, book/, the JS lock file) are copied into a temporary folder and built there
with ``jupyter-book build . -W -n --keep-going``, exactly as ``make book`` does, so the repository's
own _build is left alone. Every figure is the median of ``--runs`` runs (at least 2).
Targets (issue 8): clean build <= 90 s, no-change rebuild <= 5 s, one-page prose edit <= 25 s.
jupyter-cache keys a page on its code cells, so a prose edit re-renders the page from the cache; the
"code edit" row (a comment added to the page's last code cell) shows a rebuild that executes the page again.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from attnviz.sphinx.execute import JOBS_ENV
from attnviz_devtools.project import ROOT

TARGETS = {"clean build": 90.0, "no-change rebuild": 5.0, "one-page prose edit": 25.0, "one-page code edit": 25.0}
SERIAL_PAGE = re.compile(r"(book/\S+)\.md: Executed notebook in ([\d.]+) seconds")
PARALLEL_PAGE = re.compile(r"\[attnviz\] (book/\S+): executed in ([\d.]+) s")
JUPYTER_BOOK = str(Path(sys.executable).with_name("jupyter-book"))


def _copy_sources(dest: Path) -> None:
    for name in ("_config.yml", "_toc.yml", "package.json", "package-lock.json"):
        shutil.copy2(ROOT / name, dest / name)
    # JS dependencies count as installed (as the Python ones do): the checkout's node_modules, which
    # `make book` keeps in step with the lock file. A clean build still exports the browser model.
    if (ROOT / "node_modules").is_dir():
        (dest / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    shutil.copytree(ROOT / "book", dest / "book", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))


def _build(src: Path, jobs: int) -> tuple[float, str]:
    env = {**os.environ, JOBS_ENV: str(jobs), "PYTHONUNBUFFERED": "1"}
    start = time.perf_counter()
    done = subprocess.run(
        [JUPYTER_BOOK, "build", ".", "-W", "-n", "--keep-going"], cwd=src, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"build failed in {src}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return seconds, done.stdout + done.stderr


def _edit_prose(page: Path, run: int) -> None:
    """Change one sentence of the page's prose (a Markdown cell), as an author does."""
    text = page.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    # the last prose line outside code cells and front matter
    in_code = False
    target = None
    for i, line in enumerate(lines):
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code and line.strip() and not line.startswith((":", "#", "-", "|", "<", "{")):
            target = i
    assert target is not None, f"no prose line in {page}"
    lines[target] = lines[target].rstrip("\n") + f"（編集 {run}）\n"
    page.write_text("".join(lines), encoding="utf-8")


def _edit_code(page: Path, run: int) -> None:
    """Add a comment to the page's last code cell: the cell's source changes, so the page is executed again."""
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    start = max(i for i, line in enumerate(lines) if line.startswith("```{code-cell}"))
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("```"))
    lines.insert(end, f"# benchmark edit {run}\n")
    page.write_text("".join(lines), encoding="utf-8")


def measure(jobs: int, runs: int, page: str) -> dict[str, object]:
    clean, unchanged, edited, coded = [], [], [], []
    per_page: dict[str, list[float]] = {}
    pattern = PARALLEL_PAGE if jobs > 1 else SERIAL_PAGE
    for run in range(runs):
        with tempfile.TemporaryDirectory(prefix="attnviz-bench-") as tmp:
            src = Path(tmp)
            _copy_sources(src)
            seconds, log = _build(src, jobs)
            clean.append(seconds)
            for name, value in pattern.findall(log):
                per_page.setdefault(name, []).append(float(value))
            unchanged.append(_build(src, jobs)[0])
            _edit_prose(src / page, run)
            edited.append(_build(src, jobs)[0])
            _edit_code(src / page, run)
            coded.append(_build(src, jobs)[0])
        print(
            f"  [{'parallel' if jobs > 1 else 'serial'} run {run + 1}] clean {clean[-1]:.1f} s, "
            f"no-change {unchanged[-1]:.1f} s, prose edit {edited[-1]:.1f} s, code edit {coded[-1]:.1f} s",
            flush=True,
        )
    return {
        "clean build": statistics.median(clean),
        "no-change rebuild": statistics.median(unchanged),
        "one-page prose edit": statistics.median(edited),
        "one-page code edit": statistics.median(coded),
        "pages": {name: statistics.median(values) for name, values in sorted(per_page.items())},
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--page", default="book/06_summary.md", help="the page whose prose is edited")
    ap.add_argument("--jobs", type=int, default=0, help="parallel notebooks (default: one per CPU core)")
    args = ap.parse_args()
    runs = max(2, args.runs)
    jobs = args.jobs or max(2, os.cpu_count() or 1)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"{os.cpu_count()} CPU cores; load average before the run: {load}; "
        f"ATTNVIZ_MODEL={os.environ.get('ATTNVIZ_MODEL', '')}"
    )
    print(f"Median of {runs} runs each. Parallel: {jobs} notebooks at a time; serial: {JOBS_ENV}=1 (myst-nb alone).")
    parallel = measure(jobs, runs, args.page)
    serial = measure(1, runs, args.page)

    print(f"\n{'figure':<24}{'parallel':>11}{'serial':>11}{'speed-up':>10}{'target':>10}  met")
    for key, target in TARGETS.items():
        p, s = float(parallel[key]), float(serial[key])  # type: ignore[arg-type]
        print(f"{key:<24}{p:>10.1f}s{s:>10.1f}s{s / p:>9.2f}x{target:>9.0f}s  {'yes' if p <= target else 'NO'}")
    print("\nper-page execution seconds (parallel: wall time of each page while others run beside it)")
    pages_p: dict[str, float] = parallel["pages"]  # type: ignore[assignment]
    pages_s: dict[str, float] = serial["pages"]  # type: ignore[assignment]
    for name in sorted(set(pages_p) | set(pages_s)):
        print(f"  {name:<28}{pages_p.get(name, float('nan')):>8.2f} s{pages_s.get(name, float('nan')):>8.2f} s")
    print(f"  {'sum':<28}{sum(pages_p.values()):>8.2f} s{sum(pages_s.values()):>8.2f} s")


if __name__ == "__main__":
    main()
