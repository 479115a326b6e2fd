"""Length ratio outliers: log(len_t / len_s) far from what the language pair usually shows.

The expected mean and the spread are fitted on NTREX-128 (1,997 line-aligned sentences) with
    .venv/bin/python bench/drift_checks.py --fit-length
The spread shrinks with length: var(log ratio) = A + B / n, n = mean character length of the
two sides; mu is the median log ratio. Pairs not listed fall back to mu = 0 and the widest
spread seen, so unknown languages are judged leniently.
"""

from __future__ import annotations

import math

from .base import Hit, base_lang

# (src, tgt): (mu, A, B), fitted on NTREX-128 (see the module docstring for the command).
LENGTH_MODEL: dict[tuple[str, str], tuple[float, float, float]] = {
    ("lt", "et"): (-0.0488, 0.01851, 0.6475),
    ("lt", "en"): (-0.0417, 0.01625, 0.5572),
    ("et", "en"): (0.0000, 0.01389, 0.4728),
}
_FALLBACK = (0.0, 0.02, 0.70)
MINOR_Z = 3.0
MAJOR_Z = 4.0
MIN_CHARS = 10  # when both sides are shorter, one word decides the ratio


def _model(src_lang: str, tgt_lang: str) -> tuple[float, float, float]:
    key = (base_lang(src_lang), base_lang(tgt_lang))
    if key in LENGTH_MODEL:
        return LENGTH_MODEL[key]
    rev = (key[1], key[0])
    if rev in LENGTH_MODEL:
        mu, a, b = LENGTH_MODEL[rev]
        return -mu, a, b
    if key[0] == key[1]:
        return 0.0, _FALLBACK[1], _FALLBACK[2]
    return _FALLBACK


def z_score(src: str, tgt: str, src_lang: str, tgt_lang: str) -> float:
    ls, lt = len(src.strip()), len(tgt.strip())
    if ls == 0 or lt == 0:
        return 0.0
    mu, a, b = _model(src_lang, tgt_lang)
    sigma = math.sqrt(a + b / ((ls + lt) / 2))
    return (math.log(lt / ls) - mu) / sigma


def check_length(src: str, tgt: str, src_lang: str, tgt_lang: str) -> list[Hit]:
    if max(len(src.strip()), len(tgt.strip())) < MIN_CHARS:
        return []
    z = z_score(src, tgt, src_lang, tgt_lang)
    if abs(z) <= MINOR_Z:
        return []
    severity = "major" if abs(z) > MAJOR_Z else "minor"
    longer = "target" if z > 0 else "source"
    msg = (f"the {longer} is unusually long for this language pair "
           f"({len(tgt.strip())} vs {len(src.strip())} characters, z = {z:+.1f})")
    score = min(1.0, (abs(z) - MINOR_Z) / 3 + 0.3)
    return [Hit("length", severity, round(score, 3), msg,
                ((0, len(src)),) if z < 0 else (), ((0, len(tgt)),) if z > 0 else ())]
