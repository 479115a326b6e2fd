"""Occlusion span attribution with the deterministic HashEncoder."""

from __future__ import annotations

import numpy as np
import pytest

from qa_pipeline.detect.drift import partial_kind
from qa_pipeline.detect.spans import attribute, coarse_cost, delete_words, word_spans
from qa_pipeline.embed import HashEncoder


@pytest.mark.parametrize(("text", "lo", "hi", "expected"), [
    ("one two three four", 1, 3, "one four"),
    ("one, two three.", 0, 1, "two three."),
    ("a b c", 2, 3, "a b"),
    ("The cat, which was old, slept.", 2, 5, "The cat, slept."),
])
def test_delete_words(text: str, lo: int, hi: int, expected: str) -> None:
    out = delete_words(text, word_spans(text), lo, hi)
    assert out == expected


def run(src: str, tgt: str) -> tuple[object, object]:
    enc = HashEncoder()
    v = enc.encode([src, tgt])
    return attribute([(src, tgt)], v[:1], v[1:], enc)[0]


@pytest.mark.parametrize(("src", "tgt", "extra"), [
    ("the committee approved the new budget on tuesday",
     "the committee quietly approved the new budget on tuesday", "quietly"),
    ("heavy rain flooded several streets in the old town",
     "heavy rain flooded several streets in the old harbour town", "harbour"),
    ("a new bridge connects the two halves of the city today and tomorrow as planned",
     "a new bridge connects the two halves of the city today and tomorrow as planned by mayors",
     "mayors"),
])
def test_extra_word_located_on_target(src: str, tgt: str, extra: str) -> None:
    s_ev, t_ev = run(src, tgt)
    assert t_ev.span is not None  # type: ignore[attr-defined]
    a, b = t_ev.span  # type: ignore[attr-defined]
    assert extra in tgt[a:b] and len(tgt[a:b].split()) <= 2
    assert t_ev.gain > s_ev.gain  # type: ignore[attr-defined]


def test_missing_clause_is_partial_omission() -> None:
    src = ("the museum will stay closed during the renovation, which the city council "
           "funded with money from the regional development fund")
    tgt = "the museum will stay closed during the renovation"
    s_ev, t_ev = run(src, tgt)
    assert s_ev.clause is not None  # type: ignore[attr-defined]
    assert s_ev.clause_gain > 0.2 and s_ev.clause_fraction >= 0.25  # type: ignore[attr-defined]
    kind = partial_kind(s_ev, t_ev, {"partial_gain": 0.1})  # type: ignore[arg-type]
    assert kind == "partial_omission"


def test_no_words_no_evidence() -> None:
    s_ev, t_ev = run("...", "!!!")
    assert s_ev.span is None and t_ev.span is None  # type: ignore[attr-defined]
    assert coarse_cost("...") == 0


def test_identical_pair_has_no_positive_gain() -> None:
    text = "farmers expect a good harvest after the warm spring"
    s_ev, t_ev = run(text, text)
    assert s_ev.gain <= 1e-6 and t_ev.gain <= 1e-6  # type: ignore[attr-defined]
    assert np.isfinite(s_ev.clause_gain)  # type: ignore[attr-defined]
