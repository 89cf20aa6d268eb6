"""The GitHub Actions workflow: actionlint-clean, and it builds, tests, caches, reports and deploys as intended."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from attnviz_devtools.project import ROOT, WORKFLOW, workflow

MAIN_PUSH = "github.event_name == 'push' && github.ref == 'refs/heads/main'"


def tool(name: str) -> str:
    """A linter installed by the test extra (next to this Python first, then PATH); fail if it is missing."""
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed: `pip install -c requirements/constraints.txt -e .[test]`")
    return found


def actionlint(path: Path) -> subprocess.CompletedProcess:
    # pyflakes off: the workflow has no python run: steps of its own, and its absence must not change results.
    cmd = [tool("actionlint"), "-oneline", "-no-color", f"-shellcheck={tool('shellcheck')}", "-pyflakes=", str(path)]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)


def steps(job: str = "build") -> list[dict]:
    return workflow()["jobs"][job]["steps"]


def step_using(action: str, job: str = "build") -> list[dict]:
    return [s for s in steps(job) if s.get("uses", "").split("@")[0] == action]


def runs(job: str = "build") -> str:
    return "\n".join(s.get("run", "") for s in steps(job))


def test_actionlint_reports_nothing():
    result = actionlint(WORKFLOW)
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr


def test_actionlint_catches_mistakes(tmp_path):
    """The linter really checks: an unknown input, an unquoted variable in run: (shellcheck), a bad expression."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        WORKFLOW.read_text()
        .replace("cache: pip", "cache: pip\n          no-such-input: 1")
        .replace('>> "$GITHUB_ENV"', ">> $GITHUB_ENV")
        .replace("runner.os", "runner.nope")
    )
    out = actionlint(bad).stdout
    assert 'input "no-such-input" is not defined' in out
    assert "SC2086" in out
    assert 'property "nope" is not defined' in out


def test_triggers():
    on = workflow()["on"]
    assert {"push", "pull_request"} <= set(on)
    assert not (on.get("push") or {}).get("branches"), "every branch is built and tested"


def test_permissions_are_read_only_except_the_deploy_job():
    wf = workflow()
    assert wf["permissions"] == {"contents": "read"}
    assert wf["jobs"]["build"]["permissions"] == {"contents": "read", "pages": "read"}
    deploy = wf["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"


def test_deploys_only_from_a_push_to_main():
    wf = workflow()
    deploy = wf["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["if"] == MAIN_PUSH
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    for action in ("actions/configure-pages", "actions/upload-pages-artifact"):
        (step,) = step_using(action)
        assert step["if"] == MAIN_PUSH, action
    (upload,) = step_using("actions/upload-pages-artifact")
    assert upload["with"]["path"] == "_build/html"


def test_python_and_pip_cache():
    (setup,) = step_using("actions/setup-python")
    assert setup["with"]["python-version"] == "3.11"
    assert setup["with"]["cache"] == "pip"
    assert "requirements/constraints.txt" in setup["with"]["cache-dependency-path"]


def test_torch_comes_from_the_cpu_index():
    assert workflow()["env"]["PIP_EXTRA_INDEX_URL"] == "https://download.pytorch.org/whl/cpu"


def test_caches_the_model_and_the_execution_cache():
    caches = {s["with"]["path"]: s["with"] for s in step_using("actions/cache")}
    assert "~/.cache/huggingface" in caches
    jupyter = caches["_build/.jupyter_cache"]
    assert "hashFiles('src/attnviz/**', 'book/**', 'requirements/constraints.txt')" in jupyter["key"]
    assert jupyter["restore-keys"].strip()
    # restore before anything is built
    names = [s.get("uses", s.get("run", "")) for s in steps()]
    first_build = next(i for i, n in enumerate(names) if "make book" in n)
    assert all(i < first_build for i, n in enumerate(names) if n.startswith("actions/cache"))


def test_builds_once_with_bert_then_tests():
    wf = workflow()
    assert wf["env"]["ATTNVIZ_MODEL"] == "bert-base-uncased"
    text = runs()
    assert text.count("make book") == 1
    assert "make test" not in text, "`make test` would build the book a second time"
    assert "-m pytest" in text
    assert text.index("make book") < text.index("-m pytest")
    assert "scripts/sync_notebooks.py --check" in text


def test_browser_tests_get_playwrights_chromium():
    text = runs()
    assert "playwright install --with-deps chromium" in text
    assert "ATTNVIZ_CHROMIUM=" in text and "$GITHUB_ENV" in text
    assert text.index("playwright install") < text.index("-m pytest")


def test_ci_tests_webkit_and_firefox_too():
    """The engine tests (tests/test_browser_engines.py) get Playwright's WebKit and Firefox, and may not skip."""
    text = runs()
    assert "playwright install --with-deps chromium webkit firefox" in text
    (test,) = [s for s in steps() if "-m pytest" in s.get("run", "")]
    assert test["env"]["ATTNVIZ_ENGINES"] == "required"


def test_execution_reports_are_uploaded_when_the_build_fails():
    (upload,) = step_using("actions/upload-artifact")
    assert upload["if"] == "failure()"
    assert upload["with"]["path"] == "_build/html/reports"


def test_make_knows_the_targets_the_workflow_runs():
    result = subprocess.run(
        ["make", "-n", "-C", str(ROOT), ".venv/.installed", "book", "notebooks"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "No rule to make target" not in result.stderr, result.stderr
