"""The rider split (`align/riders.py`): word evidence on toy vectors, beads in, beads out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pytest

from qa_pipeline.align import RiderParams, split_riders
from qa_pipeline.align.riders import match_from_words, mutual_shares
from qa_pipeline.types import Bead

RNG = np.random.default_rng(7)
CONCEPTS = {c: RNG.normal(size=16) for c in "abcdefghijklmnopqrstuvwxyz"}


def embed(texts: Sequence[str]) -> np.ndarray:
    """A text is letters (its words); its vector the normalised sum of theirs."""
    out = []
    for t in texts:
        v = sum((CONCEPTS[c] for c in t if c in CONCEPTS), np.zeros(16))
        out.append(v / max(float(np.linalg.norm(v)), 1e-9))
    return np.asarray(out, np.float32)


def words(texts: Sequence[str]) -> list[np.ndarray]:
    """Each word's vector: the same concept on both sides is the same word."""
    return [np.asarray([CONCEPTS[c] for c in t if c in CONCEPTS]).reshape(-1, 16) for t in texts]


MATCH = match_from_words(words)


def test_mutual_shares_count_words_with_a_counterpart() -> None:
    a, b, z = CONCEPTS["a"], CONCEPTS["b"], CONCEPTS["z"]
    shares = mutual_shares([np.stack([a, b]), np.stack([z]), np.zeros((0, 16))],
                           np.stack([a, b]))
    assert shares == [1.0, 0.0, 1.0]  # a part without words has nothing to lose


def test_mutual_shares_take_one_best_match_per_word() -> None:
    a = CONCEPTS["a"]
    # Two copies of one word compete for the same counterpart: only one wins it.
    assert mutual_shares([np.stack([a, a])], np.stack([a])) == [0.5]


def test_an_untranslated_end_sentence_comes_out_as_1_0() -> None:
    src = ["abcd", "xyzw", "efgh"]  # the middle sentence has no counterpart
    tgt = ["abcd", "efgh"]
    beads = [Bead((0, 1), (0,), 0.5, 0.9), Bead((2,), (1,), 0.9, 1.0)]
    out = split_riders(beads, src, tgt, {}, embed, MATCH)
    assert [(b.source, b.target) for b in out] == [((0,), (0,)), ((1,), ()), ((2,), (1,))]
    assert out[0].similarity == pytest.approx(1.0, abs=1e-5)
    assert out[1].similarity is None and out[1].confidence == 0.9


def test_a_front_rider_on_the_target_side() -> None:
    src = ["abcd"]
    tgt = ["xyzw", "abcd"]
    out = split_riders([Bead((0,), (0, 1), 0.5, 0.8)], src, tgt, {}, embed, MATCH)
    assert [(b.source, b.target) for b in out] == [((), (0,)), ((0,), (1,))]


def test_a_genuine_split_stays_one_bead() -> None:
    src = ["abcd", "efgh"]  # the other side says both in one sentence
    tgt = ["abcdefgh"]
    beads = [Bead((0, 1), (0,), 0.9, 0.95)]
    assert split_riders(beads, src, tgt, {}, embed, MATCH) == beads


def test_both_ends_of_a_longer_side_and_the_switch() -> None:
    src = ["xyzw", "abcd", "efgh", "qrst"]
    tgt = ["abcdefgh"]
    beads = [Bead((0, 1, 2, 3), (0,), 0.4, 0.7)]
    out = split_riders(beads, src, tgt, {}, embed, MATCH)
    assert [(b.source, b.target) for b in out] == [((0,), ()), ((1, 2), (0,)), ((3,), ())]
    assert split_riders(beads, src, tgt, {}, embed, MATCH, RiderParams(enabled=False)) == beads


def test_a_rider_needs_both_signals() -> None:
    """Under the gain rule, unmatched words alone do not split: leaving the sentence out must
    raise the cosine (the lone rule, off here, is the test below)."""
    src = ["abcd", "xyzw"]
    tgt = ["abcd"]
    beads = [Bead((0, 1), (0,), 0.5, 0.9)]
    assert len(split_riders(beads, src, tgt, {}, embed, MATCH)) == 2
    gain_rule = RiderParams(lone_match=None)
    assert split_riders(beads, src, tgt, {}, embed, MATCH,
                        replace(gain_rule, min_gain=0.9)) == beads
    assert split_riders(beads, src, tgt, {}, embed, MATCH,
                        replace(gain_rule, max_match=0.0)) == beads


def test_a_lost_paragraph_is_peeled_off_one_sentence_at_a_time() -> None:
    src = ["xyzw", "qrst", "abcd"]  # two untranslated sentences before the translated one
    tgt = ["abcd"]
    out = split_riders([Bead((0, 1, 2), (0,), 0.4, 0.7)], src, tgt, {}, embed, MATCH)
    assert [(b.source, b.target) for b in out] == [((0,), ()), ((1,), ()), ((2,), (0,))]


