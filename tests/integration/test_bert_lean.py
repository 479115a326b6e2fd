"""The lean BERT encoder (`qa_pipeline/bert.py`) against sentence-transformers itself, with the
real default model: the same vectors, the same token states, without importing
sentence-transformers (slow)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from qa_pipeline.bert import LeanBert
from qa_pipeline.embed import SentenceTransformerEncoder
from qa_pipeline.io.readers import read_document
from qa_pipeline.models import is_pulled, model_path

pytestmark = pytest.mark.slow
SEEDS = Path(__file__).resolve().parents[2] / "corpora" / "customer-loyalty"
# Edge cases of tokenisation and length: empty, padded by spaces, NBSP and a combining mark,
# a literal special token, and a text far over 512 tokens (truncated by both).
EDGES = ["", "   padded by spaces  ", "a\u00a0b ü\u0301 <unk> Ž", "tab\tand\nnewline",
         "Ilgas sakinys, kuris kartojasi. " * 120]


def _encoder(lean: bool, precision: str = "fp32") -> SentenceTransformerEncoder:
    enc = SentenceTransformerEncoder(model_path("multilingual-e5-small"),
                                     "multilingual-e5-small", "r", device="cpu", batch_size=8,
                                     precision=precision)
    enc.lean = lean
    return enc


@pytest.fixture(scope="module")
def texts() -> list[str]:
    if not is_pulled("multilingual-e5-small"):
        pytest.skip("multilingual-e5-small is not installed")
    return [s.text for lang in ("lt", "et")
            for s in read_document(SEEDS / f"{lang}.txt", lang, False).sentences] + EDGES


def test_lean_vectors_match_sentence_transformers(texts: list[str]) -> None:
    lean, reference = _encoder(True), _encoder(False)
    got, want = lean.encode(texts), reference.encode(texts)
    assert isinstance(lean._model, LeanBert) and not isinstance(reference._model, LeanBert)
    assert got.shape == want.shape == (len(texts), 384) and got.dtype == np.float32
    assert np.abs(got - want).max() < 1e-5
    assert lean.prompt == reference.prompt == "query: " and lean.dim == 384


def test_bf16_vectors_stay_within_1e_3_in_cosine_of_fp32(texts: list[str]) -> None:
    """bf16 (the "auto" precision on a CPU with native bf16 units): float32 unit rows, under
    their own cache keys, each within 1e-3 in cosine of fp32's (5e-5 measured on NTREX)."""
    fp32, bf16 = _encoder(True), _encoder(True, "bf16")
    want, got = fp32.encode(texts), bf16.encode(texts)
    assert got.dtype == np.float32 and np.allclose(np.linalg.norm(got, axis=1), 1, atol=1e-5)
    cos = (got * want).sum(axis=1)
    assert cos.min() > 0.999 and np.abs(got - want).max() > 1e-6  # close, and really bf16
    assert bf16.key_revision == "r+bf16" and fp32.key_revision == "r"
    w = bf16.load().weights  # the layers in bf16; the embedding tables (a lookup) stay fp32
    assert str(w["encoder.layer.0.attention.self.query.weight"].dtype) == "torch.bfloat16"
    assert str(w["embeddings.word_embeddings.weight"].dtype) == "torch.float32"


def test_a_loaded_model_holds_numpy_blas_to_one_thread(texts: list[str]) -> None:
    """OpenBLAS's spinning idle threads took the cores from torch's passes (bert.py)."""
    from threadpoolctl import ThreadpoolController

    _encoder(True).encode(texts[:2])
    blas = [i for i in ThreadpoolController().select(internal_api="openblas").info()
            if "numpy" in i["filepath"]]  # not scipy's own copy, loaded later by other tests
    if not blas:
        pytest.skip("numpy here is not built on OpenBLAS")
    assert all(i["num_threads"] == 1 for i in blas)


def test_batches_padded_to_a_multiple_of_8_give_each_texts_own_vector(texts: list[str]) -> None:
    """Padded shapes repeat, so bf16 kernels are reused (bert.PAD_MULTIPLE); the padding is
    masked: a text's vector is the one it gets alone."""
    from qa_pipeline.bert import PAD_MULTIPLE

    enc = _encoder(True)
    model = enc.load()
    feats = model.tokenize(texts[:7])
    alone = [len(model.tokenizer.encode(t).ids) for t in texts[:7]]
    assert feats["input_ids"].shape[1] % PAD_MULTIPLE == 0 and PAD_MULTIPLE > 1
    assert feats["attention_mask"].sum(1).tolist() == alone
    batch = model.embed(texts[:7])
    single = np.vstack([model.embed([t]) for t in texts[:7]])
    assert np.abs(batch - single).max() < 1e-5


def test_lean_overlapped_loop_gives_the_plain_loops_vectors(texts: list[str]) -> None:
    enc = _encoder(True)
    enc.overlap = False
    plain = enc.encode(texts)
    enc.overlap = True
    assert np.abs(enc.encode(texts) - plain).max() < 1e-6


def test_lean_token_states_match_the_transformers_hidden_states(texts: list[str]) -> None:
    batch = ["query: " + t for t in texts[:6] + EDGES[:3]]
    lean, reference = _encoder(True), _encoder(False)
    off_a, mask_a, st_a = lean.token_states(batch, (0, 8, 12))
    off_b, mask_b, st_b = reference.token_states(batch, (0, 8, 12))
    width = mask_b.shape[1]  # the lean batch pads further, to a multiple of 8
    assert np.array_equal(mask_a[:, :width], mask_b) and not mask_a[:, width:].any()
    off_a, mask_a, st_a = off_a[:, :width], mask_a[:, :width], st_a[:, :width]
    real = mask_a > 0
    assert np.array_equal(off_a[real], off_b[real])
    assert st_a.shape == st_b.shape and st_a.shape[2:] == (3, 384)
    assert np.abs(st_a[real] - st_b[real]).max() < 1e-4


def test_a_cold_encode_imports_no_sentence_transformers(texts: list[str]) -> None:
    code = ("import sys\n"
            "from qa_pipeline.embed import load_encoder\n"
            "enc = load_encoder('multilingual-e5-small', device='cpu')\n"
            "assert enc.encode(['labas rytas']).shape == (1, 384)\n"
            "print(sorted(m for m in ('sentence_transformers', 'transformers', 'sklearn')"
            " if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_states_kept_from_the_embedding_pass_are_the_taggers_own(texts: list[str]) -> None:
    """With the word tagger's layers kept (`keep_layer_states`), encoding gives the same
    vectors and keeps, per text, what the tagger's own pass would compute, so `word_states`
    runs no pass of its own for them (the pipeline's `check --word-tagger`)."""
    from qa_pipeline.detect.tagger import word_states

    layers = (8, 10, 12)
    plain, keeping = _encoder(True), _encoder(True)
    keeping.keep_layer_states(layers)
    assert np.abs(keeping.encode(texts) - plain.encode(texts)).max() < 1e-6
    assert len(keeping.layer_states) == len(set(texts))
    want = word_states(plain, texts, layers)
    calls: list[int] = []
    own = keeping.token_states
    keeping.token_states = lambda *a, **k: calls.append(1) or own(*a, **k)  # type: ignore[method-assign]
    got = word_states(keeping, texts, layers)
    assert calls == []
    for a, b in zip(want, got, strict=True):
        assert a.spans == b.spans and a.states.shape == b.states.shape
        assert np.allclose(a.states, b.states, atol=1e-4)
