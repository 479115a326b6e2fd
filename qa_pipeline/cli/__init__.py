"""Thin typer CLI: parse options into Config, call the library, write outputs, map exit codes.

One module per command (`check`, `align`, `batch`) or command group (`baseline`, `cache`,
`models`); what they share (option types, the options -> Config mapping, the error guard) is
in `common`, the progress display in `progress` and the atomic output folders in `outdir`.
This module only assembles the app.
"""

from __future__ import annotations

import contextlib
import os
import signal
import traceback
from typing import Annotated, Literal

import typer

from ..errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_TERMINATED, Terminated
from . import align, baseline, batch, cache, check, models
from .check import large_input_warnings, write_outputs
from .common import err

# Set, an unexpected error shows its traceback instead of one line.
DEBUG_ENV = "QA_PIPELINE_DEBUG"
# Markdown mode reflows a docstring's paragraphs to the terminal; rich mode kept its line breaks.
HELP_MARKUP: Literal["markdown"] = "markdown"

HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}

app = typer.Typer(
    rich_markup_mode=HELP_MARKUP,
    add_completion=False,
    no_args_is_help=True,
    context_settings=HELP_OPTIONS,
    help="Find where two translations of the same text disagree in meaning.",
)


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"qa-pipeline {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True,
        help="print the version and exit")] = False) -> None:
    """Find where two translations of the same text disagree in meaning."""


app.command()(check.check)
app.command()(align.align)
app.command()(batch.batch)

models_app = typer.Typer(no_args_is_help=True, rich_markup_mode=HELP_MARKUP,
                         context_settings=HELP_OPTIONS,
                         help="List and install the offline models.")
models_app.command("list")(models.models_list)
models_app.command("pull")(models.models_pull)
app.add_typer(models_app, name="models")

baseline_app = typer.Typer(no_args_is_help=True, rich_markup_mode=HELP_MARKUP,
                           context_settings=HELP_OPTIONS,
                           help="The accepted-findings baseline: what CI no longer fails on.")
baseline_app.command("update")(baseline.baseline_update)
baseline_app.command("import")(baseline.baseline_import)
app.add_typer(baseline_app, name="baseline")

cache_app = typer.Typer(no_args_is_help=True, rich_markup_mode=HELP_MARKUP,
                        context_settings=HELP_OPTIONS,
                        help="The embedding cache.")
cache_app.command("stats")(cache.cache_stats)
cache_app.command("prune")(cache.cache_prune)
app.add_typer(cache_app, name="cache")


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM (a cancelled CI job, `docker stop`): raised as `Terminated` where the program
    is, so the paths that clean up after Ctrl-C run; a second one while they do is ignored."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise Terminated()


def main() -> None:
    with contextlib.suppress(ValueError):  # not the main thread: no handler of ours
        signal.signal(signal.SIGTERM, _terminate)
    try:
        app()
    except KeyboardInterrupt as e:  # outside a command's guard
        if isinstance(e, Terminated):
            err("terminated")
            raise SystemExit(EXIT_TERMINATED) from None
        err("interrupted")
        raise SystemExit(EXIT_INTERRUPTED) from None
    except Exception as e:  # a bug: one line, its own exit code (1 would read as findings)
        if os.environ.get(DEBUG_ENV):  # the traceback, then still 3: never 1, findings
            traceback.print_exc()
            err(f"internal error: {type(e).__name__}: {e} (a bug in qa-pipeline: please report "
                "it with the traceback above)")
        else:
            err(f"internal error: {type(e).__name__}: {e} (a bug in qa-pipeline: please report "
                f"it; {DEBUG_ENV}=1 shows the traceback)")
        raise SystemExit(EXIT_INTERNAL) from None
    finally:
        # The command has finished and written its outputs (or said why not); a Ctrl-C or
        # SIGTERM during the interpreter's teardown (torch's, about half a second) would only
        # print a traceback of Python's own and turn the exit code into 1.
        with contextlib.suppress(ValueError):  # not the main thread
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)


__all__ = ["app", "large_input_warnings", "main", "write_outputs"]
