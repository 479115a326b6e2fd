"""Findings about the whole pair of documents, and the per-bead findings they replace.

Two situations make dozens of sentence findings useless: the target is in the wrong language
(or is a copy of the source), and the two documents do not correspond at all. Each becomes
one `critical` finding; the sentence findings it explains fold under it (counted in its
message): every language finding, and every finding of any kind on a pair whose target is in
the wrong language or copies its source (read as the target language, such a text gives
negation or drift findings that mean nothing: "meaning may differ" beside a similarity of
1.00). The decisions are shares of the document, judged against data:

* wrong language: the language check (lingua, offline) flags the target side of most beads
  it can judge, or the target is a copy of the source in most of them;
* no correspondence: most sentences are either in 1-0/0-1 beads or in beads whose cosine is
  below the calibration's reference distribution of correct translations (its median minus
  `UNRELATED_Z` robust spreads: one correct bead in a hundred falls below).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..text import word_count
from ..types import Finding, FindingKind
from .checks.language import MIN_WORDS
from .context import PairContext
from .drift import DriftResult

_LOOKS_LIKE = re.compile(r"looks like (\w+)")

# A share of the document above this is "most of it".
MAJORITY = 0.5
# One-sided 1 % quantile of a normal distribution, in reference spreads (robust MAD).
UNRELATED_Z = 2.326
# Beads needed before a document verdict (for the language verdict: beads long enough for the
# language check, MIN_WORDS).
MIN_JUDGED_BEADS = 3


def wrong_language(ctx: PairContext, side: str = "target",
                   copies_count: bool = True) -> tuple[str, set[int]] | None:
    """A message when most beads the language check can judge put `side` ("target" or
    "source") in another language, or (with `copies_count`) copy the other side; with the
    rows (bead indices) where it does."""
    if "language" not in ctx.enabled_checks:
        return None
    target = side == "target"
    judged = 0
    copies: set[int] = set()
    flagged: set[int] = set()
    seen: dict[str, int] = {}
    sides = ctx.target_sides if target else ctx.source_sides
    for i, text, hits in zip(ctx.full, sides, ctx.hits, strict=True):
        if word_count(text.text) < MIN_WORDS:
            continue  # too short for the check to judge
        judged += 1
        lang_hits = hits.get("language", ())
        if any(h.source_spans and h.target_spans for h in lang_hits):
            copies.add(i)  # the copy-of-the-source hit marks both sides
            continue
        for h in lang_hits:
            m = _LOOKS_LIKE.search(h.message)
            if (h.target_spans if target else h.source_spans) and m:
                flagged.add(i)
                seen[m.group(1)] = seen.get(m.group(1), 0) + 1
                break
    if judged < MIN_JUDGED_BEADS:
        return None
    lang, other_lang = ((ctx.target.lang, ctx.source.lang) if target
                        else (ctx.source.lang, ctx.target.lang))
    if copies_count and len(copies) / judged > MAJORITY:
        return (f"the {lang} text is a copy of the {other_lang} text in {len(copies)} of "
                f"{judged} aligned pairs (left untranslated)"), copies | flagged
    if len(flagged) / judged > MAJORITY:
        other = max(seen, key=lambda k: seen[k])
        return (f"the {lang} text is not in {lang}: {len(flagged)} of {judged} aligned pairs "
                f"look like {other}"), copies | flagged
    return None


def _unrelated(ctx: PairContext, drift: DriftResult) -> str | None:
    if drift.reference is None:
        return None
    median, mad = drift.reference
    cut = median - UNRELATED_Z * mad
    n_src, n_tgt = len(ctx.source.sentences), len(ctx.target.sentences)
    total = n_src + n_tgt
    # One or two beads (a one-string XLIFF update) are no document to judge: a short correct
    # pair can fall under the cut, and its bead findings say what there is to say.
    if not ctx.full or len(ctx.beads) < MIN_JUDGED_BEADS:
        return None
    cos = ctx.cosines
    far = sum(len(ctx.beads[i].source) + len(ctx.beads[i].target)
              for k, i in enumerate(ctx.full) if cos[k] < cut)
    gaps = sum(len(b.source) + len(b.target) for b in ctx.beads if not (b.source and b.target))
    if (far + gaps) / total <= MAJORITY:
        return None
    return (f"the documents do not correspond: {far + gaps} of {total} sentences have no "
            f"counterpart or are far less similar than translations are (cosine below {cut:.2f})")


def fold_document_findings(ctx: PairContext, drift: DriftResult,
                           findings: Sequence[Finding]) -> list[Finding]:
    """`findings` with a document-level finding in place of those it explains."""
    unrelated = _unrelated(ctx, drift)
    if unrelated is not None:
        return [_document("mismatch", unrelated, len(findings))]
    # The target in another language (or a copy), else the source not in its own.
    wrong = wrong_language(ctx) or wrong_language(ctx, "source", copies_count=False)
    if wrong is not None:
        message, rows = wrong
        rest = [f for f in findings if f.kind != "language" and f.row not in rows]
        return [_document("language", message, len(findings) - len(rest)), *rest]
    return list(findings)


def folded_suffix(folded: int, what: str = "sentence") -> str:
    """The note a document finding's message ends with: how many findings it explains."""
    return f"; {folded} {what} finding{'s' if folded != 1 else ''} folded under it"


def _document(kind: FindingKind, message: str, folded: int) -> Finding:
    suffix = folded_suffix(folded)
    return Finding(kind=kind, severity="critical", score=1.0, source=(), target=(),
                   message=message + (suffix if folded else ""))
