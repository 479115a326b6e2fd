"""Paragraph and sentence segmentation for plain text and pre-segmented input.

Sentences come from `sentencex` with one language-independent repair: a piece that starts with
a lower-case letter continues the previous sentence. That undoes splits after abbreviations
and ordinal numbers ("5." in Estonian dates, "a." for year, "nt.") that the splitter's
abbreviation lists miss.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from .config import WEB_TLDS as _TLDS
from .io.normalise import INVISIBLE, clean, compose, is_blank
from .langs import base_lang
from .types import Document, Paragraph, Sentence

SEGMENTER = "sentencex+lowercase-join/1"
# A blank line may hold spaces of any kind and invisible characters.
_BLANK = re.compile(rf"\n(?:[^\S\n]|[{INVISIBLE}])*\n")
# Line breaks and runs of plain spaces are how a text is wrapped, not how it is written: a
# sentence that differs from its text as given only in those carries no `display`. A no-break
# or thin space is written (number groups, French punctuation), so the text as given is kept.
_WS = re.compile(r"[ \t\n\r\f\v]+")
# (text, display, offsets): a sentence's analysed text and, when it differs, the text as given
# with the offset map (see types.Sentence).
SentenceText = tuple[str, str, tuple[int, ...]]


def unify_line_ends(text: str) -> str:
    """Windows (CR LF) and old Mac (CR) line ends as "\\n"."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# A vertical tab or form feed (a page break: after a line end as pdftotext writes it, with it).
_VT_FF = re.compile(r"\n?[\v\f]")


def unify_newlines(text: str) -> str:
    """`unify_line_ends`, and Unicode's paragraph separator (U+2029, as word processors export
    a paragraph end) as a blank line, its line separator (U+2028), a vertical tab and a form
    feed as a line break; line numbers count them so (U+2029 as the two line ends of a blank
    line)."""
    text = unify_line_ends(text).replace("\u2029", "\n\n").replace("\u2028", "\n")
    return _VT_FF.sub("\n", text) if "\v" in text or "\f" in text else text


def split_blocks_at(text: str) -> list[tuple[int, str]]:
    """Blank-line separated blocks as given, each with where it starts in the text with its
    line breaks made "\\n"; with no blank line at all, one per line, unless the lines are a
    hard-wrapped text's (`_wrapped`): then a block goes on over a line break unless the line
    ends a sentence and the next does not start in lower case."""
    text = unify_newlines(text)
    if _BLANK.search(text.strip("\n")):
        return _blocks(text, [(m.start(), m.end()) for m in _BLANK.finditer(text)])
    lines = text.split("\n")
    if not _wrapped(lines):
        return _blocks(text, [(m.start(), m.end()) for m in re.finditer("\n", text)])
    breaks, pos = [], 0
    for a, b in pairwise(lines):
        pos += len(a)
        if _ENDS.search(a) and not _starts_lower(b.lstrip()):
            breaks.append((pos, pos + 1))
        pos += 1
    return _blocks(text, breaks)


def _blocks(text: str, breaks: Sequence[tuple[int, int]]) -> list[tuple[int, str]]:
    """The non-blank pieces of `text` between `breaks` ((start, end) of each separator),
    each with its offset, leading and trailing line breaks off."""
    out, pos = [], 0
    for start, end in [*breaks, (len(text), len(text))]:
        block = text[pos:start]
        if block.strip("\n") and not is_blank(block):
            lead = len(block) - len(block.lstrip("\n"))
            out.append((pos + lead, block.strip("\n")))
        pos = end
    return out


# The shortest width a hard-wrapped text is wrapped at (e-mail and terminal texts: 72-80).
WRAP_MIN_WIDTH = 40
# A line that ends a sentence (or a heading's colon, a closing quote or bracket).
_ENDS = re.compile(r"[.!?…:;\"'“”»)\]]\s*$")
_SENTENCE_END = re.compile(r"[.!?…:;]\s*$")


