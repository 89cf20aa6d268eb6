"""Compare two builds of the site as a reader sees them: every page's visible text, and every figure's pixels.

    python scripts/compare_site.py BEFORE/_build/html AFTER/_build/html

Text is what a browser shows (scripts and styles left out, whitespace collapsed; folded code included). Figures
are the PNGs each page shows, in page order, compared pixel by pixel (their file names are content hashes, so a
re-encoded but identical figure still counts as the same). Exits 1 when anything differs.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
from PIL import Image


class _Page(HTMLParser):
    SKIP = frozenset({"script", "style"})

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.images: list[str] = []
        self._skipping = 0
        self._code: list[str] | None = None  # inside <pre>: the code's text, kept line by line

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skipping += 1
        if tag == "pre" and not self._skipping:
            self._code = []
        src = dict(attrs).get("src") or ""
        if tag == "img" and "_images/" in src:
            self.images.append(src.rsplit("_images/", 1)[1])

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1
        if tag == "pre" and self._code is not None:
            self.text += [f"code| {line.rstrip()}" for line in "".join(self._code).strip("\n").splitlines()]
            self._code = None

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        if self._code is not None:
            self._code.append(data)
            return
        text = re.sub(r"\s+", " ", data).strip()
        if text:
            self.text.append(text)


def read(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def pixels(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGBA"))


def compare(before: Path, after: Path) -> list[str]:
    report = []
    pages = sorted(
        {p.relative_to(before) for p in before.rglob("*.html")} | {p.relative_to(after) for p in after.rglob("*.html")}
    )
    for rel in pages:
        if rel.parts[0] == "_static" or rel.name in ("genindex.html", "search.html"):
            continue
        if not (before / rel).exists() or not (after / rel).exists():
            report.append(f"{rel}: only in {'after' if (after / rel).exists() else 'before'}")
            continue
        old, new = read(before / rel), read(after / rel)
        diff = list(difflib.unified_diff(old.text, new.text, "before", "after", n=1, lineterm=""))
        if diff:
            report.append(f"{rel}: text differs\n  " + "\n  ".join(diff[2:]))
        if len(old.images) != len(new.images):
            report.append(f"{rel}: {len(old.images)} figures before, {len(new.images)} after")
        for i, (a, b) in enumerate(zip(old.images, new.images, strict=False)):
            if a != b:
                pa, pb = pixels(before / "_images" / a), pixels(after / "_images" / b)
                if pa.shape != pb.shape or not np.array_equal(pa, pb):
                    report.append(f"{rel}: figure {i + 1} differs ({a} -> {b})")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    report = compare(args.before, args.after)
    print("\n".join(report) if report else "same text and figures on every page")
    return 1 if report else 0


if __name__ == "__main__":
    sys.exit(main())
