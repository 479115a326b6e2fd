"""N-way findings about a whole translation: one that is not in its language (or, against the
source, copies it) becomes one critical finding naming it, in place of the row findings it
explains, as a pair's wrong-language verdict does (`detect/document.py`): read as the
language it claims, such a text drifts in every row, and each row's finding says nothing
the one verdict does not.

Against the source, the verdict is the (source, translation) pair's. Without a source, any
pair with the translation decides, on the language check alone: two translations that copy
each other do not say which of them is in the wrong language. Such a translation takes no
part in judging the others (`nway/pipeline.report_from`): a copy of one translation would
otherwise side with it in every row and outvote the third.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..detect.document import folded_suffix, wrong_language
from .pipeline import NwayFinding
from .score import PairEvidence


def _verdict(ev: PairEvidence, side: str, copies_count: bool
             ) -> tuple[str, set[int]] | None:
    """The pair's wrong-language verdict on `side`, with its beads turned into table rows."""
    verdict = wrong_language(ev.context, side, copies_count=copies_count)
    if verdict is None:
        return None
    message, beads = verdict
    row_of = {k: r for r, k in ev.row_bead.items()}
    return message, {row_of[k] for k in beads if k in row_of}


def language_verdict(pairs: Mapping[tuple[str, str], PairEvidence], lang: str,
                     source_lang: str) -> tuple[str, set[int]] | None:
    """(message, rows) when `lang`'s text is not in `lang` (or copies the source), else None."""
    for (a, b), ev in pairs.items():
        if lang in (a, b):
            verdict = _verdict(ev, "target" if b == lang else "source",
                               copies_count=a == source_lang != "")
            if verdict is not None:
                return verdict
    return None


def wrong_language_verdicts(langs: Sequence[str], pairs: Mapping[tuple[str, str], PairEvidence],
                            source_lang: str) -> dict[str, tuple[str, set[int]]]:
    """{translation: (message, rows)} for every translation in the wrong language; the
    source's, under "", when it is not in its own (judged against the first translation)."""
    out = {}
    for lang in langs:
        verdict = language_verdict(pairs, lang, source_lang)
        if verdict is not None:
            out[lang] = verdict
    first = next((ev for (a, _), ev in pairs.items() if a == source_lang), None)
    if source_lang and first is not None:
        verdict = _verdict(first, "source", copies_count=False)
        if verdict is not None:
            out[""] = verdict
    return out


def fold_wrong_language(findings: Sequence[NwayFinding],
                        verdicts: Mapping[str, tuple[str, set[int]]]) -> list[NwayFinding]:
    """`findings` with one critical finding per translation in the wrong language
    (`verdicts`), in place of the findings that blame it and the language findings on its
    rows."""
    out = list(findings)
    documents = []
    for lang, (message, rows) in verdicts.items():
        # The source ("") explains the language findings on its rows; a translation, also
        # every finding that blames it.
        explained = [f for f in out if (lang and f.drifted == lang)
                     or (f.kind == "language" and f.row in rows
                         and (f.drifted is None or not lang))]
        out = [f for f in out if f not in explained]
        documents.append(NwayFinding(
            kind="language", severity="critical", score=1.0, drifted=lang or None,
            row=min(rows, default=0), sentences={}, spans={},
            message=message + (folded_suffix(len(explained), "row") if explained else "")))
    return [*documents, *out]


__all__ = ["fold_wrong_language", "language_verdict", "wrong_language_verdicts"]
