"""The one place defaults live; the CLI reads its option defaults from here."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

FailOn = Literal["critical", "major", "minor", "none"]

DEFAULT_MODEL = "multilingual-e5-small"
DEFAULT_SRC_LANG = "lt"
DEFAULT_TGT_LANG = "et"
DEFAULT_FAIL_ON: FailOn = "major"
DEFAULT_BATCH_SIZE = 32
REPORT_SCHEMA = "qa_pipeline.report/1"

SEVERITY_RANK = {"minor": 1, "major": 2, "critical": 3}
FAIL_ON_RANK = {"none": 99, **SEVERITY_RANK}


class FailOnChoice(StrEnum):
    critical = "critical"
    major = "major"
    minor = "minor"
    none = "none"


class AlignFormat(StrEnum):
    json = "json"
    beads = "beads"


@dataclass(frozen=True)
class Config:
    model: str = DEFAULT_MODEL
    src_lang: str = DEFAULT_SRC_LANG
    tgt_lang: str = DEFAULT_TGT_LANG
    fail_on: FailOn = DEFAULT_FAIL_ON
    segmented: bool = False
    device: str | None = None
    batch_size: int = DEFAULT_BATCH_SIZE
    use_cache: bool = True
    spans: bool = True  # span attribution for flagged beads (costs extra embedding calls)
    checks: tuple[str, ...] | None = None  # mechanical checks to run; None = all
    extra: dict[str, str] = field(default_factory=dict)
