"""Review marks: the JSON a reviewer downloads from the HTML report, read back by the batch.

Format (schema ``qa_pipeline.review/1``)::

    {"schema": "qa_pipeline.review/1",
     "report": {"source": "<source path>", "target": "<target path>"},
     "marks": {"<12-hex finding id>": "accepted" | "false_positive"}}

Extra top-level keys (e.g. ``"saved"``, a timestamp the page adds) are allowed and ignored,
so later versions of the page can add context without breaking older readers.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from qa_pipeline.errors import InputError

REVIEW_SCHEMA = "qa_pipeline.review/1"
REVIEW_STATES: tuple[str, ...] = ("accepted", "false_positive")
_FINDING_ID = re.compile(r"^[0-9a-f]{12}(-[0-9]+)?$")  # "-n" when two checks share an id


def parse_review_marks(data: Any, where: str = "review marks") -> dict[str, str]:
    """Validate a decoded review-marks document and return {finding_id: state}."""
    if not isinstance(data, dict):
        raise InputError(f"{where}: expected a JSON object with schema {REVIEW_SCHEMA!r}")
    if data.get("schema") != REVIEW_SCHEMA:
        raise InputError(f"{where}: schema is {data.get('schema')!r}, expected "
                         f"{REVIEW_SCHEMA!r}; download the marks again from the report page")
    report = data.get("report")
    if not (isinstance(report, dict) and isinstance(report.get("source"), str)
            and isinstance(report.get("target"), str)):
        raise InputError(f"{where}: 'report' must be {{\"source\": path, \"target\": path}}")
    marks = data.get("marks")
    if not isinstance(marks, dict):
        raise InputError(f"{where}: 'marks' must be an object of finding id -> state")
    out: dict[str, str] = {}
    for fid, state in marks.items():
        if not _FINDING_ID.match(fid):
            raise InputError(f"{where}: {fid!r} is not a finding id "
                             "(12 lowercase hex digits, optionally -N)")
        if state not in REVIEW_STATES:
            raise InputError(f"{where}: finding {fid} has state {state!r}; expected one of "
                             f"{', '.join(REVIEW_STATES)}")
        out[fid] = state
    return out


def review_report_paths(data: Any) -> tuple[str, str]:
    """(source path, target path) the marks were made on; call after `parse_review_marks`."""
    return str(data["report"]["source"]), str(data["report"]["target"])


def load_review_marks(path: Path) -> dict[str, str]:
    """Read and validate a review-marks file; raises InputError naming the file on any problem."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read review marks ({exc.strerror})") from exc
    except UnicodeDecodeError:
        raise InputError(f"{path}: not review marks (not UTF-8 text); save them from a report "
                         "page") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from exc
    return parse_review_marks(data, str(path))
