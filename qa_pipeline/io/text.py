"""Reading an input file's bytes into text, with errors that name the file and the fix."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ..config import MAX_INPUT_BYTES
from ..errors import InputError
from ..types import Document
from .decode import Decoded, read_decoded
from .normalise import is_blank

# Inputs are read whole; 50 MB of text is ~380,000 lines a side, far beyond any document
# the aligner is meant for (see README, "Large inputs").
MAX_BYTES = MAX_INPUT_BYTES


def read_file(path: Path, langs: Sequence[str] = ()) -> Decoded:
    """The decoded text of `path` (holding text in `langs`, where known) and its encoding; a
    file holding only whitespace and invisible characters is empty."""
    decoded = read_decoded(path, MAX_BYTES, langs)
    if is_blank(decoded.text):
        raise InputError(f"{path}: the file is empty")
    return decoded


def read_text(path: Path) -> str:
    return read_file(path).text


def read_document_with(path: Path, lang: str,
                       parse: Callable[[str, str, str, str], Document]) -> Document:
    """Decode `path` and build its Document with `parse(text, path, lang, encoding)`."""
    f = read_file(path, (lang,))
    doc = parse(f.text, str(path), lang, f.encoding)
    if not doc.sentences:
        raise InputError(f"{path}: no sentences found")
    return doc
