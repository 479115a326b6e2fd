"""What the pre-aligned bilingual readers (TSV, TMX, XLIFF) share: a unit's text with its
inline markup kept for display, and the Inputs built from a list of units."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..errors import InputError
from ..langs import base_lang
from ..segment import SentenceText, build_document
from ..types import Bead
from .base import Inputs
from .normalise import clean, compose

# One unit: its source and target sentence; None where the unit has no text on that side
# (an untranslated unit is a 1-0 bead, which the findings report as an omission).
Unit = tuple[SentenceText | None, SentenceText | None]


def from_pieces(pieces: Sequence[tuple[str, bool]]) -> SentenceText:
    """A unit's sentence from its pieces: (text, True) is translatable text, (text, False)
    is inline markup, shown in `display` but not analysed."""
    display = "".join(p for p, _ in pieces)
    raw: list[str] = []
    to_display: list[int] = []
    pos = 0
    for piece, keep in pieces:
        if keep:
            raw.append(piece)
            to_display.extend(range(pos, pos + len(piece)))
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
                    encoding: str) -> Inputs:
    """One paragraph per side of each unit, one bead per unit (no alignment step)."""
    units = [(s if s and s[0] else None, t if t and t[0] else None) for s, t in units]
    units = [u for u in units if u != (None, None)]
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
    return Inputs(build_document(str(path), src_lang, src, encoding),
                  build_document(str(path), tgt_lang, tgt, encoding), tuple(beads))
