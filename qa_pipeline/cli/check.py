"""`check`: one pair (or one bilingual file), or an n-way check of several translations."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from .. import config as C
from ..errors import EXIT_FINDINGS, EXIT_OK, QAError
from . import common as opt
from .common import (
    cache_line,
    checked,
    guard,
    options_config,
    pair_langs,
    refuse_empty,
    warn_cache_writes,
)
from .outdir import atomic_dir
from .progress import progress_display


def write_outputs(report: Any, out: Path) -> dict[str, Any]:
    """Every registered writer's file for `report`, moved into `out` only when all succeeded."""
    from ..io.json_report import report_to_dict
    from ..report.writers import REPORT_FILES, write_report

    data = report_to_dict(report)
    with atomic_dir(out, REPORT_FILES) as tmp:  # write_report checks the schema, once
        write_report(data, tmp)
    return data


def worst_rank(data: dict[str, Any]) -> int:
    from ..types import SEVERITY_RANK

    return max((SEVERITY_RANK[f["severity"]] for f in data["findings"]), default=0)


def large_input_warnings(paths: list[Path], model: str, word_tagger: bool = False) -> list[str]:
    """One line, where an input is above LARGE_INPUT_BYTES, saying how long the check takes on
    CPU: the time grows linearly with the text, CPU_SECONDS_PER_MB per MB of the larger side
    of a pair (measured on a pair whose sides are about the same size; one bilingual file
    holds both), once per pair an n-way check aligns (each translation against one other
    text), and WORD_TAGGER_TIME_FACTOR times that with the word tagger (README, "Large
    inputs")."""
    sizes = []
    for p in paths:
        try:
            sizes.append((p, p.stat().st_size))
        except OSError:
            continue  # the reader names the problem
    large = [(p, size) for p, size in sizes if size > C.LARGE_INPUT_BYTES]
    if not large:
        return []
    largest = max(size for _, size in sizes)
    if len(sizes) == 1:  # one bilingual file (TSV, TMX, XLIFF) holds both sides
        largest //= 2
    seconds = C.CPU_SECONDS_PER_MB * largest / 1e6 * max(len(sizes) - 1, 1)
    if word_tagger:
        seconds *= C.WORD_TAGGER_TIME_FACTOR
    minutes = f"about {seconds / 60:.0f} minutes"
    if word_tagger:
        minutes += " (--word-tagger roughly doubles the time)"
    files = ", ".join(f"{p} is {size / 1e6:.1f} MB" for p, size in large)
    what = "a pair this size" if len(sizes) <= 2 else f"an n-way check of {len(sizes)} texts"
    if model == C.DEFAULT_MODEL:
        return [f"qa-pipeline: warning: {files}; on 2 CPU cores with {C.DEFAULT_MODEL} {what} "
                f"takes {minutes} (a GPU, --device cuda, is much faster; see README, Large "
                "inputs)"]
    return [f"qa-pipeline: warning: {files}; {what} takes {minutes} on 2 CPU cores with "
            f"{C.DEFAULT_MODEL}, longer with a larger model (see README, Large inputs)"]


def _warn_large(paths: list[Path], model: str, word_tagger: bool) -> None:
    for line in large_input_warnings(paths, model, word_tagger):
        typer.echo(line, err=True)


