"""Word-level drift: a small trained tagger over the encoder's own contextual token states.

Each side of a bead has its hidden states read at a few layers (``TaggerModel.layers``): kept
from the encoder's pass that embedded it (``keep_layer_states``, asked for by the pipeline
before aligning), else from one more pass; a word's state is the mean of its sub-tokens'. Per word,
SimAlign-style alignment features compare it with the other side's words (best cosine, the
margin to the second best, whether the best match points back, the entropy of the alignment
row, how far the match sits from the word's relative position, the cosine to the other side's
mean vector) and a few surface flags (digit, capital, length). A two-layer network over those
features and an attention-weighted view of the other side gives P(BAD) per word; a sentence
head over pooled word evidence estimates HTER (the share of words a post-editor changes).

The weights are trained by ``bench/train_tagger.py`` on MLQE-PE et-en *train* (human
post-edits: a word is BAD where the post-editor changed it) and shipped as package data
(``tagger_<model>.npz`` plus a JSON header with the format version and the weights' SHA-256,
checked on load). A model without shipped weights has no tagger: drift falls back to
occlusion (``spans.py``).

Words are the pipeline's words (``text.WORD``: punctuation is never tagged), with character
offsets into the side's text, so spans map straight onto the report's sentence spans.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Protocol

import numpy as np

from ..embed import Encoder
from ..errors import ModelError
from ..text import unit_rows, word_spans
from ..token_states import state_source

TAGGER_FORMAT = "qa_pipeline.word_tagger/1"
# Per-word alignment features, in the order the network reads them (per layer for the first
# block, then the surface flags once).
ALIGN_FEATURES = ("max_sim", "margin2", "recip", "mean_sim", "entropy", "pos_diff", "csls")
SURFACE_FEATURES = ("is_num", "is_cap", "log_chars", "log_len_ratio", "is_source", "rel_pos")
ENTROPY_TEMPERATURE = 0.05
CSLS_K = 3


@dataclass(frozen=True)
class WordStates:
    """One text's words: character spans and their states, shape (words, layers, dim)."""

    spans: tuple[tuple[int, int], ...]
    states: np.ndarray


def _hash_states(encoder: Encoder, texts: Sequence[str], layers: Sequence[int]) -> list[WordStates]:
    """A test encoder's stand-in: each word's own vector at every layer (deterministic)."""
    out = []
    for t in texts:
        spans = tuple(word_spans(t))
        if not spans:
            out.append(WordStates((), np.zeros((0, len(layers), encoder.dim), np.float32)))
            continue
        vecs = encoder.encode([t[a:b] for a, b in spans])
        out.append(WordStates(spans, np.repeat(vecs[:, None, :], len(layers), axis=1)))
    return out


def word_states(encoder: Encoder, texts: Sequence[str], layers: Sequence[int],
                batch_size: int = 32) -> list[WordStates]:
    """Per text, its words and their mean sub-token states at `layers`: from the states the
    encoder kept of its last pass (`keep_layer_states`: the aligner's, when the pipeline asked
    for them), else from one more pass (batches sorted by length; the encoder's prompt is
    prepended as in `encode`). An encoder without token states (the hash test encoder) gives
    each word's own vector instead."""
    inner = state_source(encoder, "token_states")
    if inner is None:
        return _hash_states(encoder, texts, layers)
    found = layer_states(inner, texts, layers, batch_size)
    return [_pool_words(t, *found[t]) for t in texts]