def _wrapped(lines: Sequence[str]) -> bool:
    """Whether lines without a blank line between them are a hard-wrapped text (wrapped at a
    width, so a sentence runs on over line breaks) rather than one paragraph per line: most
    lines stop mid-sentence and many go on in lower case."""
    real = [x.strip() for x in lines if x.strip()]
    if len(real) < 3:
        return False
    n = len(real) - 1
    open_ends = sum(not _ENDS.search(x) for x in real[:-1])
    lower = sum(_starts_lower(x) for x in real[1:])
    # Wrapped at a width: the lines are long, most near the longest (a list of short items,
    # UI strings, ingredients are not).
    width = max(len(x) for x in real)
    near = sum(len(x) >= 0.6 * width for x in real[:-1])
    return (open_ends >= 0.5 * n and lower >= 0.3 * n and width >= WRAP_MIN_WIDTH
            and near >= 0.6 * n)


# A line that opens a list item: a bullet, or "1)", "a)", "(2)" ("1." is left alone: it opens
# an Estonian date, "5. jaanuaril"; a numbered heading is found by `_marker`; a dash "– " is
# Lithuanian dialogue or a parenthesis going on, not a bullet).
_LIST_ITEM = re.compile(r"(?:[-*•‣◦▪]|\(?\d{1,3}\)|\(?[a-zA-Z]\))\s+\S")
_OPENERS = "\"„“«("


def _starts_upper(line: str) -> bool:
    """Whether a line's first letter (after an opening quote or bracket) is a capital."""
    rest = line.lstrip(_OPENERS)
    return bool(rest) and rest[0].isupper()


def line_groups(block: str) -> list[tuple[int, str]]:
    """The parts of a block its line breaks set apart, each with its offset: a list item
    starts a part, and so does the line after a heading (a short line, under 60 % of the
    block's longest, that ends no sentence, before a line that starts in upper case)."""
    lines = block.split("\n")
    if len(lines) < 2:
        return [(0, block)]
    longest = max(len(x.strip()) for x in lines)
    full = [x.strip() for x in lines if x.strip()]
    # Short lines that each start in upper case and end no sentence are items, one per line (a
    # menu, an address, a signature block), not one sentence wrapped.
    # Two lines only when neither ends a sentence: "Sutartį pasirašė direktorius\nJonas
    # Jonaitis ir partneriai." is one sentence wrapped before a name.
    items = len(full) >= 2 and all(_starts_upper(x) and len(x.split()) <= 8 for x in full) \
        and not any(_SENTENCE_END.search(x) for x in (full if len(full) == 2 else full[:-1]))
    out: list[tuple[int, str]] = []
    pos = start = 0
    for k, line in enumerate(lines):
        if k:
            prev, cur = lines[k - 1].strip(), line.lstrip()
            heading = bool(prev) and len(prev.split()) <= 8 and len(prev) < 0.6 * longest \
                and not _ENDS.search(prev) and _starts_upper(cur)
            # "- " after a line that stops mid-clause, before a word in lower case and with
            # its closing dash further on, is a parenthesis going on with the sentence ("and
            # decided\n- after a long debate - to approve"), not a list item.
            going_on = cur[:1] in "-–" and bool(prev) and prev[-1:].isalnum() \
                and _starts_lower(cur[1:]) and not _LIST_ITEM.match(prev) \
                and bool(re.search(r"\s[-–]\s", cur[1:]))
            if (_LIST_ITEM.match(cur) and not going_on) or heading or (items and bool(prev)):
                out.append((start, block[start:pos - 1]))
                start = pos
        pos += len(line) + 1
    out.append((start, block[start:]))
    return [(a, g) for a, g in out if g.strip()]


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


# Where the splitter misses a sentence end: after a web address's top-level domain, which it
# reads as an abbreviation ("www.sodra.lt. Skundą": "lt." is none here), and after an
# ellipsis, when the next word starts in upper case.
_MISSED_END = re.compile(rf"(?:(?<=\w)\.(?:{_TLDS})\.|…)\s+[\"„“«(]?(?=\w)")


def _split_missed(piece: str) -> list[str]:
    """A splitter's piece cut at the sentence ends it missed (`_MISSED_END`)."""
    out, pos = [], 0
    for m in _MISSED_END.finditer(piece):
        if piece[m.end()].isupper():
            cut = m.start() + len(m.group().rstrip("\"„“«( \t").rstrip())
            out.append(piece[pos:cut])
            pos = cut
    return [*out, piece[pos:]]


