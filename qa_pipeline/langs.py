"""Language codes: one normalisation for the whole pipeline (BCP 47 / ISO 639 via langcodes)."""

from __future__ import annotations

from functools import lru_cache


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
