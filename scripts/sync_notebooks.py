"""Keep the Colab/Binder notebooks ``book/<page>.ipynb`` in step with the MyST sources ``book/<page>.md``.

    python scripts/sync_notebooks.py          # write: install cells, then the notebooks (`make notebooks`)
    python scripts/sync_notebooks.py --check  # change nothing; list what is out of date, exit 1 if anything is

Colab opens only ``.ipynb`` files, so every executable page listed in ``_toc.yml`` (a page whose front matter
has a ``kernelspec``) gets a notebook next to its source: same cells, no outputs, stable cell ids. Sphinx
ignores these (``exclude_patterns`` in ``_config.yml``); sphinx-book-theme points its Colab and Binder buttons
at them.

Each executable page begins with the Colab install cell. Its package URL is derived from ``_config.yml``
(``repository.url`` and ``repository.branch``, the one place that names them): this script rewrites the
cell wherever it differs, and inserts it before the first code cell of a page that lacks it.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
MARKER = "# Colab only: install the course helper package (does nothing elsewhere)"
#: The package extra that Colab needs on top of its own stack (myst-nb for ``glue``); see pyproject.toml.
EXTRA = "colab"

__all__ = [
    "MARKER",
    "Page",
    "executable_pages",
    "expected_notebook",
    "install_cell_source",
    "install_requirement",
    "problems",
    "repository",
    "sync",
    "toc_pages",
    "with_install_cell",
]


@dataclass(frozen=True)
class Page:
    """A page of the book: its MyST source and the notebook that Colab and Binder open."""

    docname: str  #: e.g. ``book/03_bertviz``

    @property
    def source(self) -> Path:
        return ROOT / f"{self.docname}.md"

    @property
    def notebook(self) -> Path:
        return ROOT / f"{self.docname}.ipynb"


def repository(root: Path = ROOT) -> tuple[str, str]:
    """``(url, branch)`` from ``_config.yml``: the repository that Colab installs the package from."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    repo = config.get("repository") or {}
    url, branch = str(repo.get("url", "")).rstrip("/"), str(repo.get("branch", ""))
    if not url.startswith("https://github.com/") or not branch:
        raise SystemExit("_config.yml: repository.url must be a https://github.com/ORG/REPO URL and branch set")
    return url.removesuffix(".git"), branch


def install_requirement(root: Path = ROOT) -> str:
    """The pip requirement of the course package as Colab installs it, e.g. ``attnviz[colab] @ git+URL@main``."""
    url, branch = repository(root)
    return f"attnviz[{EXTRA}] @ git+{url}@{branch}"


def install_cell_source(root: Path = ROOT) -> str:
    """The code of the first cell of every executable page: installs the package in Colab, nowhere else."""
    return "\n".join(
        [
            MARKER,
            "import sys",
            'if "google.colab" in sys.modules:',
            f'    %pip install -q "{install_requirement(root)}"',
        ]
    )


def toc_pages(root: Path = ROOT) -> list[str]:
    """Every docname listed in ``_toc.yml`` (root first), in order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    names: list[str] = [toc["root"]]

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "file" in node:
                names.append(str(node["file"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in toc.items() if k != "root"})
    return [name.removesuffix(".md") for name in names]


def _front_matter(text: str) -> dict:
    match = re.match(r"---\n(.*?)\n---\n", text, re.DOTALL)
    return (yaml.safe_load(match.group(1)) or {}) if match else {}


def executable_pages(root: Path = ROOT) -> list[Page]:
    """The pages of ``_toc.yml`` that are MyST notebooks (front matter with a ``kernelspec``)."""
    pages = []
    for docname in toc_pages(root):
        page = Page(docname)
        source = root / f"{docname}.md"
        if source.exists() and "kernelspec" in _front_matter(source.read_text(encoding="utf-8")):
            pages.append(page)
    return pages


_CODE_CELL = re.compile(
    r"^(?P<fence>`{3,})\{code-cell\}[^\n]*\n(?P<body>.*?)^(?P=fence)[ \t]*$", re.DOTALL | re.MULTILINE
)


def _split_options(body: str) -> tuple[str, str]:
    """Split a code cell's body into its options (``:key: value`` lines or a ``---`` YAML block) and its code."""
    lines = body.splitlines(keepends=True)
    if lines and lines[0].strip() == "---":
        end = next((j for j in range(1, len(lines)) if lines[j].strip() == "---"), None)
        if end is not None:
            return "".join(lines[: end + 1]), "".join(lines[end + 1 :])
    i = 0
    while i < len(lines) and re.match(r"^:[\w-]+:", lines[i]):
        i += 1
    return "".join(lines[:i]), "".join(lines[i:])


