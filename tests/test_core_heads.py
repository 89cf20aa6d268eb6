"""attnviz.core.heads and .tokens: head statistics, labels and the head finder; constructed arrays with known
answers, then the real model."""

from __future__ import annotations

import math

import numpy as np
import pytest

import attnviz
from attnviz.core.heads import (
    BROAD_ENTROPY,
    LABELS,
    ROLE_THRESHOLD,
    HeadHit,
    find_head,
    head_stats,
    label_counts,
    label_heads,
    measure_heads,
    sentence_stats,
)
from attnviz.core.sentences import course_sentences
from attnviz.core.tokens import content_positions, is_punctuation, token_kinds

TOKENS = ["[CLS]", "the", "cat", "sat", ".", "[SEP]"]  # T = 6
T = len(TOKENS)


def one_head(matrix: np.ndarray) -> np.ndarray:
    """(T, T) -> (1, 1, T, T)."""
    return np.asarray(matrix, dtype=np.float64)[None, None]


def to_column(j: int) -> np.ndarray:
    m = np.zeros((T, T))
    m[:, j] = 1.0
    return m


def shifted(offset: int) -> np.ndarray:
    """Every token attends to the token ``offset`` away; rows without one attend to themselves."""
    m = np.zeros((T, T))
    for i in range(T):
        j = i + offset
        m[i, j if 0 <= j < T else i] = 1.0
    return m


def stats_of(matrix: np.ndarray, tokens=TOKENS):
    return head_stats([(one_head(matrix), tokens)])


def test_previous_token_head():
    s = sentence_stats(one_head(shifted(-1)), TOKENS)
    assert s["previous"][0, 0] == pytest.approx(1.0)  # every row that has a previous token uses it
    assert s["next"][0, 0] == pytest.approx(0.0)
    assert s["self"][0, 0] == pytest.approx(1 / T)  # only [CLS] has no previous token
    assert s["cls"][0, 0] == pytest.approx(2 / T)  # [CLS] itself and "the" look at [CLS]
    assert s["entropy"][0, 0] == pytest.approx(0.0)
    labels, strength = label_heads(stats_of(shifted(-1)))
    assert labels[0, 0] == "previous"
    assert strength[0, 0] == pytest.approx(1.0)


def test_next_and_self_heads():
    assert label_heads(stats_of(shifted(+1)))[0][0, 0] == "next"
    assert label_heads(stats_of(np.eye(T)))[0][0, 0] == "self"
    assert sentence_stats(one_head(np.eye(T)), TOKENS)["self"][0, 0] == pytest.approx(1.0)


def test_special_token_heads():
    s = sentence_stats(one_head(to_column(T - 1)), TOKENS)
    assert s["sep"][0, 0] == pytest.approx(1.0)
    assert s["cls"][0, 0] == pytest.approx(0.0)
    assert label_heads(stats_of(to_column(T - 1)))[0][0, 0] == "[SEP]"
    assert label_heads(stats_of(to_column(0)))[0][0, 0] == "[CLS]"


def test_every_sep_of_a_pair_counts():
    tokens = ["[CLS]", "a", "b", "[SEP]", "c", "[SEP]"]
    m = np.zeros((6, 6))
    m[:, 3] = 0.5
    m[:, 5] = 0.5
    assert sentence_stats(one_head(m), tokens)["sep"][0, 0] == pytest.approx(1.0)


def test_punctuation_head_and_missing_punctuation():
    assert label_heads(stats_of(to_column(TOKENS.index("."))))[0][0, 0] == "punctuation"
    no_punct = ["[CLS]", "the", "cat", "sat", "down", "[SEP]"]
    assert math.isnan(sentence_stats(one_head(np.eye(T)), no_punct)["punctuation"][0, 0])
    # an input without punctuation does not dilute the mean of those that have some
    merged = head_stats([(one_head(to_column(4)), TOKENS), (one_head(to_column(4)), no_punct)])
    assert merged.punctuation[0, 0] == pytest.approx(1.0)
    assert merged.n_inputs == 2


def test_uniform_head_is_broad():
    uniform = np.full((T, T), 1 / T)
    s = sentence_stats(one_head(uniform), TOKENS)
    assert s["entropy"][0, 0] == pytest.approx(math.log(T))
    assert s["norm_entropy"][0, 0] == pytest.approx(1.0)
    labels, strength = label_heads(stats_of(uniform))
    assert labels[0, 0] == "broad"
    assert strength[0, 0] == pytest.approx(1.0)


def test_half_and_half_is_mixed_not_a_role():
    m = 0.5 * shifted(-1) + 0.5 * shifted(+1)  # exactly 0.5 is not MORE than half
    s = stats_of(m)
    assert s.previous[0, 0] <= ROLE_THRESHOLD + 1e-9
    assert s.norm_entropy[0, 0] < BROAD_ENTROPY
    labels, strength = label_heads(s)
    assert labels[0, 0] == "mixed"
    assert strength[0, 0] == pytest.approx(max(s.previous[0, 0], s.next[0, 0], s.cls[0, 0], s.sep[0, 0]))


