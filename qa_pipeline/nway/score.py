"""Per-row evidence of the n-way table: each cell against the source and against the others.

Every comparison reuses the pairwise machinery on row-level beads: a PairContext per pair of
texts (side texts, vectors from the aligners' tables, check hits) and the calibrated drift of
`detect.drift` without occlusion (spans are computed later, only for the cells that are
blamed). What comes out is plain arrays per pair, indexed by row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from ..detect.context import PairContext, build_context
from ..detect.drift import DriftResult, score_drift
from ..detect.findings import bead_words, severity_for
from ..detect.links import link_findings
from ..detect.params import DriftParams
from ..embed import Encoder
from ..types import SEVERITY_RANK, Bead, Document, Severity, Span
from .table import Row

Pair = tuple[str, str]  # (language a, language b); a is the source where there is one


@dataclass(frozen=True)
class PairEvidence:
    """One pair of texts over the table: per row, drift and severity (None where a side is
    empty), and which check kinds fired."""

    pair: Pair
    context: PairContext
    result: DriftResult
    row_bead: Mapping[int, int]  # row -> bead index in `context`
    drift: Mapping[int, float]  # row -> calibrated drift (full rows only)
    severity: Mapping[int, Severity | None]
    # row -> check kind -> (worst severity, best score) of that kind's hits on the row
    checks: Mapping[int, Mapping[str, tuple[Severity, float]]]
    # row -> the hits themselves, for comparing mentions across pairs
    marks: Mapping[int, tuple[Mark, ...]] = field(default_factory=dict)
    # row -> (the first text's numbers as written, the second's): `number_forms`
    numbers: Mapping[int, tuple[tuple[str, ...], tuple[str, ...]]] = field(
        default_factory=dict)


@dataclass(frozen=True)
class Mark:
    """One check hit on a row of a pair (a link-target finding counts as a `url` hit): where
    it is on each side, as (sentence id, start, end) of that text, and what it quotes there.
    The attribution compares marks across pairs: the same mention of one translation hit
    against every other translation is that translation's doing."""

    kind: str
    severity: Severity
    score: float
    a: tuple[Span, ...]  # spans in the pair's first text (the source where there is one)
    b: tuple[Span, ...]
    a_text: tuple[str, ...] = ()
    b_text: tuple[str, ...] = ()


def number_forms(text: str) -> tuple[str, ...]:
    """The numbers of `text` as written, sorted, each reduced to its letters and digits
    ("1 870" and "1870" are one form; "XX a. 4-ame" gives "4", "1930ndatel" "1930")."""
    from ..detect.checks.numbers import extract

    return tuple(sorted(re.sub(r"\W", "", m.raw.casefold()) for m in extract(text)))


def _side(row: Row, lang: str, pivot_lang: str) -> tuple[int, ...]:
    return row.pivot if lang == pivot_lang else row.cells[lang]


