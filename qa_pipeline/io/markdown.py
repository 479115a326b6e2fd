"""Markdown, one side of a pair like plain text (parsed with markdown-it-py, CommonMark).

Every block of prose is its own paragraph: headings, paragraphs, list items, table cells,
block quotes. Markup (emphasis, links, inline HTML) is stripped for embedding and kept for
display; code blocks and HTML blocks are not prose and are left out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import InputError
from ..segment import SentenceText, block_sentences
from ..segment import build_document as _build
from ..types import Document
from .base import ReaderSpec
from .normalise import subsequence_offsets
from .text import read_file


def _plain(inline: Any) -> str:
    out: list[str] = []
    for t in inline.children or []:
        if t.type in ("text", "code_inline"):
            out.append(t.content)
        elif t.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif t.type == "image":
            out.append(t.content)
    return "".join(out)


def markdown_paragraphs(text: str, lang: str) -> list[list[SentenceText]]:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    paragraphs: list[list[SentenceText]] = []
    for tok in md.parse("\n".join(lines)):
        if tok.type != "inline" or not tok.map:
            continue
        plain = _plain(tok)
        shown = "\n".join(lines[tok.map[0]:tok.map[1]])
        sents = block_sentences(plain, lang, shown, subsequence_offsets(plain, shown))
        if sents:
            paragraphs.append(sents)
    return paragraphs


def read_markdown(path: Path, lang: str) -> Document:
    f = read_file(path, (lang,))
    doc = _build(str(path), lang, markdown_paragraphs(f.text, lang), f.encoding)
    if not doc.sentences:
        raise InputError(f"{path}: no sentences found (only code or markup?)")
    return doc


READER = ReaderSpec("md", (".md", ".markdown"), read_document=read_markdown)
