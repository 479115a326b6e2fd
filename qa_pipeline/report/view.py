"""View models for the HTML report: plain frozen dataclasses built from the report dict.

All decisions (sorting, highlighting, colours, plot geometry) are made here so that the
Jinja templates only loop and print. Document text is never turned into HTML in Python:
it is split into plain-text segments that the templates print with autoescaping on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from qa_pipeline.config import REPORT_SCHEMA
from qa_pipeline.detect.findings import sort_key
from qa_pipeline.errors import InputError
from qa_pipeline.types import (
    KIND_LABELS,
    KIND_ORDER,
    SEVERITY_LABELS,
    SEVERITY_ORDER,
    SEVERITY_RANK,
    display_range,
)

from .charts import (
    HeatMap,
    StripChart,
    heat_map,
    id_range,
    strip_chart,
)

# Shapes carry severity in plots without relying on colour (triangle, diamond, circle).
SEVERITY_GLYPHS: dict[str, str] = {"critical": "\u25b2", "major": "\u25c6", "minor": "\u25cf"}

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
SEVERITY_COLOURS: dict[str, str] = {"critical": "#D55E00", "major": "#E69F00", "minor": "#0072B2"}

EXCERPT_CHARS = 160


@dataclass(frozen=True)
class Segment:
    """A run of sentence text; `severity` is "" for plain text, else the worst severity of
    the findings whose spans cover it."""

    text: str
    severity: str = ""
    findings: str = ""  # space-separated finding ids, for the data attribute


@dataclass(frozen=True)
class SentenceView:
    id: int
    segments: tuple[Segment, ...]
    line: int = 0  # the line of its file where it starts; 0 where the report does not say


@dataclass(frozen=True)
class SideView:
    sentences: tuple[SentenceView, ...]
    label: str  # sentence ids as a short range, e.g. "s3" or "s3-4"; "" when empty

    @property
    def empty(self) -> bool:
        return not self.sentences


@dataclass(frozen=True)
class RowView:
    index: int
    anchor: str
    source: SideView
    target: SideView
    shape: str  # bead shape, e.g. "1:1", "1:0"
    row_class: str  # "omission", "addition" or ""
    similarity_label: str
    similarity_pct: int
    drift_label: str
    severity: str  # worst severity of the row's findings, "" if none
    severity_label: str
    finding_ids: str
    kinds: str  # space-separated kinds of the row's findings
    paragraph_start: bool
    paragraph_label: str


@dataclass(frozen=True)
class FindingView:
    id: str
    rank: int
    kind: str
    kind_label: str
    severity: str
    severity_label: str
    glyph: str
    score_label: str
    message: str
    row: int  # -1 when the finding does not touch any aligned row
    anchor: str
    source_excerpt: str
    target_excerpt: str
    location: str
    baselined: bool = False  # in the accepted-findings baseline: shown, never fails CI
    lines: str = ""  # where each side's text starts in its file ("lt line 12 · et line 9")


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    count: int
    glyph: str = ""


@dataclass(frozen=True)
class Threshold:
    name: str
    value: str


@dataclass(frozen=True)
class HeaderView:
    title: str
    source_path: str
    source_lang: str
    target_path: str
    target_lang: str
    version: str
    model: str
    model_revision: str
    segmenter: str
    drift_model: str
    aligner: str
    thresholds: tuple[Threshold, ...]
    severity_counts: tuple[Count, ...]
    kind_counts: tuple[Count, ...]
    total_findings: int
    n_rows: int
    n_source: int
    n_target: int
    decoding: str = ""  # `decoding_line`


def thresholds_of(sig: Mapping[str, Any]) -> tuple[Threshold, ...]:
    """A signature's thresholds, by name."""
    items = {str(k): float(v) for k, v in dict(sig.get("thresholds", {})).items()}
    return tuple(Threshold(k, f"{v:.10g}") for k, v in sorted(items.items()))


def decoding_line(sig: Mapping[str, Any]) -> str:
    """How the texts were read, from a signature: each file's encoding and the normaliser
    ("source utf-8, target cp1257; nfc+invisible+..."); "" for a report that does not say."""
    enc = sig.get("encoding") or {}
    parts = ", ".join(f"{k} {v}" for k, v in dict(enc).items() if v)
    return "; ".join(x for x in (parts, str(sig.get("normaliser", ""))) if x)


@dataclass(frozen=True)
class ReportView:
    header: HeaderView
    rows: tuple[RowView, ...]
    findings: tuple[FindingView, ...]
    strip: StripChart
    heat: HeatMap
    severity_colours: tuple[Count, ...]


# --------------------------------------------------------------------------- input checks


def _require(obj: Mapping[str, Any], key: str, where: str) -> Any:
    if not isinstance(obj, Mapping) or key not in obj:
        raise InputError(f"report: missing '{key}' in {where}; was it written by qa_pipeline?")
    return obj[key]


