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


def test_no_findings_gives_header_only(tmp_path: Path) -> None:
    report = load_fixture()
    report["findings"] = []
    write_exports(report, tmp_path)
    assert read_csv(tmp_path / "findings.csv") == []
    assert finding_records(report) == []
