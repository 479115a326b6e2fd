"""Large inputs: a warning with the expected CPU time above LARGE_INPUT_BYTES, an exit-2
error naming the file and the fix above MAX_INPUT_BYTES (limits from config.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from qa_pipeline import config as C
from qa_pipeline.cli import app, large_input_warnings

runner = CliRunner()
SEEDS = Path(__file__).resolve().parents[2] / "corpora" / "customer-loyalty"


def test_warning_names_the_file_and_the_expected_time(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.txt"
    big.write_text("Labas. " * 3000, "utf-8")  # 21 kB
    assert large_input_warnings([big, SEEDS / "lt.txt"], C.DEFAULT_MODEL) == []
    monkeypatch.setattr(C, "LARGE_INPUT_BYTES", 10_000)
    monkeypatch.setattr(C, "CPU_SECONDS_PER_MB", 6000.0)  # 100 minutes per MB
    (line,) = large_input_warnings([big, SEEDS / "lt.txt", tmp_path / "missing.txt"],
                                   C.DEFAULT_MODEL)
    assert str(big) in line and "0.0 MB" in line and "about 2 minutes" in line


def test_check_warns_and_still_runs(tmp_path: Path, isolated_cache: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(C, "LARGE_INPUT_BYTES", 100)
    res = runner.invoke(app, ["check", str(SEEDS / "lt.txt"), str(SEEDS / "et.txt"),
                              "--model", "hash", "--out", str(tmp_path / "r"), "--quiet",
                              "--fail-on", "none"])
    assert res.exit_code == 0, res.output
    assert "warning:" in res.output and "lt.txt" in res.output
    assert (tmp_path / "r" / "report.json").is_file()


def test_above_the_limit_is_exit_2_naming_the_file(tmp_path: Path, isolated_cache: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from qa_pipeline.io import text

    monkeypatch.setattr(text, "MAX_BYTES", 1000)
    res = runner.invoke(app, ["check", str(SEEDS / "lt.txt"), str(SEEDS / "et.txt"),
                              "--model", "hash", "--out", str(tmp_path / "r"), "--quiet"])
    assert res.exit_code == 2
    assert "lt.txt" in res.output and "MB limit" in res.output and "split" in res.output
    assert not (tmp_path / "r").exists()
