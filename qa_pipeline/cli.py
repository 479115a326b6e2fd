"""Thin typer CLI: parse options into Config, call the pipeline, write outputs, map exit codes."""

from __future__ import annotations

import contextlib
import dataclasses
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from . import config as C
from .cli_outdir import atomic_dir, check_writable
from .cli_progress import progress_display
from .errors import (
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    QAError,
)

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Find where two translations of the same text disagree in meaning.",
)
models_app = typer.Typer(no_args_is_help=True, help="List and install the offline models.")
app.add_typer(models_app, name="models")
baseline_app = typer.Typer(no_args_is_help=True,
                           help="The accepted-findings baseline: what CI no longer fails on.")
app.add_typer(baseline_app, name="baseline")
cache_app = typer.Typer(no_args_is_help=True, help="The embedding cache.")
app.add_typer(cache_app, name="cache")

ModelOpt = Annotated[str, typer.Option("--model", help="registry name, model dir, or 'hash'")]
SrcLang = Annotated[str, typer.Option("--src-lang", help="source language code")]
TgtLang = Annotated[str, typer.Option("--tgt-lang", help="target language code")]
SegOpt = Annotated[
    bool, typer.Option("--segmented", help="one sentence per line, blank line between paragraphs")
]
DeviceOpt = Annotated[str, typer.Option(
    "--device", help="torch device: auto (cuda when present, else cpu), cpu, cuda, cuda:1")]
PrecisionOpt = Annotated[C.PrecisionChoice, typer.Option(
    "--precision", help="encoder arithmetic: auto (fp16 on CUDA, bf16 on a CPU with native "
                        "bf16 units, else fp32), fp32, bf16, fp16")]
BatchOpt = Annotated[int, typer.Option("--batch-size", min=1, help="embedding batch size")]
FailOnOpt = Annotated[
    C.FailOnChoice, typer.Option("--fail-on", help="exit 1 at this severity")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="no progress bars")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="do not use the embedding cache")]
WordTaggerOpt = Annotated[bool | None, typer.Option(
    "--word-tagger/--no-word-tagger",
    help="word-level drift evidence from the model's trained tagger, where it ships one "
         "(default: off; occlusion spans)",
)]


def _err(msg: str) -> None:
    typer.echo(f"qa-pipeline: error: {msg}", err=True)


def _fail(e: QAError) -> typer.Exit:
    _err(str(e))
    return typer.Exit(e.exit_code)


@contextlib.contextmanager
def _guard() -> Iterator[None]:
    """A command's body: a QAError is one line and its exit code; Ctrl-C is one line and 130
    (whatever was being written is removed by `atomic_dir`)."""
    try:
        yield
    except QAError as e:
        raise _fail(e) from None
    except KeyboardInterrupt:
        _err("interrupted; nothing was written")
        raise typer.Exit(EXIT_INTERRUPTED) from None


def _encoder(cfg: C.Config) -> Any:
    """The cached encoder, not loaded: the model loads only if a text is not in the cache."""
    from .pipeline import make_encoder

    return make_encoder(cfg)


def _cache_line(enc: Any) -> str:
    loaded = "model loaded" if getattr(enc, "loaded", False) else "model not loaded"
    return f"embedding cache: {enc.hits} hits, {enc.misses} misses; {loaded}"


def write_outputs(report: Any, out: Path) -> dict[str, Any]:
    """Every registered writer's file for `report`, moved into `out` only when all succeeded."""
    from .io.json_report import report_to_dict, validate
    from .report.writers import write_report

    data = report_to_dict(report)
    validate(data)
    with atomic_dir(out) as tmp:
        write_report(data, tmp)
    return data


def _worst_rank(data: dict[str, Any]) -> int:
    from .types import SEVERITY_RANK

    return max((SEVERITY_RANK[f["severity"]] for f in data["findings"]), default=0)


