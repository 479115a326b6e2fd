"""What every command shares: the option types, the one mapping from options to a Config,
and the guard that turns a QAError or Ctrl-C into one line and an exit code."""

from __future__ import annotations

import contextlib
import dataclasses
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from .. import config as C
from ..errors import EXIT_INTERRUPTED, EXIT_TERMINATED, ConfigError, QAError, Terminated
from .outdir import check_writable

ModelOpt = Annotated[str, typer.Option("--model", help="registry name, model dir, or 'hash'")]
SrcLang = Annotated[str | None, typer.Option(
    "--src-lang", help=f"source language code (default: SRC's file stem where it is a "
                       f"two-letter code, as in lt.txt or lt-LT.txt, or the language a TMX / "
                       f"XLIFF file declares; else {C.DEFAULT_SRC_LANG})",
    show_default=False)]
TgtLang = Annotated[str | None, typer.Option(
    "--tgt-lang", help=f"target language code (default: TGT's file stem where it is a "
                       f"two-letter code, or the language a TMX / XLIFF file declares; else "
                       f"{C.DEFAULT_TGT_LANG})", show_default=False)]
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


def err(msg: str) -> None:
    typer.echo(f"qa-pipeline: error: {msg}", err=True)


@contextlib.contextmanager
def guard(interrupted: str = "nothing was written") -> Iterator[None]:
    """A command's body: a QAError is one line and its exit code; Ctrl-C is one line saying
    what was left behind (`atomic_dir` removes a half-written report folder) and 130, SIGTERM
    (`Terminated`, from the handler `main` installs) the same line and 143."""
    try:
        yield
    except QAError as e:
        err(str(e))
        raise typer.Exit(e.exit_code) from None
    except KeyboardInterrupt as e:
        if isinstance(e, Terminated):
            err(f"terminated; {interrupted}")
            raise typer.Exit(EXIT_TERMINATED) from None
        err(f"interrupted; {interrupted}")
        raise typer.Exit(EXIT_INTERRUPTED) from None


def cache_line(enc: Any) -> str:
    """What the run embedded: the cache's hits and misses, or with --no-cache (no cache to
    hit) how many texts were embedded and how many asked for again were not."""
    return embedded_line(enc.hits, enc.misses, getattr(enc, "cache", None) is not None,
                         bool(getattr(enc, "loaded", False)))


def embedded_line(hits: int, misses: int, cached: bool, loaded: bool) -> str:
    model = "model loaded" if loaded else "model not loaded"
    if cached:
        return f"embedding cache: {hits} hits, {misses} misses; {model}"
    return f"embedded {misses} text{'s' if misses != 1 else ''} ({hits} repeated); {model}"


def warn(msg: str) -> None:
    typer.echo(f"qa-pipeline: warning: {msg}", err=True)


def note(msg: str) -> None:
    typer.echo(f"qa-pipeline: note: {msg}", err=True)


def warn_cache_writes(enc: Any) -> Any:
    """`enc`, whose cache says on stderr, once, when it cannot store any more (a full disk):
    the run goes on without storing."""
    cache = getattr(enc, "cache", None)
    if cache is not None:
        cache.on_write_error = warn
    return enc


def checked(cfg: C.Config, out: Path | None = None) -> C.Config:
    """What can be checked before any heavy work: language codes, the device, the output
    folder (and no folder where one of its report files goes)."""
    from ..pipeline import check_config

    check_config(cfg)
    if out is not None:
        from ..report.writers import REPORT_FILES

        check_writable(out, REPORT_FILES)
    return cfg


# A file stem read as the language of its side of a pair: a two-letter ISO 639-1 code, with
# an optional region ("lt", "lt-LT", "pt_BR"). Longer codes are left alone: "src" and "tgt"
# are ISO 639-3 codes too.
STEM_LANG = re.compile(r"[a-z]{2}(?:[-_][A-Za-z]{2})?")


def pair_langs(files: Sequence[Path], src_lang: str | None, tgt_lang: str | None
               ) -> tuple[str, str, str | None]:
    """A pair's languages: the options where given; else, for SRC TGT files, each file's stem
    where it is a two-letter language code, and for one bilingual file the languages it
    declares (XLIFF, TMX); else the defaults (lt, et). Third, a line for stderr when a side
    took the default (a wrong language reads every sentence wrongly), else None."""
    refuse_empty(("--src-lang", src_lang), ("--tgt-lang", tgt_lang))
    named = [given or found for given, found in zip((src_lang, tgt_lang),
                                                     _found_langs(files, src_lang, tgt_lang),
                                                     strict=True)]
    from ..langs import canonical

    src = canonical(named[0]) if named[0] else C.DEFAULT_SRC_LANG
    tgt = canonical(named[1]) if named[1] else C.DEFAULT_TGT_LANG
    defaulted = [f"{what} as {lang}" for what, lang, name in (
        ("the source", src, named[0]), ("the target", tgt, named[1])) if not name]
    why = ("the file names are no language codes" if len(files) == 2 else
           "the file does not declare them (or names several targets)" if len(files) == 1 else
           "no file names it")
    note = (f"qa-pipeline: reading {' and '.join(defaulted)}, the "
            f"default{'s' if len(defaulted) > 1 else ''} (no --src-lang / --tgt-lang, and "
            f"{why}); give them for another pair" if defaulted else None)
    return src, tgt, note


def refuse_empty(*options: tuple[str, str | None]) -> None:
    """A language option given as "" (an unset shell variable, `--src-lang "$SRC"`) is an
    error, not the option left out: the run would read the file names or the defaults."""
    for option, value in options:
        if value is not None and not value.strip():
            raise ConfigError(f"{option} is empty; give a language code such as lt, et or en, "
                              "or leave the option out")


def _found_langs(files: Sequence[Path], src_lang: str | None, tgt_lang: str | None
                 ) -> list[str]:
    """The languages the files name: two-letter stems of SRC TGT, or what one bilingual file
    declares; "" where they name none."""
    if len(files) == 2:
        from ..langs import is_lang

        return [f.stem if STEM_LANG.fullmatch(f.stem) and is_lang(f.stem) else ""
                for f in files]
    if len(files) == 1 and not (src_lang and tgt_lang):
        from ..io.readers import declared_langs

        return list(declared_langs(files[0]))
    return ["", ""]


def options_config(model: str, src_lang: str, tgt_lang: str, segmented: bool, device: str | None,
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
