"""Aligned pairs as TSV: `source<TAB>target` per line, one 1-1 bead each (no alignment step)."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..segment import build_document
from ..types import Bead
from .base import Inputs, ReaderSpec
from .text import read_text


def read_pairs_tsv(path: Path, src_lang: str, tgt_lang: str) -> Inputs:
    text = read_text(path)
    src: list[str] = []
    tgt: list[str] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 2:
            raise InputError(
                f"{path}:{lineno}: expected 2 tab-separated columns (source<TAB>target), "
                f"found {len(parts)}"
            )
        s, t = (p.strip() for p in parts)
        if not s or not t:
            raise InputError(f"{path}:{lineno}: empty {'source' if not s else 'target'} column")
        src.append(s)
        tgt.append(t)
    # One paragraph per pair keeps paragraph-level structure trivially aligned.
    sdoc = build_document(str(path), src_lang, [[s] for s in src])
    tdoc = build_document(str(path), tgt_lang, [[t] for t in tgt])
    beads = tuple(Bead(source=(i,), target=(i,)) for i in range(len(src)))
    return Inputs(sdoc, tdoc, beads)


READER = ReaderSpec("tsv", (".tsv", ".tab"), read_pairs=read_pairs_tsv)
