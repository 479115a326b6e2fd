"""Everything the detectors need about one aligned document pair, built once.

After alignment, :func:`build_context` joins each bead's sentences into its two side texts
(with each sentence's offset, so spans map back), takes the side vectors from the aligner's
own table (encoding, in one call, only the texts it never embedded: pre-aligned input, or
sides longer than the aligner's runs), and runs every mechanical check once. The drift
scorer, the findings and the paragraph matrix read from it; nothing is recomputed downstream.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from ..config import RELEASE_CHECK_MODELS_PAIRS
from ..embed import Encoder, release_model
from ..token_states import can_pool, span_vectors
from ..types import Bead, Document, Span
from .checks import CHECKS, Embedding, Hit, check_beads_staged, check_names, drift_feature_checks

CharSpans = Sequence[tuple[int, int]]


@dataclass(frozen=True)
class SideText:
    """One side of a bead: its sentences joined with single spaces."""

    text: str
    starts: tuple[tuple[int, int], ...]  # (sentence id, offset of that sentence in `text`)

    def sentence_spans(self, doc: Document, spans: CharSpans) -> tuple[Span, ...]:
        """Character spans in `text` as (sentence_id, start, end) in that sentence."""
        out: list[Span] = []
        for start, end in spans:
            for sid, off in self.starts:
                n = len(doc.sentences[sid].text)
                lo, hi = max(start, off), min(end, off + n)
                if lo < hi:
                    out.append((sid, lo - off, hi - off))
        return tuple(out)


def side_text(doc: Document, ids: Sequence[int]) -> SideText:
    parts: list[str] = []
    starts: list[tuple[int, int]] = []
    pos = 0
    for i in ids:
        text = doc.sentences[i].text
        starts.append((i, pos))
        parts.append(text)
        pos += len(text) + 1
    return SideText(" ".join(parts), tuple(starts))


@dataclass(frozen=True)
class PairContext:
    source: Document
    target: Document
    beads: tuple[Bead, ...]
    # Beads with both sides (the ones drift and checks look at), as indices into `beads`;
    # the per-bead fields below follow this order.
    full: tuple[int, ...]
    source_sides: tuple[SideText, ...]
    target_sides: tuple[SideText, ...]
    source_vecs: np.ndarray  # (len(full), dim), unit rows
    target_vecs: np.ndarray
    hits: tuple[Mapping[str, tuple[Hit, ...]], ...]  # check name -> its hits on that bead
    # The checks' rule hits before their encoder stages: the drift features read these, the
    # inputs the drift calibration was fitted on (findings use `hits`).
    rule_hits: tuple[Mapping[str, tuple[Hit, ...]], ...]
    vectors: Mapping[str, np.ndarray]  # every text embedded for this pair -> unit vector
    enabled_checks: tuple[str, ...]  # the checks whose hits become findings

    @property
    def source_texts(self) -> list[str]:
        return [s.text for s in self.source_sides]

    @property
    def target_texts(self) -> list[str]:
        return [s.text for s in self.target_sides]

    @property
    def cosines(self) -> np.ndarray:
        """The cosine of each full bead's two sides (their vectors are unit rows)."""
        if not self.full:
            return np.zeros(0)
        return np.einsum("ij,ij->i", self.source_vecs, self.target_vecs)

    def with_similarities(self, confidence: float | None) -> PairContext:
        """The context with each full bead's similarity filled in from its vectors (for beads
        the aligner did not make: pre-aligned input, n-way rows)."""
        sim = dict(zip(self.full, (float(x) for x in self.cosines), strict=True))
        return replace(self, beads=tuple(Bead(b.source, b.target, sim[i], confidence)
                                         if i in sim else b for i, b in enumerate(self.beads)))


def lookup_vectors(texts: Sequence[str], table: Mapping[str, np.ndarray],
                   encoder: Encoder) -> np.ndarray:
    missing = list(dict.fromkeys(t for t in texts if t not in table))
    found = dict(zip(missing, encoder.encode(missing), strict=True)) if missing else {}
    if not texts:
        return np.zeros((0, 0), np.float32)
    return np.stack([table[t] if t in table else found[t] for t in texts]).astype(
        np.float32, copy=False)


def check_embedding(encoder: Encoder,
                    embed: Callable[[Sequence[str]], np.ndarray] | None = None) -> Embedding:
    """What the checks' encoder stages get from `encoder`: texts embedded by `embed` (default
    the encoder's own), and phrases read as spans of their sentences' token states where
    the encoder gives states (cached like its vectors when it is a `CachedEncoder`)."""
    spans = ((lambda jobs: span_vectors(encoder, jobs)) if can_pool(encoder) else None)
    return Embedding(encoder.name, embed or encoder.encode, spans)


def build_context(source: Document, target: Document, beads: Sequence[Bead],
                  vectors: Mapping[str, np.ndarray], encoder: Encoder,
                  checks: Sequence[str] | None = None,
                  progress: Callable[[int, int], None] | None = None) -> PairContext:
    """The context of one aligned pair; `vectors` is what the aligner embedded (may be empty).

    Every enabled check (all when `checks` is None) and every check the drift model reads
    runs once per full bead, then its encoder stage (if it has one) once over all beads.
    """
    enabled = tuple(check_names(checks))
    run = [n for n in CHECKS if n in enabled or n in {c.name for c in drift_feature_checks()}]
    full = tuple(i for i, b in enumerate(beads) if b.source and b.target)
    s_sides = tuple(side_text(source, beads[i].source) for i in full)
    t_sides = tuple(side_text(target, beads[i].target) for i in full)
    texts = [s.text for s in s_sides] + [t.text for t in t_sides]
    missing = list(dict.fromkeys(t for t in texts if t not in vectors))
    table = dict(vectors)
    if missing:
        table.update(zip(missing, encoder.encode(missing), strict=True))
    m = len(full)
    if m:
        vecs = np.stack([table[t] for t in texts]).astype(np.float32, copy=False)
    else:
        vecs = np.zeros((0, 0), np.float32)
    # The checks' encoder stages embed short phrases (names, a side without its negation):
    # bead sides come from the table, only new texts go to the encoder.
    embedding = check_embedding(encoder, lambda ts: lookup_vectors(ts, table, encoder))
    if m >= RELEASE_CHECK_MODELS_PAIRS:
        # The rule passes need no encoder: its ~0.7 GB go while lingua's n-gram models are
        # loaded (with both, the language check was a 5 MB pair's peak); the first encoder
        # stage loads it again (~2 s).
        release_model(encoder)
    raw_check, per_check = check_beads_staged(
        [(s.text, t.text) for s, t in zip(s_sides, t_sides, strict=True)],
        source.lang, target.lang, run, embedding, progress)
    hits = tuple({name: per_check[name][k] for name in run} for k in range(m))
    rule_hits = tuple({name: raw_check[name][k] for name in run} for k in range(m))
    return PairContext(source=source, target=target, beads=tuple(beads), full=full,
                       source_sides=s_sides, target_sides=t_sides, source_vecs=vecs[:m],
                       target_vecs=vecs[m:], hits=hits, rule_hits=rule_hits, vectors=table,
                       enabled_checks=enabled)
