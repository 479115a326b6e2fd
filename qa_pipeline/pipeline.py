"""The only place the stages are wired together: read -> segment -> embed -> align -> detect.

Each stage hands its result downstream once: the aligner returns the vectors it embedded with
the beads, `build_context` turns them into the pair's context (side texts, side vectors, check
hits), and drift scoring, findings and the paragraph matrix read that context.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from dataclasses import replace
from pathlib import Path

from . import __version__
from .align import describe
from .cache import EmbeddingCache
from .cached_encoder import CachedEncoder
from .config import Config
from .detect.checks.language import stored_in
from .detect.context import PairContext, build_context, lookup_vectors
from .detect.drift import score_drift
from .detect.findings import GAP_THRESHOLDS, build_findings
from .detect.word_tagger import keep_tagger_states
from .embed import Encoder, ReportingEncoder, load_encoder, revision_of
from .io.normalise import NORMALISER
from .io.readers import Inputs
from .io.readers import read_inputs as _read
from .models import cache_root
from .rider_match import align_with_encoder
from .segment import SEGMENTER
from .types import Alignment, Bead, Report, ScoredBead, Signature

StageProgress = Callable[[str, int, int], None]
# The heat map is unreadable (and the JSON large) beyond this many paragraphs a side.
MAX_MATRIX_PARAGRAPHS = 300


def check_config(config: Config) -> Config:
    """`config` if every setting is one the pipeline can run with, else a ConfigError naming
    the first that is not (what the command line checks before any work, for library callers
    too): language codes, the device, the gate severity, precision, batch size, check names and
    severity overrides. The languages are the Config's own: the command line's reading of them
    from file names (`lt.txt`) is the command line's."""
    from .config import FAIL_ON_RANK, PRECISIONS
    from .detect.checks import CHECKS
    from .devices import check_device, env_precision
    from .errors import ConfigError
    from .langs import check_lang
    from .types import KIND_ORDER, SEVERITY_ORDER

    if isinstance(config.model, os.PathLike):  # a model directory given as a Path
        config = replace(config, model=os.fspath(config.model))
    for name in ("model", "src_lang", "tgt_lang", "fail_on", "precision"):
        if not isinstance(getattr(config, name), str):
            raise ConfigError(f"{name} {getattr(config, name)!r}: expected a string")
    for name in ("segmented", "use_cache"):
        if not isinstance(getattr(config, name), bool):
            raise ConfigError(f"{name} {getattr(config, name)!r}: expected True or False")
    if config.tsv_header is not None and not isinstance(config.tsv_header, bool):
        raise ConfigError(f"tsv_header {config.tsv_header!r}: expected True, False or None")
    from .align.params import AlignParams
    from .detect.params import DriftParams

    for name, params in (("align", AlignParams), ("drift", DriftParams)):
        if not isinstance(getattr(config, name), params):
            raise ConfigError(f"{name} {getattr(config, name)!r}: expected {params.__name__}")
    check_lang(config.src_lang, "--src-lang")
    check_lang(config.tgt_lang, "--tgt-lang")
    if config.device is not None and not isinstance(config.device, str):
        raise ConfigError(f"device {config.device!r}: expected a string or None")
    check_device(config.device)
    if config.fail_on not in FAIL_ON_RANK:
        raise ConfigError(f"fail_on {config.fail_on!r}: expected one of {', '.join(FAIL_ON_RANK)}")
    if config.precision not in PRECISIONS:
        raise ConfigError(f"precision {config.precision!r}: expected one of "
                          f"{', '.join(PRECISIONS)}")
    if config.precision == "auto":
        env_precision()  # what "auto" means here: a bad $QA_PIPELINE_PRECISION is said now
    if type(config.batch_size) is not int or config.batch_size < 1:
        raise ConfigError(f"batch_size {config.batch_size!r}: expected a whole number, 1 or more")
    if config.checks is not None and (isinstance(config.checks, str) or not all(
            isinstance(c, str) for c in config.checks)):
        raise ConfigError(f"checks {config.checks!r}: expected a sequence of check names")
    for name in config.checks or ():
        if name not in CHECKS:
            raise ConfigError(f"checks: {name!r} is no check; known: {', '.join(CHECKS)}")
    overrides = config.severity_overrides
    if isinstance(overrides, (str, dict)) or not all(
            isinstance(o, (tuple, list)) and len(o) == 2 for o in overrides):
        raise ConfigError(f"severity_overrides {overrides!r}: expected (kind, severity) pairs")
    for kind, severity in overrides:
        if kind not in KIND_ORDER or severity not in SEVERITY_ORDER:
            raise ConfigError(f"severity_overrides: ({kind!r}, {severity!r}) is not a finding "
                              f"kind ({', '.join(KIND_ORDER)}) and a severity "
                              f"({', '.join(SEVERITY_ORDER)})")
    return config


def resolve_encoder(config: Config) -> Encoder:
    """The configured encoder, not loaded and without the cache: cheap, so an unknown model
    name fails before any work."""
    return load_encoder(config.model, device=config.device, batch_size=config.batch_size,
                        precision=config.precision)


def user_cache_path() -> Path:
    """Where the user's embedding cache is (`embeddings.sqlite` in the cache folder)."""
    return cache_root() / "embeddings.sqlite"


