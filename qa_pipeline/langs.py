"""Language codes: one normalisation for the whole pipeline (BCP 47 / ISO 639 via langcodes)."""

from __future__ import annotations

import re
from functools import lru_cache

from .errors import ConfigError

# Codes answered without langcodes, whose import costs about 0.2 s of every start-up: ISO
# 639-1 codes that are valid and are their own base code, exactly as langcodes says
# (tests/unit/test_startup.py checks every one against it).
PLAIN_CODES = frozenset({
    "af", "ar", "az", "be", "bg", "bn", "bs", "ca", "cs", "cy", "da", "de", "el", "en", "eo",
    "es", "et", "eu", "fa", "fi", "fr", "ga", "gu", "he", "hi", "hr", "hu", "hy", "id", "is",
    "it", "ja", "ka", "kk", "ko", "la", "lg", "lt", "lv", "mi", "mk", "mn", "mr", "ms", "nb",
    "nl", "nn", "pa", "pl", "pt", "ro", "ru", "sk", "sl", "sn", "so", "sq", "sr", "st", "sv",
    "sw", "ta", "te", "th", "tn", "tr", "ts", "uk", "ur", "vi", "xh", "yo", "zh", "zu"
})


@lru_cache(maxsize=256)
def base_lang(lang: str) -> str:
    """'et-EE' / 'est' / 'ET' / 'ger' -> 'et' / 'et' / 'et' / 'de': the ISO 639-1 code when
    the language has one (checks and calibrations are keyed on it), else the code lower-cased."""
    code = lang.strip().replace("_", "-")
    if code in PLAIN_CODES:
        return code
    import langcodes

    try:
        found = langcodes.Language.get(langcodes.standardize_tag(code)).language
    except (ValueError, LookupError):
        found = None
    return found or code.lower().split("-")[0]


def is_lang(lang: str) -> bool:
    """Whether `lang` is a valid BCP 47 / ISO 639 language code ("lt", "lt-LT", "pt_BR")."""
    code = lang.strip().replace("_", "-")
    if code in PLAIN_CODES:
        return True
    import langcodes

    try:
        return bool(code) and langcodes.tag_is_valid(langcodes.standardize_tag(code))
    except (ValueError, LookupError):
        return False


def canonical(lang: str) -> str:
    """A valid code as BCP 47 writes it ("LT" -> "lt", "lt_LT" -> "lt-LT", "est-EE" ->
    "et-EE"), so reports and messages name the language one way; anything else as given."""
    code = lang.strip()
    if code in PLAIN_CODES or not is_lang(code):
        return code
    import langcodes

    return str(langcodes.standardize_tag(code.replace("_", "-")))


def check_lang(lang: str, option: str) -> str:
    """`lang` as `canonical` writes it if it is a valid BCP 47 / ISO 639 language code; else a
    ConfigError naming the option and the code."""
    if not is_lang(lang):
        raise ConfigError(f"{option} {lang!r} is not a known language code; give an ISO 639 "
                          "/ BCP 47 code such as lt, et, en or lt-LT")
    return canonical(lang)