def layer_states(inner: Any, texts: Sequence[str], layers: Sequence[int],
                 batch_size: int = 32) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each distinct text's tokens as (character offsets into the text itself: the prompt's
    are negative, the special tokens' empty; states at `layers`, (tokens, len(layers), dim)),
    from an encoder with `token_states`: the states it kept of its last pass where they hold
    `layers` (and maybe more), else from one more pass (batches sorted by length; the
    encoder's prompt is prepended as in `encode`). What the word tagger and the swapped-word
    detector (`misfit.py`) read."""
    prompt = str(inner.prompt or "")
    kept = getattr(inner, "layer_states", None)
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for text in dict.fromkeys(texts):
        hit = kept.get(text) if kept is not None else None
        if hit is not None and set(layers) <= set(hit.layers):  # kept: these and more
            out[text] = (hit.offsets, hit.states[:, [hit.layers.index(k) for k in layers]])
    todo = sorted((t for t in dict.fromkeys(texts) if t not in out), key=len)
    for start in range(0, len(todo), batch_size):
        chunk = todo[start:start + batch_size]
        offsets, mask, stacked = inner.token_states([prompt + t for t in chunk], layers)
        for row, text in enumerate(chunk):
            n = int(mask[row].sum())  # padding follows the real tokens
            out[text] = (offsets[row, :n] - len(prompt), stacked[row, :n])
    return out


def _pool_words(text: str, offsets: np.ndarray, states: np.ndarray) -> WordStates:
    """Each word's mean state over the tokens inside it (`layer_states`' offsets)."""
    spans = tuple(word_spans(text))
    n_layers, dim = states.shape[1], states.shape[2]
    res = np.zeros((len(spans), n_layers, dim), np.float32)
    starts, ends = offsets[:, 0], offsets[:, 1]
    real = (ends > starts) & (ends > 0)
    for w, (a, b) in enumerate(spans):
        sel = real & (starts < b) & (ends > a)
        if sel.any():
            res[w] = states[sel].mean(axis=0)
    return WordStates(spans, res)


# --- features ------------------------------------------------------------------------------


def align_features(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """ALIGN_FEATURES for each row of `a` (unit rows) against the rows of `b` (unit rows)."""
    n, m = a.shape[0], b.shape[0]
    out = np.zeros((n, len(ALIGN_FEATURES)), np.float32)
    if n == 0 or m == 0:
        return out
    s = a @ b.T
    best = s.argmax(axis=1)
    top = s[np.arange(n), best]
    second = np.sort(s, axis=1)[:, -2] if m > 1 else top
    back = s.argmax(axis=0)
    mean_b = b.mean(axis=0)
    mean_b = mean_b / max(float(np.linalg.norm(mean_b)), 1e-9)
    z = (s - s.max(axis=1, keepdims=True)) / ENTROPY_TEMPERATURE
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    ent = -(p * np.log(p + 1e-12)).sum(axis=1) / max(np.log(m), 1.0)
    rel_a = np.arange(n) / max(n - 1, 1)
    rel_b = best / max(m - 1, 1)
    # CSLS: the best cosine minus the other side's word's mean cosine to its nearest rows
    k = min(CSLS_K, n)
    hub = np.sort(s, axis=0)[-k:].mean(axis=0)
    csls = (2 * s - hub[None, :]).max(axis=1)
    out[:, 0] = top
    out[:, 1] = top - second
    out[:, 2] = back[best] == np.arange(n)
    out[:, 3] = a @ mean_b
    out[:, 4] = ent
    out[:, 5] = np.abs(rel_a - rel_b)
    out[:, 6] = csls
    return out


def surface_features(text: str, spans: Sequence[tuple[int, int]], other_words: int,
                     is_source: bool) -> np.ndarray:
    n = len(spans)
    out = np.zeros((n, len(SURFACE_FEATURES)), np.float32)
    for w, (a, b) in enumerate(spans):
        word = text[a:b]
        out[w, 0] = any(c.isdigit() for c in word)
        out[w, 1] = word[:1].isupper() and w > 0
        out[w, 2] = np.log1p(len(word))
        out[w, 5] = w / max(n - 1, 1)
    out[:, 3] = np.log((other_words + 1) / (n + 1))
    out[:, 4] = float(is_source)
    return out


def side_inputs(text: str, mine: WordStates, other: WordStates,
                is_source: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features, own top-layer unit states, other side's top-layer unit states) of one side."""
    n_layers = mine.states.shape[1] if mine.states.ndim == 3 else 0
    feats = []
    for k in range(n_layers):
        a = unit_rows(mine.states[:, k, :]) if len(mine.spans) else mine.states[:, k, :]
        b = unit_rows(other.states[:, k, :]) if len(other.spans) else other.states[:, k, :]
        feats.append(align_features(a, b))
    feats.append(surface_features(text, mine.spans, len(other.spans), is_source))
    top_a = unit_rows(mine.states[:, -1, :]) if len(mine.spans) else mine.states[:, -1, :]
    top_b = unit_rows(other.states[:, -1, :]) if len(other.spans) else other.states[:, -1, :]
    return np.hstack(feats).astype(np.float32), top_a.astype(np.float32), top_b.astype(np.float32)


