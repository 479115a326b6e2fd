"""The word tagger: word states and offsets, output shapes, phrases, the shipped file's checks,
and drift scoring with a tagger (a small random one over the deterministic hash encoder)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from pathlib import Path

import numpy as np
import pytest

from qa_pipeline.cached_encoder import CachedEncoder
from qa_pipeline.detect import drift as drift_mod
from qa_pipeline.detect.context import build_context
from qa_pipeline.detect.tagger import (
    ALIGN_FEATURES,
    SURFACE_FEATURES,
    TAGGER_FORMAT,
    WORD_EVIDENCE,
    PairTags,
    TaggerModel,
    WordStates,
    combine_stage,
    combined_logit,
    load_tagger,
    phrases,
    read_tagger,
    side_words,
    tag_pairs,
    tagger_names,
    weights_bytes,
    word_states,
    write_tagger,
)
from qa_pipeline.embed import HashEncoder, ReportingEncoder
from qa_pipeline.errors import ModelError
from qa_pipeline.segment import build_document
from qa_pipeline.text import word_spans
from qa_pipeline.token_states import TokenStates, TokenStateStore
from qa_pipeline.types import Bead

LAYERS = (8, 12)
PAIRS = [("Kaks sõdurit sai vigastada, ja toimetati haiglasse.",
          "Two soldiers were injured and taken to hospital."),
         ("Ilm on täna ilus.", "The weather is nice today, isn't it?"),
         ("Tere!", "Hello!")]


def random_model(dim: int, seed: int = 0, hidden: int = 8,
                 combine: dict[str, object] | None = None) -> TaggerModel:
    rng = np.random.default_rng(seed)
    n_feat = len(LAYERS) * len(ALIGN_FEATURES) + len(SURFACE_FEATURES)

    def r(*shape: int) -> np.ndarray:
        return rng.normal(0, 0.3, shape).astype(np.float32)

    w = {"feat_mean": np.zeros(n_feat, np.float32), "feat_scale": np.ones(n_feat, np.float32),
         "w_feat": r(n_feat, hidden), "b_1": r(hidden), "w_state": r(4 * dim, hidden),
         "tau": np.array([0.05], np.float32), "w_2": r(hidden, hidden), "b_2": r(hidden),
         "w_out": r(hidden, 1), "b_out": r(1), "s_1": r(2 * hidden + 7, 4), "s_b1": r(4),
         "s_out": r(4, 1), "s_bout": r(1)}
    return TaggerModel(model_id="tagger-test/1", encoder=f"hash-{dim}", layers=LAYERS, weights=w,
                       thresholds={"word_bad_source": 0.5, "word_bad_target": 0.5},
                       provenance={}, combine=combine)


def test_word_states_follow_the_pipelines_words() -> None:
    enc = HashEncoder(32)
    texts = [s for p in PAIRS for s in p] + [""]
    out = word_states(enc, texts, LAYERS)
    assert len(out) == len(texts)
    for text, ws in zip(texts, out, strict=True):
        assert list(ws.spans) == word_spans(text)
        assert ws.states.shape == (len(ws.spans), len(LAYERS), 32)


def test_tags_have_one_probability_per_word_on_each_side() -> None:
    enc = HashEncoder(32)
    tags = tag_pairs(random_model(32), enc, PAIRS)
    assert len(tags) == len(PAIRS)
    for (s, t), tg in zip(PAIRS, tags, strict=True):
        assert [s[a:b] for a, b in tg.source_spans] == [s[a:b] for a, b in word_spans(s)]
        assert [t[a:b] for a, b in tg.target_spans] == [t[a:b] for a, b in word_spans(t)]
        assert tg.source_bad.shape == (len(word_spans(s)),)
        assert tg.target_bad.shape == (len(word_spans(t)),)
        assert np.all((tg.source_bad >= 0) & (tg.source_bad <= 1))
        assert 0.0 <= tg.sentence <= 1.0
    # The same pair tags the same way whatever it is batched with.
    again = tag_pairs(random_model(32), enc, PAIRS[1:2])[0]
    np.testing.assert_allclose(again.target_bad, tags[1].target_bad, rtol=1e-5)


@pytest.mark.parametrize(("bad", "want"), [
    ([False, False, False, False], []),
    ([True, True, False, True], ["Two soldiers", "injured"]),
    ([False, True, True, True], ["soldiers were, injured"]),
])
def test_phrases_merge_consecutive_words(bad: list[bool], want: list[str]) -> None:
    text = "Two soldiers were, injured"
    spans = word_spans(text)
    assert [text[a:b] for a, b in phrases(spans, bad)] == want


def test_side_words_share_and_longest_run() -> None:
    text = "a b c d e"
    sw = side_words(word_spans(text), np.array([0.9, 0.1, 0.8, 0.7, 0.6]), 0.5)
    assert sw.share == pytest.approx(0.8)
    assert sw.longest == (2, 5)
    assert [text[a:b] for a, b in sw.phrases] == ["a", "c d e"]


def test_write_read_round_trip(tmp_path: Path) -> None:
    model = random_model(16, combine={"coef": [1.0] + [0.0] * len(WORD_EVIDENCE),
                                      "intercept": 0.0, "thresholds": {"drift_minor": 0.6}})
    write_tagger(model, tmp_path)
    j, z = tagger_names(model.encoder)
    back = read_tagger(json.loads((tmp_path / j).read_text()), (tmp_path / z).read_bytes())
    assert back.layers == model.layers and back.combine == model.combine
    for k, v in model.weights.items():
        np.testing.assert_array_equal(back.weights[k], v)


def _header(model: TaggerModel, blob: bytes) -> dict[str, object]:
    return {"format": TAGGER_FORMAT, "model_id": model.model_id, "encoder": model.encoder,
            "layers": list(model.layers), "thresholds": model.thresholds,
            "sha256": hashlib.sha256(blob).hexdigest()}


def test_damaged_weights_are_refused() -> None:
    model = random_model(16)
    blob = weights_bytes(model.weights)
    header = _header(model, blob)
    read_tagger(header, blob)
    with pytest.raises(ModelError, match="SHA-256"):
        read_tagger(header, blob[:-1] + bytes([blob[-1] ^ 1]))
    with pytest.raises(ModelError, match="format"):
        read_tagger({**header, "format": "qa_pipeline.word_tagger/0"}, blob)
    with pytest.raises(ModelError, match="features"):
        read_tagger({**header, "layers": [12]}, blob)


SHIPPED = Path(__file__).resolve().parents[2] / "qa_pipeline" / "data"


@pytest.mark.skipif(not (SHIPPED / "tagger_multilingual-e5-small.json").is_file(),
                    reason="no tagger shipped for the default model")
def test_shipped_tagger_matches_its_header() -> None:
    model = load_tagger("multilingual-e5-small")
    assert model is not None
    assert model.layers[-1] == 12 and model.combine is not None
    assert {"word_bad_source", "word_bad_target"} <= set(model.thresholds)
    assert load_tagger("hash-256") is None  # no weights: drift falls back to occlusion


def test_drift_spans_come_from_tagged_words(monkeypatch: pytest.MonkeyPatch) -> None:
    enc = HashEncoder(32)
    model = random_model(32)
    monkeypatch.setattr(drift_mod, "load_word_tagger", lambda name: model)
    src = build_document("s", "et", [[s] for s, _ in PAIRS])
    tgt = build_document("t", "en", [[t] for _, t in PAIRS])
    beads = [Bead((i,), (i,)) for i in range(len(PAIRS))]
    ctx = build_context(src, tgt, beads, {}, enc)
    res = drift_mod.score_drift(ctx, enc, drift_mod.DriftParams(word_tagger=True))
    assert res.words is not None and sorted(res.words) == [0, 1, 2]
    tags = tag_pairs(model, enc, PAIRS)
    for i, tg in enumerate(tags):
        want = [PAIRS[i][1][a:b] for a, b in side_words(tg.target_spans, tg.target_bad, 0.5)
                .phrases]
        got = [tgt.sentences[s].text[a:b] for s, a, b in res.words[i][1]]
        assert got == want
        assert res.spans[i][1] == res.words[i][1] or res.spans[i][1] == (
            (i, 0, len(PAIRS[i][1])),)  # a nearly all-BAD side is one whole-side span
    off = drift_mod.score_drift(ctx, enc, dataclasses.replace(drift_mod.DriftParams(),
                                                              word_tagger=False))
    assert off.words is None


def test_a_pairs_own_word_evidence_stage_is_used_for_that_pair_only() -> None:
    general = {"coef": [1.0] + [0.0] * len(WORD_EVIDENCE), "intercept": 0.0,
               "thresholds": {"drift_minor": 0.6}}
    et_en = {"coef": [0.0, 2.0] + [0.0] * (len(WORD_EVIDENCE) - 1), "intercept": -1.0,
             "thresholds": {"drift_minor": 0.4}}
    model = random_model(16, combine={**general, "pairs": {"et-en": et_en}})
    assert combine_stage(model, "et", "en") == et_en
    assert combine_stage(model, "lt", "et")["thresholds"] == {"drift_minor": 0.6}
    assert combine_stage(random_model(16), "et", "en") is None
    drift, ev = np.array([0.5, -1.0]), np.array([[3.0, 0, 0, 0], [-2.0, 0, 0, 0]])
    np.testing.assert_allclose(combined_logit(combine_stage(model, "et", "en"), drift, ev),
                               [5.0, -5.0])
    np.testing.assert_allclose(combined_logit(combine_stage(model, "lt", "et"), drift, ev),
                               drift)
    np.testing.assert_allclose(combined_logit(None, drift, ev), drift)
    blob = weights_bytes(model.weights)
    header = {**_header(model, blob), "combine": {**general, "pairs": {"et-en": {
        **et_en, "coef": [1.0, 2.0]}}}}
    with pytest.raises(ModelError, match="word-evidence stage takes 2 inputs"):
        read_tagger(header, blob)


class StatesEncoder(HashEncoder):
    """A hash encoder with token states (one token per word, its hash vector at every layer,
    scaled by the layer) and a prompt: `word_states` reads them as it reads a real model's."""

    prompt = "q: "

    def __init__(self) -> None:
        super().__init__(16)
        self.passes = 0

    def token_states(self, texts: list[str], layers: tuple[int, ...]
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        self.passes += 1
        found = [list(re.finditer(r"\w+", t)) for t in texts]
        n = max(1, *(len(f) for f in found))
        offsets = np.zeros((len(texts), n, 2), np.int64)
        mask = np.zeros((len(texts), n), np.int64)
        states = np.zeros((len(texts), n, len(layers), 16), np.float32)
        for r, ms in enumerate(found):
            for k, m in enumerate(ms):
                offsets[r, k], mask[r, k] = m.span(), 1
                vec = super().encode([m.group()])[0]
                states[r, k] = [vec * (1 + layer) for layer in layers]
        return offsets, mask, states


def test_word_states_reach_the_model_through_the_cache_and_the_progress_wrapper() -> None:
    """The pipeline hands the drift stage its encoder wrapped twice (the cache, then the
    progress reporter): the tagger must still read the model's token states, not fall back to
    the hash stand-in (a bug: `check --word-tagger` without --quiet tagged other words)."""
    texts = [s for p in PAIRS for s in p]
    inner = StatesEncoder()
    wrapped = ReportingEncoder(CachedEncoder(inner, None), None)
    want = word_states(inner, texts, LAYERS)
    got = word_states(wrapped, texts, LAYERS)
    assert inner.passes == 2
    for a, b in zip(want, got, strict=True):
        assert a.spans == b.spans and np.array_equal(a.states, b.states)
    assert not np.array_equal(got[0].states[:, 0], got[0].states[:, 1])  # not the stand-in


def test_word_states_read_the_states_the_encoder_kept() -> None:
    """States kept from an earlier pass (`keep_layer_states`) are what a new pass would give,
    so the tagger reads them (any of the kept layers) and runs no pass for those texts; a
    text kept without a layer it needs, or not kept, gets its own pass."""
    texts = [s for p in PAIRS for s in p]
    enc = StatesEncoder()
    fresh = word_states(enc, texts, LAYERS)
    enc.layer_states = TokenStateStore(1 << 20, np.float32)
    offsets, _, states = enc.token_states([enc.prompt + t for t in texts], LAYERS)
    for r, t in enumerate(texts[:-1]):
        n = len(re.findall(r"\w+", enc.prompt + t))
        enc.layer_states.put(t, TokenStates(offsets[r, :n] - len(enc.prompt), states[r, :n],
                                            LAYERS))
    enc.passes = 0
    kept = word_states(enc, texts[:-1], LAYERS)
    assert enc.passes == 0  # every one of them kept
    for a, b in zip(fresh, kept, strict=False):
        assert a.spans == b.spans and np.allclose(a.states, b.states, atol=1e-6)
    last = word_states(enc, texts, LAYERS)[-1]
    assert enc.passes == 1 and np.array_equal(last.states, fresh[-1].states)  # not kept
    enc.passes = 0
    some = word_states(enc, texts[:-1], tuple(reversed(LAYERS))[:2])
    assert enc.passes == 0  # a part of the kept layers, in any order: picked out, no pass
    for a, b in zip(fresh, some, strict=False):
        np.testing.assert_allclose(b.states, a.states[:, [len(LAYERS) - 1, len(LAYERS) - 2]],
                                   atol=1e-6)
    word_states(enc, texts[:-1], (*LAYERS, max(LAYERS) + 1))
    assert enc.passes == 1  # a layer that was not kept: a pass of their own


def test_a_rerun_reads_the_tags_from_the_cache(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """`tag_words` stores each pair's tags in the encoder's on-disk cache: a later run (a new
    process: no memo) gets the same tags without tagging anything; other weights are other
    keys."""
    from qa_pipeline.cache import EmbeddingCache
    from qa_pipeline.detect import word_tagger

    def cached() -> CachedEncoder:
        return CachedEncoder(HashEncoder(32), EmbeddingCache(tmp_path / "c"))

    model = random_model(32)
    first = word_tagger.tag_words(model, cached(), PAIRS)

    def refuse(*args: object) -> None:
        raise AssertionError("tagged again")

    with monkeypatch.context() as m:
        m.setattr(word_tagger, "_tag_words", refuse)
        again = word_tagger.tag_words(model, cached(), [*PAIRS, PAIRS[0]])
        with pytest.raises(AssertionError, match="tagged again"):
            word_tagger.tag_words(model, CachedEncoder(HashEncoder(32), None), PAIRS)
    for a, b in zip([*first, first[0]], again, strict=True):
        assert a.source_spans == b.source_spans and a.target_spans == b.target_spans
        assert np.array_equal(a.source_bad, b.source_bad)
        assert np.array_equal(a.target_bad, b.target_bad) and a.sentence == b.sentence
    other = word_tagger.tag_words(random_model(32, seed=1), cached(), PAIRS)
    assert not np.array_equal(other[0].target_bad, first[0].target_bad)


# --- phrases and quotes (session 30: 31 NTREX drift spans had an unmatched quote) ------------


@pytest.mark.parametrize(("text", "bad", "want"), [
    # a closing quote between two BAD words ends the phrase
    ("Bet jis tikisi, kad „Rangers“ klubas laimės", [0, 0, 0, 0, 1, 1, 0],
     ["Rangers", "klubas"]),
    # ... and an opening one starts one
    ("su „Villarreal“ komanda", [1, 1, 0], ["su", "Villarreal"]),
    ("lähedal,“ vandus mees", [1, 1, 0], ["lähedal", "vandus"]),
    ("Bomber jakist (Washington Post ütles", [1, 1, 1, 0, 0], ["Bomber jakist", "Washington"]),
    # a pair opened and closed inside the phrase stays in it
    ("Suirutė įvyko „HMP Long Lartin“ kalėjime", [1, 1, 1, 1, 1, 1],
     ["Suirutė įvyko „HMP Long Lartin“ kalėjime"]),
    ("Obradoras (sutrumpintai AMLO) laimėjo", [1, 1, 1, 1],
     ["Obradoras (sutrumpintai AMLO) laimėjo"]),
    ("He said “we won” today", [1, 1, 1, 1, 1], ["He said “we won” today"]),
    # other punctuation still does not split
    ("soldiers were, injured", [1, 1, 1], ["soldiers were, injured"]),
    # a pair the cut breaks splits again: „a (b“ c) -> no mark is matched
    ("x „a (b“ c) y", [1, 1, 1, 1, 1], ["x", "a", "b", "c", "y"]),
])
def test_phrases_do_not_reach_across_an_unmatched_quote_or_bracket(
        text: str, bad: list[int], want: list[str]) -> None:
    spans = word_spans(text)
    got = [text[a:b] for a, b in phrases(spans, [bool(x) for x in bad], text)]
    assert got == want
    # without the text: merged across any punctuation, as before
    assert len(phrases(spans, [bool(x) for x in bad])) <= len(got)


@pytest.mark.parametrize(("text", "want"), [
    ("„Iga minuti järel saabub kiirabiga uusi inimesi.",
     "Iga minuti järel saabub kiirabiga uusi inimesi"),
    ("Ma loodan, et nad pole ohus.“", "Ma loodan, et nad pole ohus"),
    ("(Washington", "Washington"),
    ("„Rangers“", "„Rangers“"),
    ("(see) tekst", "(see) tekst"),
    (" – „Olge nüüd.“ ", "„Olge nüüd.“"),
    ("50 % ja 5 €", "50 % ja 5 €"),
    ("„ “ ...", None),
])
def test_trim_span_drops_loose_marks_at_the_edges(text: str, want: str | None) -> None:
    from qa_pipeline.detect.tagger import trim_span

    got = trim_span(text, 0, len(text))
    assert (None if got is None else text[got[0]:got[1]]) == want


QUOTED = [("Jis sakė: „Rangers“ klubas laimės, o „Celtic“ ne.",
           "Ta ütles: „Rangers“ klubi võidab."),
          ("„Iga minuti järel saabub uusi inimesi.", "Kas (Washington Post ütles) tõesti?")]


def _unmatched(t: str) -> bool:
    """Whether `t` holds a quote or bracket it does not also open or close."""
    closes = {"„": "“", "(": ")"}
    stack: list[str] = []
    for c in t:
        if stack and c == closes[stack[-1]]:
            stack.pop()
        elif c in closes:
            stack.append(c)
        elif c in "“)":
            return True
    return bool(stack)


def test_drift_spans_from_tagged_words_leave_no_quote_or_bracket_open(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Every word BAD but one beside each quote: the report's spans (phrases and whole
    sides, cut at sentence ends) never open or close a quote or bracket they do not hold."""
    model = random_model(32)

    def fake_tags(model: object, encoder: object, pairs: list[tuple[str, str]],
                  progress: object = None) -> list[PairTags]:
        out = []
        for s, t in pairs:
            ss, ts = word_spans(s), word_spans(t)
            # alternate: about half BAD (phrases), and the second target nearly all BAD (a
            # whole side)
            sb = np.array([0.9 if k % 3 else 0.1 for k in range(len(ss))])
            tb = np.array([0.9 if k % 3 or "Kas" in t else 0.1 for k in range(len(ts))])
            out.append(PairTags(tuple(ss), sb, tuple(ts), tb, 0.5))
        return out

    monkeypatch.setattr(drift_mod, "load_word_tagger", lambda name: model)
    monkeypatch.setattr(drift_mod, "tag_words", fake_tags)
    src = build_document("s", "lt", [[s for s, _ in QUOTED]])
    tgt = build_document("t", "et", [[t for _, t in QUOTED]])
    beads = [Bead(tuple(range(len(src.sentences))), tuple(range(len(tgt.sentences))))]
    enc = HashEncoder(32)
    ctx = build_context(src, tgt, beads, {}, enc)
    res = drift_mod.score_drift(ctx, enc, drift_mod.DriftParams(word_tagger=True))
    assert res.words is not None
    texts = []
    for doc, spans in ((src, res.spans[0][0]), (tgt, res.spans[0][1]),
                       (src, res.words[0][0]), (tgt, res.words[0][1])):
        texts += [doc.sentences[i].text[a:b] for i, a, b in spans]
    assert texts and not [t for t in texts if _unmatched(t)], texts
    assert all(t == t.strip(" .,;:!?–") for t in texts)
    assert "„Rangers“" not in texts  # its words were not all BAD: no reach into a quote


# --- long documents: tagged a chunk of beads at a time (session 30) ---------------------------


def _many_pairs(n: int) -> list[tuple[str, str]]:
    return [(f"{s} {k}", f"{t} {k}") for k in range(n) for s, t in PAIRS[:1]]


def test_tag_words_tags_a_chunk_of_beads_at_a_time_with_the_same_tags(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A long document's tagging holds one chunk's token and word states, not every text's:
    `_tag_words` (and so `word_states`) gets at most TAG_CHUNK pairs a call, the word-state
    memo stays within its bytes, and the tags are those of one call over all pairs."""
    from qa_pipeline.detect import tagger as tagger_mod
    from qa_pipeline.detect import word_tagger

    model = random_model(32)
    pairs = _many_pairs(7)
    tagger_mod.clear_memo()
    whole = tag_pairs(model, HashEncoder(32), pairs)
    tagger_mod.clear_memo()
    calls: list[int] = []
    states_calls: list[int] = []
    real_tag, real_states = word_tagger._tag_words, tagger_mod.word_states
    monkeypatch.setattr(word_tagger, "TAG_CHUNK", 3)

    def spy_tag(m: TaggerModel, e: HashEncoder, p: list[tuple[str, str]]) -> list[PairTags]:
        calls.append(len(p))
        return real_tag(m, e, p)

    def spy_states(e: HashEncoder, t: list[str], la: tuple[int, ...]) -> list[WordStates]:
        states_calls.append(len(t))
        return real_states(e, t, la)

    monkeypatch.setattr(word_tagger, "_tag_words", spy_tag)
    monkeypatch.setattr(tagger_mod, "word_states", spy_states)
    one_text = whole[0].source_spans and tagger_mod.cached_states(
        HashEncoder(32), [pairs[0][0]], model.layers)[pairs[0][0]].states.nbytes
    tagger_mod.clear_memo()
    states_calls.clear()
    monkeypatch.setattr(tagger_mod, "MEMO_BYTES", 2 * one_text)
    chunked = word_tagger.tag_words(model, HashEncoder(32), pairs)
    assert calls == [3, 3, 1]
    assert max(states_calls) <= 2 * 3  # each chunk's two sides, never all 14 texts
    assert len(tagger_mod._MEMO) <= 2 * 3 and tagger_mod._MEMO_NBYTES[0] == sum(
        w.states.nbytes for w in tagger_mod._MEMO.values())
    for a, b in zip(whole, chunked, strict=True):
        assert a.source_spans == b.source_spans and a.target_spans == b.target_spans
        assert np.array_equal(a.source_bad, b.source_bad)
        assert np.array_equal(a.target_bad, b.target_bad) and a.sentence == b.sentence
    tagger_mod.clear_memo()


def test_tagging_reports_its_progress_in_beads(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    """The drift stage's longest step (a minute for 2,000 beads) reports the beads tagged,
    chunk by chunk, on its own "tagging" stage; pairs whose tags the cache holds count as
    done from the start."""
    from qa_pipeline.cache import EmbeddingCache
    from qa_pipeline.config import Config
    from qa_pipeline.detect import word_tagger
    from qa_pipeline.io.readers import Inputs
    from qa_pipeline.pipeline import analyse

    model = random_model(32)
    monkeypatch.setattr(word_tagger, "TAG_CHUNK", 2)
    seen: list[tuple[int, int]] = []
    pairs = _many_pairs(5)
    word_tagger.tag_words(model, HashEncoder(32), [*pairs, pairs[0]],
                          lambda d, t: seen.append((d, t)))
    assert seen == [(0, 6), (3, 6), (5, 6), (6, 6)]  # the repeated pair counts twice
    enc = CachedEncoder(HashEncoder(32), EmbeddingCache(tmp_path / "c"))
    word_tagger.tag_words(model, enc, pairs[:3])
    seen.clear()
    word_tagger.tag_words(model, enc, pairs, lambda d, t: seen.append((d, t)))
    assert seen == [(3, 5), (5, 5)]

    # through the pipeline: its own stage, from 0 to every bead
    monkeypatch.setattr(drift_mod, "load_word_tagger", lambda name: model)
    src = build_document("s", "et", [[s] for s, _ in pairs])
    tgt = build_document("t", "en", [[t] for _, t in pairs])
    inputs = Inputs(src, tgt, tuple(Bead((i,), (i,)) for i in range(len(pairs))), "tsv")
    events: list[tuple[str, int, int]] = []
    config = Config(model="hash-32")
    config = dataclasses.replace(config, drift=dataclasses.replace(config.drift,
                                                                   word_tagger=True))
    analyse(inputs, HashEncoder(32), config, lambda s, d, t: events.append((s, d, t)))
    tagging = [(d, t) for s, d, t in events if s == "tagging"]
    assert tagging[0] == (0, 5) and tagging[-1] == (5, 5) and len(tagging) == 4
    drift_at = [k for k, e in enumerate(events) if e[0] == "drift"]
    tag_at = [k for k, e in enumerate(events) if e[0] == "tagging"]
    assert drift_at[0] < tag_at[0] and tag_at[-1] < drift_at[-1]
