"""Plain text: paragraphs separated by blank lines, sentences found by the segmenter."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..segment import segment_text
from ..types import Document
from .base import ReaderSpec
from .text import read_file


def read_plain(path: Path, lang: str) -> Document:
    f = read_file(path)
    doc = segment_text(f.text, str(path), lang, f.encoding)
    if not doc.sentences:
        raise InputError(f"{path}: no sentences found")
    return doc


READER = ReaderSpec("txt", (".txt", ".text"), read_document=read_plain)