# --- the network (numpy inference; bench/train_tagger.py trains the same graph in torch) ----


def _gelu(x: np.ndarray) -> np.ndarray:
    return np.asarray(0.5 * x * (1 + np.tanh(0.7978845608 * (x + 0.044715 * x ** 3))))


# The word-evidence stage's inputs after the drift logit (calibration stage 1 + names); a
# stage names its own in its "inputs" (older ones: these four), from EVIDENCE_NAMES.
WORD_EVIDENCE = ("sentence_logit", "max_bad_source", "max_bad_target", "bad_share")
# ... and the largest logit of a target word swapped in from elsewhere (`misfit.py`).
MISFIT_EVIDENCE = "max_misfit_target"
EVIDENCE_NAMES = (*WORD_EVIDENCE, MISFIT_EVIDENCE)
# A side whose words are nearly all unmatched is a whole-sentence problem (a replaced sentence,
# another language): its span is the whole side rather than a list of phrases.
WHOLE_SIDE_SHARE = 0.8
# A run of unmatched words at least this long and this share of its side is a partial gap.
PARTIAL_MIN_WORDS = 3
PARTIAL_MIN_SHARE = 0.25


@dataclass(frozen=True)
class TaggerModel:
    model_id: str
    encoder: str
    layers: tuple[int, ...]
    weights: dict[str, np.ndarray]
    thresholds: dict[str, float]  # word_bad_source / word_bad_target: the P(BAD) cuts
    provenance: dict[str, Any]
    # The word-evidence stage: {"coef": [drift_logit, *WORD_EVIDENCE], "intercept": b,
    # "thresholds": {drift_minor: ..}} fitted by bench/train_tagger.py combine; None before.
    combine: dict[str, Any] | None = None

    @property
    def use_states(self) -> bool:
        return "w_state" in self.weights

    def word_hidden(self, feats: np.ndarray, own: np.ndarray, other: np.ndarray) -> np.ndarray:
        w = self.weights
        x = (feats - w["feat_mean"]) / w["feat_scale"]
        h = x @ w["w_feat"] + w["b_1"]
        if self.use_states and other.shape[0]:
            tau = float(w["tau"][0])
            s = own @ other.T / tau
            s = np.exp(s - s.max(axis=1, keepdims=True))
            s /= s.sum(axis=1, keepdims=True)
            ctx = s @ other
            r = np.hstack([own, ctx, own * ctx, np.abs(own - ctx)])
            h = h + r @ w["w_state"]
        return np.asarray(_gelu(h))

    def word_logits(self, hidden: np.ndarray) -> np.ndarray:
        w = self.weights
        if w["w_2"].shape[0] == 3 * hidden.shape[1]:  # the neighbouring words' states too
            hidden = with_neighbours(hidden)
        h2 = _gelu(hidden @ w["w_2"] + w["b_2"])
        return np.asarray(h2 @ w["w_out"] + w["b_out"]).reshape(-1)

    def sentence_logit(self, src_hidden: np.ndarray, tgt_hidden: np.ndarray,
                       src_logits: np.ndarray, tgt_logits: np.ndarray,
                       cos: float) -> float:
        w = self.weights
        x = sentence_inputs(src_hidden, tgt_hidden, src_logits, tgt_logits, cos)
        h = _gelu(x @ w["s_1"] + w["s_b1"])
        return float((h @ w["s_out"] + w["s_bout"]).reshape(-1)[0])


def with_neighbours(h: np.ndarray) -> np.ndarray:
    """Each word's hidden state beside its left and right neighbours' (zeros at the ends):
    unmatched words come in runs."""
    z = np.zeros((1, h.shape[1]), h.dtype)
    return np.hstack([h, np.vstack([z, h[:-1]]), np.vstack([h[1:], z])])


