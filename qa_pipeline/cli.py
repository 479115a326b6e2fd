"""Thin typer CLI: parse options into Config, call the pipeline, write outputs, map exit codes."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from . import config as C
from .errors import (
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    EXIT_OK,
    OutputError,
    QAError,
)

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Find where two translations of the same text disagree in meaning.",
)
models_app = typer.Typer(no_args_is_help=True, help="List and install the offline models.")
app.add_typer(models_app, name="models")

ModelOpt = Annotated[str, typer.Option("--model", help="registry name, model dir, or 'hash'")]
SrcLang = Annotated[str, typer.Option("--src-lang", help="source language code")]
TgtLang = Annotated[str, typer.Option("--tgt-lang", help="target language code")]
SegOpt = Annotated[
    bool, typer.Option("--segmented", help="one sentence per line, blank line between paragraphs")
]
DeviceOpt = Annotated[str | None, typer.Option("--device", help="torch device, e.g. cpu, cuda")]
BatchOpt = Annotated[int, typer.Option("--batch-size", min=1, help="embedding batch size")]
FailOnOpt = Annotated[
    C.FailOnChoice, typer.Option("--fail-on", help="exit 1 at this severity")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="no progress bars")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="do not use the embedding cache")]


def _err(msg: str) -> None:
    typer.echo(f"qa-pipeline: error: {msg}", err=True)


@contextlib.contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A rich progress bar per stage on stderr; nothing when quiet or not a terminal-ish run."""
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
    )

    console = Console(stderr=True)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=max(total, 1))
            bar.update(tasks[stage], completed=done, total=max(total, 1))

        yield update


def _fail(e: QAError) -> typer.Exit:
    _err(str(e))
    return typer.Exit(e.exit_code)


@contextlib.contextmanager
def _guard() -> Iterator[None]:
    """A command's body: a QAError is one line and its exit code; Ctrl-C is one line and 130
    (whatever was being written is removed by `_atomic_dir`)."""
    try:
        yield
    except QAError as e:
        raise _fail(e) from None
    except KeyboardInterrupt:
        _err("interrupted; nothing was written")
        raise typer.Exit(EXIT_INTERRUPTED) from None


def check_writable(out: Path) -> None:
    """Fail before any heavy work if `out` cannot be created or written: probe with a temp
    dir in `out` or its nearest existing ancestor, and leave nothing behind."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a directory; choose another --out")
    probe = out
    while not probe.exists():
        if probe.is_symlink():  # a dangling link
            raise OutputError(f"{out}: {probe} is a broken symbolic link; choose another --out")
        probe = probe.parent
    if not probe.is_dir():
        raise OutputError(f"{out}: cannot be created, {probe} is not a directory; "
                          "choose another --out")
    try:
        Path(tempfile.mkdtemp(prefix=".qa-probe-", dir=probe)).rmdir()
    except OSError as e:
        raise OutputError(f"{out}: cannot write in {probe} ({e.strerror}); "
                          "choose another --out") from None


def _missing_parents(out: Path) -> list[Path]:
    missing = []
    p = out.parent
    while not p.exists():
        missing.append(p)
        p = p.parent
    return missing


@contextlib.contextmanager
def _atomic_dir(out: Path) -> Iterator[Path]:
    """Write into a temp dir beside `out`; move files in only if everything succeeded. On any
    failure (Ctrl-C included) nothing is left: not the temp dir, nor folders made for it."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a directory")
    made = _missing_parents(out)
    created_out = not out.exists()
    tmp: Path | None = None
    ok = False
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
        yield tmp
        out.mkdir(parents=True, exist_ok=True)
        for f in tmp.iterdir():
            os.replace(f, out / f.name)
        ok = True
    except OSError as e:
        raise OutputError(f"{out}: cannot write ({e.strerror}); choose another --out") from None
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        if not ok:
            if created_out:
                shutil.rmtree(out, ignore_errors=True)
            for p in made:  # innermost first
                with contextlib.suppress(OSError):
                    p.rmdir()


def _load_encoder(cfg: C.Config, progress: Callable[[str, int, int], None] | None) -> Any:
    from .pipeline import make_encoder

    return _load(make_encoder(cfg), progress)


def _load(enc: Any, progress: Callable[[str, int, int], None] | None) -> Any:
    if progress:
        progress("model", 0, 1)
    enc.load()
    if progress:
        progress("model", 1, 1)
    return enc


def write_outputs(report: Any, out: Path) -> dict[str, Any]:
    """Every registered writer's file for `report`, moved into `out` only when all succeeded."""
    from .io.json_report import report_to_dict, validate
    from .report.writers import write_report

    data = report_to_dict(report)
    validate(data)
    with _atomic_dir(out) as tmp:
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


