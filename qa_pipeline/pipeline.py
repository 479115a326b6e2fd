"""The only place the stages are wired together: read -> segment -> embed -> align -> detect."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import __version__
from .align import AlignParams, align_documents, describe
from .cache import EmbeddingCache
from .config import Config
from .detect.checks import run_checks
from .detect.drift import score_drift, severity_for
from .detect.findings import (
    GAP_THRESHOLDS,
    gap_finding,
    join_side,
    sort_findings,
    to_sentence_spans,
)
from .embed import CachedEncoder, Encoder, load_encoder
from .io.readers import read_document, read_pairs_tsv
from .models import cache_root
from .segment import SEGMENTER
from .types import Alignment, Bead, Document, Finding, Report, ScoredBead, Signature

ALIGN_PARAMS = AlignParams()  # the aligner's defaults; the signature stamps them

StageProgress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Inputs:
    source: Document
    target: Document
    beads: tuple[Bead, ...] | None  # given for pre-aligned (TSV) input


def make_encoder(config: Config) -> Encoder:
    inner = load_encoder(config.model, device=config.device, batch_size=config.batch_size)
    cache = EmbeddingCache(cache_root() / "embeddings.sqlite") if config.use_cache else None
    return CachedEncoder(inner, cache)


def read_inputs(src: Path, tgt: Path | None, config: Config) -> Inputs:
    if tgt is None:
        paired = read_pairs_tsv(src, config.src_lang, config.tgt_lang)
        return Inputs(paired.source, paired.target, paired.beads)
    return Inputs(
        read_document(src, config.src_lang, config.segmented),
        read_document(tgt, config.tgt_lang, config.segmented),
        None,
    )


def _stage(progress: StageProgress | None, name: str) -> Callable[[int, int], None] | None:
    if progress is None:
        return None
    return lambda done, total: progress(name, done, total)


def _with_similarity(
    src: Document, tgt: Document, beads: Sequence[Bead], encoder: Encoder
) -> tuple[Bead, ...]:
    """Fill in bead similarities for pre-aligned input (one batch; cached)."""
    full = [b for b in beads if b.source and b.target]
    texts = [join_side(src, b.source)[0] for b in full] + [
        join_side(tgt, b.target)[0] for b in full
    ]
    vecs = encoder.encode(texts)
    n = len(full)
    sims = np.einsum("ij,ij->i", vecs[:n], vecs[n:]) if n else np.zeros(0)
    it = iter(sims.tolist())
    return tuple(
        Bead(b.source, b.target, next(it), 1.0) if b.source and b.target else b for b in beads
    )


def check_findings(
    src: Document, tgt: Document, beads: Sequence[Bead], enabled: Sequence[str] | None
) -> list[Finding]:
    out: list[Finding] = []
    for bead in beads:
        if not (bead.source and bead.target):
            continue
        s_text, _ = join_side(src, bead.source)
        t_text, _ = join_side(tgt, bead.target)
        for hit in run_checks(s_text, t_text, src.lang, tgt.lang, enabled):
            out.append(
                Finding(
                    kind=hit.kind,  # type: ignore[arg-type]
                    severity=hit.severity,  # type: ignore[arg-type]
                    score=float(hit.score),
                    source=bead.source,
                    target=bead.target,
                    source_spans=to_sentence_spans(src, bead.source, hit.source_spans),
                    target_spans=to_sentence_spans(tgt, bead.target, hit.target_spans),
                    message=hit.message,
                )
            )
    return out


def analyse(
    inputs: Inputs, encoder: Encoder, config: Config, progress: StageProgress | None = None
) -> Report:
    src, tgt = inputs.source, inputs.target
    if inputs.beads is None:
        alignment = align_documents(src, tgt, encoder.encode, ALIGN_PARAMS,
                                    progress=_stage(progress, "align"))
    else:
        beads = _with_similarity(src, tgt, inputs.beads, encoder)
        paras = tuple(Bead((i,), (i,), b.similarity, b.confidence) for i, b in enumerate(beads))
        alignment = Alignment(paragraphs=paras, sentences=beads)
    beads = alignment.sentences
    drift = score_drift(src, tgt, beads, encoder, progress=_stage(progress, "drift"))
    findings: list[Finding] = []
    for i, bead in enumerate(beads):
        if not (bead.source and bead.target):
            findings.append(gap_finding(src, tgt, bead))
            continue
        sev = severity_for(drift.drift[i], drift.thresholds, drift.relative[i])
        if sev is None:
            continue
        src_spans, tgt_spans = drift.spans.get(i, ((), ()))
        kind = drift.partial.get(i, "drift")
        findings.append(
            Finding(
                kind=kind,  # type: ignore[arg-type]
                severity=sev,  # type: ignore[arg-type]
                score=round(float(drift.drift[i]), 6),
                source=bead.source,
                target=bead.target,
                source_spans=src_spans,
                target_spans=tgt_spans,
                message=_drift_message(kind, drift.drift[i], bead, src, tgt, src_spans, tgt_spans),
            )
        )
    findings += check_findings(src, tgt, beads, config.checks)
    signature = Signature(
        version=__version__,
        model=encoder.name,
        model_revision=encoder.revision,
        segmenter=SEGMENTER if inputs.beads is None else "pre-aligned-tsv",
        thresholds={**drift.thresholds, **GAP_THRESHOLDS},
        drift_model=drift.model_id,
        aligner=describe(ALIGN_PARAMS) if inputs.beads is None else "pre-aligned",
    )
    scored = tuple(ScoredBead(b, float(d)) for b, d in zip(beads, drift.drift, strict=True))
    return Report(
        signature=signature,
        source=src,
        target=tgt,
        alignment=alignment,
        scored=scored,
        findings=tuple(sort_findings(findings, src, tgt)),
        paragraph_similarity=paragraph_similarity(src, tgt, encoder),
    )


MAX_MATRIX_PARAGRAPHS = 300  # the heat map is unreadable (and the JSON large) beyond this


def paragraph_similarity(
    src: Document, tgt: Document, encoder: Encoder
) -> tuple[tuple[float, ...], ...]:
    n, m = len(src.paragraphs), len(tgt.paragraphs)
    if n * m == 0 or max(n, m) > MAX_MATRIX_PARAGRAPHS:
        return ()
    vecs = encoder.encode(
        [src.paragraph_text(i) for i in range(n)] + [tgt.paragraph_text(j) for j in range(m)]
    )
    sims = vecs[:n] @ vecs[n:].T
    return tuple(tuple(round(float(x), 4) for x in row) for row in sims)


def _quote(doc: Document, spans: Sequence[tuple[int, int, int]]) -> str:
    words = [doc.sentences[s].text[a:b] for s, a, b in spans]
    return ", ".join(f"“{w}”" for w in words[:3])


def _drift_message(
    kind: str,
    score: float,
    bead: Bead,
    src: Document,
    tgt: Document,
    src_spans: Sequence[tuple[int, int, int]],
    tgt_spans: Sequence[tuple[int, int, int]],
) -> str:
    sim = f"similarity {bead.similarity:.2f}" if bead.similarity is not None else ""
    if kind == "partial_omission":
        head = f"part of the {src.lang} sentence seems missing in the {tgt.lang} text"
    elif kind == "partial_addition":
        head = f"the {tgt.lang} text adds material not in the {src.lang} text"
    else:
        head = f"meaning may differ (drift {score:.2f}, {sim})"
    details = []
    if tgt_spans:
        details.append(f"{tgt.lang} {_quote(tgt, tgt_spans)} has no clear counterpart")
    if src_spans:
        details.append(f"{src.lang} {_quote(src, src_spans)} has no clear counterpart")
    return head + ("; " + "; ".join(details) if details else "")


def run(
    src: Path,
    tgt: Path | None,
    config: Config,
    encoder: Encoder | None = None,
    progress: StageProgress | None = None,
) -> Report:
    inputs = read_inputs(src, tgt, config)
    enc = encoder if encoder is not None else make_encoder(config)
    return analyse(inputs, enc, config, progress)
