"""Readers: plain text, pre-segmented text and aligned TSV pairs, with errors that name the file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..segment import build_document, parse_segmented, segment_text
from ..types import Bead, Document

MAX_BYTES = 50 * 1024 * 1024


def read_text(path: Path) -> str:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, expected a text file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InputError(f"{path}: {size} bytes is larger than the {MAX_BYTES} byte limit")
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise InputError(f"{path}: looks like a binary file, expected UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(
            f"{path}: not valid UTF-8 (byte {e.start}); convert it, e.g. with iconv -t UTF-8"
        ) from e
    if not text.strip():
        raise InputError(f"{path}: the file is empty")
    return text


def read_document(path: Path, lang: str, segmented: bool = False) -> Document:
    text = read_text(path)
    doc = (
        parse_segmented(text, str(path), lang) if segmented else segment_text(text, str(path), lang)
    )
    if not doc.sentences:
        raise InputError(f"{path}: no sentences found")
    return doc


@dataclass(frozen=True)
class PairedInput:
    source: Document
    target: Document
    beads: tuple[Bead, ...]


def read_pairs_tsv(path: Path, src_lang: str, tgt_lang: str) -> PairedInput:
    """`source<TAB>target` per line: one 1-1 bead per line, no alignment step."""
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
    return PairedInput(sdoc, tdoc, beads)
