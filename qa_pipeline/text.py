"""Text helpers every stage shares: words with their offsets, robust statistics, unit rows.

One definition each, so that the checks, the span attribution and the drift features agree on
what a word is and how a spread is measured.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence

import numpy as np

# Words as the pipeline sees them: letters/digits with inner apostrophes or hyphens
# ("Sturridge'as", "13-aastast"). Offsets matter, so nothing is normalised before matching.
WORD = re.compile(r"[^\W_]+(?:['’‘\-][^\W_]+)*")
# 1.4826 x MAD estimates the standard deviation of normally distributed data.
MAD_TO_SD = 1.4826


def words(text: str) -> Iterator[tuple[str, int, int]]:
    """(word, start, end) for each word in `text`."""
    for m in WORD.finditer(text):
        yield m.group(), m.start(), m.end()


def word_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in WORD.finditer(text)]


def word_count(text: str) -> int:
    return sum(1 for _ in WORD.finditer(text))


def word_key(text: str) -> str:
    """Lower-cased words joined by single spaces: compares texts regardless of punctuation."""
    return " ".join(w.lower() for w, _, _ in words(text))


def all_caps(word: str) -> bool:
    """Two or more letters, every one a capital ("NATO", "TÄNAME")."""
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


# A word in capitals longer than this is emphasis ("NEREMTI", "MITTE" is not: 5 letters
# still read as an acronym's length), never an acronym or a name.
EMPHASIS_MIN_LETTERS = 6


def emphasised(word: str) -> bool:
    """A long word written in capitals for emphasis, to be read as lower case."""
    return sum(c.isalpha() for c in word) >= EMPHASIS_MIN_LETTERS and all_caps(word)


def strip_diacritics(text: str) -> str:
    """'Šiaulių' -> 'Siauliu'; keeps length-independent comparisons language-neutral."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def robust_stats(values: np.ndarray) -> tuple[float, float]:
    """Median and MAD scaled to a standard deviation (both 0.0 for no values)."""
    if not values.size:
        return 0.0, 0.0
    med = float(np.median(values))
    return med, MAD_TO_SD * float(np.median(np.abs(values - med)))


def robust_z(values: np.ndarray, floor: float) -> np.ndarray:
    """(x - median) / max(scaled MAD, floor): outliers against the values' own distribution."""
    med, sd = robust_stats(values)
    return np.asarray((values - med) / max(sd, floor), dtype=float)


def unit_rows(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit L2 norm as float32; all-zero rows stay zero."""
    x = np.asarray(x, dtype=np.float32)
    n = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.maximum(n, 1e-12)


def cut_spans(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """`text` without the character `spans` (any order, may overlap); spacing stays single."""
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out = text
    for a, b in reversed(merged):
        out = out[:a].rstrip() + " " + out[b:].lstrip()
    out = re.sub(r"\s+([,.;:!?])", r"\1", out.strip())
    return re.sub(r"\s{2,}", " ", out)
