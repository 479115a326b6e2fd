"""HTML, one side of a pair like plain text (parsed with the standard library's html.parser).

Every block element's text is its own paragraph (headings, paragraphs, list items, table
cells, the page's <title>); inline elements (<a>, <strong>, <span>, …) are part of the text
around them and a <br> separates words. What is not prose is left out: the DOCTYPE, comments,
<script>, <style>, <template> and the rest of <head>. Entities are decoded (`&nbsp;`,
`&#8212;`). Each sentence knows the line of the file where it starts.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from ..errors import InputError
from ..segment import SentenceText, block_sentences_at, unify_newlines
from ..segment import build_document as _build
from ..types import Document
from .base import ReaderSpec
from .text import read_file

# Elements whose text is not prose: left out with everything inside them.
SKIPPED = frozenset({"script", "style", "template", "noscript", "svg", "math", "head", "iframe",
                     "object", "canvas", "select", "textarea"})
# Elements that start and end a paragraph; any other element is inline, part of the text.
BLOCKS = frozenset({
    "title", "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "td", "th",
    "caption", "figcaption", "blockquote", "pre", "address", "section", "article", "header",
    "footer", "nav", "aside", "main", "ul", "ol", "dl", "table", "tr", "thead", "tbody",
    "tfoot", "form", "fieldset", "legend", "figure", "details", "summary", "hr", "body",
    "html", "option", "label", "button",
})


class _Blocks(HTMLParser):
    """Collects each block's text with the lines its pieces start on."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, list[tuple[int, int]]]] = []  # (text, [(offset, line)])
        self._text: list[str] = []
        self._anchors: list[tuple[int, int]] = []
        self._size = 0
        self._skip: list[str] = []  # the skipped elements open around the parser
        self._title = False  # inside <head>'s <title>, the one text of <head> kept

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip == ["head"] and tag in BLOCKS and tag != "title":
            self._skip.clear()  # the body's first block ends a <head> left open
        if tag == "title" and self._skip == ["head"]:
            self._flush()
            self._title = True
        elif tag in SKIPPED:
            self._skip.append(tag)
        elif self._skip:  # a block inside a skipped element (an <svg>'s <title>) is none
            return
        elif tag in BLOCKS:
            self._flush()
        elif tag == "br":
            self._add("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip:
            return
        if tag in BLOCKS:
            self._flush()
        elif tag == "br":
            self._add("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._title:
            self._flush()
            self._title = False
        elif tag in SKIPPED:
            if tag in self._skip:  # close it and whatever was left open inside it
                del self._skip[len(self._skip) - 1 - self._skip[::-1].index(tag):]
        elif tag in BLOCKS and not self._skip:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._skip and not self._title:
            return
        self._anchors.append((self._size, self.getpos()[0]))
        self._add(data)

    def _add(self, text: str) -> None:
        if self._skip and not self._title:
            return
        self._text.append(text)
        self._size += len(text)

    def _flush(self) -> None:
        text = "".join(self._text)
        if text.strip():
            self.blocks.append((text, self._anchors))
        self._text, self._anchors, self._size = [], [], 0

    def close(self) -> None:
        super().close()
        self._flush()


def _line(text: str, anchors: list[tuple[int, int]], at: int) -> int:
    """The line of the file where `text[at]` is: the last piece starting at or before it, and
    the line breaks after that piece's start."""
    offset, line = next(((o, n) for o, n in reversed(anchors) if o <= at), anchors[0])
    return line + text.count("\n", offset, at)


def html_paragraphs(text: str, lang: str) -> tuple[list[list[SentenceText]], list[list[int]]]:
    """The prose blocks' sentences, and the line (1-based) where each starts."""
    parser = _Blocks()
    parser.feed(unify_newlines(text))
    parser.close()
    paragraphs: list[list[SentenceText]] = []
    starts: list[list[int]] = []
    for block, anchors in parser.blocks:
        found = block_sentences_at(block, lang)
        if found:
            paragraphs.append([s for s, _ in found])
            starts.append([_line(block, anchors, at) for _, at in found])
    return paragraphs, starts


def read_html(path: Path, lang: str) -> Document:
    f = read_file(path, (lang,))
    paragraphs, lines = html_paragraphs(f.text, lang)
    doc = _build(str(path), lang, paragraphs, f.encoding, lines)
    if not doc.sentences:
        raise InputError(f"{path}: no sentences found (only markup, scripts or styles?)")
    return doc


READER = ReaderSpec("html", (".html", ".htm", ".xhtml"), read_document=read_html)