def _checked(cfg: C.Config, out: Path | None = None) -> C.Config:
    """What can be checked before any heavy work: language codes, the output folder."""
    from .langs import check_lang

    check_lang(cfg.src_lang, "--src-lang")
    check_lang(cfg.tgt_lang, "--tgt-lang")
    if out is not None:
        check_writable(out)
    return cfg


def large_input_warnings(paths: list[Path], model: str) -> list[str]:
    """A line for each input above LARGE_INPUT_BYTES saying how long the run takes on CPU
    (the time grows linearly with the text; see README, "Large inputs")."""
    out = []
    for p in paths:
        try:
            size = p.stat().st_size
        except OSError:
            continue  # the reader names the problem
        if size > C.LARGE_INPUT_BYTES:
            mb = size / 1e6
            minutes = C.CPU_SECONDS_PER_MB * mb / 60
            out.append(f"qa-pipeline: warning: {p} is {mb:.1f} MB; on 2 CPU cores with "
                       f"{C.DEFAULT_MODEL} a pair this size takes about {minutes:.0f} minutes "
                       f"(a GPU, --device cuda, is much faster; see README, Large inputs)"
                       if model == C.DEFAULT_MODEL else
                       f"qa-pipeline: warning: {p} is {mb:.1f} MB; the run takes about "
                       f"{minutes:.0f} minutes on 2 CPU cores with {C.DEFAULT_MODEL}, longer "
                       f"with a larger model (see README, Large inputs)")
    return out


def _config(model: str, src_lang: str, tgt_lang: str, segmented: bool, device: str | None,
            precision: C.PrecisionChoice, batch_size: int, no_cache: bool,
            fail_on: C.FailOnChoice | None = None, tsv_header: bool | None = None,
            word_tagger: bool | None = None) -> C.Config:
    """The one mapping from the shared command-line options to a Config."""
    cfg = C.Config(model=model, src_lang=src_lang, tgt_lang=tgt_lang,
                   fail_on=C.DEFAULT_FAIL_ON if fail_on is None else fail_on.value,
                   segmented=segmented, device=device, precision=precision.value,
                   batch_size=batch_size,
                   use_cache=not no_cache, tsv_header=tsv_header)
    if word_tagger is not None:
        cfg = dataclasses.replace(cfg, drift=dataclasses.replace(cfg.drift,
                                                                 word_tagger=word_tagger))
    return cfg


