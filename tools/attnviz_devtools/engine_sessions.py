"""Browser sessions for the engine tests (:mod:`.engine_run`): one interface, three drivers.

- :class:`PlaywrightSession`: Playwright's own WebKit or Firefox (CI, a machine with internet), or a Chromium;
- :class:`WebKitGTKSession`: Debian's WebKitGTK, its MiniBrowser driven through WebKitWebDriver by Selenium,
  on Xvfb (a display of our own when there is none);
- :class:`BidiSession`: a Firefox (Debian's firefox-esr) driven over WebDriver BiDi by puppeteer-core, no
  geckodriver, through :file:`firefox_bidi.js` run by node.

Each session only opens pages, evaluates a JS expression (awaiting a promise), types and clicks.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import warnings
from collections.abc import Iterator
from importlib import resources
from typing import Any, Protocol

from .browser import CHROMIUM_ARGS
from .engines import PUPPETEER, Engine, node

__all__ = ["BidiSession", "PlaywrightSession", "Session", "WebKitGTKSession", "open_session"]

_FILES = resources.files("attnviz_devtools")
BRIDGE = _FILES.joinpath("firefox_bidi.js")
ASYNC_CALL = _FILES.joinpath("webdriver_async.js").read_text(encoding="utf-8")
CALL_TIMEOUT_S = 300  # any one driver call; every wait in walk.js is shorter
VIEWPORT = (1280, 900)


class Session(Protocol):
    version: str

    def open(self, url: str) -> None: ...
    def run(self, expression: str) -> Any: ...  # a JS expression's value; a promise is awaited
    def type(self, selector: str, text: str) -> None: ...
    def click(self, selector: str) -> None: ...


class PlaywrightSession:
    """A page of a Playwright browser (its own WebKit or Firefox, or a Chromium)."""

    def __init__(self, browser: Any) -> None:
        self.version = browser.version
        self.page = browser.new_page(viewport={"width": VIEWPORT[0], "height": VIEWPORT[1]})
        self.page.set_default_timeout(CALL_TIMEOUT_S * 1000)

    def open(self, url: str) -> None:
        self.page.goto(url, wait_until="load")

    def run(self, expression: str) -> Any:
        return self.page.evaluate(expression)

    def type(self, selector: str, text: str) -> None:
        field = self.page.locator(selector).first
        field.fill("")
        field.press_sequentially(text)

    def click(self, selector: str) -> None:
        self.page.locator(selector).first.click()


class WebKitGTKSession:
    """Debian's WebKitGTK: its MiniBrowser driven through WebKitWebDriver by Selenium."""

    def __init__(self, driver: Any) -> None:
        self.driver = driver
        self.version = driver.capabilities.get("browserVersion", "?")
        driver.set_script_timeout(CALL_TIMEOUT_S)
        driver.set_page_load_timeout(CALL_TIMEOUT_S)
        driver.set_window_size(*VIEWPORT)

    def open(self, url: str) -> None:
        self.driver.get(url)

    def run(self, expression: str) -> Any:
        answer = self.driver.execute_async_script(ASYNC_CALL.replace("/* EXPRESSION */", expression))
        if not answer["ok"]:
            raise RuntimeError(answer["error"])
        return answer["value"]

    def type(self, selector: str, text: str) -> None:
        from selenium.webdriver.common.by import By

        field = self.driver.find_element(By.CSS_SELECTOR, selector)
        field.clear()
        field.send_keys(text)

    def click(self, selector: str) -> None:
        from selenium.webdriver.common.by import By

        self.driver.find_element(By.CSS_SELECTOR, selector).click()


