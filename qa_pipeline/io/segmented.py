"""Pre-segmented text: one sentence per line, a blank line between paragraphs."""

from __future__ import annotations

from pathlib import Path

from ..segment import parse_segmented
from ..types import Document
from .base import ReaderSpec
from .text import read_document_with


def read_segmented(path: Path, lang: str) -> Document:
    return read_document_with(path, lang, parse_segmented)


READER = ReaderSpec("segmented", (), read_document=read_segmented)
