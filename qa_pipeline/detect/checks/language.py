"""Wrong language or untranslated text: each side must be in its declared language, and the
target must not be a copy of the source.

Detection uses lingua (offline; its models ship in the wheel) restricted to the languages that
plausibly turn up in Baltic/Nordic translation work, which keeps it fast and avoids confusions
with distant languages. The detector is built on first use and cached for the process.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ...text import word_key
from .base import CheckSpec, Hit, base_lang, word_count

SUPPORTED = ("lt", "et", "en", "lv", "fi", "ru", "de", "fr", "pl")
MIN_WORDS = 4
# A side is flagged only when the detector is sure of another language and gives the declared
# one almost nothing: names and quoted titles otherwise tip short sentences.
MIN_OTHER_CONFIDENCE = 0.9
MAX_DECLARED_CONFIDENCE = 0.05

_CAPS_OR_QUOTED = re.compile(r"„[^“”]*[“”]|“[^”]*”|\"[^\"]*\"|\b[A-Z]\w*")


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, c.upper()) for c in SUPPORTED]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def confidences(text: str) -> dict[str, float]:
    """ISO 639-1 code -> lingua confidence, for the SUPPORTED languages."""
    values = _detector().compute_language_confidence_values(text)
    return {v.language.iso_code_639_1.name.lower(): float(v.value) for v in values}


def _side_hit(text: str, lang: str, side: str) -> Hit | None:
    lang = base_lang(lang)
    if lang not in SUPPORTED:
        return None
    # Names and quoted titles are often foreign; judge the running text.
    body = _CAPS_OR_QUOTED.sub(" ", text)
    if word_count(body) < MIN_WORDS:
        return None
    conf = confidences(body)
    top = max(conf, key=lambda k: conf[k])
    if top == lang or conf[top] < MIN_OTHER_CONFIDENCE:
        return None
    if conf.get(lang, 0.0) > MAX_DECLARED_CONFIDENCE:
        return None
    span = ((0, len(text)),)
    return Hit("language", "major", round(conf[top], 3),
               f"the {side} looks like {top}, not {lang} (confidence {conf[top]:.2f})",
               span if side == "source" else (), span if side == "target" else ())


def check_language(src: str, tgt: str, src_lang: str, tgt_lang: str) -> list[Hit]:
    if (word_count(src) >= MIN_WORDS and base_lang(src_lang) != base_lang(tgt_lang)
            and word_key(src) == word_key(tgt)):
            return [Hit("language", "major", 0.95, "the target is a copy of the source "
                        "(left untranslated)", ((0, len(src)),), ((0, len(tgt)),))]
    hits = []
    for text, lang, side in ((src, src_lang, "source"), (tgt, tgt_lang, "target")):
        h = _side_hit(text, lang, side)
        if h is not None:
            hits.append(h)
    return hits


CHECK = CheckSpec("language", "language", check_language)
