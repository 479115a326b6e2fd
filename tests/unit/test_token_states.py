"""Occlusion from token states (`token_states.py`): leaving a word window out of the mean
pooling, the bounded store, and the cached path that needs neither states nor model."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from qa_pipeline.cache import EmbeddingCache
from qa_pipeline.cached_encoder import CachedEncoder
from qa_pipeline.detect.spans import attribute, delete_words
from qa_pipeline.embed import HashEncoder
from qa_pipeline.text import word_spans
from qa_pipeline.token_states import (
    TokenStates,
    TokenStateStore,
    can_pool,
    deletion_vectors,
    pooled,
    span_means,
    span_vectors,
)

TEXT = "Kõiki töötajaid on keeruline niivõrd kontrollida, et ühelgi kliendil pole halba."


def test_whole_pooling_is_the_encoders_vector() -> None:
    enc = HashEncoder()
    v = deletion_vectors(enc, [(TEXT, (0, 0))])
    assert np.allclose(v[0], enc.encode([TEXT])[0], atol=1e-6)


@pytest.mark.parametrize(("lo", "hi"), [(0, 1), (2, 4), (9, 11)])
def test_deleting_words_from_the_pooling(lo: int, hi: int) -> None:
    """The hash encoder's tokens are its words, so leaving words lo..hi-1 out of the pooling
    gives exactly the vector of the text without them."""
    enc = HashEncoder()
    words = word_spans(TEXT)
    v = deletion_vectors(enc, [(TEXT, (words[lo][0], words[hi - 1][1]))])
    assert np.allclose(v[0], enc.encode([delete_words(TEXT, words, lo, hi)])[0], atol=1e-6)


def test_a_leading_space_token_belongs_to_its_word() -> None:
    """Sentencepiece's "▁word" token starts on the space before the word; the prompt's and the
    special tokens (offsets at or before 0) are never inside a deletion."""
    states = np.eye(4, dtype=np.float32)
    offsets = np.array([[-7, -7], [-1, 3], [3, 8], [8, 9]])  # <s>, "▁Abc" (from the prompt
    toks = TokenStates(offsets, states)                     # space), "▁defg", "."
    first = pooled(toks, [(0, 3)])[0]
    assert first[1] == 0 and first[0] > 0
    second = pooled(toks, [(4, 8)])[0]
    assert second[2] == 0 and second[1] > 0 and second[3] > 0


def test_store_keeps_within_its_bytes() -> None:
    store = TokenStateStore(max_bytes=3 * (10 * 8 * 2 + 10 * 2 * 4))
    for i in range(5):
        store.put(f"t{i}", TokenStates(np.zeros((10, 2), np.int64), np.ones((10, 8))))
    assert len(store) == 3 and store.get("t0") is None and store.get("t4") is not None
    assert store.nbytes <= store.max_bytes
    assert store.get("t4").states.dtype == np.float16  # type: ignore[union-attr]
    off = TokenStateStore(0)
    off.put("t", TokenStates(np.zeros((1, 2), np.int64), np.ones((1, 8))))
    assert len(off) == 0


class Refusing(HashEncoder):
    """Raises when asked for states or vectors: a fully cached run must ask for neither."""

    def last_states(self, texts: Sequence[str]) -> list[TokenStates]:
        raise AssertionError("token states computed on a cached run")

    def encode(self, texts: Sequence[str], progress: object = None) -> np.ndarray:
        raise AssertionError("encoded on a cached run")


@pytest.mark.parametrize("vectors", [deletion_vectors, span_vectors])
def test_pooled_vectors_come_from_the_cache_on_a_rerun(tmp_path: Path, vectors) -> None:  # type: ignore[no-untyped-def]
    words = word_spans(TEXT)
    jobs = [(TEXT, (0, 0)), (TEXT, (words[1][0], words[2][1])), ("Teine lause.", (0, 5))]
    first = CachedEncoder(HashEncoder(), EmbeddingCache(tmp_path / "c.sqlite"))
    v1 = vectors(first, jobs)
    again = CachedEncoder(Refusing(), EmbeddingCache(tmp_path / "c.sqlite"))
    assert np.allclose(vectors(again, jobs), v1)
    assert np.allclose(vectors(HashEncoder(), jobs), v1)  # the cache changes nothing


def test_a_span_is_its_tokens_less_its_sentence() -> None:
    """`span_means`: the mean of the span's token states less the mean of all of them; the
    same word reads differently in another sentence; a span over no token is the zero row."""
    states = np.array([[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 4.0], [3.0, 0.0, 0.0]])
    off = np.array([[-1, 0], [0, 4], [4, 9], [9, 13]])  # a prompt token, then three words
    tokens = TokenStates(off, states)
    rows = span_means(tokens, [(5, 13), (0, 4), (20, 25)])
    want = states[2:].mean(0) - states.mean(0)
    assert np.allclose(rows[0], want / np.linalg.norm(want))
    want = states[1] - states.mean(0)
    assert np.allclose(rows[1], want / np.linalg.norm(want))
    assert not rows[2].any()
    enc = HashEncoder()
    a, b = "Koer haukus valjult.", "Vana koer magas."
    (va, vb) = span_vectors(enc, [(a, (0, 4)), (b, (5, 9))])
    assert np.isclose(np.linalg.norm(va), 1.0) and 0.0 < float(va @ vb) < 0.99


def test_pooled_attribution_finds_the_added_words() -> None:
    """The occlusion search over pooled deletions finds the words one side adds."""
    enc = HashEncoder()
    src = "The workers feel interested in serving customers well."
    tgt = "The workers feel interested in serving customers well purple elephants."
    v = enc.encode([src, tgt])
    assert can_pool(CachedEncoder(enc, None)) and not can_pool(object())
    for mode in ("pooled", "shortlist"):
        _, t_ev = attribute([(src, tgt)], v[:1], v[1:], enc, mode, 2)[0]
        assert t_ev.span is not None and "elephants" in tgt[t_ev.span[0]:t_ev.span[1]], mode
        assert t_ev.gain > 0


class Counting(HashEncoder):
    def __init__(self) -> None:
        super().__init__()
        self.encoded: list[str] = []

    def encode(self, texts: Sequence[str], progress: object = None) -> np.ndarray:
        self.encoded += texts
        return super().encode(texts)


def test_shortlist_reencodes_only_the_best_deletions() -> None:
    """The shortlist re-encodes at most `shortlist` deletions per side, kind and pass, and
    its gains are re-encoded ones: the best of them equals the full search's where the
    full search's best is on the shortlist."""
    src = "Sunku kontroliuoti visus darbuotojus taip, kad joks klientas nepatirtų blogo."
    tgt = "Kõiki töötajaid on raske politseisse panna nii, et ükski klient halba ei koge."
    full, short = Counting(), Counting()
    v = full.encode([src, tgt])
    full.encoded.clear()
    ev_full = attribute([(src, tgt)], v[:1], v[1:], full, "encode")[0]
    ev_short = attribute([(src, tgt)], v[:1], v[1:], short, "shortlist", 2)[0]
    assert len(short.encoded) <= 2 * 2 * 2 * 2  # sides x kinds (window, clause) x passes x 2
    assert len(short.encoded) < len(full.encoded) / 3
    for f, s in zip(ev_full, ev_short, strict=True):
        assert s.gain <= f.gain + 1e-9  # a subset of the same re-encoded deletions
        if s.span == f.span:
            assert s.gain == pytest.approx(f.gain)