def sentence_inputs(src_hidden: np.ndarray, tgt_hidden: np.ndarray, src_logits: np.ndarray,
                    tgt_logits: np.ndarray, cos: float) -> np.ndarray:
    """The sentence head's input: mean hidden of each side, and word-probability pools."""
    def pool(h: np.ndarray, lg: np.ndarray) -> list[np.ndarray]:
        if h.shape[0] == 0:
            return [np.zeros(h.shape[1], np.float32), np.zeros(3, np.float32)]
        p = 1 / (1 + np.exp(-lg))
        return [h.mean(axis=0), np.array([p.mean(), p.max(), np.log1p(len(p))], np.float32)]

    parts = pool(src_hidden, src_logits) + pool(tgt_hidden, tgt_logits)
    return np.concatenate([*parts, np.array([cos], np.float32)]).astype(np.float32)


@dataclass(frozen=True)
class PairTags:
    """The tagger's output for one bead: P(BAD) per word on each side, and the sentence
    score (estimated HTER in [0, 1])."""

    source_spans: tuple[tuple[int, int], ...]
    source_bad: np.ndarray
    target_spans: tuple[tuple[int, int], ...]
    target_bad: np.ndarray
    sentence: float
    # The target's P(BAD) that decides which words are marked, where evidence that moves only
    # the marking (`word_fit.py`) moved it; None: `target_bad` marks them.
    target_mark: np.ndarray | None = None
    # Each target word's logit of being swapped in from elsewhere (`misfit.py`), where the
    # model ships that detector; None otherwise.
    target_misfit: np.ndarray | None = None


# Word states of recently tagged texts, per (encoder, layers): a benchmark re-scores the same
# document under many damages, and a batch run sees repeated sentences. Bounded by bytes (fp32,
# ~4.6 kB a word at 3 layers of 384): a count alone let a 2,000-sentence document keep every
# text's (~0.4 GB; BENCHMARKS, "Session 30"). A call's own texts always stay until it returns
# (`word_tagger.tag_words` calls with a chunk of beads at a time).
_MEMO: OrderedDict[tuple[str, tuple[int, ...], str], WordStates] = OrderedDict()
MEMO_LIMIT = 20_000
MEMO_BYTES = 96 * 1024 * 1024
_MEMO_NBYTES = [0]


def cached_states(encoder: Encoder, texts: Sequence[str],
                  layers: tuple[int, ...]) -> dict[str, WordStates]:
    if not _MEMO:  # emptied (`_MEMO.clear()` in a test: a new process)
        _MEMO_NBYTES[0] = 0
    todo = [t for t in dict.fromkeys(texts) if (encoder.name, layers, t) not in _MEMO]
    for t, w in zip(todo, word_states(encoder, todo, layers), strict=True):
        _MEMO[(encoder.name, layers, t)] = w
        _MEMO_NBYTES[0] += w.states.nbytes
    out = {}
    for t in texts:
        key = (encoder.name, layers, t)
        _MEMO.move_to_end(key)
        out[t] = _MEMO[key]
    # the oldest go first; this call's texts (the newest) stay
    while len(_MEMO) > len(out) and (len(_MEMO) > MEMO_LIMIT or _MEMO_NBYTES[0] > MEMO_BYTES):
        _MEMO_NBYTES[0] -= _MEMO.popitem(last=False)[1].states.nbytes
    return out


def clear_memo() -> None:
    """Forget the memoised word states (as in a new process)."""
    _MEMO.clear()
    _MEMO_NBYTES[0] = 0


def state_cosine(a: WordStates, b: WordStates) -> float:
    """Cosine of the two sides' mean top-layer word states (the sentence head's input)."""
    if not len(a.spans) or not len(b.spans):
        return 0.0
    u, v = a.states[:, -1].mean(axis=0), b.states[:, -1].mean(axis=0)
    return float(u @ v / max(float(np.linalg.norm(u) * np.linalg.norm(v)), 1e-9))


def tag_one(model: TaggerModel, s: str, t: str, ws: WordStates, wt: WordStates) -> PairTags:
    fs, own_s, oth_s = side_inputs(s, ws, wt, True)
    ft, own_t, oth_t = side_inputs(t, wt, ws, False)
    hs = model.word_hidden(fs, own_s, oth_s)
    ht = model.word_hidden(ft, own_t, oth_t)
    ls, lt = model.word_logits(hs), model.word_logits(ht)
    sent = model.sentence_logit(hs, ht, ls, lt, state_cosine(ws, wt))
    return PairTags(ws.spans, _sig(ls), wt.spans, _sig(lt), float(_sig(np.array([sent]))[0]))


