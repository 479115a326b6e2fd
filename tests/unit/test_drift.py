"""Drift scoring with the deterministic HashEncoder (generic calibration)."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa_pipeline import config as C
from qa_pipeline.detect.calibration import (
    CALIBRATION_FORMAT,
    DOMAIN_FEATURES,
    Calibration,
    load_calibration,
)
from qa_pipeline.detect.context import build_context
from qa_pipeline.detect.drift import DOMAIN_COLUMNS, FEATURES_ALL, DriftResult, entity_gain
from qa_pipeline.detect.drift import score_drift as score_context
from qa_pipeline.detect.findings import severity_for
from qa_pipeline.embed import HashEncoder
from qa_pipeline.errors import ModelError
from qa_pipeline.segment import build_document
from qa_pipeline.text import cut_spans
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


def score_drift(src: Document, tgt: Document, beads: list[Bead],
                enc: HashEncoder) -> DriftResult:
    return score_context(build_context(src, tgt, beads, {}, enc), enc)


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


def test_entity_gain_rises_only_for_names_without_counterpart() -> None:
    """Cutting a name the other side lacks (a swap) raises the cosine; cutting nothing, or a
    name whose cut leaves the pair no closer, gives 0 (never negative)."""
    src = ["Jonas Petraitis visited Vilnius with the delegation yesterday.",
           "The museum will stay closed during the renovation works."]
    tgt = ["Jonas Petraitis visited Tallinn with the delegation yesterday.",
           "The museum will stay closed during the renovation works."]
    enc = HashEncoder()
    sv, tv = enc.encode(src), enc.encode(tgt)
    s0, t0 = src[0].index("Vilnius"), tgt[0].index("Tallinn")
    names = [(((s0, s0 + 7),), ((t0, t0 + 7),)), ((), ())]
    gain = entity_gain(src, tgt, sv, tv, names, enc)
    assert gain[0] > 0.05 and gain[1] == 0.0
    # A name present on both sides: cutting it from one side only cannot help.
    j = tgt[0].index("Jonas")
    assert entity_gain(src, tgt, sv, tv, [((), ((j, j + 5),)), ((), ())], enc)[0] == 0.0


def test_entity_gain_in_chunks_equals_one_call_and_bounds_each_call(
        monkeypatch: pytest.MonkeyPatch) -> None:
    base = [("Jonas Petraitis visited Vilnius yesterday.",
             "Jonas Petraitis visited Tallinn yesterday."),
            ("The museum stays closed.", "The museum stays closed."),
            ("Marija met Andrius in Kaunas.", "Marija met Mart in Tartu.")]
    src, tgt = [s for s, _ in base * 4], [t for _, t in base * 4]

    def spans(text: str, *words: str) -> tuple[tuple[int, int], ...]:
        return tuple((text.index(w), text.index(w) + len(w)) for w in words)

    names = [(spans(s, "Vilnius"), spans(t, "Tallinn")) if "Vilnius" in s else
             (spans(s, "Andrius", "Kaunas"), spans(t, "Mart", "Tartu")) if "Kaunas" in s else
             ((), ()) for s, t in zip(src, tgt, strict=True)]
    inner = HashEncoder()
    sv, tv = inner.encode(src), inner.encode(tgt)
    calls: list[int] = []

    class Counting(HashEncoder):
        def encode(self, texts, progress=None):  # type: ignore[no-untyped-def]
            calls.append(len(texts))
            return super().encode(texts, progress)

    whole = entity_gain(src, tgt, sv, tv, names, Counting())
    assert calls == [16] and (whole > 0).sum() == 8
    calls.clear()
    monkeypatch.setattr(C, "EMBED_CHUNK_TEXTS", 2)
    chunked = entity_gain(src, tgt, sv, tv, names, Counting())
    assert np.array_equal(chunked, whole)
    assert calls == [2] * 8  # a call closes at the first bead boundary at or past the bound


def test_cut_spans_merges_overlaps_and_keeps_spacing() -> None:
    text = "Jonas ir Petras, Vilniuje, kalbėjo."
    a = text.index("Petras")
    assert cut_spans(text, [(a, a + 6), (a + 2, a + 6)]) == "Jonas ir, Vilniuje, kalbėjo."
    assert cut_spans(text, []) == text


def test_calibration_domain_and_qe_blocks() -> None:
    base = {"format": CALIBRATION_FORMAT, "model_id": "t/1", "features": ["cos"],
            "mean": [0.0], "scale": [1.0], "coef": [-1.0], "intercept": 0.0,
            "thresholds": {"drift_minor": 0.5}}
    cal = Calibration.from_dict({
        **base, "domain_model": {"inputs": list(DOMAIN_FEATURES), "coef": [0.0, 10.0],
                                 "intercept": 0.0},
        "qe": {"inputs": ["prod", "src"], "coef": [1.0, 1.0, 0.0, 0.0], "intercept": 0.5}})
    x = np.zeros((2, len(FEATURES_ALL)))
    x[1, FEATURES_ALL.index("ent_gain")] = 0.2
    assert cal.domain_logit(x[:, DOMAIN_COLUMNS]).tolist() == [0.0, 2.0]
    u = np.array([[1.0, 0.0], [0.0, 1.0]])
    v = np.array([[1.0, 0.0], [1.0, 0.0]])
    # prod block [u*v] then src block [u]: weights 1, 1 on the prod block only.
    assert cal.quality(u, v).tolist() == [1.5, 0.5]
    with pytest.raises(ModelError, match="domain stage"):
        Calibration.from_dict({**base, "domain_model": {"inputs": ["cos"], "coef": [1.0],
                                                        "intercept": 0.0}})


def test_language_pair_calibration_is_preferred() -> None:
    generic_pair = load_calibration("multilingual-e5-small", "lt", "et")
    assert generic_pair.model_id == "drift-multilingual-e5-small/2"
    pair_files = [n for n in shipped()
                  if "." in n.removeprefix("drift_").removesuffix(".json")]
    assert pair_files, "no language-pair calibration ships (drift_<model>.<src>-<tgt>.json)"
    for name in pair_files:
        model, pair = name.removeprefix("drift_").removesuffix(".json").rsplit(".", 1)
        src, tgt = pair.split("-")
        assert f".{pair}/" in load_calibration(model, src.upper() + "-XX", tgt).model_id
        assert load_calibration(model, tgt, src).model_id.startswith(f"drift-{model}/")


@pytest.mark.parametrize("name", shipped())
def test_shipped_calibration_round_trips(name: str) -> None:
    """The format has one owner: every shipped file is exactly what to_dict writes."""
    d = json.loads((resources.files("qa_pipeline") / "data" / name).read_text())
    assert Calibration.from_dict(d).to_dict() == d


def test_calibration_format_is_checked() -> None:
    d = json.loads((resources.files("qa_pipeline") / "data" / shipped()[0]).read_text())
    with pytest.raises(ModelError, match="format"):
        Calibration.from_dict({**d, "format": "qa_pipeline.drift_calibration/0"})
    with pytest.raises(ModelError, match="format"):
        Calibration.from_dict({k: v for k, v in d.items() if k != "format"})


def test_occlusion_goes_to_beads_that_stand_out() -> None:
    """The budget is spent only on beads whose stage-1 drift stands out in the document (robust
    z ≥ occlusion_min_z) or nears the absolute minor threshold; a document too short for a
    relative score, or `occlusion_min_z` None, lets every bead compete."""
    from dataclasses import replace

    from qa_pipeline.detect.drift import stands_out
    from qa_pipeline.detect.params import DriftParams

    params = DriftParams()
    th = {"drift_minor": 0.9}
    drift = np.array([0.30, 0.31, 0.32, 0.30, 0.31, 0.45, 0.33, 0.86])
    # 0.45 stands out (z ≈ 2.8 with the 0.05 floor); 0.86 nears the threshold (logit within
    # 1 of 0.9's); 0.33 does neither (z ≈ 0.4)
    assert stands_out(drift, params, th).tolist() == [False] * 5 + [True, False, True]
    assert stands_out(drift, replace(params, occlusion_min_z=None), th).all()
    assert stands_out(drift[:5], params, th).all()  # under relative_min_beads
