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


def split_blocks(text: str) -> list[str]:
    """Blank-line separated blocks as given; with no blank line at all, one per line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    blocks = _BLANK.split(text) if _BLANK.search(text) else text.split("\n")
    return [b for b in blocks if not is_blank(b)]


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
    out: list[SentenceText] = []
    for k, (piece, maybe) in enumerate(found):
        if maybe is None:
            out.append((piece, "", ()))
            continue
        offs = maybe
        # Markup before the first sentence and after the last belongs to them.
        start = len(given) - len(given.lstrip()) if k == 0 else offs[0]
        end = len(given.rstrip()) if k == len(found) - 1 else max(offs[0], offs[-1])
        display = given[start:end]
        if _WS.sub(" ", display).strip() == piece:
            out.append((piece, "", ()))
        else:
            out.append((piece, display, tuple(max(0, o - start) for o in offs)))
    return out


def build_document(path: str, lang: str, paragraphs: Sequence[Sequence[str | SentenceText]],
                   encoding: str = "") -> Document:
    """Number sentences in document order from a list of paragraphs of sentences (plain
    strings, or (text, display, offsets) triples from `block_sentences`)."""
    sentences: list[Sentence] = []
    paras: list[Paragraph] = []
    for sents in paragraphs:
        if not sents:
            continue
        pid = len(paras)
        ids = []
        for item in sents:
            text, display, offsets = (item, "", ()) if isinstance(item, str) else item
            ids.append(len(sentences))
            sentences.append(Sentence(id=len(sentences), paragraph=pid, text=text,
                                      display=display, offsets=offsets))
        paras.append(Paragraph(id=pid, sentences=tuple(ids)))
    return Document(path=path, lang=lang, paragraphs=tuple(paras), sentences=tuple(sentences),
                    encoding=encoding)


def segment_text(text: str, path: str, lang: str, encoding: str = "") -> Document:
    return build_document(path, lang, [block_sentences(b, lang) for b in split_blocks(text)],
                          encoding)


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
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs: list[list[SentenceText]] = [[]]
    for line in text.split("\n"):
        sent = line_sentence(line)
        if sent[0]:
            paragraphs[-1].append(sent)
        elif paragraphs[-1]:
            paragraphs.append([])
    return build_document(path, lang, paragraphs, encoding)
