"""Shared fixtures: the seed corpus, an isolated cache dir, this process's memory."""

import os
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpora" / "customer-loyalty"
# The tests' figures must not depend on the CPU: "auto" precision is fp32 here (bf16 on a
# CPU with native bf16 units otherwise); the tests of bf16 ask for it by name.
os.environ.setdefault("QA_PIPELINE_PRECISION", "fp32")


@pytest.fixture()
def seeds() -> tuple[Path, Path]:
    return SEEDS / "lt.txt", SEEDS / "et.txt"


@pytest.fixture()
def isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Embedding cache in a temp dir; the model dir stays the user's (models are big)."""
    from qa_pipeline import models

    real_models = models.models_dir()
    monkeypatch.setattr(models, "models_dir", lambda: real_models)
    monkeypatch.setenv("QA_PIPELINE_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture()
def status_mib() -> Callable[[str], float]:
    """A field of /proc/self/status in MiB ("VmRSS", "RssAnon"); NaN where there is none."""

    def read(field: str) -> float:
        status = Path("/proc/self/status")
        for line in status.read_text().splitlines() if status.exists() else ():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    return read