def test_thresholds_are_parameters():
    m = 0.6 * to_column(0) + 0.4 * np.full((T, T), 1 / T)
    s = stats_of(m)
    assert label_heads(s)[0][0, 0] == "[CLS]"
    assert label_heads(s, threshold=0.8)[0][0, 0] in ("mixed", "broad")


def test_inputs_count_equally_whatever_their_length():
    short = ["[CLS]", "a", "[SEP]"]
    a = sentence_stats(one_head(np.eye(3)), short)  # self = 1
    b = sentence_stats(one_head(to_column(0)), TOKENS)  # self = 1/6
    merged = head_stats([(one_head(np.eye(3)), short), (one_head(to_column(0)), TOKENS)])
    assert merged.self[0, 0] == pytest.approx((a["self"][0, 0] + b["self"][0, 0]) / 2)


def test_several_layers_and_heads_and_find_head_by_role():
    w = np.stack([np.stack([np.eye(T), shifted(-1)]), np.stack([to_column(T - 1), to_column(0)])])  # (2, 2, T, T)
    s = head_stats([(w, TOKENS)], model_name="toy")
    assert s.shape == (2, 2)
    assert s.labels().tolist() == [["self", "previous"], ["[SEP]", "[CLS]"]]
    assert find_head(s, role="previous") == HeadHit(0, 1, pytest.approx(1.0), role="previous")
    assert find_head(s, role="[SEP]").name == "Layer 1・Head 0"
    assert (find_head(s, role="self").layer, find_head(s, role="self").head) == (0, 0)
    with pytest.raises(ValueError):
        find_head(s, role="subject-verb")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        find_head(s, query="cat")


def test_bad_shapes_are_rejected():
    with pytest.raises(ValueError):
        sentence_stats(np.ones((1, 1, 3, 3)) / 3, TOKENS)
    with pytest.raises(ValueError):
        head_stats([])


def test_punctuation_tokens():
    assert is_punctuation(".") and is_punctuation("?") and is_punctuation("...")
    assert not is_punctuation("[SEP]") and not is_punctuation("cat") and not is_punctuation("")


def test_token_kinds_use_the_given_special_tokens():
    k = token_kinds(["<s>", "a", ",", "</s>", "b", "</s>"], "<s>", "</s>")
    assert k.cls.tolist() == [True, False, False, False, False, False]
    assert k.sep.tolist() == [False, False, False, True, False, True]
    assert k.punct.tolist() == [False, False, True, False, False, False]
    assert k.special.sum() == 3
    assert not token_kinds(["[SEP]"]).punct.any()  # a special token is never punctuation


def test_content_positions():
    tokens = ["[CLS]", "the", "cat", "sat", "on", "the", "mat", ".", "[UNK]", "[SEP]"]
    assert content_positions(tokens, query=2) == [3, 6]  # not itself, "the", "on", ".", nor anything in [...]
    assert content_positions(tokens, query=3) == [2, 6]
    assert content_positions(tokens, query=2, ignore=frozenset()) == [1, 3, 4, 5, 6]


def test_label_counts_add_up():
    w = np.stack([np.stack([np.eye(T), shifted(-1)]), np.stack([to_column(T - 1), to_column(0)])])  # (2, 2, T, T)
    counts = label_counts(head_stats([(w, TOKENS)]))
    assert list(counts) == list(LABELS)
    assert counts == {
        "[CLS]": 1,
        "[SEP]": 1,
        "self": 1,
        "previous": 1,
        "next": 0,
        "punctuation": 0,
        "broad": 0,
        "mixed": 0,
    }


def test_find_head_from_a_token_to_any_content_word(single):
    hit = attnviz.find_head(single, query="cat")
    assert single.tokens[hit.key] in ("sat", "mat")
    content = [single.index("sat"), single.index("mat")]
    assert hit.score == pytest.approx(float(single.weights[:, :, hit.query, content].max()))
    with pytest.raises(attnviz.InputError):
        attnviz.find_head(single, query="dog")
    with pytest.raises(attnviz.InputError, match="0〜7"):
        attnviz.find_head(single, query=8)


