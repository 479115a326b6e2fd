"""The word tagger drift uses: the model's cross-encoder tagger (``cross_tagger.py``) where one
ships, blended with its feature tagger over separate token states (``tagger.py``) when the
cross tagger's header says so, and with the evidence of unmatched target words
(``word_match.py``) when it names one; else the feature tagger alone; else none (occlusion
then gives the spans). One entry point for loading, one for tagging, and one that asks the
encoder to keep the states the feature tagger reads from the aligner's pass."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from ..cache import record_key
from ..embed import release_freed_memory, revision_of
from ..errors import ModelError
from ..text import word_spans
from ..token_states import state_source
from .cross_tagger import CrossTaggerModel, load_cross, tag_cross
from .misfit import MisfitModel, load_misfit, misfit_words
from .tagger import PairTags, TaggerModel, cached_states, load_tagger, tag_pairs
from .word_fit import with_fit
from .word_match import with_match

WordTagger = TaggerModel | CrossTaggerModel


def load_word_tagger(model_name: str) -> WordTagger | None:
    return load_cross(model_name) or load_tagger(model_name)


def keep_tagger_states(model_name: str, encoder: Any) -> None:
    """Ask `encoder` (or the encoder it wraps) to keep, from its next passes (the aligner's),
    the token states the model's feature tagger and its swapped-word detector read, so that
    tagging those texts needs no pass of its own. Nothing for a model without them, or an
    encoder that keeps no states."""
    model = load_word_tagger(model_name)
    feature = _feature_tagger(model) if model is not None else None
    misfit = load_misfit(model_name) if isinstance(model, CrossTaggerModel) else None
    layers = sorted({*(feature.layers if feature is not None else ()),
                     *(misfit.state_layers if misfit is not None else ())})
    source = state_source(encoder, "keep_layer_states")
    if layers and source is not None:
        source.keep_layer_states(tuple(layers))


def _feature_tagger(model: WordTagger) -> TaggerModel | None:
    """The feature tagger whose tags `model` gives: itself, the one a cross tagger blends
    with, or None for a cross tagger alone (blend 1.0)."""
    if isinstance(model, TaggerModel):
        return model
    if model.blend >= 1.0:
        return None
    partner = load_tagger(model.encoder)
    if partner is None:
        raise ModelError(f"word tagger {model.model_id}: blends with the feature tagger of "
                         f"{model.encoder}, which is not installed; reinstall qa_pipeline")
    return partner


def blend_tags(cross: PairTags, features: PairTags, w: float) -> PairTags:
    """w·cross + (1 − w)·features, word by word (both tag the pipeline's words)."""
    if cross.source_spans != features.source_spans or cross.target_spans != features.target_spans:
        raise ValueError("the two taggers tagged different words")
    return PairTags(cross.source_spans, w * cross.source_bad + (1 - w) * features.source_bad,
                    cross.target_spans, w * cross.target_bad + (1 - w) * features.target_bad,
                    w * cross.sentence + (1 - w) * features.sentence)


# Beads tagged at a time. Each chunk's token states (read from the encoder's kept states or
# computed) and word states are dropped before the next, so a long document's tagging holds one
# chunk's, not every text's: tagging 1,997 NTREX pairs at once peaked at 3.0 GB, in chunks at
# 2.2 GB (BENCHMARKS, "Session 30"). In fp32 the tags do not depend on the chunking; in bf16 a
# pass's results depend on the batch it ran in, and batches are cut from a chunk.
TAG_CHUNK = 256


def tag_words(model: WordTagger, encoder: Any, pairs: Sequence[tuple[str, str]],
              progress: Callable[[int, int], None] | None = None) -> list[PairTags]:
    """Every pair's tags: from the encoder's on-disk cache where an earlier run stored them
    (one record per pair, keyed by the taggers' weights and the encoder's revision), so a
    rerun over the same text needs neither the model nor a pass; the rest are computed
    (TAG_CHUNK pairs at a time) and stored. `progress` gets (pairs tagged, pairs) as chunks
    finish."""
    if not pairs:
        return []
    store = getattr(encoder, "cache", None)
    key_of: dict[tuple[str, str], str] = {}
    tags: dict[tuple[str, str], PairTags] = {}
    if store is not None:
        revision = revision_of(encoder)  # the cache's
        weights = fingerprint(model)
        key_of = {p: record_key(TAGS_RECORD, weights, encoder.name, revision, *p)
                  for p in dict.fromkeys(pairs)}
        found = store.get_records(list(key_of.values()))
        tags = {p: _from_record(p, found[k]) for p, k in key_of.items() if k in found}
    todo = [p for p in dict.fromkeys(pairs) if p not in tags]
    beads = Counter(pairs)  # progress counts pairs as given (a repeated pair each time)
    done = len(pairs) - sum(beads[p] for p in todo)
    if progress is not None:
        progress(done, len(pairs))
    for start in range(0, len(todo), TAG_CHUNK):
        chunk = todo[start:start + TAG_CHUNK]
        new = dict(zip(chunk, _tag_words(model, encoder, chunk), strict=True))
        if store is not None:
            store.put_records({key_of[p]: _to_record(t) for p, t in new.items()})
        tags.update(new)
        release_freed_memory()  # the chunk's states, freed: else a fragmented heap keeps them
        done += sum(beads[p] for p in chunk)
        if progress is not None:
            progress(done, len(pairs))
    return [tags[p] for p in pairs]


# The record kind of a pair's cached tags.
TAGS_RECORD = "word-tags/1"


# The last tagger fingerprinted and its fingerprint (held, so identity cannot be reused): a run
# tags with one model, and hashing its 2 MB of weights again for every pair cost 7 ms a pair
# (session 19).
_LAST_FINGERPRINT: list[tuple[WordTagger, str]] = []


def fingerprint(model: WordTagger) -> str:
    """What decides the tags: the weights of the tagger and of the feature tagger it blends
    with, the blend and the layers (SHA-256 over names, shapes and bytes), once per model."""
    if _LAST_FINGERPRINT and _LAST_FINGERPRINT[0][0] is model:
        return _LAST_FINGERPRINT[0][1]
    h = hashlib.sha256()
    parts: list[WordTagger | MisfitModel] = [model]
    if isinstance(model, CrossTaggerModel):
        h.update(f"blend={model.blend!r}".encode())
        if model.match is not None:
            h.update(f"match={model.match!r}".encode())
        if model.fit is not None:  # "marks": the fit moves the marking only (session 21)
            h.update(f"fit-marks={model.fit!r}".encode())
        partner = _feature_tagger(model)
        parts += [partner] if partner is not None else []
        misfit = load_misfit(model.encoder)
        if misfit is not None:  # its logits are stored with the tags
            h.update(f"misfit={misfit.taps}/{misfit.frozen}/{misfit.scale}".encode())
            parts.append(misfit)
    for m in parts:
        h.update(f"{m.model_id}|{getattr(m, 'layers', '')}".encode())
        for name in sorted(m.weights):
            w = np.ascontiguousarray(m.weights[name])
            h.update(f"{name}{w.shape}{w.dtype}".encode())
            h.update(w.tobytes())
    _LAST_FINGERPRINT[:] = [(model, h.hexdigest())]
    return _LAST_FINGERPRINT[0][1]


def _to_record(tags: PairTags) -> str:
    record: dict[str, Any] = {"source": tags.source_bad.tolist(),
                              "target": tags.target_bad.tolist(), "sentence": tags.sentence}
    if tags.target_mark is not None:
        record["mark"] = tags.target_mark.tolist()
    if tags.target_misfit is not None:
        record["misfit"] = tags.target_misfit.tolist()
    return json.dumps(record)


def _from_record(pair: tuple[str, str], record: str) -> PairTags:
    """A stored record as tags (the words are the pipeline's words of the pair's texts)."""
    d = json.loads(record)
    mark, misfit = d.get("mark"), d.get("misfit")
    return PairTags(tuple(word_spans(pair[0])), np.asarray(d["source"], dtype=float),
                    tuple(word_spans(pair[1])), np.asarray(d["target"], dtype=float),
                    float(d["sentence"]),
                    None if mark is None else np.asarray(mark, dtype=float),
                    None if misfit is None else np.asarray(misfit, dtype=float))


def _tag_words(model: WordTagger, encoder: Any, pairs: Sequence[tuple[str, str]]
               ) -> list[PairTags]:
    if not isinstance(model, CrossTaggerModel):
        return tag_pairs(model, encoder, pairs)
    tags = tag_cross(model, encoder, pairs)
    partner = _feature_tagger(model)
    if partner is not None:
        tags = [blend_tags(c, f, model.blend)
                for c, f in zip(tags, tag_pairs(partner, encoder, pairs), strict=True)]
    misfit = load_misfit(model.encoder)
    if misfit is not None:
        logits = misfit_words(misfit, encoder, [t for _, t in pairs])
        tags = [replace(t, target_misfit=lg) for t, lg in zip(tags, logits, strict=True)]
    if model.match is None and model.fit is None:
        return tags
    # The feature tagger's word states where they hold the layers the evidence reads (just
    # computed, so the memo answers); else a pass for those layers alone.
    wanted = tuple(sorted({*((model.match.layer,) if model.match else ()),
                           *(model.fit.layers if model.fit else ())}))
    layers = (partner.layers if partner is not None and set(wanted) <= set(partner.layers)
              else wanted)
    states = cached_states(encoder, [t for p in pairs for t in p], layers)
    if model.match is not None:
        tags = [with_match(t, states[s], states[g], layers, model.match)
                for t, (s, g) in zip(tags, pairs, strict=True)]
    if model.fit is not None:
        tags = [with_fit(t, states[g], layers, model.fit)
                for t, (_, g) in zip(tags, pairs, strict=True)]
    return tags


__all__ = ["WordTagger", "blend_tags", "fingerprint", "keep_tagger_states", "load_word_tagger",
           "tag_words"]
