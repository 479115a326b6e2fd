"""The one place defaults live; the CLI reads its option defaults from here."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from .align.params import AlignParams
from .detect.params import DriftParams
from .types import SEVERITY_RANK, Severity

# Top-level domains an address without "www." or "://" is recognised by (the URL check) and a
# sentence may end with (the segmenter: "www.sodra.lt. Skundą …").
WEB_TLDS = ("com|org|net|edu|gov|int|info|io|ai|co|eu|uk|de|fr|lt|lv|ee|fi|ru|pl|se|no|dk|"
            "es|it|nl|be|ch|at|us|ca|au|tv|me|ly|app|dev")

FailOn = Literal["critical", "major", "minor", "none"]

DEFAULT_MODEL = "multilingual-e5-small"
DEFAULT_SRC_LANG = "lt"
DEFAULT_TGT_LANG = "et"
DEFAULT_FAIL_ON: FailOn = "major"
DEFAULT_BATCH_SIZE = 32
# A batch also stops at BATCH_CHAR_BUDGET characters of padded length (texts x the longest,
# each counted up to BATCH_TEXT_CHARS, about the model's 512 tokens): attention memory grows
# with batch x length^2, so 32 paragraphs at once cost ~0.6 GB more than 8 (bench/large_inputs).
# Sentences (~150 chars) still go 32 at a time.
BATCH_CHAR_BUDGET = 16_384
BATCH_TEXT_CHARS = 2_048
# "auto": cuda when torch sees a GPU, else cpu (`devices.resolve_device`); or a torch device.
DEFAULT_DEVICE = "auto"
# The arithmetic of the encoder's passes. "auto": fp16 on CUDA; bf16 on a CPU that multiplies
# bf16 matrices natively (AMX or AVX512-BF16 in /proc/cpuinfo: e5-small 2.3-3x faster, vectors
# within 5e-5 in cosine of fp32, the benchmarks' figures within noise; BENCHMARKS.md,
# "Session 23"); fp32 elsewhere. $QA_PIPELINE_PRECISION, when set, is what "auto" means (benchmarks
# compare precisions with it). Vectors of each precision are cached under their own keys.
DEFAULT_PRECISION = "auto"
PRECISION_ENV = "QA_PIPELINE_PRECISION"
REPORT_SCHEMA = "qa_pipeline.report/1"
SUMMARY_SCHEMA = "qa_pipeline.summary/1"
BASELINE_SCHEMA = "qa_pipeline.baseline/1"
NWAY_SCHEMA = "qa_pipeline.nway/1"

# Batch runs: the corpus folder's settings file and accepted-findings baseline (both in it),
# the pyproject table read when there is no settings file, how documents are run.
# Inputs are read whole; a file above MAX_INPUT_BYTES is refused (exit 2), and above
# LARGE_INPUT_BYTES the CLI warns how long the run takes on CPU: CPU_SECONDS_PER_MB is the
# end-to-end time per MB of source text with the default model on 2 CPU cores, measured by
# bench (BENCHMARKS.md, "Large inputs"; README, "Large inputs").
MAX_INPUT_BYTES = 50_000_000  # "50 MB", as the messages and README print it (decimal)
LARGE_INPUT_BYTES = 1_000_000
CPU_SECONDS_PER_MB = 610.0  # bench/large_inputs.py: 3,186 s for 5,245,068 bytes of lt (e5)
# With --word-tagger: 145 s against 80 s for NTREX's 1,997 lines as one pair (e5, 2 cores).
WORD_TAGGER_TIME_FACTOR = 1.8
# After this many beads the models a stage leaves idle are released: lingua's n-gram models (a few
# MB for lt/et's 8 candidates in the low-accuracy mode) after the language check, and the encoder
# (~0.7 GB for e5-small) during the checks' rule passes. Loading each again costs 2-3 s, under 1 %
# of such a run (BENCHMARKS.md, "Large inputs").
RELEASE_CHECK_MODELS_PAIRS = 2_000
# New texts per encode call at most, whole beads at a time, where a stage embeds phrases made
# from every bead (the entity check's names and n-gram candidates, 82,000 texts at 5 MB; the
# drift model's name-cut sides, 42,000): their texts and vectors are never all held at once
# (one call of the 42,000 and its float64 copies: +205 MB at its end). Chunks cost nothing in
# encoding: texts repeated across chunks come from the memo.
EMBED_CHUNK_TEXTS = 4_096
# The last encoded texts' token states kept for the drift stage's occlusion (fp16: ~0.8 kB a
# token at 384 dimensions, so ~85,000 tokens, a 2,000-sentence document's); beyond it the
# drift stage runs one more forward pass over the bead texts it lacks.
TOKEN_STATE_BYTES = 64 * 1024 * 1024
# The same texts' states at the word tagger's layers, when it runs (fp32, exact: ~7.7 kB a
# token for 5 layers at 384 dimensions: the feature tagger's three and the swapped-word
# detector's two taps; so ~42,000 tokens, a 1,000-sentence document's); beyond it the tagger
# runs its own forward pass over the bead texts it lacks.
LAYER_STATE_BYTES = 320 * 1024 * 1024

DEFAULT_CORPORA = "corpora"
DEFAULT_REPORTS = "reports"
CONFIG_FILE = "qa.toml"
PYPROJECT_TABLE = "qa_pipeline"  # [tool.qa_pipeline]
BASELINE_FILE = "qa-baseline.json"
DEFAULT_EXECUTOR = "local"
DEFAULT_WORKERS = 2

# A run fails (exit 1) when its worst finding's rank reaches this; "none" never fails.
FAIL_ON_RANK: dict[str, int] = {"none": max(SEVERITY_RANK.values()) + 1, **SEVERITY_RANK}


class FailOnChoice(StrEnum):
    critical = "critical"
    major = "major"
    minor = "minor"
    none = "none"


class PrecisionChoice(StrEnum):
    auto = "auto"
    fp32 = "fp32"
    bf16 = "bf16"
    fp16 = "fp16"


PRECISIONS = tuple(p.value for p in PrecisionChoice)
# The torch dtype (by name) each reduced precision runs in.
TORCH_DTYPES = {"fp16": "float16", "bf16": "bfloat16"}


class ExecutorChoice(StrEnum):
    local = "local"  # this process, one encoder
    processes = "processes"  # a distributed.LocalCluster of worker processes on this machine
    dask = "dask"  # an existing dask.distributed cluster (--scheduler tcp://HOST:PORT)


class AlignFormat(StrEnum):
    json = "json"
    beads = "beads"


@dataclass(frozen=True)
class Config:
    model: str = DEFAULT_MODEL
    src_lang: str = DEFAULT_SRC_LANG
    tgt_lang: str = DEFAULT_TGT_LANG
    fail_on: FailOn = DEFAULT_FAIL_ON
    segmented: bool = False
    tsv_header: bool | None = None  # a TSV's first row is a header; None: detect it
    device: str | None = DEFAULT_DEVICE  # None is "auto"
    precision: str = DEFAULT_PRECISION
    batch_size: int = DEFAULT_BATCH_SIZE
    use_cache: bool = True
    checks: tuple[str, ...] | None = None  # mechanical checks to report; None = all
    # (kind, severity) pairs: every finding of that kind gets that severity
    severity_overrides: tuple[tuple[str, Severity], ...] = ()
    align: AlignParams = field(default_factory=AlignParams)
    drift: DriftParams = field(default_factory=DriftParams)


@dataclass(frozen=True)
class BatchConfig:
    """A batch run: the per-pair Config (its `tgt_lang` is the first target) plus what only a
    batch has: every target language, and how documents are spread over workers."""

    config: Config = field(default_factory=Config)
    tgt_langs: tuple[str, ...] = (DEFAULT_TGT_LANG,)
    executor: str = DEFAULT_EXECUTOR
    scheduler: str | None = None
    workers: int = DEFAULT_WORKERS
    # One n-way check per document (the source and every target, schema qa_pipeline.nway/1)
    # instead of one pairwise check per target; the settings turn it on for two or more
    # targets unless `nway = false`.
    nway: bool = False
