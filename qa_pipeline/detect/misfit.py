"""Words swapped in from elsewhere: a replaced-word detector over the default encoder.

A word that was replaced by an unrelated one ("the potato was opened to traffic") is odd in
its own sentence, whatever the other side says. This is ELECTRA's discriminator task on the
encoder the pipeline already runs: its bottom `frozen` layers are its own; its top layers
carry low-rank (LoRA) adapters, merged into copies of those layers' weights at load time
(`cross_tagger.merged_weights`); and a small head reads each word's mean sub-token states at a
few lower layers (`taps`), at the last frozen layer and at the adapted top, and gives the
word's logit of being a swapped-in one. Trained by `bench/word_misfit.py` on sentences that
never meet the benchmarks (MLQE-PE train Estonian sources, once as they are and with one
content word swapped for a word of the corpus), shipped as package data (`misfit_<model>.npz`,
adapters and head, with a JSON header naming the format and the weights' SHA-256, checked on
load).

The word tagger stores each target word's logit with its tags (`PairTags.target_misfit`), and
the word-evidence stage reads the sentence's largest (``max_misfit_target``). The states come
from the aligner's pass where the encoder kept them (`keep_tagger_states` asks for the taps
too), so the detector runs only its adapted layers.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..bert import padded_length
from ..embed import snug_batches
from ..errors import ModelError
from ..text import word_spans
from ..token_states import state_source
from .cross_tagger import (
    PAD_SLACK,
    lean_for,
    lora_names,
    merged_weights,
    token_words,
    word_pool,
)
from .tagger import checked_weights, layer_states, weights_bytes

MISFIT_FORMAT = "qa_pipeline.misfit/1"
HEAD_NAMES = ("w_word", "b_word", "w_word_out", "b_word_out")


@dataclass(frozen=True)
class MisfitModel:
    model_id: str
    encoder: str
    frozen: int  # the encoder's own layers below the adapted ones
    layers: int  # all the encoder's layers
    taps: tuple[int, ...]  # lower layers the head reads (hidden-state indices, 0 = embeddings)
    rank: int
    alpha: float
    weights: dict[str, np.ndarray]
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def scale(self) -> float:
        return self.alpha / self.rank

    @property
    def state_layers(self) -> tuple[int, ...]:
        """The hidden states a pass must give: the taps, then the last frozen layer."""
        return (*self.taps, self.frozen)


def word_logits(p: dict[str, Any], h: Any, pool: Any, taps: Any) -> Any:
    """Each word's logit (batch, words) from the adapted top layer's token states `h` (batch,
    tokens, dim) and the tapped lower layers' `taps` (batch, tokens, k, dim)."""
    import torch
    from torch.nn import functional as F

    feats = torch.cat([taps.flatten(2), h], dim=-1)
    z = F.gelu(pool @ feats @ p["w_word"] + p["b_word"], approximate="tanh")
    return (z @ p["w_word_out"]).squeeze(-1) + p["b_word_out"]


class _Runner:
    """A loaded detector: the merged top layers and the head as tensors of one LeanBert."""

    def __init__(self, model: MisfitModel, lean: Any) -> None:
        import torch

        self.model, self.lean = model, lean
        params = {k: torch.from_numpy(v).to(lean.device) for k, v in model.weights.items()}
        dtype = lean.dtype
        self.adapted = merged_weights(lean.weights, params, model.frozen, model.layers,
                                      model.scale)
        self.head = {k: params[k].to(dtype) for k in HEAD_NAMES}

    def logits(self, states: Sequence[np.ndarray], word_of: Sequence[np.ndarray],
               n_words: Sequence[int]) -> list[np.ndarray]:
        """Per text, its words' logits from its token states at `state_layers` (tokens, k,
        dim)."""
        import torch

        lean = self.lean
        length = padded_length(max(len(s) for s in states))
        x = np.zeros((len(states), length, *states[0].shape[1:]), np.float32)
        mask = np.zeros((len(states), length), np.int64)
        for r, s in enumerate(states):
            x[r, :len(s)] = s
            mask[r, :len(s)] = 1
        pool = word_pool(word_of, n_words, length)
        dev = lean.device
        dtype = lean.dtype
        with torch.inference_mode():
            xt = torch.from_numpy(x).to(dev, dtype)
            mt = torch.from_numpy(mask).to(dev)
            h, _ = lean.layers(xt[:, :, -1], mt, self.model.frozen, self.model.layers,
                               weights=self.adapted)
            out = word_logits(self.head, h, torch.from_numpy(pool).to(dev, dtype), xt)
            lg = out.float().cpu().numpy()
        return [lg[r, :n] for r, n in enumerate(n_words)]


