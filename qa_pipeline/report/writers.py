"""The writers registry: one module per output, one line each in WRITERS."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import OutputError
from ..io import json_report
from . import exports, junit, render, summary
from .output import BatchOutput, BatchWriterSpec, ReportOutput, WriterSpec

WRITERS: dict[str, WriterSpec] = {spec.name: spec for spec in (
    json_report.WRITER,
    render.WRITER,
    exports.CSV_WRITER,
    exports.XLSX_WRITER,
)}


# Every file a report folder may hold: a new report replaces them all, so an n-way report does
# not sit beside an earlier pairwise run's findings.csv.
REPORT_FILES: frozenset[str] = frozenset(
    {spec.filename for spec in WRITERS.values()} | {"report.json", "report.html"})


# Outputs of a whole batch run, written into the reports folder after every pair's.
BATCH_WRITERS: dict[str, BatchWriterSpec] = {spec.name: spec for spec in (
    render.INDEX_WRITER,
    summary.WRITER,
    junit.WRITER,
)}


def write_batch(out: BatchOutput, folder: Path) -> list[Path]:
    """Write every registered batch output into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for spec in BATCH_WRITERS.values():
        spec.write(out, folder / spec.filename)
        paths.append(folder / spec.filename)
    return paths


def write_report(data: Mapping[str, Any], folder: Path | str,
                 names: Iterable[str] | None = None, index: str = "") -> list[Path]:
    """Write every registered output (or the named ones) of one report into `folder`;
    `index`, in a batch, is the index page relative to the folder (a link back to it).
    The report is checked against its schema here, once for all of them."""
    from .view import check_report

    check_report(data)
    folder = Path(folder)  # a str folder, as `run` takes str paths
    out = ReportOutput(data, index, checked=True)
    paths = []
    with _writing(folder):
        for name in names if names is not None else WRITERS:
            spec = WRITERS[name]
            spec.write(out, folder / spec.filename)
            paths.append(folder / spec.filename)
    return paths


@contextmanager
def _writing(folder: Path) -> Iterator[None]:
    """The folder made; a file that cannot be written there is an OutputError naming it (the
    command line writes into a fresh folder and moves it in whole: `io/move_in.py`)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        yield
    except OSError as e:
        raise OutputError(f"{e.filename or folder}: cannot write the report there "
                          f"({e.strerror or e})") from None


def write_nway_report(data: Mapping[str, Any], folder: Path, index: str = "") -> list[Path]:
    """An n-way report (schema qa_pipeline.nway/1): report.json, the multi-column
    report.html, and its findings as CSV and XLSX (a column group per text)."""
    from ..io.nway_json import validate_nway

    validate_nway(dict(data))  # once for every file
    paths = [folder / "report.json", folder / "report.html"]
    with _writing(folder):
        json_report.write_json(data, paths[0])
        paths[1].write_text(render.render_nway_html(data, index), encoding="utf-8")
        out = ReportOutput(data, index, checked=True)
        for spec in (exports.CSV_WRITER, exports.XLSX_WRITER):
            spec.write(out, folder / spec.filename)
            paths.append(folder / spec.filename)
    return paths


__all__ = ["BATCH_WRITERS", "REPORT_FILES", "WRITERS", "BatchOutput", "BatchWriterSpec",
           "ReportOutput", "WriterSpec", "write_batch", "write_nway_report", "write_report"]
