"""Encoders: the protocol, the ENCODERS registry (sentence-transformers models and a
deterministic test encoder), and a caching wrapper. Every encoder returns float32 rows with
unit L2 norm; none loads a model before its `load()` or first `encode()`."""

from __future__ import annotations

import gc
import hashlib
import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .bert import KeepStates, LeanBert, model_json_object, quiet_blas_threads, supports
from .config import (
    BATCH_CHAR_BUDGET,
    BATCH_TEXT_CHARS,
    DEFAULT_BATCH_SIZE,
    DEFAULT_DEVICE,
    DEFAULT_PRECISION,
    LAYER_STATE_BYTES,
    TOKEN_STATE_BYTES,
    TORCH_DTYPES,
)
from .devices import precision_for, resolve_device
from .errors import ModelError
from .text import unit_rows
from .token_states import TokenStates, TokenStateStore

Progress = Callable[[int, int], None]

# Prompt names tried in order: a symmetric similarity task is what drift and alignment need.
PROMPT_PREFERENCE = ("STS", "PairClassification", "query")


@lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None where there is none (macOS, Windows, musl)."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


def release_freed_memory() -> None:
    """Hand freed heap pages back to the system. Every batch has another shape, and glibc
    keeps the freed activations of earlier shapes as a fragmented heap: on 2 cores RSS grew
    by ~0.8 GB over 3,000 sentences of mixed length, and past 2.3 GB within a 5 MB pair
    (BENCHMARKS.md, "Large inputs"); trimming after each batch holds it near +0.3 GB."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def length_batches(lengths: Sequence[int], batch_size: int,
                   char_budget: int = BATCH_CHAR_BUDGET,
                   text_chars: int = BATCH_TEXT_CHARS) -> list[list[int]]:
    """Indices into `lengths` in batches of similar length: sorted shortest first, each batch
    at most `batch_size` texts and at most `char_budget` padded characters (its size times its
    longest text, a text counted up to `text_chars`); a single text is always a batch."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    for i in order:
        width = min(lengths[i], text_chars)
        if batches and len(batches[-1]) < batch_size \
                and (len(batches[-1]) + 1) * width <= char_budget:
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


