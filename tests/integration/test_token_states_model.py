"""Token states of the real default model (`token_states.py`): their pooling is the encoder's
vector, the store serves what the encoder just encoded, and a deletion leaves out exactly
its words' tokens (slow)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qa_pipeline.embed import SentenceTransformerEncoder
from qa_pipeline.io.readers import read_document
from qa_pipeline.models import is_pulled, model_path
from qa_pipeline.token_states import TokenStateStore, deletion_vectors, pooled

pytestmark = pytest.mark.slow
SEEDS = Path(__file__).resolve().parents[2] / "corpora" / "customer-loyalty"


@pytest.fixture(scope="module")
def encoder() -> SentenceTransformerEncoder:
    if not is_pulled("multilingual-e5-small"):
        pytest.skip("multilingual-e5-small is not installed")
    return SentenceTransformerEncoder(model_path("multilingual-e5-small"),
                                      "multilingual-e5-small", "r", device="cpu", batch_size=8)


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return [s.text for s in read_document(SEEDS / "et.txt", "et", False).sentences][:12]


def test_pooled_states_give_the_encoders_vectors(encoder: SentenceTransformerEncoder,
                                                 texts: list[str]) -> None:
    encoder.states = TokenStateStore(0)  # states from their own forward pass
    fresh = deletion_vectors(encoder, [(t, (0, 0)) for t in texts])
    vecs = encoder.encode(texts)
    assert np.abs(fresh - vecs).max() < 1e-5


def test_the_store_serves_what_was_just_encoded(encoder: SentenceTransformerEncoder,
                                                texts: list[str]) -> None:
    encoder.states = TokenStateStore(64 << 20)
    vecs = encoder.encode(texts)
    assert len(encoder.states) == len(texts)
    stored = [encoder.states.get(t) for t in texts]
    assert all(s is not None for s in stored)
    kept = np.stack([pooled(s, [(0, 0)])[0] for s in stored if s is not None])
    assert np.abs(kept - vecs).max() < 2e-3  # fp16 states
    # The states come from the store, not from another pass: same arrays.
    assert encoder.last_states(texts[:1])[0] is stored[0]


def test_a_deletion_leaves_out_its_words_tokens(encoder: SentenceTransformerEncoder,
                                                texts: list[str]) -> None:
    text = texts[3]
    tokens = encoder.last_states([text])[0]
    first = text.split()[0]
    (whole, cut), = [pooled(tokens, [(0, 0), (0, len(first))])]
    assert float(whole @ cut) < 0.9999  # the first word's tokens (one starts on the prompt's
    real = tokens.offsets[:, 1] > 0     # space) are left out
    inside = real & (tokens.offsets[:, 1] <= len(first))
    assert inside.sum() >= 1
    keep = ~inside
    v = tokens.states[keep].astype(np.float32).mean(0)
    assert np.allclose(cut, v / np.linalg.norm(v), atol=1e-5)
