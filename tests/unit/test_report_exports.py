"""findings.csv / findings.xlsx: one row per finding, same order as the report panel."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from qa_pipeline.report import write_exports
from qa_pipeline.report.exports import COLUMNS, finding_records

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "report" / "fixture_report.json"


def load_fixture() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return data


@pytest.fixture()
def exported(tmp_path: Path) -> Path:
    report = load_fixture()
    # A sentence that a spreadsheet would run as a formula if written naively.
    report["source"]["sentences"][1]["text"] = "=HYPERLINK(\"http://x\") 24 valandas"
    write_exports(report, tmp_path / "out")
    return tmp_path / "out"


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads UTF-8
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_csv_has_one_row_per_finding_in_report_order(exported: Path) -> None:
    rows = read_csv(exported / "findings.csv")
    assert list(rows[0]) == list(COLUMNS)
    assert len(rows) == 11
    assert [r["severity"] for r in rows] == ["critical"] * 3 + ["major"] * 3 + ["minor"] * 5
    assert rows[0]["finding_id"] == "77ab88cd99ef" and rows[0]["target_text"] == ""


def test_csv_carries_texts_spans_and_review(exported: Path) -> None:
    by_id = {r["finding_id"]: r for r in read_csv(exported / "findings.csv")}
    num = by_id["a1b2c3d4e5f6"]
    assert num["kind"] == "number" and num["issue"] == "Number mismatch"
    assert num["target_text"] == "Seadet võib kasutada 12 tundi ilma pausita."
    assert num["target_spans"] == "12" and num["target_offsets"] == "1:21-23"
    assert num["review"] == "" and by_id["0f1e2d3c4b5a"]["review"] == ""
    assert float(num["score"]) == 0.9 and num["row"] == "1"
    # Formula-looking text is neutralised in CSV (OWASP CSV injection).
    assert num["source_text"].startswith("'=HYPERLINK")
    xss = by_id["defdefdefdef"]
    assert xss["source_spans"] == "<script>alert(1)</script>"  # plain data, not HTML


def test_xlsx_matches_csv_and_stores_text_as_text(exported: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(exported / "findings.xlsx")
    ws = wb["Findings"]
    values = list(ws.iter_rows(values_only=True))
    assert list(values[0]) == list(COLUMNS)
    csv_rows = read_csv(exported / "findings.csv")
    assert [v[0] for v in values[1:]] == [r["finding_id"] for r in csv_rows]
    col = COLUMNS.index("source_text")
    cell = next(ws.iter_rows(min_row=2))[0]
    assert cell.value == "77ab88cd99ef"
    formula_row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "a1b2c3d4e5f6")
    assert formula_row[col].data_type == "s"
    assert formula_row[col].value.startswith("=HYPERLINK")  # exact text, typed as a string
    sig = dict(wb["Signature"].iter_rows(min_row=2, values_only=True))
    assert sig["model"] == "test/multilingual-encoder" and sig["threshold.drift"] == 0.45


def test_a_signature_table_is_one_row_per_entry(tmp_path: Path) -> None:
    """The encodings are rows of their own, not a Python dict's printout."""
    from openpyxl import load_workbook

    report = load_fixture()
    report["signature"]["encoding"] = {"source": "utf-8", "target": "cp1257"}
    write_exports(report, tmp_path)
    wb = load_workbook(tmp_path / "findings.xlsx")
    sig = dict(wb["Signature"].iter_rows(min_row=2, values_only=True))
    assert sig["encoding.source"] == "utf-8" and sig["encoding.target"] == "cp1257"
    assert "encoding" not in sig


def test_no_findings_gives_header_only(tmp_path: Path) -> None:
    report = load_fixture()
    report["findings"] = []
    write_exports(report, tmp_path)
    assert read_csv(tmp_path / "findings.csv") == []
    assert finding_records(report) == []


def test_exports_and_page_give_each_side_its_line(tmp_path: Path) -> None:
    from qa_pipeline.report.view import build_view

    report = load_fixture()
    for side, offset in (("source", 1), ("target", 40)):
        for s in report[side]["sentences"]:
            s["line"] = 2 * s["id"] + offset
    recs = {r["finding_id"]: r for r in finding_records(report)}
    length = recs["0123456789ab"]  # source sentences 9-10: the first one's line
    assert (length["source_line"], length["target_line"]) == (19, 58)
    omission = recs["77ab88cd99ef"]  # no target side: no target line
    assert (omission["source_line"], omission["target_line"]) == (11, "")
    view = build_view(report)
    loc = {f.id: f.location for f in view.findings}
    assert loc["0123456789ab"] == "src s9\u201310 (line 19) / tgt s9 (line 58)"
    assert loc["77ab88cd99ef"] == "src s5 (line 11)"
    row = next(r for r in view.rows if [s.id for s in r.target.sentences] == [9])
    assert [s.line for s in row.target.sentences] == [58]
    from qa_pipeline.report.render import render_html

    page = render_html(report)
    assert 'title="s9, line 58"' in page and 'title="src s5 (line 11)">row 5<' in page
    assert '<span class="lines">lt line 19 \u00b7 et line 58</span>' in page
    assert "line 11 \u00b7" not in page  # the omission names its one side only
    # A report without lines (XLIFF, TMX, older reports) leaves the columns empty.
    plain = {r["finding_id"]: r for r in finding_records(load_fixture())}
    assert plain["0123456789ab"]["source_line"] == ""