def test_find_head_says_the_role_of_the_head_it_found_on_that_input(result_of):
    # head 0 only looks at the previous token; head 1 looks at "sat" from every row, a little less strongly
    prev = shifted(-1)
    sat = 0.3 * to_column(3) + 0.7 * np.full((T, T), 1 / T)
    w = np.stack([prev, sat])[None]  # (1, 2, T, T)
    r = result_of(TOKENS, w)
    hit = find_head(r, query="sat", key="cat")  # the strongest sat -> cat line is positional
    assert (hit.layer, hit.head, hit.score) == (0, 0, pytest.approx(1.0))
    assert hit.role == "previous"
    assert hit.role_share == pytest.approx(1.0)
    assert hit.role_even == pytest.approx(1 / T) and hit.even == pytest.approx(1 / T)
    assert hit.sought is None
    # the same rule as the head map on that one input
    assert hit.role == label_heads(head_stats([(w, TOKENS)]))[0][hit.layer, hit.head]
    other = find_head(r, query="the", key="sat")
    assert other.head == 1 and other.role in ("broad", "mixed")  # no role: a label all the same, never None
    assert math.isnan(other.role_even)
    content = find_head(r, query="sat")  # content-word mode: "cat" is the only content word sat can see
    assert content.role == "previous" and r.tokens[content.key] == "cat"


def test_find_head_by_role_labels_the_head_by_the_same_rule():
    weak = 0.4 * shifted(+1) + 0.6 * np.eye(T)  # best "next" head, but more "self" than "next"
    w = np.stack([weak, np.full((T, T), 1 / T)])[None]
    s = head_stats([(w, TOKENS)])
    hit = find_head(s, role="next")
    assert hit.head == 0 and hit.sought == "next" and hit.role == "self"
    assert hit.role_share == pytest.approx(s.self[0, 0])
    assert find_head(s, role="broad").role == "broad"


def test_even_share_counts_the_same_tokens():
    from attnviz.core.heads import even_share

    pair = ["[CLS]", "a", ".", "[SEP]", "b", ",", "!", "[SEP]"]
    assert even_share(pair, "[SEP]") == pytest.approx(2 / 8)
    assert even_share(pair, "punctuation") == pytest.approx(3 / 8)
    assert even_share(pair, "next") == pytest.approx(1 / 8)
    assert math.isnan(even_share(pair, "mixed"))
    with pytest.raises(ValueError):
        even_share(pair, "content")


def test_find_head_with_no_content_word_left(result_of):
    with pytest.raises(attnviz.InputError, match="内容語"):
        find_head(result_of(["[CLS]", "the", "cat", "[SEP]"], np.full((1, 1, 4, 4), 0.25)), query="cat")


# --- the shipped sentence set and the real model ------------------------------------------------


def test_shipped_sentences():
    sentences = course_sentences()
    singles, pairs = sentences.singles, sentences.pairs
    assert len(singles) >= 10 and len(pairs) >= 8
    assert "The cat sat on the mat." in singles
    assert all(isinstance(a, str) and isinstance(b, str) for a, b in pairs)
    assert all(any(c in ".,!?" for c in s) for s in singles)  # the punctuation statistic is defined


def test_measure_heads_on_the_course_model(loaded):
    stats, results = measure_heads(model=loaded)
    singles, pairs = course_sentences().singles, course_sentences().pairs
    assert stats.n_inputs == len(results) == len(singles) + len(pairs)
    assert stats.shape == (loaded.info.layers, loaded.info.heads)
    assert stats.model_name == loaded.info.name
    for role in ("[CLS]", "[SEP]", "self", "previous", "next", "punctuation"):
        score = stats.score(role)
        assert np.all((score >= -1e-6) & (score <= 1 + 1e-6)), role
    assert np.all(stats.cls + stats.sep <= 1 + 1e-5)
    assert np.all((stats.norm_entropy >= 0) & (stats.norm_entropy <= 1 + 1e-6))
    labels = stats.labels()
    assert set(labels.ravel()) <= set(LABELS)
    # the labels are what the rule says: recompute one head by hand
    hit = find_head(stats, role="previous")
    if hit.score > ROLE_THRESHOLD:
        assert labels[hit.layer, hit.head] == "previous"
    pair_stats, pair_results = measure_heads("pairs", model=loaded)
    assert pair_stats.n_inputs == len(pairs)
    assert all(r.sentence_b is not None for r in pair_results)
    with pytest.raises(ValueError):
        measure_heads("nothing", model=loaded)


def test_clark_sep_in_middle_layers_of_bert_base(loaded):
    """Clark et al. 2019: over half of BERT-base's attention in layers 6-10 (from 1) goes to [SEP] on pairs."""
    if loaded.info.name != "bert-base-uncased":
        pytest.skip(
            f"needs bert-base-uncased (Clark et al.'s model); this build uses {loaded.info.name}, "
            "which parks attention elsewhere (e.g. all-MiniLM-L6-v2 on [CLS])"
        )
    stats, _ = measure_heads("pairs", model=loaded)
    middle = stats.sep[5:10].mean()  # layers 6-10 counted from 1 = BERTviz's 5-9
    assert middle > 0.5, f"[SEP] share in layers 6-10: {middle:.2f}"
