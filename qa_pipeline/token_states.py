"""Token states: a text's last-layer token vectors with their character offsets, and the
vectors of the text with some of its characters left out of the mean pooling.

A mean-pooled encoder's sentence vector is the mean of its last layer's token states. Leaving
the tokens of a word window out of that mean gives the vector of the sentence "without those
words" from the one forward pass the sentence needed anyway, where re-encoding the shortened
text costs a forward pass per window (occlusion: ``detect/spans.py``, 30-60 windows a side).

The same states give a phrase's vector in its sentence (`span_means`): the mean of the
phrase's tokens less the mean of all of them, so what the phrase shares with its sentence
(and, across a bead, with the other side's sentence) cancels. The entity check compares names
with the other side's word n-grams that way instead of encoding each n-gram on its own.

`TokenStateStore` keeps the states of the texts an encoder has just encoded (bounded by
bytes, oldest out first), so the drift stage after the aligner finds its bead texts' states
without a second pass. `deletion_vectors` and `span_vectors` are the entry points: they take
an encoder that can give states (``last_states``), or a `CachedEncoder` over one, which also
caches the results on disk like any other vector (a rerun needs neither the states nor the
model).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .text import unit_rows

# A deletion: characters [a, b) of the text left out of the pooling; (0, 0) leaves none out.
# A span: characters [a, b) of the text whose tokens alone are pooled (`span_means`).
Deletion = tuple[int, int]
Span = tuple[int, int]


@dataclass(frozen=True)
class TokenStates:
    """One text's tokens: `offsets` (tokens, 2) as character offsets into the text itself
    (the prompt's and the special tokens' offsets are negative or empty: never deleted), and
    `states` (tokens, dim), the last layer's vectors the encoder mean-pools."""

    offsets: np.ndarray
    states: np.ndarray
    # Empty: `states` is the last layer. Else the hidden layers (0 = the embeddings) whose
    # states `states` holds, (tokens, len(layers), dim): what the word tagger reads.
    layers: tuple[int, ...] = ()

    @property
    def nbytes(self) -> int:
        return int(self.offsets.nbytes + self.states.nbytes)


def _inside(offsets: np.ndarray, a: int, b: int) -> np.ndarray:
    """The tokens whose characters fall within [a, b), one leading space allowed (a word's
    first token may carry the space before it: sentencepiece's "▁word"); the prompt's and the
    special tokens' end at or before 0: never inside."""
    return (offsets[:, 1] > a) & (offsets[:, 1] <= b) & (offsets[:, 0] >= a - 1)


def pooled(tokens: TokenStates, deletions: Sequence[Deletion]) -> np.ndarray:
    """Unit rows: for each deletion, the mean of the states of the tokens not `_inside` it."""
    off = tokens.offsets
    states = tokens.states.astype(np.float32, copy=False)
    total = states.sum(0)
    n = len(states)
    out = np.empty((len(deletions), states.shape[1]), dtype=np.float32)
    for r, (a, b) in enumerate(deletions):
        inside = _inside(off, a, b)
        k = int(inside.sum())
        v = total - states[inside].sum(0) if k else total
        v = v / max(n - k, 1)
        norm = float(np.linalg.norm(v))
        out[r] = v / norm if norm > 0 else v
    return out


def span_means(tokens: TokenStates, spans: Sequence[Span]) -> np.ndarray:
    """Unit rows: for each span, the mean of the states `_inside` it less the mean of all the
    text's states (a span with no token inside: the zero row, like nothing)."""
    off = tokens.offsets
    states = tokens.states.astype(np.float32, copy=False)
    mean = states.mean(0)
    out = np.zeros((len(spans), states.shape[1]), dtype=np.float32)
    for r, (a, b) in enumerate(spans):
        inside = _inside(off, a, b)
        if inside.any():
            out[r] = states[inside].mean(0) - mean
    return unit_rows(out)


# How a text's states become one row per job: deletions or spans.
PoolFn = Callable[[TokenStates, Sequence[tuple[int, int]]], np.ndarray]
POOLS: dict[str, PoolFn] = {"deletion": pooled, "span": span_means}


