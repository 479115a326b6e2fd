"""View models for the n-way HTML report: one column per text, drift marked per cell.

Built from the ``qa_pipeline.nway/1`` dict; every decision (which cell is marked, labels,
excerpts) is made here so the template only loops and prints.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..types import KIND_LABELS, SEVERITY_LABELS, SEVERITY_ORDER, SEVERITY_RANK
from .index_view import ReportSummary
from .view import (
    SEVERITY_GLYPHS,
    Count,
    SentenceView,
    Threshold,
    decoding_line,
    first_line,
    lines_label,
    segments_for,
    shown,
    thresholds_of,
)

NO_MAJORITY = "none"  # the filter value of findings that name no translation


@dataclass(frozen=True)
class CellView:
    lang: str
    sentences: tuple[SentenceView, ...]
    severity: str  # worst severity of the findings that blame this cell ("" for none)
    is_source: bool


@dataclass(frozen=True)
class NwayRowView:
    index: int
    anchor: str
    cells: tuple[CellView, ...]  # the source first (when there is one), then each translation
    severity: str  # worst finding on the row ("" for none)
    drifted: str  # space-separated languages blamed on this row ("none" for no majority)


@dataclass(frozen=True)
class NwayFindingView:
    id: str
    row: int
    anchor: str
    severity: str
    severity_label: str
    glyph: str
    kind_label: str
    drifted: str  # a language, or NO_MAJORITY
    drifted_label: str
    score_label: str
    message: str
    baselined: bool = False  # in the accepted-findings baseline: shown, never fails CI
    finding_id: str = ""  # the report's id, what review marks name
    lines: str = ""  # where each text's sentences start in its file ("en line 3 · lt line 3")


@dataclass(frozen=True)
class LangView:
    lang: str
    path: str
    n_sentences: int
    role: str  # "source" or "translation"
    blamed: int  # findings naming this translation


@dataclass(frozen=True)
class NwayView:
    title: str
    version: str
    model: str
    aligner: str
    drift_model: str
    texts: tuple[LangView, ...]
    translations: tuple[str, ...]
    severity_counts: tuple[Count, ...]
    no_majority: int
    rows: tuple[NwayRowView, ...]
    findings: tuple[NwayFindingView, ...]
    # What review marks say they were made on, as `baseline import` matches it against the
    # batch summary: the source's path and the first translation's.
    review_source: str = ""
    review_target: str = ""
    segmenter: str = ""
    thresholds: tuple[Threshold, ...] = ()
    decoding: str = ""


def _worst(sevs: Sequence[str]) -> str:
    return max(sevs, key=lambda s: SEVERITY_RANK.get(s, 0), default="")


def build_nway_view(report: Mapping[str, Any]) -> NwayView:
    sig = report["signature"]
    src = report["source"]
    trs = list(report["translations"])
    texts = ([src] if src else []) + trs
    by_lang = {t["lang"]: t for t in texts}
    src_lang = src["lang"] if src else None
    findings = list(report["findings"])
    # marks[(lang, sentence id)] -> (start, end, severity, finding id)
    marks: dict[tuple[str, int], list[tuple[int, int, str, str]]] = {}
    blamed: dict[tuple[int, str], list[str]] = {}
    views = []
    for n, f in enumerate(findings):
        fid = f"n{n}"
        for lang, spans in f["spans"].items():
            for sid, a, b in spans:
                marks.setdefault((lang, int(sid)), []).append((int(a), int(b), f["severity"], fid))
        who = f["drifted"] or NO_MAJORITY
        if f["sentences"]:  # a finding about a whole text (no sentences) paints no row
            blamed.setdefault((int(f["row"]), who), []).append(f["severity"])
        views.append(NwayFindingView(
            id=fid, row=int(f["row"]), anchor=f"row-{f['row']}", severity=f["severity"],
            severity_label=SEVERITY_LABELS[f["severity"]], glyph=SEVERITY_GLYPHS[f["severity"]],
            kind_label=KIND_LABELS.get(f["kind"], f["kind"]),
            drifted=who, drifted_label=f["drifted"] or "no majority",
            score_label=f"{float(f['score']):.2f}", message=str(f["message"]),
            baselined=bool(f.get("baselined", False)), finding_id=str(f.get("id", "")),
            lines=lines_label([(t["lang"], t["sentences"], f["sentences"].get(t["lang"], []))
                               for t in texts])))
    rows = []
    for r, row in enumerate(report["rows"]):
        cells = []
        ids_by_lang = ({src_lang: row["source"]} if src_lang else {}) | dict(row["cells"])
        for t in texts:
            lang = t["lang"]
            sents = tuple(
                SentenceView(int(i), segments_for(*shown(by_lang[lang]["sentences"][i],
                                                         marks.get((lang, int(i)), []))),
                             first_line(by_lang[lang]["sentences"], [int(i)]))
                for i in ids_by_lang.get(lang, []))
            cells.append(CellView(lang, sents, _worst(blamed.get((r, lang), [])),
                                  lang == src_lang))
        here = [w for (rr, w) in blamed if rr == r]
        rows.append(NwayRowView(r, f"row-{r}", tuple(cells),
                                _worst([s for (rr, _), ss in blamed.items() if rr == r
                                        for s in ss]),
                                " ".join(sorted(set(here)))))
    count = {s: sum(f["severity"] == s for f in findings) for s in SEVERITY_ORDER}
    return NwayView(
        title=" / ".join(t["lang"] for t in texts), version=str(sig["version"]),
        model=f"{sig['model']}@{sig['model_revision']}", aligner=str(sig.get("aligner", "")),
        drift_model=str(sig.get("drift_model", "")),
        segmenter=str(sig.get("segmenter", "")), thresholds=thresholds_of(sig),
        decoding=decoding_line(sig),
        texts=tuple(LangView(t["lang"], t["path"], len(t["sentences"]),
                             "source" if t["lang"] == src_lang else "translation",
                             sum(f["drifted"] == t["lang"] for f in findings)) for t in texts),
        translations=tuple(t["lang"] for t in trs),
        severity_counts=tuple(Count(s, SEVERITY_LABELS[s], count[s], SEVERITY_GLYPHS[s])
                              for s in SEVERITY_ORDER),
        no_majority=sum(f["drifted"] is None for f in findings),
        rows=tuple(rows), findings=tuple(views),
        review_source=str(src["path"]) if src else "", review_target=str(trs[0]["path"]))


def summarize_nway(report: Mapping[str, Any]) -> ReportSummary:
    """What the batch index shows for one n-way document: the source against every
    translation ("en → lt+et+lv"), sentence counts, counts by severity and the worst
    finding (new or baselined, as for pairs)."""
    src = report["source"]
    trs = list(report["translations"])
    findings = list(report["findings"])
    worst = min(findings, key=lambda f: (-SEVERITY_RANK[f["severity"]], -float(f["score"]),
                                         int(f["row"])), default=None)
    counts = {s: sum(f["severity"] == s for f in findings) for s in SEVERITY_ORDER}
    drifts = [float(f["score"]) for f in findings if f["kind"] == "drift"]
    first = src or trs[0]
    return ReportSummary(
        source_path=str(first["path"]), target_path=", ".join(str(t["path"]) for t in trs),
        source_lang=str(first["lang"]) if src else "",
        target_lang="+".join(str(t["lang"]) for t in trs),
        n_source=len(first["sentences"]),
        n_target=sum(len(t["sentences"]) for t in trs), n_rows=len(report["rows"]),
        critical=counts["critical"], major=counts["major"], minor=counts["minor"],
        # n-way reports keep drift only on drift findings: without one it is not known
        max_drift=max(drifts, default=None),
        worst_severity=worst["severity"] if worst else "",
        worst_kind=str(worst["kind"]) if worst else "",
        worst_message=str(worst["message"]) if worst else "",
        worst_score=float(worst["score"]) if worst else 0.0,
    )
