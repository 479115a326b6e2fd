"""The report's two plots as view models: the drift strip along the document and the
paragraph similarity heat map, with their geometry computed here so the templates only print.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qa_pipeline.types import SEVERITY_ORDER, SEVERITY_RANK

if TYPE_CHECKING:
    from .view import FindingView

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


def svg_number(x: float) -> str:
    """Compact number for SVG geometry; rounding keeps the file small and the output stable."""
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def id_range(ids: Sequence[int], prefix: str) -> str:
    """"s3" or "s3–7": the ids' range with a prefix."""
    if not ids:
        return ""
    lo, hi = min(ids), max(ids)
    return f"{prefix}{lo}" if lo == hi else f"{prefix}{lo}\u2013{hi}"


def lane(severity: str) -> int:
    """0 for the worst severity, counting up; unknown or none after all of them."""
    return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)


def viridis(x: float) -> str:
    x = 0.0 if math.isnan(x) else min(1.0, max(0.0, x))
    return _VIRIDIS[min(len(_VIRIDIS) - 1, int(x * len(_VIRIDIS)))]


def strip_chart(alignment: Sequence[Mapping[str, Any]], findings: Sequence[FindingView],
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
        y = svg_number(h - v * (h - STRIP_AREA_TOP))
        pts.append(f"L{svg_number(c * cw)} {y}L{svg_number((c + 1) * cw)} {y}")
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
        markers.append(StripMarker(svg_number((f.row + 0.5) * w / n - tick / 2),
                                   str(lane(f.severity) * STRIP_LANE), f.severity, f.row,
                                   f"row {f.row}: {f.severity_label} {f.kind_label}"))
    lines = tuple(
        StripLine(svg_number(h - float(v) * (h - STRIP_AREA_TOP)), f"{name} = {float(v):.2f}")
        for name, v in sorted(thresholds.items())
        if "drift" in name and 0.0 < float(v) < 1.0
    )
    return StripChart(w, h, n, STRIP_LANE, svg_number(tick), "".join(pts),
                      tuple(markers), lines)


def heat_map(report: Mapping[str, Any], first_row_of_src_par: Mapping[int, int]) -> HeatMap:
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
            s_lab = id_range(range(r * bs, min(n_src, (r + 1) * bs)), "\u00b6")
            t_lab = id_range(range(c * bt, min(n_tgt, (c + 1) * bt)), "\u00b6")
            title = f"source {s_lab} \u00d7 target {t_lab}: {v:.2f}"
            cells.append(HeatCell(svg_number(c * cell), svg_number(r * cell), svg_number(cell),
                                  svg_number(cell), viridis((v - lo) / (hi - lo)), title,
                                  first_row_of_src_par.get(r * bs, -1)))
    aligned: list[HeatCell] = []
    for bead in report.get("paragraph_alignment", []):
        if not bead["source"] or not bead["target"]:
            continue
        r0, r1 = min(bead["source"]) // bs, max(bead["source"]) // bs
        c0, c1 = min(bead["target"]) // bt, max(bead["target"]) // bt
        aligned.append(HeatCell(svg_number(c0 * cell), svg_number(r0 * cell),
                                svg_number((c1 - c0 + 1) * cell),
                                svg_number((r1 - r0 + 1) * cell), "", "", -1))
    pooled = bs > 1 or bt > 1
    caption = (f"{n_src} \u00d7 {n_tgt}"
               + (f", max of blocks, {rows_n} \u00d7 {cols_n}" if pooled else "")
               + ("" if full else ", aligned pairs only"))
    return HeatMap(HEAT_SIZE, svg_number(cols_n * cell), svg_number(rows_n * cell), tuple(cells),
                   tuple(aligned), full, pooled, caption, f"{lo:.2f}", f"{hi:.2f}")
