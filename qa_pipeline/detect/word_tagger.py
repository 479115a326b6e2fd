"""The word tagger drift uses: the model's cross-encoder tagger (``cross_tagger.py``) where one
ships, blended with its feature tagger over separate token states (``tagger.py``) when the
cross tagger's header says so; else the feature tagger alone; else none (occlusion then gives
the spans). One entry point for loading, one for tagging, and one that asks the encoder to keep
the states the feature tagger reads from the aligner's pass."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import ModelError
from ..token_states import state_source
from .cross_tagger import CrossTaggerModel, load_cross, tag_cross
from .tagger import PairTags, TaggerModel, load_tagger, tag_pairs

WordTagger = TaggerModel | CrossTaggerModel


def load_word_tagger(model_name: str) -> WordTagger | None:
    return load_cross(model_name) or load_tagger(model_name)


def keep_tagger_states(model_name: str, encoder: Any) -> None:
    """Ask `encoder` (or the encoder it wraps) to keep, from its next passes (the aligner's),
    the token states the model's feature tagger reads, so that tagging those texts needs no
    pass of its own. Nothing for a model without one, or an encoder that keeps no states."""
    model = load_word_tagger(model_name)
    feature = model if isinstance(model, TaggerModel) else (
        load_tagger(model.encoder) if model is not None and model.blend < 1.0 else None)
    source = state_source(encoder, "keep_layer_states")
    if feature is not None and source is not None:
        source.keep_layer_states(feature.layers)


def blend_tags(cross: PairTags, features: PairTags, w: float) -> PairTags:
    """w·cross + (1 − w)·features, word by word (both tag the pipeline's words)."""
    if cross.source_spans != features.source_spans or cross.target_spans != features.target_spans:
        raise ValueError("the two taggers tagged different words")
    return PairTags(cross.source_spans, w * cross.source_bad + (1 - w) * features.source_bad,
                    cross.target_spans, w * cross.target_bad + (1 - w) * features.target_bad,
                    w * cross.sentence + (1 - w) * features.sentence)


def tag_words(model: WordTagger, encoder: Any, pairs: Sequence[tuple[str, str]]
              ) -> list[PairTags]:
    if not isinstance(model, CrossTaggerModel):
        return tag_pairs(model, encoder, pairs)
    tags = tag_cross(model, encoder, pairs)
    if model.blend >= 1.0:
        return tags
    partner = load_tagger(model.encoder)
    if partner is None:
        raise ModelError(f"word tagger {model.model_id}: blends with the feature tagger of "
                         f"{model.encoder}, which is not installed; reinstall qa_pipeline")
    return [blend_tags(c, f, model.blend)
            for c, f in zip(tags, tag_pairs(partner, encoder, pairs), strict=True)]


__all__ = ["WordTagger", "blend_tags", "keep_tagger_states", "load_word_tagger", "tag_words"]
