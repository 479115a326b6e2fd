"""The Hit record every mechanical check returns, plus small text helpers they share."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

HitKind = Literal[
    "number", "negation", "entity", "url", "punctuation", "brackets", "language", "length",
]
HitSeverity = Literal["critical", "major", "minor"]
Spans = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Hit:
    kind: str  # one of HitKind
    severity: str  # one of HitSeverity
    score: float  # in [0, 1]: confidence that this is a real defect
    message: str
    source_spans: Spans  # character offsets into the source text given to the check
    target_spans: Spans


# Words as the checks see them: letters/digits with inner apostrophes or hyphens
# ("Sturridge'as", "13-aastast"); offsets matter, so we never normalise before matching.
_WORD = re.compile(r"[^\W_]+(?:['’‘\-][^\W_]+)*")


def words(text: str) -> Iterator[tuple[str, int, int]]:
    """(word, start, end) for each word in `text`."""
    for m in _WORD.finditer(text):
        yield m.group(), m.start(), m.end()


def word_count(text: str) -> int:
    return sum(1 for _ in _WORD.finditer(text))


def strip_diacritics(text: str) -> str:
    """'Šiaulių' -> 'Siauliu'; keeps length-independent comparisons language-neutral."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def base_lang(lang: str) -> str:
    """'et-EE' / 'est' / 'ET' -> 'et': the checks key their rules on ISO 639-1 codes."""
    code = lang.strip().lower().replace("_", "-").split("-")[0]
    return _ISO3.get(code, code)


_ISO3 = {"lit": "lt", "est": "et", "eng": "en", "lav": "lv", "fin": "fi", "rus": "ru",
         "deu": "de", "ger": "de", "fra": "fr", "fre": "fr", "pol": "pl"}


def clamp01(x: float) -> float:
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x
