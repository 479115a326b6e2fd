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

    @cached_property
    def records(self) -> list[dict[str, Any]]:
        """One flat row per finding, in report order (the CSV and XLSX rows)."""
        from .exports import finding_records

        return finding_records(self.data)


@dataclass(frozen=True)
class WriterSpec:
    """A registered output: `write(output, path)` writes `filename` inside the report folder."""

    name: str
    filename: str
    write: Callable[[ReportOutput, Path], None]
