"""Frozen dataclasses that flow through the pipeline: read, segment, align, detect, report."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, get_args

# The one vocabulary: severities and finding kinds, their order, ranks and labels. The JSON
# schema's enums, the checks' kinds and the report's labels are tested against these.
Severity = Literal["critical", "major", "minor"]
SEVERITY_ORDER: tuple[Severity, ...] = get_args(Severity)  # worst first
# Higher is worse; 0 is "no finding" (e.g. the worst severity of an empty report).
SEVERITY_RANK: dict[str, int] = {s: len(SEVERITY_ORDER) - i for i, s in enumerate(SEVERITY_ORDER)}
SEVERITY_LABELS: dict[str, str] = {s: s.capitalize() for s in SEVERITY_ORDER}

# Kinds the mechanical checks emit (a Hit's kind); each check module declares one of these.
CheckKind = Literal[
    "number", "negation", "entity", "url", "punctuation", "brackets", "language", "length",
]
DriftKind = Literal["drift", "partial_omission", "partial_addition"]
GapKind = Literal["omission", "addition"]
DocumentKind = Literal["mismatch"]  # findings about the whole pair of documents
FindingKind = Literal[
    "drift",
    "omission",
    "addition",
    "partial_omission",
    "partial_addition",
    "number",
    "negation",
    "entity",
    "url",
    "punctuation",
    "brackets",
    "language",
    "length",
    "mismatch",
]
KIND_ORDER: tuple[FindingKind, ...] = get_args(FindingKind)  # the report lists kinds so
KIND_LABELS: dict[str, str] = {
    "drift": "Meaning drift",
    "omission": "Omission",
    "addition": "Addition",
    "partial_omission": "Partial omission",
    "partial_addition": "Partial addition",
    "number": "Number mismatch",
    "negation": "Negation",
    "entity": "Named entity",
    "url": "URL",
    "punctuation": "Punctuation",
    "brackets": "Brackets",
    "language": "Wrong language",
    "length": "Length ratio",
    "mismatch": "Documents do not correspond",
}
# (sentence_id, start, end): character offsets into that sentence's text.
Span = tuple[int, int, int]


def display_range(display: str, offsets: Sequence[int], start: int, end: int
                  ) -> tuple[int, int]:
    """Where text[start:end] is in `display` through the offset map (`offsets[i]`: where
    text[i] starts; len(text) + 1 entries): from its first character to just after its last
    one, with the combining marks NFC folded into that one, and not over the markup after it
    ("*25*": "25", not "25*")."""
    last = len(offsets) - 1

    def at(i: int) -> int:
        return int(offsets[max(0, min(i, last))])

    if end <= start:
        return at(start), at(start)
    e, stop = at(end - 1) + 1, at(end)
    if display[e - 1:e] == "&" and (m := _ENTITY.match(display, e - 1)) and m.end() <= stop:
        e = m.end()  # an entity as written ("caf&eacute;") is its one character's text
    while e < stop and unicodedata.combining(display[e:e + 1] or " "):
        e += 1
    return at(start), e


_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]*|#\d+|#[xX][0-9A-Fa-f]+);")


@dataclass(frozen=True)
class Sentence:
    id: int  # 0-based position in the document
    paragraph: int  # 0-based paragraph id
    text: str  # the analysed text (normalised, markup stripped)
    # The text as given (invisible characters, decomposed letters, inline markup), when it
    # differs from `text` beyond whitespace; `offsets[i]` is where text[i] starts in it
    # (len(text) + 1 entries). Empty when the two are the same.
    display: str = ""
    offsets: tuple[int, ...] = ()
    # Where a bilingual file holds it, as its CAT tool names it ("line 12" of a TSV, an XLIFF
    # unit's id with "#segment", a TMX tuid); "" for running text.
    unit: str = ""
    # The line of its file where it starts (1-based); 0 where the reader cannot tell (XML).
    line: int = 0
    # Where a bilingual file says this target is not translated yet, the state that says so
    # (XLIFF 1.2 state="new" / "needs-translation" / "needs-l10n", 2.x "initial"); "" otherwise.
    untranslated: str = ""

    def display_span(self, start: int, end: int) -> tuple[int, int]:
        """Where text[start:end] is in the text as given (`display`, or `text` itself)."""
        if not self.offsets:
            return start, end
        return display_range(self.display, self.offsets, start, end)


@dataclass(frozen=True)
class Paragraph:
    id: int
    sentences: tuple[int, ...]  # sentence ids, consecutive


@dataclass(frozen=True)
class Document:
    path: str
    lang: str
    paragraphs: tuple[Paragraph, ...]
    sentences: tuple[Sentence, ...]
    encoding: str = ""  # how the file's bytes were decoded (io.decode); "" when not from bytes
    # A Markdown document's link reference definitions ("[label]: target"), by label in upper
    # case with its spaces collapsed: where its reference-style links point (`detect/links`).
    link_targets: tuple[tuple[str, str], ...] = ()

    @property
    def texts(self) -> list[str]:
        return [s.text for s in self.sentences]

    def paragraph_text(self, pid: int) -> str:
        return " ".join(self.sentences[i].text for i in self.paragraphs[pid].sentences)


@dataclass(frozen=True)
class Bead:
    """One alignment unit: source ids and target ids (either may be empty for 1-0 / 0-1)."""

    source: tuple[int, ...]
    target: tuple[int, ...]
    similarity: float | None = None  # cosine of the two sides' embeddings; None if a side is empty
    confidence: float | None = None  # calibrated probability that the bead is correct, in [0, 1]


@dataclass(frozen=True)
class Alignment:
    paragraphs: tuple[Bead, ...]  # paragraph-level beads (ids are paragraph ids)
    sentences: tuple[Bead, ...]  # sentence-level beads (ids are sentence ids), document order


@dataclass(frozen=True)
class Finding:
    """One reported problem. `id` is stable across runs (kind + texts, see detect.findings);
    `row` is the index of the sentence bead it belongs to (-1 for none)."""

    kind: FindingKind
    severity: Severity
    score: float
    source: tuple[int, ...]
    target: tuple[int, ...]
    source_spans: tuple[Span, ...] = ()
    target_spans: tuple[Span, ...] = ()
    message: str = ""
    id: str = ""
    row: int = -1
    # The kind plus the bead's normalised texts (see detect.findings.fingerprint): what the
    # accepted-findings baseline stores. `baselined`: a reviewer accepted it; never fails CI.
    fingerprint: str = ""
    baselined: bool = False


@dataclass(frozen=True)
class ScoredBead:
    bead: Bead
    drift: float  # in [0, 1]; higher = more likely a meaning difference
    # The word tagger's evidence when it ran: the words without counterpart on each side
    # (merged into phrases, as sentence spans) and its sentence score (estimated HTER).
    source_words: tuple[Span, ...] | None = None
    target_words: tuple[Span, ...] | None = None
    word_score: float | None = None


@dataclass(frozen=True)
class Signature:
    version: str
    model: str
    model_revision: str
    segmenter: str
    thresholds: dict[str, float] = field(default_factory=dict)
    drift_model: str = ""  # the calibration that turned signals into drift scores
    aligner: str = ""  # the alignment objective and its knobs (align.describe)
    normaliser: str = ""  # the text normalisation (io.normalise.NORMALISER)
    encodings: tuple[str, str] = ("", "")  # how the source and target bytes were decoded


@dataclass(frozen=True)
class Report:
    signature: Signature
    source: Document
    target: Document
    alignment: Alignment
    scored: tuple[ScoredBead, ...]
    findings: tuple[Finding, ...]
    # rows: source paragraphs, columns: target paragraphs (cosine); empty when not computed
    paragraph_similarity: tuple[tuple[float, ...], ...] = ()
