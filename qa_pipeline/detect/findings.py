"""Turn scored beads, check hits and 1-0/0-1 beads into sorted Findings."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from ..config import SEVERITY_RANK
from ..types import Bead, Document, Finding, Severity, Span

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


def join_side(doc: Document, ids: Sequence[int]) -> tuple[str, list[tuple[int, int]]]:
    """Concatenate sentences with one space; return text and each sentence's start offset."""
    parts: list[str] = []
    starts: list[tuple[int, int]] = []
    pos = 0
    for i in ids:
        text = doc.sentences[i].text
        starts.append((i, pos))
        parts.append(text)
        pos += len(text) + 1
    return " ".join(parts), starts


def to_sentence_spans(
    doc: Document, ids: Sequence[int], spans: Sequence[tuple[int, int]]
) -> tuple[Span, ...]:
    """Map character spans in the joined side text back to (sentence_id, start, end)."""
    _, starts = join_side(doc, ids)
    out: list[Span] = []
    for start, end in spans:
        for sid, off in starts:
            text_len = len(doc.sentences[sid].text)
            lo, hi = max(start, off), min(end, off + text_len)
            if lo < hi:
                out.append((sid, lo - off, hi - off))
    return tuple(out)


def gap_severity(words: int) -> Severity:
    if words >= GAP_CRITICAL_WORDS:
        return "critical"
    if words >= GAP_MAJOR_WORDS:
        return "major"
    return "minor"


def gap_finding(src: Document, tgt: Document, bead: Bead) -> Finding:
    """A 1-0 (omission: source material missing in target) or 0-1 (addition) bead."""
    omission = bool(bead.source) and not bead.target
    doc, ids = (src, bead.source) if omission else (tgt, bead.target)
    text, _ = join_side(doc, ids)
    words = len(text.split())
    sev = gap_severity(words)
    n = len(ids)
    what = f"{n} sentence{'s' if n > 1 else ''} ({words} words)"
    msg = (
        f"{what} of the {src.lang} text have no counterpart in the {tgt.lang} text"
        if omission
        else f"{what} of the {tgt.lang} text have no counterpart in the {src.lang} text"
    )
    spans: tuple[Span, ...] = tuple((i, 0, len(doc.sentences[i].text)) for i in ids)
    return Finding(
        kind="omission" if omission else "addition",
        severity=sev,
        score=min(1.0, words / GAP_CRITICAL_WORDS),
        source=bead.source,
        target=bead.target,
        source_spans=spans if omission else (),
        target_spans=() if omission else spans,
        message=msg,
    )


def sort_findings(findings: Sequence[Finding], src: Document, tgt: Document) -> list[Finding]:
    def key(f: Finding) -> tuple[int, float, int, int]:
        first_s = f.source[0] if f.source else -1
        first_t = f.target[0] if f.target else -1
        return (-SEVERITY_RANK[f.severity], -f.score, first_s, first_t)

    return sorted(findings, key=key)
