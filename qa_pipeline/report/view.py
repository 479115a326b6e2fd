"""View models for the HTML report: plain frozen dataclasses built from the report dict.

All decisions (sorting, highlighting, colours, plot geometry) are made here so that the
Jinja templates only loop and print. Document text is never turned into HTML in Python:
it is split into plain-text segments that the templates print with autoescaping on.
"""

from __future__ import annotations

import math
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
)

# Shapes carry severity in plots without relying on colour (triangle, diamond, circle).
SEVERITY_GLYPHS: dict[str, str] = {"critical": "\u25b2", "major": "\u25c6", "minor": "\u25cf"}

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
SEVERITY_COLOURS: dict[str, str] = {"critical": "#D55E00", "major": "#E69F00", "minor": "#0072B2"}

# Viridis at 9 stops: perceptually uniform and colour-blind safe, dark = dissimilar.
_VIRIDIS: tuple[str, ...] = (
    "#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c",
    "#28ae80", "#5ec962", "#addc30", "#fde725",
)

STRIP_WIDTH = 1000
STRIP_HEIGHT = 80
# Findings are ticks in one lane per severity above the drift area, so severity is also told
# by position, not only by colour.
STRIP_LANE = 8
STRIP_AREA_TOP = 3 * STRIP_LANE + 4
# The strip chart is pooled to at most this many columns so its size does not grow with the
# document; a reader cannot see more columns than that at the rendered width anyway.
STRIP_MAX_COLUMNS = 500
# Heat maps above this many cells per side are max-pooled into blocks: one SVG rect per
# paragraph pair would cost megabytes on long documents.
HEAT_MAX_CELLS = 40
HEAT_SIZE = 220
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
class StripMarker:
    x: str
    y: str
    severity: str
    row: int
    title: str


@dataclass(frozen=True)
class StripLine:
    y: str
    label: str


@dataclass(frozen=True)
class StripChart:
    width: int
    height: int
    columns: int  # number of beads the x axis spans
    lane: int
    tick: str  # tick width: a few pixels, wider when there are few rows
    area: str  # SVG path data (numbers only)
    markers: tuple[StripMarker, ...]
    lines: tuple[StripLine, ...]


@dataclass(frozen=True)
class HeatCell:
    x: str
    y: str
    w: str
    h: str
    fill: str
    title: str
    row: int


@dataclass(frozen=True)
class HeatMap:
    size: int
    width: str
    height: str
    cells: tuple[HeatCell, ...]
    aligned: tuple[HeatCell, ...]  # outlines of the aligned paragraph pairs
    full: bool  # False when only the aligned pairs are known
    pooled: bool
    caption: str
    scale_lo: str  # the colour ramp spans the matrix's own range: label of its ends
    scale_hi: str


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
    import jsonschema

    from qa_pipeline.io.json_report import validate_against

    try:
        validate_against(report)
    except jsonschema.ValidationError as e:
        where = "/".join(str(p) for p in e.absolute_path) or "report"
        raise InputError(f"report: {where}: {e.message}; was it written by qa_pipeline?") from None


# --------------------------------------------------------------------------- helpers


def _fmt(x: float | None, digits: int = 2) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


def _num(x: float) -> str:
    """Compact number for SVG geometry; rounding keeps the file small and the output stable."""
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def _id_range(ids: Sequence[int], prefix: str) -> str:
    if not ids:
        return ""
    lo, hi = min(ids), max(ids)
    return f"{prefix}{lo}" if lo == hi else f"{prefix}{lo}\u2013{hi}"


def _worst(severities: Iterable[str]) -> str:
    return max(severities, key=lambda s: SEVERITY_RANK.get(s, 0), default="")


def _lane(severity: str) -> int:
    """0 for the worst severity, counting up; unknown or none after all of them."""
    return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)


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
    last = len(offsets) - 1

    def at(i: int) -> int:
        return int(offsets[max(0, min(i, last))])

    return str(display), [(at(a), at(b), sev, fid) for a, b, sev, fid in marks]


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


def viridis(x: float) -> str:
    x = 0.0 if math.isnan(x) else min(1.0, max(0.0, x))
    return _VIRIDIS[min(len(_VIRIDIS) - 1, int(x * len(_VIRIDIS)))]


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
        views.append(SentenceView(int(sid), segments_for(text, here)))
    return SideView(tuple(views), _id_range(ids, prefix))