def _config(model: str, src_lang: str, tgt_lang: str, segmented: bool, device: str | None,
            batch_size: int, no_cache: bool, fail_on: C.FailOnChoice | None = None,
            tsv_header: bool | None = None) -> C.Config:
    """The one mapping from the shared command-line options to a Config."""
    return C.Config(model=model, src_lang=src_lang, tgt_lang=tgt_lang,
                    fail_on=C.DEFAULT_FAIL_ON if fail_on is None else fail_on.value,
                    segmented=segmented, device=device, batch_size=batch_size,
                    use_cache=not no_cache, tsv_header=tsv_header)


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
    device: DeviceOpt = None,
    batch_size: BatchOpt = C.DEFAULT_BATCH_SIZE,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
    tsv_header: Annotated[bool | None, typer.Option(
        "--tsv-header/--no-tsv-header", help="a TSV's first row is a header (default: detect)",
    )] = None,
) -> None:
    """Align SRC and TGT (or read a bilingual file), score drift, write DIR/report.json and
    DIR/report.html.

    With --source SRC (or three or more files and no source) every translation is checked
    against the source and against the others, and findings name the translation that
    drifted (n-way report, schema qa_pipeline.nway/1).
    """
    from .pipeline import analyse, make_encoder, read_inputs, resolve_encoder

    with _guard():
        cfg = _checked(_config(model, src_lang, tgt_lang, segmented, device, batch_size,
                               no_cache, fail_on, tsv_header), out)
        if source is not None or len(files) >= 3:
            data = _check_nway(files, source, source_lang, langs, cfg, out, quiet)
        else:
            if len(files) > 2:
                raise QAError("give SRC TGT, one bilingual file, or --source for n-way")
            inner = resolve_encoder(cfg)  # an unknown model fails here; loading comes later
            inputs = read_inputs(files[0], files[1] if len(files) == 2 else None, cfg)
            with _progress(quiet) as progress:
                encoder = _load(make_encoder(cfg, inner), progress)
                report = analyse(inputs, encoder, cfg, progress)
            data = write_outputs(report, out)
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
    from .report.render import render_nway_html

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
    with _progress(quiet) as progress:
        encoder = _load(make_encoder(cfg, inner), progress)
        report = analyse_nway(src_doc, docs, encoder, cfg, progress)
    data = nway_to_dict(report)
    validate_nway(data)
    with _atomic_dir(out) as tmp:
        (tmp / "report.json").write_text(
            json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        (tmp / "report.html").write_text(render_nway_html(data), encoding="utf-8")
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
    device: DeviceOpt = None,
    batch_size: BatchOpt = C.DEFAULT_BATCH_SIZE,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Align SRC and TGT and print the beads to stdout."""
    from . import __version__
    from .align import align_documents, describe
    from .io.beads import format_beads
    from .pipeline import read_inputs
    from .segment import SEGMENTER

    with _guard():
        cfg = _checked(_config(model, src_lang, tgt_lang, segmented, device, batch_size,
                               no_cache))
        inputs = read_inputs(src, tgt, cfg)
        with _progress(quiet) as progress:
            encoder = _load_encoder(cfg, progress)
            stage = (lambda d, t: progress("align", d, t)) if progress else None
            result = align_documents(inputs.source, inputs.target, encoder.encode,
                                     cfg.align, progress=stage)
    if fmt is C.AlignFormat.beads:
        sys.stdout.write(format_beads(result.sentences))  # one line per bead, no blank line
        return
    doc = {
        "signature": {
            "version": __version__,
            "model": encoder.name,
            "model_revision": encoder.revision,
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
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")


@app.command()
def batch(
    corpora: Annotated[Path, typer.Argument(help="folder of document-pair folders")] = Path(
        "corpora"
    ),
    out: Annotated[Path, typer.Option("--out", "-o", help="reports folder")] = Path("reports"),
    src_lang: SrcLang = C.DEFAULT_SRC_LANG,
    tgt_lang: TgtLang = C.DEFAULT_TGT_LANG,
    segmented: SegOpt = False,
    model: ModelOpt = C.DEFAULT_MODEL,
    fail_on: FailOnOpt = C.FailOnChoice(C.DEFAULT_FAIL_ON),
    device: DeviceOpt = None,
    batch_size: BatchOpt = C.DEFAULT_BATCH_SIZE,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Check every CORPORA/NAME/{SRC_LANG,TGT_LANG}.txt pair; write OUT/NAME/ and OUT/index.html."""
    from .pipeline import analyse, read_inputs
    from .report import IndexEntry, write_index

    cfg = _config(model, src_lang, tgt_lang, segmented, device, batch_size, no_cache, fail_on)
    try:
        if not corpora.is_dir():
            raise QAError(f"{corpora}: not a directory")
        pairs = sorted(
            d
            for d in corpora.iterdir()
            if (d / f"{src_lang}.txt").is_file() and (d / f"{tgt_lang}.txt").is_file()
        )
        if not pairs:
            raise QAError(f"{corpora}: no NAME/{src_lang}.txt + NAME/{tgt_lang}.txt pairs found")
        entries = []
        worst = 0
        with _progress(quiet) as progress:
            encoder = _load_encoder(cfg, progress)
            for d in pairs:
                inputs = read_inputs(d / f"{src_lang}.txt", d / f"{tgt_lang}.txt", cfg)
                data = write_outputs(analyse(inputs, encoder, cfg, progress), out / d.name)
                entries.append(IndexEntry(name=d.name, report=data, href=f"{d.name}/report.html"))
                worst = max(worst, _worst_rank(data))
        with _atomic_dir(out) as tmp:
            write_index(entries, tmp / "index.html")
    except QAError as e:
        raise _fail(e) from None
    typer.echo(f"{len(pairs)} document pair(s); wrote {out / 'index.html'}", err=True)
    if worst >= C.FAIL_ON_RANK[cfg.fail_on]:
        raise typer.Exit(EXIT_FINDINGS)


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
        with _progress(quiet) as progress:
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
