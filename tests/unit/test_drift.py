"""Drift scoring with the deterministic HashEncoder (generic calibration)."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa_pipeline.detect.drift import score_drift, severity_for
from qa_pipeline.embed import HashEncoder
from qa_pipeline.segment import build_document
from qa_pipeline.types import Bead, Document

SENTENCES = [
    "The committee approved the new budget on Tuesday morning.",
    "Heavy rain flooded several streets in the old town.",
    "Our team released a faster version of the parser.",
    "Children learn languages quickly when they play together.",
    "The museum will stay closed during the renovation works.",
    "Farmers expect a good harvest after the warm spring.",
    "The library lends books, films and board games.",
    "A new bridge connects the two halves of the city.",
]
UNRELATED = "Quantum tunnelling lets electrons cross forbidden energy barriers."


def docs(pairs: list[tuple[str, str]]) -> tuple[Document, Document, list[Bead]]:
    src = build_document("s", "en", [[s] for s, _ in pairs])
    tgt = build_document("t", "en", [[t] for _, t in pairs])
    return src, tgt, [Bead((i,), (i,)) for i in range(len(pairs))]


def test_identical_low_unrelated_high() -> None:
    pairs = [(s, s) for s in SENTENCES]
    pairs[3] = (SENTENCES[3], UNRELATED)
    src, tgt, beads = docs(pairs)
    res = score_drift(src, tgt, beads, HashEncoder())
    bad = res.drift[3]
    assert all(bad > d + 0.3 for i, d in enumerate(res.drift) if i != 3)
    assert severity_for(bad, res.thresholds) in ("major", "critical")
    assert all(severity_for(d, res.thresholds) is None for i, d in enumerate(res.drift) if i != 3)


def test_planted_extra_word_is_located() -> None:
    pairs = [(s, s) for s in SENTENCES]
    pairs[5] = (SENTENCES[5], "Farmers expect a good harvest after the unusually warm spring.")
    src, tgt, beads = docs(pairs)
    res = score_drift(src, tgt, beads, HashEncoder())
    assert max(range(len(pairs)), key=lambda i: res.drift[i]) == 5
    _, tgt_spans = res.spans[5]
    words = [tgt.sentences[s].text[a:b] for s, a, b in tgt_spans]
    assert words and all("unusually" in w for w in words)
    assert len(" ".join(words).split()) <= 2


def test_gap_beads_get_one() -> None:
    src, tgt, _ = docs([(s, s) for s in SENTENCES[:3]])
    beads = [Bead((0,), (0,)), Bead((1,), ()), Bead((), (1,)), Bead((2,), (2,))]
    res = score_drift(src, tgt, beads, HashEncoder())
    assert res.drift[1] == 1.0 and res.drift[2] == 1.0
    assert len(res.drift) == 4


def test_empty_document() -> None:
    src, tgt, _ = docs([])
    res = score_drift(src, tgt, [], HashEncoder())
    assert res.drift == () and res.spans == {}


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.text(min_size=0, max_size=60), st.text(min_size=0, max_size=60)),
                min_size=1, max_size=6))
def test_scores_in_unit_interval(pairs: list[tuple[str, str]]) -> None:
    src, tgt, beads = docs(pairs)
    res = score_drift(src, tgt, beads, HashEncoder())
    assert len(res.drift) == len(pairs)
    assert all(0.0 <= d <= 1.0 for d in res.drift)
    for i, (ss, ts) in res.spans.items():
        for sid, a, b in ss:
            assert sid == beads[i].source[0] and 0 <= a < b <= len(src.sentences[sid].text)
        for sid, a, b in ts:
            assert sid == beads[i].target[0] and 0 <= a < b <= len(tgt.sentences[sid].text)


def shipped() -> list[str]:
    data = resources.files("qa_pipeline") / "data"
    return sorted(f.name for f in data.iterdir() if f.name.startswith("drift_"))


@pytest.mark.parametrize("name", shipped())
def test_shipped_thresholds_ordered(name: str) -> None:
    d = json.loads((resources.files("qa_pipeline") / "data" / name).read_text())
    th = d["thresholds"]
    assert 0.0 < th["drift_minor"] < th["drift_major"] < th["drift_critical"] < 1.0
    assert len(d["features"]) == len(d["coef"]) == len(d["mean"]) == len(d["scale"])
    assert all(s > 0 for s in d["scale"])


@pytest.mark.parametrize(("drift", "expected"), [
    (0.0, None), (0.39, None), (0.4, "minor"), (0.69, "minor"), (0.7, "major"),
    (0.9, "critical"), (1.0, "critical"),
])
def test_severity_for(drift: float, expected: str | None) -> None:
    th = {"drift_minor": 0.4, "drift_major": 0.7, "drift_critical": 0.9}
    assert severity_for(drift, th) == expected
