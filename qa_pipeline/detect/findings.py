"""Turn a pair's drift scores, check hits and 1-0/0-1 beads into Findings: severity, message,
id and the one sort order every output uses."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import replace

from ..types import (
    SEVERITY_ORDER,
    SEVERITY_RANK,
    Bead,
    Document,
    DriftKind,
    Finding,
    Severity,
    Span,
)
from .context import PairContext, side_text
from .drift import DriftResult

# Omission/addition severity by the number of words without a counterpart: a heading-sized gap
# is minor, a sentence is major, a paragraph's worth is critical.
GAP_MAJOR_WORDS = 8
GAP_CRITICAL_WORDS = 40
GAP_THRESHOLDS = {
    "gap_major_words": float(GAP_MAJOR_WORDS),
    "gap_critical_words": float(GAP_CRITICAL_WORDS),
}


def finding_id(kind: str, src_texts: Sequence[str], tgt_texts: Sequence[str]) -> str:
    """Stable across runs and re-alignments: depends on the kind and the texts only."""
    h = hashlib.sha1(usedforsecurity=False)
    for part in (kind, "\x1f".join(src_texts), "\x1e", "\x1f".join(tgt_texts)):
        h.update(part.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()[:12]


_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """What a fingerprint sees of a text: NFKC, whitespace runs as one space, trimmed (a
    re-wrapped line is the same sentence; any other edit is not)."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def fingerprint(kind: str, src_texts: Sequence[str], tgt_texts: Sequence[str]) -> str:
    """The baseline's key for a finding: the kind and the normalised text of the bead's two
    sides, never sentence indices, so edits elsewhere in the document leave it unchanged."""
    h = hashlib.sha256()
    for part in (kind, normalise(" ".join(src_texts)), normalise(" ".join(tgt_texts))):
        b = part.encode("utf-8")
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.hexdigest()[:20]


def sort_key(severity: str, score: float, row: int, fid: str) -> tuple[int, float, int, str]:
    """The one order of findings: worst severity first, then higher score, then document
    order (findings without a row last); the id makes it total."""
    return (-SEVERITY_RANK[severity], -float(score), row if row >= 0 else 1 << 30, fid)


# A document's own outlier needs this many words on each side of the bead: the drift of a
# three-word sentence ("Štai, kaip buvo." / "See on see, mis juhtus.") is mostly noise.
RELATIVE_MIN_WORDS = 4


def severity_for(drift: float, thresholds: dict[str, float],
                 relative: float | None = None, words: int | None = None) -> Severity | None:
    """Critical/major from absolute thresholds (quantiles of clean pairs); minor also for a
    document's own outliers (relative z at or above `drift_minor_relative`, the same quantile
    of clean documents) whose shorter side has `RELATIVE_MIN_WORDS` words (`words`; not
    checked when None): the shortlist a reviewer reads first."""
    for sev in SEVERITY_ORDER:
        if drift >= thresholds[f"drift_{sev}"]:
            return sev
    limit = thresholds.get("drift_minor_relative")
    if relative is not None and limit is not None and relative >= limit and (
            words is None or words >= RELATIVE_MIN_WORDS):
        return "minor"
    return None


def bead_words(ctx: PairContext, k: int) -> int:
    """The words of the shorter side of the context's k-th full bead."""
    return min(len(ctx.source_texts[k].split()), len(ctx.target_texts[k].split()))


def gap_severity(words: int) -> Severity:
    if words >= GAP_CRITICAL_WORDS:
        return "critical"
    if words >= GAP_MAJOR_WORDS:
        return "major"
    return "minor"


def gap_finding(src: Document, tgt: Document, bead: Bead, row: int = -1) -> Finding:
    """A 1-0 (omission: source material missing in target) or 0-1 (addition) bead."""
    omission = bool(bead.source) and not bead.target
    doc, ids = (src, bead.source) if omission else (tgt, bead.target)
    words = len(side_text(doc, ids).text.split())
    n = len(ids)
    what = f"{n} sentence{'s' if n > 1 else ''} ({words} word{'s' if words != 1 else ''})"
    have = "has" if n == 1 else "have"
    msg = (
        f"{what} of the {src.lang} text {have} no counterpart in the {tgt.lang} text"
        if omission
        else f"{what} of the {tgt.lang} text {have} no counterpart in the {src.lang} text"
    )
    spans: tuple[Span, ...] = tuple((i, 0, len(doc.sentences[i].text)) for i in ids)
    return Finding(
        kind="omission" if omission else "addition",
        severity=gap_severity(words),
        score=min(1.0, words / GAP_CRITICAL_WORDS),
        source=bead.source,
        target=bead.target,
        source_spans=spans if omission else (),
        target_spans=() if omission else spans,
        message=msg,
        row=row,
    )


def _quote(doc: Document, spans: Sequence[Span]) -> str:
    words = [doc.sentences[s].text[a:b] for s, a, b in spans]
    return ", ".join(f"“{w}”" for w in words[:3])


def drift_message(kind: str, score: float, bead: Bead, src: Document, tgt: Document,
                  src_spans: Sequence[Span], tgt_spans: Sequence[Span]) -> str:
    sim = f"similarity {bead.similarity:.2f}" if bead.similarity is not None else ""
    if kind == "partial_omission":
        head = f"part of the {src.lang} sentence seems missing in the {tgt.lang} text"
    elif kind == "partial_addition":
        head = f"the {tgt.lang} text adds material not in the {src.lang} text"
    else:
        head = f"meaning may differ (drift {score:.2f}, {sim})"
    # The spans are where the two sides differ most (the words whose removal brings them
    # closest, or the tagger's unmatched words), not a proof that nothing answers them: a
    # reordered or reworded phrase can be there too.
    sides = [f"{tgt.lang} {_quote(tgt, tgt_spans)}"] if tgt_spans else []
    sides += [f"{src.lang} {_quote(src, src_spans)}"] if src_spans else []
    return head + (f"; the difference centres on {' and '.join(sides)}" if sides else "")


