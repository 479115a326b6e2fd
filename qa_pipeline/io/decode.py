"""Bytes to text: which encoding a file is in, decided once and recorded in the signature.

A byte-order mark decides first (UTF-8, UTF-16 and UTF-32, either byte order); then strict
UTF-8; then, for Lithuanian, Latvian and Estonian text, the Baltic legacy code pages a Word
or PDF export may come in (Windows-1257, ISO-8859-13, ISO-8859-4), chosen by
`charset-normalizer` among those three only, so that a detector guess outside the languages
we check can never decide. Text in another language that is not UTF-8 is refused: any byte
decodes in a code page, so a French Latin-1 file read as Windows-1257 would be garbled
("garēon" for "garçon") without a word said.
"""

from __future__ import annotations

import codecs
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

# Longest first: the UTF-32 LE BOM starts with the UTF-16 LE one.
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
LEGACY_ENCODINGS: tuple[str, ...] = ("cp1257", "iso8859_13", "iso8859_4")
# The languages those code pages were made for (their base codes).
LEGACY_LANGS: frozenset[str] = frozenset({"lt", "lv", "et"})
# Control characters no text file holds (tab, newlines and form feed are text); a decoding that
# produces them is the wrong one.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # the codec name that decoded it, e.g. "utf-8", "utf-16-le", "cp1257"


def decode_bytes(data: bytes, name: str, langs: Sequence[str] = ()) -> Decoded:
    """The text of `data` and the encoding it was read with; `name` is used in errors. `langs`:
    the languages the file holds; the legacy code pages are tried only if one of them is
    Baltic (or none is given)."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(codec.removesuffix("-sig"))
            except UnicodeDecodeError as e:
                raise InputError(
                    f"{name}: starts with a {codec.removesuffix('-sig').upper()} byte-order mark "
                    f"but is not valid {codec.removesuffix('-sig').upper()} (byte {e.start}); "
                    "re-export it as UTF-8") from e
            return Decoded(text, codec)
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: looks like a binary file (or UTF-16/32 without a byte-order "
                         "mark), expected text; save it as UTF-8")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as e:
        utf8_error = e
    from ..langs import base_lang

    bases = {base_lang(x) for x in langs}
    if bases and not bases & LEGACY_LANGS:
        raise InputError(
            f"{name}: not valid UTF-8 (byte {utf8_error.start}); convert it, e.g. with "
            "iconv -f ISO-8859-1 -t UTF-8 (name the file's encoding after -f)") from utf8_error
    legacy = _legacy(data)
    if legacy is not None:
        return legacy
    raise InputError(
        f"{name}: not valid UTF-8 (byte {utf8_error.start}) nor "
        f"{', '.join(LEGACY_ENCODINGS)}; convert it, e.g. with iconv -t UTF-8"
    ) from utf8_error


def _legacy(data: bytes) -> Decoded | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS), explain=False).best()
    if best is None:
        return None
    text = str(best)
    if _CONTROL.search(text):
        return None
    return Decoded(text, codecs.lookup(best.encoding).name)


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """A file's bytes, with the checks every reader shares (exists, not a directory, under the
    size limit, not empty)."""
    try:
        st = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise InputError(f"{path}: no such file") from None
    except OSError as e:  # a folder on the way that cannot be entered, a broken mount
        raise InputError(f"{path}: cannot be read ({e.strerror})") from e
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{path}: is a directory, expected a text file")
    def too_large(size: str) -> InputError:
        return InputError(f"{path}: {size} is larger than the {max_bytes / 1e6:.1f} MB limit "
                          "for one input; split the document into parts and check each (see "
                          "README, Large inputs)")

    if st.st_size > max_bytes:
        raise too_large(f"{st.st_size / 1e6:.1f} MB")
    try:
        # Read at most one byte past the limit: a pipe or a device (/dev/zero) has no size
        # to check first and would otherwise be read until memory ran out.
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as e:
        raise InputError(f"{path}: cannot be read ({e.strerror})") from e
    if len(data) > max_bytes:
        raise too_large("what it holds")
    if not data.strip():
        raise InputError(f"{path}: the file is empty")
    return data


def read_decoded(path: Path, max_bytes: int, langs: Sequence[str] = ()) -> Decoded:
    """A file's decoded text (`read_bytes`, then `decode_bytes`)."""
    return decode_bytes(read_bytes(path, max_bytes), str(path), langs)