def snug_batches(lengths: Sequence[int], max_size: int, slack: float,
                 min_size: int = 4) -> list[list[int]]:
    """Indices into `lengths` (token counts) in batches of similar length that pad little:
    sorted shortest first, a batch ends before a text that would make its padded tokens (its
    size times its longest) exceed (1 + `slack`) times its real tokens, once it holds
    `min_size` texts (tiny batches cost more in per-call overhead than padding), and at
    `max_size` texts."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    real = 0
    for i in order:
        n = lengths[i]
        if batches and len(batches[-1]) < max_size and (
                len(batches[-1]) < min_size
                or (len(batches[-1]) + 1) * n <= (1 + slack) * (real + n)):
            batches[-1].append(i)
            real += n
        else:
            batches.append([i])
            real = n
    return batches


class Encoder(Protocol):
    name: str
    revision: str

    @property
    def prompt(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def load(self) -> object:
        """Load the model now (idempotent); encoders without one do nothing."""
        ...

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray: ...


@contextmanager
def _env_defaults(**values: str) -> Iterator[None]:
    """Environment variables set where unset, for the block only."""
    added = [k for k in values if k not in os.environ]
    os.environ.update({k: values[k] for k in added})
    try:
        yield
    finally:
        for k in added:
            os.environ.pop(k, None)


class SentenceTransformerEncoder:
    """Lazily loads a sentence-transformers model directory; never downloads.

    A mean-pooled BertModel directory (e5-small, the default) runs on `bert.LeanBert`: the same
    vectors as sentence-transformers (within 1e-5) without importing it, which is most of a
    cold start (`bert.py`). Any other directory goes through `SentenceTransformer`.

    Batches are cut from the texts sorted by length, so each pads little. On CUDA the model
    runs in fp16 and the next batch is tokenised on a worker thread while the GPU encodes the
    current one (the fast tokenizers release the GIL); on CPU it is the plain loop, in fp32."""

    def __init__(
        self,
        source: Path | str,
        name: str,
        revision: str,
        device: str | None = DEFAULT_DEVICE,
        batch_size: int = DEFAULT_BATCH_SIZE,
        precision: str | None = DEFAULT_PRECISION,
    ) -> None:
        self.source = source
        self.name = name
        self.revision = revision
        self.device = device
        self.batch_size = batch_size
        self.requested_precision = precision
        # Tokenise the next batch while the current one is encoded: None is "on CUDA only".
        self.overlap: bool | None = None
        # Run a directory `bert.supports` on `LeanBert`; False: always sentence-transformers.
        self.lean = True
        self._model: Any = None
        self._was_loaded = False
        self._prompt: str | None = None
        self._resolved: str | None = None
        # The token states of the texts encoded last (LeanBert only), for the drift stage's
        # occlusion (`token_states`): its bead texts are the aligner's sentences.
        self.states = TokenStateStore(TOKEN_STATE_BYTES)
        # The same texts' states at `state_layers`, for the word tagger (`keep_layer_states`;
        # off until a caller asks for them).
        self.state_layers: tuple[int, ...] = ()
        self.layer_states = TokenStateStore(0, np.float32)

    @property
    def resolved_device(self) -> str:
        if self._resolved is None:
            self._resolved = resolve_device(self.device)
        return self._resolved

    @property
    def precision(self) -> str:
        return precision_for(self.resolved_device, self.requested_precision)

    @property
    def key_revision(self) -> str:
        """The revision in cache keys: fp16 or bf16 vectors are other values than fp32 ones."""
        p = self.precision
        return self.revision if p == "fp32" else f"{self.revision}+{p}"

    @property
    def loaded(self) -> bool:
        """Whether the model was loaded in this process (also when released since)."""
        return self._was_loaded

    def release(self) -> None:
        """Drop the model (its weights, the mmapped embedding matrix, the tokenizer: ~0.7 GB
        for e5-small) while a long stage does not need it; the next `encode` loads it again
        (~2 s). A call already encoding keeps its own reference and finishes. The kept token
        states go too (a long document's release comes before its memory peak; the drift
        stage then computes the few it needs)."""
        self.states = TokenStateStore(self.states.max_bytes)
        self.layer_states = TokenStateStore(self.layer_states.max_bytes, np.float32)
        if self._model is not None:
            self._model = None
            gc.collect()
            release_freed_memory()

    def _config_json(self, *parts: str) -> dict[str, Any]:
        """A JSON file of the model directory, read without loading the model ({} if absent)."""
        return model_json_object(self.source, *parts)

    def _load_error(self, e: Exception) -> ModelError:
        """A model that will not load; one the registry installed may be damaged on disk,
        and pulling it again is the way out."""
        from .models import REGISTRY, model_path

        hint = ""
        if self.name in REGISTRY and Path(self.source) == model_path(self.name):
            hint = (f"; if its files are damaged, install it again: "
                    f"qa-pipeline models pull {self.name} --force")
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        return ModelError(f"cannot load model {self.name} from {self.source}: {first}{hint}")

    def _declared_prompt(self) -> str | None:
        """The prompt the model directory declares: the cache key needs it before (and
        instead of) loading the model. None when the directory does not say."""
        cfg = self._config_json("config_sentence_transformers.json")
        if "prompts" not in cfg:
            return None
        prompts = dict(cfg.get("prompts") or {})
        return next((str(prompts[p]) for p in PROMPT_PREFERENCE if p in prompts), "")

    def load(self) -> Any:
        if self._model is None and self.lean and self._load_lean():
            return self._model
        if self._model is None:
            import logging

            # Offline while the Hugging Face libraries first read their settings (on import),
            # without leaving the caller's environment changed.
            with _env_defaults(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1"):
                import transformers
                from sentence_transformers import SentenceTransformer

            # The library is silent: no weight-loading bars or prompt notices on stderr.
            transformers.utils.logging.disable_progress_bar()
            transformers.utils.logging.set_verbosity_error()
            logging.getLogger("sentence_transformers").setLevel(logging.ERROR)
            quiet_blas_threads()
            try:
                self._model = SentenceTransformer(
                    str(self.source), device=self.resolved_device, local_files_only=True
                )
                if self.precision != "fp32":
                    import torch

                    self._model.to(getattr(torch, TORCH_DTYPES[self.precision]))
            except Exception as e:
                raise self._load_error(e) from e
            prompts: dict[str, str] = dict(getattr(self._model, "prompts", {}) or {})
            prompt = next((prompts[p] for p in PROMPT_PREFERENCE if p in prompts), "")
            if self._prompt is not None and prompt != self._prompt:
                # Cache keys were made with the declared prompt: never mix the two.
                raise ModelError(f"model {self.name}: loaded prompt {prompt!r} differs from "
                                 f"the declared {self._prompt!r}")
            self._prompt = prompt
            self._was_loaded = True
        return self._model

    def _load_lean(self) -> bool:
        """Load the model as a `LeanBert` where the directory is one it computes exactly."""
        config = supports(self.source)
        if config is None:
            return False
        try:
            model = LeanBert(self.source, config, device=self.resolved_device)
        except Exception as e:
            raise self._load_error(e) from e
        if self.precision != "fp32":
            model.to_dtype(TORCH_DTYPES[self.precision])
        self._prompt = self._declared_prompt() or ""
        self._model = model
        self._was_loaded = True
        return True

    @property
    def prompt(self) -> str:
        if self._prompt is None:
            self._prompt = self._declared_prompt()
        if self._prompt is None:
            self.load()
        return self._prompt or ""

    @property
    def dim(self) -> int:
        if self._model is None:
            pooling = self._config_json("1_Pooling", "config.json")
            if isinstance(pooling.get("word_embedding_dimension"), int):
                return int(pooling["word_embedding_dimension"])
        model = self.load()
        if isinstance(model, LeanBert):
            return model.config.hidden
        # sentence-transformers 6 renamed it (the old name warns on stderr); 5.x has only that.
        dim_of = getattr(model, "get_embedding_dimension", None) \
            or model.get_sentence_embedding_dimension
        return int(dim_of())

    def token_states(self, texts: Sequence[str], layers: Sequence[int],
                     max_tokens: int = 512) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One batch's (character offsets (n, tokens, 2), attention mask (n, tokens), token
        states (n, tokens, len(layers), dim)); layer 0 is the embeddings. `texts` are taken as
        given (a caller that wants the prompt prepends it). For the word tagger."""
        model = self.load()
        if isinstance(model, LeanBert):
            return model.states(texts, layers)
        import torch

        enc = model.tokenizer(list(texts), return_offsets_mapping=True, padding=True,
                              truncation=True, max_length=max_tokens, return_tensors="pt")
        offsets = enc.pop("offset_mapping").numpy()
        mask = enc["attention_mask"].numpy()
        with torch.inference_mode():
            hidden = model[0].auto_model(**{k: v.to(model.device) for k, v in enc.items()},
                                         output_hidden_states=True).hidden_states
        stacked = torch.stack([hidden[k] for k in layers], dim=2).float().cpu().numpy()
        return offsets, mask, stacked

    def last_states(self, texts: Sequence[str]) -> list[TokenStates]:
        """Each text's last-layer token states (`token_states.TokenStates`, offsets into the
        text without the prompt): from the store where the text was just encoded, else from
        a forward pass over the texts missing there, in length batches."""
        out: dict[str, TokenStates] = {}
        todo = []
        for t in dict.fromkeys(texts):
            hit = self.states.get(t)
            if hit is None:
                todo.append(t)
            else:
                out[t] = hit
        if todo:
            model = self.load()
            for batch in length_batches([len(t) for t in todo], self.batch_size):
                chunk = [todo[i] for i in batch]
                keep = self._keeper(chunk, out.__setitem__)
                if isinstance(model, LeanBert):
                    model.embed([self.prompt + t for t in chunk], keep=keep)
                    continue
                offsets, mask, states = self.token_states([self.prompt + t for t in chunk],
                                                          [-1])
                for r in range(len(chunk)):
                    n = int(mask[r].sum())
                    keep(r, offsets[r, :n], states[r, :n, 0], None)
        return [out[t] for t in texts]

    def keep_layer_states(self, layers: Sequence[int], max_bytes: int = LAYER_STATE_BYTES
                          ) -> None:
        """From now on, every encoded text's token states at `layers` (0 = the embeddings) are
        kept too, within `max_bytes` (fp32), so the word tagger reads the aligner's pass
        instead of running its own (`detect/tagger.py`, `word_states`). LeanBert only."""
        if tuple(layers) == self.state_layers and self.layer_states.max_bytes == max_bytes:
            return  # a batch run asks again for each document: keep what is kept
        self.state_layers = tuple(layers)
        self.layer_states = TokenStateStore(max_bytes if layers else 0, np.float32)

    def _keeper(self, batch: Sequence[str], sink: Callable[[str, TokenStates], None]
                ) -> KeepStates:
        """A callback for one batch's (row, offsets with the prompt, states, layer states):
        `sink` gets the row's text and its last-layer `TokenStates`, offsets into the text
        itself."""
        shift = len(self.prompt)
        return lambda r, off, st, _layers: sink(batch[r], TokenStates(off - shift, st))

    def _keep_states(self, batch: Sequence[str]) -> KeepStates | None:
        """The stores' callback for one batch of `LeanBert.embed` (None when they keep none)."""
        last = self._keeper(batch, self.states.put) if self.states.max_bytes > 0 else None
        layers = self._kept_layers()
        if last is None and not layers:
            return None
        shift = len(self.prompt)

        def keep(r: int, off: np.ndarray, st: np.ndarray, kept: np.ndarray | None) -> None:
            if last is not None:
                last(r, off, st, kept)
            if layers and kept is not None:
                self.layer_states.put(batch[r], TokenStates(off - shift, kept, layers))
        return keep

    def _kept_layers(self) -> tuple[int, ...]:
        """The layers `LeanBert.embed` is asked for (none when no store keeps them)."""
        return self.state_layers if self.layer_states.max_bytes > 0 else ()

    def _plain(self, model: Any, batches: list[list[str]]) -> Iterator[np.ndarray]:
        """Each batch's unit rows, through the model's own encode."""
        if isinstance(model, LeanBert):
            for batch in batches:
                yield model.embed([self.prompt + t for t in batch],
                                  keep=self._keep_states(batch), layers=self._kept_layers())
            return
        for batch in batches:
            emb = model.encode(
                batch,
                prompt=self.prompt,
                batch_size=len(batch),
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
            yield np.asarray(emb, dtype=np.float32)

    def _overlapped(self, model: Any, batches: list[list[str]]) -> Iterator[np.ndarray]:
        """sentence-transformers' inference loop (same preprocessing, forward, normalisation)
        with each next batch tokenised on a worker thread while the current one runs."""
        from concurrent.futures import ThreadPoolExecutor

        import torch

        if isinstance(model, LeanBert):
            with ThreadPoolExecutor(max_workers=1) as pool:
                texts = [[self.prompt + t for t in batch] for batch in batches]
                pending = pool.submit(model.tokenize, texts[0])
                for i in range(len(batches)):
                    features = pending.result()
                    if i + 1 < len(batches):
                        pending = pool.submit(model.tokenize, texts[i + 1])
                    yield model.embed(texts[i], features, keep=self._keep_states(batches[i]),
                                      layers=self._kept_layers())
            return
        prompt = self.prompt or None
        model.eval()
        with ThreadPoolExecutor(max_workers=1) as pool, torch.inference_mode():
            pending = pool.submit(model.preprocess, batches[0], prompt=prompt)
            for i in range(len(batches)):
                features = pending.result()
                if i + 1 < len(batches):
                    pending = pool.submit(model.preprocess, batches[i + 1], prompt=prompt)
                features = {k: v.to(model.device, non_blocking=True)
                            if isinstance(v, torch.Tensor) else v for k, v in features.items()}
                emb = model(features)["sentence_embedding"].float()
                emb = torch.nn.functional.normalize(emb, p=2, dim=1)
                yield emb.cpu().numpy().astype(np.float32, copy=False)

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        model = self.load()
        # Batches of similar length pad little, and long texts go fewer at a time (bounded
        # attention memory). Each batch's rows go straight to their place in the result, so a
        # long call holds its vectors once (not a batch list, its concatenation and the
        # reordered copy: 3x, +220 MB at the end of a 71,000-text call).
        index = length_batches([len(t) for t in texts], self.batch_size)
        batches = [[texts[i] for i in batch] for batch in index]
        overlap = (self.resolved_device.startswith("cuda") if self.overlap is None
                   else self.overlap)
        result = np.empty((len(texts), self.dim), dtype=np.float32)
        if not batches:
            return result
        rows = self._overlapped(model, batches) if overlap else self._plain(model, batches)
        done = 0
        for idx, emb in zip(index, rows, strict=True):
            result[idx] = emb
            release_freed_memory()
            done += len(idx)
            if progress:
                progress(done, len(texts))
        return result


_TOKEN = re.compile(r"\w+", re.UNICODE)


class HashEncoder:
    """Deterministic test encoder: hashed word and character-trigram features.

    Similar strings get similar vectors, identical strings identical ones; no model needed.
    """

    def __init__(self, dim: int = 256) -> None:
        self.name = f"hash-{dim}"
        self.revision = "1"
        self.prompt = ""
        self._dim = dim

    @property
    def dim(self) -> int:
        return self._dim

    loaded = False  # there is no model to load

    def load(self) -> None:
        return None

    def _features(self, text: str) -> list[str]:
        words = [w.lower() for w in _TOKEN.findall(text)]
        feats = [f"w:{w}" for w in words]
        for w in words:
            padded = f"#{w}#"
            feats += [f"c:{padded[i : i + 3]}" for i in range(len(padded) - 2)]
        return feats

    def _add(self, row: np.ndarray, feats: Sequence[str]) -> None:
        for f in feats:
            h = int.from_bytes(hashlib.blake2b(f.encode(), digest_size=8).digest(), "little")
            row[h % self._dim] += 1.0 if (h >> 63) else -1.0

    def last_states(self, texts: Sequence[str]) -> list[TokenStates]:
        """One token per word, its state the sum of the word's features: their mean is
        parallel to the text's vector, as a mean-pooled model's (an empty text: no tokens
        but one that stands for the empty vector)."""
        out = []
        for text in texts:
            found = list(_TOKEN.finditer(text))
            states = np.zeros((max(len(found), 1), self._dim), dtype=np.float32)
            for r, m in enumerate(found):
                self._add(states[r], self._features(m.group()))
            if not found:
                states[0, 0] = 1.0
            offsets = np.array([m.span() for m in found] or [(0, 0)], dtype=np.int64)
            out.append(TokenStates(offsets, states))
        return out

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            self._add(out[row], self._features(text))
            if not text.strip():
                out[row, 0] = 1.0  # empty text still gets a unit vector, identical for all
        if progress:
            progress(len(texts), len(texts))
        return unit_rows(out)


def revision_of(encoder: Any) -> str:
    """The encoder's model revision with its precision where that is not fp32 ("r+bf16"): what
    cache keys and the outputs' signatures carry, since fp16 / bf16 vectors are other values."""
    return str(getattr(encoder, "key_revision", encoder.revision))


def release_model(encoder: object) -> None:
    """Free `encoder`'s model until its next encode, where it has one (`release`); the hash
    encoder and test fakes have none."""
    release = getattr(encoder, "release", None)
    if callable(release):
        release()


class ReportingEncoder:
    """`inner` with `progress` given to every encode call that brings none: the aligner's,
    the checks' and the drift stage's calls all show on one stage (each call counts from 0),
    so no long encode runs silently."""

    def __init__(self, inner: Encoder, progress: Progress | None) -> None:
        self.inner = inner
        self.progress = progress

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        return self.inner.encode(texts, progress or self.progress)


@dataclass(frozen=True)
class EncoderSpec:
    """A registered encoder backend: `matches(name)` says whether a --model value is one of
    its models; `create(name, device, batch_size, precision)` builds the (not yet loaded)
    encoder."""

    name: str
    matches: Callable[[str], bool]
    create: Callable[[str, str | None, int, str | None], Encoder]


def _hash_encoder(name: str, device: str | None, batch_size: int,
                  precision: str | None) -> Encoder:
    return HashEncoder(int(name.split("-", 1)[1]) if "-" in name else 256)


def _sentence_transformer(name_or_path: str, device: str | None, batch_size: int,
                          precision: str | None) -> Encoder:
    from .models import resolve

    source, name, revision = resolve(name_or_path)
    return SentenceTransformerEncoder(source, name, revision, device=device,
                                      batch_size=batch_size, precision=precision)


# Tried in order; the last one takes any registry name or model directory.
ENCODERS: dict[str, EncoderSpec] = {spec.name: spec for spec in (
    EncoderSpec("hash", lambda n: n == "hash" or n.startswith("hash-"), _hash_encoder),
    EncoderSpec("sentence-transformers", lambda n: True, _sentence_transformer),
)}


def load_encoder(
    name_or_path: str, device: str | None = None, batch_size: int = DEFAULT_BATCH_SIZE,
    precision: str | None = DEFAULT_PRECISION,
) -> Encoder:
    """A registry name (see `models`), a model directory, or `hash` / `hash-DIM` for tests."""
    spec = next(s for s in ENCODERS.values() if s.matches(name_or_path))
    return spec.create(name_or_path, device, batch_size, precision)
