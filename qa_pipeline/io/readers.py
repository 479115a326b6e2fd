"""The readers registry: one module per input format, one line each in READERS."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..types import Document
from . import plain, segmented, tsv
from .base import Inputs, ReaderSpec
from .text import read_text

READERS: dict[str, ReaderSpec] = {spec.name: spec for spec in (
    plain.READER,
    segmented.READER,
    tsv.READER,
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


def read_document(path: Path, lang: str, segmented: bool = False) -> Document:
    spec = reader_for(path, "segmented" if segmented else None)
    assert spec.read_document is not None
    return spec.read_document(path, lang)


def read_inputs(src: Path, tgt: Path | None, src_lang: str, tgt_lang: str,
                segmented: bool = False) -> Inputs:
    """Both documents of a check: a pair of files, or one bilingual file when `tgt` is None."""
    if tgt is None:
        spec = reader_for(src, bilingual=True)
        assert spec.read_pairs is not None
        return spec.read_pairs(src, src_lang, tgt_lang)
    return Inputs(read_document(src, src_lang, segmented), read_document(tgt, tgt_lang, segmented))


__all__ = ["READERS", "Inputs", "ReaderSpec", "read_document", "read_inputs", "read_text",
           "reader_for"]