def check(
    files: Annotated[list[Path], typer.Argument(
        help="SRC TGT (text or Markdown); one bilingual file (TSV, TMX, XLIFF); or, with "
             "--source or three or more files, the translations of an n-way check",
        show_default=False, readable=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="output directory",
                                      readable=False)] = Path("reports"),
    src_lang: opt.SrcLang = None,
    tgt_lang: opt.TgtLang = None,
    source: Annotated[Path | None, typer.Option(
        "--source", help="n-way: the text the translations were made from", readable=False)] = None,
    source_lang: Annotated[str | None, typer.Option(
        "--source-lang", help="n-way: the source's language (default: its file stem)")] = None,
    langs: Annotated[str | None, typer.Option(
        "--langs", help="n-way: the translations' languages in file order, e.g. lt,et,lv "
                        "(default: each file's stem)")] = None,
    segmented: opt.SegOpt = False,
    model: opt.ModelOpt = C.DEFAULT_MODEL,
    fail_on: opt.FailOnOpt = C.FailOnChoice(C.DEFAULT_FAIL_ON),
    device: opt.DeviceOpt = C.DEFAULT_DEVICE,
    precision: opt.PrecisionOpt = C.PrecisionChoice(C.DEFAULT_PRECISION),
    batch_size: opt.BatchOpt = C.DEFAULT_BATCH_SIZE,
    no_cache: opt.NoCacheOpt = False,
    quiet: opt.QuietOpt = False,
    tsv_header: Annotated[bool | None, typer.Option(
        "--tsv-header/--no-tsv-header", help="a TSV's first row is a header (default: detect)",
    )] = None,
    word_tagger: opt.WordTaggerOpt = None,
) -> None:
    """Align SRC and TGT (or read a bilingual file), score drift, write DIR/report.json,
    DIR/report.html and the findings as CSV and XLSX.

    With --source SRC (or three or more files and no source) every translation is checked
    against the source and against the others, and findings name the translation that
    drifted (n-way report, schema qa_pipeline.nway/1).
    """
    from ..pipeline import analyse, make_encoder, read_inputs, resolve_encoder

    with guard():
        refuse_empty(("--source-lang", source_lang), ("--langs", langs))
        src_code, tgt_code, langs_note = pair_langs(files, src_lang, tgt_lang)
        cfg = checked(options_config(model, src_code, tgt_code, segmented, device, precision,
                                     batch_size, no_cache, fail_on, tsv_header, word_tagger),
                      out)
        if source is not None or len(files) >= 3:
            pair_only = [o for o, v in (("--src-lang", src_lang), ("--tgt-lang", tgt_lang)) if v]
            if pair_only:
                verb = "apply" if len(pair_only) > 1 else "applies"
                raise QAError(f"{' and '.join(pair_only)} {verb} to a pair; for an n-way check "
                              "give --source-lang and --langs")
            if tsv_header is not None:
                raise QAError("--tsv-header / --no-tsv-header apply to one TSV file; the "
                              "files of an n-way check are not one")
            data = _check_nway(files, source, source_lang, langs, cfg, out, quiet)
        else:
            if len(files) > 2:
                raise QAError("give SRC TGT, one bilingual file, or --source for n-way")
            nway_only = [o for o, v in (("--source-lang", source_lang), ("--langs", langs)) if v]
            if nway_only:
                verb = "apply" if len(nway_only) > 1 else "applies"
                raise QAError(f"{' and '.join(nway_only)} {verb} to an n-way check (--source, or "
                              "three or more files); for a pair give --src-lang / --tgt-lang")
            inner = resolve_encoder(cfg)  # an unknown model fails here; loading comes later
            inputs = read_inputs(files[0], files[1] if len(files) == 2 else None, cfg)
            # Notes once the inputs are known good: an error stays the one line on stderr. The
            # languages' note stays under --quiet (no progress bars): a run that reads a
            # French file as Lithuanian must say so in a CI log too.
            if langs_note:
                typer.echo(langs_note, err=True)
            _warn_large(files, model, cfg.drift.word_tagger)
            # Not loaded: the model loads only if a text is missing from the cache.
            encoder = warn_cache_writes(make_encoder(cfg, inner))
            with progress_display(quiet) as progress:
                report = analyse(inputs, encoder, cfg, progress)
            data = write_outputs(report, out)
            typer.echo(cache_line(encoder), err=True)  # as `batch` says it, --quiet or not
    from ..report.writers import REPORT_FILES

    n = len(data["findings"])
    written = sorted((f for f in REPORT_FILES if (out / f).is_file()),
                     key=lambda f: (not f.startswith("report."), f))
    typer.echo(f"{n} finding{'s' if n != 1 else ''}; wrote {', '.join(written)} in {out}",
               err=True)
    if worst_rank(data) >= C.FAIL_ON_RANK[cfg.fail_on]:
        raise typer.Exit(EXIT_FINDINGS)
    raise typer.Exit(EXIT_OK)


def _lang_of(path: Path, given: str | None, what: str) -> str:
    """A language from the option, else from a file stem that is a language code."""
    import langcodes

    from ..errors import InputError
    from ..io.readers import exists

    if given:
        return given
    stem = path.stem
    if langcodes.tag_is_valid(stem.replace("_", "-")):
        return stem
    if not exists(path):  # the reader's message: a missing file is the first problem
        raise InputError(f"{path}: no such file")
    option = "--source-lang" if what == "source" else "--langs"
    raise QAError(f"{path}: cannot tell the {what}'s language from the file name; "
                  f"give {option}")


def _check_nway(files: list[Path], source: Path | None, source_lang: str | None,
                langs: str | None, cfg: C.Config, out: Path, quiet: bool) -> dict[str, Any]:
    from ..io.nway_json import nway_to_dict
    from ..io.readers import each_once, read_document
    from ..langs import base_lang, check_lang
    from ..nway.pipeline import WORD_TAGGER_NOTE, analyse_nway
    from ..pipeline import make_encoder, resolve_encoder
    from ..report.writers import REPORT_FILES, write_nway_report

    codes = [x.strip() for x in langs.split(",")] if langs else []
    if "" in codes:
        raise QAError(f"--langs {langs!r}: an empty language code; give one per file, e.g. "
                      "lt,et,lv")
    if codes and len(codes) != len(files):
        raise QAError(f"--langs names {len(codes)} language{'s' if len(codes) != 1 else ''} "
                      f"for {len(files)} files")
    tr_langs = [check_lang(_lang_of(f, codes[i] if codes else None, "translation"), "--langs")
                for i, f in enumerate(files)]
    src_lang = (check_lang(_lang_of(source, source_lang, "source"), "--source-lang")
                if source is not None else "")
    each_once([(f, str(f)) for f in [*([source] if source is not None else []), *files]])
    base = [base_lang(x) for x in tr_langs]
    if len(set(base)) != len(base):
        raise QAError(f"each translation needs its own language; got {', '.join(tr_langs)}")
    inner = resolve_encoder(cfg)  # an unknown model fails before any reading
    src_doc = read_document(source, src_lang, cfg.segmented) if source is not None else None
    docs = [read_document(f, lang, cfg.segmented) for f, lang in zip(files, tr_langs,
                                                                       strict=True)]
    # n-way runs without the tagger (a note says so), so its time is not in the estimate
    _warn_large([*([source] if source else []), *files], cfg.model, False)
    if cfg.drift.word_tagger:  # a note, --quiet or not: the option was given and does nothing
        opt.note(WORD_TAGGER_NOTE)
    with progress_display(quiet) as progress:
        encoder = warn_cache_writes(make_encoder(cfg, inner))
        report = analyse_nway(src_doc, docs, encoder, cfg, progress)
    data = nway_to_dict(report)
    with atomic_dir(out, REPORT_FILES) as tmp:  # write_nway_report checks the schema, once
        write_nway_report(data, tmp)
    typer.echo(cache_line(encoder), err=True)
    return data
