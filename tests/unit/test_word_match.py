"""Unmatched-word evidence (`detect/word_match.py`): centred best matches over words and pairs
of adjacent words, and how it moves the target's P(BAD)."""

from __future__ import annotations

import numpy as np
import pytest

from qa_pipeline.detect.tagger import PairTags, WordStates
from qa_pipeline.detect.word_match import WordMatch, best_match, with_match


def unit_rows(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, dim))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_a_word_with_a_counterpart_matches_and_a_foreign_one_does_not() -> None:
    src = unit_rows(5)
    shared = np.ones(32) * 3.0  # what the sentence adds to every word: centring removes it
    tgt = np.stack([src[0], src[2], src[4], unit_rows(1, seed=9)[0]]) + shared
    best = best_match(tgt, src - shared)
    assert best[:3].min() > 0.8 and best[3] < 0.5 and best[3] == best.min()


def test_two_adjacent_source_words_can_be_one_counterpart() -> None:
    src = unit_rows(4, seed=1)
    tgt = np.stack([(src[1] + src[2]) / 2, src[0], src[3]])  # one word for two
    assert best_match(tgt, src)[0] > 0.95
    assert best_match(tgt, src[[0, 1, 3, 2]])[0] < 0.8  # the two no longer side by side


def test_sides_under_two_words_give_no_evidence() -> None:
    assert best_match(np.zeros((0, 4)), unit_rows(3, 4)).shape == (0,)
    assert np.isnan(best_match(unit_rows(2, 4), unit_rows(1, 4))).all()
    assert np.isnan(best_match(unit_rows(1, 4), unit_rows(3, 4))).all()
    ws = WordStates(((0, 1),), unit_rows(1, 4)[:, None, :])
    wt = WordStates(((0, 1), (2, 3)), unit_rows(2, 4)[:, None, :])
    tags = PairTags(ws.spans, np.array([0.2]), wt.spans, np.array([0.3, 0.6]), 0.5)
    got = with_match(tags, ws, wt, (12,), WordMatch(12, 1.0, 0.5))
    np.testing.assert_array_equal(got.target_bad, tags.target_bad)


def test_the_evidence_moves_target_words_only_within_bounds() -> None:
    src = unit_rows(4, seed=2)
    tgt = np.stack([src[0], src[1], unit_rows(1, seed=7)[0]])
    layers = (8, 12)
    # states per word at two layers; the match reads layer 12 (index 1), layer 8 is noise
    ws = WordStates(((0, 1), (2, 3), (4, 5), (6, 7)), np.stack([unit_rows(4, seed=5), src], 1))
    wt = WordStates(((0, 1), (2, 3), (4, 5)), np.stack([unit_rows(3, seed=6), tgt], 1))
    tags = PairTags(ws.spans, np.full(4, 0.3), wt.spans, np.array([0.5, 0.5, 0.5]), 0.4)
    got = with_match(tags, ws, wt, layers, WordMatch(layer=12, weight=2.0, centre=0.5))
    np.testing.assert_array_equal(got.source_bad, tags.source_bad)
    assert got.sentence == tags.sentence and got.target_spans == tags.target_spans
    assert got.target_bad[2] > 0.5 > max(got.target_bad[:2])
    assert ((got.target_bad >= 0) & (got.target_bad <= 1)).all()
    with pytest.raises(ValueError):
        with_match(tags, ws, wt, layers, WordMatch(layer=10, weight=1.0, centre=0.5))
