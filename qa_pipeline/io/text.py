"""Reading an input file's bytes into text, with errors that name the file and the fix."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError

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