def tag_pairs(model: TaggerModel, encoder: Encoder,
              pairs: Sequence[tuple[str, str]]) -> list[PairTags]:
    """Tag every (source, target) pair; one encoder pass over the texts not seen recently."""
    states = cached_states(encoder, [t for p in pairs for t in p], model.layers)
    return [tag_one(model, s, t, states[s], states[t]) for s, t in pairs]


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return float(np.log(p / (1 - p)))


class TaggerHeader(Protocol):
    """What the word-evidence stage reads of either tagger (``word_tagger.py``)."""

    @property
    def thresholds(self) -> dict[str, float]: ...

    @property
    def combine(self) -> dict[str, Any] | None: ...


def evidence_row(model: TaggerHeader, tags: PairTags,
                 names: Sequence[str] = WORD_EVIDENCE) -> np.ndarray:
    """The word evidence `names` (from EVIDENCE_NAMES) of one bead."""
    cs, ct = model.thresholds["word_bad_source"], model.thresholds["word_bad_target"]
    n = len(tags.source_bad) + len(tags.target_bad)
    bad = int((tags.source_bad >= cs).sum() + (tags.target_bad >= ct).sum())
    values = {"sentence_logit": _logit(tags.sentence),
              "max_bad_source": _logit(float(tags.source_bad.max(initial=0.0))),
              "max_bad_target": _logit(float(tags.target_bad.max(initial=0.0))),
              "bad_share": bad / max(n, 1)}
    if MISFIT_EVIDENCE in names:
        if tags.target_misfit is None:
            raise ModelError("word tagger: its word-evidence stage reads swapped-in words, and "
                             "no detector of them is installed; reinstall qa_pipeline")
        values[MISFIT_EVIDENCE] = float(tags.target_misfit.max(initial=0.0))
    return np.array([values[k] for k in names])


def stage_evidence(stage: dict[str, Any] | None) -> tuple[str, ...]:
    """The word evidence a stage reads after the drift logit (its "inputs"; older stages name
    WORD_EVIDENCE)."""
    inputs = (stage or {}).get("inputs")
    return tuple(inputs[1:]) if inputs else WORD_EVIDENCE


def combine_stage(model: TaggerHeader, src_lang: str, tgt_lang: str) -> dict[str, Any] | None:
    """The word-evidence stage for a language pair: the pair's own where one was fitted
    (`combine["pairs"]["et-en"]`, on human post-edits of that pair), else the general one
    (fitted on seeded damage of lt-et); None when the tagger ships without one."""
    if model.combine is None:
        return None
    pairs = model.combine.get("pairs") or {}
    return dict(pairs.get(f"{src_lang}-{tgt_lang}") or model.combine)


def combined_logit(stage: dict[str, Any] | None, drift_logit: np.ndarray,
                   evidence: np.ndarray) -> np.ndarray:
    """The word-evidence stage: a logistic model over the drift logit and WORD_EVIDENCE (the
    drift logit unchanged without a stage)."""
    if stage is None or not drift_logit.shape[0]:
        return drift_logit
    x = np.column_stack([drift_logit, evidence])
    return np.asarray(x @ np.asarray(stage["coef"], float) + float(stage["intercept"]),
                      dtype=float)


# Quotes and brackets: each opening mark and the marks that close it ("“" closes „ in
# Lithuanian, Estonian or German and opens in English; a straight quote closes itself).
PAIRED_MARKS = {"„": "“”", "“": "”", "«": "»", "»": "«", "‹": "›", '"': '"', "(": ")",
                "[": "]", "{": "}"}
MARKS = frozenset(PAIRED_MARKS) | frozenset("“”»«›)]}")
# Punctuation a span does not start or end with (besides unmatched quotes and brackets).
EDGE_PUNCTUATION = frozenset(".,;:!?…–—‒-/·")


def matched_marks(text: str, a: int, b: int) -> set[int]:
    """The positions in text[a:b] of the quotes and brackets whose partner is also there."""
    stack: list[int] = []
    out: set[int] = set()
    for i in range(a, b):
        c = text[i]
        if c not in MARKS:
            continue
        if stack and c in PAIRED_MARKS[text[stack[-1]]]:
            out.update((stack.pop(), i))
        elif c in PAIRED_MARKS:
            stack.append(i)
    return out


