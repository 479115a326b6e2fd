"""Start-up: a run whose texts are all cached loads no model, imports no torch and builds no
language detector; the language check weighs the pair's plausible languages only."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from qa_pipeline.cli import app
from qa_pipeline.detect.checks import language
from qa_pipeline.embed import HashEncoder, SentenceTransformerEncoder
from qa_pipeline.langs import plausible_languages

ROOT = Path(__file__).resolve().parents[2]
DIM = 256
HEAVY = ("torch", "transformers", "sentence_transformers")


def _model_dir(path: Path) -> Path:
    """A sentence-transformers model directory with its configs and no weights: it can name
    its prompt and dimension, and cannot load."""
    (path / "1_Pooling").mkdir(parents=True)
    (path / "modules.json").write_text("[]", "utf-8")
    (path / "config_sentence_transformers.json").write_text(
        json.dumps({"prompts": {"query": "query: "}}), "utf-8")
    (path / "1_Pooling" / "config.json").write_text(
        json.dumps({"word_embedding_dimension": DIM}), "utf-8")
    return path


def _hash_encode(self: SentenceTransformerEncoder, texts, progress=None):  # type: ignore[no-untyped-def]
    return HashEncoder(DIM).encode(texts, progress)


def _hash_states(self: SentenceTransformerEncoder, texts):  # type: ignore[no-untyped-def]
    return HashEncoder(DIM).last_states(texts)


def _fill_cache(model: Path, seeds: tuple[Path, Path], out: Path,
                monkeypatch: pytest.MonkeyPatch) -> None:
    """One run with the model standing in for a real one (hash vectors): fills the cache."""
    with monkeypatch.context() as m:
        m.setattr(SentenceTransformerEncoder, "encode", _hash_encode)
        m.setattr(SentenceTransformerEncoder, "last_states", _hash_states)
        res = CliRunner().invoke(app, ["check", str(seeds[0]), str(seeds[1]), "--model",
                                       str(model), "--out", str(out), "--fail-on", "none"])
    assert res.exit_code == 0, res.output
    assert "0 hits" in res.output and "model not loaded" in res.output


def test_a_cached_check_never_loads_the_model_or_language_models(
    seeds: tuple[Path, Path], tmp_path: Path, isolated_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model = _model_dir(tmp_path / "model")
    _fill_cache(model, seeds, tmp_path / "r1", monkeypatch)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("loaded on a fully cached run")

    monkeypatch.setattr(SentenceTransformerEncoder, "load", refuse)
    monkeypatch.setattr(SentenceTransformerEncoder, "encode", refuse)
    monkeypatch.setattr(language, "_detector", refuse)
    monkeypatch.setattr(language, "_MEMO", {})  # a new process: only the on-disk cache
    res = CliRunner().invoke(app, ["check", str(seeds[0]), str(seeds[1]), "--model",
                                   str(model), "--out", str(tmp_path / "r2"), "--fail-on",
                                   "none"])
    assert res.exit_code == 0, res.output
    assert "0 misses; model not loaded" in res.output
    first, second = ((tmp_path / r / "report.json").read_text("utf-8") for r in ("r1", "r2"))
    assert first == second


_CACHED_RUN = """
import json, sys
from qa_pipeline.cli import app
from qa_pipeline.detect.checks import language
heavy = set(sys.argv.pop(1).split(","))
try:
    app(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print(json.dumps({"modules": sorted(m for m in sys.modules if m.split(".")[0] in heavy),
                  "detectors": language._detector.cache_info().currsize}))
"""


def test_a_cached_check_imports_no_torch(
    seeds: tuple[Path, Path], tmp_path: Path, isolated_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model = _model_dir(tmp_path / "model")
    _fill_cache(model, seeds, tmp_path / "r1", monkeypatch)
    out = tmp_path / "r2"
    proc = subprocess.run(
        [sys.executable, "-c", _CACHED_RUN, ",".join(HEAVY), "check", str(seeds[0]),
         str(seeds[1]), "--model", str(model), "--out", str(out), "--fail-on", "none",
         "--quiet"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    state = json.loads(proc.stdout.strip().splitlines()[-1])
    assert state == {"modules": [], "detectors": 0}
    assert (out / "report.json").is_file()


@pytest.mark.parametrize(("pair", "expected"), [
    (("lt", "et"), ("de", "en", "et", "fi", "lt", "lv", "pl", "ru")),
    (("et-EE", "LT"), ("de", "en", "et", "fi", "lt", "lv", "pl", "ru")),
    (("xx", "yy"), ("en", "xx", "yy")),
    (("en", "en"), ("en",)),
])
def test_plausible_languages(pair: tuple[str, str], expected: tuple[str, ...]) -> None:
    assert plausible_languages(*pair) == expected


def test_candidates_are_the_plausible_languages_lingua_knows() -> None:
    assert language.candidates("lt", "et") == plausible_languages("lt", "et")
    assert language.candidates("xx", "et") == ("de", "en", "et", "fi", "lv", "ru")


def test_confidences_are_kept_in_the_cache(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from qa_pipeline.cache import EmbeddingCache

    text = "Valitsus kiitis täna heaks uue eelarve järgmiseks aastaks"
    codes = language.candidates("lt", "et")
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    monkeypatch.setattr(language, "_MEMO", {})
    with language.stored_in(cache):
        computed = language.confidences(text, codes)
    assert max(computed, key=lambda k: computed[k]) == "et"

    def refuse(codes: tuple[str, ...]) -> None:
        raise AssertionError("the detector was built for a stored text")

    monkeypatch.setattr(language, "_MEMO", {})
    monkeypatch.setattr(language, "_detector", refuse)
    with language.stored_in(EmbeddingCache(tmp_path / "c.sqlite")):
        assert language.confidences(text, codes) == computed  # exactly: floats round-trip
        with pytest.raises(AssertionError):  # another candidate set is another key
            language.confidences(text, language.candidates("de", "fr"))
    # No store: memory only, the vectors table untouched.
    assert len(cache) == 0 and np.isfinite(list(computed.values())).all()


def test_plain_codes_are_what_langcodes_says() -> None:
    """The codes answered without importing langcodes get exactly langcodes' answers."""
    import langcodes

    from qa_pipeline import langs

    for code in sorted(langs.PLAIN_CODES):
        tag = langcodes.standardize_tag(code)
        assert langcodes.tag_is_valid(tag) and langcodes.Language.get(tag).language == code
        assert langs.check_lang(code, "--src-lang") == code
    assert langs.base_lang.__wrapped__("et") == "et"  # the fast path
    assert langs.base_lang.__wrapped__("est") == "et"  # the langcodes path


class _FakeTorch:
    """Stands in for torch: says whether CUDA is there; any other use fails the test."""

    def __init__(self, cuda: bool) -> None:
        class Cuda:
            @staticmethod
            def is_available() -> bool:
                return cuda

        self.cuda = Cuda()


@pytest.mark.parametrize(("requested", "driver", "cuda", "expected"), [
    ("cpu", True, True, "cpu"),
    ("cuda:1", False, False, "cuda:1"),
    ("auto", False, True, "cpu"),  # no driver: torch is not even asked
    (None, False, True, "cpu"),
    ("auto", True, True, "cuda"),
    ("auto", True, False, "cpu"),
])
def test_device_resolution(requested: str | None, driver: bool, cuda: bool, expected: str,
                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qa_pipeline.devices import resolve_device

    path = tmp_path / "nvidia"
    if driver:
        path.mkdir()
        monkeypatch.setitem(sys.modules, "torch", _FakeTorch(cuda))
    else:
        monkeypatch.setitem(sys.modules, "torch", None)  # importing it would raise
    assert resolve_device(requested, driver=path) == expected


def test_config_and_cli_default_device_is_auto() -> None:
    from qa_pipeline.config import DEFAULT_DEVICE, Config

    assert DEFAULT_DEVICE == "auto" and Config().device == "auto"
    res = CliRunner().invoke(app, ["check", "--help"], terminal_width=200)
    assert "auto" in res.output


def _cpuinfo(path: Path, flags: str) -> Path:
    path.write_text(f"processor\t: 0\nflags\t\t: fpu sse2 avx2 {flags}\n\nprocessor\t: 1\n",
                    "utf-8")
    return path


@pytest.mark.parametrize(("device", "flags", "precision", "suffix"), [
    ("cpu", "avx512f", "fp32", ""), ("cpu", "avx512f amx_bf16 amx_tile", "bf16", "+bf16"),
    ("cpu", "avx512_bf16", "bf16", "+bf16"), ("cuda", "", "fp16", "+fp16"),
    ("cuda:1", "amx_bf16", "fp16", "+fp16"), ("mps", "amx_bf16", "fp32", ""),
])
def test_precision_and_cache_keys_follow_the_device(device: str, flags: str, precision: str,
                                                    suffix: str, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """auto: fp16 on CUDA, bf16 on a CPU whose flags name a native bf16 unit, else fp32; the
    other precisions' vectors under their own keys, fp32 keys unchanged."""
    from qa_pipeline import devices

    monkeypatch.delenv("QA_PIPELINE_PRECISION", raising=False)
    monkeypatch.setattr(devices, "CPUINFO", _cpuinfo(tmp_path / "cpuinfo", flags))
    enc = SentenceTransformerEncoder(_model_dir(tmp_path / "m"), "m", "r1", device=device)
    assert enc.precision == precision and enc.key_revision == "r1" + suffix
    assert not enc.loaded


def test_precision_given_or_from_the_environment_wins_over_the_cpu(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qa_pipeline.devices import precision_for
    from qa_pipeline.errors import ConfigError, ModelError

    amx = _cpuinfo(tmp_path / "amx", "amx_bf16")
    monkeypatch.delenv("QA_PIPELINE_PRECISION", raising=False)
    assert precision_for("cpu", "auto", amx) == "bf16"
    assert precision_for("cpu", "fp32", amx) == "fp32"
    assert precision_for("cpu", None, tmp_path / "missing") == "fp32"  # unreadable: no bf16
    monkeypatch.setenv("QA_PIPELINE_PRECISION", "fp32")
    assert precision_for("cpu", "auto", amx) == "fp32"
    assert precision_for("cpu", "bf16", amx) == "bf16"  # an explicit choice beats the env
    with pytest.raises(ModelError, match="precision 'int4'"):
        precision_for("cpu", "int4", amx)
    # A bad variable is said as the variable, before any work (the hash encoder never asks).
    monkeypatch.setenv("QA_PIPELINE_PRECISION", "int4")
    with pytest.raises(ConfigError, match=r"^\$QA_PIPELINE_PRECISION='int4': expected one of"):
        precision_for("cpu", "auto", amx)
    from qa_pipeline.config import Config
    from qa_pipeline.pipeline import check_config

    with pytest.raises(ConfigError, match=r"^\$QA_PIPELINE_PRECISION='int4'"):
        check_config(Config(model="hash"))


def test_outputs_and_caches_carry_the_precision_with_the_revision(tmp_path: Path) -> None:
    """Signatures and cache keys read `revision_of`: a bf16 run's reports say so."""
    from qa_pipeline.cache import EmbeddingCache
    from qa_pipeline.cached_encoder import CachedEncoder
    from qa_pipeline.embed import revision_of

    enc = SentenceTransformerEncoder(_model_dir(tmp_path / "m"), "m", "r1", device="cpu",
                                     precision="bf16")
    assert revision_of(enc) == "r1+bf16"
    assert revision_of(CachedEncoder(enc, EmbeddingCache(tmp_path / "c.sqlite"))) == "r1+bf16"
    assert revision_of(HashEncoder(DIM)) == HashEncoder(DIM).revision


def test_the_precision_option_reaches_the_encoder(tmp_path: Path) -> None:
    from qa_pipeline.batch.settings import resolve
    from qa_pipeline.config import Config
    from qa_pipeline.pipeline import resolve_encoder

    enc = resolve_encoder(Config(precision="fp32"))
    assert enc.precision == "fp32"  # type: ignore[attr-defined]
    assert resolve({"precision": "bf16"}, {}).config.precision == "bf16"
    assert resolve({"precision": "bf16"}, {"precision": "fp32"}).config.precision == "fp32"
    res = CliRunner().invoke(app, ["check", "--help"], terminal_width=200)
    assert "--precision" in res.output


def test_records_live_beside_the_vectors_and_are_pruned_with_them(tmp_path: Path) -> None:
    from qa_pipeline.cache import EmbeddingCache, entry_key, record_key

    cache = EmbeddingCache(tmp_path / "c.sqlite")
    key = record_key("kind", "v1", "text")
    assert key != record_key("kind", "v1text", "") and key != entry_key("kind", "v1", "", "text")
    cache.put_records({key: '{"a": 0.25}'})
    assert cache.get_records([key, "missing"]) == {key: '{"a": 0.25}'}
    assert len(cache) == 0  # vectors only
    assert cache.prune(older_than_s=3600) == 0 and cache.get_records([key])
    cache.prune(older_than_s=-60)  # everything is older than a minute from now
    assert cache.get_records([key]) == {}


def test_a_cached_nway_check_never_loads_the_model_or_language_models(
    seeds: tuple[Path, Path], tmp_path: Path, isolated_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model = _model_dir(tmp_path / "model")
    files = []
    for lang, seed in (("lt", seeds[0]), ("et", seeds[1]), ("fi", seeds[1])):
        files.append(tmp_path / f"{lang}.txt")
        files[-1].write_text(seed.read_text("utf-8"), "utf-8")
    args = ["check", *map(str, files), "--model", str(model), "--fail-on", "none", "--quiet"]
    with monkeypatch.context() as m:
        m.setattr(SentenceTransformerEncoder, "encode", _hash_encode)
        m.setattr(SentenceTransformerEncoder, "last_states", _hash_states)
        first = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "r1")])
    assert first.exit_code == 0, first.output

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("loaded on a fully cached run")

    monkeypatch.setattr(SentenceTransformerEncoder, "load", refuse)
    monkeypatch.setattr(SentenceTransformerEncoder, "encode", refuse)
    monkeypatch.setattr(language, "_detector", refuse)
    monkeypatch.setattr(language, "_MEMO", {})
    second = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "r2")])
    assert second.exit_code == 0, second.output
    assert ((tmp_path / "r1" / "report.json").read_text("utf-8")
            == (tmp_path / "r2" / "report.json").read_text("utf-8"))
