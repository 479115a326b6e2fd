"""Which translation drifted, row by row.

With a source, each translation is judged against the source (calibrated drift, checks, gaps)
and against its peers: a cell is blamed when it is flagged against the source *and* stands
out from the other translations of the same row (its drift logit exceeds every peer's by at
least `margin`, a quantile of clean rows shipped with the thresholds, while it agrees less
with the other translations than most clean cells do (`contrast_gap`); or its agreement gap
alone is past `agreement_margin`; or a check fires for it alone; or its drift alone is
critical against peers that are not flagged; or it alone lacks, or alone adds, material); a
serious disagreement with the source that several translations share is reported without a
name. Without a source, three or more
translations vote: a cell is blamed when it alone agrees with the others less than they agree
among themselves by the calibrated margin and a pair it is in is flagged (`odd_one_out`), or
a precise check hits one of its mentions against each of the others while they agree on
theirs (`_check_blames`);
when disagreement is not confined to one translation there is no majority and the finding
names none.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import median
from typing import NamedTuple

from ..types import SEVERITY_RANK, Severity, Span
from .score import Mark, PairEvidence, logit
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
    # The translations a finding without a name is about (whose cells depart), and the spans
    # a mention-level check blame points at: ((language, spans), ...).
    about: tuple[str, ...] = ()
    spans: tuple[tuple[str, tuple[Span, ...]], ...] = ()


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


# Against the source, a negation count that differs is precise too: its hits are minor (some
# translators move negation into the lexicon), so a minor hit of a precise kind names the
# translation only where its critical drift against the source names it as well.
PRECISE_CHECKS = BLAMING_CHECKS | {"negation"}


def _and(xs: Sequence[str]) -> str:
    return xs[0] if len(xs) == 1 else ", ".join(xs[:-1]) + " and " + xs[-1]


# A critical drift against the source names its translation when no peer is flagged and its
# drift logit exceeds every peer's by this much (below the calibrated `margin`, which needs no
# critical severity): on clean rows of NTREX-128 (even documents, and the odd ones that
# bench/nway_ntrex.py --skip 20 leaves out) a lone critical cell is as often a faithful one,
# and this keeps about half of the damaged ones at a third of the clean ones.
CRITICAL_CONTRAST = 3.5


def _overlap(a: Sequence[Span], b: Sequence[Span]) -> bool:
    return any(s == t and max(x, u) < min(y, v) for s, x, y in a for t, u, v in b)


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


def _alone(ev: PairEvidence, peers: Sequence[PairEvidence], r: int, kind: str) -> bool:
    """Whether `kind` fires against the source for no peer on row r, or changes a source
    mention (a hit with a span on both sides, at critical: "1870" / "1890") that no peer's hit
    touches (another translation's hit on another number of the row does not matter)."""
    if not any(kind in p.checks.get(r, {}) for p in peers):
        return True
    theirs = [m.a for p in peers for m in p.marks.get(r, ()) if m.kind == kind]
    return any(m.kind == kind and m.severity == "critical" and m.a and m.b
               and not any(_overlap(m.a, t) for t in theirs) for m in ev.marks.get(r, ()))


def _major(sev: Severity | None) -> bool:
    return sev is not None and SEVERITY_RANK[sev] >= SEVERITY_RANK["major"]


def with_source(rows: Sequence[Row], langs: Sequence[str],
                vs_source: Mapping[str, PairEvidence], gaps: Mapping[tuple[int, str], float],
                th: NwayThresholds) -> list[Blame]:
    """Blames with a source. A cell is named when it stands out (drift contrast or agreement
    gap), when a precise check fires for it alone (at major or above; a minor one, such as a
    negation count or a name, where its critical drift names it too), or when its drift is
    critical while no peer's is flagged and its contrast reaches `CRITICAL_CONTRAST`. A
    drift at major or above that several translations share without one standing out, and a
    critical check hit that several share, are reported without a name rather than dropped
    ("unclear", "shared")."""
    out: list[Blame] = []
    # Standing out: the drift contrast past the margin while the cell also agrees less with
    # its peers than most clean cells do, or the agreement gap alone past its own margin.
    contrast = {(r, x): t for r, x, t in contrasts(rows, langs, vs_source)}
    stand_out = {k for k, t in contrast.items()
                 if t >= th.margin and gaps.get(k, 0.0) >= th.contrast_gap}
    stand_out |= {k for k, g in gaps.items() if g >= th.agreement_margin}
    for r, row in enumerate(rows):
        out += _gap_blames(r, row, langs, True)
        full = [x for x in langs if row.cells[x] and row.pivot and r in vs_source[x].drift]
        sevs = [vs_source[x].severity[r] for x in full]
        all_differ = len(full) >= 2 and all(_major(v) for v in sevs)
        unclear_drift: list[str] = []
        shared: dict[str, list[str]] = {}  # check kind -> the translations it fires for
        for x in full:
            ev = vs_source[x]
            peers = [y for y in full if y != x]
            # Critical alone: its drift against the source is critical, no peer's is flagged,
            # and its drift logit exceeds every peer's by CRITICAL_CONTRAST.
            critical_alone = (ev.severity[r] == "critical"
                              and all(vs_source[y].severity[r] is None for y in peers)
                              and contrast.get((r, x), 0.0) >= CRITICAL_CONTRAST)
            named_check = False
            for kind, (ksev, kscore) in sorted(ev.checks[r].items()):
                if kind not in PRECISE_CHECKS:
                    continue
                # A minor hit (a negation count, a name) names the translation only where its
                # drift is critical alone as well.
                sure = _blaming(kind, ksev) or critical_alone
                if not peers or _alone(ev, [vs_source[y] for y in peers], r, kind):
                    if sure:
                        out.append(Blame(r, kind, ksev, kscore, x if peers else None,
                                         f"the {kind} check fires for {x} alone"))
                        named_check = _blaming(kind, ksev)
                elif ksev == "critical":
                    shared.setdefault(kind, []).append(x)
            sev = ev.severity[r]
            if sev is None:
                continue
            others_major = any(_major(vs_source[y].severity[r]) for y in peers)
            if (not peers or (r, x) in stand_out or critical_alone
                    or (named_check and _major(sev) and not all_differ)):
                out.append(Blame(r, "drift", sev, round(ev.drift[r], 6),
                                 x if peers else None, "drift"))
            elif _major(sev) and not all_differ and others_major:
                unclear_drift.append(x)
        # Every translation departs from the source here, seriously: the source is the odd one.
        if all_differ:
            out.append(Blame(r, "drift", _worst(sevs) or "major",
                             round(max(vs_source[x].drift[r] for x in full), 6), None,
                             "all-differ", tuple(full)))
        elif unclear_drift:
            out.append(Blame(r, "drift", _worst([vs_source[x].severity[r]
                                                 for x in unclear_drift]) or "major",
                             round(max(vs_source[x].drift[r] for x in unclear_drift), 6),
                             None, "unclear", tuple(unclear_drift)))
        for kind, xs in sorted(shared.items()):
            hits = [vs_source[x].checks[r][kind] for x in xs]
            out.append(Blame(r, kind, _worst([h[0] for h in hits]) or "minor",
                             max(h[1] for h in hits), None, "shared", tuple(xs)))
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


class _Hit(NamedTuple):
    """A check hit of pair x-y, seen from x: its spans on x's side and on y's, and what it
    quotes on y's."""

    mark: Mark
    mine: tuple[Span, ...]
    theirs: tuple[Span, ...]
    quotes: tuple[str, ...]


def _oriented(pairs: Mapping[tuple[str, str], PairEvidence], x: str, y: str, r: int,
              kind: str) -> list[_Hit]:
    """The `kind` hits of pair x-y on row r at major or above, seen from x (the evidence is
    kept once per pair, under whichever order it was scored in)."""
    if (x, y) in pairs:
        return [_Hit(m, m.a, m.b, m.b_text) for m in pairs[(x, y)].marks.get(r, ())
                if m.kind == kind and _blaming(kind, m.severity)]
    return [_Hit(m, m.b, m.a, m.a_text) for m in pairs[(y, x)].marks.get(r, ())
            if m.kind == kind and _blaming(kind, m.severity)]


def _forms(pairs: Mapping[tuple[str, str], PairEvidence], x: str, y: str, r: int
           ) -> tuple[str, ...] | None:
    """The numbers of y's cell in row r as written (None: not known)."""
    ev = pairs.get((x, y)) or pairs.get((y, x))
    got = ev.numbers.get(r) if ev is not None else None
    if got is None:
        return None
    return got[1] if (x, y) in pairs else got[0]


def _norm(texts: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted(re.sub(r"\W", "", t.casefold()) for t in texts))


class _OddMention(NamedTuple):
    """A mention of one translation (or its lack of one) that a check hits against each of
    the others: the hits (one per peer, in the peers' order), seen from the odd one."""

    hits: list[_Hit]
    peers: list[str]

    def counter(self) -> dict[str, tuple[Span, ...]]:
        return {y: h.theirs for y, h in zip(self.peers, self.hits, strict=True)}


def _odd_mentions(r: int, full: Sequence[str], pairs: Mapping[tuple[str, str], PairEvidence],
                  kind: str, x: str) -> list[_OddMention]:
    """The mentions of `x` (or its lack of one) that the `kind` check hits against every
    other translation while the others agree on them. Peers agree when no hit between two of
    them touches a counterpart (both lacking the mention agrees too)."""
    peers = [y for y in full if y != x]
    out = []
    for first in _oriented(pairs, x, peers[0], r, kind):
        hits = [first]
        for y in peers[1:]:
            match = next((h for h in _oriented(pairs, x, y, r, kind)
                          if (_overlap(first.mine, h.mine) if first.mine else not h.mine)),
                         None)
            if match is None:
                break
            hits.append(match)
        else:
            odd = _OddMention(hits, peers)
            counter = odd.counter()
            if not any(
                    (_overlap(counter[y], h.mine) and counter[y])
                    or (_overlap(counter[z], h.theirs) and counter[z])
                    for i, y in enumerate(peers) for z in peers[i + 1:]
                    for h in _oriented(pairs, y, z, r, kind)):
                out.append(odd)
    return out


def _check_blames(r: int, full: Sequence[str],
                  pairs: Mapping[tuple[str, str], PairEvidence]) -> list[Blame]:
    """Without a source, per mention: a precise check at major or above that hits the same
    mention of one translation (or its lack of one) against each of the others, while the
    others agree on theirs, names that translation ("1870" / "1890" / "1870": the number
    check hits et's "1890" against lt and lv; a hit between lt and lv on another number does
    not matter). For numbers the others must also write theirs alike (or, where the odd one
    has a number they lack, write the row's numbers alike): otherwise the finding names no
    one and the check blames nobody (a decade in words in one, in digits in another)."""
    out: list[Blame] = []
    for kind in sorted(BLAMING_CHECKS):
        for x in full:
            odd = _odd_mentions(r, full, pairs, kind, x)
            if not odd:
                continue
            peers = [y for y in full if y != x]
            marks = [h.mark for o in odd for h in o.hits]
            spans: dict[str, list[Span]] = {}
            alike = True
            for o in odd:
                for y, theirs in o.counter().items():
                    spans.setdefault(y, []).extend(theirs)
                spans.setdefault(x, []).extend(s for h in o.hits for s in h.mine)
                if kind == "number":
                    quotes = [h.quotes for h in o.hits]
                    if any(quotes):
                        alike &= len({_norm(q) for q in quotes}) == 1
                    else:
                        forms = [_forms(pairs, x, y, r) for y in peers]
                        alike &= None in forms or len(set(forms)) == 1
            sev = _worst([m.severity for m in marks]) or "major"
            score = max(m.score for m in marks)
            found = tuple((k, tuple(dict.fromkeys(v))) for k, v in spans.items())
            if alike:
                out.append(Blame(r, kind, sev, score, x,
                                 f"the {kind} check fires for {x} against each of the others",
                                 spans=found))
            # Otherwise the others do not write their numbers alike (a decade in words in one,
            # in digits in another; a conversion added in one): no majority to name anyone by,
            # and the drift vote below still judges the row.
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
        out += _check_blames(r, full, pairs)
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
