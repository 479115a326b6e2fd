"""Word-level drift from a cross-encoder: both sides of a bead in one encoder pass.

The encoder reads "<s> source </s></s> target </s>", so every word's state has attended to the
other side. The bottom layers are the encoder's own; its top `ADAPTED` layers carry low-rank
(LoRA) adapters, merged into copies of those layers' weights when the tagger loads. A word's
state is the mean of its sub-tokens' last-layer states; a small head gives P(BAD) per word
(with the word's side as input) and a sentence head gives the estimated HTER from the mean
token state and the pooled word probabilities.

The graph here is functional over a dict of tensors, so `bench/train_cross_tagger.py` trains
exactly what ships: the training script holds the same names as parameters. Weights ship as
package data (`cross_tagger_<model>.npz`, adapters and heads only, about 2 MB) with a JSON
header that names the format and the weights' SHA-256, checked on load.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from ..bert import padded_length
from ..embed import snug_batches
from ..errors import ModelError
from ..text import word_spans
from .tagger import PairTags, checked_weights, weights_bytes
from .word_fit import WordFit
from .word_match import WordMatch

CROSS_FORMAT = "qa_pipeline.cross_tagger/1"
T = TypeVar("T")
# The adapted top layers, and the linear maps in each that carry an adapter.
ADAPTED = 10
LORA_TARGETS = ("attention.self.query", "attention.self.key", "attention.self.value",
                "attention.output.dense", "intermediate.dense", "output.dense")
HEAD_NAMES = ("w_word", "w_side", "b_word", "w_word_out", "b_word_out", "b_side_out",
              "s_1", "s_b1", "s_out", "s_bout")


@dataclass(frozen=True)
class PairTokens:
    """One pair's joint input: token ids, each token's word (source words first, then the
    target's; -1 for special tokens and bare spaces), and the words' character spans."""

    ids: tuple[int, ...]
    word_of: np.ndarray
    source_spans: tuple[tuple[int, int], ...]
    target_spans: tuple[tuple[int, int], ...]


def token_words(offsets: Any, spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """Each token's word (the first word its characters overlap; -1 for the prompt's, the
    special tokens and bare spaces), from character offsets into the text itself."""
    word_of = np.full(len(offsets), -1, np.int32)
    for k, (a, b) in enumerate(offsets):
        if b <= max(int(a), 0):
            continue
        for w, (s, e) in enumerate(spans):
            if s < b and e > a:
                word_of[k] = w
                break
    return word_of


def word_pool(word_of: Sequence[np.ndarray], n_words: Sequence[int], length: int) -> np.ndarray:
    """(texts, words, tokens): each word's sub-tokens averaged, padded to the longest."""
    width = max(max(n_words, default=0), 1)
    pool = np.zeros((len(word_of), width, length), np.float32)
    for r, wo in enumerate(word_of):
        tok = np.flatnonzero(wo >= 0)
        pool[r, wo[tok], tok] = 1.0
        pool[r] /= np.maximum(pool[r].sum(axis=1, keepdims=True), 1.0)
    return pool


def pair_tokens(lean: Any, source: str, target: str) -> PairTokens:
    enc = lean.tokenizer.encode(source, target)
    src, tgt = tuple(word_spans(source)), tuple(word_spans(target))
    word_of = np.full(len(enc.ids), -1, np.int32)
    for seq, spans, base in ((0, src, 0), (1, tgt, len(src))):
        at = [k for k, s in enumerate(enc.sequence_ids) if s == seq]
        words = token_words([enc.offsets[k] for k in at], spans)
        word_of[at] = np.where(words >= 0, words + base, -1)
    return PairTokens(tuple(enc.ids), word_of, src, tgt)