def check_report(report: Mapping[str, Any]) -> None:
    """Fail loudly on a dict that is not a `qa_pipeline.report/1` report (the shipped JSON
    Schema decides; the message names the first problem)."""
    if not isinstance(report, Mapping) or report.get("schema") != REPORT_SCHEMA:
        found = report.get("schema") if isinstance(report, Mapping) else type(report).__name__
        raise InputError(f"report: schema is {found!r}, this renderer reads {REPORT_SCHEMA!r}")
    from qa_pipeline.io.json_report import schema_problem

    problem = schema_problem(report)
    if problem:
        raise InputError(f"report: {problem}; was it written by qa_pipeline?")


# --------------------------------------------------------------------------- helpers


def unit_names(sentences: Sequence[Mapping[str, Any]], ids: Sequence[int]) -> str:
    """The bilingual-file units of these sentences ("line 12", "u3#2"), each once; "" for
    running text."""
    names = [str(sentences[i].get("unit", "")) for i in ids if 0 <= i < len(sentences)]
    return ", ".join(dict.fromkeys(n for n in names if n))


def lines_label(sides: Iterable[tuple[str, Sequence[Mapping[str, Any]], Sequence[int]]]
                ) -> str:
    """Where each side's text starts in its file, "lt line 12 · et line 9", from (language,
    its sentences, the finding's sentence ids) per side; sides without a line are left out."""
    return " \u00b7 ".join(f"{lang} line {n}" for lang, n in (
        (lang, first_line(sentences, ids)) for lang, sentences, ids in sides) if n)


def first_line(sentences: Sequence[Mapping[str, Any]], ids: Sequence[int]) -> int:
    """The line of its file where the first of these sentences starts; 0 where the report
    does not say (XLIFF, TMX, an older report)."""
    lines = [int(sentences[i].get("line", 0)) for i in ids if 0 <= i < len(sentences)]
    return min((n for n in lines if n), default=0)


def _fmt(x: float | None, digits: int = 2) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


def _worst(severities: Iterable[str]) -> str:
    return max(severities, key=lambda s: SEVERITY_RANK.get(s, 0), default="")


def finding_sort_key(f: Mapping[str, Any], row: int) -> tuple[int, float, int, str]:
    """The library's one finding order (detect.findings.sort_key) on a report dict."""
    return sort_key(f["severity"], f["score"], row, str(f["id"]))


def segments_for(text: str, marks: Sequence[tuple[int, int, str, str]]) -> tuple[Segment, ...]:
    """Split `text` at every span boundary; each piece knows which findings cover it.

    `marks` are (start, end, severity, finding_id); offsets are clamped to the text so a
    stale or off-by-one span can never raise or drop text.
    """
    n = len(text)
    clean = [(max(0, min(s, n)), max(0, min(e, n)), sev, fid) for s, e, sev, fid in marks]
    clean = [m for m in clean if m[0] < m[1]]
    if not clean:
        return (Segment(text),) if text else ()
    cuts = sorted({0, n, *(m[0] for m in clean), *(m[1] for m in clean)})
    out: list[Segment] = []
    for a, b in pairwise(cuts):
        if a >= b:
            continue
        cover = [m for m in clean if m[0] <= a and b <= m[1]]
        if cover:
            ids = " ".join(sorted({m[3] for m in cover}))
            out.append(Segment(text[a:b], _worst(m[2] for m in cover), ids))
        else:
            out.append(Segment(text[a:b]))
    # Adjacent pieces with the same coverage read as one highlight.
    merged: list[Segment] = []
    for seg in out:
        if merged and merged[-1].severity == seg.severity and merged[-1].findings == seg.findings:
            merged[-1] = Segment(merged[-1].text + seg.text, seg.severity, seg.findings)
        else:
            merged.append(seg)
    return tuple(merged)


Mark = tuple[int, int, str, str]  # (start, end, severity, finding id)


def shown(sentence: Mapping[str, Any], marks: Sequence[Mark] = ()) -> tuple[str, list[Mark]]:
    """A sentence as the reader gave it and its marks on that text: the `display` text
    (inline tags, Markdown markup, invisible characters kept) with each span moved through
    the sentence's offset map; the analysed `text` when there is no display text or the map
    does not fit it."""
    text = str(sentence.get("text", ""))
    display, offsets = sentence.get("display"), sentence.get("offsets")
    if not display or not offsets or len(offsets) != len(text) + 1:
        return text, list(marks)
    return str(display), [(*display_range(str(display), offsets, a, b), sev, fid)
                          for a, b, sev, fid in marks]


