"""Model assembly from chunked wheels and hash verification, on small fake wheels."""

import hashlib
import zipfile
from pathlib import Path

import pytest

from qa_pipeline import models
from qa_pipeline.errors import ModelError


def _fake_wheels(tmp_path: Path, files: dict[str, bytes], n: int, order: list[int]) -> list[Path]:
    blob = models.zip_bytes(files)
    size = -(-len(blob) // n)
    wheels = []
    for pos, idx in enumerate(order):
        w = tmp_path / f"pkg-0.2.{pos + 1}-py3-none-any.whl"
        with zipfile.ZipFile(w, "w") as z:
            z.writestr("pkg/__init__.py", f'"""doc"""\nCHUNK_INDEX = {idx}\nTOTAL = {n}\n')
            z.writestr("pkg/chunk.bin", blob[idx * size : (idx + 1) * size])
        wheels.append(w)
    return wheels


def test_assemble_orders_chunks_by_index(tmp_path: Path) -> None:
    files = {
        "model_download/config.json": b"{}",
        "model_download/sub/w.bin": b"x" * 5000,
        "other/ignored.txt": b"no",
    }
    wheels = _fake_wheels(tmp_path, files, 3, order=[2, 0, 1])
    out = tmp_path / "out"
    out.mkdir()
    models.assemble_chunked(wheels, "pkg", out)
    assert (out / "config.json").read_bytes() == b"{}"
    assert (out / "sub/w.bin").read_bytes() == b"x" * 5000
    assert not (out / "other").exists()


def test_assemble_rejects_missing_chunk(tmp_path: Path) -> None:
    wheels = _fake_wheels(tmp_path, {"model_download/a": b"1"}, 3, order=[0, 2, 1])[:2]
    with pytest.raises(ModelError, match="chunk indices"):
        models.assemble_chunked(wheels, "pkg", tmp_path)


def test_verify_detects_corruption(tmp_path: Path) -> None:
    (tmp_path / "w.bin").write_bytes(b"good")
    spec = models.ModelSpec(
        "m",
        "hub/m",
        "pkg",
        ("1",),
        "r",
        "MIT",
        "d",
        hashes=(("w.bin", hashlib.sha256(b"good").hexdigest()),),
    )
    models.verify(spec, tmp_path)
    (tmp_path / "w.bin").write_bytes(b"evil")
    with pytest.raises(ModelError, match="w.bin has SHA-256"):
        models.verify(spec, tmp_path)
    (tmp_path / "w.bin").unlink()
    with pytest.raises(ModelError, match="missing"):
        models.verify(spec, tmp_path)


def test_unknown_model_name() -> None:
    with pytest.raises(ModelError, match="unknown model"):
        models.pull("no-such-model")


def test_cache_root_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_PIPELINE_CACHE", str(tmp_path))
    assert models.models_dir() == tmp_path / "models"


def test_pull_into_a_folder_that_cannot_be_made_is_a_model_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "afile").write_text("x", "utf-8")
    monkeypatch.setenv("QA_PIPELINE_CACHE", str(tmp_path / "afile" / "cache"))
    with pytest.raises(ModelError, match=r"afile/cache/models: cannot install models there "
                                         r"\(Not a directory\); point \$QA_PIPELINE_CACHE"):
        models.pull("multilingual-e5-small")


def test_a_damaged_installed_model_says_how_to_install_it_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`models list` trusts the marker file; a model whose weights were damaged afterwards
    fails to load with the way out in the message."""
    import shutil

    from qa_pipeline.embed import SentenceTransformerEncoder

    real = models.model_path("multilingual-e5-small")
    if not (real / "config.json").is_file():
        pytest.skip("multilingual-e5-small is not installed")
    monkeypatch.setenv("QA_PIPELINE_CACHE", str(tmp_path))
    damaged = models.model_path("multilingual-e5-small")
    shutil.copytree(real, damaged, ignore=shutil.ignore_patterns("_source_wheels", "*.safetensors"))
    (damaged / "model.safetensors").write_bytes(b"\x00" * 64)
    enc = SentenceTransformerEncoder(damaged, "multilingual-e5-small", "r", device="cpu")
    with pytest.raises(ModelError, match=r"cannot load model multilingual-e5-small from .*; if "
                       r"its files are damaged, install it again: qa-pipeline models pull "
                       r"multilingual-e5-small --force$"):
        enc.encode(["Labas."])
