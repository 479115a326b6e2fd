"""Paragraph and sentence segmentation for plain text and pre-segmented input.

Sentences come from `sentencex` with one language-independent repair: a piece that starts with
a lower-case letter continues the previous sentence. That undoes splits after abbreviations
and ordinal numbers ("5." in Estonian dates, "a." for year, "nt.") that the splitter's
abbreviation lists miss.
"""

from __future__ import annotations

import re

from .types import Document, Paragraph, Sentence

SEGMENTER = "sentencex+lowercase-join/1"
_BLANK = re.compile(r"\n[ \t\r\f\v]*\n")
_WS = re.compile(r"\s+")


def split_paragraphs(text: str) -> list[str]:
    """Blank-line separated blocks; with no blank line at all, one paragraph per line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    if _BLANK.search(text):
        blocks = _BLANK.split(text)
    else:
        blocks = text.split("\n")
    return [p for p in (_WS.sub(" ", b).strip() for b in blocks) if p]


def _starts_lower(s: str) -> bool:
    for ch in s:
        if ch.isalpha():
            return ch.islower()
        if ch.isdigit() or ch in '„"“«([':
            return False
    return False


def split_sentences(paragraph: str, lang: str) -> list[str]:
    import sentencex

    pieces = [p.strip() for p in sentencex.segment(lang, paragraph)]
    out: list[str] = []
    for piece in pieces:
        if not piece:
            continue
        if out and _starts_lower(piece):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def build_document(path: str, lang: str, paragraphs: list[list[str]]) -> Document:
    """Number sentences in document order from a list of paragraphs of sentences."""
    sentences: list[Sentence] = []
    paras: list[Paragraph] = []
    for sents in paragraphs:
        if not sents:
            continue
        pid = len(paras)
        ids = []
        for text in sents:
            ids.append(len(sentences))
            sentences.append(Sentence(id=len(sentences), paragraph=pid, text=text))
        paras.append(Paragraph(id=pid, sentences=tuple(ids)))
    return Document(path=path, lang=lang, paragraphs=tuple(paras), sentences=tuple(sentences))


def segment_text(text: str, path: str, lang: str) -> Document:
    return build_document(path, lang, [split_sentences(p, lang) for p in split_paragraphs(text)])


def parse_segmented(text: str, path: str, lang: str) -> Document:
    """One sentence per line, a blank line between paragraphs; ids follow non-blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs: list[list[str]] = [[]]
    for line in text.split("\n"):
        line = _WS.sub(" ", line).strip()
        if line:
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    return build_document(path, lang, paragraphs)
