"""Markdown, one side of a pair like plain text (parsed with markdown-it-py, CommonMark).

Every block of prose is its own paragraph: headings, paragraphs, list items, table cells,
block quotes. Markup (emphasis, links, inline HTML) is stripped for embedding and kept for
display; code blocks, HTML blocks and front matter (YAML between `---` lines, TOML between
`+++` lines) are not prose and are left out.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..segment import SentenceText, block_sentences_at, unify_newlines
from ..segment import build_document as _build
from ..types import Document
from .base import ReaderSpec
from .normalise import subsequence_offsets
from .text import read_file

_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)


def _plain(inline: Any) -> str:
    out: list[str] = []
    for t in inline.children or []:
        if t.type in ("text", "code_inline"):
            out.append(t.content)
        elif t.type in ("softbreak", "hardbreak") or (
                t.type == "html_inline" and _BREAK_TAG.match(t.content)):
            out.append("\n")  # "eilutė<br>kita": two words, not one
        elif t.type == "image":
            out.append(t.content)
    return "".join(out)


def _without_front_matter(lines: list[str]) -> list[str]:
    """A static-site generator's front matter (opening the file: YAML between `---` lines,
    Hugo's TOML between `+++` lines; title, date, layout) is settings, not prose: its lines
    are blanked, so line numbers stay."""
    if not lines or lines[0].strip() not in ("---", "+++"):
        return lines
    fence = lines[0].strip()
    ends = ("---", "...") if fence == "---" else ("+++",)
    for j in range(1, min(len(lines), 200)):
        if lines[j].strip() in ends:
            body = [x for x in lines[1:j] if x.strip()]
            if body and (_is_yaml(body) if fence == "---" else _is_toml(body)):
                return [""] * (j + 1) + lines[j + 1:]
            return lines
    return lines


def _is_yaml(body: list[str]) -> bool:
    """YAML: "key: value" lines, their indented or "- " continuations, and not every key's
    value a sentence: a thematic break around prose ("---", a paragraph, "---"), or around
    notes such as "Note: this manual covers version 3 only.", is prose."""
    keys = [x for x in body if _YAML_KEY.match(x)]
    return bool(keys) and body[0] in keys and all(
        x in keys or x[:1].isspace() or x.startswith("- ") for x in body) and not all(
        _SENTENCE.search(_YAML_KEY.sub("", x, count=1)) for x in keys)


def _is_toml(body: list[str]) -> bool:
    """TOML: "key = value" lines, "[table]" headers, and indented or closing lines of a value
    written over several lines."""
    return bool(_TOML_KEY.match(body[0])) and all(
        _TOML_KEY.match(x) or _TOML_TABLE.match(x) or x[:1].isspace() or x[:1] in "]}\"'"
        for x in body)


# A YAML key: one word, no spaces ("title:", "og.image:", "last-modified:").
_YAML_KEY = re.compile(r"[\w.-]+\s*:(?:\s|$)")
# A value that is a sentence, not a setting: unquoted, three words or more, ending as a
# sentence ends ("this manual covers version 3 only.").
_SENTENCE = re.compile(r"^\s*[^\s\"'\[{|>&*!%@`#-]\S*(?:\s+\S+){2,}[.!?…]\s*$")
_TOML_KEY = re.compile(r"[\w.\"'-]+\s*=\s*\S")
_TOML_TABLE = re.compile(r"\s*\[\[?[\w.\"' -]+\]\]?\s*$")


# Markup whose characters are no text of the block: a tag with its attributes ("<abbr
# title=…>"), a link's target ("](https://…)"), an entity ("&amp;"). Masked before the block's
# plain text is matched to it character by character, so that "ES" maps onto the element's text
# and not into an attribute.
_MARKUP = re.compile(r"<[^<>\n]*>|\]\([^()\n]*\)|&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")
_PIPE = re.compile(r"(?<!\\)\|")


def _masked(shown: str) -> str:
    """`shown` with the markup `_MARKUP` finds blanked out (the same length)."""
    return _MARKUP.sub(lambda m: "\0" * len(m.group()), shown)


def _cell(row: str, k: int) -> str:
    """The text of a table row's k-th cell as given (between its pipes), or the row."""
    bars = [m.start() for m in _PIPE.finditer(row)]
    bounds = ([] if row.lstrip().startswith("|") else [-1]) + bars
    if not row.rstrip().endswith("|") or not bars:
        bounds.append(len(row))
    if k + 1 >= len(bounds):
        return row
    return row[bounds[k] + 1:bounds[k + 1]]


