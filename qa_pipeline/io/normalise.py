"""Text normalisation for analysis, with an offset map back to the original for display.

Text pasted from Word or PDF carries characters that change nothing for a reader but change
embeddings and mechanical checks: soft hyphens and zero-width characters inside words, BOMs in
the middle of concatenated files, no-break and other Unicode spaces, CR line ends, and
NFD-decomposed letters. `normalise` removes or folds them and says, for every character of the
result, where it came from in the original, so that a span found in the analysed text can be
shown in the text as it was given.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

NORMALISER = "nfc+invisible+controls+spaces/2"
# Removed for analysis: soft hyphen, zero-width space / non-joiner / joiner, word joiner,
# BOM / zero-width no-break space, Mongolian vowel separator; and the control characters no
# text holds (C0 but tab and line ends, DEL, C1 but NEL): a "\x01" from a spreadsheet cell or
# an XLIFF <cp hex="0007"/> means nothing to a reader, and XLSX cannot even store it.
CONTROLS = "".join(map(chr, (*range(0x00, 0x09), *range(0x0e, 0x20), 0x7f,
                             *range(0x80, 0x85), *range(0x86, 0xa0))))
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e" + CONTROLS
_INVISIBLE_SET = frozenset(INVISIBLE)
_LINE_BREAKS = frozenset("\r\n\x0b\x0c\x85\u2028\u2029")
# Regions that may need work; plain ASCII other than CR and control characters is copied as
# it is.
_WORK = re.compile(r"[\x00-\x7f]?[^\x00-\x7f]+|\r\n?|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class Mapped:
    """`text` and, for each of its characters, the index in the original it came from;
    `offsets` has len(text) + 1 entries, the last being the end of the last character."""

    text: str
    offsets: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original (start, end) of text[start:end]."""
        if end <= start:
            return self.offsets[start], self.offsets[start]
        return self.offsets[start], _end(self.offsets, end)


def _end(offsets: Sequence[int], end: int) -> int:
    return offsets[end] if end < len(offsets) else offsets[-1]


def is_blank(text: str) -> bool:
    """True when `text` holds nothing but whitespace and invisible characters."""
    return not text.translate(_DROP).strip()


_DROP = {ord(c): None for c in INVISIBLE}


def _chunks(s: str) -> list[tuple[int, int]]:
    """(start, end) of each starter with the combining marks that follow it."""
    out: list[tuple[int, int]] = []
    for i, ch in enumerate(s):
        if out and unicodedata.combining(ch):
            out[-1] = (out[-1][0], i + 1)
        else:
            out.append((i, i + 1))
    return out


def _fold(piece: str) -> str:
    if piece in ("\r\n", "\r") or piece in _LINE_BREAKS:
        return "\n"
    chars = []
    for ch in piece:
        if ch in _INVISIBLE_SET:
            continue
        if ch in _LINE_BREAKS:
            chars.append("\n")
        elif ch.isspace() or unicodedata.category(ch) == "Zs":
            chars.append(" ")
        else:
            chars.append(ch)
    return unicodedata.normalize("NFC", "".join(chars))


def normalise(original: str) -> Mapped:
    """NFC, CR/CRLF and other line breaks to LF, Unicode spaces to a space, invisible
    characters removed; with the offset map back to `original`."""
    if not _WORK.search(original):
        return Mapped(original, tuple(range(len(original) + 1)))
    parts: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in _WORK.finditer(original):
        a, b = m.span()
        parts.append(original[pos:a])
        offsets.extend(range(pos, a))
        region = original[a:b]
        if region.startswith("\r"):
            chunks = [(0, len(region))]
        else:
            chunks = _chunks(region)
        for ca, cb in chunks:
            folded = _fold(region[ca:cb])
            parts.append(folded)
            offsets.extend([a + ca] * len(folded))
        pos = b
    parts.append(original[pos:])
    offsets.extend(range(pos, len(original)))
    text = "".join(parts)
    if not unicodedata.is_normalized("NFC", text):
        # Composition across chunks (Hangul jamo and a few scripts): exact text, coarse map.
        nfc = unicodedata.normalize("NFC", text)
        offsets = [offsets[min(i, len(offsets) - 1)] for i in range(len(nfc))] if offsets else []
        text = nfc
    return Mapped(text, (*offsets, len(original)))


def collapse(m: Mapped) -> Mapped:
    """Runs of whitespace to one space, ends stripped; offsets kept."""
    parts: list[str] = []
    offsets: list[int] = []
    pos = 0
    for ws in _WS.finditer(m.text):
        a, b = ws.span()
        parts.append(m.text[pos:a])
        offsets.extend(m.offsets[pos:a])
        parts.append(" ")
        offsets.append(m.offsets[a])
        pos = b
    parts.append(m.text[pos:])
    offsets.extend(m.offsets[pos:len(m.text)])
    text = "".join(parts)
    lead = len(text) - len(text.lstrip(" "))
    trail = len(text.rstrip(" "))
    if trail <= lead:
        return Mapped("", (m.offsets[0] if m.offsets else 0,))
    kept = offsets[lead:trail]
    end = offsets[trail] if trail < len(offsets) else m.offsets[-1]
    return Mapped(text[lead:trail], (*kept, end))


def clean(original: str) -> Mapped:
    """`normalise` then `collapse`: the analysed form of one block of text."""
    return collapse(normalise(original))


def compose(outer: Sequence[int], inner: Sequence[int]) -> tuple[int, ...]:
    """Offsets through two maps: `inner` maps text -> middle, `outer` maps middle -> original."""
    return tuple(outer[min(i, len(outer) - 1)] for i in inner)


def subsequence_offsets(text: str, original: str) -> tuple[int, ...]:
    """Offsets of `text` in `original` when `text` is `original` with markup removed: each
    character matched to its next occurrence (a character not found keeps the position)."""
    out: list[int] = []
    pos = 0
    for ch in text:
        found = original.find(ch, pos)
        if found < 0:
            out.append(min(pos, len(original)))
            continue
        out.append(found)
        pos = found + 1
    out.append(pos if text else 0)
    return tuple(out)
