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


def test_calque_is_a_top_two_drift_finding_with_spans(seed_report: dict) -> None:  # type: ignore[type-arg]
    target = seed_report["target"]["sentences"]
    calque = next(s["id"] for s in target if "politseisse panna" in s["text"])
    drift = [f for f in seed_report["findings"] if f["kind"] in ("drift", "partial_addition",
                                                                 "partial_omission")]
    top2 = drift[:2]
    hit = [f for f in top2 if calque in f["target"]]
    assert hit, [(f["target"], f["score"]) for f in drift[:5]]
    covered = "".join(target[s]["text"][a:b] + " " for s, a, b in hit[0]["target_spans"]
                      if s == calque)
    assert "politseisse" in covered and "panna" in covered, covered
