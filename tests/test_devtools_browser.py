"""How `make test` gets its Chromium (attnviz_devtools.browser): the order of the look-up, and one clear
message, before any test runs, when there is no browser and no way to install one."""

from __future__ import annotations

import os
import stat
import sys

import pytest

from attnviz_devtools import browser


def _fake_binary(folder, name="chrome"):
    path = folder / name
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


@pytest.fixture
def nothing_installable(monkeypatch, tmp_path):
    """No browser anywhere, and every way to install one fails fast (no internet, no apt-get)."""
    monkeypatch.delenv(browser.ENV_VAR, raising=False)
    monkeypatch.setattr(browser, "installed_paths", lambda: [])
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "ms-playwright"))
    monkeypatch.setenv("PLAYWRIGHT_DOWNLOAD_HOST", "http://127.0.0.1:9")  # a closed port: refused at once
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable))  # no apt-get, no chromium on PATH


def test_the_environment_variable_comes_first(monkeypatch, tmp_path):
    chosen = _fake_binary(tmp_path)
    monkeypatch.setenv(browser.ENV_VAR, chosen)
    assert browser.find_chromium(candidates=[_fake_binary(tmp_path, "other")]) == browser.Chromium(
        chosen, browser.ENV_VAR
    )


def test_a_wrong_environment_variable_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv(browser.ENV_VAR, str(tmp_path / "missing"))
    with pytest.raises(browser.BrowserUnavailable, match=browser.ENV_VAR):
        browser.find_chromium()


def test_an_installed_browser_comes_before_playwrights(monkeypatch, tmp_path):
    monkeypatch.delenv(browser.ENV_VAR, raising=False)
    installed = _fake_binary(tmp_path)
    found = browser.find_chromium(candidates=[str(tmp_path / "absent"), installed])
    assert found == browser.Chromium(installed, "installed")


def test_a_browser_on_path_is_found_when_no_usual_folder_has_one(monkeypatch, tmp_path):
    monkeypatch.delenv(browser.ENV_VAR, raising=False)
    monkeypatch.setattr(browser.platform, "system", lambda: "Linux")
    monkeypatch.setattr(browser, "LINUX_PATHS", (str(tmp_path / "usr" / "bin" / "chromium"),))
    on_path = _fake_binary(tmp_path, "chromium-browser")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert browser.find_chromium() == browser.Chromium(on_path, "installed")


def test_a_browser_in_the_users_applications_is_found_on_macos(monkeypatch, tmp_path):
    """macOS paths under ~ are expanded before the look-up."""
    monkeypatch.delenv(browser.ENV_VAR, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(browser.platform, "system", lambda: "Darwin")
    monkeypatch.setattr(browser, "MACOS_PATHS", tuple(p for p in browser.MACOS_PATHS if p.startswith("~")))
    monkeypatch.setenv("HOME", str(tmp_path))
    app = tmp_path / "Applications" / "Chromium.app" / "Contents" / "MacOS"
    app.mkdir(parents=True)
    chromium = _fake_binary(app, "Chromium")
    assert browser.find_chromium() == browser.Chromium(chromium, "installed")


def test_no_browser_and_no_way_to_get_one_gives_one_message(nothing_installable, capsys):
    assert browser.main([]) == 2
    err = capsys.readouterr().err
    assert "No Chromium for the browser tests" in err
    assert browser.advice() in err  # the exact command to run
    assert "Traceback" not in err
    # every way tried is accounted for: Playwright's managed browser was tried before giving up, then apt-get
    assert "-m playwright install chromium` exited with status" in err
    assert "apt-get: not found on PATH" in err
    assert err.count("No Chromium") == 1
