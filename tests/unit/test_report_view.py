"""View models of the HTML report: highlighting segments, ordering, rows, plots, input checks."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qa_pipeline.errors import InputError
from qa_pipeline.report.charts import HEAT_MAX_CELLS
from qa_pipeline.report.index_view import summarize
from qa_pipeline.report.view import Segment, build_view, segments_for, thresholds_of

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "report" / "fixture_report.json"


def load_fixture() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize(
    ("text", "marks", "expected"),
    [
        ("abc", [], [Segment("abc")]),
        ("", [], []),
        ("abcdef", [(1, 3, "minor", "f1")], [Segment("a"), Segment("bc", "minor", "f1"),
                                              Segment("def")]),
        # Overlap: the shared part carries both ids and the worse severity.
        ("abcdef", [(0, 4, "minor", "f1"), (2, 6, "critical", "f2")],
         [Segment("ab", "minor", "f1"), Segment("cd", "critical", "f1 f2"),
          Segment("ef", "critical", "f2")]),
        # Offsets past the end are clamped; empty and reversed spans are ignored.
        ("abc", [(1, 99, "major", "f1"), (2, 2, "minor", "f2"), (3, 1, "minor", "f3")],
         [Segment("a"), Segment("bc", "major", "f1")]),
        # Two adjacent spans of the same finding read as one highlight.
        ("abcd", [(0, 2, "major", "f1"), (2, 4, "major", "f1")], [Segment("abcd", "major", "f1")]),
        ("<b>x</b>", [(3, 4, "minor", "f1")],
         [Segment("<b>"), Segment("x", "minor", "f1"), Segment("</b>")]),
    ],
)
def test_segments_for(text: str, marks: list[tuple[int, int, str, str]],
                      expected: list[Segment]) -> None:
    assert list(segments_for(text, marks)) == expected


@given(st.text(max_size=40),
       st.lists(st.tuples(st.integers(-5, 50), st.integers(-5, 50),
                          st.sampled_from(["critical", "major", "minor"]),
                          st.sampled_from(["a", "b", "c"])), max_size=6))
def test_segments_cover_text_exactly(text: str, marks: list[tuple[int, int, str, str]]) -> None:
    segs = segments_for(text, marks)
    assert "".join(s.text for s in segs) == text
    assert all(s.text for s in segs)
    assert all((s.severity == "") == (s.findings == "") for s in segs)


def test_findings_sorted_by_severity_then_score() -> None:
    view = build_view(load_fixture())
    keys = [({"critical": 0, "major": 1, "minor": 2}[f.severity], -float(f.score_label))
            for f in view.findings]
    assert keys == sorted(keys)
    assert view.findings[0].id == "77ab88cd99ef"  # the critical omission, score 1.0
    assert [f.rank for f in view.findings] == list(range(len(view.findings)))


def test_rows_follow_alignment_and_mark_gaps() -> None:
    report = load_fixture()
    view = build_view(report)
    assert len(view.rows) == len(report["alignment"])
    omission, addition = view.rows[5], view.rows[6]
    assert omission.row_class == "omission" and omission.target.empty
    assert addition.row_class == "addition" and addition.source.empty
    assert omission.severity == "critical" and addition.severity == "major"
    assert view.rows[0].severity == "" and view.rows[0].finding_ids == ""
    assert view.rows[10].shape == "2:1"
    assert view.rows[5].similarity_label == "n/a"
    assert [r.paragraph_start for r in view.rows[:4]] == [True, True, False, True]


def test_each_finding_links_to_the_row_of_its_sentences() -> None:
    view = build_view(load_fixture())
    by_id = {f.id: f for f in view.findings}
    assert by_id["a1b2c3d4e5f6"].row == 1 and by_id["a1b2c3d4e5f6"].anchor == "r1"
    assert by_id["123456abcdef"].row == 6  # addition: target-only
    assert by_id["0123456789ab"].row == 10
    assert by_id["a1b2c3d4e5f6"].source_excerpt == "24"
    assert by_id["a1b2c3d4e5f6"].target_excerpt == "12"


def test_spans_are_highlighted_on_both_sides() -> None:
    view = build_view(load_fixture())
    row = view.rows[1]
    src_marked = [g.text for s in row.source.sentences for g in s.segments if g.severity]
    tgt_marked = [g.text for s in row.target.sentences for g in s.segments if g.severity]
    assert src_marked == ["24"] and tgt_marked == ["12"]


def test_counts_by_severity_and_kind() -> None:
    view = build_view(load_fixture())
    counts = {c.key: c.count for c in view.header.severity_counts}
    assert counts == {"critical": 3, "major": 3, "minor": 5}
    assert sum(c.count for c in view.header.kind_counts) == view.header.total_findings == 11
    assert [t.name for t in view.header.thresholds] == ["drift", "drift_critical", "omission"]


def test_heat_map_uses_full_matrix_or_falls_back_to_aligned_pairs() -> None:
    report = load_fixture()
    full = build_view(report).heat
    assert full.full and len(full.cells) == 16 and len(full.aligned) == 4
    assert (full.scale_lo, full.scale_hi) == ("0.10", "0.93")  # ramp spans the data's range
    assert full.cells[0].fill == "#fde725"  # the maximum is the top colour
    del report["paragraph_similarity"]
    partial = build_view(report).heat
    assert not partial.full and len(partial.cells) == 4
    assert "aligned pairs only" in partial.caption


def test_heat_map_is_pooled_for_long_documents() -> None:
    report = load_fixture()
    n = 3 * HEAT_MAX_CELLS
    report["paragraph_similarity"] = [[(i == j) * 0.9 for j in range(n)] for i in range(n)]
    for side in ("source", "target"):
        report[side]["paragraphs"] = [{"id": i, "sentences": []} for i in range(n)]
    heat = build_view(report).heat
    assert heat.pooled and len(heat.cells) <= HEAT_MAX_CELLS**2


def test_strip_chart_has_one_tick_lane_per_severity() -> None:
    strip = build_view(load_fixture()).strip
    lanes = {m.severity: m.y for m in strip.markers}
    assert lanes == {"critical": "0", "major": "8", "minor": "16"}
    assert strip.columns == 11
    assert len(strip.lines) == 2  # drift and drift_critical; "omission" is not a drift line


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r.update(schema="qa_pipeline.report/0"), "schema"),
        (lambda r: r.pop("findings"), "findings"),
        (lambda r: r["source"].pop("sentences"), "sentences"),
        (lambda r: r["findings"][0].update(severity="blocker"), "severity"),
    ],
)
def test_malformed_reports_fail_loudly(mutate: Any, message: str) -> None:
    report = copy.deepcopy(load_fixture())
    mutate(report)
    with pytest.raises(InputError, match=message):
        build_view(report)


def test_summary_for_the_batch_index() -> None:
    s = summarize(load_fixture())
    assert (s.critical, s.major, s.minor, s.total) == (3, 3, 5, 11)
    assert s.worst_severity == "critical" and s.worst_kind == "omission"
    # of aligned pairs only: the fixture's omission and addition (drift 1.0) are gaps
    full = [float(b["drift"]) for b in load_fixture()["alignment"] if b["source"] and b["target"]]
    assert s.max_drift == max(full) < 1.0 and s.n_rows == 11


def test_thresholds_are_shown_as_the_signature_has_them() -> None:
    # the HTML must not round what JSON and XLSX carry in full
    shown = {t.name: t.value for t in thresholds_of(
        {"thresholds": {"drift_minor_relative": 2.535072, "nway_margin": 4.808938,
                        "drift_minor": 1.0}})}
    assert shown == {"drift_minor_relative": "2.535072", "nway_margin": "4.808938",
                     "drift_minor": "1"}
