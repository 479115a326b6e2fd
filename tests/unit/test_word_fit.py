"""Evidence from words that do not fit their own sentence (`detect/word_fit.py`): the probe's
P(misfit) per word and how it moves the target's P(BAD)."""

from __future__ import annotations

import numpy as np
import pytest

from qa_pipeline.detect.tagger import PairTags, WordStates
from qa_pipeline.detect.word_fit import WordFit, misfit, with_fit

DIM = 4


def states(rows: list[list[float]], layers: int = 2) -> WordStates:
    """Words whose states are `rows` at every one of `layers` layers."""
    x = np.asarray(rows, dtype=np.float32)
    spans = tuple((3 * i, 3 * i + 2) for i in range(len(x)))
    return WordStates(spans, np.repeat(x[:, None, :], layers, axis=1))


def probe(weight: float = 1.0, centre: float = 0.5) -> WordFit:
    # reads layer 12 only: P(misfit) = sigmoid(4 * first dimension - 2)
    return WordFit(layers=(12,), coef=(4.0, 0.0, 0.0, 0.0), intercept=-2.0, weight=weight,
                   centre=centre)


def test_misfit_is_the_probe_on_the_words_states_at_its_layers() -> None:
    ws = states([[0.0, 1, 1, 1], [1.0, 0, 0, 0], [2.0, 5, 5, 5]])
    p = misfit(ws, (8, 12), probe())
    np.testing.assert_allclose(p, 1 / (1 + np.exp(-np.array([-2.0, 2.0, 6.0]))))
    # the probe's layer must be among those the states hold, with as many values
    with pytest.raises(ValueError):
        misfit(ws, (8, 10), probe())
    wide = WordFit((8, 12), (1.0,) * 3, 0.0, 1.0, 0.5)
    with pytest.raises(ValueError, match="weights"):
        misfit(ws, (8, 12), wide)
    assert misfit(WordStates((), np.zeros((0, 2, DIM), np.float32)), (8, 12), probe()).shape == (0,)


def test_the_evidence_moves_only_the_marking_of_target_words_within_bounds() -> None:
    src = states([[0.0, 0, 0, 0]] * 3)
    tgt = states([[0.0, 0, 0, 0], [0.5, 0, 0, 0], [3.0, 0, 0, 0]])
    tags = PairTags(src.spans, np.full(3, 0.3), tgt.spans, np.array([0.05, 0.5, 0.9]), 0.4)
    got = with_fit(tags, tgt, (8, 12), probe(weight=0.5, centre=0.5))
    # what the drift score reads is untouched: both sides' P(BAD) and the sentence score
    np.testing.assert_array_equal(got.source_bad, tags.source_bad)
    np.testing.assert_array_equal(got.target_bad, tags.target_bad)
    assert got.sentence == tags.sentence and got.target_spans == tags.target_spans
    assert got.target_mark is not None
    assert got.target_mark[0] == 0.0  # pushed under 0: clipped
    assert got.target_mark[1] == pytest.approx(0.5)  # P(misfit) 0.5 at the centre: unchanged
    assert got.target_mark[2] == 1.0  # pushed over 1: clipped
    off = with_fit(tags, tgt, (8, 12), probe(weight=0.0))
    assert off.target_mark is not None
    np.testing.assert_array_equal(off.target_mark, tags.target_bad)
