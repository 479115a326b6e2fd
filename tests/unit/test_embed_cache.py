"""The test encoder, the cache wrapper and cache keys."""

from pathlib import Path

import numpy as np
import pytest

from qa_pipeline.cache import EmbeddingCache, entry_key
from qa_pipeline.embed import CachedEncoder, HashEncoder, load_encoder


def test_hash_encoder_is_deterministic_and_normalised() -> None:
    enc = HashEncoder(64)
    a = enc.encode(["Labas rytas.", "Tere hommikust.", ""])
    b = HashEncoder(64).encode(["Labas rytas.", "Tere hommikust.", ""])
    assert a.dtype == np.float32 and a.shape == (3, 64)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, rtol=1e-5)


def test_hash_encoder_similarity_tracks_overlap() -> None:
    v = HashEncoder().encode(
        ["the cat sat on the mat", "the cat sat on a mat", "quantum chromodynamics lecture"]
    )
    assert v[0] @ v[1] > 0.6 > v[0] @ v[2]


class CountingEncoder(HashEncoder):
    def __init__(self) -> None:
        super().__init__(32)
        self.calls: list[list[str]] = []

    def encode(self, texts, progress=None):  # type: ignore[no-untyped-def]
        self.calls.append(list(texts))
        return super().encode(texts, progress)


def test_cached_encoder_dedups_and_reuses_disk_cache(tmp_path: Path) -> None:
    inner = CountingEncoder()
    enc = CachedEncoder(inner, EmbeddingCache(tmp_path / "c.sqlite"))
    first = enc.encode(["a b", "c d", "a b"])
    assert inner.calls == [["a b", "c d"]]
    again = CachedEncoder(inner, EmbeddingCache(tmp_path / "c.sqlite")).encode(["c d", "e f"])
    assert inner.calls[-1] == ["e f"]
    np.testing.assert_array_equal(first[1], again[0])
    np.testing.assert_array_equal(first[0], first[2])


def test_memo_is_bounded_and_keeps_recently_used() -> None:
    inner = CountingEncoder()
    enc = CachedEncoder(inner, None)
    enc.memo_limit = 3
    enc.encode(["a", "b", "c"])
    enc.encode(["a"])  # a becomes the most recently used
    enc.encode(["d"])  # evicts b, the least recently used
    inner.calls.clear()
    enc.encode(["a", "c", "d"])
    assert inner.calls == []
    enc.encode(["b"])
    assert inner.calls == [["b"]]


def test_cache_key_separates_every_field() -> None:
    base = entry_key("m", "r", "p", "text")
    assert (
        len(
            {
                base,
                entry_key("m2", "r", "p", "text"),
                entry_key("m", "r2", "p", "text"),
                entry_key("m", "r", "p2", "text"),
                entry_key("m", "r", "p", "text2"),
                entry_key("mr", "", "p", "text"),
            }
        )
        == 6
    )


def test_unknown_registry_model_not_pulled_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qa_pipeline.errors import ModelError

    monkeypatch.setenv("QA_PIPELINE_CACHE", str(tmp_path))
    with pytest.raises(ModelError, match="models pull embeddinggemma-300m"):
        load_encoder("embeddinggemma-300m")
    with pytest.raises(ModelError, match="not a sentence-transformers model"):
        load_encoder(str(tmp_path))