# A piece that is only an outline number ("1.", "2.3", "4)") heads the next one.
_BARE_NUMBER = re.compile(r"\(?\d{1,3}(?:\.\d{1,3})*[.)]?")
# An abbreviation that stands before a number in lt / et references ("5 str. 2 d.", "pr. 5",
# "Žr. 4 psl.", "vt lk. 4", "tel. 8 600"): the number goes on with the sentence. A listed one
# only: "Jis grįžo namo. 12 darbuotojų liko." is two sentences.
# Also pl "ok. 300" (about), lv "20. gs. 80. gados" (century), ru "табл. 3", "рис. 2", "стр. 5".
_ABBREV_END = re.compile(
    r"(?:^|\s)(?:str|d|p|pr|psl|lk|nr|žr|pvz|vt|vnt|lg|pt|sk|skyr|pav|tab|joon|tel|t|ok|gs|"
    r"табл|рис|стр|гл)\.$",
    re.IGNORECASE)
# A German ordinal after an article or a contracted preposition ("in der 28. Minute", "im 1.
# Weltkrieg", "zum 7. Mal"): the noun after it is capitalised, so the splitter cut there. A
# number can end a sentence too ("bis zur 10. Dann …"): not before a word that opens one.
_DE_ORDINAL_END = re.compile(
    r"(?:^|\s)(?:der|die|das|dem|den|des|im|am|zum|zur|vom|beim|ins|ans|seinem|seiner|seinen|"
    r"ihrem|ihrer|ihren|jedem|jeder|diesem|dieser|dieses)\s\d{1,3}\.$", re.IGNORECASE)
# Words that open a German sentence, so a number before them ended the one before.
_DE_OPENERS = frozenset({
    "aber", "alle", "als", "am", "auch", "bei", "da", "danach", "dann", "das", "dem", "den",
    "der", "des", "deshalb", "die", "dies", "diese", "dieser", "doch", "du", "ein", "eine",
    "einer", "er", "es", "für", "heute", "hier", "ich", "ihr", "im", "in", "jetzt", "man", "mit",
    "nach", "nun", "ob", "so", "sie", "trotzdem", "um", "und", "vor", "während", "was", "wenn",
    "wie", "wir", "zum", "zur"})
# A closing-style quote alone at a piece's end opens the next sentence (fi / sv use "”" on both
# sides: "…20 prosenttia. ”Uskon…"): the splitter leaves it behind.
_STRAY_QUOTE = re.compile(r"\s([”»\"])$")


# The second half of a range of ordinals after a cut: "5.–7. mail" (et dates) is one.
_RANGE_END = re.compile(r"[–—-]\s?\d")
# Abbreviations that never end a sentence ("for example", "see", "o'clock", "approximately",
# "Saint" in lt / lv / pl): the sentence goes on into the next piece ("Pvz. Vilnius…", "riike,
# nt. Soome", "Kl. 10.00 algab", "approx. 5 EUR", "Šv. Martyno bažnyčia"). A unit alone
# ("2,5 mln. Eur.") stays with the piece before.
_INNER_ABBREV_END = re.compile(
    r"(?:^|\s)(?:pvz|plg|piem|nt|kl|vrd|e\.g|i\.e|cf|approx|ca|šv|sv|św)\.$", re.IGNORECASE)
# "St." is Saint before a name, except in English, where it is also a street that ends a
# sentence ("on Main St. The house…").
_SAINT_END = re.compile(r"(?:^|\s)St\.$")
_UNIT_ABBREV = re.compile(r"(?:eur|usd|gbp|lt|ls|kr|proc|tūkst|mln|mlrd|val|min)\.?",
                          re.IGNORECASE)


def _goes_on(prev: str, piece: str, base: str) -> bool:
    """Whether the splitter's `piece` goes on with the sentence `prev` (`base`: its language
    without region): a piece in lower case, after an outline number, a listed abbreviation, a
    range's first half, a unit, a German ordinal or "St." (Saint, outside English)."""
    return bool(
        _starts_lower(piece) or _BARE_NUMBER.fullmatch(prev)
        or (piece[:1].isdigit() and _ABBREV_END.search(prev))
        or _RANGE_END.match(piece) or _INNER_ABBREV_END.search(prev)
        or _UNIT_ABBREV.fullmatch(piece)
        or (base == "de" and _DE_ORDINAL_END.search(prev)
            and piece.split(maxsplit=1)[0].lower() not in _DE_OPENERS)
        or (base != "en" and _SAINT_END.search(prev)))


