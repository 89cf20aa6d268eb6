"""attnviz.course.ch05: the pronoun question in numbers and in the exact sentences chapters 5 and 6 show."""

from __future__ import annotations

import numpy as np
import pytest

import attnviz
from attnviz.core.sentences import course_sentences
from attnviz.course import ch05

TOKENS = ["[CLS]", "the", "animal", "street", "it", "tired", "[SEP]"]
IT, ANIMAL, STREET = 4, 2, 3


def _weights(it_rows: list[list[list[float]]]) -> np.ndarray:
    """(L, H, T, T): head (l, h) gives "it" the row it_rows[l][h]; every other token looks at itself."""
    t = len(TOKENS)
    w = np.tile(np.eye(t), (len(it_rows), len(it_rows[0]), 1, 1))
    for layer, heads in enumerate(it_rows):
        for head, row in enumerate(heads):
            w[layer, head, IT] = row
    return w


def _row(animal: float, street: float) -> list[float]:
    row = [0.0] * len(TOKENS)
    row[ANIMAL], row[STREET], row[0] = animal, street, 1.0 - animal - street
    return row


def test_a_head_whose_line_moves(result_of):
    original = result_of(TOKENS, _weights([[_row(0.1, 0.1), _row(0.2, 0.1)], [_row(0.8, 0.1), _row(0.1, 0.1)]]))
    changed = result_of(TOKENS, _weights([[_row(0.1, 0.1), _row(0.1, 0.5)], [_row(0.2, 0.6), _row(0.1, 0.1)]]))
    f = ch05.pronoun_facts_of(original, changed)
    assert f == {
        "layer": "1",
        "head": "0",
        "name": "Layer 1・Head 0",
        "weight": "0.80",
        "street": "0.10",
        "mean": "0.30",  # (0.1 + 0.2 + 0.8 + 0.1) / 4, and 0.8 is less than 3 times that
        "spread": "最大のヘッドと平均の差は大きくなく、このつながりは多くのヘッドに薄く広がっています。",
        "cf_animal": "0.20",
        "cf_street": "0.60",
        "cf_verdict": '変えた文では、このヘッドの「it」は "street" を 0.60、"animal" を 0.20 の重みで見ていて、'
        '線は "street" の側に移りました。ただし 1 組の文だけでは、このヘッドが参照を解決しているとまでは言えません',
        "cf_best": "Layer 1・Head 0",
        "cf_best_weight": "0.60",
        # the head's role on the sentence: every row but "it" looks at itself, 6 of 7 rows
        "role": "自分自身",
        "role_share": f"{6 / 7:.0%}",
        "role_even": f"{1 / 7:.0%}",
        "even": "0.143",
    }


def test_a_head_whose_line_stays(result_of):
    original = result_of(TOKENS, _weights([[_row(0.8, 0.05)] + [_row(0.0, 0.1)] * 3]))
    changed = result_of(TOKENS, _weights([[_row(0.7, 0.2), _row(0.1, 0.3), _row(0.1, 0.1), _row(0.1, 0.1)]]))
    f = ch05.pronoun_facts_of(original, changed)
    assert f["mean"] == "0.20"  # 0.8 / 4: the best head is more than 3 times the mean
    assert f["spread"] == "つまり、このつながりはどこにでもあるわけではなく、特定のヘッドに強く現れています。"
    assert f["cf_verdict"] == (
        '変えた文でも、このヘッドの「it」は "animal" を 0.70、"street" を 0.20 の重みで見ていて、'
        '線は "street" に移りませんでした。このヘッドは文の意味で参照先を選んでいるのではなく、'
        '別の手がかり（位置や語の種類など）で "animal" を見ていると考えるほうが自然です'
    )
    assert (f["cf_best"], f["cf_best_weight"]) == ("Layer 0・Head 1", "0.30")


def test_pronoun_facts_on_the_course_model(loaded):
    sentences = course_sentences()
    r = attnviz.attend(sentences.pronoun, model=loaded)
    cf = attnviz.attend(sentences.pronoun_counterfactual, model=loaded)
    hit = attnviz.find_head(r, query="it", key="animal")
    assert r.tokens[hit.query] == "it" and r.tokens[hit.key] == "animal"
    column = r.weights[:, :, hit.query, hit.key]
    assert hit.score == pytest.approx(float(column.max()))
    facts = ch05.pronoun_facts(loaded)
    assert facts == ch05.pronoun_facts_of(r, cf)
    assert facts["name"] == f"Layer {hit.layer}・Head {hit.head}" and facts["weight"] == f"{hit.score:.2f}"
    assert facts["mean"] == f"{column.astype(np.float64).mean():.2f}"
    same_head = cf.weights[hit.layer, hit.head, cf.index("it")]
    assert facts["cf_street"] == f"{same_head[cf.index('street')]:.2f}"
    assert facts["cf_animal"] == f"{same_head[cf.index('animal')]:.2f}"
    moved = same_head[cf.index("street")] > same_head[cf.index("animal")]
    assert facts["cf_verdict"].startswith("変えた文では" if moved else "変えた文でも")


def test_pair_head_facts_read_a_previous_token_head_as_position(result_of):
    def previous(tokens):
        t = len(tokens)
        w = np.zeros((1, 2, t, t))
        for i in range(t):
            w[0, 0, i, max(i - 1, 0)] = 1.0  # head 0: the previous token
        w[0, 1] = 1.0 / t  # head 1: an even spread
        return result_of(tokens, w)

    mine = previous(["[CLS]", "she", "loves", "programming", ".", "[SEP]"])
    control = previous(["[CLS]", "he", "hates", "cooking", ".", "[SEP]"])
    f = ch05.pair_head_facts(mine, control)
    assert (f["name"], f["weight"], f["role"], f["role_share"]) == ("Layer 0・Head 0", "1.00", "直前のトークン", "100%")
    assert (f["even"], f["role_even"], f["cf_weight"]) == ("0.167", f"{1 / 6:.0%}", "1.00")
    assert "隣にあるから" in f["positional"] and "ほとんど変わりません" in f["cf_verdict"]


def test_pair_head_facts_on_the_course_model(loaded):
    mine, control = attnviz.attend(ch05.MINE[0], model=loaded), attnviz.attend(ch05.CONTROL[0], model=loaded)
    hit = attnviz.find_head(mine, query=ch05.MINE[1], key=ch05.MINE[2])
    f = ch05.pair_head_facts(mine, control)
    assert f["name"] == hit.name and f["weight"] == f"{hit.score:.2f}"
    same = control.weights[hit.layer, hit.head, control.index(ch05.CONTROL[1]), control.index(ch05.CONTROL[2])]
    assert f["cf_weight"] == f"{same:.2f}"
    assert len(control.tokens) == len(mine.tokens), "the control puts other words in the same places"