def pair_evidence(a: Document, b: Document, rows: Sequence[Row], pivot_lang: str,
                  vectors: Mapping[str, np.ndarray], encoder: Encoder,
                  checks: Sequence[str] | None, params: DriftParams) -> PairEvidence:
    beads: list[Bead] = []
    row_bead: dict[int, int] = {}
    for r, row in enumerate(rows):
        s, t = _side(row, a.lang, pivot_lang), _side(row, b.lang, pivot_lang)
        if s or t:
            row_bead[r] = len(beads)
            beads.append(Bead(s, t))
    ctx = build_context(a, b, beads, vectors, encoder, checks).with_similarities(None)
    # Scoring only: no occlusion here (the blamed cells get their spans afterwards).
    res = score_drift(ctx, encoder, replace(params, span_budget_floor=0,
                                            span_budget_fraction=0.0,
                                            word_tagger=False))
    full = set(ctx.full)
    drift = {r: res.drift[k] for r, k in row_bead.items() if k in full}
    pos = {k: j for j, k in enumerate(ctx.full)}
    sev = {r: severity_for(res.drift[k], res.thresholds, res.relative[k],
                           bead_words(ctx, pos[k]))
           for r, k in row_bead.items() if k in full}
    def text_of(doc: Document, spans: Sequence[Span]) -> tuple[str, ...]:
        return tuple(doc.sentences[i].text[x:y] for i, x, y in spans)

    marks: dict[int, list[Mark]] = {}
    numbers: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for r, k in row_bead.items():
        if k not in full:
            continue
        j = pos[k]
        s_side, t_side = ctx.source_sides[j], ctx.target_sides[j]
        got = marks.setdefault(r, [])
        for name in ctx.enabled_checks:
            for h in ctx.hits[j].get(name, ()):
                sa = s_side.sentence_spans(a, h.source_spans)
                sb = t_side.sentence_spans(b, h.target_spans)
                got.append(Mark(h.kind, h.severity, float(h.score), sa, sb,
                                text_of(a, sa), text_of(b, sb)))
        numbers[r] = (number_forms(s_side.text), number_forms(t_side.text))
    # Link targets are compared on the sentences as given (`detect.links`), as a pair's are.
    row_of = {k: r for r, k in row_bead.items()}
    for f in link_findings(ctx):
        if f.row in row_of:
            marks.setdefault(row_of[f.row], []).append(Mark(
                f.kind, f.severity, f.score, f.source_spans, f.target_spans,
                text_of(a, f.source_spans), text_of(b, f.target_spans)))
    kinds: dict[int, dict[str, tuple[Severity, float]]] = {}
    for r in marks:
        got_k: dict[str, tuple[Severity, float]] = {}
        for m in marks[r]:
            old = got_k.get(m.kind)
            if old is None or (SEVERITY_RANK[m.severity], m.score) > (
                    SEVERITY_RANK[old[0]], old[1]):
                got_k[m.kind] = (m.severity, m.score)
        kinds[r] = got_k
    return PairEvidence((a.lang, b.lang), ctx, res, row_bead, drift, sev, kinds,
                        {r: tuple(m) for r, m in marks.items()}, numbers)


def agreement_gaps(rows: Sequence[Row], docs: Mapping[str, Document],
                   vectors: Mapping[str, np.ndarray], encoder: Encoder) -> dict[tuple[int, str],
                                                                                float]:
    """(row, translation) -> how much less that cell agrees with the other translations than
    they agree among themselves (cosines centred by each pair's median over the document, so
    that lt-lv and et-lv are comparable). Needs three or more filled cells in the row; the
    vectors come from the aligners' tables (one encode call for texts they never embedded)."""
    from itertools import combinations

    from ..detect.context import lookup_vectors, side_text

    langs = list(docs)
    keys: list[tuple[int, str]] = [(r, x) for r, row in enumerate(rows) for x in langs
                                   if row.cells[x]]
    texts = [side_text(docs[x], rows[r].cells[x]).text for r, x in keys]
    vec = dict(zip(keys, lookup_vectors(texts, vectors, encoder), strict=True)) if keys else {}
    centred: dict[tuple[str, str], dict[int, float]] = {}
    for a, b in combinations(langs, 2):
        cos = {r: float(vec[(r, a)] @ vec[(r, b)]) for r in range(len(rows))
               if (r, a) in vec and (r, b) in vec}
        mid = float(np.median(list(cos.values()))) if cos else 0.0
        centred[(a, b)] = {r: c - mid for r, c in cos.items()}
    out: dict[tuple[int, str], float] = {}
    for r in range(len(rows)):
        full = [x for x in langs if (r, x) in vec]
        if len(full) < 3:
            continue
        for x in full:
            mine = [centred[(x, y) if langs.index(x) < langs.index(y) else (y, x)][r]
                    for y in full if y != x]
            theirs = [centred[(y, z)][r] for y, z in combinations(full, 2) if x not in (y, z)]
            out[(r, x)] = float(np.mean(theirs) - np.mean(mine))
    return out


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return float(np.log(p / (1 - p)))
