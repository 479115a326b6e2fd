"""bench/train_tagger.py end to end on a tiny subset (hash encoder, a temp output dir)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("QA_SHARED_DATA", str(ROOT.parent / "shared" / "data")))


@pytest.mark.skipif(not (DATA / "mlqe-pe-et-en" / "post-editing").is_dir(),
                    reason="MLQE-PE data not available")
def test_train_tagger_runs_end_to_end(tmp_path: Path) -> None:
    env = {**os.environ, "QA_SHARED_DATA": str(DATA), "QA_BENCH_CACHE": str(tmp_path / "cache"),
           "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    out = tmp_path / "out"
    script = str(ROOT / "bench" / "train_tagger.py")
    common = ["--model", "hash-64", "--limit", "40"]

    def run(*args: str) -> str:
        return subprocess.run([sys.executable, script, *args], env=env, check=True,
                              capture_output=True, text=True).stdout

    run("states", "--split", "train", *common)
    run("states", "--split", "dev", *common)
    run("train", *common, "--epochs", "2", "--out", str(out))
    run("combine", "--model", "hash-64", "--docs", "3", "--out", str(out))
    res = json.loads(run("eval", *common, "--out", str(out)))
    assert res["n"] == 40
    assert -1 <= res["mcc_source"] <= 1 and -1 <= res["mcc_target"] <= 1
    header = json.loads((out / "tagger_hash-64.json").read_text())
    assert header["combine"]["inputs"][0] == "drift_logit"
    assert header["trained"]["pairs"] == 36  # 40 minus the 10 % held out
