"""The one place defaults live; the CLI reads its option defaults from here."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from .align.params import AlignParams
from .detect.params import DriftParams
from .types import SEVERITY_RANK

FailOn = Literal["critical", "major", "minor", "none"]

DEFAULT_MODEL = "multilingual-e5-small"
DEFAULT_SRC_LANG = "lt"
DEFAULT_TGT_LANG = "et"
DEFAULT_FAIL_ON: FailOn = "major"
DEFAULT_BATCH_SIZE = 32
REPORT_SCHEMA = "qa_pipeline.report/1"

# A run fails (exit 1) when its worst finding's rank reaches this; "none" never fails.
FAIL_ON_RANK: dict[str, int] = {"none": max(SEVERITY_RANK.values()) + 1, **SEVERITY_RANK}


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
    tsv_header: bool | None = None  # a TSV's first row is a header; None: detect it
    device: str | None = None
    batch_size: int = DEFAULT_BATCH_SIZE
    use_cache: bool = True
    checks: tuple[str, ...] | None = None  # mechanical checks to report; None = all
    align: AlignParams = field(default_factory=AlignParams)
    drift: DriftParams = field(default_factory=DriftParams)
