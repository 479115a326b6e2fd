"""The Hit record every mechanical check returns, the CheckSpec that registers a check, and
the small text helpers the checks share."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from ...errors import ModelError
from ...langs import base_lang
from ...text import all_caps, emphasised, strip_diacritics, word_count, words
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
EmbedFn = Callable[[Sequence[str]], np.ndarray]
# (text, (start, end)) jobs -> one unit row each: the span's vector in its text
SpansFn = Callable[[Sequence[tuple[str, tuple[int, int]]]], np.ndarray]


@dataclass(frozen=True)
class Embedding:
    """What a check's encoder stage is given: the model's name (its settings are per model,
    see `encoder_settings`), an embed function returning unit rows, and optionally `spans`,
    a phrase's vector read from its sentence's token states (`token_states.span_means`)."""

    model: str
    embed: EmbedFn
    spans: SpansFn | None = None

    def span_vectors(self, jobs: Sequence[tuple[str, tuple[int, int]]]) -> np.ndarray:
        """One unit row per (text, span): from `spans`, or, without it, each span's
        characters embedded on their own."""
        if self.spans is not None:
            return self.spans(jobs)
        return self.embed([text[a:b] for text, (a, b) in jobs])


# (bead side texts in document order, this check's hits per bead, src_lang, tgt_lang) -> hits
DocumentFn = Callable[[Sequence[tuple[str, str]], Sequence[tuple[Hit, ...]], str, str],
                      list[tuple[Hit, ...]]]
# (bead side texts, this check's hits per bead, src_lang, tgt_lang, embedding) -> new hits
RefineFn = Callable[[Sequence[tuple[str, str]], Sequence[tuple[Hit, ...]], str, str, Embedding],
                    list[tuple[Hit, ...]]]


@dataclass(frozen=True)
class CheckSpec:
    """A registered check: `run(src, tgt, src_lang, tgt_lang)` is pure and returns Hits of
    `kind` with offsets into the texts it was given. A check whose highest score per bead is
    an input of the drift model names that input in `drift_feature` (e.g. "chk_number").

    `document`, when given, is a rule pass over all of a pair's beads in document order, run
    right after `run` on each: it drops the hits its neighbours explain (a quotation that
    spans sentences). Its hits are rule hits (what the drift model reads).

    `refine`, when given, is a second stage over all of a pair's beads at once: with the
    encoder it drops or narrows the hits that the text rules could not rule out (a name whose
    counterpart is a translation, a negation the other side expresses lexically). It only
    ever removes hits or spans, and it is a no-op for a model without settings.

    `release`, when given, frees what `run` loaded and keeps for the process (a model); it is
    called after a long document's beads (`config.RELEASE_CHECK_MODELS_PAIRS`), where memory
    matters more than loading it again for the next document."""

    name: str
    kind: CheckKind
    run: CheckFn
    drift_feature: str | None = None
    document: DocumentFn | None = None
    refine: RefineFn | None = None
    release: Callable[[], None] | None = None


ENCODER_SETTINGS_FILE = "check_encoder.json"
ENCODER_SETTINGS_FORMAT = "qa_pipeline.check_encoder/1"


@lru_cache(maxsize=1)
def _encoder_settings_file() -> Mapping[str, Any]:
    f = resources.files("qa_pipeline") / "data" / ENCODER_SETTINGS_FILE
    data = json.loads(f.read_text(encoding="utf-8"))
    if data.get("format") != ENCODER_SETTINGS_FORMAT:
        raise ModelError(f"{ENCODER_SETTINGS_FILE}: format {data.get('format')!r}, this version "
                         f"reads {ENCODER_SETTINGS_FORMAT!r}; reinstall qa_pipeline")
    return dict(data["models"])


def encoder_settings(check: str, model: str) -> Mapping[str, float] | None:
    """The encoder stage's thresholds for `check` under `model` (derived from data by
    `bench/check_encoder.py`), or None when that model has none: the stage is then off."""
    entry = _encoder_settings_file().get(model)
    if entry is None or check not in entry:
        return None
    return {k: float(v) for k, v in entry[check].items()}


def clamp01(x: float) -> float:
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x


__all__ = ["CheckFn", "CheckSpec", "DocumentFn", "EmbedFn", "Embedding", "Hit", "RefineFn", "Spans",
           "SpansFn", "all_caps", "base_lang", "clamp01", "emphasised", "encoder_settings",
           "strip_diacritics", "word_count", "words"]