def _paragraph_starts(doc: Mapping[str, Any]) -> set[int]:
    return {int(p["sentences"][0]) for p in doc["paragraphs"] if p["sentences"]}


def _strip(alignment: Sequence[Mapping[str, Any]], findings: Sequence[FindingView],
           thresholds: Mapping[str, float]) -> StripChart:
    n = max(1, len(alignment))
    w, h = STRIP_WIDTH, STRIP_HEIGHT
    cols = min(n, STRIP_MAX_COLUMNS)
    # Max-pool so a single drifting bead stays visible however long the document is.
    peaks = [0.0] * cols
    for i, bead in enumerate(alignment):
        c = i * cols // n
        peaks[c] = max(peaks[c], min(1.0, max(0.0, float(bead.get("drift") or 0.0))))
    cw = w / cols
    pts = [f"M0 {h}"]
    for c, v in enumerate(peaks):
        y = _num(h - v * (h - STRIP_AREA_TOP))
        pts.append(f"L{_num(c * cw)} {y}L{_num((c + 1) * cw)} {y}")
    pts.append(f"L{w} {h}Z")
    tick = max(3.0, min(12.0, w / n * 0.3))
    markers = []
    seen: set[tuple[int, str]] = set()
    for f in sorted(findings, key=lambda f: SEVERITY_RANK[f.severity]):  # worst drawn last
        if f.row < 0:
            continue
        key = (f.row * cols // n, f.severity)
        if key in seen:  # one tick per column and severity keeps the SVG small
            continue
        seen.add(key)
        markers.append(StripMarker(_num((f.row + 0.5) * w / n - tick / 2),
                                   str(_lane(f.severity) * STRIP_LANE), f.severity, f.row,
                                   f"row {f.row}: {f.severity_label} {f.kind_label}"))
    lines = tuple(
        StripLine(_num(h - float(v) * (h - STRIP_AREA_TOP)), f"{name} = {float(v):.2f}")
        for name, v in sorted(thresholds.items())
        if "drift" in name and 0.0 < float(v) < 1.0
    )
    return StripChart(w, h, n, STRIP_LANE, _num(tick), "".join(pts),
                      tuple(markers), lines)


def _heat(report: Mapping[str, Any], first_row_of_src_par: Mapping[int, int]) -> HeatMap:
    n_src = len(report["source"]["paragraphs"])
    n_tgt = len(report["target"]["paragraphs"])
    raw = report.get("paragraph_similarity")
    full = isinstance(raw, list) and len(raw) == n_src and all(
        isinstance(r, list) and len(r) == n_tgt for r in raw)
    matrix: list[list[float | None]] = [[None] * n_tgt for _ in range(n_src)]
    if full:
        assert isinstance(raw, list)
        matrix = [[None if v is None else float(v) for v in r] for r in raw]
    else:
        for bead in report.get("paragraph_alignment", []):
            for s in bead["source"]:
                for t in bead["target"]:
                    if 0 <= s < n_src and 0 <= t < n_tgt:
                        matrix[s][t] = bead.get("similarity")
    bs = max(1, math.ceil(n_src / HEAT_MAX_CELLS))
    bt = max(1, math.ceil(n_tgt / HEAT_MAX_CELLS))
    rows_n, cols_n = math.ceil(n_src / bs) if n_src else 0, math.ceil(n_tgt / bt) if n_tgt else 0
    side = max(rows_n, cols_n, 1)
    cell = HEAT_SIZE / side
    # Scale colours to the values present: embeddings of one document's paragraphs are all
    # fairly similar, and a fixed 0..1 ramp would paint them one colour.
    present = [v for row in matrix for v in row if v is not None]
    lo, hi = (min(present), max(present)) if present else (0.0, 1.0)
    if hi - lo < 1e-6:
        lo, hi = 0.0, 1.0
    cells: list[HeatCell] = []
    for r in range(rows_n):
        for c in range(cols_n):
            vals = [matrix[s][t] for s in range(r * bs, min(n_src, (r + 1) * bs))
                    for t in range(c * bt, min(n_tgt, (c + 1) * bt))]
            known = [v for v in vals if v is not None]
            if not known:
                continue
            v = max(known)
            s_lab = _id_range(range(r * bs, min(n_src, (r + 1) * bs)), "\u00b6")
            t_lab = _id_range(range(c * bt, min(n_tgt, (c + 1) * bt)), "\u00b6")
            title = f"source {s_lab} \u00d7 target {t_lab}: {v:.2f}"
            cells.append(HeatCell(_num(c * cell), _num(r * cell), _num(cell), _num(cell),
                                  viridis((v - lo) / (hi - lo)), title,
                                  first_row_of_src_par.get(r * bs, -1)))
    aligned: list[HeatCell] = []
    for bead in report.get("paragraph_alignment", []):
        if not bead["source"] or not bead["target"]:
            continue
        r0, r1 = min(bead["source"]) // bs, max(bead["source"]) // bs
        c0, c1 = min(bead["target"]) // bt, max(bead["target"]) // bt
        aligned.append(HeatCell(_num(c0 * cell), _num(r0 * cell), _num((c1 - c0 + 1) * cell),
                                _num((r1 - r0 + 1) * cell), "", "", -1))
    pooled = bs > 1 or bt > 1
    caption = (f"{n_src} \u00d7 {n_tgt}"
               + (f", max of blocks, {rows_n} \u00d7 {cols_n}" if pooled else "")
               + ("" if full else ", aligned pairs only"))
    return HeatMap(HEAT_SIZE, _num(cols_n * cell), _num(rows_n * cell), tuple(cells),
                   tuple(aligned), full, pooled, caption, f"{lo:.2f}", f"{hi:.2f}")


def build_view(report: Mapping[str, Any]) -> ReportView:
    """The whole report as view models; pure, no I/O."""
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
        loc = " / ".join(x for x in (_id_range(f.get("source", []), "src s"),
                                     _id_range(f.get("target", []), "tgt s")) if x)
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
            plabel = " / ".join(x for x in (_id_range(sorted(sp), "\u00b6"),
                                            _id_range(sorted(tp), "\u00b6")) if x)
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
        title=f"{src['lang']} \u2194 {tgt['lang']}: {_basename(src['path'])} / "
              f"{_basename(tgt['path'])}",
        source_path=str(src["path"]), source_lang=str(src["lang"]),
        target_path=str(tgt["path"]), target_lang=str(tgt["lang"]),
        version=str(sig.get("version", "")), model=str(sig.get("model", "")),
        model_revision=str(sig.get("model_revision", "")),
        segmenter=str(sig.get("segmenter", "")),
        drift_model=str(sig.get("drift_model", "")),
        aligner=str(sig.get("aligner", "")),
        thresholds=tuple(Threshold(k, f"{v:g}") for k, v in sorted(thresholds.items())),
        severity_counts=sev_counts, kind_counts=kind_counts, total_findings=len(findings),
        n_rows=len(rows), n_source=len(src_sents), n_target=len(tgt_sents),
    )
    return ReportView(
        header=header, rows=tuple(rows), findings=tuple(findings),
        strip=_strip(alignment, findings, thresholds),
        heat=_heat(report, first_row_of_src_par),
        severity_colours=tuple(Count(s, SEVERITY_COLOURS[s], 0) for s in SEVERITY_ORDER),
    )


def _basename(path: str) -> str:
    return str(path).replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or str(path)


# --------------------------------------------------------------------------- batch index


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
    max_drift: float
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
    drifts = [float(b.get("drift") or 0.0) for b in report["alignment"]]
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


def index_row(name: str, href: str, summary: ReportSummary | None, error: str = "",
              warning: str = "") -> IndexRowView:
    if summary is None:
        return IndexRowView(name, href, "", "", 0, 0, 0, 0, 0, "", "", "", -1 if error else 9,
                            "", "", error, warning)
    return IndexRowView(
        name=name, href=href, langs=f"{summary.source_lang} \u2192 {summary.target_lang}",
        sentences=f"{summary.n_source} / {summary.n_target}", rows=summary.n_rows,
        critical=summary.critical, major=summary.major, minor=summary.minor,
        total=summary.total, max_drift=f"{summary.max_drift:.2f}",
        worst_severity=summary.worst_severity,
        worst_severity_label=SEVERITY_LABELS.get(summary.worst_severity, ""),
        worst_rank=_lane(summary.worst_severity),
        worst_kind_label=KIND_LABELS.get(summary.worst_kind, summary.worst_kind),
        worst_message=_excerpt(summary.worst_message, 120), error=error,
    )
