"""The test encoder, the cache wrapper and cache keys."""

import sqlite3
from pathlib import Path

import numpy as np
import pytest
from fakes import FullDisk

from qa_pipeline.cache import EmbeddingCache, entry_key
from qa_pipeline.cached_encoder import CachedEncoder
from qa_pipeline.embed import HashEncoder, load_encoder


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


class _CountingEncoder:
    """An inner encoder that records loads and encoded texts."""

    name = "counting"
    revision = "1"
    prompt = ""
    dim = 4

    def __init__(self) -> None:
        self.loads = 0
        self.encoded: list[str] = []

    @property
    def loaded(self) -> bool:
        return self.loads > 0

    def load(self) -> None:
        self.loads += 1

    def encode(self, texts, progress=None):  # type: ignore[no-untyped-def]
        self.load()
        self.encoded += list(texts)
        return np.tile(np.array([1.0, 0, 0, 0], np.float32), (len(texts), 1))


def test_model_is_loaded_only_for_texts_missing_from_the_cache(tmp_path: Path) -> None:
    from qa_pipeline.cache import EmbeddingCache
    from qa_pipeline.cached_encoder import CachedEncoder

    inner = _CountingEncoder()
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    CachedEncoder(inner, cache).encode(["a", "b"])
    assert inner.encoded == ["a", "b"]
    fresh = _CountingEncoder()  # a new run: everything it needs is cached
    enc = CachedEncoder(fresh, EmbeddingCache(tmp_path / "c.sqlite"))
    enc.encode(["b", "a", "b"])
    assert fresh.loads == 0 and not enc.loaded and (enc.hits, enc.misses) == (2, 0)
    assert enc.encode([]).shape == (0, 4) and fresh.loads == 0
    enc.encode(["a", "c"])  # one edited sentence: only it is embedded
    assert fresh.encoded == ["c"] and enc.loaded


def test_sentence_transformer_prompt_and_dim_without_loading(tmp_path: Path) -> None:
    import json

    from qa_pipeline.embed import SentenceTransformerEncoder

    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "config_sentence_transformers.json").write_text(
        json.dumps({"prompts": {"passage": "passage: ", "query": "query: "}}), "utf-8")
    (tmp_path / "1_Pooling" / "config.json").write_text(
        json.dumps({"word_embedding_dimension": 384}), "utf-8")
    enc = SentenceTransformerEncoder(tmp_path, "m", "r")
    assert enc.prompt == "query: " and enc.dim == 384 and not enc.loaded


