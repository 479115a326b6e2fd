"""`batch`: every document of a corpus folder, with reuse, a baseline and CI outputs."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from .. import config as C
from ..errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from . import common as opt
from .common import embedded_line, err, guard, note, warn
from .outdir import check_writable
from .progress import progress_display

ExecutorOpt = Annotated[C.ExecutorChoice, typer.Option(
    "--executor", help="local: this process; processes: a local dask cluster; dask: --scheduler")]


# batch flags -> BatchConfig/Config fields; only the flags actually given override the file.
_BATCH_FLAGS: dict[str, str] = {
    "src_lang": "src_lang", "tgt_lang": "tgt_langs", "segmented": "segmented", "model": "model",
    "fail_on": "fail_on", "device": "device", "precision": "precision",
    "batch_size": "batch_size",
    "no_cache": "use_cache", "executor": "executor", "scheduler": "scheduler",
    "workers": "workers", "nway": "nway", "word_tagger": "word_tagger",
}


def _given(ctx: typer.Context, values: dict[str, Any]) -> dict[str, Any]:
    """{field: value} for the batch flags given on the command line."""
    out: dict[str, Any] = {}
    for param, fld in _BATCH_FLAGS.items():
        # By name: typer may carry its own copy of click's ParameterSource enum.
        source = ctx.get_parameter_source(param)
        if getattr(source, "name", "") not in ("COMMANDLINE", "ENVIRONMENT"):
            continue
        v = values[param]
        if param == "no_cache":
            v = not v
        elif param == "tgt_lang":
            v = tuple(v)
        elif isinstance(v, Enum):
            v = v.value
        out[fld] = v
    if "scheduler" in out and "executor" not in out:
        out["executor"] = C.ExecutorChoice.dask.value
    return out


# How many failing pairs the last lines of a run name (the rest: index.html).
FAILING_LISTED = 10


def batch(
    ctx: typer.Context,
    corpora: Annotated[Path, typer.Argument(help="folder of document folders",
                                            readable=False)] = Path(
        C.DEFAULT_CORPORA
    ),
    out: Annotated[Path, typer.Option("--out", "-o", help="reports folder", readable=False)] = Path(
        C.DEFAULT_REPORTS
    ),
    src_lang: Annotated[str, typer.Option(
        "--src-lang", help="source language code")] = C.DEFAULT_SRC_LANG,
    tgt_lang: Annotated[list[str], typer.Option(
        "--tgt-lang", help="target language code; repeat for several")] = [C.DEFAULT_TGT_LANG],  # noqa: B006
    segmented: opt.SegOpt = False,
    model: opt.ModelOpt = C.DEFAULT_MODEL,
    fail_on: opt.FailOnOpt = C.FailOnChoice(C.DEFAULT_FAIL_ON),
    device: opt.DeviceOpt = C.DEFAULT_DEVICE,
    precision: opt.PrecisionOpt = C.PrecisionChoice(C.DEFAULT_PRECISION),
    batch_size: opt.BatchOpt = C.DEFAULT_BATCH_SIZE,
    no_cache: opt.NoCacheOpt = False,
    quiet: opt.QuietOpt = False,
    config_file: Annotated[Path | None, typer.Option(
        "--config", help=f"settings file (default CORPORA/{C.CONFIG_FILE}, else "
        f"[tool.{C.PYPROJECT_TABLE}] in the pyproject.toml beside CORPORA)",
        readable=False)] = None,
    baseline_file: Annotated[Path | None, typer.Option(
        "--baseline", help=f"accepted findings (default CORPORA/{C.BASELINE_FILE})",
        readable=False)] = None,
    executor: ExecutorOpt = C.ExecutorChoice(C.DEFAULT_EXECUTOR),
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="dask scheduler address, tcp://HOST:PORT (implies --executor dask)"
    )] = None,
    workers: Annotated[int, typer.Option(
        "--workers", min=1, help="worker processes for --executor processes")] = C.DEFAULT_WORKERS,
    nway: Annotated[bool, typer.Option(
        "--nway/--no-nway", help="with two or more targets: one n-way check per document "
        "(the default) or one pairwise check per target")] = True,
    word_tagger: opt.WordTaggerOpt = None,
) -> None:
    """Check every CORPORA/DOC/{SRC,TGT}.txt pair; write OUT/DOC/SRC-TGT/, OUT/index.html,
    OUT/summary.json and OUT/junit.xml. Exit 1 on a new finding at or above --fail-on.

    With two or more targets each document gets one n-way check (OUT/DOC/SRC-TGT1+TGT2/,
    schema qa_pipeline.nway/1) whose findings name the translation that drifted.

    An option not given takes the settings file's value (CORPORA/qa.toml, else
    [tool.qa_pipeline] in the pyproject.toml beside CORPORA); the defaults shown below apply
    where the file has none."""
    from ..baseline import load_baseline
    from ..batch.run import run_batch
    from ..batch.settings import resolve, settings_file

    values = dict(src_lang=src_lang, tgt_lang=tgt_lang, segmented=segmented, model=model,
                  fail_on=fail_on, device=device, precision=precision, batch_size=batch_size,
                  no_cache=no_cache,
                  executor=executor, scheduler=scheduler, workers=workers, nway=nway,
                  word_tagger=word_tagger)
    with guard("the reports of the documents already checked are kept; the index, "
                "summary and junit.xml were not written"):
        file_values, settings_path = settings_file(corpora, config_file)
        bc = resolve(file_values, _given(ctx, values), settings_path)
        check_writable(out)
        if bc.nway and bc.config.drift.word_tagger:  # said once, like check's n-way note
            from ..nway.pipeline import WORD_TAGGER_NOTE

            note(WORD_TAGGER_NOTE)
        baseline = load_baseline(baseline_file or corpora / C.BASELINE_FILE)
        with progress_display(quiet) as progress:
            result = run_batch(bc, corpora, out, baseline, progress, warn=warn)
    summary = result.summary
    for m in result.missing:
        warn(m.message)
    for p in result.pairs:
        if p.error:
            err(p.error)
    t, run = summary["totals"], summary["run"]
    # Which pairs fail the gate, worst first, so a CI log says where to look.
    fails = sorted((p for p in summary["pairs"] if p["status"] == "fail"),
                   key=lambda p: (-p["failing"], p["document"]))
    for p in fails[:FAILING_LISTED]:
        typer.echo(f"failing: {p['document']} {p['source_lang']}-{p['target_lang']}: "
                   f"{p['failing']} new at or above {bc.config.fail_on} "
                   f"({out / p['report'].rsplit('/', 1)[0] / 'report.html'})", err=True)
    if len(fails) > FAILING_LISTED:
        typer.echo(f"failing: {len(fails) - FAILING_LISTED} more pair(s); see "
                   f"{out / 'index.html'}", err=True)
    errors = f"; {t['errors']} could not be checked" if t["errors"] else ""
    embedded = embedded_line(run["cache"]["hits"], run["cache"]["misses"],
                             bc.config.use_cache, run["model_loaded"])
    typer.echo(
        f"{t['pairs']} document pair(s): {t['findings']} findings, {t['new']} new, "
        f"{t['baselined']} baselined; {t['failing']} new at or above {bc.config.fail_on}"
        f"{errors}\n"
        f"{embedded}; {run['seconds']:.1f} s\n"
        f"wrote {out / 'index.html'}, {out / 'summary.json'}, {out / 'junit.xml'}",
        err=True,
    )
    if t["errors"]:
        raise typer.Exit(EXIT_USAGE)
    if t["failing"]:
        raise typer.Exit(EXIT_FINDINGS)
    raise typer.Exit(EXIT_OK)
