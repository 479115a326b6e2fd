"""A lean BERT sentence encoder: the forward pass of a mean-pooled BERT model in plain torch,
the tokenizer through `tokenizers`, the weights through `safetensors`.

Why: a cold `check` spent 7 s of its 19 s importing sentence-transformers (it pulls in
transformers' model zoo, scikit-learn and scipy) and 2.6 s building its model and reading the
tokenizer twice. This module needs only torch, `tokenizers` and `safetensors` (~1.7 s to
import, ~0.7 s to load e5-small, nearly all of it the tokenizer's 250,000-piece vocabulary)
and computes the same vectors: `tests/integration/test_bert_lean.py` checks them against
sentence-transformers' `encode` within 1e-5.

It serves a model directory only when that directory is exactly what it implements
(`supports`): a `BertModel` checkpoint with absolute positions, GELU, and the modules
Transformer → Pooling (mean tokens, prompt included) → Normalize. Anything else (another
architecture, CLS pooling, a dense head) goes through sentence-transformers as before.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

_ST_PREFIX = "sentence_transformers.models."
_MODULES = ("Transformer", "Pooling", "Normalize")


# A callback for one batch's texts: (row, character offsets, last-layer states, states at the
# requested layers or None), each over the row's unpadded tokens (`LeanBert.embed`).
KeepStates = Callable[[int, np.ndarray, np.ndarray, np.ndarray | None], None]


def model_json(source: Path | str, *parts: str) -> Any:
    """A JSON file of a model directory, parsed; None when it is missing or not JSON."""
    try:
        return json.loads(Path(source).joinpath(*parts).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def model_json_object(source: Path | str, *parts: str) -> dict[str, Any]:
    """`model_json` where the file holds an object; {} when it is missing or holds another
    value (a caller reading configuration keys)."""
    data = model_json(source, *parts)
    return data if isinstance(data, dict) else {}


@dataclass(frozen=True)
class BertConfig:
    """What the forward pass needs from config.json and sentence_bert_config.json."""

    layers: int
    hidden: int
    heads: int
    eps: float
    max_length: int
    pad_id: int


def supports(source: Path | str) -> BertConfig | None:
    """The model's shape when `source` is a mean-pooled, normalised BertModel directory that this
    module computes exactly; None otherwise (the caller falls back to sentence-transformers)."""
    root = Path(source)
    modules = model_json(root, "modules.json")
    if not isinstance(modules, list) or not all(isinstance(m, dict) for m in modules) \
            or [str(m.get("type", "")).removeprefix(_ST_PREFIX)
                for m in modules] != list(_MODULES):
        return None
    pooling_dir = next((m.get("path", "") for m in modules
                        if str(m.get("type", "")).endswith("Pooling")), "")
    pooling = model_json_object(root, pooling_dir, "config.json")
    modes = {k: v for k, v in pooling.items() if k.startswith("pooling_mode_")}
    if modes.get("pooling_mode_mean_tokens") is not True \
            or any(v for k, v in modes.items() if k != "pooling_mode_mean_tokens") \
            or pooling.get("include_prompt", True) is not True:
        return None
    cfg = model_json_object(root, "config.json")
    st_cfg = model_json_object(root, "sentence_bert_config.json")
    if cfg.get("model_type") != "bert" or cfg.get("architectures") != ["BertModel"] \
            or cfg.get("hidden_act") != "gelu" \
            or cfg.get("position_embedding_type", "absolute") != "absolute" \
            or st_cfg.get("do_lower_case", False) \
            or not (root / "model.safetensors").is_file() \
            or not (root / "tokenizer.json").is_file():
        return None
    max_length = int(st_cfg.get("max_seq_length") or cfg["max_position_embeddings"])
    return BertConfig(layers=int(cfg["num_hidden_layers"]), hidden=int(cfg["hidden_size"]),
                      heads=int(cfg["num_attention_heads"]),
                      eps=float(cfg.get("layer_norm_eps", 1e-12)),
                      max_length=min(max_length, int(cfg["max_position_embeddings"])),
                      pad_id=int(cfg.get("pad_token_id", 0) or 0))


# Batches are padded to a multiple of this many tokens: in bf16 on the CPU each new (batch,
# length) shape costs oneDNN a new kernel (~5 ms a pass), and padded shapes repeat.
PAD_MULTIPLE = 8


def padded_length(n: int) -> int:
    """`n` tokens rounded up to the next multiple of PAD_MULTIPLE."""
    return -(-max(n, 1) // PAD_MULTIPLE) * PAD_MULTIPLE


@lru_cache(maxsize=1)
def quiet_blas_threads() -> None:
    """One thread for numpy's OpenBLAS from the moment torch runs in this process. OpenBLAS's
    idle threads spin for up to ~0.1 s after each call, and numpy's small products between the
    passes left them holding the cores torch's next pass needed: on 2 cores a tagging batch
    of 5 sentences took 15-115 ms instead of ~15, and the NTREX drift benchmark ran 15-25 %
    slower (BENCHMARKS.md, "Session 23"). torch's own thread pool is left alone."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # numpy keeps its threads: slower, not wrong
        return
    ThreadpoolController().select(internal_api="openblas").limit(limits=1)