def test_cache_is_wal_and_shared_by_processes(tmp_path: Path) -> None:
    import subprocess
    import sys

    from qa_pipeline.cache import EmbeddingCache

    path = tmp_path / "c.sqlite"
    EmbeddingCache(path).put_many({"k0": np.ones(3, np.float32)}, model="m")
    mode = sqlite3.connect(str(path)).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    code = ("import sys, numpy as np\nfrom pathlib import Path\n"
            "from qa_pipeline.cache import EmbeddingCache\n"
            "c = EmbeddingCache(Path(sys.argv[1]))\n"
            "for i in range(40):\n"
            "    c.put_many({f'{sys.argv[2]}-{i}': np.ones(3, np.float32)}, model='m')\n"
            "    c.get_many([f'{sys.argv[2]}-{i}', 'k0'])\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(path), str(n)])
             for n in range(3)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    stats = EmbeddingCache(path).stats()
    assert stats.entries == 1 + 3 * 40 and stats.by_model == (("m", 121),)


def test_old_cache_files_gain_the_new_columns(tmp_path: Path) -> None:

    from qa_pipeline.cache import EmbeddingCache

    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(str(path))
    db.execute("CREATE TABLE emb (key TEXT PRIMARY KEY, dim INTEGER, vec BLOB)")
    db.execute("INSERT INTO emb VALUES (?, ?, ?)", ("k", 2, np.ones(2, np.float32).tobytes()))
    db.commit()
    db.close()
    cache = EmbeddingCache(path)
    assert list(cache.get_many(["k"])) == ["k"] and cache.stats().entries == 1


class _FakeST:
    """Stands in for a loaded SentenceTransformer: a text's vector says which text it is."""

    device = "cpu"

    @staticmethod
    def _rows(batch: list[str]) -> np.ndarray:
        v = np.array([[len(t), sum(map(ord, t)) % 97, 1.0] for t in batch], np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    def encode(self, batch, **kw):  # type: ignore[no-untyped-def]
        return self._rows(batch)

    def get_sentence_embedding_dimension(self) -> int:
        return 3

    def eval(self) -> None:
        pass

    def preprocess(self, batch, prompt=None):  # type: ignore[no-untyped-def]
        import torch

        return {"rows": torch.from_numpy(self._rows(batch))}

    def __call__(self, features):  # type: ignore[no-untyped-def]
        return {"sentence_embedding": features["rows"]}


@pytest.mark.parametrize("overlap", [False, True])
def test_sentence_transformer_rows_come_back_in_input_order(tmp_path: Path,
                                                            overlap: bool) -> None:
    from qa_pipeline.embed import SentenceTransformerEncoder

    enc = SentenceTransformerEncoder(tmp_path, "m", "r", device="cpu", batch_size=4)
    enc._model, enc._prompt, enc.overlap = _FakeST(), "", overlap
    # lengths out of order and more than one batch: batches are sorted by length
    texts = ["ccc ccc", "a", "bb", "dddd dddd dddd", "e", "ffffff", "gg g", "h h h h h", "i"]
    seen: list[tuple[int, int]] = []
    got = enc.encode(texts, lambda d, n: seen.append((d, n)))
    np.testing.assert_allclose(got, _FakeST._rows(texts), rtol=1e-6)
    assert got.dtype == np.float32 and seen[-1] == (9, 9) and len(seen) == 3
    assert enc.encode([]).shape == (0, 3)


def test_memo_does_not_share_rows_with_what_encode_returns() -> None:
    enc = CachedEncoder(HashEncoder(16), None)
    first = enc.encode(["x y", "z w"])
    expected = first.copy()
    first[:] = 0.0  # a caller may scale or overwrite what it was given
    np.testing.assert_array_equal(enc.encode(["x y", "z w"]), expected)
    np.testing.assert_array_equal(enc.encode(["z w", "x y", "x y"]), expected[[1, 0, 0]])


def test_a_cache_opened_to_read_writes_nothing(tmp_path: Path) -> None:
    """`cache stats` reads a cache the user may not write: opened read-only, it changes
    neither the database nor its log (a reader's marks in the -shm index are SQLite's)."""
    path = tmp_path / "embeddings.sqlite"
    writer = EmbeddingCache(path)
    writer.put_many({"k": np.ones(4, np.float32)}, "m")

    def files() -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in tmp_path.iterdir()
                if not p.name.endswith("-shm")}

    before = files()
    assert EmbeddingCache(path, readonly=True).stats().entries == 1
    assert files() == before


class StoppedEncoder(HashEncoder):
    """Ctrl-C (or SIGTERM) once it has encoded `stop_after` texts, however they were asked."""

    def __init__(self, stop_after: int) -> None:
        super().__init__(32)
        self.stop_after = stop_after
        self.done = 0

    def encode(self, texts, progress=None):  # type: ignore[no-untyped-def]
        if self.done + len(texts) > self.stop_after:
            raise KeyboardInterrupt
        self.done += len(texts)
        return super().encode(texts, progress)


def test_an_interrupted_encode_keeps_the_chunks_it_finished(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Texts missing from the cache are stored a chunk at a time as they are encoded: a run
    stopped midway keeps what it embedded, and the rerun encodes only the rest."""
    from qa_pipeline import cached_encoder

    monkeypatch.setattr(cached_encoder, "STORE_CHUNK_TEXTS", 4)
    texts = [f"sakinys {'x' * (i % 5)} {i}" for i in range(10)]
    enc = CachedEncoder(StoppedEncoder(stop_after=8), EmbeddingCache(tmp_path / "c.sqlite"))
    with pytest.raises(KeyboardInterrupt):
        enc.encode(texts)
    assert len(EmbeddingCache(tmp_path / "c.sqlite")) == 8
    inner = CountingEncoder()
    again = CachedEncoder(inner, EmbeddingCache(tmp_path / "c.sqlite"))
    vecs = again.encode(texts)
    assert [len(call) for call in inner.calls] == [2] and (again.hits, again.misses) == (8, 2)
    np.testing.assert_allclose(vecs, HashEncoder(32).encode(texts), atol=1e-6)


def test_chunked_encoding_gives_every_row_in_order_with_progress(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qa_pipeline import cached_encoder

    monkeypatch.setattr(cached_encoder, "STORE_CHUNK_TEXTS", 3)
    texts = ["a much longer sentence than the others", "b", "cc dd", "a much longer sentence "
             "than the others", "e f g h", "i", "jj kk ll", "m n"]
    inner, seen = CountingEncoder(), []
    enc = CachedEncoder(inner, EmbeddingCache(tmp_path / "c.sqlite"))
    vecs = enc.encode(texts, lambda done, total: seen.append((done, total)))
    np.testing.assert_allclose(vecs, HashEncoder(32).encode(texts), atol=1e-6)
    # Shortest first, as the encoder batches them; each chunk stored once encoded.
    assert [len(c) for c in inner.calls] == [3, 3, 1]
    assert [len(t) for c in inner.calls for t in c] == sorted(len(t) for t in set(texts))
    assert seen[-1] == (7, 7) and seen == sorted(seen)
    assert len(EmbeddingCache(tmp_path / "c.sqlite")) == 7


def test_a_full_disk_stops_storing_once_and_keeps_reading(tmp_path: Path) -> None:
    """The cache only saves time: a write that fails (a full disk, a cache turned read-only)
    is said once and storing stops; what is stored is still read."""
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    vec = np.ones(4, np.float32) / 2
    cache.put_many({"k1": vec})
    disk = FullDisk(cache._db)
    cache._db = disk  # type: ignore[assignment]
    heard: list[str] = []
    cache.on_write_error = heard.append
    cache.put_many({"k2": vec})
    cache.put_records({"r": "{}"})
    cache.put_many({"k3": vec})
    assert heard == [f"embedding cache {tmp_path / 'c.sqlite'}: cannot store new vectors "
                     "(database or disk is full); going on without storing"]
    assert cache.write_error == heard[0] and disk.writes == 1  # no write tried after it
    assert list(cache.get_many(["k1", "k2"])) == ["k1"]
    cache._db = disk.db  # type: ignore[assignment]
    assert len(cache) == 1


def test_an_encoder_on_a_full_disk_gives_its_vectors(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from qa_pipeline import cached_encoder

    monkeypatch.setattr(cached_encoder, "STORE_CHUNK_TEXTS", 2)
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    cache._db = FullDisk(cache._db)  # type: ignore[assignment]
    texts = ["a", "b c", "d e f", "g"]
    vecs = CachedEncoder(HashEncoder(32), cache).encode(texts)
    np.testing.assert_allclose(vecs, HashEncoder(32).encode(texts), atol=1e-6)
    assert cache.write_error is not None and "database or disk is full" in cache.write_error