@app.command()
def check(
    files: Annotated[list[Path], typer.Argument(
        help="SRC TGT (text or Markdown); one bilingual file (TSV, TMX, XLIFF); or, with "
             "--source or three or more files, the translations of an n-way check",
        show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="output directory")] = Path("reports"),
    src_lang: SrcLang = C.DEFAULT_SRC_LANG,
    tgt_lang: TgtLang = C.DEFAULT_TGT_LANG,
    source: Annotated[Path | None, typer.Option(
        "--source", help="n-way: the text the translations were made from")] = None,
    source_lang: Annotated[str | None, typer.Option(
        "--source-lang", help="n-way: the source's language (default: its file stem)")] = None,
    langs: Annotated[str | None, typer.Option(
        "--langs", help="n-way: the translations' languages in file order, e.g. lt,et,lv "
                        "(default: each file's stem)")] = None,
    segmented: SegOpt = False,
    model: ModelOpt = C.DEFAULT_MODEL,
    fail_on: FailOnOpt = C.FailOnChoice(C.DEFAULT_FAIL_ON),
    device: DeviceOpt = C.DEFAULT_DEVICE,
    precision: PrecisionOpt = C.PrecisionChoice(C.DEFAULT_PRECISION),
    batch_size: BatchOpt = C.DEFAULT_BATCH_SIZE,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
    tsv_header: Annotated[bool | None, typer.Option(
        "--tsv-header/--no-tsv-header", help="a TSV's first row is a header (default: detect)",
    )] = None,
    word_tagger: WordTaggerOpt = None,
) -> None:
    """Align SRC and TGT (or read a bilingual file), score drift, write DIR/report.json and
    DIR/report.html.

    With --source SRC (or three or more files and no source) every translation is checked
    against the source and against the others, and findings name the translation that
    drifted (n-way report, schema qa_pipeline.nway/1).
    """
    from .pipeline import analyse, make_encoder, read_inputs, resolve_encoder

    with _guard():
        cfg = _checked(_config(model, src_lang, tgt_lang, segmented, device, precision, batch_size,
                               no_cache, fail_on, tsv_header, word_tagger), out)
        for line in large_input_warnings([*([source] if source else []), *files], model):
            typer.echo(line, err=True)
        if source is not None or len(files) >= 3:
            data = _check_nway(files, source, source_lang, langs, cfg, out, quiet)
        else:
            if len(files) > 2:
                raise QAError("give SRC TGT, one bilingual file, or --source for n-way")
            nway_only = [o for o, v in (("--source-lang", source_lang), ("--langs", langs)) if v]
            if nway_only:
                raise QAError(f"{' and '.join(nway_only)} apply to an n-way check (--source, or "
                              "three or more files); for a pair give --src-lang / --tgt-lang")
            inner = resolve_encoder(cfg)  # an unknown model fails here; loading comes later
            inputs = read_inputs(files[0], files[1] if len(files) == 2 else None, cfg)
            # Not loaded: the model loads only if a text is missing from the cache.
            encoder = make_encoder(cfg, inner)
            with progress_display(quiet) as progress:
                report = analyse(inputs, encoder, cfg, progress)
            data = write_outputs(report, out)
            if not quiet:
                typer.echo(_cache_line(encoder), err=True)
    n = len(data["findings"])
    typer.echo(
        f"{n} finding{'s' if n != 1 else ''}; wrote {out / 'report.json'} and "
        f"{out / 'report.html'}",
        err=True,
    )
    if _worst_rank(data) >= C.FAIL_ON_RANK[cfg.fail_on]:
        raise typer.Exit(EXIT_FINDINGS)
    raise typer.Exit(EXIT_OK)


def _lang_of(path: Path, given: str | None, what: str) -> str:
    """A language from the option, else from a file stem that is a language code."""
    import langcodes

    if given:
        return given
    stem = path.stem
    if langcodes.tag_is_valid(stem.replace("_", "-")):
        return stem
    raise QAError(f"{path}: cannot tell the {what}'s language from the file name; "
                  "give --source-lang / --langs")


def _check_nway(files: list[Path], source: Path | None, source_lang: str | None,
                langs: str | None, cfg: C.Config, out: Path, quiet: bool) -> dict[str, Any]:
    from .io.nway_json import nway_to_dict, validate_nway
    from .io.readers import read_document
    from .langs import check_lang
    from .nway.pipeline import analyse_nway
    from .pipeline import make_encoder, resolve_encoder
    from .report.writers import write_nway_report

    codes = [x.strip() for x in langs.split(",")] if langs else []
    if codes and len(codes) != len(files):
        raise QAError(f"--langs names {len(codes)} languages for {len(files)} files")
    tr_langs = [check_lang(_lang_of(f, codes[i] if codes else None, "translation"), "--langs")
                for i, f in enumerate(files)]
    src_lang = (check_lang(_lang_of(source, source_lang, "source"), "--source-lang")
                if source is not None else "")
    inner = resolve_encoder(cfg)  # an unknown model fails before any reading
    src_doc = read_document(source, src_lang, cfg.segmented) if source is not None else None
    docs = [read_document(f, lang, cfg.segmented) for f, lang in zip(files, tr_langs,
                                                                       strict=True)]
    with progress_display(quiet) as progress:
        encoder = make_encoder(cfg, inner)
        report = analyse_nway(src_doc, docs, encoder, cfg, progress)
    data = nway_to_dict(report)
    validate_nway(data)
    with atomic_dir(out) as tmp:
        write_nway_report(data, tmp)
    return data


