"""A headless Chromium for the browser tests: found if there is one, installed if it can be.

``make test`` runs ``python -m attnviz_devtools.browser`` before any test. It looks, in this order, for

1. ``ATTNVIZ_CHROMIUM`` (a path to a Chromium or Chrome binary), if set;
2. a Chromium or Chrome already installed (Debian/Ubuntu paths, ``chromium``, ``chromium-browser``,
   ``google-chrome`` on ``PATH``, the macOS applications, the usual Windows folders);
3. Playwright's own browser, installing it with ``python -m playwright install chromium`` if missing
   (this needs internet access);
4. on Debian or Ubuntu, as root: ``apt-get install chromium``.

If none of these gives a browser it prints one message naming the command to run, and exits with
status 2 before any test has started. It also installs a CJK font (``fonts-noto-cjk``) where it can,
so that screenshots show Japanese; no test depends on that font.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "CHROMIUM_ARGS",
    "ENV_VAR",
    "BrowserUnavailable",
    "Chromium",
    "ensure_chromium",
    "ensure_cjk_font",
    "find_chromium",
    "launch_browser",
]

ENV_VAR = "ATTNVIZ_CHROMIUM"
# Without the background-networking flags Chromium keeps trying to reach Google's hosts.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LINUX_PATHS = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/lib/chromium/chromium",
    "/snap/bin/chromium",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
    "/opt/google/chrome/chrome",
)
MACOS_PATHS = (
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "~/Applications/Chromium.app/Contents/MacOS/Chromium",
    "~/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
)
WINDOWS_PATHS = (
    r"%PROGRAMFILES%\Google\Chrome\Application\chrome.exe",
    r"%PROGRAMFILES(X86)%\Google\Chrome\Application\chrome.exe",
    r"%LOCALAPPDATA%\Google\Chrome\Application\chrome.exe",
    r"%LOCALAPPDATA%\Chromium\Application\chrome.exe",
)
PATH_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
INSTALL_TIMEOUT_S = 900


class BrowserUnavailable(RuntimeError):
    """No Chromium could be found or installed; the message says what to run."""


@dataclass(frozen=True)
class Chromium:
    path: str
    how: str  #: where it came from, for the log line


def installed_paths() -> list[str]:
    """The places an installed Chromium or Chrome is looked for, on this platform."""
    system = platform.system()
    fixed = {"Darwin": MACOS_PATHS, "Windows": WINDOWS_PATHS}.get(system, LINUX_PATHS)
    paths = [os.path.expanduser(os.path.expandvars(p)) for p in fixed]
    paths += [found for name in PATH_NAMES if (found := shutil.which(name))]
    return paths


def _usable(path: str) -> bool:
    return Path(path).is_file() and os.access(path, os.X_OK)


def playwright_executable() -> str | None:
    """Where Playwright keeps its own Chromium (whether or not it is there yet); None without Playwright.

    Asked in a child process: Playwright's sync API refuses to start inside a running asyncio loop
    (as in a test session whose browser is already open).
    """
    code = (
        "from playwright.sync_api import sync_playwright\n"
        "with sync_playwright() as p: print(p.chromium.executable_path)"
    )
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip() or None


def find_chromium(candidates: Sequence[str] | None = None) -> Chromium | None:
    """An existing Chromium, installing nothing (steps 1–3 of the module docstring, without installs)."""
    chosen = os.environ.get(ENV_VAR, "").strip()
    if chosen:
        if not _usable(chosen):
            raise BrowserUnavailable(
                f"{ENV_VAR}={chosen} is not an executable file. Point it at a Chromium or Chrome binary, "
                f"or unset it to let `make test` find or install one."
            )
        return Chromium(chosen, ENV_VAR)
    for path in installed_paths() if candidates is None else candidates:
        if _usable(path):
            return Chromium(path, "installed")
    managed = playwright_executable()
    if managed and _usable(managed):
        return Chromium(managed, "Playwright")
    return None


def _debian_like() -> bool:
    try:
        text = Path("/etc/os-release").read_text(encoding="utf-8").lower()
    except OSError:
        return False
    return any(word in text for word in ("debian", "ubuntu"))


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _run(command: list[str], log: list[str]) -> bool:
    """Run an install command, showing its output; True when it succeeded."""
    print("$", " ".join(command), flush=True)
    try:
        done = subprocess.run(command, timeout=INSTALL_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.append(f"`{' '.join(command)}`: {exc}")
        return False
    if done.returncode != 0:
        log.append(f"`{' '.join(command)}` exited with status {done.returncode}")
    return done.returncode == 0


def _apt_install(packages: list[str], log: list[str]) -> bool:
    if not _debian_like():
        log.append("apt-get: not a Debian/Ubuntu system")
        return False
    if not _is_root():
        log.append("apt-get: not root (run the command below with sudo)")
        return False
    if not shutil.which("apt-get"):
        log.append("apt-get: not found on PATH")
        return False
    env_prefix = ["env", "DEBIAN_FRONTEND=noninteractive"]
    return _run(["apt-get", "update", "-qq"], log) and _run(
        [*env_prefix, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages], log
    )


def advice() -> str:
    """The one command a reader should run when no browser could be had."""
    if _debian_like():
        sudo = "" if _is_root() else "sudo "
        return f"{sudo}apt-get update && {sudo}apt-get install -y chromium"
    return f"{sys.executable} -m playwright install chromium"


def ensure_chromium(candidates: Sequence[str] | None = None, install: bool = True) -> Chromium:
    """Find a Chromium, or install one (Playwright's, then apt-get's); raise :class:`BrowserUnavailable`."""
    found = find_chromium(candidates)
    if found or not install:
        if found:
            return found
        raise BrowserUnavailable(unavailable_message([]))
    log: list[str] = []
    if playwright_executable() is not None:
        print("No Chromium found: trying Playwright's (needs internet)...", flush=True)
        _run([sys.executable, "-m", "playwright", "install", "chromium"], log)
        found = find_chromium(candidates)
    if not found and _apt_install(["chromium"], log):
        found = find_chromium(candidates)
    if not found:
        raise BrowserUnavailable(unavailable_message(log))
    return found


def unavailable_message(log: list[str]) -> str:
    tried = [
        f"{ENV_VAR} (not set)",
        "an installed Chromium or Chrome",
        "Playwright's browser",
        "apt-get (Debian/Ubuntu as root)",
    ]
    lines = [
        "No Chromium for the browser tests: no test has been run.",
        "Tried: " + "; ".join(tried) + ".",
        *(f"  - {line}" for line in log),
        f"Run this, then `make test` again:  {advice()}",
        f"(or set {ENV_VAR}=/path/to/chromium-or-chrome)",
    ]
    return "\n".join(lines)


def ensure_cjk_font() -> str:
    """Install a CJK font for screenshots where possible (Debian/Ubuntu as root); never fails."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return "no fontconfig: CJK font not checked"
    listed = subprocess.run([fc_list, ":lang=ja", "family"], capture_output=True, text=True, check=False).stdout
    if listed.strip():
        return "CJK font: present"
    if _apt_install(["fonts-noto-cjk"], []):  # its log is not shown: the font is optional
        return "CJK font: installed fonts-noto-cjk"
    return "CJK font: none (screenshots show boxes for Japanese; tests do not depend on it)"


def launch_browser(playwright: Any) -> Iterator[Any]:
    """Launch the Chromium :func:`find_chromium` finds, headless; yields the Playwright browser."""
    found = find_chromium()
    if found is None:
        raise BrowserUnavailable(unavailable_message([]))
    browser = playwright.chromium.launch(executable_path=found.path, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        found = ensure_chromium(install="--no-install" not in args)
    except BrowserUnavailable as exc:
        print(f"\n{exc}\n", file=sys.stderr)
        return 2
    print(f"Chromium for the browser tests: {found.path} ({found.how})")
    if "--no-install" not in args:
        print(ensure_cjk_font())
    return 0


if __name__ == "__main__":
    sys.exit(main())
