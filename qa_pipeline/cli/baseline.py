"""`baseline update` / `baseline import`: the accepted findings CI no longer fails on."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .. import config as C
from ..errors import InputError
from .common import guard, warn

ReportsOpt = Annotated[Path, typer.Option("--reports", help="the last batch run's output folder",
                                          readable=False)]
BaselineOpt = Annotated[Path | None, typer.Option(
    "--baseline", help=f"baseline file (default CORPORA/{C.BASELINE_FILE})", readable=False)]


def baseline_update(
    corpora: Annotated[Path, typer.Argument(help="the corpus folder", readable=False)] = Path(
        C.DEFAULT_CORPORA),
    reports: ReportsOpt = Path(C.DEFAULT_REPORTS),
    baseline_file: BaselineOpt = None,
    prune: Annotated[bool, typer.Option(
        "--prune", help="list and drop entries no longer produced")] = False,
) -> None:
    """Accept every finding of the last batch run (REPORTS) into CORPORA/qa-baseline.json."""
    from ..baseline import load_baseline, read_reports, update, write_baseline

    path = baseline_file or corpora / C.BASELINE_FILE
    with guard():
        if not corpora.is_dir():  # the first problem: the baseline is written there
            raise InputError(f"{corpora}: no such corpus folder")
        old = load_baseline(path)
        run = read_reports(reports, corpora)
        gone = {e.document for e in old.entries if not (corpora / e.document).is_dir()}
        new, added, stale = update(old, run.pairs, prune, gone)
        write_baseline(new, path)
    for document, pair, error in run.unchecked:
        warn(f"{document} {pair} was not checked by the last run ({error}); its findings are "
             "not in the baseline and its entries are kept")
    for entry in stale:
        what = "removed" if prune else "stale"
        typer.echo(f"{what}: {entry.document} {entry.pair} {entry.kind} {entry.fingerprint}  "
                   f"{entry.target}", err=True)
    typer.echo(f"{path}: {len(new.entries)} entries ({len(added)} added, {len(stale)} "
               f"{'pruned' if prune else 'stale; --prune drops them'})", err=True)


def baseline_import(
    marks: Annotated[Path, typer.Argument(help="review marks saved from a report page",
                                          readable=False)],
    corpora: Annotated[Path, typer.Option("--corpora", help="the corpus folder",
                                          readable=False)] = Path(
        C.DEFAULT_CORPORA
    ),
    reports: ReportsOpt = Path(C.DEFAULT_REPORTS),
    baseline_file: BaselineOpt = None,
) -> None:
    """Fold review marks ("accepted", "false positive") into the baseline."""
    import json

    from ..baseline import import_marks, load_baseline, read_reports, write_baseline
    from ..report.review import load_review_marks, review_report_paths

    path = baseline_file or corpora / C.BASELINE_FILE
    with guard():
        if not corpora.is_dir():  # the first problem: the baseline is written there
            raise InputError(f"{corpora}: no such corpus folder")
        table = load_review_marks(marks)
        src, tgt = review_report_paths(json.loads(marks.read_text(encoding="utf-8")))
        # Marks against reports of text that has changed since would accept the wrong things.
        new, added = import_marks(load_baseline(path), table, src, tgt,
                                  read_reports(reports, corpora).pairs)
        write_baseline(new, path)
    typer.echo(f"{path}: {len(added)} marks imported; {len(new.entries)} entries", err=True)
