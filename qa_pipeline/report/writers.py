"""The writers registry: one module per output, one line each in WRITERS."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..io import json_report
from . import exports, render
from .output import ReportOutput, WriterSpec

WRITERS: dict[str, WriterSpec] = {spec.name: spec for spec in (
    json_report.WRITER,
    render.WRITER,
    exports.CSV_WRITER,
    exports.XLSX_WRITER,
)}


def write_report(data: Mapping[str, Any], folder: Path,
                 names: Iterable[str] | None = None) -> list[Path]:
    """Write every registered output (or the named ones) of one report into `folder`."""
    out = ReportOutput(data)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names if names is not None else WRITERS:
        spec = WRITERS[name]
        spec.write(out, folder / spec.filename)
        paths.append(folder / spec.filename)
    return paths


__all__ = ["WRITERS", "ReportOutput", "WriterSpec", "write_report"]