class BidiSession:
    """A Firefox driven over WebDriver BiDi by puppeteer-core, through :file:`firefox_bidi.js` (one JSON line
    per command on node's stdin, one per answer on its stdout)."""

    def __init__(self, firefox: str) -> None:
        command = node()
        if command is None:
            raise RuntimeError("node is missing")
        self.stderr = tempfile.TemporaryFile()
        with resources.as_file(BRIDGE) as script:
            self.process = subprocess.Popen(
                [command, str(script), str(PUPPETEER), firefox],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self.stderr,
                text=True,
                encoding="utf-8",
            )
        self.answers: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        try:
            self.version = self._call("version")  # the first answer: Firefox has started, or why not
        except Exception:
            self.close()
            raise

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.answers.put(line)
        self.answers.put("")  # node has exited

    def _call(self, op: str, **args: Any) -> Any:
        assert self.process.stdin is not None
        if self.process.poll() is None:
            self.process.stdin.write(json.dumps({"op": op, **args}) + "\n")
            self.process.stdin.flush()
        try:
            line = self.answers.get(timeout=CALL_TIMEOUT_S)
        except queue.Empty:
            raise RuntimeError(f"firefox_bidi.js: no answer to {op!r} in {CALL_TIMEOUT_S} s") from None
        if not line:
            self.stderr.seek(0)
            tail = self.stderr.read().decode("utf-8", "replace")[-2000:]
            raise RuntimeError(f"firefox_bidi.js exited (status {self.process.wait()}):\n{tail}")
        answer = json.loads(line)
        if not answer["ok"]:
            raise RuntimeError(answer["error"])
        return answer["value"]

    def open(self, url: str) -> None:
        self._call("open", url=url)

    def run(self, expression: str) -> Any:
        return self._call("run", script=expression)

    def type(self, selector: str, text: str) -> None:
        self._call("type", selector=selector, text=text)

    def click(self, selector: str) -> None:
        self._call("click", selector=selector)

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.stderr.close()


@contextlib.contextmanager
def _xvfb() -> Iterator[str]:
    """A display: ``$DISPLAY`` if there is one, else an Xvfb of our own on a free display number."""
    if os.environ.get("DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise RuntimeError("no DISPLAY and no Xvfb (package xvfb)")
    read, write = os.pipe()
    screen = f"{VIEWPORT[0] + 200}x{VIEWPORT[1] + 200}x24"
    process = subprocess.Popen(
        [xvfb, "-displayfd", str(write), "-screen", "0", screen, "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as numbers:
            number = numbers.readline().strip()
        if not number:
            raise RuntimeError(f"Xvfb did not start (status {process.poll()})")
        yield f":{number}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextlib.contextmanager
def open_session(engine: Engine) -> Iterator[Session]:
    """A browser session of ``engine``, closed afterwards. Call it outside a running asyncio loop."""
    if engine.driver == "playwright":
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            if engine.name == "chromium":  # the self-check of the pass, on the other browser tests' Chromium
                browser = p.chromium.launch(executable_path=engine.path, args=CHROMIUM_ARGS)
            else:
                browser = getattr(p, engine.name).launch()
            try:
                yield PlaywrightSession(browser)
            finally:
                browser.close()
    elif engine.driver == "webkitgtk":
        from selenium import webdriver

        with _xvfb() as display:
            options = webdriver.WebKitGTKOptions()
            options.binary_location = engine.path
            options.add_argument("--automation")  # without it MiniBrowser refuses WebKitWebDriver's session
            # Xvfb has no GPU: compositing would run on software GL; without it a pass takes about 25 % less time.
            env = {**os.environ, "DISPLAY": display, "WEBKIT_DISABLE_COMPOSITING_MODE": "1"}
            service = webdriver.WebKitGTKService(executable_path=shutil.which("WebKitWebDriver"), env=env)
            with warnings.catch_warnings():  # Selenium's own WebKitGTK class uses its deprecated RemoteConnection
                warnings.filterwarnings("ignore", "setting remote_server_addr", DeprecationWarning)
                driver = webdriver.WebKitGTK(options=options, service=service)
            try:
                yield WebKitGTKSession(driver)
            finally:
                driver.quit()
    else:
        session = BidiSession(engine.path)
        try:
            yield session
        finally:
            session.close()