def word_inputs(word_of: Sequence[np.ndarray], n_source: Sequence[int],
                n_words: Sequence[int], length: int | None = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The heads' word inputs for a batch of pairs: `pool` (batch, words, tokens) averaging each
    word's sub-tokens, `side` (0 source, 1 target) and the real-word mask, padded to the batch's
    longest pair (or to `length` tokens). `word_of` gives each pair's token -> word index (-1:
    none)."""
    pool = word_pool(word_of, n_words,
                     length or max((len(w) for w in word_of), default=1))
    b, width = pool.shape[:2]
    side = np.zeros((b, width), np.int64)
    wmask = np.zeros((b, width), bool)
    for r, (ns, nw) in enumerate(zip(n_source, n_words, strict=True)):
        side[r, ns:nw] = 1
        wmask[r, :nw] = True
    return pool, side, wmask


def lora_names(frozen: int, layers: int) -> Iterator[str]:
    for i in range(frozen, layers):
        for t in LORA_TARGETS:
            yield f"encoder.layer.{i}.{t}"


def merged_weights(base: dict[str, Any], params: dict[str, Any], frozen: int, layers: int,
                   scale: float) -> dict[str, Any]:
    """The adapted layers' weights: W + scale · B·A for every adapter (differentiable in the
    adapters when they require grad)."""
    out = {}
    for name in lora_names(frozen, layers):
        a, b = params[f"lora_a:{name}"], params[f"lora_b:{name}"]
        w = base[name + ".weight"]
        out[name + ".weight"] = (w.float() + (b @ a).float() * scale).to(w.dtype)
    return out


def heads(p: dict[str, Any], h: Any, mask: Any, pool: Any, side: Any, wmask: Any
          ) -> tuple[Any, Any]:
    """(word logits (batch, words), sentence logits (batch,)) from the last layer's token
    states `h`; `pool` (batch, words, tokens) averages each word's sub-tokens, `side` is 0 for
    source words and 1 for target words, `wmask` marks real words."""
    import torch
    from torch.nn import functional as F

    words = pool @ h
    sf = side.to(h.dtype)[..., None]
    z = F.gelu(words @ p["w_word"] + sf * p["w_side"] + p["b_word"], approximate="tanh")
    logits = (z @ p["w_word_out"]).squeeze(-1) + p["b_word_out"] + sf[..., 0] * p["b_side_out"]
    m = mask.to(h.dtype)[..., None]
    mean = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
    prob = torch.sigmoid(logits) * wmask
    parts = [mean]
    for s in (0, 1):
        sel = (wmask & (side == s)).to(h.dtype)
        parts.append(((prob * sel).sum(1) / sel.sum(1).clamp(min=1.0))[:, None])
        parts.append((prob * sel).max(1).values[:, None])
    x = torch.cat(parts, dim=1)
    sent = F.gelu(x @ p["s_1"] + p["s_b1"], approximate="tanh") @ p["s_out"] + p["s_bout"]
    return logits, sent.squeeze(-1)


def initial_params(dim: int, frozen: int, layers: int, rank: int, hidden: int,
                   intermediate: int, seed: int) -> dict[str, np.ndarray]:
    """Fresh weights for training: adapters B = 0 (the encoder starts as itself), small
    random A and heads."""
    rng = np.random.default_rng(seed)
    p: dict[str, np.ndarray] = {}
    for name in lora_names(frozen, layers):
        d_in = intermediate if name.endswith(".output.dense") and "attention" not in name else dim
        d_out = intermediate if name.endswith("intermediate.dense") else dim
        p[f"lora_a:{name}"] = rng.normal(0, 1 / np.sqrt(d_in), (rank, d_in))
        p[f"lora_b:{name}"] = np.zeros((d_out, rank))
    p["w_word"] = rng.normal(0, 1 / np.sqrt(dim), (dim, hidden))
    p["w_side"] = rng.normal(0, 0.1, (hidden,))
    p["b_word"] = np.zeros(hidden)
    p["w_word_out"] = rng.normal(0, 1 / np.sqrt(hidden), (hidden, 1))
    p["b_word_out"] = np.zeros(1)
    p["b_side_out"] = np.zeros(1)
    p["s_1"] = rng.normal(0, 1 / np.sqrt(dim + 4), (dim + 4, 64))
    p["s_b1"] = np.zeros(64)
    p["s_out"] = rng.normal(0, 1 / 8, (64, 1))
    p["s_bout"] = np.zeros(1)
    return {k: v.astype(np.float32) for k, v in p.items()}


@dataclass(frozen=True)
class CrossTaggerModel:
    model_id: str
    encoder: str
    frozen: int  # the encoder's own layers below the adapted ones
    layers: int  # all the encoder's layers
    rank: int
    alpha: float
    weights: dict[str, np.ndarray]
    thresholds: dict[str, float]  # word_bad_source / word_bad_target: the P(BAD) cuts
    provenance: dict[str, Any] = field(default_factory=dict)
    combine: dict[str, Any] | None = None
    # This tagger's share in a blend with the model's feature tagger (tagger.py): word P(BAD)
    # and the sentence score are w·cross + (1 − w)·features; 1.0 is the cross tagger alone.
    blend: float = 1.0
    # Evidence from unmatched words added to the target's P(BAD) (`word_match.py`); None: off.
    match: WordMatch | None = None
    # Evidence from words that do not fit their own sentence, added after it (`word_fit.py`).
    fit: WordFit | None = None

    @property
    def scale(self) -> float:
        return self.alpha / self.rank


# --- inference -------------------------------------------------------------------------------


class Runner:
    """A loaded tagger on a LeanBert: the merged top layers and the heads as tensors."""

    def __init__(self, model: CrossTaggerModel, lean: Any) -> None:
        import torch

        self.model, self.lean = model, lean
        dev = lean.device
        params = {k: torch.from_numpy(v).to(dev) for k, v in model.weights.items()}
        base = lean.weights
        if model.layers != lean.config.layers:
            raise ModelError(f"word tagger {model.model_id}: made for a {model.layers}-layer "
                             f"encoder, this one has {lean.config.layers}")
        self.adapted = merged_weights(base, params, model.frozen, model.layers, model.scale)
        self.head = {k: params[k].to(lean.dtype) for k in HEAD_NAMES}

    def forward(self, tokens: Sequence[PairTokens]) -> tuple[Any, Any, Any, Any]:
        """One batch's joint pass (call under `torch.inference_mode`): the last layer's token
        states, the attention mask, the word logits and the sentence logits, as tensors."""
        import torch

        lean = self.lean
        length = padded_length(max(len(t.ids) for t in tokens))
        ids = torch.full((len(tokens), length), lean.config.pad_id, dtype=torch.long)
        mask = torch.zeros((len(tokens), length), dtype=torch.long)
        for r, t in enumerate(tokens):
            ids[r, :len(t.ids)] = torch.tensor(t.ids)
            mask[r, :len(t.ids)] = 1
        pool, side, wmask = word_inputs(
            [t.word_of for t in tokens], [len(t.source_spans) for t in tokens],
            [len(t.source_spans) + len(t.target_spans) for t in tokens], length)
        dev = lean.device
        ids, mask = ids.to(dev), mask.to(dev)
        h, _ = lean.layers(lean.embeddings(ids), mask, 0, lean.config.layers,
                           weights=self.adapted)
        dt = h.dtype
        wl, sl = heads(self.head, h, mask, torch.from_numpy(pool).to(dev, dt),
                       torch.from_numpy(side).to(dev), torch.from_numpy(wmask).to(dev))
        return h, mask, wl, sl

    def logits(self, tokens: Sequence[PairTokens]) -> tuple[list[np.ndarray], np.ndarray]:
        """P(BAD) per word (source words, then target words) and the sentence score, per
        pair of one batch."""
        import torch

        with torch.inference_mode():
            _, _, wl, sl = self.forward(tokens)
            probs = torch.sigmoid(wl.float()).cpu().numpy()
            sent = torch.sigmoid(sl.float()).cpu().numpy()
        return [probs[r, :len(t.source_spans) + len(t.target_spans)]
                for r, t in enumerate(tokens)], sent


def lean_for(encoder: Any) -> Any:
    """The encoder's loaded LeanBert (through any caching wrappers); for a model it runs on
    sentence-transformers, a LeanBert of the same directory when `bert.supports` it."""
    from ..bert import LeanBert, supports

    inner = encoder
    while hasattr(inner, "inner"):
        inner = inner.inner
    source = getattr(inner, "source", None)
    config = supports(source) if source is not None else None
    if config is None:
        raise ModelError(f"word tagger: model {getattr(encoder, 'name', '?')} is not one the "
                         f"cross tagger runs (a mean-pooled BertModel directory)")
    model = inner.load() if getattr(inner, "lean", False) else None
    if isinstance(model, LeanBert):
        return model
    return _lean_of_dir(str(source), config)


@lru_cache(maxsize=2)
def _lean_of_dir(source: str, config: Any) -> Any:
    from ..bert import LeanBert

    return LeanBert(source, config)


# Results of recently tagged pairs, per tagger: a benchmark re-scores the same document under
# many damages, and a batch run sees repeated pairs.
_MEMO: OrderedDict[tuple[str, str, str], PairTags] = OrderedDict()
MEMO_LIMIT = 20_000
# Joint inputs vary in length far more than single sentences: batches of a fixed 32 sorted
# pairs padded NTREX's documents to 1.84x their tokens; `snug_batches` with this slack pads
# ~1.2x and runs the pass about a third faster on CPU (BENCHMARKS, "Session 19").
BATCH_SIZE = 32
PAD_SLACK = 0.2
_RUNNERS: dict[tuple[str, int], Runner] = {}


def tag_cross(model: CrossTaggerModel, encoder: Any,
              pairs: Sequence[tuple[str, str]]) -> list[PairTags]:
    """Tag every (source, target) pair: one joint encoder pass per pair not seen recently,
    batches of pairs of similar length (`embed.snug_batches`)."""
    todo = [p for p in dict.fromkeys(pairs) if (model.model_id, *p) not in _MEMO]
    if todo:
        lean = lean_for(encoder)
        key = (model.model_id, id(lean))
        if key not in _RUNNERS:
            _RUNNERS.clear()
            _RUNNERS[key] = Runner(model, lean)
        runner = _RUNNERS[key]
        toks = [pair_tokens(lean, s, t) for s, t in todo]
        for idx in snug_batches([len(t.ids) for t in toks], BATCH_SIZE, PAD_SLACK):
            probs, sent = runner.logits([toks[i] for i in idx])
            for r, i in enumerate(idx):
                tk, ns = toks[i], len(toks[i].source_spans)
                _MEMO[(model.model_id, *todo[i])] = PairTags(
                    tk.source_spans, probs[r][:ns].astype(float), tk.target_spans,
                    probs[r][ns:].astype(float), float(sent[r]))
    out = []
    for p in pairs:
        _MEMO.move_to_end((model.model_id, *p))
        out.append(_MEMO[(model.model_id, *p)])
    while len(_MEMO) > MEMO_LIMIT:
        _MEMO.popitem(last=False)
    return out


# --- the shipped file ------------------------------------------------------------------------


def cross_names(model_name: str) -> tuple[str, str]:
    return f"cross_tagger_{model_name}.json", f"cross_tagger_{model_name}.npz"


def read_cross(header: dict[str, Any], blob: bytes) -> CrossTaggerModel:
    name = header.get("model_id", "?")
    frozen, layers = int(header["frozen"]), int(header["layers"])
    weights = checked_weights(header, blob, CROSS_FORMAT,
                              set(HEAD_NAMES) | {f"lora_{s}:{n}"
                                                 for n in lora_names(frozen, layers)
                                                 for s in "ab"})
    return CrossTaggerModel(model_id=str(name), encoder=str(header.get("encoder")),
                            frozen=frozen, layers=layers, rank=int(header["rank"]),
                            alpha=float(header["alpha"]), weights=weights,
                            thresholds={k: float(v) for k, v in header["thresholds"].items()},
                            provenance=dict(header.get("trained") or {}),
                            combine=header.get("combine"), blend=float(header.get("blend", 1.0)),
                            match=_read_match(name, header.get("match")),
                            fit=_read_fit(name, header.get("fit")))


def _header_part(name: str, key: str, raw: Any, build: Callable[[Any], T]) -> T | None:
    """`build` over the header's `key` section (None where it has none); a malformed one is a
    clear error."""
    if raw is None:
        return None
    try:
        return build(raw)
    except (TypeError, KeyError, ValueError) as e:
        raise ModelError(f"word tagger {name}: malformed '{key}' in its header ({e}); "
                         "reinstall qa_pipeline") from None


def _read_match(name: str, raw: Any) -> WordMatch | None:
    return _header_part(name, "match", raw, lambda r: WordMatch(
        layer=int(r["layer"]), weight=float(r["weight"]), centre=float(r["centre"])))


def _read_fit(name: str, raw: Any) -> WordFit | None:
    fit = _header_part(name, "fit", raw, lambda r: WordFit(
        layers=tuple(int(k) for k in r["layers"]), coef=tuple(float(c) for c in r["coef"]),
        intercept=float(r["intercept"]), weight=float(r["weight"]), centre=float(r["centre"])))
    if fit is not None and (not fit.layers or len(fit.coef) % len(fit.layers)):
        raise ModelError(f"word tagger {name}: its 'fit' has {len(fit.coef)} weights for "
                         f"{len(fit.layers)} layers; reinstall qa_pipeline")
    return fit


def write_cross(model: CrossTaggerModel, directory: Path) -> None:
    # Adapters and heads in fp16: half the file; the benchmark scores the shipped file.
    blob = weights_bytes(model.weights, np.float16)
    header = {"format": CROSS_FORMAT, "model_id": model.model_id, "encoder": model.encoder,
              "frozen": model.frozen, "layers": model.layers, "rank": model.rank,
              "alpha": model.alpha, "thresholds": dict(model.thresholds),
              "sha256": hashlib.sha256(blob).hexdigest(), "blend": model.blend,
              "trained": model.provenance, "combine": model.combine,
              "match": dataclasses.asdict(model.match) if model.match is not None else None,
              "fit": dataclasses.asdict(model.fit) if model.fit is not None else None}
    read_cross(header, blob)
    j, z = cross_names(model.encoder)
    (directory / z).write_bytes(blob)
    (directory / j).write_text(json.dumps(header, indent=1) + "\n", encoding="utf-8")


def read_cross_dir(model_name: str, directory: Any) -> CrossTaggerModel | None:
    j, z = cross_names(model_name)
    if not (directory / j).is_file():
        return None
    header = json.loads((directory / j).read_text(encoding="utf-8"))
    if not (directory / z).is_file():
        raise ModelError(f"word tagger {model_name}: {z} is missing; reinstall qa_pipeline")
    return read_cross(header, (directory / z).read_bytes())


@lru_cache(maxsize=8)
def load_cross(model_name: str) -> CrossTaggerModel | None:
    """The shipped cross tagger of `model_name`, or None when it has none."""
    return read_cross_dir(model_name, resources.files("qa_pipeline") / "data")
