"""An encoder with the on-disk embedding cache (`cache.py`) and an in-memory memo in front:
each text is encoded once per model, revision and prompt, ever, and the model is loaded only
for a text neither holds. Pooled deletions and spans (`token_states.py`) are cached the same
way."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from .cache import EmbeddingCache, entry_key
from .embed import Encoder, Progress, release_model, revision_of
from .errors import ModelError
from .token_states import pooled_vectors

# Vectors kept in memory per encoder (about 75 MB at 384 dimensions): the texts of one report
# many times over; the on-disk cache holds the rest.
MEMO_LIMIT = 50_000
# Texts missing from the cache are encoded and stored this many at a time: small enough that an
# interrupted run keeps nearly all it embedded (a chunk is seconds of work on 2 CPU cores),
# large enough that the encoder's length-sorted batches stay full and SQLite commits seldom.
STORE_CHUNK_TEXTS = 512


class CachedEncoder:
    """Wraps an encoder with the on-disk cache; deduplicates texts within a call.

    The inner encoder is loaded only when a text is in neither the memo nor the cache: a run
    whose texts are all cached never loads the model (`loaded` says whether it was)."""

    def __init__(self, inner: Encoder, cache: EmbeddingCache | None) -> None:
        self.inner = inner
        self.cache = cache
        self.name = inner.name
        self.revision = inner.revision
        self.hits = 0
        self.misses = 0
        # Within one run the aligner and the drift scorer ask for the same texts: never twice.
        # Least recently used entries go beyond `memo_limit`, so a long batch run stays small.
        self._memo: OrderedDict[str, np.ndarray] = OrderedDict()
        self.memo_limit = MEMO_LIMIT

    @property
    def prompt(self) -> str:
        return self.inner.prompt

    @property
    def dim(self) -> int:
        return self.inner.dim

    def load(self) -> object:
        return self.inner.load()

    @property
    def key_revision(self) -> str:
        """The revision its cache keys name: the inner encoder's, fp16 / bf16 vectors apart
        from fp32 ones (`SentenceTransformerEncoder.key_revision`)."""
        return revision_of(self.inner)

    @property
    def loaded(self) -> bool:
        return bool(getattr(self.inner, "loaded", True))

    def release(self) -> None:
        release_model(self.inner)

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        unique = list(dict.fromkeys(texts))
        vecs: dict[str, np.ndarray] = {}
        for t in unique:
            if t in self._memo:
                self._memo.move_to_end(t)
                vecs[t] = self._memo[t]
        keys: dict[str, str] = {}
        if self.cache is not None:
            prompt = self.inner.prompt
            keys = {t: entry_key(self.name, self.key_revision, prompt, t)
                    for t in unique if t not in vecs}
            found = self.cache.get_many(list(keys.values()))
            vecs.update({t: found[k] for t, k in keys.items() if k in found})
        todo = [t for t in unique if t not in vecs]
        self.hits += len(unique) - len(todo)
        self.misses += len(todo)
        if todo:
            new = self._encode_storing(todo, keys, progress)
            fresh = dict(zip(todo, new, strict=True))
            vecs.update(fresh)
            # The memo keeps copies of the rows: a view would pin the whole array of its call
            # (71,000 rows in a 3 MB pair's entity check) as long as one row is remembered.
            self._memo.update((t, v.copy()) for t, v in fresh.items())
            while len(self._memo) > self.memo_limit:
                self._memo.popitem(last=False)
            if len(todo) == len(texts):  # all new, each once, in order: the encoder's array
                return new.astype(np.float32, copy=False)
        elif progress:
            progress(len(unique), len(unique))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([vecs[t] for t in texts]).astype(np.float32, copy=False)

    def _encode_storing(self, todo: list[str], keys: dict[str, str],
                        progress: Progress | None) -> np.ndarray:
        """`todo`'s vectors from the inner encoder, in order. With the cache, the texts go in
        chunks of STORE_CHUNK_TEXTS, shortest first as the encoder batches them anyway, and
        each chunk is stored as soon as it is encoded: a run stopped midway (Ctrl-C, SIGTERM)
        keeps what it embedded, and the rerun starts where it stopped."""
        if self.cache is None or len(todo) <= STORE_CHUNK_TEXTS:
            new = self._inner_encode(todo, progress)
            if self.cache is not None:
                self.cache.put_many({keys[t]: v for t, v in zip(todo, new, strict=True)},
                                    model=self.name)
            return new
        order = sorted(range(len(todo)), key=lambda i: len(todo[i]))
        new = np.empty((len(todo), self.dim), dtype=np.float32)
        for start in range(0, len(order), STORE_CHUNK_TEXTS):
            rows = order[start : start + STORE_CHUNK_TEXTS]
            chunk = [todo[i] for i in rows]
            part = self._inner_encode(chunk, _offset(progress, start, len(todo)))
            new[rows] = part
            self.cache.put_many({keys[t]: v for t, v in zip(chunk, part, strict=True)},
                                model=self.name)
        return new

    def _inner_encode(self, texts: list[str], progress: Progress | None) -> np.ndarray:
        new = self.inner.encode(texts, progress)
        if new.shape[0] != len(texts):
            raise ModelError(f"encoder {self.name} returned {new.shape[0]} rows for "
                             f"{len(texts)}")
        return new

    def pooled(self, jobs: Sequence[tuple[str, tuple[int, int]]], kind: str) -> np.ndarray:
        """`token_states.pooled_vectors` through the cache: each (text, characters) vector of
        a kind is stored under its own key, so a rerun needs neither token states nor the
        model."""
        out = np.empty((len(jobs), self.dim), dtype=np.float32)
        keys: list[str | None] = [None] * len(jobs)
        found: dict[str, np.ndarray] = {}
        if self.cache is not None:
            prompt = f"{self.inner.prompt}\x00pooled-{kind}"
            keys = [entry_key(self.name, self.key_revision, prompt, f"{a}:{b}:{t}")
                    for t, (a, b) in jobs]
            found = self.cache.get_many([k for k in keys if k is not None])
        todo = [r for r, k in enumerate(keys) if k is None or k not in found]
        for r, k in enumerate(keys):
            if k is not None and k in found:
                out[r] = found[k]
        if todo:
            out[todo] = pooled_vectors(self.inner, [jobs[r] for r in todo], kind)
            if self.cache is not None:
                self.cache.put_many({str(keys[r]): out[r] for r in todo}, model=self.name)
        return out


def _offset(progress: Progress | None, before: int, total: int) -> Progress | None:
    """`progress` for one chunk of a call: its counts after the `before` texts done, out of
    the call's `total`."""
    if progress is None:
        return None
    return lambda done, _: progress(before + done, total)


__all__ = ["MEMO_LIMIT", "STORE_CHUNK_TEXTS", "CachedEncoder"]
