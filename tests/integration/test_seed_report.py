"""The seed pair end to end with the real default model (slow)."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qa_pipeline.cli import app
from qa_pipeline.config import DEFAULT_MODEL
from qa_pipeline.io.json_report import validate

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory: pytest.TempPathFactory) -> dict:  # type: ignore[type-arg]
    root = Path(__file__).resolve().parents[2] / "corpora" / "customer-loyalty"
    out = tmp_path_factory.mktemp("seed")
    res = CliRunner().invoke(app, ["check", str(root / "lt.txt"), str(root / "et.txt"),
                                   "--out", str(out), "--fail-on", "none", "--quiet"])
    assert res.exit_code == 0, res.output
    return json.loads((out / "report.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_report_validates_and_is_signed(seed_report: dict) -> None:  # type: ignore[type-arg]
    validate(seed_report)
    assert seed_report["signature"]["model"] == DEFAULT_MODEL
    assert seed_report["signature"]["thresholds"]


def test_paragraphs_title_to_nothing_then_one_to_one(seed_report: dict) -> None:  # type: ignore[type-arg]
    pairs = [(b["source"], b["target"]) for b in seed_report["paragraph_alignment"]]
    assert pairs == [([0], [])] + [([i + 1], [i]) for i in range(5)]


def test_title_is_an_omission(seed_report: dict) -> None:  # type: ignore[type-arg]
    om = [f for f in seed_report["findings"] if f["kind"] == "omission"]
    assert [(f["source"], f["target"]) for f in om] == [([0], [])]


def test_calque_is_the_top_drift_finding_with_its_two_words(seed_report: dict) -> None:  # type: ignore[type-arg]
    """#13's seed target (session 18, occlusion "refine"): the calque sentence is the first
    drift finding and its target span is exactly the two words."""
    target = seed_report["target"]["sentences"]
    calque = next(s["id"] for s in target if "politseisse panna" in s["text"])
    drift = [f for f in seed_report["findings"] if f["kind"] in ("drift", "partial_addition",
                                                                 "partial_omission")]
    assert drift and calque in drift[0]["target"], [(f["target"], f["score"]) for f in drift]
    marked = [target[s]["text"][a:b] for s, a, b in drift[0]["target_spans"] if s == calque]
    assert marked == ["politseisse panna"], marked


def test_batch_with_the_word_tagger_tags_once(tmp_path: Path) -> None:
    """`batch --word-tagger` gives every bead its tagged words; a rerun over the same text
    (reports not reused: a new output folder) reads the tags from the cache and loads no
    model."""
    import shutil

    from qa_pipeline.detect import cross_tagger, tagger
    from qa_pipeline.models import is_pulled, models_dir

    if not is_pulled(DEFAULT_MODEL):
        pytest.skip(f"{DEFAULT_MODEL} is not installed")
    root = Path(__file__).resolve().parents[2] / "corpora"
    corpora = tmp_path / "corpora"
    shutil.copytree(root / "customer-loyalty", corpora / "customer-loyalty")
    (tmp_path / "cache").mkdir()  # a fresh cache, the installed models
    (tmp_path / "cache" / "models").symlink_to(models_dir())
    env = {"QA_PIPELINE_CACHE": str(tmp_path / "cache")}
    runs = []
    for out in ("first", "second"):
        tagger.clear_memo()  # as in a new process: only the on-disk cache carries over
        cross_tagger._MEMO.clear()
        res = CliRunner().invoke(app, ["batch", str(corpora), "--out", str(tmp_path / out),
                                       "--word-tagger", "--fail-on", "none", "--quiet"],
                                 env=env)
        assert res.exit_code == 0, res.output
        report = json.loads((tmp_path / out / "customer-loyalty" / "lt-et" / "report.json")
                            .read_text(encoding="utf-8"))
        summary = json.loads((tmp_path / out / "summary.json").read_text(encoding="utf-8"))
        runs.append((report, summary))
    (first, s1), (second, s2) = runs
    assert "tagger" in first["signature"]["drift_model"]
    assert all(b.get("words") for b in first["alignment"] if b["source"] and b["target"])
    assert [b["drift"] for b in first["alignment"]] == [b["drift"] for b in second["alignment"]]
    assert s1["run"]["model_loaded"] and not s2["run"]["model_loaded"]
