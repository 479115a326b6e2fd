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


def test_a_pair_gets_one_line_with_one_estimate(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Both sides of a pair above the limit: one line naming both and one estimate, from the
    larger side (the time per MB was measured per MB of one side of a pair); the word tagger
    roughly doubles it, and the line says so when it is on."""
    lt, et = tmp_path / "lt.txt", tmp_path / "et.txt"
    lt.write_text("Labas. " * 3000, "utf-8")  # 21,000 bytes
    et.write_text("Tere. " * 3000, "utf-8")  # 18,000 bytes
    monkeypatch.setattr(C, "LARGE_INPUT_BYTES", 10_000)
    monkeypatch.setattr(C, "CPU_SECONDS_PER_MB", 60_000.0)  # 1,000 minutes per MB
    (line,) = large_input_warnings([lt, et], C.DEFAULT_MODEL)
    assert f"{lt} is 0.0 MB, {et} is 0.0 MB" in line and "a pair this size" in line
    assert line.count("about") == 1 and "about 21 minutes" in line
    assert "word-tagger" not in line
    (tagged,) = large_input_warnings([lt, et], C.DEFAULT_MODEL, word_tagger=True)
    assert "about 38 minutes" in tagged and "--word-tagger roughly doubles" in tagged
    (other,) = large_input_warnings([lt, et], "hash", word_tagger=True)
    assert other.count("about") == 1 and "about 38 minutes" in other
    # An n-way check aligns each translation to one other text: once per pair.
    lv = tmp_path / "lv.txt"
    lv.write_text("Labdien. " * 1000, "utf-8")
    (nway,) = large_input_warnings([lt, et, lv], C.DEFAULT_MODEL)
    assert "an n-way check of 3 texts" in nway and "about 42 minutes" in nway
    assert str(lv) not in nway  # under the limit: not named


def test_check_warns_once_with_the_word_tagger(tmp_path: Path, isolated_cache: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(C, "LARGE_INPUT_BYTES", 100)
    res = runner.invoke(app, ["check", str(SEEDS / "lt.txt"), str(SEEDS / "et.txt"),
                              "--model", "hash", "--out", str(tmp_path / "r"), "--quiet",
                              "--fail-on", "none", "--word-tagger"])
    assert res.exit_code == 0, res.output
    (line,) = [line for line in res.output.splitlines() if "warning:" in line]
    assert "lt.txt" in line and "et.txt" in line and "--word-tagger roughly doubles" in line


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
