"""The Hit record every mechanical check returns, the CheckSpec that registers a check, and
the small text helpers the checks share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ...langs import base_lang
from ...text import strip_diacritics, word_count, words
from ...types import CheckKind, Severity

Spans = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Hit:
    kind: CheckKind
    severity: Severity
    score: float  # in [0, 1]: confidence that this is a real defect
    message: str
    source_spans: Spans  # character offsets into the source text given to the check
    target_spans: Spans


CheckFn = Callable[[str, str, str, str], list[Hit]]


@dataclass(frozen=True)
class CheckSpec:
    """A registered check: `run(src, tgt, src_lang, tgt_lang)` is pure and returns Hits of
    `kind` with offsets into the texts it was given. A check whose highest score per bead is
    an input of the drift model names that input in `drift_feature` (e.g. "chk_number")."""

    name: str
    kind: CheckKind
    run: CheckFn
    drift_feature: str | None = None


def clamp01(x: float) -> float:
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x


__all__ = ["CheckFn", "CheckSpec", "Hit", "Spans", "base_lang", "clamp01", "strip_diacritics",
           "word_count", "words"]
