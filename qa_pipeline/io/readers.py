"""The readers registry: one module per input format, one line each in READERS."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ..errors import InputError
from ..types import Document
from . import html, markdown, plain, segmented, tmx, tsv, xliff
from .base import Inputs, ReaderSpec, ReadOptions
from .text import read_text

READERS: dict[str, ReaderSpec] = {spec.name: spec for spec in (
    plain.READER,
    segmented.READER,
    tsv.READER,
    tmx.READER,
    xliff.READER,
    markdown.READER,
    html.READER,
)}
DEFAULT_FORMAT = "txt"  # a monolingual file whose suffix no reader claims is plain text


def reader_for(path: Path, fmt: str | None = None, bilingual: bool = False) -> ReaderSpec:
    """The reader named `fmt`, else the one claiming `path`'s suffix."""
    if fmt is not None:
        if fmt not in READERS:
            raise InputError(f"{path}: unknown format {fmt!r}; known: {', '.join(READERS)}")
        spec = READERS[fmt]
        if spec.bilingual != bilingual:
            what = "one bilingual file" if spec.bilingual else "one side of a pair of files"
            raise InputError(f"{path}: format {fmt!r} reads {what}")
        return spec
    suffix = path.suffix.lower()
    for spec in READERS.values():
        if spec.bilingual == bilingual and suffix in spec.suffixes:
            return spec
    if bilingual:
        known = sorted(s for r in READERS.values() if r.bilingual for s in r.suffixes)
        raise InputError(f"{path}: give a TGT file, or a bilingual file ({', '.join(known)})")
    return READERS[DEFAULT_FORMAT]


def _side_reader(path: Path, segmented: bool) -> ReaderSpec:
    """`--segmented` applies to plain text; a suffix another reader claims keeps that one."""
    spec = reader_for(path)
    return READERS["segmented"] if segmented and spec.name == DEFAULT_FORMAT else spec


def _a(name: str) -> str:
    """"a TSV", "an XLIFF", "a TMX": the article as the name is read aloud."""
    return f"an {name}" if name[:1].upper() in "AEFHILMNORSX" else f"a {name}"


def read_document(path: Path, lang: str, segmented: bool = False) -> Document:
    """One text of a check (a side of a pair, an n-way check's source or translation); a
    bilingual file (TSV, TMX, XLIFF) is refused, not read as prose."""
    path = Path(path)
    if reader_for(path).name == DEFAULT_FORMAT and exists(path) \
            and (other := _bilingual_suffix(path)):
        raise InputError(f"{path}: {_a(other)} file holds both sides of a translation, not one "
                         "text; check it alone: qa-pipeline check FILE")
    spec = _side_reader(path, segmented)
    assert spec.read_document is not None
    return spec.read_document(path, lang)


def exists(path: Path) -> bool:
    """Whether the path can be seen (behind a folder that cannot be entered: no; its reader
    then names the problem in one line)."""
    try:
        return path.exists()
    except OSError:
        return False


def each_once(named: Sequence[tuple[Path, str]]) -> None:
    """Refuse a file given twice (also through another path or a link): the check would
    compare a text with itself. `named`: each file and how the message calls it."""
    seen: dict[tuple[int, int], str] = {}
    for path, name in named:
        try:  # by device and inode: a hard link is the same file under another name too
            st = path.stat()
        except OSError:
            continue  # the reader names a missing (or unreadable) file
        if (twin := seen.get((st.st_dev, st.st_ino))) is not None:
            raise InputError(f"{path}: the same file as {twin}; give each text once")
        seen[(st.st_dev, st.st_ino)] = name


def read_inputs(src: Path, tgt: Path | None, src_lang: str, tgt_lang: str,
                segmented: bool = False, tsv_header: bool | None = None) -> Inputs:
    """Both documents of a check: a pair of files, or one bilingual file when `tgt` is None."""
    src, tgt = Path(src), None if tgt is None else Path(tgt)
    if tsv_header is not None and (tgt is not None or reader_for(src, bilingual=True).name
                                   != "tsv"):
        raise InputError("--tsv-header / --no-tsv-header apply to one TSV file; "
                         f"{src.name if tgt is None else 'SRC TGT'} is not one")
    if tgt is None:
        spec = reader_for(src, bilingual=True)
        assert spec.read_pairs is not None
        inputs = spec.read_pairs(src, src_lang, tgt_lang, ReadOptions(segmented, tsv_header))
        return replace(inputs, format=spec.name)
    each_once([(src, "SRC"), (tgt, "TGT")])
    for path in (src, tgt):
        if reader_for(path).name == DEFAULT_FORMAT and exists(path):  # else: no such file
            other = _bilingual_suffix(path)
            if other is not None:
                raise InputError(f"{path}: {_a(other)} file holds both sides; give it as the "
                                 "only file: qa-pipeline check FILE --src-lang L --tgt-lang L")
    return Inputs(read_document(src, src_lang, segmented), read_document(tgt, tgt_lang, segmented),
                  format=_side_reader(src, segmented).name)


def declared_langs(path: Path) -> tuple[str, str]:
    """The (source, target) languages a bilingual file declares, "" where it says nothing or
    cannot be read (its reader names that problem when the file is read)."""
    try:
        spec = reader_for(path, bilingual=True)
        if spec.declared_langs is None:
            return "", ""
        return spec.declared_langs(path)
    except InputError:
        return "", ""


def _bilingual_suffix(path: Path) -> str | None:
    suffix = path.suffix.lower()
    for spec in READERS.values():
        if spec.bilingual and suffix in spec.suffixes:
            return spec.name.upper()
    return None


__all__ = ["READERS", "Inputs", "ReadOptions", "ReaderSpec", "declared_langs", "read_document",
           "read_inputs", "read_text", "reader_for"]
