"""The package a learner installs (``pip install attnviz``, in Colab) carries no test tooling (issue 15).

The wheel is built the way a fresh clone builds it: from the files git knows (tracked, or new and not
ignored), copied aside, with the setuptools of this environment (no build isolation: no download).
The test tooling is the package in ``tools/`` (``attnviz_devtools``); none of its files, and none of its
code under another name, may be in the wheel, and neither may tests, benchmarks or scripts.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath

import pytest

import attnviz_devtools
from attnviz_devtools import precision
from attnviz_devtools.project import ROOT

TOOLING = Path(attnviz_devtools.__file__).parent
NOT_SHIPPED = {"tests", "benchmarks", "scripts", "tools", "attnviz_devtools", "devtools"}


def _checkout(dest: Path) -> Path:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the work tree is not copied
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    source = _checkout(tmp_path_factory.mktemp("checkout"))
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out)]
    done = subprocess.run([*command, str(source)], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    (built,) = out.glob("attnviz-*.whl")
    with zipfile.ZipFile(built) as archive:
        yield archive


def _definitions(tree: ast.Module) -> dict[str, str]:
    """Top-level functions, classes and UPPER_CASE constants: name -> the code (without positions)."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found[node.name] = ast.dump(node)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id.isupper():
                    found[target.id] = ast.dump(node)
    return found


def _wheel_modules(wheel: zipfile.ZipFile) -> dict[str, dict[str, str]]:
    return {
        name: _definitions(ast.parse(wheel.read(name)))
        for name in wheel.namelist()
        if name.endswith(".py") and ".dist-info/" not in name
    }


def test_the_wheel_is_the_course_package(wheel):
    names = wheel.namelist()
    assert "attnviz/__init__.py" in names
    assert "attnviz/browser_model.py" in names  # the export stays: the Sphinx build uses it
    assert any(name.startswith("attnviz/web/") for name in names)


def test_the_wheel_ships_no_tooling_tests_or_scripts(wheel):
    shipped = [PurePosixPath(name) for name in wheel.namelist() if ".dist-info/" not in name]
    leaked = [
        str(path)
        for path in shipped
        if NOT_SHIPPED & set(path.parts[:-1])
        or path.name == "conftest.py"
        or (path.suffix == ".py" and (path.stem.startswith("test_") or path.stem.endswith("_test")))
    ]
    assert leaked == []


def test_no_tooling_code_is_in_the_wheel_under_another_name(wheel):
    """A function, class or constant of tools/attnviz_devtools copied into the package is found by its code."""
    tooling = {
        f"{path.name}:{name}": code
        for path in TOOLING.glob("*.py")
        for name, code in _definitions(ast.parse(path.read_text(encoding="utf-8"))).items()
    }
    assert len(tooling) > 20  # the comparison looks at something
    in_wheel = {
        code: f"{module}:{name}" for module, found in _wheel_modules(wheel).items() for name, code in found.items()
    }
    copied = {where: in_wheel[code] for where, code in tooling.items() if code in in_wheel}
    assert copied == {}
    assets = {path.read_bytes() for path in TOOLING.iterdir() if path.is_file() and path.suffix != ".py"}
    assert assets and not [name for name in wheel.namelist() if wheel.read(name) in assets]


def test_the_precision_checks_are_not_in_the_wheel(wheel):
    """The browser model's precision limits and checks (issue 11) live with the tests only, by name too."""
    defined = {name for found in _wheel_modules(wheel).values() for name in found}
    assert defined & set(precision.__all__) == set()