# The last runner built (a run tags with one detector on one encoder; the model's dict of
# weights makes it unhashable, so identity decides).
_LAST_RUNNER: list[_Runner] = []


def _runner(model: MisfitModel, lean: Any) -> _Runner:
    if not (_LAST_RUNNER and _LAST_RUNNER[0].model is model and _LAST_RUNNER[0].lean is lean):
        _LAST_RUNNER[:] = [_Runner(model, lean)]
    return _LAST_RUNNER[0]


def misfit_words(model: MisfitModel, encoder: Any, texts: Sequence[str],
                 batch_size: int = 32) -> list[np.ndarray]:
    """Each text's words' logits of being swapped in (the pipeline's words, `word_spans`):
    from the token states the encoder kept of its last pass where they hold `state_layers`,
    else from one pass for those layers."""
    runner = _runner(model, lean_for(encoder))
    inner = state_source(encoder, "token_states")
    if inner is None:
        raise TypeError(f"{type(encoder).__name__} gives no token states")
    found = layer_states(inner, texts, model.state_layers, batch_size)
    out: dict[str, np.ndarray] = {}
    order = list(found)
    for idx in snug_batches([len(found[t][0]) for t in order], batch_size, PAD_SLACK):
        chunk = [order[i] for i in idx]
        spans = [word_spans(t) for t in chunk]
        logits = runner.logits([found[t][1] for t in chunk],
                               [token_words(found[t][0], s) for t, s in zip(chunk, spans,
                                                                           strict=True)],
                               [len(s) for s in spans])
        out.update(zip(chunk, logits, strict=True))
    return [out[t] for t in texts]


# --- the shipped file --------------------------------------------------------------------------


def read_misfit(header: dict[str, Any], blob: bytes) -> MisfitModel:
    """Check the header's format and the weights' SHA-256, then build the model."""
    try:
        frozen, layers = int(header["frozen"]), int(header["layers"])
        taps = tuple(int(k) for k in header["taps"])
        rank, alpha = int(header["rank"]), float(header["alpha"])
        name, encoder = str(header["model_id"]), str(header["encoder"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"swapped-word detector {header.get('model_id', '?')}: malformed "
                         f"header ({exc!r}); reinstall qa_pipeline") from None
    want = {*HEAD_NAMES, *(f"lora_{p}:{n}" for n in lora_names(frozen, layers)
                          for p in ("a", "b"))}
    weights = checked_weights(header, blob, MISFIT_FORMAT, want)
    return MisfitModel(model_id=name, encoder=encoder, frozen=frozen, layers=layers, taps=taps,
                       rank=rank, alpha=alpha, weights=weights,
                       provenance=dict(header.get("trained") or {}))


def write_misfit(model: MisfitModel, directory: Path) -> None:
    """Write the header and weights in the shipped format (checked by reading them back)."""
    import hashlib

    blob = weights_bytes(model.weights, np.float16)
    header = {"format": MISFIT_FORMAT, "model_id": model.model_id, "encoder": model.encoder,
              "frozen": model.frozen, "layers": model.layers, "taps": list(model.taps),
              "rank": model.rank, "alpha": model.alpha,
              "sha256": hashlib.sha256(blob).hexdigest(), "trained": model.provenance}
    read_misfit(header, blob)
    (directory / f"misfit_{model.encoder}.npz").write_bytes(blob)
    (directory / f"misfit_{model.encoder}.json").write_text(
        json.dumps(header, indent=1) + "\n", encoding="utf-8")


@lru_cache(maxsize=4)
def load_misfit(model_name: str) -> MisfitModel | None:
    """The detector shipped for `model_name`, or None when it ships none."""
    base = resources.files("qa_pipeline") / "data"
    head, weights = base / f"misfit_{model_name}.json", base / f"misfit_{model_name}.npz"
    if not head.is_file() or not weights.is_file():
        return None
    return read_misfit(json.loads(head.read_text(encoding="utf-8")),
                       io.BytesIO(weights.read_bytes()).getvalue())


__all__ = ["MISFIT_FORMAT", "MisfitModel", "load_misfit", "misfit_words", "read_misfit",
           "token_words", "word_logits", "word_pool", "write_misfit"]