def split_sentences(paragraph: str, lang: str) -> list[str]:
    import sentencex

    pieces = [q.strip() for p in sentencex.segment(lang, paragraph) for q in _split_missed(p)]
    for i in range(len(pieces) - 1):
        stray = _STRAY_QUOTE.search(pieces[i])
        if stray and pieces[i + 1]:
            pieces[i] = pieces[i][:stray.start()].rstrip()
            pieces[i + 1] = stray.group(1) + pieces[i + 1]
    base = base_lang(lang)
    out: list[str] = []
    end = -1  # where the last sentence of `out` ends in `paragraph` (-1: not found there)
    pos = 0
    for piece in pieces:
        if not piece:
            continue
        at = paragraph.find(piece, pos)
        if out and _goes_on(out[-1], piece, base):
            # joined as the paragraph has them ("5.–7. mail" keeps no space it did not have)
            gap = paragraph[end:at] if at >= end >= 0 else " "
            out[-1] = f"{out[-1]}{gap if not gap.strip() else ' '}{piece}"
        else:
            out.append(piece)
        end = at + len(piece) if at >= 0 else -1
        pos = max(pos, end)
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
        if k == 0 and (mark := _marker(piece)):  # a list marker is shown, not analysed
            piece, offs = piece[mark:], offs[mark:]
        # Markup before the first sentence and after the last belongs to them.
        start = len(given) - len(given.lstrip()) if k == 0 else offs[0]
        end = len(given.rstrip()) if k == len(found) - 1 else max(offs[0], offs[-1])
        display = given[start:end]
        if _WS.sub(" ", display).strip() == piece:
            out.append(((piece, "", ()), start))
        else:
            out.append(((piece, display, tuple(max(0, o - start) for o in offs)), start))
    return out


# A list item's or numbered heading's marker at the start of a block: a bullet or "1)" before
# any text, an outline number ("1.", "1.2", "2.3.") before a short heading in upper case (a bare
# "3" is left: "3 Lietuvos ministrai atsistatydino" counts three ministers).
_MARKER = re.compile(r"(?:[-*•‣◦▪]|\(?\d{1,3}\)|\(?[a-zA-Z]\))\s+(?=\S)")
_HEADING_NUMBER = re.compile(r"\d{1,3}(?:(?:\.\d{1,3})*\.|(?:\.\d{1,3})+)\s+(?=[^\W\d_])")


def _marker(piece: str) -> int:
    """How many characters of a block's first sentence are its list or heading marker."""
    if m := _MARKER.match(piece):
        return m.end()
    m = _HEADING_NUMBER.match(piece)
    rest = piece[m.end():] if m else ""
    # Not a quantity or a date: "0.5 Tassen", "5. Mai 2024" (a heading's words hold no number).
    if m and rest[:1].isupper() and len(rest.split()) <= 8 and not _ENDS.search(rest) \
            and not piece.startswith("0") and not any(ch.isdigit() for ch in rest):
        return m.end()
    return 0


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
    line = LineCounter(unify_newlines(text))
    paragraphs, lines = [], []
    for at, block in split_blocks_at(text):
        sents: list[SentenceText] = []
        starts: list[int] = []
        for off, group in line_groups(block):  # list items and headings apart
            found = block_sentences_at(group, lang)
            sents += [s for s, _ in found]
            starts += [line(at + off + start) for _, start in found]
        paragraphs.append(sents)
        lines.append(starts)
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
    for n, line in enumerate(unify_newlines(text).split("\n"), start=1):
        sent = line_sentence(line)
        if sent[0]:
            paragraphs[-1].append(sent)
            lines[-1].append(n)
        elif paragraphs[-1]:
            paragraphs.append([])
            lines.append([])
    return build_document(path, lang, paragraphs, encoding, lines)
