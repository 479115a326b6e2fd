"""Aligned pairs as TSV: `source<TAB>target` per line, one 1-1 bead each (no alignment step).

The first line is a header row when `--tsv-header` says so, or, by default, when its two cells
name the languages (`lt<TAB>et`, `lt-LT<TAB>et-EE`) or the columns (`source<TAB>target`).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..segment import line_sentence
from .base import Inputs, ReaderSpec, ReadOptions
from .text import read_file
from .units import Unit, same_lang, units_to_inputs

HEADER_WORDS = frozenset({"source", "target", "src", "tgt", "trg", "original", "translation"})


def is_header(cells: list[str], src_lang: str, tgt_lang: str) -> bool:
    s, t = (c.strip().lower() for c in cells)
    return (same_lang(s, src_lang) and same_lang(t, tgt_lang)) or (
        s in HEADER_WORDS and t in HEADER_WORDS)


def read_pairs_tsv(path: Path, src_lang: str, tgt_lang: str,
                   options: ReadOptions = ReadOptions()) -> Inputs:
    f = read_file(path, (src_lang, tgt_lang))
    units: list[Unit] = []
    first = True
    for lineno, line in enumerate(f.text.replace("\r\n", "\n").split("\n"), start=1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 2:
            raise InputError(
                f"{path}:{lineno}: expected 2 tab-separated columns (source<TAB>target), "
                f"found {len(parts)}"
            )
        if first:
            first = False
            header = options.tsv_header
            if header or (header is None and is_header(parts, src_lang, tgt_lang)):
                continue
        s, t = (line_sentence(p) for p in parts)
        if not s[0] or not t[0]:
            raise InputError(f"{path}:{lineno}: empty {'source' if not s[0] else 'target'} "
                             "column")
        units.append((s, t))
    if not units:
        raise InputError(f"{path}: no pairs found")
    return units_to_inputs(path, src_lang, tgt_lang, units, f.encoding)


READER = ReaderSpec("tsv", (".tsv", ".tab"), read_pairs=read_pairs_tsv)