def test_a_lone_rider_whose_vector_hides_in_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """A sentence whose vector points where the run already points leaves the cosine as it is
    when it is left out, so only its words give it away: none of them has a counterpart,
    while the rest of the bead matches word for word."""
    topic = sum(CONCEPTS[c] for c in "abcdefgh")
    monkeypatch.setitem(CONCEPTS, "Z", topic / np.linalg.norm(topic))
    src = ["abcdefgh", "Z"]
    tgt = ["abcdefgh"]
    beads = [Bead((0, 1), (0,), 0.99, 0.9)]
    gain_rule_only = RiderParams(lone_match=None)
    assert split_riders(beads, src, tgt, {}, embed, MATCH, gain_rule_only) == beads
    out = split_riders(beads, src, tgt, {}, embed, MATCH)  # the default has both rules
    assert [(b.source, b.target) for b in out] == [((0,), (0,)), ((1,), ())]
    # Beside a rest that matches poorly, or when leaving it out costs cosine, it stays.
    assert split_riders(beads, src, tgt, {}, embed, MATCH, RiderParams(lone_rest=1.01)) == beads
    assert split_riders(beads, src, tgt, {}, embed, MATCH, RiderParams(lone_gain=0.5)) == beads


def test_lone_riders_of_a_lost_paragraph_come_off_beside_the_one_translated_part(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Three hidden riders and one translated sentence: the end rider's rest is mostly riders
    (mean share 1/3), but its best part matches fully, so the riders peel off one by one."""
    topic = sum(CONCEPTS[c] for c in "abcdefgh")
    monkeypatch.setitem(CONCEPTS, "Z", topic / np.linalg.norm(topic))
    src = ["Z", "Z", "Z", "abcdefgh"]
    tgt = ["abcdefgh"]
    beads = [Bead((0, 1, 2, 3), (0,), 0.99, 0.9)]
    out = split_riders(beads, src, tgt, {}, embed, MATCH)
    assert [(b.source, b.target) for b in out] == [((0,), ()), ((1,), ()), ((2,), ()),
                                                   ((3,), (0,))]
    assert split_riders(beads, src, tgt, {}, embed, MATCH, RiderParams(lone_match=None)) == beads


def test_riders_that_hide_one_another_come_off_as_a_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two untranslated sentences whose vectors cancel out each other's pull: leaving out
    either one lowers the cosine, leaving out both raises it; none of their words match."""
    unit = sum(CONCEPTS[c] for c in "abcdefgh")
    unit = unit / np.linalg.norm(unit)
    drift, pull = CONCEPTS["y"] / np.linalg.norm(CONCEPTS["y"]), 2 * CONCEPTS["z"]
    monkeypatch.setitem(CONCEPTS, "P", unit + drift + pull)
    monkeypatch.setitem(CONCEPTS, "Q", unit + drift - pull)
    src = ["P", "Q", "abcdefgh"]
    tgt = ["abcdefgh"]
    beads = [Bead((0, 1, 2), (0,), 0.99, 0.9)]
    out = split_riders(beads, src, tgt, {}, embed, MATCH)
    assert [(b.source, b.target) for b in out] == [((0,), ()), ((1,), ()), ((2,), (0,))]
    assert split_riders(beads, src, tgt, {}, embed, MATCH, RiderParams(runs=False)) == beads


# --------------------------------------------------------------------------- strangers


def test_a_1_1_bead_of_strangers_becomes_two_deletions() -> None:
    """Two sentences less alike (centred) than the cut are a 1-0 and a 0-1; a translation, an
    n:m bead and a short side are left alone."""
    from qa_pipeline.align.strangers import centred_rows, split_strangers

    rng = np.random.default_rng(0)
    topics = rng.normal(size=(6, 32))
    src = [f"s{i}" for i in range(6)]
    tgt = [f"t{i}" for i in range(6)]
    table = {f"s{i}": topics[i] + 0.05 * rng.normal(size=32) for i in range(6)}
    table |= {f"t{i}": topics[i] + 0.05 * rng.normal(size=32) for i in range(6)}
    table["t3"] = topics[5] - topics[3] + 0.05 * rng.normal(size=32)  # not s3's translation
    beads = [Bead((i,), (i,), 0.9, 0.8) for i in range(3)] + [
        Bead((3,), (3,), 0.5, 0.7), Bead((4, 5), (4, 5), 0.9, 0.9)]
    cs, ct = centred_rows(src, table), centred_rows(tgt, table)
    assert float(cs[3] @ ct[3]) < 0.0 < min(float(cs[i] @ ct[i]) for i in range(3))
    out = split_strangers(beads, src, tgt, table, below=0.064, min_items=4)
    assert [(b.source, b.target) for b in out] == [
        ((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3,), ()), ((), (3,)), ((4, 5), (4, 5))]
    assert out[3].confidence == out[4].confidence == 0.7 and out[3].similarity is None
    assert split_strangers(beads, src, tgt, table, below=None, min_items=4) == beads
    # a sentence of fewer words than `min_words` (a heading, a line of dialogue) stays paired
    assert split_strangers(beads, src, tgt, table, below=0.064, min_items=4,
                           min_words=8) == beads
    assert split_strangers(beads, src[:3], tgt[:3], table, below=0.064, min_items=4) == \
        beads  # three sentences a side: no centre to read them against


def test_the_strangers_cut_is_the_models_own() -> None:
    from qa_pipeline.align import AlignParams, describe
    from qa_pipeline.align.strangers import params_for, stranger_cuts

    cut = stranger_cuts()["multilingual-e5-small"]
    assert 0 < cut < 0.2
    assert params_for(AlignParams(), "multilingual-e5-small").split_below == cut
    assert "strangers<" in describe(params_for(AlignParams(), "multilingual-e5-small"))
    assert params_for(AlignParams(), "hash-256").split_below is None  # no measured cut
    assert params_for(AlignParams(strangers=False), "multilingual-e5-small").split_below is None
    assert params_for(replace(AlignParams(), split_below=0.2),
                      "multilingual-e5-small").split_below == 0.2
    assert "strangers" not in describe(AlignParams())
