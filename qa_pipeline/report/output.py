"""What a writer is: the spec it registers and the ReportOutput every writer reads."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ReportOutput:
    """One validated report dict, with what several writers derive from it computed once."""

    data: Mapping[str, Any]
    # In a batch: the index page's address relative to the report ("../../index.html").
    index: str = ""
    # Whether `data` was checked against its schema already (`writers.write_report` does it
    # once: on a 2,000-bead report each check costs a second).
    checked: bool = False

    @property
    def nway(self) -> bool:
        return "translations" in self.data

    @cached_property
    def records(self) -> list[dict[str, Any]]:
        """One flat row per finding, in report order (the CSV and XLSX rows)."""
        from .exports import finding_records, nway_records

        return (nway_records(self.data, self.checked) if self.nway
                else finding_records(self.data, self.checked))

    @cached_property
    def columns(self) -> tuple[str, ...]:
        """The records' keys, in column order."""
        from .exports import COLUMNS, nway_columns

        return nway_columns(self.data) if self.nway else COLUMNS


@dataclass(frozen=True)
class WriterSpec:
    """A registered output: `write(output, path)` writes `filename` inside the report folder."""

    name: str
    filename: str
    write: Callable[[ReportOutput, Path], None]


# --------------------------------------------------------------------------- batch outputs


@dataclass(frozen=True)
class PairResult:
    """One document pair of a batch run: where its report is and the report dict (None with
    `error` when the pipeline could not process it)."""

    document: str
    source_lang: str
    target_lang: str
    folder: str  # the pair's report folder, relative to the batch's output folder
    source_path: str
    target_path: str
    source_sha256: str
    target_sha256: str
    report: Mapping[str, Any] | None
    error: str = ""
    # What the report was computed from (inputs, settings, model, tool version): a rerun
    # whose key matches reuses the report instead of recomputing it.
    input_key: str = ""
    # n-way: every translation as (language, path, sha256); target_* is the first of them
    targets: tuple[tuple[str, str, str], ...] = ()

    @property
    def nway(self) -> bool:
        return bool(self.targets)

    @property
    def pair(self) -> str:
        return f"{self.source_lang}-{self.target_lang}"


@dataclass(frozen=True)
class MissingSide:
    """A document folder without a file for one configured language: a warning, not silence."""

    document: str
    lang: str
    message: str


@dataclass(frozen=True)
class BatchOutput:
    """Everything the batch-level writers (index, summary, JUnit) read, in document order.
    `run` holds what changes from run to run (timings, cache hits, executor)."""

    pairs: tuple[PairResult, ...]
    missing: tuple[MissingSide, ...]
    fail_on: str
    run: Mapping[str, Any]

    @cached_property
    def summary(self) -> dict[str, Any]:
        from .summary import build_summary

        return build_summary(self)


@dataclass(frozen=True)
class BatchWriterSpec:
    """A registered batch output: `write(output, path)` writes `filename` in the reports folder."""

    name: str
    filename: str
    write: Callable[[BatchOutput, Path], None]
