"""findings.csv and findings.xlsx: one row per finding, for translators' issue trackers.

Columns follow what Xbench/Verifika exports carry (segment, source, target, issue type,
severity, comment) so the files import into the same trackers, plus the spans and score.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from qa_pipeline.report.output import ReportOutput, WriterSpec
from qa_pipeline.report.view import (
    SEVERITY_COLOURS,
    check_report,
    finding_sort_key,
    first_line,
    rows_of_findings,
    unit_names,
)
from qa_pipeline.types import KIND_LABELS

COLUMNS: tuple[str, ...] = (
    "finding_id", "severity", "kind", "issue", "score", "row", "unit",
    "source_file", "source_lang", "source_sentences", "source_line", "source_text",
    "source_spans",
    "target_file", "target_lang", "target_sentences", "target_line", "target_text",
    "target_spans",
    "source_offsets", "target_offsets", "message", "review",
)
# Spreadsheet apps run cells starting with these as formulas (CSV injection); see OWASP.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _ids(ids: Sequence[int]) -> str:
    return " ".join(str(i) for i in ids)


def _texts(sentences: Sequence[Mapping[str, Any]], ids: Sequence[int]) -> str:
    return " ".join(str(sentences[i]["text"]) for i in ids if 0 <= i < len(sentences))


def _spans(sentences: Sequence[Mapping[str, Any]], spans: Sequence[Sequence[int]]) -> str:
    parts = []
    for sid, a, b in spans:
        if 0 <= sid < len(sentences):
            parts.append(str(sentences[sid]["text"])[max(0, a):max(0, b)])
    return " | ".join(parts)


def _offsets(spans: Sequence[Sequence[int]]) -> str:
    return " ".join(f"{sid}:{a}-{b}" for sid, a, b in spans)


def finding_records(report: Mapping[str, Any], checked: bool = False) -> list[dict[str, Any]]:
    """One dict per finding, keys = COLUMNS, sorted like the report's findings panel
    (`checked`: the report was checked against its schema already)."""
    if not checked:
        check_report(report)
    src, tgt = report["source"], report["target"]
    findings = list(report["findings"])
    rows = rows_of_findings(findings, report["alignment"])
    order = sorted(range(len(findings)), key=lambda i: finding_sort_key(findings[i], rows[i]))
    out = []
    for i in order:
        f = findings[i]
        s_ids, t_ids = list(f.get("source", [])), list(f.get("target", []))
        s_spans, t_spans = list(f.get("source_spans", [])), list(f.get("target_spans", []))
        out.append({
            "finding_id": str(f["id"]), "severity": f["severity"], "kind": f["kind"],
            "issue": KIND_LABELS.get(f["kind"], f["kind"]), "score": round(float(f["score"]), 4),
            "row": rows[i] if rows[i] >= 0 else "",
            # Where a bilingual file holds it, as its CAT tool names it ("" for running text).
            "unit": unit_names(src["sentences"], s_ids) or unit_names(tgt["sentences"], t_ids),
            "source_file": str(src["path"]), "source_lang": str(src["lang"]),
            "source_sentences": _ids(s_ids),
            # Where the side's text starts in its file ("" where the format has no lines).
            "source_line": first_line(src["sentences"], s_ids) or "",
            "source_text": _texts(src["sentences"], s_ids),
            "source_spans": _spans(src["sentences"], s_spans),
            "target_file": str(tgt["path"]), "target_lang": str(tgt["lang"]),
            "target_sentences": _ids(t_ids),
            "target_line": first_line(tgt["sentences"], t_ids) or "",
            "target_text": _texts(tgt["sentences"], t_ids),
            "target_spans": _spans(tgt["sentences"], t_spans),
            "source_offsets": _offsets(s_spans), "target_offsets": _offsets(t_spans),
            "message": str(f.get("message", "")),
            # A reviewer's mark lives in the page (and the marks file it saves); the baseline's
            # acceptance (what CI skips) is shown here.
            "review": "baselined" if f.get("baselined") else "",
        })
    return out


# An n-way report's rows: the finding, then each text's columns, the source's first (where
# there is one) and each translation's in the report's order.
NWAY_COLUMNS: tuple[str, ...] = (
    "finding_id", "severity", "kind", "issue", "score", "row", "drifted", "message", "review")
NWAY_TEXT_COLUMNS: tuple[str, ...] = ("file", "sentences", "line", "text", "spans", "offsets")


def _nway_texts(report: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """(name, text) of an n-way report's texts: "source" first where there is one, then each
    translation under its language, in the report's order."""
    src = report.get("source")
    return ([("source", src)] if src else []) + [(str(t["lang"]), t)
                                                  for t in report["translations"]]


def nway_columns(report: Mapping[str, Any]) -> tuple[str, ...]:
    """The columns of an n-way report's rows: NWAY_COLUMNS, then `<name>_<what>` for each
    text (`_nway_texts`)."""
    return NWAY_COLUMNS + tuple(f"{name}_{what}" for name, _ in _nway_texts(report)
                                for what in NWAY_TEXT_COLUMNS)


