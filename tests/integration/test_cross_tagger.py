"""The cross-encoder word tagger on the real default model: words and offsets of its joint
input, the shape of its output, and that the shipped graph (the whole encoder with merged
adapters) computes what the training graph (cached frozen states, adapters on top) computes.
Slow: it loads multilingual-e5-small."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qa_pipeline.bert import LeanBert, supports
from qa_pipeline.detect import cross_tagger as ct
from qa_pipeline.detect.cross_tagger import (
    CrossTaggerModel,
    Runner,
    heads,
    initial_params,
    merged_weights,
    pair_tokens,
    tag_cross,
)
from qa_pipeline.detect.tagger import TaggerModel
from qa_pipeline.embed import SentenceTransformerEncoder
from qa_pipeline.errors import ModelError
from qa_pipeline.models import is_pulled, model_path
from qa_pipeline.text import word_spans

pytestmark = pytest.mark.slow
MODEL = "multilingual-e5-small"
PAIRS = [("Kaks sõdurit sai vigastada ja toimetati ravile Tshinvali haiglasse.",
          "Two soldiers were injured and brought to Tskhinvali's hospital."),
         ("Lojalumo programa – tai ne nuolaida, o santykis.",
          "Püsikliendiprogramm ei ole allahindlus, vaid suhe."),
         ("Tühi?", "  "),
         ("Ilgas sakinys, kuris kartojasi. " * 150, "Pikk lause. " * 150)]


@pytest.fixture(scope="module")
def encoder() -> SentenceTransformerEncoder:
    if not is_pulled(MODEL):
        pytest.skip(f"{MODEL} is not installed")
    return SentenceTransformerEncoder(model_path(MODEL), MODEL, "r", device="cpu")


def random_model(lean: LeanBert) -> CrossTaggerModel:
    cfg = lean.config
    w = initial_params(cfg.hidden, 8, cfg.layers, 4, 16,
                       lean.weights["encoder.layer.0.intermediate.dense.weight"].shape[0], 5)
    rng = np.random.default_rng(1)
    for k in w:  # adapters that change the encoder (a fresh one starts with B = 0)
        if k.startswith("lora_b:"):
            w[k] = rng.normal(0, 0.05, w[k].shape).astype(np.float32)
    return CrossTaggerModel(model_id="cross-random/1", encoder=MODEL, frozen=8,
                            layers=cfg.layers, rank=4, alpha=8.0, weights=w,
                            thresholds={"word_bad_source": 0.5, "word_bad_target": 0.5})


def test_tokens_map_onto_the_pipelines_words(encoder: SentenceTransformerEncoder) -> None:
    lean = ct.lean_for(encoder)
    src, tgt = PAIRS[1]
    tk = pair_tokens(lean, src, tgt)
    enc = lean.tokenizer.encode(src, tgt)
    assert tk.source_spans == tuple(word_spans(src)) and tk.target_spans == tuple(word_spans(tgt))
    ns = len(tk.source_spans)
    assert set(tk.word_of.tolist()) - {-1} == set(range(ns + len(tk.target_spans)))
    for k, w in enumerate(tk.word_of):
        seq, (a, b) = enc.sequence_ids[k], enc.offsets[k]
        if w < 0:  # a special token, a bare space piece or punctuation: no word under it
            spans = () if seq is None else tk.source_spans if seq == 0 else tk.target_spans
            assert not any(s < b and a < e for s, e in spans)
            continue
        text, (s, e) = (src, tk.source_spans[w]) if w < ns else (tgt, tk.target_spans[w - ns])
        assert seq == (0 if w < ns else 1) and s < b and a < e
        assert text[max(a, s):min(b, e)].strip()


def test_tags_cover_every_word_with_a_probability(encoder: SentenceTransformerEncoder) -> None:
    lean = ct.lean_for(encoder)
    model = random_model(lean)
    tags = tag_cross(model, encoder, PAIRS)
    assert len(tags) == len(PAIRS)
    for (s, t), tg in zip(PAIRS, tags, strict=True):
        assert tg.source_spans == tuple(word_spans(s)) and tg.target_spans == tuple(word_spans(t))
        assert tg.source_bad.shape == (len(tg.source_spans),)
        assert tg.target_bad.shape == (len(tg.target_spans),)
        for p in (tg.source_bad, tg.target_bad):
            assert np.all((p > 0) & (p < 1))
        assert 0 < tg.sentence < 1
    ct._MEMO.clear()
    alone = tag_cross(model, encoder, PAIRS[1:2])[0]  # another batch, another padding
    np.testing.assert_allclose(alone.target_bad, tags[1].target_bad, atol=1e-5)
    assert abs(alone.sentence - tags[1].sentence) < 1e-5


def test_shipped_graph_equals_the_training_graph(encoder: SentenceTransformerEncoder) -> None:
    import torch

    lean = ct.lean_for(encoder)
    model = random_model(lean)
    toks = [pair_tokens(lean, s, t) for s, t in PAIRS[:2]]
    probs, sent = Runner(model, lean).logits(toks)
    params = {k: torch.from_numpy(v) for k, v in model.weights.items()}
    with torch.inference_mode():
        for tk, p_ship, s_ship in zip(toks, probs, sent, strict=True):
            ids = torch.tensor([tk.ids])
            mask = torch.ones_like(ids)
            frozen, _ = lean.layers(lean.embeddings(ids), mask, 0, 8)  # what `states` caches
            w = merged_weights(lean.weights, params, 8, lean.config.layers, model.scale)
            h, _ = lean.layers(frozen, mask, 8, lean.config.layers, weights=w)
            nw = len(tk.source_spans) + len(tk.target_spans)
            pool = torch.zeros((1, nw, len(tk.ids)))
            for k, wd in enumerate(tk.word_of):
                if wd >= 0:
                    pool[0, wd, k] = 1
            pool /= pool.sum(-1, keepdim=True).clamp(min=1)
            side = torch.tensor([[0] * len(tk.source_spans) + [1] * len(tk.target_spans)])
            wl, sl = heads(params, h, mask, pool, side, torch.ones((1, nw), dtype=torch.bool))
            assert np.abs(torch.sigmoid(wl[0]).numpy() - p_ship).max() < 1e-5
            assert abs(float(torch.sigmoid(sl[0])) - s_ship) < 1e-5


def test_a_model_the_lean_encoder_does_not_run_is_refused(tmp_path: Path) -> None:
    enc = SentenceTransformerEncoder(tmp_path, "not-bert", "r", device="cpu")
    assert supports(tmp_path) is None
    with pytest.raises(ModelError, match="cross tagger"):
        ct.lean_for(enc)


# A bridge in the source, a potato in the target.
SWAPPED = ("Vyriausybė pranešė, kad naujas tiltas bus atidarytas kitą savaitę.",
           "Valitsus teatas, et uus kartul avatakse järgmisel nädalal.")


def shipped_with(evidence: str) -> tuple[CrossTaggerModel, TaggerModel]:
    """The shipped cross tagger and its feature tagger; skips when it ships without the
    `evidence` ("match" or "fit")."""
    from qa_pipeline.detect.tagger import load_tagger
    from qa_pipeline.detect.word_tagger import load_word_tagger

    shipped, feature = load_word_tagger(MODEL), load_tagger(MODEL)
    if not isinstance(shipped, CrossTaggerModel) or feature is None \
            or getattr(shipped, evidence) is None:
        pytest.skip(f"no shipped cross tagger with a word {evidence}")
    return shipped, feature


def test_the_word_match_moves_the_blend_as_its_states_say(
        encoder: SentenceTransformerEncoder) -> None:
    """The shipped tagger with its unmatched-word evidence: the blend's target P(BAD) moved by
    weight · (centre − best centred match) of the real word states at its layer, the source
    and the sentence untouched. (How often it singles out a swapped word is a benchmark
    figure: bench/tagger_match.py.)"""
    import dataclasses

    from qa_pipeline.detect.tagger import cached_states
    from qa_pipeline.detect.word_match import best_match
    from qa_pipeline.detect.word_tagger import _tag_words

    shipped, feature = shipped_with("match")
    assert shipped.match is not None
    src, tgt = SWAPPED
    with_m = _tag_words(shipped, encoder, [(src, tgt)])[0]
    without = _tag_words(dataclasses.replace(shipped, match=None), encoder, [(src, tgt)])[0]
    np.testing.assert_allclose(with_m.source_bad, without.source_bad)
    assert with_m.sentence == pytest.approx(without.sentence)
    states = cached_states(encoder, [src, tgt], feature.layers)
    k = feature.layers.index(shipped.match.layer)
    best = best_match(states[tgt].states[:, k], states[src].states[:, k])
    want = np.clip(without.target_bad + shipped.match.weight * (shipped.match.centre - best),
                   0, 1)
    np.testing.assert_allclose(with_m.target_bad, want, atol=1e-6)
    assert not np.allclose(with_m.target_bad, without.target_bad)


def test_the_word_fit_moves_only_the_marking_as_its_probe_says(
        encoder: SentenceTransformerEncoder) -> None:
    """The shipped tagger with its misfit evidence: the tags the drift score reads are those
    of the tagger without it; the target words' marking is moved by weight · (P(misfit) −
    centre) of the real word states. (How often it singles out a swapped word is a benchmark
    figure: bench/tagger_fit.py.)"""
    import dataclasses

    from qa_pipeline.detect.tagger import cached_states
    from qa_pipeline.detect.word_fit import misfit
    from qa_pipeline.detect.word_tagger import _tag_words

    shipped, feature = shipped_with("fit")
    assert shipped.fit is not None
    src, tgt = SWAPPED
    with_f = _tag_words(shipped, encoder, [(src, tgt)])[0]
    without = _tag_words(dataclasses.replace(shipped, fit=None), encoder, [(src, tgt)])[0]
    assert without.target_mark is None and with_f.target_mark is not None
    np.testing.assert_allclose(with_f.source_bad, without.source_bad)
    np.testing.assert_allclose(with_f.target_bad, without.target_bad)
    assert with_f.sentence == pytest.approx(without.sentence)
    states = cached_states(encoder, [src, tgt], feature.layers)
    p = misfit(states[tgt], feature.layers, shipped.fit)
    want = np.clip(without.target_bad + shipped.fit.weight * (p - shipped.fit.centre), 0, 1)
    np.testing.assert_allclose(with_f.target_mark, want, atol=1e-6)
    assert not np.allclose(with_f.target_mark, without.target_bad)
