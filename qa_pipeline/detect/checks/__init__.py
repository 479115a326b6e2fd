"""Mechanical checks on an aligned pair of texts: things sentence embeddings miss.

Embeddings score a flipped negation, a changed number or a swapped name at ~0.95 cosine, so
each bead's two sides also go through deterministic checks. Each check is one module that
defines a pure function and a `CHECK = CheckSpec(...)`; adding one is that module plus one
line in the tuple below. Registry order is the order hits are reported in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from ...config import RELEASE_CHECK_MODELS_PAIRS
from . import brackets, entities, language, length, negation, numbers, punctuation, urls
from .base import CheckFn, CheckSpec, Embedding, Hit

CHECKS: dict[str, CheckSpec] = {spec.name: spec for spec in (
    numbers.CHECK,
    negation.CHECK,
    entities.CHECK,
    urls.CHECK,
    punctuation.CHECK,
    brackets.CHECK,
    language.CHECK,
    length.CHECK,
)}


def check_names(enabled: Iterable[str] | None = None) -> list[str]:
    """The enabled check names (all when None) in registry order; unknown names raise."""
    names = list(CHECKS) if enabled is None else list(enabled)
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        raise KeyError(f"unknown check(s) {unknown}; available: {sorted(CHECKS)}")
    return names


def drift_feature_checks() -> list[CheckSpec]:
    """The checks whose scores feed the drift model, in registry order."""
    return [spec for spec in CHECKS.values() if spec.drift_feature is not None]


def run_checks(src: str, tgt: str, src_lang: str, tgt_lang: str,
               enabled: Iterable[str] | None = None) -> list[Hit]:
    """Run the enabled checks (all when None) in registry order; unknown names raise."""
    hits: list[Hit] = []
    for name in check_names(enabled):
        hits.extend(CHECKS[name].run(src, tgt, src_lang, tgt_lang))
    return hits


def check_beads(pairs: Sequence[tuple[str, str]], src_lang: str, tgt_lang: str,
                names: Iterable[str], embedding: Embedding | None = None,
                ) -> dict[str, list[tuple[Hit, ...]]]:
    """Each named check's hits on every bead (`pairs` are the beads' two side texts); with an
    `embedding`, the checks that have an encoder stage refine their hits over all beads in one
    go (one embed call per check)."""
    return check_beads_staged(pairs, src_lang, tgt_lang, names, embedding)[1]


def check_beads_staged(pairs: Sequence[tuple[str, str]], src_lang: str, tgt_lang: str,
                       names: Iterable[str], embedding: Embedding | None = None,
                       progress: Callable[[int, int], None] | None = None,
                       ) -> tuple[dict[str, list[tuple[Hit, ...]]],
                                  dict[str, list[tuple[Hit, ...]]]]:
    """The rule hits (each check's `run` per bead, then its `document` pass over all beads)
    and the refined hits (the same objects where a check has no encoder stage): the drift
    model reads the rule hits it was calibrated on, findings the refined.
    Every check's rule pass runs before the first encoder stage, so a long document's caller
    can free the encoder for the rule passes (`build_context`). `progress(done, total)` counts
    (check, pair) steps of the rule passes, reported every 256 pairs."""
    raw: dict[str, list[tuple[Hit, ...]]] = {}
    todo = check_names(names)
    total = len(todo) * len(pairs)
    for k, name in enumerate(todo):
        spec = CHECKS[name]
        hits = []
        for j, (s, t) in enumerate(pairs):
            hits.append(tuple(spec.run(s, t, src_lang, tgt_lang)))
            if progress and (j % 256 == 255 or j == len(pairs) - 1):
                progress(k * len(pairs) + j + 1, total)
        if spec.document is not None and any(hits):
            hits = spec.document(pairs, hits, src_lang, tgt_lang)
        if spec.release is not None and len(pairs) >= RELEASE_CHECK_MODELS_PAIRS:
            spec.release()
        raw[name] = hits
    out: dict[str, list[tuple[Hit, ...]]] = {}
    for name in todo:
        spec, hits = CHECKS[name], raw[name]
        if embedding is not None and spec.refine is not None and any(hits):
            hits = spec.refine(pairs, hits, src_lang, tgt_lang, embedding)
        out[name] = hits
    return raw, out


__all__ = ["CHECKS", "CheckFn", "CheckSpec", "Embedding", "Hit", "check_beads",
           "check_beads_staged", "check_names", "drift_feature_checks", "run_checks"]
