"""attnviz.course.ch01: the numbers chapter 1 states, and the exact sentences it builds from them."""

from __future__ import annotations

import math

import numpy as np
import pytest

import attnviz
from attnviz.core.heads import input_stats, label_heads
from attnviz.core.qkv import WorkedHead
from attnviz.course import ch01

TOKENS = ["[CLS]", "the", "cat", "sat", "on", "the", "mat", "[SEP]"]


def _weights(cat_rows: list[list[float]]) -> np.ndarray:
    """(1, H, T, T): head h gives "cat" the row cat_rows[h]; every other token looks at itself."""
    t = len(TOKENS)
    w = np.tile(np.eye(t), (1, len(cat_rows), 1, 1))
    for h, row in enumerate(cat_rows):
        w[0, h, 2] = row
    return w


def test_star_facts_on_constructed_heads(result_of):
    #            [CLS] the  cat  sat  on   the  mat  [SEP]
    focused = [0.05, 0.0, 0.15, 0.7, 0.0, 0.0, 0.1, 0.0]  # more than half on "sat"
    spread = [0.3, 0.1, 0.2, 0.2, 0.0, 0.0, 0.2, 0.0]
    on_the = [0.1, 0.0, 0.0, 0.0, 0.9, 0.0, 0.0, 0.0]  # "on" is a function word: not a content word
    f = ch01.star_facts(result_of(TOKENS, _weights([spread, focused, on_the])))
    assert f["role"] == "自分自身" and f["role_share"] == f"{(7 + 0.15) / 8:.0%}"  # every other row looks at itself
    assert "位置だけでは説明できません" in f["reading"]
    assert {
        k: f[k]
        for k in (
            "layer",
            "head",
            "top_token",
            "top_weight",
            "self_weight",
            "total_heads",
            "n_focused",
            "median",
            "focused",
        )
    } == {
        "layer": "0",
        "head": "1",
        "top_token": "sat",
        "top_weight": "0.70",
        "self_weight": "0.15",
        "total_heads": "3",
        "n_focused": "1",
        "median": "0.20",  # the heads' best content weights: 0.2, 0.7, 0.0
        "focused": "「cat」が 1 つの内容語に重みの半分以上を向けるヘッドは、全 3 ヘッドのうち 1 個だけです",
    }
    f = ch01.star_facts(result_of(TOKENS, _weights([spread, on_the])))
    assert f["focused"] == "「cat」が 1 つの内容語に重みの半分以上を向けるヘッドは、全 2 ヘッドのうち 1 つもありません"
    assert (f["n_focused"], f["top_token"], f["top_weight"]) == ("0", "sat", "0.20")  # sat and mat tie: first wins


def test_a_next_token_head_is_read_as_position(result_of):
    t = len(TOKENS)
    nxt = np.zeros((t, t))
    for i in range(t):
        nxt[i, min(i + 1, t - 1)] = 0.8
        nxt[i, 0] += 0.2
    f = ch01.star_facts(result_of(TOKENS, nxt[None, None]))
    assert (f["top_token"], f["top_weight"], f["role"]) == ("sat", "0.80", "直後のトークン")
    assert f["even"] == f"{1 / t:.3f}".rstrip("0") and f["role_even"] == f"{1 / t:.0%}"
    assert f["neighbours"].startswith("the→cat 0.80、cat→sat 0.80、sat→on 0.80")
    assert "すぐ後ろ" in f["reading"] and "直後のトークン" in f["verdict"]
    assert f"{t - 2} 行のうち {t - 2} 行" in f["heatmap_note"]
    assert (f["sat_top"], f["layer_nth"], f["head_nth"]) == ("on", "1", "1")


def test_star_facts_describe_the_head_find_head_chose(single):
    f = ch01.star_facts(single, "cat")
    hit = attnviz.find_head(single, query="cat")
    cat = single.index("cat")
    content = [single.index("sat"), single.index("mat")]
    best = np.asarray(single.weights, dtype=np.float64)[:, :, cat, content].max(axis=-1)
    n = int((best > 0.5).sum())
    assert (f["layer"], f["head"], f["top_token"]) == (str(hit.layer), str(hit.head), single.tokens[hit.key])
    assert f["top_weight"] == f"{single.weights[hit.layer, hit.head, cat, hit.key]:.2f}"
    assert f["self_weight"] == f"{single.weights[hit.layer, hit.head, cat, cat]:.2f}"
    assert f["total_heads"] == str(best.size) and f["n_focused"] == str(n)
    assert f["median"] == f"{np.median(best):.2f}"
    total = best.size
    tail = " 1 つもありません" if n == 0 else f" {n} 個だけです"
    assert f["focused"] == f"「cat」が 1 つの内容語に重みの半分以上を向けるヘッドは、全 {total} ヘッドのうち{tail}"
    assert f["even"] == f"{1 / len(single.tokens):.3f}".rstrip("0")
    stats = input_stats(single)
    label = label_heads(stats)[0][hit.layer, hit.head]
    assert hit.role == label  # the page names the head map's label of this head on this sentence


def _worked(q: np.ndarray, k: np.ndarray, probs: np.ndarray) -> WorkedHead:
    t, d = q.shape
    z = np.zeros((t, t))
    return WorkedHead(("a", "b", "c"), 0, 0, d, q, k, np.zeros((t, d)), z, z, probs, probs, np.zeros((t, d)))


def test_cosine_facts_state_the_bound_and_the_verdict():
    q = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]])
    k = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])  # cosines of row 0: 1, 0, -1
    sharp = np.array([[0.9, 0.05, 0.05]] * 3)
    f = ch01.cosine_facts(_worked(q, k, sharp), 0)
    cos_max = math.e / (math.e + 1 + math.exp(-1))
    assert f == {
        "n_tokens": "3",
        "bound": f"{math.e**2 / (math.e**2 + 2):.2f}",
        "softmax_max": f"{cos_max:.2f}",
        "real_max": "0.90",
        "verdict": "ずっと平らな分布で、はっきりとは相手を選べません",
    }
    flat = np.full((3, 3), 1 / 3)
    assert ch01.cosine_facts(_worked(q, k, flat), 0)["verdict"] == "この行に限っては同じくらいの集中になります"


def test_toy_facts_are_the_hand_calculation():
    f = ch01.toy_facts()
    e = math.e
    row = [e / (2 * e + e**2), e / (2 * e + e**2), e**2 / (2 * e + e**2)]  # softmax(1, 1, 2)
    assert f["cat_probs"] == "、".join(f"{p:.2f}" for p in row) == "0.21、0.21、0.58"
    s = [math.exp(x / math.sqrt(3)) for x in (1, 1, 2)]
    assert f["cat_scaled"] == "、".join(f"{x / sum(s):.2f}" for x in s) == "0.26、0.26、0.47"
    out = np.array(row) @ np.array([[1, 0, 2], [0, 3, 0], [2, 1, 0]])  # the weighted values
    assert f["cat_output"] == "(" + ", ".join(f"{x:.2f}" for x in out) + ")" == "(1.36, 1.21, 0.42)"
    assert f["q"].splitlines()[:3] == ["| | 1 | 2 | 3 |", "|---|---|---|---|", "| `the` | 1 | 0 | 0 |"]


@pytest.mark.parametrize("query", ["cat", "mat"])
def test_star_facts_follow_the_query(single, query):
    f = ch01.star_facts(single, query)
    assert f["focused"].startswith(f"「{query}」が")