class TokenStateStore:
    """Recently encoded texts' token states, within `max_bytes` (states kept as `dtype`: fp16
    for occlusion's pooling, fp32 for the word tagger, whose tags must not depend on whether
    the states were kept or computed again); the oldest entries go first."""

    def __init__(self, max_bytes: int, dtype: type[np.floating[Any]] = np.float16) -> None:
        self.max_bytes = max_bytes
        self.dtype = dtype
        self.nbytes = 0
        self._items: OrderedDict[str, TokenStates] = OrderedDict()

    def put(self, text: str, tokens: TokenStates) -> None:
        if self.max_bytes <= 0:
            return
        kept = TokenStates(tokens.offsets.astype(np.int32), tokens.states.astype(self.dtype),
                           tokens.layers)
        old = self._items.pop(text, None)
        if old is not None:
            self.nbytes -= old.nbytes
        self._items[text] = kept
        self.nbytes += kept.nbytes
        while self.nbytes > self.max_bytes and self._items:
            _, gone = self._items.popitem(last=False)
            self.nbytes -= gone.nbytes

    def get(self, text: str) -> TokenStates | None:
        return self._items.get(text)

    def __len__(self) -> int:
        return len(self._items)


def state_source(encoder: Any, method: str = "last_states") -> Any | None:
    """`encoder`, or the encoder a wrapper holds (`.inner`, any depth: the cache, the progress
    reporter), whose class has `method` (`last_states`, `token_states`); None when none
    does."""
    while encoder is not None and not callable(getattr(type(encoder), method, None)):
        encoder = getattr(encoder, "inner", None)
    return encoder


def can_pool(encoder: Any) -> bool:
    """Whether `encoder` (or the encoder a wrapper holds) gives token states."""
    return state_source(encoder) is not None


def pooled_vectors(encoder: Any, jobs: Sequence[tuple[str, tuple[int, int]]],
                   kind: str) -> np.ndarray:
    """Unit rows, one per (text, characters), pooled as `POOLS[kind]` does. A wrapper with
    `pooled` (the cached encoder) answers from its cache first; otherwise the encoder's
    `last_states` give the states."""
    own = getattr(encoder, "pooled", None)
    if callable(own):
        return np.asarray(own(jobs, kind), dtype=np.float32)
    source = state_source(encoder)
    if source is None:
        raise TypeError(f"{type(encoder).__name__} gives no token states")
    return pool_jobs(source, jobs, POOLS[kind])


def deletion_vectors(encoder: Any, jobs: Sequence[tuple[str, Deletion]]) -> np.ndarray:
    """One row per (text, deletion): the text's vector with the deletion's characters left
    out of the pooling."""
    return pooled_vectors(encoder, jobs, "deletion")


def span_vectors(encoder: Any, jobs: Sequence[tuple[str, Span]]) -> np.ndarray:
    """One row per (text, span): the span's vector in its text (`span_means`)."""
    return pooled_vectors(encoder, jobs, "span")


# Texts whose states are held at once (a long document's occlusion asks for thousands).
STATES_CHUNK = 512


def pool_jobs(encoder: Any, jobs: Sequence[tuple[str, tuple[int, int]]],
              pool: PoolFn = pooled) -> np.ndarray:
    """`pool` over `encoder.last_states`, each text's states once, a chunk of texts at a
    time."""
    by_text: dict[str, list[int]] = {}
    for r, (text, _) in enumerate(jobs):
        by_text.setdefault(text, []).append(r)
    texts = list(by_text)
    out = np.empty((len(jobs), 0), dtype=np.float32)
    for start in range(0, len(texts), STATES_CHUNK):
        chunk = texts[start:start + STATES_CHUNK]
        for text, tokens in zip(chunk, encoder.last_states(chunk), strict=True):
            if out.shape[1] == 0:
                out = np.empty((len(jobs), tokens.states.shape[1]), dtype=np.float32)
            rows = by_text[text]
            out[rows] = pool(tokens, [jobs[r][1] for r in rows])
    return out


__all__ = ["POOLS", "Deletion", "PoolFn", "Span", "TokenStateStore", "TokenStates", "can_pool",
           "deletion_vectors", "pool_jobs", "pooled", "pooled_vectors", "span_means",
           "span_vectors", "state_source"]
