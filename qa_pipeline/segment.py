"""Paragraph and sentence segmentation for plain text and pre-segmented input.

Sentences come from `sentencex` with one language-independent repair: a piece that starts with
a lower-case letter continues the previous sentence. That undoes splits after abbreviations
and ordinal numbers ("5." in Estonian dates, "a." for year, "nt.") that the splitter's
abbreviation lists miss.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .io.normalise import INVISIBLE, clean, compose, is_blank
from .types import Document, Paragraph, Sentence

SEGMENTER = "sentencex+lowercase-join/1"
# A blank line may hold spaces of any kind and invisible characters.
_BLANK = re.compile(rf"\n(?:[^\S\n]|[{INVISIBLE}])*\n")
_WS = re.compile(r"\s+")
# (text, display, offsets): a sentence's analysed text and, when it differs, the text as given
# with the offset map (see types.Sentence).
SentenceText = tuple[str, str, tuple[int, ...]]


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_blocks_at(text: str) -> list[tuple[int, str]]:
    """Blank-line separated blocks as given, each with where it starts in the text with its
    line breaks made "\\n"; with no blank line at all, one per line."""
    text = _newlines(text)
    sep = _BLANK if _BLANK.search(text.strip("\n")) else re.compile("\n")
    out, pos = [], 0
    for m in [*sep.finditer(text), None]:
        end = m.start() if m else len(text)
        block = text[pos:end]
        if block.strip("\n") and not is_blank(block):
            lead = len(block) - len(block.lstrip("\n"))
            out.append((pos + lead, block.strip("\n")))
        if m:
            pos = m.end()
    return out


def split_blocks(text: str) -> list[str]:
    """Blank-line separated blocks as given; with no blank line at all, one per line."""
    return [b for _, b in split_blocks_at(text)]


def split_paragraphs(text: str) -> list[str]:
    """Blank-line separated blocks, normalised; with no blank line at all, one per line."""
    return [p for p in (clean(b).text for b in split_blocks(text)) if p]


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


def block_sentences(block: str, lang: str, original: str | None = None,
                    to_original: Sequence[int] | None = None) -> list[SentenceText]:
    """The sentences of one block of text, normalised (`io.normalise.clean`), each with the
    text as given when it differs. `original` and `to_original` say where `block` itself
    came from (a reader that stripped markup); by default `block` is the original."""
    return [s for s, _ in block_sentences_at(block, lang, original, to_original)]


def block_sentences_at(block: str, lang: str, original: str | None = None,
                       to_original: Sequence[int] | None = None,
                       ) -> list[tuple[SentenceText, int]]:
    """`block_sentences`, each with where it starts in the text as given (the block's start
    where the splitter changed the text)."""
    m = clean(block)
    given = block if original is None or to_original is None else original
    found: list[tuple[str, tuple[int, ...] | None]] = []
    pos = 0
    for piece in split_sentences(m.text, lang) if m.text else []:
        a = m.text.find(piece, pos)
        if a < 0:  # the splitter changed the text; keep the analysed text alone
            found.append((piece, None))
            continue
        b = a + len(piece)
        pos = b
        offs = (*m.offsets[a:b], m.span(a, b)[1])
        if given is not block and to_original is not None:
            offs = compose(to_original, offs)
        found.append((piece, offs))
    out: list[tuple[SentenceText, int]] = []
    for k, (piece, maybe) in enumerate(found):
        if maybe is None:
            out.append(((piece, "", ()), out[-1][1] if out else 0))
            continue
        offs = maybe
        # Markup before the first sentence and after the last belongs to them.
        start = len(given) - len(given.lstrip()) if k == 0 else offs[0]
        end = len(given.rstrip()) if k == len(found) - 1 else max(offs[0], offs[-1])
        display = given[start:end]
        if _WS.sub(" ", display).strip() == piece:
            out.append(((piece, "", ()), start))
        else:
            out.append(((piece, display, tuple(max(0, o - start) for o in offs)), start))
    return out


class LineCounter:
    """1-based line numbers of positions in one text, asked for in increasing order (a
    position before the last one asked counts from the start again)."""

    def __init__(self, text: str) -> None:
        self._text, self._pos, self._line = text, 0, 1

    def __call__(self, pos: int) -> int:
        if pos < self._pos:
            self._pos, self._line = 0, 1
        self._line += self._text.count("\n", self._pos, pos)
        self._pos = pos
        return self._line


def build_document(path: str, lang: str, paragraphs: Sequence[Sequence[str | SentenceText]],
                   encoding: str = "", lines: Sequence[Sequence[int]] | None = None,
                   ) -> Document:
    """Number sentences in document order from a list of paragraphs of sentences (plain
    strings, or (text, display, offsets) triples from `block_sentences`); `lines`, shaped
    like `paragraphs`, is where each sentence starts in its file (1-based)."""
    sentences: list[Sentence] = []
    paras: list[Paragraph] = []
    for p, sents in enumerate(paragraphs):
        if not sents:
            continue
        pid = len(paras)
        ids = []
        for k, item in enumerate(sents):
            text, display, offsets = (item, "", ()) if isinstance(item, str) else item
            ids.append(len(sentences))
            sentences.append(Sentence(id=len(sentences), paragraph=pid, text=text,
                                      display=display, offsets=offsets,
                                      line=lines[p][k] if lines is not None else 0))
        paras.append(Paragraph(id=pid, sentences=tuple(ids)))
    return Document(path=path, lang=lang, paragraphs=tuple(paras), sentences=tuple(sentences),
                    encoding=encoding)


def segment_text(text: str, path: str, lang: str, encoding: str = "") -> Document:
    """Running text: paragraphs from blank lines, sentences from the segmenter, each sentence
    with the line of the text where it starts."""
    line = LineCounter(_newlines(text))
    paragraphs, lines = [], []
    for at, block in split_blocks_at(text):
        found = block_sentences_at(block, lang)
        paragraphs.append([s for s, _ in found])
        lines.append([line(at + start) for _, start in found])
    return build_document(path, lang, paragraphs, encoding, lines)


def line_sentence(line: str) -> SentenceText:
    """One line as one sentence (pre-segmented input, a TSV cell), normalised."""
    m = clean(line)
    start, end = m.span(0, len(m.text))
    display = line[start:end]
    if _WS.sub(" ", display).strip() == m.text:
        return m.text, "", ()
    return m.text, display, tuple(o - start for o in m.offsets)


def parse_segmented(text: str, path: str, lang: str, encoding: str = "") -> Document:
    """One sentence per line, a blank line between paragraphs; ids follow non-blank lines."""
    paragraphs: list[list[SentenceText]] = [[]]
    lines: list[list[int]] = [[]]
    for n, line in enumerate(_newlines(text).split("\n"), start=1):
        sent = line_sentence(line)
        if sent[0]:
            paragraphs[-1].append(sent)
            lines[-1].append(n)
        elif paragraphs[-1]:
            paragraphs.append([])
            lines.append([])
    return build_document(path, lang, paragraphs, encoding, lines)