def trim_span(text: str, a: int, b: int) -> tuple[int, int] | None:
    """[a, b) without the spaces, punctuation and unmatched quotes or brackets at its edges
    (a quote or bracket closed inside it stays: „Rangers“); None when no letter or digit is
    left."""
    keep = matched_marks(text, a, b)

    def loose(i: int) -> bool:
        c = text[i]
        return c.isspace() or c in EDGE_PUNCTUATION or (c in MARKS and i not in keep)

    while a < b and loose(a):
        a += 1
    while b > a and loose(b - 1):
        b -= 1
    return (a, b) if any(c.isalnum() for c in text[a:b]) else None


def _split_run(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """A run of consecutive words as phrases: split where the characters between two words
    hold a quote or bracket not closed (or opened) within the phrase, so that no phrase
    reaches across one („Rangers“ klubas: "Rangers", "klubas")."""
    a, b = spans[0][0], spans[-1][1]
    keep = matched_marks(text, a, b)
    cuts = [k for k in range(1, len(spans))
            if any(text[i] in MARKS and i not in keep
                   for i in range(spans[k - 1][1], spans[k][0]))]
    if not cuts:
        return [(a, b)]
    out: list[tuple[int, int]] = []
    for lo, hi in zip([0, *cuts], [*cuts, len(spans)], strict=True):
        out += _split_run(text, spans[lo:hi])  # a pair the cut broke no longer counts
    return out


def phrases(spans: Sequence[tuple[int, int]], bad: Sequence[bool],
            text: str | None = None) -> list[tuple[int, int]]:
    """Tagged words merged into phrases: consecutive BAD words (punctuation between them is
    not a word, so it does not split a phrase) become one character span. Given the `text`
    the spans are in, a phrase does not reach across a quote or bracket it does not also
    close or open (`_split_run`)."""
    runs: list[list[tuple[int, int]]] = []
    prev = False
    for span, flag in zip(spans, bad, strict=True):
        if flag and prev:
            runs[-1].append(span)
        elif flag:
            runs.append([span])
        prev = bool(flag)
    if text is None:
        return [(r[0][0], r[-1][1]) for r in runs]
    return [p for r in runs for p in _split_run(text, r)]


@dataclass(frozen=True)
class SideWords:
    """One side's word evidence in character offsets of the side's text."""

    phrases: tuple[tuple[int, int], ...]  # the unmatched words merged into phrases
    share: float  # share of the side's words tagged BAD
    longest: tuple[int, int] | None  # the longest phrase, in words: (start word, end word)


def side_words(spans: Sequence[tuple[int, int]], p_bad: np.ndarray, cut: float,
               text: str | None = None) -> SideWords:
    """The side's phrases (`phrases`: not across an unmatched quote or bracket of `text`,
    where given), BAD share and longest run."""
    bad = [bool(p >= cut) for p in p_bad]
    n = len(bad)
    runs: list[tuple[int, int]] = []
    for k, flag in enumerate(bad):
        if flag and runs and runs[-1][1] == k:
            runs[-1] = (runs[-1][0], k + 1)
        elif flag:
            runs.append((k, k + 1))
    longest = max(runs, key=lambda r: r[1] - r[0]) if runs else None
    return SideWords(tuple(phrases(spans, bad, text)), sum(bad) / max(n, 1), longest)


def _sig(x: np.ndarray) -> np.ndarray:
    return np.asarray(1 / (1 + np.exp(-np.clip(x, -40, 40))), dtype=float)


# --- the shipped file ------------------------------------------------------------------------


def tagger_names(model_name: str) -> tuple[str, str]:
    return f"tagger_{model_name}.json", f"tagger_{model_name}.npz"


def weights_bytes(weights: dict[str, np.ndarray], dtype: Any = np.float32) -> bytes:
    """The shipped weights file: every array as `dtype`, sorted by name, compressed."""
    buf = io.BytesIO()
    arrays: dict[str, Any] = {k: np.asarray(v, dtype) for k, v in sorted(weights.items())}
    np.savez_compressed(buf, **arrays)
    return buf.getvalue()


def check_combine(name: str, combine: dict[str, Any] | None) -> None:
    """Every word-evidence stage in a header (the general one and each pair's) takes the
    inputs this version computes."""
    if combine is None:
        return
    for stage in [combine, *(combine.get("pairs") or {}).values()]:
        names = stage_evidence(stage)
        unknown = sorted(set(names) - set(EVIDENCE_NAMES))
        if unknown or len(stage["coef"]) != 1 + len(names):
            raise ModelError(f"word tagger {name}: its word-evidence stage takes "
                             f"{len(stage['coef'])} inputs {unknown or ''}, this version "
                             f"computes {1 + len(names)} of them")


def checked_weights(header: dict[str, Any], blob: bytes, fmt: str,
                    want: set[str]) -> dict[str, np.ndarray]:
    """A shipped tagger's weights (float32) once its header names format `fmt`, the blob's
    SHA-256 matches the header's and every array in `want` is there; ModelError otherwise.
    Also checks the header's word-evidence stages."""
    name = header.get("model_id", "?")
    if header.get("format") != fmt:
        raise ModelError(f"word tagger {name}: format {header.get('format')!r}, this version "
                         f"reads {fmt!r}; reinstall qa_pipeline")
    digest = hashlib.sha256(blob).hexdigest()
    if digest != header.get("sha256"):
        raise ModelError(f"word tagger {name}: weights SHA-256 {digest[:12]}… does not match "
                         f"the header's {str(header.get('sha256'))[:12]}…; the file is damaged "
                         f"or from another version, reinstall qa_pipeline")
    with np.load(io.BytesIO(blob)) as z:
        weights = {k: np.asarray(z[k], np.float32) for k in z.files}
    missing = sorted(want - set(weights))
    if missing:
        raise ModelError(f"word tagger {name}: weights lack {missing[:3]}; reinstall "
                         f"qa_pipeline")
    check_combine(str(name), header.get("combine"))
    return weights


def read_tagger(header: dict[str, Any], blob: bytes) -> TaggerModel:
    """Check the header's format and the weights' SHA-256, then build the model."""
    name = header.get("model_id", "?")
    weights = checked_weights(header, blob, TAGGER_FORMAT,
                              {"feat_mean", "feat_scale", "w_feat", "b_1", "w_2", "b_2",
                               "w_out", "b_out", "s_1", "s_b1", "s_out", "s_bout"})
    n_feat = len(header["layers"]) * len(ALIGN_FEATURES) + len(SURFACE_FEATURES)
    if weights["w_feat"].shape[0] != n_feat:
        raise ModelError(f"word tagger {name}: takes {weights['w_feat'].shape[0]} features, "
                         f"this version computes {n_feat}")
    combine = header.get("combine")
    return TaggerModel(model_id=str(name), encoder=str(header.get("encoder")),
                       layers=tuple(int(k) for k in header["layers"]), weights=weights,
                       thresholds={k: float(v) for k, v in header["thresholds"].items()},
                       provenance=dict(header.get("trained") or {}), combine=combine)


def write_tagger(model: TaggerModel, directory: Any) -> None:
    """Write the header and weights in the shipped format (checked by reading them back)."""
    blob = weights_bytes(model.weights)
    header = {"format": TAGGER_FORMAT, "model_id": model.model_id, "encoder": model.encoder,
              "layers": list(model.layers), "thresholds": dict(model.thresholds),
              "sha256": hashlib.sha256(blob).hexdigest(), "trained": model.provenance,
              "combine": model.combine}
    read_tagger(header, blob)
    j, z = tagger_names(model.encoder)
    (directory / z).write_bytes(blob)
    (directory / j).write_text(json.dumps(header, indent=1) + "\n", encoding="utf-8")


@lru_cache(maxsize=8)
def load_tagger(model_name: str) -> TaggerModel | None:
    """The shipped tagger of `model_name`, or None when it has none."""
    data = resources.files("qa_pipeline") / "data"
    j, z = tagger_names(model_name)
    if not (data / j).is_file():
        return None
    header = json.loads((data / j).read_text(encoding="utf-8"))
    if not (data / z).is_file():
        raise ModelError(f"word tagger {model_name}: {z} is missing; reinstall qa_pipeline")
    return read_tagger(header, (data / z).read_bytes())


__all__ = ["TAGGER_FORMAT", "PairTags", "TaggerModel", "WordStates", "clear_memo", "load_tagger",
           "phrases", "read_tagger", "tag_pairs", "trim_span", "word_states", "write_tagger"]