def _excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _span_excerpt(sentences: Sequence[Mapping[str, Any]], spans: Sequence[Sequence[int]],
                  ids: Sequence[int]) -> str:
    """The marked words if there are spans, else the start of the sentences."""
    parts: list[str] = []
    for sid, start, end in spans:
        if 0 <= sid < len(sentences):
            piece = str(sentences[sid]["text"])[max(0, start):max(0, end)]
            if piece.strip():
                parts.append(piece.strip())
    if parts:
        return _excerpt(" \u2026 ".join(parts))
    return _excerpt(" ".join(str(sentences[i]["text"]) for i in ids if 0 <= i < len(sentences)))


# --------------------------------------------------------------------------- builders


def rows_of_findings(findings: Sequence[Mapping[str, Any]],
                      alignment: Sequence[Mapping[str, Any]]) -> list[int]:
    """The aligned row each finding belongs to: the first bead sharing a sentence with it."""
    src_row: dict[int, int] = {}
    tgt_row: dict[int, int] = {}
    for i, bead in enumerate(alignment):
        for s in bead["source"]:
            src_row.setdefault(int(s), i)
        for t in bead["target"]:
            tgt_row.setdefault(int(t), i)
    out: list[int] = []
    for f in findings:
        cands = [src_row[s] for s in f.get("source", []) if s in src_row]
        cands += [tgt_row[t] for t in f.get("target", []) if t in tgt_row]
        out.append(min(cands) if cands else -1)
    return out


def _side(ids: Sequence[int], sentences: Sequence[Mapping[str, Any]],
          marks: Mapping[int, list[tuple[int, int, str, str]]], prefix: str) -> SideView:
    views = []
    for sid in ids:
        text, here = (shown(sentences[sid], marks.get(int(sid), []))
                      if 0 <= sid < len(sentences) else ("", []))
        views.append(SentenceView(int(sid), segments_for(text, here),
                                  first_line(sentences, [sid])))
    return SideView(tuple(views), id_range(ids, prefix))


def _where(ids_label: str, sentences: Sequence[Mapping[str, Any]], ids: Sequence[int]) -> str:
    """"src s14" with the line of its file where the text starts: "src s14 (line 29)"."""
    n = first_line(sentences, ids)
    return f"{ids_label} (line {n})" if ids_label and n else ids_label


def _paragraph_starts(doc: Mapping[str, Any]) -> set[int]:
    return {int(p["sentences"][0]) for p in doc["paragraphs"] if p["sentences"]}


