"""Review marks: the JSON the report page downloads and the batch baseline reads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from qa_pipeline.errors import InputError
from qa_pipeline.report import REVIEW_SCHEMA, load_review_marks

GOOD: dict[str, Any] = {
    "schema": REVIEW_SCHEMA,
    "report": {"source": "a/lt.txt", "target": "a/et.txt"},
    "saved": "2024-01-01T00:00:00.000Z",
    "marks": {"a1b2c3d4e5f6": "accepted", "0f1e2d3c4b5a": "false_positive"},
}


def write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "marks.review.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_valid_marks_load(tmp_path: Path) -> None:
    assert load_review_marks(write(tmp_path, GOOD)) == GOOD["marks"]


def test_empty_marks_are_valid(tmp_path: Path) -> None:
    assert load_review_marks(write(tmp_path, {**GOOD, "marks": {}})) == {}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{not json", "not valid JSON"),
        ([], "JSON object"),
        ({**GOOD, "schema": "qa_pipeline.review/2"}, "schema"),
        ({k: v for k, v in GOOD.items() if k != "schema"}, "schema"),
        ({**GOOD, "report": "a/lt.txt"}, "'report'"),
        ({**GOOD, "marks": ["a1b2c3d4e5f6"]}, "'marks'"),
        ({**GOOD, "marks": {"A1B2C3D4E5F6": "accepted"}}, "not a finding id"),
        ({**GOOD, "marks": {"a1b2c3": "accepted"}}, "not a finding id"),
        ({**GOOD, "marks": {"a1b2c3d4e5f6": "ignored"}}, "state"),
    ],
)
def test_invalid_marks_fail_with_the_file_name(tmp_path: Path, data: Any, message: str) -> None:
    path = write(tmp_path, data)
    with pytest.raises(InputError, match=message) as info:
        load_review_marks(path)
    assert str(path) in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_review_marks(tmp_path / "nope.json")


def test_ids_deduplicated_by_the_writer_are_valid(tmp_path: Path) -> None:
    marks = {"a1b2c3d4e5f6": "accepted", "a1b2c3d4e5f6-1": "false_positive"}
    assert load_review_marks(write(tmp_path, {**GOOD, "marks": marks})) == marks