# Language identification (the language check) weighs a side only against the languages it could
# plausibly be in instead of its own: the pair's, each one's neighbours and confusables (shared
# vocabulary or script, the region's other languages and its usual source languages: German for
# the Baltic ones), and English, the usual pivot and the text most often left untranslated. Every
# candidate in another script than the text costs nothing (lingua rules it out by alphabet); each
# in the same script costs lingua's trigram models (low-accuracy mode,
# `detect/checks/language.py`) to load, so the lists stay short. A language not listed is weighed
# against the pair and English. (Measured on NTREX-128 in BENCHMARKS.md, "Start-up (#12)".)
CONFUSABLE: dict[str, tuple[str, ...]] = {
    "lt": ("lv", "pl", "ru", "de"),
    "lv": ("lt", "et", "ru", "de"),
    "et": ("fi", "lv", "ru", "de"),
    "fi": ("et", "sv"),
    "sv": ("da", "nb", "fi"),
    "da": ("nb", "sv"),
    "nb": ("nn", "da", "sv"),
    "nn": ("nb", "da"),
    "is": ("da", "nb"),
    "de": ("nl", "da"),
    "nl": ("de", "af"),
    "af": ("nl",),
    "fr": ("it", "es"),
    "es": ("pt", "ca", "it"),
    "pt": ("es", "it"),
    "it": ("es", "fr"),
    "ca": ("es", "fr"),
    "ro": ("it", "fr"),
    "pl": ("cs", "sk", "lt"),
    "cs": ("sk", "pl"),
    "sk": ("cs", "pl"),
    "sl": ("hr", "sr"),
    "hr": ("bs", "sr", "sl"),
    "bs": ("hr", "sr"),
    "sr": ("hr", "bs"),
    "ru": ("uk", "be", "bg"),
    "uk": ("ru", "be"),
    "be": ("ru", "uk"),
    "bg": ("mk", "ru"),
    "mk": ("bg", "sr"),
    "hu": ("ro", "sk"),
}
ALWAYS_PLAUSIBLE = ("en",)


def plausible_languages(*langs: str) -> tuple[str, ...]:
    """The base codes a text of these languages could be confused with, each once: the
    languages themselves, their `CONFUSABLE` neighbours and `ALWAYS_PLAUSIBLE`, sorted."""
    bases = [base_lang(x) for x in langs]
    out = set(bases) | set(ALWAYS_PLAUSIBLE)
    for b in bases:
        out.update(CONFUSABLE.get(b, ()))
    return tuple(sorted(out))


# The letters of the Cyrillic alphabets lingua weighs against each other. Short sentences of
# one read as another ("Я стою перед вами" as Ukrainian), so a side declared in one of these
# is taken to be in a neighbour only when it has letters its declared alphabet lacks: і ї є ґ
# are Ukrainian, ы э ё Russian, ў Belarusian, ђ ћ џ Serbian, ѓ ќ ѕ Macedonian.
_CYRILLIC_ALPHABETS: dict[str, str] = {
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "uk": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
    "be": "абвгдеёжзійклмнопрстуўфхцчшыьэюя",
    "bg": "абвгдежзийклмнопрстуфхцчшщъьюя",
    "sr": "абвгдђежзијклљмнњопрстћуфхцчџш",
    "mk": "абвгдѓежзѕијклљмнњопрстќуфхцчџш",
}
# Letters of an alphabet that are impossible in some places: Russian writes ъ only as a hard
# sign before е ё ю я (Bulgarian as a vowel anywhere), Bulgarian ь only before о.
_CYRILLIC_IMPOSSIBLE: dict[str, re.Pattern[str]] = {
    "ru": re.compile(r"ъ(?![еёюя])"),
    "bg": re.compile(r"ь(?!о)"),
}


def cyrillic_neighbours(a: str, b: str) -> bool:
    """Whether both languages are written in one of the `_CYRILLIC_ALPHABETS`."""
    return base_lang(a) in _CYRILLIC_ALPHABETS and base_lang(b) in _CYRILLIC_ALPHABETS


def impossible_in(text: str, lang: str) -> bool:
    """Whether `text` has Cyrillic letters (or uses of them) that `lang`'s alphabet lacks: the
    orthographic evidence that a text declared `lang` is in a Cyrillic neighbour instead.
    False for a language without a listed alphabet."""
    lang = base_lang(lang)
    alphabet = _CYRILLIC_ALPHABETS.get(lang)
    if alphabet is None:
        return False
    low = text.lower()
    if any("\u0400" <= c <= "\u04ff" and c not in alphabet for c in low):
        return True
    pattern = _CYRILLIC_IMPOSSIBLE.get(lang)
    return pattern is not None and pattern.search(low) is not None
