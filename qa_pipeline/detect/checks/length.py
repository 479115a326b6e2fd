"""Length ratio outliers: log(len_t / len_s) far from what the language pair usually shows.

The expected mean and the spread are fitted on NTREX-128 (1,997 line-aligned sentences) by
``bench/drift_checks.py --fit-length --write`` and ship as ``data/length_model.json``.
The spread shrinks with length: var(log ratio) = A + B / n, n = mean character length of the
two sides; mu is the median log ratio. Pairs not listed fall back to mu = 0 and a spread
wider than any fitted pair's: the widest A and B of the 28 pairs of NTREX's eight languages,
plus the variance of their mu (an unknown pair's mu is unknown), so unknown languages are
judged leniently.

Lengths are counted in units that work across scripts: a character of an alphabet is one
unit, a Chinese or Japanese character or a Korean syllable stands for several
(`SCRIPT_WEIGHTS`: a Han character carries about as much as three Latin letters, so "新办公室将
于3月3日开放。" is about as long as "The new office opens on 3 March."). Those weights are a
prior, not a fit (no CJK side was at hand to fit them on), so a pair with such a side gets
`PRIOR_VARIANCE` more spread.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from importlib import resources

from ...types import Severity
from .base import CheckSpec, Hit, base_lang

LENGTH_MODEL_FILE = "length_model.json"
LENGTH_MODEL_FORMAT = "qa_pipeline.length_model/1"
Model = tuple[float, float, float]  # (mu, A, B)


@lru_cache(maxsize=1)
def length_model() -> tuple[dict[tuple[str, str], Model], Model]:
    """The shipped fit: {(src, tgt): (mu, A, B)} and the fallback for unlisted pairs."""
    from ...errors import ModelError

    f = resources.files("qa_pipeline") / "data" / LENGTH_MODEL_FILE
    data = json.loads(f.read_text(encoding="utf-8"))
    if data.get("format") != LENGTH_MODEL_FORMAT:
        raise ModelError(f"{LENGTH_MODEL_FILE}: format {data.get('format')!r}, this version "
                         f"reads {LENGTH_MODEL_FORMAT!r}; reinstall qa_pipeline")
    pairs: dict[tuple[str, str], Model] = {}
    for k, v in data["pairs"].items():
        src, tgt = k.split("-", 1)
        pairs[(src, tgt)] = (float(v[0]), float(v[1]), float(v[2]))
    fb = data["fallback"]
    return pairs, (float(fb[0]), float(fb[1]), float(fb[2]))


MINOR_Z = 3.0
MAJOR_Z = 4.0
MIN_CHARS = 10  # when both sides are shorter, one word decides the ratio
SHORT_WORDS = 1  # a side of one word (a label, an abbreviation): a length hit is at most minor


def _model(src_lang: str, tgt_lang: str) -> Model:
    pairs, fallback = length_model()
    key = (base_lang(src_lang), base_lang(tgt_lang))
    if key in pairs:
        return pairs[key]
    rev = (key[1], key[0])
    if rev in pairs:
        mu, a, b = pairs[rev]
        return -mu, a, b
    if key[0] == key[1]:
        return 0.0, fallback[1], fallback[2]
    return fallback


# Units per character of the scripts that pack a word into one to three characters (see the
# module's docstring): Han (Chinese, Japanese kanji) 3, kana 2, Hangul syllables 2.5. Every
# other character is one unit.
SCRIPT_WEIGHTS: tuple[tuple[re.Pattern[str], float], ...] = (
    (re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]"), 3.0),
    (re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]"), 2.0),
    (re.compile(r"[\uac00-\ud7af]"), 2.5),
)
# (log of a factor 1.3)^2: how far the prior weights may be off, as variance of the log ratio.
PRIOR_VARIANCE = 0.069


def units(text: str) -> float:
    """The length of `text` (stripped) in units comparable across scripts (`SCRIPT_WEIGHTS`)."""
    text = text.strip()
    extra = 0.0
    for pattern, weight in SCRIPT_WEIGHTS:
        n = len(pattern.findall(text))
        extra += n * (weight - 1.0)
    return len(text) + extra


def z_score(src: str, tgt: str, src_lang: str, tgt_lang: str) -> float:
    ls, lt = units(src), units(tgt)
    if ls == 0 or lt == 0:
        return 0.0
    mu, a, b = _model(src_lang, tgt_lang)
    if ls != len(src.strip()) or lt != len(tgt.strip()):
        a += PRIOR_VARIANCE  # a side counted with the prior weights
    sigma = math.sqrt(a + b / ((ls + lt) / 2))
    return (math.log(lt / ls) - mu) / sigma


def _words(text: str) -> int:
    """The words of `text`: its whitespace-separated tokens, or for a side in a script written
    without spaces, its units (`units`) over six, about an English word with its space."""
    n = len(text.split())
    u = units(text)
    return n if u == len(text.strip()) else max(n, int(u // 6))


def check_length(src: str, tgt: str, src_lang: str, tgt_lang: str) -> list[Hit]:
    if max(len(src.strip()), len(tgt.strip())) < MIN_CHARS:
        return []
    z = z_score(src, tgt, src_lang, tgt_lang)
    if abs(z) <= MINOR_Z:
        return []
    # A label or a heading of a few words ("Parking" / "Automobilių stovėjimo aikštelė",
    # "KKK"): the length model was fitted on sentences, and one word decides the ratio.
    short = min(_words(src), _words(tgt)) <= SHORT_WORDS
    severity: Severity = "major" if abs(z) > MAJOR_Z and not short else "minor"
    longer = "target" if z > 0 else "source"
    msg = (f"the {longer} is unusually long for this language pair (source "
           f"{len(src.strip())}, target {len(tgt.strip())} characters; z = {z:+.1f})")
    score = min(1.0, (abs(z) - MINOR_Z) / 3 + 0.3)
    return [Hit("length", severity, round(score, 3), msg,
                ((0, len(src)),) if z < 0 else (), ((0, len(tgt)),) if z > 0 else ())]


CHECK = CheckSpec("length", "length", check_length)
