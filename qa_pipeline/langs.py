"""Language codes: one normalisation for the whole pipeline (BCP 47 / ISO 639 via langcodes)."""

from __future__ import annotations

from functools import lru_cache

from .errors import ConfigError


@lru_cache(maxsize=256)
def base_lang(lang: str) -> str:
    """'et-EE' / 'est' / 'ET' / 'ger' -> 'et' / 'et' / 'et' / 'de': the ISO 639-1 code when
    the language has one (checks and calibrations are keyed on it), else the code lower-cased."""
    import langcodes

    code = lang.strip().replace("_", "-")
    try:
        found = langcodes.Language.get(langcodes.standardize_tag(code)).language
    except (ValueError, LookupError):
        found = None
    return found or code.lower().split("-")[0]


def check_lang(lang: str, option: str) -> str:
    """`lang` if it is a valid BCP 47 / ISO 639 language code; else a ConfigError naming the
    option and the code."""
    import langcodes

    code = lang.strip().replace("_", "-")
    try:
        valid = bool(code) and langcodes.tag_is_valid(langcodes.standardize_tag(code))
    except (ValueError, LookupError):
        valid = False
    if not valid:
        raise ConfigError(f"{option} {lang!r} is not a known language code; give an ISO 639 "
                          "/ BCP 47 code such as lt, et, en or lt-LT")
    return lang
