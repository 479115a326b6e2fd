"""What the pre-aligned bilingual readers (TSV, TMX, XLIFF) share: a unit's text with its
inline markup kept for display, and the Inputs built from a list of units."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ..errors import InputError
from ..langs import base_lang
from ..segment import SentenceText, build_document
from ..types import Bead, Document
from .base import Inputs
from .normalise import clean, compose

# One unit: its source and target sentence; None where the unit has no text on that side
# (an untranslated unit is a 1-0 bead, which the findings report as an omission).
Unit = tuple[SentenceText | None, SentenceText | None]


def from_pieces(pieces: Sequence[tuple[str, bool | str]]) -> SentenceText:
    """A unit's sentence from its pieces: (text, True) is translatable text, (text, False)
    is inline markup, shown in `display` but not analysed, and (text, "…") is shown as `text`
    and analysed as the second string (an escaped HTML entity, "&eacute;" read as "é"; a
    break tag, "<br/>" read as a space between words)."""
    display = "".join(p for p, _ in pieces)
    raw: list[str] = []
    to_display: list[int] = []
    pos = 0
    for piece, keep in pieces:
        if keep is True:
            raw.append(piece)
            to_display.extend(range(pos, pos + len(piece)))
        elif keep:
            raw.append(keep)
            to_display.extend([pos] * len(keep))
        pos += len(piece)
    to_display.append(pos)
    m = clean("".join(raw))
    if not m.text:
        return "", "", ()
    offs = compose(to_display, m.offsets)
    start = len(display) - len(display.lstrip())
    shown = display[start:len(display.rstrip())]
    if " ".join(shown.split()) == m.text:
        return m.text, "", ()
    return m.text, shown, tuple(max(0, o - start) for o in offs)


def same_lang(code: str, wanted: str) -> bool:
    """Unit language codes match case- and region-insensitively (`lt-LT` is `lt`)."""
    return bool(code) and base_lang(code) == base_lang(wanted)


def units_to_inputs(path: Path, src_lang: str, tgt_lang: str, units: Sequence[Unit],
                    encoding: str, ids: Sequence[str] = (), lines: Sequence[int] = (),
                    untranslated: Sequence[str] = ()) -> Inputs:
    """One paragraph per side of each unit, one bead per unit (no alignment step); `ids`, one
    per unit where the format names them, become the sentences' `unit`, `lines` (where
    the format has lines a unit starts on) their `line`, and `untranslated` (where the format
    says a target is not translated yet: the state saying so, else "") the targets'
    `untranslated`."""
    named = list(ids) if ids else [""] * len(units)
    at = list(lines) if lines else [0] * len(units)
    states = list(untranslated) if untranslated else [""] * len(units)
    kept = [((s if s and s[0] else None, t if t and t[0] else None), uid, n, state)
            for (s, t), uid, n, state in zip(units, named, at, states, strict=True)]
    kept = [k for k in kept if k[0] != (None, None)]
    units = [k[0] for k in kept]
    if not any(s for s, _ in units):
        raise InputError(f"{path}: no {src_lang} text found")
    src = [[s] for s, _ in units if s]
    tgt = [[t] for _, t in units if t]
    beads = []
    i = j = 0
    for s, t in units:
        beads.append(Bead(source=(i,) if s else (), target=(j,) if t else ()))
        i += bool(s)
        j += bool(t)
    return Inputs(_named(build_document(str(path), src_lang, src, encoding,
                                        [[n] for (s, _), _, n, _ in kept if s]),
                         [uid for (s, _), uid, _, _ in kept if s]),
                  _named(build_document(str(path), tgt_lang, tgt, encoding,
                                        [[n] for (_, t), _, n, _ in kept if t]),
                         [uid for (_, t), uid, _, _ in kept if t],
                         [state for (_, t), _, _, state in kept if t]),
                  tuple(beads))


def _named(doc: Document, ids: Sequence[str], states: Sequence[str] = ()) -> Document:
    """`doc` with each sentence's unit id and, for a target, its untranslated state (one
    sentence per unit side, in order)."""
    if not any(ids) and not any(states):
        return doc
    said = list(states) if states else [""] * len(ids)
    return replace(doc, sentences=tuple(
        replace(s, unit=uid, untranslated=state)
        for s, uid, state in zip(doc.sentences, ids, said, strict=True)))