def test_releasing_the_model_drops_the_kept_states(tmp_path: Path) -> None:
    from qa_pipeline.embed import SentenceTransformerEncoder

    enc = SentenceTransformerEncoder(tmp_path, "m", "r")
    enc.states.put(TEXT, TokenStates(np.zeros((2, 2), np.int64), np.ones((2, 4))))
    assert len(enc.states) == 1
    enc.release()
    assert len(enc.states) == 0 and enc.states.max_bytes > 0


def test_refine_reencodes_only_clauses_and_the_refining_pass() -> None:
    """"refine" picks each side's coarse window by its pooled gain and re-encodes no coarse
    window: at most `shortlist` clauses and `shortlist` refinements per side are encoded, and
    every gain it reports is a re-encoded one (the span's deletion, encoded afresh)."""
    src = "Sunku kontroliuoti visus darbuotojus taip, kad joks klientas nepatirtų blogo."
    tgt = "Kõiki töötajaid on raske politseisse panna nii, et ükski klient halba ei koge."
    short, refine = Counting(), Counting()
    v = short.encode([src, tgt])
    short.encoded.clear()
    attribute([(src, tgt)], v[:1], v[1:], short, "shortlist", 2)
    ev = attribute([(src, tgt)], v[:1], v[1:], refine, "refine", 2)[0]
    assert len(refine.encoded) <= 2 * 2 * 2  # sides x (clauses, refining pass) x shortlist
    assert len(refine.encoded) < len(short.encoded)
    plain = HashEncoder()
    for side, other, e in ((src, v[1], ev[0]), (tgt, v[0], ev[1])):
        assert e.span is not None
        words = word_spans(side)
        lo = next(i for i, w in enumerate(words) if w[0] == e.span[0])
        hi = next(i for i, w in enumerate(words) if w[1] == e.span[1]) + 1
        base = float(plain.encode([side])[0] @ other)
        again = float(plain.encode([delete_words(side, words, lo, hi)])[0] @ other) - base
        assert e.gain == pytest.approx(again, abs=1e-6)


def test_the_refining_pass_keeps_its_own_shortlist() -> None:
    """With `refine_shortlist` the clauses take `shortlist` and the refining pass its own:
    one clause per side beside up to four refinements, and the refined span is the one that
    four refinements on both kinds find."""
    src = "Sunku kontroliuoti visus darbuotojus taip, kad joks klientas nepatirtų blogo."
    tgt = "Kõiki töötajaid on raske politseisse panna nii, et ükski klient halba ei koge."
    both, split = Counting(), Counting()
    v = both.encode([src, tgt])
    both.encoded.clear()
    ev_both = attribute([(src, tgt)], v[:1], v[1:], both, "refine", 4)
    ev_split = attribute([(src, tgt)], v[:1], v[1:], split, "refine", 1, refine_shortlist=4)
    assert len(split.encoded) <= 2 * (1 + 4) < len(both.encoded)
    assert [e.span for e in ev_split[0]] == [e.span for e in ev_both[0]]
    assert [e.gain for e in ev_split[0]] == pytest.approx([e.gain for e in ev_both[0]])
