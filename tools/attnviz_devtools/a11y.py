"""axe-core on a page in headless Chromium (axe-playwright-python bundles axe.min.js, so nothing is fetched)."""

from __future__ import annotations

from typing import Any

__all__ = ["SEVERE", "severe_nodes", "severe_violations"]

SEVERE = {"serious", "critical"}


def severe_violations(page: Any) -> list[str]:
    """One line per serious or critical axe rule broken: "<rule> (<impact>, <nodes> nodes): [targets]"."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in SEVERE:
            targets = [", ".join(node["target"]) for node in violation["nodes"]][:5]
            found.append(f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])} nodes): {targets}")
    return found


def severe_nodes(found: list[str]) -> int:
    """How many page elements the lines of :func:`severe_violations` name in all."""
    return sum(int(line.split(", ")[1].split()[0]) for line in found)
