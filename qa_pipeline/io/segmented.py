"""Pre-segmented text: one sentence per line, a blank line between paragraphs."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..segment import parse_segmented
from ..types import Document
from .base import ReaderSpec
from .text import read_file


def read_segmented(path: Path, lang: str) -> Document:
    f = read_file(path)
    doc = parse_segmented(f.text, str(path), lang, f.encoding)
    if not doc.sentences:
        raise InputError(f"{path}: no sentences found")
    return doc


READER = ReaderSpec("segmented", (), read_document=read_segmented)
