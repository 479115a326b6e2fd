"""Plain text: paragraphs separated by blank lines, sentences found by the segmenter."""

from __future__ import annotations

from pathlib import Path

from ..segment import segment_text
from ..types import Document
from .base import ReaderSpec
from .text import read_document_with


def read_plain(path: Path, lang: str) -> Document:
    return read_document_with(path, lang, segment_text)


READER = ReaderSpec("txt", (".txt", ".text"), read_document=read_plain)
