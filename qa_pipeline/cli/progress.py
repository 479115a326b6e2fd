"""The CLI's progress display: a rich bar per stage on a terminal, plain lines in a log or CI
job, nothing when quiet. The library reports progress through callbacks; only the CLI shows it."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import typer


def line_progress(write: Callable[[str], None],
                  steps: int = 10) -> Callable[[str, int, int], None]:
    """Progress as plain lines: each stage at its start, at every tenth of its total and at
    its end ("align: 3800/38000 (10%)"); a count that goes back starts the stage again."""
    shown: dict[str, int] = {}
    last: dict[str, int] = {}

    def update(stage: str, done: int, total: int) -> None:
        step = steps * done // max(total, 1)
        if done < last.get(stage, 0):
            shown.pop(stage, None)
        last[stage] = done
        if shown.get(stage, -1) < step:
            shown[stage] = step
            write(f"{stage}: {done}/{total} ({100 * done // max(total, 1)}%)")

    return update


@contextlib.contextmanager
def progress_display(quiet: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A rich progress bar per stage on stderr, plain lines (`line_progress`) when stderr is
    not a terminal; nothing when quiet."""
    if quiet:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    if not console.is_terminal:  # a log or a CI job: plain lines, not a redrawn bar
        yield line_progress(lambda line: typer.echo(line, err=True))
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    ) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=max(total, 1))
            bar.update(tasks[stage], completed=done, total=max(total, 1))

        yield update