# An ordered list marker that is the paragraph's first word, not a list: a year ("1939. aasta
# tulekahjus", "2020. gadā") or an ordinal the sentence goes on from in lower case ("5. mail
# toimub") that does not continue the list's count. CommonMark reads both as list items (and
# blank lines do not end a list) and drops the number.
_YEAR_MARKER = re.compile(r"[12]\d{3}")


def _text_markers(tokens: list[Any]) -> dict[int, str]:
    """For the first inline token of each ordered-list item whose marker is text: its index,
    and the marker as written ("1939.")."""
    out: dict[int, str] = {}
    for i, tok in enumerate(tokens):
        if tok.type != "ordered_list_open":
            continue
        items = []
        for j in range(i + 1, len(tokens)):
            t = tokens[j]
            if t.type == "ordered_list_close" and t.level == tok.level:
                break
            if t.type == "list_item_open" and t.level == tok.level + 1:
                items.append(j)
        numbers = [int(tokens[j].info) if tokens[j].info.isdigit() else -1 for j in items]
        for k, j in enumerate(items):
            inline = next((i2 for i2 in range(j + 1, len(tokens))
                           if tokens[i2].type == "inline"), None)
            if inline is None:
                continue
            marker, text = tokens[j].info, tokens[inline].content
            # an item that opens a count at 1, or counts on from the one before or into the
            # one after (a list resumed after a code block starts at 2), is a list's
            counted = (k == 0 and numbers[k] == 1) or (
                k > 0 and numbers[k - 1] + 1 == numbers[k]) or (
                k + 1 < len(items) and numbers[k + 1] == numbers[k] + 1)
            if _YEAR_MARKER.fullmatch(marker) or (
                    not counted and text[:1].isalpha() and text[:1].islower()):
                out[inline] = marker + tokens[j].markup
    return out


def markdown_paragraphs(text: str, lang: str, env: dict[str, Any] | None = None,
                        ) -> tuple[list[list[SentenceText]], list[list[int]]]:
    """The prose blocks' sentences, and the line (1-based) where each starts; `env` receives
    the parser's environment (its link reference definitions under "references")."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")
    lines = _without_front_matter(unify_newlines(text).split("\n"))
    paragraphs: list[list[SentenceText]] = []
    starts: list[list[int]] = []
    cell = -1
    tokens = md.parse("\n".join(lines), {} if env is None else env)
    markers = _text_markers(tokens)
    for i, tok in enumerate(tokens):
        if tok.type == "tr_open":
            cell = -1
        elif tok.type in ("th_open", "td_open"):
            cell += 1
        if tok.type != "inline" or not tok.map:
            continue
        plain = _plain(tok)
        if i in markers:
            plain = f"{markers[i]} {plain}"
        shown = "\n".join(lines[tok.map[0]:tok.map[1]])
        if cell >= 0 and tok.map[1] - tok.map[0] == 1:  # a table cell: its own part of the row
            shown = _cell(shown, cell)
        found = block_sentences_at(plain, lang, shown,
                                   subsequence_offsets(plain, _masked(shown)))
        if found:
            paragraphs.append([s for s, _ in found])
            starts.append([tok.map[0] + 1 + shown.count("\n", 0, at) for _, at in found])
    return paragraphs, starts


def read_markdown(path: Path, lang: str) -> Document:
    f = read_file(path, (lang,))
    env: dict[str, Any] = {}
    paragraphs, lines = markdown_paragraphs(f.text, lang, env)
    doc = _build(str(path), lang, paragraphs, f.encoding, lines)
    if not doc.sentences:
        raise InputError(f"{path}: no sentences found (only code or markup?)")
    refs = tuple(sorted((str(k), str(v.get("href", "")))
                        for k, v in env.get("references", {}).items()))
    return replace(doc, link_targets=refs) if refs else doc


READER = ReaderSpec("md", (".md", ".markdown"), read_document=read_markdown)
