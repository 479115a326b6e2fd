"""Findings from gaps, span mapping, ids and ordering."""

import pytest

from qa_pipeline.detect.context import side_text
from qa_pipeline.detect.findings import finalise, finding_id, gap_finding, gap_severity
from qa_pipeline.segment import build_document
from qa_pipeline.types import Bead, Finding

SRC = build_document("s", "lt", [["Antraštė"], ["Pirmas sakinys čia.", "Antras sakinys."]])
TGT = build_document("t", "et", [["Esimene lause siin.", "Teine lause."]])


def test_side_text_offsets() -> None:
    side = side_text(SRC, (1, 2))
    assert side.text == "Pirmas sakinys čia. Antras sakinys."
    assert side.starts == ((1, 0), (2, 20))


def test_spans_map_back_to_sentences_and_split_at_boundaries() -> None:
    side = side_text(SRC, (1, 2))
    start = side.text.index("čia")
    end = side.text.index("sakinys.") + len("sakinys")
    spans = side.sentence_spans(SRC, [(start, end)])
    assert spans == ((1, 15, 19), (2, 0, 14))
    assert SRC.sentences[1].text[15:19] == "čia."
    assert SRC.sentences[2].text[0:14] == "Antras sakinys"


@pytest.mark.parametrize(
    ("words", "sev"), [(1, "minor"), (7, "minor"), (8, "major"), (39, "major"), (40, "critical")]
)
def test_gap_severity_table(words: int, sev: str) -> None:
    assert gap_severity(words) == sev


def test_omission_and_addition_findings() -> None:
    om = gap_finding(SRC, TGT, Bead((0,), ()))
    assert om.kind == "omission" and om.severity == "minor"
    assert om.source_spans == ((0, 0, len("Antraštė")),) and om.target_spans == ()
    assert "1 sentence (1 word) of the lt text has no counterpart in the et text" in om.message
    add = gap_finding(SRC, TGT, Bead((), (0, 1)))
    assert add.kind == "addition" and add.target_spans[1][0] == 1
    assert "2 sentences" in add.message


def test_finding_id_is_stable_and_distinguishes() -> None:
    a = finding_id("drift", ["x"], ["y"])
    assert a == finding_id("drift", ["x"], ["y"]) and len(a) == 12
    assert (
        len(
            {
                a,
                finding_id("number", ["x"], ["y"]),
                finding_id("drift", ["x", ""], ["y"]),
                finding_id("drift", ["x"], ["y", ""]),
            }
        )
        == 4
    )


def test_sort_by_severity_then_score_then_row() -> None:
    fs = [
        Finding("drift", "minor", 0.9, (1,), (0,), row=1),
        Finding("drift", "major", 0.5, (2,), (1,), row=2),
        Finding("omission", "major", 0.7, (0,), (), row=0),
        Finding("number", "major", 0.5, (1,), (0,), row=1),
    ]
    out = finalise(fs, SRC, TGT)
    assert [(f.severity, f.score, f.row) for f in out] == [
        ("major", 0.7, 0), ("major", 0.5, 1), ("major", 0.5, 2), ("minor", 0.9, 1)]


def test_ids_are_assigned_and_repeats_get_a_suffix() -> None:
    twice = [Finding("number", "major", 0.5, (1,), (0,), row=1),
             Finding("number", "minor", 0.2, (1,), (0,), row=1)]
    out = finalise(twice, SRC, TGT)
    base = finding_id("number", [SRC.sentences[1].text], [TGT.sentences[0].text])
    assert [f.id for f in out] == [base, f"{base}-1"]


def test_a_documents_own_outlier_needs_four_words_a_side() -> None:
    """The drift of a three-word sentence is mostly noise: its document-relative score alone
    makes no finding (an absolute threshold still does)."""
    from qa_pipeline.detect.findings import RELATIVE_MIN_WORDS, severity_for

    th = {"drift_critical": 0.99, "drift_major": 0.98, "drift_minor": 0.85,
          "drift_minor_relative": 2.5}
    assert severity_for(0.6, th, 3.0, RELATIVE_MIN_WORDS) == "minor"
    assert severity_for(0.6, th, 3.0, RELATIVE_MIN_WORDS - 1) is None
    assert severity_for(0.9, th, 3.0, 1) == "minor"  # over the absolute threshold
    assert severity_for(0.6, th, 3.0) == "minor"  # words not known: as before
