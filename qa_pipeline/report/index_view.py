"""The batch index's view models: one summary row per document pair."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qa_pipeline.types import KIND_LABELS, SEVERITY_LABELS, SEVERITY_ORDER

from .charts import lane
from .view import _excerpt, check_report, finding_sort_key, rows_of_findings


@dataclass(frozen=True)
class ReportSummary:
    """What the batch index shows for one document pair."""

    source_path: str
    target_path: str
    source_lang: str
    target_lang: str
    n_source: int
    n_target: int
    n_rows: int
    critical: int
    major: int
    minor: int
    max_drift: float | None  # None: the report keeps no per-row drift (n-way, no finding)
    worst_severity: str  # "" when there are no findings
    worst_kind: str
    worst_message: str
    worst_score: float

    @property
    def total(self) -> int:
        return self.critical + self.major + self.minor


def summarize(report: Mapping[str, Any]) -> ReportSummary:
    check_report(report)
    src, tgt = report["source"], report["target"]
    findings = list(report["findings"])
    rows = rows_of_findings(findings, report["alignment"])
    worst = min(zip(findings, rows, strict=True), key=lambda fr: finding_sort_key(*fr),
                default=None)
    counts = {s: sum(f["severity"] == s for f in findings) for s in SEVERITY_ORDER}
    # Drift of aligned pairs: a 1-0 / 0-1 bead's 1.0 is a gap, counted as omission/addition.
    drifts = [float(b.get("drift") or 0.0) for b in report["alignment"]
              if b.get("source") and b.get("target")]
    return ReportSummary(
        source_path=str(src["path"]), target_path=str(tgt["path"]),
        source_lang=str(src["lang"]), target_lang=str(tgt["lang"]),
        n_source=len(src["sentences"]), n_target=len(tgt["sentences"]),
        n_rows=len(report["alignment"]),
        critical=counts["critical"], major=counts["major"], minor=counts["minor"],
        max_drift=max(drifts, default=0.0),
        worst_severity=worst[0]["severity"] if worst else "",
        worst_kind=str(worst[0]["kind"]) if worst else "",
        worst_message=str(worst[0].get("message", "")) if worst else "",
        worst_score=float(worst[0]["score"]) if worst else 0.0,
    )


@dataclass(frozen=True)
class IndexRowView:
    name: str
    href: str
    langs: str
    sentences: str
    rows: int
    critical: int
    major: int
    minor: int
    total: int
    max_drift: str
    worst_severity: str
    worst_severity_label: str
    worst_rank: int  # sort key for the worst column: lower is worse
    worst_kind_label: str
    worst_message: str
    error: str
    warning: str = ""
    max_drift_v: float = -1.0  # the sort value of `max_drift`


def index_row(name: str, href: str, summary: ReportSummary | None, error: str = "",
              warning: str = "") -> IndexRowView:
    if summary is None:
        return IndexRowView(name, href, "", "", 0, 0, 0, 0, 0, "", "", "", -1 if error else 9,
                            "", "", error, warning)
    return IndexRowView(
        name=name, href=href, langs=f"{summary.source_lang} \u2192 {summary.target_lang}",
        sentences=f"{summary.n_source} / {summary.n_target}", rows=summary.n_rows,
        critical=summary.critical, major=summary.major, minor=summary.minor,
        total=summary.total,
        max_drift="\u2013" if summary.max_drift is None else f"{summary.max_drift:.2f}",
        max_drift_v=-1.0 if summary.max_drift is None else summary.max_drift,
        worst_severity=summary.worst_severity,
        worst_severity_label=SEVERITY_LABELS.get(summary.worst_severity, ""),
        worst_rank=lane(summary.worst_severity),
        worst_kind_label=KIND_LABELS.get(summary.worst_kind, summary.worst_kind),
        worst_message=_excerpt(summary.worst_message, 120), error=error,
    )