def with_install_cell(text: str, root: Path = ROOT) -> str:
    """A page's MyST text with its install cell up to date (inserted before the first code cell if missing)."""
    wanted = install_cell_source(root) + "\n"
    for match in _CODE_CELL.finditer(text):
        options, code = _split_options(match.group("body"))
        if code.startswith(MARKER):
            start, end = match.span("body")
            return text[:start] + (options or ":tags: [remove-cell]\n") + wanted + text[end:]
    block = "```{code-cell} ipython3\n:tags: [remove-cell]\n" + wanted + "```\n\n"
    first = _CODE_CELL.search(text)
    if first:
        return text[: first.start()] + block + text[first.start() :]
    return text.rstrip("\n") + "\n\n" + block.rstrip("\n") + "\n"


def _cell_id(cell: dict, seen: dict[str, int]) -> str:
    digest = hashlib.sha1(f"{cell['cell_type']}\n{cell['source']}".encode()).hexdigest()[:8]
    seen[digest] = seen.get(digest, 0) + 1
    return digest if seen[digest] == 1 else f"{digest}-{seen[digest]}"


def expected_notebook(text: str) -> str:
    """The ``.ipynb`` text for a page's MyST text: its cells, no outputs, ids derived from the cells."""
    nb = jupytext.reads(text, fmt="md:myst")
    seen: dict[str, int] = {}
    for cell in nb.cells:
        cell["id"] = _cell_id(cell, seen)
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    nbformat.validate(nb)
    return jupytext.writes(nb, fmt="ipynb")


def _stale_notebooks(pages: list[Page], root: Path) -> list[Path]:
    wanted = {root / f"{page.docname}.ipynb" for page in pages}
    return sorted(p for p in (root / "book").glob("*.ipynb") if p not in wanted)


@dataclass(frozen=True)
class Change:
    """One file that is out of step: its new text (``None``: remove it) and why."""

    path: Path
    text: str | None
    reason: str


def plan(root: Path = ROOT) -> list[Change]:
    """Every change that would bring install cells and notebooks in step with the pages."""
    changes = []
    pages = executable_pages(root)
    for page in pages:
        source, notebook = root / f"{page.docname}.md", root / f"{page.docname}.ipynb"
        text = source.read_text(encoding="utf-8")
        fixed = with_install_cell(text, root)
        if fixed != text:
            changes.append(Change(source, fixed, "install cell missing or not derived from _config.yml"))
        wanted = expected_notebook(fixed)
        if not notebook.exists():
            changes.append(Change(notebook, wanted, "missing"))
        elif notebook.read_text(encoding="utf-8") != wanted:
            changes.append(Change(notebook, wanted, f"out of date with {source.relative_to(root)}"))
    for stale in _stale_notebooks(pages, root):
        changes.append(Change(stale, None, "no executable page of _toc.yml has this name"))
    return changes


def problems(root: Path = ROOT) -> list[str]:
    """What ``sync`` would change, one line each (empty when everything is in step)."""
    return [f"{change.path.relative_to(root)}: {change.reason}" for change in plan(root)]


def sync(root: Path = ROOT) -> list[str]:
    """Bring install cells and notebooks up to date; return the paths written or removed."""
    changed = []
    for change in plan(root):
        name = str(change.path.relative_to(root))
        if change.text is None:
            change.path.unlink()
            changed.append(f"removed {name}")
        else:
            change.path.write_text(change.text, encoding="utf-8")
            changed.append(name)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if anything is out of date")
    args = parser.parse_args(argv)
    if args.check:
        found = problems()
        for line in found:
            print(line)
        if found:
            print("run `make notebooks` (python scripts/sync_notebooks.py) and commit the result", file=sys.stderr)
        return 1 if found else 0
    for line in sync():
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
