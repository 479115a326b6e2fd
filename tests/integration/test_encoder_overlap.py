"""The CUDA encoding loop (tokenisation of the next batch overlapped with the current one),
run on CPU with the real default model, gives sentence-transformers' own vectors (slow)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from qa_pipeline.embed import SentenceTransformerEncoder
from qa_pipeline.io.readers import read_document
from qa_pipeline.models import is_pulled, model_path

pytestmark = pytest.mark.slow
SEEDS = Path(__file__).resolve().parents[2] / "corpora" / "customer-loyalty"


@pytest.fixture()
def seed_and_encoder() -> tuple[list[str], SentenceTransformerEncoder]:
    """The lt seed's sentences and the default model on CPU, 8 texts a batch."""
    if not is_pulled("multilingual-e5-small"):
        pytest.skip("multilingual-e5-small is not installed")
    texts = [s.text for s in read_document(SEEDS / "lt.txt", "lt", False).sentences]
    return texts, SentenceTransformerEncoder(model_path("multilingual-e5-small"),
                                             "multilingual-e5-small", "r", device="cpu",
                                             batch_size=8)


def test_overlapped_loop_matches_sentence_transformers(
        seed_and_encoder: tuple[list[str], SentenceTransformerEncoder]) -> None:
    texts, enc = seed_and_encoder
    enc.overlap = False
    reference = enc.encode(texts)
    enc.overlap = True
    steps: list[tuple[int, int]] = []
    overlapped = enc.encode(texts, progress=lambda d, t: steps.append((d, t)))
    assert overlapped.shape == reference.shape and overlapped.dtype == np.float32
    assert np.abs(overlapped - reference).max() < 1e-5
    assert steps[-1] == (len(texts), len(texts)) and len(steps) == -(-len(texts) // 8)


def test_released_model_frees_its_memory_and_loads_again_with_the_same_vectors(
        seed_and_encoder: tuple[list[str], SentenceTransformerEncoder],
        status_mib: Callable[[str], float]) -> None:
    texts, enc = seed_and_encoder
    before = enc.encode(texts)
    held = status_mib("VmRSS")
    enc.release()
    assert enc.loaded and enc._model is None  # "was loaded" stays true for the run summary
    if held == held:  # Linux: the weights, mmapped matrix and tokenizer are handed back
        assert status_mib("VmRSS") < held - 200
    again = enc.encode(texts)
    assert enc._model is not None and np.abs(again - before).max() < 1e-6
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the library is silent: no rename notice on stderr
        assert enc.dim == 384 == again.shape[1]
