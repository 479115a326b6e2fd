"""Which translation drifted, row by row.

With a source, each translation is judged against the source (calibrated drift, checks, gaps)
and against its peers: a cell is blamed when it is flagged against the source *and* stands
out from the other translations of the same row (its drift logit exceeds every peer's by at
least `margin`, a quantile of clean rows shipped with the thresholds, while it agrees less
with the other translations than most clean cells do (`contrast_gap`); or its agreement gap
alone is past `agreement_margin`; or a check fires for it alone; or it alone lacks, or alone
adds, material). Without a source, three or more
translations vote: a cell is blamed when it alone agrees with the others less than they agree
among themselves by the calibrated margin and a pair it is in is flagged (`odd_one_out`);
when disagreement is not confined to one translation there is no majority and the finding
names none.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from statistics import median

from ..types import SEVERITY_RANK, Severity
from .score import PairEvidence, logit
from .table import Row
from .thresholds import NwayThresholds


@dataclass(frozen=True)
class Blame:
    """One finding of the n-way table before spans and messages are attached."""

    row: int
    kind: str
    severity: Severity
    score: float
    drifted: str | None
    evidence: str  # what made the decision, for the message


def _worst(sevs: Sequence[Severity | None]) -> Severity | None:
    worst: Severity | None = None
    for sev in sevs:
        if sev is not None and (worst is None or SEVERITY_RANK[sev] > SEVERITY_RANK[worst]):
            worst = sev
    return worst


def _gap_blames(r: int, row: Row, langs: Sequence[str], has_source: bool) -> list[Blame]:
    """A cell empty where the others are not (omission), or alone filled (addition)."""
    filled = [x for x in langs if row.cells[x]]
    empty = [x for x in langs if not row.cells[x]]
    if not filled or not empty:
        return []
    pivot_filled = bool(row.pivot) if has_source else None
    out = []
    if has_source and pivot_filled:
        alone = len(empty) == 1 and len(filled) >= 1
        for x in empty:
            out.append(Blame(r, "omission", "major", 1.0, x if alone else None,
                             "the source sentence has no counterpart in " + x))
    elif has_source:
        alone = len(filled) == 1
        for x in filled:
            out.append(Blame(r, "addition", "major", 1.0, x if alone else None,
                             x + " has material that neither the source nor the others have"))
    else:
        if len(empty) == 1 and len(filled) >= 2:
            out.append(Blame(r, "omission", "major", 1.0, empty[0],
                             "the other translations have a sentence missing in " + empty[0]))
        elif len(filled) == 1 and len(empty) >= 2:
            out.append(Blame(r, "addition", "major", 1.0, filled[0],
                             filled[0] + " has material that the other translations lack"))
        else:
            out.append(Blame(r, "omission", "major", 1.0, None,
                             "the translations do not agree on this sentence (no majority)"))
    return out


# Check kinds precise enough to blame one translation on their own (at major or above): a
# changed number, URL, code or the wrong language; length and punctuation differ between
# languages too often, and names are inflected and transliterated.
BLAMING_CHECKS = frozenset({"number", "url", "entity", "language"})


def _blaming(kind: str, severity: Severity) -> bool:
    """Whether a check hit of this kind and severity can name a translation by itself: a
    precise kind (`BLAMING_CHECKS`) at major or above."""
    return kind in BLAMING_CHECKS and SEVERITY_RANK[severity] >= SEVERITY_RANK["major"]


def centred_logits(rows: Sequence[Row], langs: Sequence[str],
                   vs_source: Mapping[str, PairEvidence]) -> dict[str, dict[int, float]]:
    """Each translation's drift logits minus their median over the document: language pairs
    differ in their typical drift (en-lv is not en-lt), and a row is judged against that."""
    out: dict[str, dict[int, float]] = {}
    for x in langs:
        lg = {r: logit(p) for r, p in vs_source[x].drift.items()}
        mid = median(lg.values()) if lg else 0.0
        out[x] = {r: v - mid for r, v in lg.items()}
    return out


def contrasts(rows: Sequence[Row], langs: Sequence[str],
              vs_source: Mapping[str, PairEvidence]) -> list[tuple[int, str, float]]:
    """(row, translation, how far its centred logit exceeds every peer's) for each cell that is
    flagged against the source and has peers: the statistic `margin` is a quantile of."""
    lg = centred_logits(rows, langs, vs_source)
    out = []
    for r, row in enumerate(rows):
        full = [x for x in langs if row.cells[x] and row.pivot and r in vs_source[x].drift]
        for x in full:
            peers = [y for y in full if y != x]
            if peers and vs_source[x].severity[r] is not None:
                out.append((r, x, lg[x][r] - max(lg[y][r] for y in peers)))
    return out


def with_source(rows: Sequence[Row], langs: Sequence[str],
                vs_source: Mapping[str, PairEvidence], gaps: Mapping[tuple[int, str], float],
                th: NwayThresholds) -> list[Blame]:
    out: list[Blame] = []
    # Standing out: the drift contrast past the margin while the cell also agrees less with
    # its peers than most clean cells do, or the agreement gap alone past its own margin.
    stand_out = {(r, x) for r, x, t in contrasts(rows, langs, vs_source)
                 if t >= th.margin and gaps.get((r, x), 0.0) >= th.contrast_gap}
    stand_out |= {k for k, g in gaps.items() if g >= th.agreement_margin}
    for r, row in enumerate(rows):
        out += _gap_blames(r, row, langs, True)
        full = [x for x in langs if row.cells[x] and row.pivot and r in vs_source[x].drift]
        for x in full:
            ev = vs_source[x]
            peers = [y for y in full if y != x]
            # Checks: a precise kind that fires at major or above for this translation and
            # for no peer.
            others = {k for y in peers for k in vs_source[y].checks[r]}
            for kind, (ksev, kscore) in sorted(ev.checks[r].items()):
                if _blaming(kind, ksev) and kind not in others:
                    out.append(Blame(r, kind, ksev, kscore, x if peers else None,
                                     f"the {kind} check fires for {x} alone"))
            sev = ev.severity[r]
            if sev is not None and (not peers or (r, x) in stand_out):
                out.append(Blame(r, "drift", sev, round(ev.drift[r], 6),
                                 x if peers else None, "drift"))
        # Every translation departs from the source here, seriously: the source is the odd one.
        sevs = [vs_source[x].severity[r] for x in full]
        if len(full) >= 2 and all(v is not None and SEVERITY_RANK[v] >= SEVERITY_RANK["major"]
                                  for v in sevs):
            out.append(Blame(r, "drift", _worst(sevs) or "major",
                             round(max(vs_source[x].drift[r] for x in full), 6), None,
                             "all-differ"))
    return out


def _flag(flagged: Mapping[tuple[str, str], bool], x: str, y: str) -> bool:
    return flagged[(x, y)] if (x, y) in flagged else flagged[(y, x)]


VOTE_RULES = ("quiet-peers", "gap-unique", "shared-pair", "either")
# Chosen on damaged *even* NTREX documents (bench/nway_vote.py; BENCHMARKS "N-way"): it names
# the damaged translation where ``quiet-peers`` said "no majority", at the same clean-row rate.
DEFAULT_VOTE = "gap-unique"


def odd_one_out(r: int, full: Sequence[str], flagged: Mapping[tuple[str, str], bool],
                gaps: Mapping[tuple[int, str], float], margin: float,
                rule: str = DEFAULT_VOTE) -> list[str]:
    """The translations of row `r` that stand apart from the others, by `rule`:

    - ``quiet-peers`` (the first rule): its agreement gap is past `margin`, a pair it is in is
      flagged, and none of the others' pairs is (the others agree);
    - ``gap-unique`` (shipped): it alone has a gap past `margin` and a flagged pair (the
      others' pairs may be flagged too, e.g. two loose but faithful translations);
    - ``shared-pair``: every flagged pair contains it and the others' pairs are not flagged
      (a pure vote, no gap margin);
    - ``either``: ``gap-unique`` or else ``shared-pair``.
    """
    def in_flagged(x: str) -> bool:
        return any(_flag(flagged, x, y) for y in full if y != x)

    def peers_quiet(x: str) -> bool:
        return not any(_flag(flagged, y, z) for y in full for z in full
                       if y != x and z != x and y < z)

    past = [x for x in full if gaps.get((r, x), 0.0) >= margin and in_flagged(x)]
    if rule == "quiet-peers":
        return [x for x in past if peers_quiet(x)]
    gap_unique = past if len(past) == 1 else []
    shared = [x for x in full if in_flagged(x) and peers_quiet(x)]
    if rule == "gap-unique":
        return gap_unique
    if rule == "shared-pair":
        return shared
    if rule == "either":
        return gap_unique or shared
    raise ValueError(f"unknown vote rule {rule!r}; one of {', '.join(VOTE_RULES)}")


def _check_blames(r: int, full: Sequence[str],
                  ev: Callable[[str, str], PairEvidence]) -> list[Blame]:
    """Without a source, a precise check at major or above that fires on every pair with one
    translation and on no pair without it: that translation is the odd one ("25" / "25" /
    "35": the number check fires lt-lv and et-lv, not lt-et)."""
    out: list[Blame] = []
    pairs = [(x, y) for i, x in enumerate(full) for y in full[i + 1:]]

    def fired(x: str, y: str, kind: str) -> tuple[Severity, float] | None:
        got = ev(x, y).checks.get(r, {}).get(kind)
        return got if got and _blaming(kind, got[0]) else None

    for kind in sorted(BLAMING_CHECKS):
        hit = {p: fired(*p, kind) for p in pairs}
        for x in full:
            mine = [v for p, v in hit.items() if x in p and v]
            if len(mine) == len(full) - 1 and not any(
                    v for p, v in hit.items() if x not in p):
                out.append(Blame(r, kind, _worst([v[0] for v in mine]) or "major",
                                 max(v[1] for v in mine), x,
                                 f"the {kind} check fires for {x} against each of the others"))
    return out


def without_source(rows: Sequence[Row], langs: Sequence[str],
                   pairs: Mapping[tuple[str, str], PairEvidence],
                   gaps: Mapping[tuple[int, str], float], th: NwayThresholds,
                   vote: str = DEFAULT_VOTE) -> list[Blame]:
    def ev(x: str, y: str) -> PairEvidence:
        return pairs[(x, y)] if (x, y) in pairs else pairs[(y, x)]

    out: list[Blame] = []
    for r, row in enumerate(rows):
        out += _gap_blames(r, row, langs, False)
        full = [x for x in langs if row.cells[x]]
        if len(full) < 3:
            continue
        out += _check_blames(r, full, ev)
        flagged = {(x, y): ev(x, y).severity.get(r) is not None
                   for i, x in enumerate(full) for y in full[i + 1:]}
        if not any(flagged.values()):
            continue

        odd = odd_one_out(r, full, flagged, gaps, th.agreement_margin_no_source, vote)
        if len(odd) == 1:
            x = odd[0]
            sevs = [ev(x, y).severity[r] for y in full if y != x]
            score = median([ev(x, y).drift[r] for y in full if y != x])
            out.append(Blame(r, "drift", _worst(sevs) or "minor", round(score, 6), x, "vote"))
        elif sum(flagged.values()) >= 2 and any(
                gaps.get((r, x), 0.0) >= th.agreement_margin_no_source for x in full):
            sevs = [ev(x, y).severity[r] for (x, y), f in flagged.items() if f]
            score = max(ev(x, y).drift[r] for (x, y), f in flagged.items() if f)
            out.append(Blame(r, "drift", _worst(sevs) or "minor", round(score, 6), None,
                             "no-majority"))
    return out