def nway_records(report: Mapping[str, Any], checked: bool = False) -> list[dict[str, Any]]:
    """One dict per finding of an n-way report (`qa_pipeline.nway/1`), keys = `nway_columns`,
    in the library's finding order."""
    from qa_pipeline.io.nway_json import validate_nway

    if not checked:
        validate_nway(dict(report))
    sides = _nway_texts(report)
    findings = sorted(report["findings"], key=lambda f: finding_sort_key(f, int(f["row"])))
    out = []
    for f in findings:
        rec: dict[str, Any] = {
            "finding_id": str(f["id"]), "severity": f["severity"], "kind": f["kind"],
            "issue": KIND_LABELS.get(f["kind"], f["kind"]), "score": round(float(f["score"]), 4),
            "row": f["row"], "drifted": f.get("drifted") or "", "message": str(f["message"]),
            "review": "baselined" if f.get("baselined") else ""}
        for name, doc in sides:
            lang = str(doc["lang"])
            ids = list(f["sentences"].get(lang, []))
            spans = list(f.get("spans", {}).get(lang, []))
            rec.update({f"{name}_file": str(doc["path"]), f"{name}_sentences": _ids(ids),
                        f"{name}_line": first_line(doc["sentences"], ids) or "",
                        f"{name}_text": _texts(doc["sentences"], ids),
                        f"{name}_spans": _spans(doc["sentences"], spans),
                        f"{name}_offsets": _offsets(spans)})
        out.append(rec)
    return out


def _csv_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(records: Sequence[Mapping[str, Any]], path: Path,
              columns: Sequence[str] = COLUMNS) -> None:
    # utf-8-sig: Excel only detects UTF-8 in a CSV when it starts with a BOM.
    with Path(path).open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns))
        writer.writeheader()
        for rec in records:
            writer.writerow({k: _csv_safe(rec[k]) for k in columns})


# Characters an XLSX cell cannot hold (XML 1.0's excluded controls); the analysed text has
# none (io/normalise), a file path or a displayed text may.
_NOT_IN_XLSX = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xlsx_safe(value: Any) -> Any:
    return _NOT_IN_XLSX.sub("\ufffd", value) if isinstance(value, str) else value


def _report_files(report: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(role, path) of every text a report read: source and target, or an n-way report's
    source and translations."""
    if "translations" in report:
        return [(name, str(doc["path"])) for name, doc in _nway_texts(report)]
    return [("source", str(report["source"]["path"])), ("target", str(report["target"]["path"]))]


def write_xlsx(records: Sequence[Mapping[str, Any]], report: Mapping[str, Any],
               path: Path, columns: Sequence[str] = COLUMNS) -> None:
    from openpyxl import Workbook  # lazy: only exports need it
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Findings"
    ws.append(list(columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = {"source_text": 60, "target_text": 60, "message": 50, "source_spans": 30,
              "target_spans": 30, "source_file": 24, "target_file": 24, "issue": 18}
    sev_col = list(columns).index("severity") + 1
    for r, rec in enumerate(records, start=2):
        for c, key in enumerate(columns, start=1):
            value = _xlsx_safe(rec[key])
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                # Typed string cells: openpyxl would otherwise store "=..." as a formula.
                cell.data_type = "s"
            if key.endswith("_text") or key == "message":
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        colour = SEVERITY_COLOURS.get(str(rec["severity"]), "")
        if colour:
            sc = ws.cell(row=r, column=sev_col)
            sc.fill = PatternFill("solid", fgColor=colour.lstrip("#"))
            sc.font = Font(bold=True, color="FFFFFF" if rec["severity"] != "major" else "000000")
    from openpyxl.utils import get_column_letter

    for c, key in enumerate(columns, start=1):
        width = widths.get(key) or (60 if key.endswith("_text") else 30 if key.endswith(
            "_spans") else 24 if key.endswith("_file") else 12)
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions

    sig = report["signature"]
    info = wb.create_sheet("Signature")
    info.append(["key", "value"])
    for k, v in sig.items():  # the whole signature: every output carries it
        if isinstance(v, Mapping) and k != "thresholds":  # {"source": "utf-8", ...}
            for part, x in v.items():
                info.append([f"{k}.{part}", _xlsx_safe(str(x))])
        elif k != "thresholds":
            info.append([k, _xlsx_safe(str(v))])
    for k, v in sorted(dict(sig.get("thresholds", {})).items()):
        info.append([f"threshold.{k}", float(v)])
    for role, file in _report_files(report):
        info.append([role, _xlsx_safe(file)])
    for row in info.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 60
    wb.save(str(path))


CSV_WRITER = WriterSpec("csv", "findings.csv",
                        lambda out, path: write_csv(out.records, path, out.columns))
XLSX_WRITER = WriterSpec("xlsx", "findings.xlsx",
                         lambda out, path: write_xlsx(out.records, out.data, path, out.columns))


def write_exports(report: Mapping[str, Any], out_dir: Path) -> None:
    """Write findings.csv and findings.xlsx into `out_dir` (created if missing)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    output = ReportOutput(report)
    for spec in (CSV_WRITER, XLSX_WRITER):
        spec.write(output, out / spec.filename)
