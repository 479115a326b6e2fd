"""Findings from gaps, span mapping, ids and ordering."""

import pytest

from qa_pipeline.detect.findings import (
    finding_id,
    gap_finding,
    gap_severity,
    join_side,
    sort_findings,
    to_sentence_spans,
)
from qa_pipeline.segment import build_document
from qa_pipeline.types import Bead, Finding

SRC = build_document("s", "lt", [["Antraštė"], ["Pirmas sakinys čia.", "Antras sakinys."]])
TGT = build_document("t", "et", [["Esimene lause siin.", "Teine lause."]])


def test_join_side_offsets() -> None:
    text, starts = join_side(SRC, (1, 2))
    assert text == "Pirmas sakinys čia. Antras sakinys."
    assert starts == [(1, 0), (2, 20)]


def test_spans_map_back_to_sentences_and_split_at_boundaries() -> None:
    text, _ = join_side(SRC, (1, 2))
    start = text.index("čia")
    end = text.index("sakinys.") + len("sakinys")
    spans = to_sentence_spans(SRC, (1, 2), [(start, end)])
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
    assert "lt text have no counterpart in the et text" in om.message
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


def test_sort_by_severity_then_score() -> None:
    fs = [
        Finding("drift", "minor", 0.9, (1,), (0,)),
        Finding("drift", "major", 0.5, (2,), (1,)),
        Finding("omission", "major", 0.7, (0,), ()),
    ]
    out = sort_findings(fs, SRC, TGT)
    assert [(f.severity, f.score) for f in out] == [("major", 0.7), ("major", 0.5), ("minor", 0.9)]
