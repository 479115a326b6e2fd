"""Aligned pairs as TSV: `source<TAB>target` per line, one 1-1 bead each (no alignment step).

The first line is a header row when `--tsv-header` says so, or, by default, when its two cells
name the languages, written as codes (`lt<TAB>et`, `lt-LT<TAB>et-EE`, `pt-BR<TAB>pt-PT`; they
are then the languages the file declares, the defaults of --src-lang / --tgt-lang; a row of
words such as `Yes<TAB>Ja` or `Tag<TAB>Day` is text) or the columns (`source<TAB>target`,
`Source text<TAB>Target text`).

As a spreadsheet saves it: empty cells after the second are dropped; a cell Excel quoted
(`"…"`, inner quotes doubled) is unquoted, and one holding a tab or a line break is read as
one cell (also on a row whose target cell is empty). A row with an empty target is an
untranslated unit (an omission, as in XLIFF); one with an empty source, an addition.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ..errors import InputError
from ..langs import is_lang
from ..segment import line_sentence, unify_line_ends
from .base import Inputs, ReaderSpec, ReadOptions
from .text import read_file
from .units import Unit, same_lang, units_to_inputs

HEADER_WORDS = frozenset({"source", "target", "src", "tgt", "trg", "original", "translation",
                          "text", "segment", "language", "lang"})
# A whole cell Excel quoted: "…", with any quote inside doubled.
_QUOTED = re.compile(r'"((?:[^"]|"")*)"', re.DOTALL)
# A language code as a header writes it: the language in lower case or capitals, 2-3 letters,
# then perhaps a script and a region ("lt", "EN", "pt-BR", "sr-Latn-RS", "es-419", "et_EE").
# A capitalised word ("Yes", "Ja", "Tag", "Max") is text, though it may be a valid code too.
_CODE = re.compile(r"(?:[a-z]{2,3}|[A-Z]{2,3})(?:[-_][A-Z][a-z]{3})?"
                   r"(?:[-_](?:[A-Za-z]{2}|\d{3}))?")


def _code(cell: str) -> bool:
    """Whether a cell is a language code written as one (`_CODE`)."""
    return bool(_CODE.fullmatch(cell)) and is_lang(cell)


def is_header(cells: list[str], src_lang: str, tgt_lang: str) -> bool:
    s, t = (c.strip() for c in cells)
    return (_code(s) and _code(t) and same_lang(s, src_lang) and same_lang(t, tgt_lang)) or (
        _column_words(s.lower()) and _column_words(t.lower()))


def _column_words(cell: str) -> bool:
    """A column header in words, perhaps with its language: "Source text", "Target (et)"."""
    words = re.findall(r"\w+", cell)
    return bool(words) and bool(set(words) & HEADER_WORDS) and all(
        w in HEADER_WORDS or (len(w) <= 3 and is_lang(w)) for w in words)


def _declared(cells: list[str]) -> tuple[str, str] | None:
    """The two language codes a header row names, else None."""
    s, t = (c.strip() for c in cells)
    if _code(s) and _code(t):
        return s, t
    return None


def _unquote(cell: str) -> str:
    """A cell as Excel quoted it: only a cell holding a quote, tab or line break is quoted
    (its quotes doubled), so `"Ačiū!"` alone is the text with its quotes."""
    m = _QUOTED.fullmatch(cell)
    if m and ('""' in m.group(1) or "\t" in m.group(1) or "\n" in m.group(1)):
        return m.group(1).replace('""', '"')
    return cell


def _rows(text: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of each non-empty row, trailing empty cells dropped. Rows are
    lines split at tabs; where a line does not give two cells, or a cell opens a quote it
    does not close (`"Press Ctrl+S to save<TAB>the whole project."<TAB>`: Excel's quoted cell
    holding a tab, before an empty target cell), the file is read as Excel writes quoted
    cells (a quoted cell may hold a tab or a line break)."""
    def trimmed(cells: list[str]) -> list[str]:
        while len(cells) > 2 and not cells[-1].strip():
            cells = cells[:-1]
        return cells

    # Old Mac files end lines with a lone CR; a vertical tab or U+2028 is a line break inside a
    # cell (FileMaker's export), not a row's end.
    text = unify_line_ends(text)
    lines = text.split("\n")
    plain = [(n, trimmed(line.split("\t"))) for n, line in enumerate(lines, start=1)
             if line.strip()]
    if all(len(cells) == 2 and not any(_opens_quote(c) for c in cells) for _, cells in plain):
        return [(n, [_unquote(c) for c in cells]) for n, cells in plain]
    if '"' in text:
        reader = csv.reader(io.StringIO(text), delimiter="\t",
                            quotechar='"', strict=True)
        quoted = []
        try:
            start = reader.line_num + 1
            for row in reader:  # each row named by the line it starts on
                if any(c.strip() for c in row):
                    quoted.append((start, trimmed(row)))
                start = reader.line_num + 1
        except csv.Error:
            quoted = []
        if quoted and all(len(cells) == 2 for _, cells in quoted):
            return quoted
    return plain


def _opens_quote(cell: str) -> bool:
    """A cell that starts a quote it does not close: the tab or line break after it is inside
    a quoted cell (or the quote is text, which Excel's reading then refuses)."""
    return cell.startswith('"') and not _QUOTED.fullmatch(cell)


def read_pairs_tsv(path: Path, src_lang: str, tgt_lang: str,
                   options: ReadOptions = ReadOptions()) -> Inputs:
    f = read_file(path, (src_lang, tgt_lang))
    units: list[Unit] = []
    ids: list[str] = []
    lines: list[int] = []
    first = True
    for lineno, cells in _rows(f.text):
        if len(cells) != 2:
            raise InputError(
                f"{path}:{lineno}: expected 2 tab-separated columns (source<TAB>target), "
                f"found {len(cells)}"
            )
        if first:
            first = False
            header = options.tsv_header
            if header is None and (named := _declared(cells)) and not is_header(
                    cells, src_lang, tgt_lang):
                raise InputError(f"{path}: its header names {named[0]} -> {named[1]}, not "
                                 f"{src_lang} -> {tgt_lang}; set --src-lang {named[0]} "
                                 f"--tgt-lang {named[1]} (or --no-tsv-header if that row is "
                                 "text)")
            if header or (header is None and is_header(cells, src_lang, tgt_lang)):
                continue
        s, t = (line_sentence(" ".join(c.split())) for c in cells)
        units.append((s, t))  # an empty side: untranslated (`units_to_inputs`)
        ids.append(f"line {lineno}")
        lines.append(lineno)
    if not units:
        raise InputError(f"{path}: no pairs found")
    return units_to_inputs(path, src_lang, tgt_lang, units, f.encoding, ids, lines)


def tsv_langs(path: Path) -> tuple[str, str]:
    """The languages a header row of language codes names (`lt-LT<TAB>et-EE`), else ""."""
    try:
        rows = _rows(read_file(path).text)
    except InputError:
        return "", ""  # the reader says what is wrong
    if not rows or len(rows[0][1]) != 2:
        return "", ""
    return _declared(rows[0][1]) or ("", "")


READER = ReaderSpec("tsv", (".tsv", ".tab"), read_pairs=read_pairs_tsv, declared_langs=tsv_langs)
