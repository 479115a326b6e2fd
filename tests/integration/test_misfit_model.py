"""The swapped-word detector on the real default model: one logit per word, the same from the
states the aligner's pass kept as from a pass of its own, and the same as the training graph
(`bench/word_misfit.py`: frozen states computed once, adapters and head on top). Slow: it
loads multilingual-e5-small."""

from __future__ import annotations

import numpy as np
import pytest

from qa_pipeline.bert import LeanBert, supports
from qa_pipeline.detect.cross_tagger import merged_weights
from qa_pipeline.detect.misfit import (
    load_misfit,
    misfit_words,
    token_words,
    word_logits,
    word_pool,
)
from qa_pipeline.embed import SentenceTransformerEncoder
from qa_pipeline.models import is_pulled, model_path
from qa_pipeline.text import word_spans

pytestmark = pytest.mark.slow
MODEL = "multilingual-e5-small"
TEXTS = ["Püsikliendiprogramm ei ole allahindlus, vaid suhe.",
         "Kaks sõdurit sai vigastada ja toimetati ravile Tshinvali haiglasse.",
         "  ", "Pikk lause. " * 150]


@pytest.fixture(scope="module")
def encoder() -> SentenceTransformerEncoder:
    if not is_pulled(MODEL):
        pytest.skip(f"{MODEL} is not installed")
    return SentenceTransformerEncoder(model_path(MODEL), MODEL, "r", device="cpu")


def test_one_logit_per_word_from_kept_states_or_a_pass_of_its_own(
        encoder: SentenceTransformerEncoder) -> None:
    model = load_misfit(MODEL)
    assert model is not None, "the default model ships a swapped-word detector"
    fresh = misfit_words(model, encoder, TEXTS)
    assert [len(v) for v in fresh] == [len(word_spans(t)) for t in TEXTS]
    encoder.keep_layer_states((*model.state_layers, 10, 12))  # as the pipeline asks, and more
    encoder.encode(TEXTS)
    assert all(encoder.layer_states.get(t) is not None for t in TEXTS)
    kept = misfit_words(model, encoder, TEXTS)
    for a, b in zip(fresh, kept, strict=True):
        np.testing.assert_allclose(a, b, atol=2e-3)


def test_the_shipped_graph_computes_what_the_training_graph_computes() -> None:
    import torch

    if not is_pulled(MODEL):
        pytest.skip(f"{MODEL} is not installed")
    model = load_misfit(MODEL)
    assert model is not None
    path = model_path(MODEL)
    config = supports(path)
    assert config is not None
    lean = LeanBert(path, config)
    enc = SentenceTransformerEncoder(path, MODEL, "r", device="cpu")
    prompt = enc.prompt
    text = TEXTS[1]
    tok = lean.tokenizer.encode(prompt + text)
    ids = torch.tensor([tok.ids])
    mask = torch.ones_like(ids)
    params = {k: torch.from_numpy(v) for k, v in model.weights.items()}
    with torch.inference_mode():  # the training graph: frozen pass, taps, adapted layers
        x, hidden = lean.layers(lean.embeddings(ids), mask, 0, model.frozen, keep_states=True)
        taps = torch.stack([hidden[k - 1] for k in model.taps] + [x], dim=2)
        w = merged_weights(lean.weights, params, model.frozen, model.layers, model.scale)
        h, _ = lean.layers(x, mask, model.frozen, model.layers, weights=w)
        spans = word_spans(text)
        offsets = np.array(tok.offsets).reshape(-1, 2) - len(prompt)
        pool = torch.from_numpy(word_pool([token_words(offsets, spans)], [len(spans)],
                                          len(tok.ids)))
        want = word_logits(params, h, pool, taps)[0].numpy()
    got = misfit_words(model, enc, [text])[0]
    np.testing.assert_allclose(got, want, atol=2e-3)
