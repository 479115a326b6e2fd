"""Mechanical checks on an aligned pair of texts: things sentence embeddings miss.

Embeddings score a flipped negation, a changed number or a swapped name at ~0.95 cosine, so
each bead's two sides also go through deterministic checks. Every check is a pure function
`check(src, tgt, src_lang, tgt_lang) -> list[Hit]` with offsets into the texts it was given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .base import Hit
from .brackets import check_brackets
from .entities import check_entities
from .language import check_language
from .length import check_length
from .negation import check_negation
from .numbers import check_numbers
from .punctuation import check_punctuation
from .urls import check_urls

Check = Callable[[str, str, str, str], list[Hit]]

CHECKS: dict[str, Check] = {
    "numbers": check_numbers,
    "negation": check_negation,
    "entities": check_entities,
    "urls": check_urls,
    "punctuation": check_punctuation,
    "brackets": check_brackets,
    "language": check_language,
    "length": check_length,
}


def run_checks(src: str, tgt: str, src_lang: str, tgt_lang: str,
               enabled: Iterable[str] | None = None) -> list[Hit]:
    """Run the enabled checks (all when None) in registry order; unknown names raise."""
    names = list(CHECKS) if enabled is None else list(enabled)
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        raise KeyError(f"unknown check(s) {unknown}; available: {sorted(CHECKS)}")
    hits: list[Hit] = []
    for name in names:
        hits.extend(CHECKS[name](src, tgt, src_lang, tgt_lang))
    return hits


__all__ = ["CHECKS", "Check", "Hit", "run_checks"]
