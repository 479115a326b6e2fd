"""bench/train_tagger.py (hash encoder) and bench/train_cross_tagger.py (the default model) end to
end on a tiny subset, into a temp output dir."""

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


@pytest.mark.skipif(not (DATA / "mlqe-pe-et-en" / "post-editing").is_dir(),
                    reason="MLQE-PE data not available")
def test_train_cross_tagger_runs_end_to_end(tmp_path: Path) -> None:
    from qa_pipeline.models import is_pulled

    if not is_pulled("multilingual-e5-small"):
        pytest.skip("multilingual-e5-small is not installed")
    env = {**os.environ, "QA_SHARED_DATA": str(DATA), "QA_BENCH_CACHE": str(tmp_path / "cache"),
           "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    out = tmp_path / "out"
    limit = ["--limit", "24"]

    def run(script: str, *args: str) -> str:
        return subprocess.run([sys.executable, str(ROOT / "bench" / script), *args], env=env,
                              check=True, capture_output=True, text=True).stdout

    for split in ("train", "dev"):  # the feature tagger's states too: the blend reads them
        run("train_cross_tagger.py", "states", "--split", split, *limit)
        run("train_tagger.py", "states", "--split", split, *limit)
    ntrex = DATA / "ntrex128" / "document_ids.txt"
    extra = ["--ntrex", "--swap"] if ntrex.is_file() else []
    if extra:  # labelled lt-et pairs (the first 24 of the tagger's NTREX documents), swaps
        run("train_cross_tagger.py", "states", "--split", "ntrex", *limit)
        run("train_cross_tagger.py", "states", "--split", "swap", *limit)
    run("train_cross_tagger.py", "train", *limit, *extra, "--epochs", "1", "--rank", "2",
        "--out", str(out))
    run("train_cross_tagger.py", "blend", *limit, "--out", str(out))
    res = json.loads(run("train_cross_tagger.py", "eval", *limit, "--out", str(out)))
    assert res["n"] == 24 and 0 <= res["blend"] <= 1
    assert -1 <= res["mcc_source"] <= 1 and -1 <= res["pearson_hter"] <= 1
    header = json.loads((out / "cross_tagger_multilingual-e5-small.json").read_text())
    trained = header["trained"]
    assert trained["rank"] == 2
    assert header["blend"] == res["blend"] and trained["blend"]["weight"] == res["blend"]
    if not extra:
        assert trained["pairs"] == 22
        return
    # 22 MLQE pairs, the 24 NTREX pairs clean and their damaged versions, and swaps.
    assert trained["pairs"] > 22 + 24 and trained["ntrex_docs"] == "even[0::2]"
    assert "swapped" in trained["data"]
    run("train_tagger.py", "combine", "--cross", "--docs", "2", "--out", str(out))
    stage = json.loads((out / "cross_tagger_multilingual-e5-small.json").read_text())["combine"]
    assert "did not train on" in stage["trained"]["data"]


@pytest.mark.skipif(not (DATA / "mlqe-pe-et-en" / "post-editing").is_dir(),
                    reason="MLQE-PE data not available")
def test_late_joint_cross_tagger_trains_from_each_sides_states(tmp_path: Path) -> None:
    """`--late` (session 26's probe): the joint layers start at --frozen from each side's own
    states, as the aligner's pass keeps them; the states hold both sides' tokens, prompts
    included, and the tagger trains on them."""
    import numpy as np

    from qa_pipeline.models import is_pulled

    if not is_pulled("multilingual-e5-small"):
        pytest.skip("multilingual-e5-small is not installed")
    env = {**os.environ, "QA_SHARED_DATA": str(DATA), "QA_BENCH_CACHE": str(tmp_path / "cache"),
           "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "QA_PIPELINE_PRECISION": "fp32"}
    script = str(ROOT / "bench" / "train_cross_tagger.py")
    late = ["--limit", "12", "--late", "--frozen", "6"]

    def run(*args: str) -> str:
        return subprocess.run([sys.executable, script, *args], env=env, check=True,
                              capture_output=True, text=True).stdout

    run("states", "--split", "train", *late)
    run("states", "--split", "train", "--limit", "12", "--frozen", "6")  # the joint input's
    states = tmp_path / "cache" / "cross_tagger"
    with np.load(states / "multilingual-e5-small.late6.train-12.npz") as z, \
            np.load(states / "multilingual-e5-small.f6.train-12.npz") as j:
        # the same words and labels; each side's own special tokens and prompt on top
        assert (z["words"] == j["words"]).all() and (z["labels"] == j["labels"]).all()
        assert (z["tokens"] > j["tokens"]).all()
        assert z["word_of"].max() == j["word_of"].max()
    run("train", *late, "--epochs", "1", "--rank", "2", "--out", str(tmp_path / "out"))
    header = json.loads((tmp_path / "out" / "cross_tagger_multilingual-e5-small.json").read_text())
    assert header["frozen"] == 6 and header["trained"]["pairs"] == 11


@pytest.mark.skipif(not (DATA / "mlqe-pe-et-en" / "train.tsv").is_file(),
                    reason="MLQE-PE data not available")
def test_word_misfit_trains_and_ships_end_to_end(tmp_path: Path) -> None:
    """bench/word_misfit.py on a tiny subset: it trains, scores, and writes a detector that
    loads with its checks."""
    from qa_pipeline.detect.misfit import read_misfit
    from qa_pipeline.models import is_pulled

    if not is_pulled("multilingual-e5-small"):
        pytest.skip("multilingual-e5-small is not installed")
    env = {**os.environ, "QA_SHARED_DATA": str(DATA), "PYTHONPATH": str(ROOT),
           "OMP_NUM_THREADS": "1"}
    out = tmp_path / "out"
    subprocess.run([sys.executable, str(ROOT / "bench" / "word_misfit.py"), "--train", "30",
                    "--held", "20", "--docs", "2", "--epochs", "1", "--write", "--out", str(out)],
                   env=env, check=True, capture_output=True, text=True)
    res = json.loads((out / "word_misfit.json").read_text())
    assert res["train_sentences"] > 30 and 0.0 <= res["odd"]["auc"] <= 1.0
    header = json.loads((out / "misfit_multilingual-e5-small.json").read_text())
    model = read_misfit(header, (out / "misfit_multilingual-e5-small.npz").read_bytes())
    assert model.taps == (4, 6) and model.frozen == 8 and model.layers == 12