def _layer_norm(x: Any, w: dict[str, Any], prefix: str, cfg: BertConfig) -> Any:
    from torch.nn import functional as F

    return F.layer_norm(x, (cfg.hidden,), w[prefix + ".weight"], w[prefix + ".bias"], cfg.eps)


class LeanBert:
    """A loaded model: `embed(texts)` gives unit rows, `states(texts)` every layer's token
    states with the tokens' character offsets (for the word tagger)."""

    def __init__(self, source: Path | str, config: BertConfig, device: str = "cpu") -> None:
        import torch
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        quiet_blas_threads()
        self.config = config
        self.device = torch.device(device)
        root = Path(source)
        tok = Tokenizer.from_file(str(root / "tokenizer.json"))
        tok.enable_truncation(max_length=config.max_length)
        tok.enable_padding(pad_id=config.pad_id)
        self.tokenizer = tok
        self.weights: dict[str, Any] = load_file(str(root / "model.safetensors"),
                                                 device=str(self.device))
        self.dtype: Any = torch.float32  # the encoder layers' (`to_dtype`)

    def to_dtype(self, name: str) -> None:
        """Run the encoder layers in torch dtype `name` ("float16", "bfloat16"). The embedding
        tables stay float32 and their output is cast: converting the 250,000-row word table
        held both copies at load (+0.4 GB peak for a cold bf16 `check`). The pooled rows stay
        float32."""
        import torch

        self.dtype = getattr(torch, name)
        self.weights = {k: v if k.startswith("embeddings.") else v.to(self.dtype)
                        for k, v in self.weights.items()}

    def tokenize(self, texts: Sequence[str]) -> dict[str, Any]:
        """Token ids, attention mask and character offsets of a batch (padded, truncated)."""
        import torch

        encs = self.tokenizer.encode_batch(list(texts))
        n = len(encs[0].ids) if encs else 0
        extra = padded_length(n) - n  # the batch's own padding, then PAD_MULTIPLE's
        ids = torch.tensor([e.ids + [self.config.pad_id] * extra for e in encs],
                           dtype=torch.long)
        mask = torch.tensor([e.attention_mask + [0] * extra for e in encs], dtype=torch.long)
        offsets = np.array([e.offsets + [(0, 0)] * extra for e in encs],
                           dtype=np.int64).reshape(len(encs), -1, 2)
        return {"input_ids": ids, "attention_mask": mask, "offsets": offsets}

    def forward(self, ids: Any, mask: Any, keep_states: bool = False,
                stop: int | None = None) -> tuple[Any, list[Any]]:
        """(last layer's token states, every layer's states incl. the embeddings when
        `keep_states`): BERT's post-norm encoder, attention over the unpadded tokens; with
        `stop`, only the layers below it run (the states of layer `stop` are the last)."""
        ids, mask = ids.to(self.device), mask.to(self.device)
        x0 = self.embeddings(ids)
        x, states = self.layers(x0, mask, 0, self.config.layers if stop is None else stop,
                                keep_states=keep_states)
        return x, ([x0, *states] if keep_states else [])

    def embeddings(self, ids: Any) -> Any:
        """The embedding layer's output for token ids (n, tokens)."""
        import torch
        from torch.nn import functional as F

        w = self.weights
        pos = torch.arange(ids.shape[1], device=ids.device)
        x = (F.embedding(ids, w["embeddings.word_embeddings.weight"])
             + w["embeddings.position_embeddings.weight"][pos]
             + w["embeddings.token_type_embeddings.weight"][0])
        return _layer_norm(x, w, "embeddings.LayerNorm", self.config).to(self.dtype)

    def layers(self, x: Any, mask: Any, start: int, stop: int,
               weights: dict[str, Any] | None = None,
               keep_states: bool = False) -> tuple[Any, list[Any]]:
        """Run encoder layers start..stop-1 over token states `x` (n, tokens, hidden); the
        tensors in `weights` replace the model's own of the same name (an adapted layer: the
        word tagger's LoRA-merged top layers, or their training graph). Returns the last
        states and, when `keep_states`, each layer's output."""
        from torch.nn import functional as F

        cfg = self.config
        w = self.weights if weights is None else {**self.weights, **weights}
        n, length = x.shape[0], x.shape[1]
        keep = mask.bool()[:, None, None, :]
        head_dim = cfg.hidden // cfg.heads
        states = []

        def heads(t: Any) -> Any:
            return t.view(n, length, cfg.heads, head_dim).transpose(1, 2)

        def linear(t: Any, prefix: str) -> Any:
            return F.linear(t, w[prefix + ".weight"], w[prefix + ".bias"])

        for i in range(start, stop):
            p = f"encoder.layer.{i}."
            q = heads(linear(x, p + "attention.self.query"))
            k = heads(linear(x, p + "attention.self.key"))
            v = heads(linear(x, p + "attention.self.value"))
            att = F.scaled_dot_product_attention(q, k, v, attn_mask=keep)
            att = att.transpose(1, 2).reshape(n, length, cfg.hidden)
            x = _layer_norm(linear(att, p + "attention.output.dense") + x, w,
                            p + "attention.output.LayerNorm", cfg)
            inner = F.gelu(linear(x, p + "intermediate.dense"))
            x = _layer_norm(linear(inner, p + "output.dense") + x, w, p + "output.LayerNorm",
                            cfg)
            if keep_states:
                states.append(x)
        return x, states

    def embed(self, texts: Sequence[str], features: dict[str, Any] | None = None,
              keep: KeepStates | None = None, layers: Sequence[int] = ()) -> np.ndarray:
        """Unit rows: mean of the last layer's token states over the unpadded tokens. `keep`,
        when given, receives each text's (row, character offsets, last-layer states, states at
        `layers`) of its unpadded tokens: what `token_states.pooled` needs to leave words out
        of the mean and, with `layers` (0 = the embeddings; shape (tokens, len(layers), dim);
        None without), what the word tagger reads, from this same pass."""
        import torch

        feats = features if features is not None else self.tokenize(texts)
        with torch.inference_mode():
            x, hidden = self.forward(feats["input_ids"], feats["attention_mask"],
                                     keep_states=bool(layers) and keep is not None)
            m = feats["attention_mask"].to(x.device).unsqueeze(-1).to(x.dtype)
            pooled = (x * m).sum(1) / m.sum(1).clamp(min=1e-9)
            pooled = torch.nn.functional.normalize(pooled.float(), p=2, dim=1)
            if keep is not None:
                lengths = feats["attention_mask"].sum(1).tolist()
                states = x.float().cpu().numpy()
                stacked = (torch.stack([hidden[k] for k in layers], dim=2).float().cpu().numpy()
                           if hidden else None)
                for r, n in enumerate(lengths):
                    keep(r, feats["offsets"][r, :n], states[r, :n],
                         None if stacked is None else stacked[r, :n])
        return pooled.cpu().numpy().astype(np.float32, copy=False)

    def states(self, texts: Sequence[str], layers: Sequence[int]
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(offsets (n, tokens, 2), attention mask (n, tokens), states (n, tokens, len(layers),
        hidden)) for `texts`; layer 0 is the embeddings, as transformers' hidden_states. The
        pass stops at the deepest layer asked for (the riders read layer 8 of 12)."""
        import torch

        feats = self.tokenize(texts)
        with torch.inference_mode():
            _, hidden = self.forward(feats["input_ids"], feats["attention_mask"],
                                     keep_states=True, stop=max(layers, default=0))
            stacked = torch.stack([hidden[k] for k in layers], dim=2).float().cpu().numpy()
        return feats["offsets"], feats["attention_mask"].numpy(), stacked
