"""The code stays formatted, lint-free and type-checked (what `make lint` runs)."""

from __future__ import annotations

import subprocess
import sys

from attnviz_devtools.project import ROOT


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_lint():
    proc = _run("ruff", "check", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format():
    proc = _run("ruff", "format", "--check", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy():
    proc = _run("mypy")
    assert proc.returncode == 0, proc.stdout + proc.stderr
