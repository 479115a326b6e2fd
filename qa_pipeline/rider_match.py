"""The aligner's word evidence for riders (`align/riders.py`) from an encoder's token states.

`align_with_encoder` is `align_documents` over an encoder with this evidence; `rider_match`
gives the `MatchFn` itself: a bead side's sentences and the other side's
run in, each sentence's share of words with a mutual best match out, from the words' token
states at one hidden layer (`detect.tagger.word_states`: the states the encoder kept of the
aligner's pass where it keeps that layer, else one pass over those few sentences). Each answer
is stored in the encoder's cache as a record, so a cached rerun needs neither states nor model.
Only for encoders this package runs as a lean BERT (`bert.supports`) with more layers than the
one read: the evidence was measured on e5-small's layer 8; any other encoder keeps the DP's
beads as they are.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .align import AlignParams, DocumentAlignment, Progress, align_documents
from .align.riders import MatchFn, match_from_words
from .align.strangers import params_for
from .bert import supports
from .cache import record_key
from .embed import revision_of
from .token_states import state_source
from .types import Document

# The record kind of one cached answer.
RIDER_RECORD = "rider-match/1"


def rider_match(encoder: Any, layer: int) -> MatchFn | None:
    """A `MatchFn` over `encoder`'s token states at `layer`, or None where it has none."""
    inner = state_source(encoder, "token_states")
    source = getattr(inner, "source", None)
    config = supports(source) if source is not None and getattr(inner, "lean", False) else None
    if config is None or not 0 < layer < config.layers:
        return None
    from .detect.tagger import word_states

    store = getattr(encoder, "cache", None)
    revision = revision_of(encoder)
    compute = match_from_words(
        lambda texts: [w.states[:, 0] for w in word_states(encoder, texts, (layer,))])

    def match(parts: Sequence[str], other: str) -> list[float]:
        key = record_key(RIDER_RECORD, encoder.name, revision, str(layer), other, *parts)
        if store is not None:
            hit = store.get_records([key]).get(key)
            if hit is not None:
                return [float(x) for x in json.loads(hit)]
        shares = list(compute(parts, other))
        if store is not None:
            store.put_records({key: json.dumps([round(x, 6) for x in shares])})
        return shares

    return match


def align_with_encoder(src: Document, tgt: Document, encoder: Any, params: AlignParams,
                       progress: Progress | None = None) -> DocumentAlignment:
    """`align_documents` over `encoder`, riders split off by its word evidence where it has
    some (`rider_match`) and strangers by its cut where it has one (`align.strangers`): how
    `check`, `align`, `batch` and the n-way run align."""
    params = params_for(params, encoder.name)
    return align_documents(src, tgt, encoder.encode, params, progress=progress,
                           match=rider_match(encoder, params.riders.layer))


__all__ = ["RIDER_RECORD", "align_with_encoder", "rider_match"]
