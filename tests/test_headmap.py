"""The head map: figure and role table (attnviz.draw.headmap), widget payload and safe embedding of tokens
(attnviz.views.headmap)."""

from __future__ import annotations

import dataclasses
import json
import re

import numpy as np
import pytest

from attnviz.core.heads import LABELS, measure_heads
from attnviz.draw.headmap import LABEL_NAMES_JA, headmap_figure, role_table
from attnviz.views.headmap import headmap_widget
from attnviz.web import safe_json

EVIL = "</script><script>window.__pwned=1</script>"


@pytest.fixture(scope="module")
def stats(loaded):
    return measure_heads(model=loaded)[0]


def payload(html: str) -> dict:
    match = re.search(r'<script type="application/json" data-attnviz-view="headmap"[^>]*>(.*?)</script>', html, re.S)
    assert match
    return json.loads(match.group(1))


def test_safe_json_cannot_close_a_script():
    text = safe_json({"t": EVIL, "amp": "a&b", "ls": "\u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"t": EVIL, "amp": "a&b", "ls": "\u2028"}


def test_widget_payload(stats, single):
    html = headmap_widget(stats, single, uid="test").data
    assert 'id="attnviz-headmap-test"' in html
    data = payload(html)
    assert (data["layers"], data["heads"]) == stats.shape
    assert data["tokens"] == list(single.tokens)
    w = np.array(data["weights"])
    assert w.shape == single.weights.shape
    assert w.dtype.kind == "i"  # thousandths as integers: a small payload
    np.testing.assert_allclose(w / 1000, single.weights, atol=6e-4)
    labels = stats.labels()
    assert [[LABELS[k] for k in row] for row in data["label"]] == labels.tolist()
    assert [item["name"] for item in data["legend"]] == [LABEL_NAMES_JA[k] for k in LABELS]
    assert np.array(data["profile"]).shape == (*stats.shape, 6)
    assert data["profile"][0][0][1] == pytest.approx(stats.sep[0, 0], abs=0.006)
    layer, head = data["initial"]
    assert labels[layer, head] != "mixed"
    assert len(html) < 60_000 + 40 * single.weights.size


def test_widget_ids_are_unique(stats, single):
    a, b = headmap_widget(stats, single).data, headmap_widget(stats, single).data
    id_a, id_b = (re.search(r'id="(attnviz-headmap-[0-9a-f]+)"', h).group(1) for h in (a, b))
    assert id_a != id_b
    # the code is attnviz/web/kinds/headmap.js itself, the same in every widget, as a module script
    from attnviz.web import read_text

    code = f'<script type="module" data-attnviz-asset="kinds/headmap.js">{read_text("kinds/headmap.js")}</script>'
    assert code in a and code in b
    assert a.count(id_a) == 2  # the root's id, and the data tag's data-root


def test_tokens_cannot_break_out_of_the_script(stats, single):
    evil = dataclasses.replace(single, tokens=(single.tokens[0], EVIL, *single.tokens[2:]))
    html = headmap_widget(stats, evil, uid="evil").data
    assert EVIL not in html
    assert html.count("</script>") == 2  # the JSON block and the code, nothing else
    assert payload(html)["tokens"][1] == EVIL


def test_widget_rejects_a_mismatched_example(stats, single):
    smaller = dataclasses.replace(single, weights=single.weights[:1])
    with pytest.raises(ValueError):
        headmap_widget(stats, smaller)


def test_headmap_figure(stats):
    import matplotlib.pyplot as plt

    fig = headmap_figure(stats)
    ax = fig.axes[0]
    assert ax.images[0].get_array().shape[:2] == stats.shape
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend and set(legend) <= set(LABEL_NAMES_JA.values())
    assert len(ax.texts) == stats.shape[0] * stats.shape[1]
    plt.close(fig)


def test_role_table_names_computed_heads(stats):
    from attnviz.core.heads import find_head

    text = role_table(stats).data
    hit = find_head(stats, role="previous")
    assert f"| {LABEL_NAMES_JA['previous']} | Layer {hit.layer}・Head {hit.head} | {100 * hit.score:.0f}% |" in text