def build_view(report: Mapping[str, Any], checked: bool = False) -> ReportView:
    """The whole report as view models; pure, no I/O (`checked`: the report was checked
    against its schema already)."""
    if not checked:
        check_report(report)
    sig = report["signature"]
    src, tgt = report["source"], report["target"]
    alignment: list[Mapping[str, Any]] = list(report["alignment"])
    raw_findings: list[Mapping[str, Any]] = list(report["findings"])
    src_sents, tgt_sents = src["sentences"], tgt["sentences"]

    finding_rows = rows_of_findings(raw_findings, alignment)
    order = sorted(range(len(raw_findings)),
                   key=lambda i: finding_sort_key(raw_findings[i], finding_rows[i]))

    src_marks: dict[int, list[tuple[int, int, str, str]]] = {}
    tgt_marks: dict[int, list[tuple[int, int, str, str]]] = {}
    for f in raw_findings:
        for sid, a, b in f.get("source_spans", []):
            src_marks.setdefault(int(sid), []).append((int(a), int(b), f["severity"], f["id"]))
        for sid, a, b in f.get("target_spans", []):
            tgt_marks.setdefault(int(sid), []).append((int(a), int(b), f["severity"], f["id"]))

    findings: list[FindingView] = []
    for rank, i in enumerate(order):
        f = raw_findings[i]
        row = finding_rows[i]
        loc = " / ".join(x for x in (
            _where(id_range(f.get("source", []), "src s"), src_sents, f.get("source", [])),
            _where(id_range(f.get("target", []), "tgt s"), tgt_sents, f.get("target", [])),
        ) if x)
        findings.append(FindingView(
            id=str(f["id"]), rank=rank, kind=str(f["kind"]),
            kind_label=KIND_LABELS.get(str(f["kind"]), str(f["kind"])),
            severity=f["severity"], severity_label=SEVERITY_LABELS[f["severity"]],
            glyph=SEVERITY_GLYPHS[f["severity"]], score_label=_fmt(float(f["score"])),
            message=str(f.get("message", "")), row=row, anchor=f"r{row}" if row >= 0 else "",
            source_excerpt=_span_excerpt(src_sents, f.get("source_spans", []),
                                         f.get("source", [])),
            target_excerpt=_span_excerpt(tgt_sents, f.get("target_spans", []),
                                         f.get("target", [])),
            location=loc, baselined=bool(f.get("baselined", False)),
            lines=lines_label([(src["lang"], src_sents, f.get("source", [])),
                               (tgt["lang"], tgt_sents, f.get("target", []))]),
        ))

    by_row: dict[int, list[FindingView]] = {}
    for fv in findings:
        by_row.setdefault(fv.row, []).append(fv)
    src_starts, tgt_starts = _paragraph_starts(src), _paragraph_starts(tgt)
    first_row_of_src_par: dict[int, int] = {}
    rows: list[RowView] = []
    for i, bead in enumerate(alignment):
        s_ids = [int(x) for x in bead["source"]]
        t_ids = [int(x) for x in bead["target"]]
        for s in s_ids:
            if 0 <= s < len(src_sents):
                first_row_of_src_par.setdefault(int(src_sents[s]["paragraph"]), i)
        mine = by_row.get(i, [])
        worst = _worst(f.severity for f in mine)
        sim = bead.get("similarity")
        pstart = any(s in src_starts for s in s_ids[:1]) or any(t in tgt_starts for t in t_ids[:1])
        plabel = ""
        if pstart:
            sp = {int(src_sents[s]["paragraph"]) for s in s_ids[:1] if s in src_starts}
            tp = {int(tgt_sents[t]["paragraph"]) for t in t_ids[:1] if t in tgt_starts}
            plabel = " / ".join(x for x in (id_range(sorted(sp), "\u00b6"),
                                            id_range(sorted(tp), "\u00b6")) if x)
        # A bilingual file's unit, as its CAT tool names it, says more than a paragraph number.
        units = unit_names(src_sents, s_ids) or unit_names(tgt_sents, t_ids)
        if units:
            plabel = units
        rows.append(RowView(
            index=i, anchor=f"r{i}",
            source=_side(s_ids, src_sents, src_marks, "s"),
            target=_side(t_ids, tgt_sents, tgt_marks, "s"),
            shape=f"{len(s_ids)}:{len(t_ids)}",
            row_class="omission" if s_ids and not t_ids else "addition" if t_ids and not s_ids
            else "",
            similarity_label=_fmt(sim), similarity_pct=0 if sim is None else
            round(100 * min(1.0, max(0.0, float(sim)))),
            drift_label=_fmt(float(bead.get("drift") or 0.0)),
            severity=worst, severity_label=SEVERITY_LABELS.get(worst, ""),
            finding_ids=" ".join(f.id for f in mine),
            kinds=" ".join(sorted({f.kind for f in mine})),
            paragraph_start=pstart, paragraph_label=plabel,
        ))

    sev_counts = tuple(Count(s, SEVERITY_LABELS[s], sum(f.severity == s for f in findings),
                             SEVERITY_GLYPHS[s]) for s in SEVERITY_ORDER)
    kinds_present = {f.kind for f in findings}
    kind_counts = tuple(Count(k, KIND_LABELS.get(k, k), sum(f.kind == k for f in findings))
                        for k in [*KIND_ORDER, *sorted(kinds_present - set(KIND_ORDER))]
                        if k in kinds_present)
    thresholds = {str(k): float(v) for k, v in dict(sig.get("thresholds", {})).items()}
    header = HeaderView(
        title=f"{src['lang']} \u2194 {tgt['lang']}: {_titled(src['path'])} / "
              f"{_basename(tgt['path'])}",
        source_path=str(src["path"]), source_lang=str(src["lang"]),
        target_path=str(tgt["path"]), target_lang=str(tgt["lang"]),
        version=str(sig.get("version", "")), model=str(sig.get("model", "")),
        model_revision=str(sig.get("model_revision", "")),
        segmenter=str(sig.get("segmenter", "")),
        drift_model=str(sig.get("drift_model", "")),
        aligner=str(sig.get("aligner", "")),
        thresholds=thresholds_of(sig),
        severity_counts=sev_counts, kind_counts=kind_counts, total_findings=len(findings),
        n_rows=len(rows), n_source=len(src_sents), n_target=len(tgt_sents),
        decoding=decoding_line(sig),
    )
    return ReportView(
        header=header, rows=tuple(rows), findings=tuple(findings),
        strip=strip_chart(alignment, findings, thresholds),
        heat=heat_map(report, first_row_of_src_par),
        severity_colours=tuple(Count(s, SEVERITY_COLOURS[s], 0) for s in SEVERITY_ORDER),
    )


def _titled(path: str) -> str:
    """A file as a title names it: with its folder, which in a batch is the document
    ("customer-loyalty/lt.txt"; every pair's files are lt.txt and et.txt)."""
    parts = str(path).replace("\\", "/").rstrip("/").split("/")
    return "/".join(parts[-2:])


def _basename(path: str) -> str:
    return str(path).replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or str(path)