@app.command()
def align(
    src: Annotated[Path, typer.Argument(help="source text")],
    tgt: Annotated[Path, typer.Argument(help="target text")],
    src_lang: SrcLang = C.DEFAULT_SRC_LANG,
    tgt_lang: TgtLang = C.DEFAULT_TGT_LANG,
    segmented: SegOpt = False,
    model: ModelOpt = C.DEFAULT_MODEL,
    fmt: Annotated[
        C.AlignFormat, typer.Option("--format", help="json or vecalign beads")
    ] = C.AlignFormat.json,
    device: DeviceOpt = C.DEFAULT_DEVICE,
    precision: PrecisionOpt = C.PrecisionChoice(C.DEFAULT_PRECISION),
    batch_size: BatchOpt = C.DEFAULT_BATCH_SIZE,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Align SRC and TGT and print the beads to stdout."""
    from . import __version__
    from .align import describe
    from .embed import revision_of
    from .io.beads import format_beads
    from .pipeline import read_inputs
    from .rider_match import align_with_encoder
    from .segment import SEGMENTER

    with _guard():
        cfg = _checked(_config(model, src_lang, tgt_lang, segmented, device, precision, batch_size,
                               no_cache))
        inputs = read_inputs(src, tgt, cfg)
        with progress_display(quiet) as progress:
            encoder = _encoder(cfg)
            stage = (lambda d, t: progress("align", d, t)) if progress else None
            result = align_with_encoder(inputs.source, inputs.target, encoder, cfg.align,
                                        progress=stage)
    if fmt is C.AlignFormat.beads:
        sys.stdout.write(format_beads(result.sentences))  # one line per bead, no blank line
        return
    doc = {
        "signature": {
            "version": __version__,
            "model": encoder.name,
            "model_revision": revision_of(encoder),
            "segmenter": SEGMENTER,
            "aligner": describe(cfg.align),
        },
        "paragraph_alignment": [
            {"source": list(b.source), "target": list(b.target), "similarity": b.similarity}
            for b in result.paragraphs
        ],
        "alignment": [
            {
                "source": list(b.source),
                "target": list(b.target),
                "similarity": b.similarity,
                "confidence": b.confidence,
            }
            for b in result.sentences
        ],
    }
    from .io.json_report import dumps

    sys.stdout.write(dumps(doc))


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


@app.command()
def batch(
    ctx: typer.Context,
    corpora: Annotated[Path, typer.Argument(help="folder of document folders")] = Path(
        C.DEFAULT_CORPORA
    ),
    out: Annotated[Path, typer.Option("--out", "-o", help="reports folder")] = Path(
        C.DEFAULT_REPORTS
    ),
    src_lang: SrcLang = C.DEFAULT_SRC_LANG,
    tgt_lang: Annotated[list[str], typer.Option(
        "--tgt-lang", help="target language code; repeat for several")] = [C.DEFAULT_TGT_LANG],  # noqa: B006
    segmented: SegOpt = False,
    model: ModelOpt = C.DEFAULT_MODEL,
    fail_on: FailOnOpt = C.FailOnChoice(C.DEFAULT_FAIL_ON),
    device: DeviceOpt = C.DEFAULT_DEVICE,
    precision: PrecisionOpt = C.PrecisionChoice(C.DEFAULT_PRECISION),
    batch_size: BatchOpt = C.DEFAULT_BATCH_SIZE,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
    config_file: Annotated[Path | None, typer.Option(
        "--config", help=f"settings file (default CORPORA/{C.CONFIG_FILE}, else "
        f"[tool.{C.PYPROJECT_TABLE}] in the pyproject.toml beside CORPORA)")] = None,
    baseline_file: Annotated[Path | None, typer.Option(
        "--baseline", help=f"accepted findings (default CORPORA/{C.BASELINE_FILE})")] = None,
    executor: ExecutorOpt = C.ExecutorChoice(C.DEFAULT_EXECUTOR),
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="dask scheduler address, tcp://HOST:PORT (implies --executor dask)"
    )] = None,
    workers: Annotated[int, typer.Option(
        "--workers", min=1, help="worker processes for --executor processes")] = C.DEFAULT_WORKERS,
    nway: Annotated[bool, typer.Option(
        "--nway/--no-nway", help="with two or more targets: one n-way check per document "
        "(the default) or one pairwise check per target")] = True,
    word_tagger: WordTaggerOpt = None,
) -> None:
    """Check every CORPORA/DOC/{SRC,TGT}.txt pair; write OUT/DOC/SRC-TGT/, OUT/index.html,
    OUT/summary.json and OUT/junit.xml. Exit 1 on a new finding at or above --fail-on.

    With two or more targets each document gets one n-way check (OUT/DOC/SRC-TGT1+TGT2/,
    schema qa_pipeline.nway/1) whose findings name the translation that drifted."""
    from .baseline import load_baseline
    from .batch.run import run_batch
    from .batch.settings import load_settings, resolve

    values = dict(src_lang=src_lang, tgt_lang=tgt_lang, segmented=segmented, model=model,
                  fail_on=fail_on, device=device, precision=precision, batch_size=batch_size,
                  no_cache=no_cache,
                  executor=executor, scheduler=scheduler, workers=workers, nway=nway,
                  word_tagger=word_tagger)
    try:
        bc = resolve(load_settings(corpora, config_file), _given(ctx, values))
        baseline = load_baseline(baseline_file or corpora / C.BASELINE_FILE)
        with progress_display(quiet) as progress:
            result = run_batch(bc, corpora, out, baseline, progress)
    except QAError as e:
        raise _fail(e) from None
    summary = result.summary
    for m in result.missing:
        typer.echo(f"qa-pipeline: warning: {m.message}", err=True)
    for p in result.pairs:
        if p.error:
            _err(p.error)
    t, run = summary["totals"], summary["run"]
    loaded = "model loaded" if run["model_loaded"] else "model not loaded"
    typer.echo(
        f"{t['pairs']} document pair(s): {t['findings']} findings, {t['new']} new, "
        f"{t['baselined']} baselined; {t['failing']} new at or above {bc.config.fail_on}\n"
        f"embedding cache: {run['cache']['hits']} hits, {run['cache']['misses']} misses; "
        f"{loaded}; {run['seconds']:.1f} s\n"
        f"wrote {out / 'index.html'}, {out / 'summary.json'}, {out / 'junit.xml'}",
        err=True,
    )
    if t["errors"]:
        raise typer.Exit(EXIT_USAGE)
    if t["failing"]:
        raise typer.Exit(EXIT_FINDINGS)
    raise typer.Exit(EXIT_OK)


ReportsOpt = Annotated[Path, typer.Option("--reports", help="the last batch run's output folder")]
BaselineOpt = Annotated[Path | None, typer.Option(
    "--baseline", help=f"baseline file (default CORPORA/{C.BASELINE_FILE})")]


@baseline_app.command("update")
def baseline_update(
    corpora: Annotated[Path, typer.Argument(help="the corpus folder")] = Path(C.DEFAULT_CORPORA),
    reports: ReportsOpt = Path(C.DEFAULT_REPORTS),
    baseline_file: BaselineOpt = None,
    prune: Annotated[bool, typer.Option(
        "--prune", help="list and drop entries no longer produced")] = False,
) -> None:
    """Accept every finding of the last batch run (REPORTS) into CORPORA/qa-baseline.json."""
    from .baseline import load_baseline, read_reports, update, write_baseline

    path = baseline_file or corpora / C.BASELINE_FILE
    try:
        new, added, stale = update(load_baseline(path), read_reports(reports, corpora), prune)
        write_baseline(new, path)
    except QAError as e:
        raise _fail(e) from None
    for entry in stale:
        what = "removed" if prune else "stale"
        typer.echo(f"{what}: {entry.document} {entry.pair} {entry.kind} {entry.fingerprint}  "
                   f"{entry.target}", err=True)
    typer.echo(f"{path}: {len(new.entries)} entries ({len(added)} added, {len(stale)} "
               f"{'pruned' if prune else 'stale; --prune drops them'})", err=True)


@baseline_app.command("import")
def baseline_import(
    marks: Annotated[Path, typer.Argument(help="review marks saved from a report page")],
    corpora: Annotated[Path, typer.Option("--corpora", help="the corpus folder")] = Path(
        C.DEFAULT_CORPORA
    ),
    reports: ReportsOpt = Path(C.DEFAULT_REPORTS),
    baseline_file: BaselineOpt = None,
) -> None:
    """Fold review marks ("accepted", "false positive") into the baseline."""
    import json

    from .baseline import import_marks, load_baseline, read_reports, write_baseline
    from .report.review import load_review_marks, review_report_paths

    path = baseline_file or corpora / C.BASELINE_FILE
    try:
        table = load_review_marks(marks)
        src, tgt = review_report_paths(json.loads(marks.read_text(encoding="utf-8")))
        new, added = import_marks(load_baseline(path), table, src, tgt, read_reports(reports))
        write_baseline(new, path)
    except QAError as e:
        raise _fail(e) from None
    typer.echo(f"{path}: {len(added)} marks imported; {len(new.entries)} entries", err=True)


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def _duration(text: str) -> float:
    import re

    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*", text)
    if not m:
        raise typer.BadParameter(f"{text!r}: expected a number and a unit, e.g. 30d, 12h")
    return float(m.group(1)) * _UNITS[m.group(2)]


def _cache() -> Any:
    from .cache import EmbeddingCache
    from .models import cache_root

    return EmbeddingCache(cache_root() / "embeddings.sqlite")


@cache_app.command("stats")
def cache_stats() -> None:
    """Entries, size and models of the embedding cache."""
    import datetime as dt

    st = _cache().stats()

    def when(t: float | None) -> str:
        return "-" if not t else dt.datetime.fromtimestamp(t).isoformat(timespec="seconds")

    typer.echo(f"{st.path}\n{st.entries} entries, {st.bytes / 1e6:.1f} MB; last used "
               f"{when(st.oldest_use)} .. {when(st.newest_use)}")
    for model, n in st.by_model:
        typer.echo(f"  {model or '(unrecorded)'}\t{n}")


@cache_app.command("prune")
def cache_prune(
    older_than: Annotated[str, typer.Option(
        "--older-than", help="drop entries not used for this long: 30d, 12h, 90m")],
) -> None:
    """Delete embeddings not used for --older-than."""
    cache = _cache()
    removed = cache.prune(_duration(older_than))
    typer.echo(f"removed {removed} entries; {len(cache)} left", err=True)


@models_app.command("list")
def models_list() -> None:
    """Show the registry and what is installed."""
    from .models import REGISTRY, is_pulled, model_path

    for spec in REGISTRY.values():
        state = "installed" if is_pulled(spec.name) else "not installed"
        default = " (default)" if spec.name == C.DEFAULT_MODEL else ""
        typer.echo(f"{spec.name}{default}\t{state}\t{spec.revision}\t{model_path(spec.name)}")
        typer.echo(f"    {spec.hub_id}: {spec.description}; license {spec.license}")


@models_app.command("pull")
def models_pull(
    names: Annotated[list[str], typer.Argument(help="model names; 'all' for every one")],
    force: Annotated[bool, typer.Option("--force", help="download again")] = False,
    quiet: QuietOpt = False,
) -> None:
    """Download, assemble and verify models into the cache (offline afterwards)."""
    from .models import REGISTRY, pull

    wanted = list(REGISTRY) if names == ["all"] else names
    try:
        with progress_display(quiet) as progress:
            for name in wanted:
                cb = (lambda d, t, n=name: progress(n, d, t)) if progress else None
                path = pull(name, force=force, progress=cb)
                typer.echo(f"{name}: {path}", err=True)
    except QAError as e:
        raise _fail(e) from None


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        _err("interrupted")
        raise SystemExit(EXIT_INTERRUPTED) from None


if __name__ == "__main__":
    main()