def user_cache(readonly: bool = False) -> EmbeddingCache:
    """The user's embedding cache, made on first use (`readonly`: only read, never made)."""
    return EmbeddingCache(user_cache_path(), readonly)


def make_encoder(config: Config, inner: Encoder | None = None) -> Encoder:
    inner = resolve_encoder(config) if inner is None else inner
    return CachedEncoder(inner, user_cache() if config.use_cache else None)


def read_inputs(src: Path, tgt: Path | None, config: Config) -> Inputs:
    return _read(src, tgt, config.src_lang, config.tgt_lang, config.segmented, config.tsv_header)


def _stage(progress: StageProgress | None, name: str) -> Callable[[int, int], None] | None:
    if progress is None:
        return None
    return lambda done, total: progress(name, done, total)


def _pre_aligned(ctx: PairContext) -> tuple[PairContext, Alignment]:
    """Pre-aligned (TSV) input: bead similarities from the context's vectors; one paragraph
    bead per pair."""
    ctx = ctx.with_similarities(confidence=1.0)
    paras = tuple(Bead((i,), (i,), b.similarity, b.confidence) for i, b in enumerate(ctx.beads))
    return ctx, Alignment(paragraphs=paras, sentences=ctx.beads)


def paragraph_similarity(ctx: PairContext, encoder: Encoder) -> tuple[tuple[float, ...], ...]:
    src, tgt = ctx.source, ctx.target
    n, m = len(src.paragraphs), len(tgt.paragraphs)
    if n * m == 0 or max(n, m) > MAX_MATRIX_PARAGRAPHS:
        return ()
    texts = [src.paragraph_text(i) for i in range(n)] + [tgt.paragraph_text(j) for j in range(m)]
    vecs = lookup_vectors(texts, ctx.vectors, encoder)
    sims = vecs[:n] @ vecs[n:].T
    return tuple(tuple(round(float(x), 4) for x in row) for row in sims)


def mark_baselined(report: Report, accepted: Collection[str]) -> Report:
    """The report with every finding whose fingerprint is in `accepted` marked baselined."""
    findings = tuple(replace(f, baselined=f.fingerprint in accepted) for f in report.findings)
    return replace(report, findings=findings)


def analyse(
    inputs: Inputs, encoder: Encoder, config: Config, progress: StageProgress | None = None,
    accepted: Collection[str] = (),
) -> Report:
    """One document pair, read to findings; findings whose fingerprint is in `accepted` (the
    baseline's entries for this pair) are marked baselined."""
    # The encoder's cache also keeps the language check's confidences (a CachedEncoder's).
    with stored_in(getattr(encoder, "cache", None)):
        return _analyse(inputs, encoder, config, progress, accepted)


def _analyse(inputs: Inputs, encoder: Encoder, config: Config,
             progress: StageProgress | None, accepted: Collection[str]) -> Report:
    src, tgt = inputs.source, inputs.target
    if progress is not None:  # every encode call (aligner, checks, drift) on the "embed" stage
        encoder = ReportingEncoder(encoder, _stage(progress, "embed"))
    if config.drift.word_tagger:  # the tagger reads the aligner's pass, not one of its own
        keep_tagger_states(encoder.name, encoder)
    aligner = "pre-aligned"
    if inputs.beads is None:
        aligned = align_with_encoder(src, tgt, encoder, config.align,
                                     progress=_stage(progress, "align"))
        alignment, aligner = aligned.alignment, describe(aligned.params)
        ctx = build_context(src, tgt, alignment.sentences, aligned.vectors, encoder,
                            config.checks, _stage(progress, "checks"))
    else:
        ctx, alignment = _pre_aligned(
            build_context(src, tgt, inputs.beads, {}, encoder, config.checks,
                          _stage(progress, "checks")))
    drift = score_drift(ctx, encoder, config.drift, progress=_stage(progress, "drift"),
                        tagging=_stage(progress, "tagging"))
    signature = Signature(
        version=__version__,
        model=encoder.name,
        model_revision=revision_of(encoder),
        segmenter=SEGMENTER if inputs.beads is None else f"pre-aligned-{inputs.format}",
        thresholds={**drift.thresholds, **GAP_THRESHOLDS},
        drift_model=drift.model_id,
        aligner=aligner,
        normaliser=NORMALISER,
        encodings=(src.encoding, tgt.encoding),
    )
    words = drift.words or {}
    scored = tuple(ScoredBead(b, float(d), *words[i]) if i in words else ScoredBead(b, float(d))
                   for i, (b, d) in enumerate(zip(ctx.beads, drift.drift, strict=True)))
    report = Report(
        signature=signature,
        source=src,
        target=tgt,
        alignment=alignment,
        scored=scored,
        findings=build_findings(ctx, drift, config.severity_overrides),
        paragraph_similarity=paragraph_similarity(ctx, encoder),
    )
    return mark_baselined(report, accepted) if accepted else report


def run(
    src: Path,
    tgt: Path | None,
    config: Config,
    encoder: Encoder | None = None,
    progress: StageProgress | None = None,
) -> Report:
    if not isinstance(config, Config):
        from .errors import ConfigError

        raise ConfigError(f"config {config!r}: expected a qa_pipeline Config")
    config = check_config(config)
    inputs = read_inputs(src, tgt, config)
    enc = encoder if encoder is not None else make_encoder(config)
    return analyse(inputs, enc, config, progress)