def drift_findings(ctx: PairContext, drift: DriftResult) -> list[Finding]:
    """Gap findings for 1-0/0-1 beads, drift findings for beads at a severity threshold."""
    src, tgt = ctx.source, ctx.target
    out: list[Finding] = []
    at = {i: k for k, i in enumerate(ctx.full)}
    for i, bead in enumerate(ctx.beads):
        if not (bead.source and bead.target):
            out.append(gap_finding(src, tgt, bead, i))
            continue
        sev = severity_for(drift.drift[i], drift.thresholds, drift.relative[i],
                           bead_words(ctx, at[i]))
        if sev is None:
            continue
        src_spans, tgt_spans = drift.spans.get(i, ((), ()))
        kind: DriftKind = drift.partial.get(i, "drift")
        out.append(Finding(
            kind=kind,
            severity=sev,
            score=round(float(drift.drift[i]), 6),
            source=bead.source,
            target=bead.target,
            source_spans=src_spans,
            target_spans=tgt_spans,
            message=drift_message(kind, drift.drift[i], bead, src, tgt, src_spans, tgt_spans),
            row=i,
        ))
    return out


def check_findings(ctx: PairContext) -> list[Finding]:
    """One finding per hit of an enabled check (the context ran them once). A target its file
    marks untranslated (`Sentence.untranslated`: an XLIFF state) is the language check's one
    finding on the bead, whatever the text: a short UI string copied as it is ("OK",
    "Email") is often right, but not where the file says it was never translated."""
    out: list[Finding] = []
    for k, i in enumerate(ctx.full):
        bead = ctx.beads[i]
        s_side, t_side = ctx.source_sides[k], ctx.target_sides[k]
        states = [ctx.target.sentences[j].untranslated for j in bead.target
                  if ctx.target.sentences[j].untranslated]
        for name in ctx.enabled_checks:
            if name == "language" and states:
                out.append(Finding(
                    kind="language", severity="major", score=1.0, source=bead.source,
                    target=bead.target, source_spans=(),
                    target_spans=tuple((j, 0, len(ctx.target.sentences[j].text))
                                       for j in bead.target),
                    message=f"the target is not translated (state={states[0]})", row=i))
                continue
            for hit in ctx.hits[k].get(name, ()):
                out.append(Finding(
                    kind=hit.kind,
                    severity=hit.severity,
                    score=float(hit.score),
                    source=bead.source,
                    target=bead.target,
                    source_spans=s_side.sentence_spans(ctx.source, hit.source_spans),
                    target_spans=t_side.sentence_spans(ctx.target, hit.target_spans),
                    message=hit.message,
                    row=i,
                ))
    return out


def _number_repeats(findings: Sequence[Finding], key: str) -> dict[int, str]:
    """Position -> value of `key` made unique: repeats get a -1, -2 suffix in that order."""
    seen: dict[str, int] = {}
    out = {}
    for pos, f in enumerate(findings):
        value = getattr(f, key)
        n = seen.get(value, 0)
        seen[value] = n + 1
        out[pos] = f"{value}-{n}" if n else value
    return out


def finalise(findings: Sequence[Finding], src: Document, tgt: Document) -> tuple[Finding, ...]:
    """Give every finding its id (unique: a repeat of kind and texts gets a -1, -2 suffix in
    sort order) and fingerprint (repeats numbered in document order, which edits elsewhere
    do not change) and return them in the one sort order."""
    def texts(f: Finding) -> tuple[list[str], list[str]]:
        return [src.sentences[i].text for i in f.source], [tgt.sentences[i].text for i in f.target]

    with_ids = [replace(f, id=finding_id(f.kind, *texts(f)),
                        fingerprint=fingerprint(f.kind, *texts(f))) for f in findings]
    ordered = sorted(with_ids, key=lambda f: sort_key(f.severity, f.score, f.row, f.id))
    in_doc = sorted(range(len(ordered)), key=lambda i: (ordered[i].row if ordered[i].row >= 0
                                                        else 1 << 30, i))
    prints = _number_repeats([ordered[i] for i in in_doc], "fingerprint")
    fp = {in_doc[pos]: value for pos, value in prints.items()}
    ids = _number_repeats(ordered, "id")
    return tuple(replace(f, id=ids[i], fingerprint=fp[i]) for i, f in enumerate(ordered))


def override_severities(findings: Iterable[Finding],
                        overrides: Sequence[tuple[str, Severity]]) -> list[Finding]:
    """The configured severity for each overridden kind (before the one sort order)."""
    table = dict(overrides)
    return [replace(f, severity=table[f.kind]) if f.kind in table else f for f in findings]


def build_findings(ctx: PairContext, drift: DriftResult,
                   severity_overrides: Sequence[tuple[str, Severity]] = ()) -> tuple[Finding, ...]:
    from .document import fold_document_findings
    from .links import link_findings

    found = fold_document_findings(ctx, drift, drift_findings(ctx, drift) + check_findings(ctx)
                                   + link_findings(ctx))
    return finalise(override_severities(found, severity_overrides), ctx.source, ctx.target)
