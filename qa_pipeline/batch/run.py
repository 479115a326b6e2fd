"""Batch runs: every document x every configured pair, on one of three executors.

Documents are the unit of work. `local` runs them here with one encoder; `processes` starts a
`distributed.LocalCluster` on this machine; `dask` connects to an existing cluster
(`scheduler="tcp://HOST:PORT"`). On a cluster each worker builds its encoder once (and loads
the model only if a text is not in the embedding cache); workers return report dicts and the
client writes every file, so the outputs are the same whatever ran them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..baseline import Baseline, sha256_file
from ..config import BatchConfig, Config, ExecutorChoice
from ..errors import ConfigError, QAError
from ..report.output import BatchOutput, MissingSide, PairResult
from .corpus import DocumentJob, discover, safe_folder

StageProgress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DocumentResult:
    document: str
    pairs: tuple[PairResult, ...]
    seconds: float
    hits: int  # embedding cache hits and misses (texts) while processing this document
    misses: int
    model_loaded: bool  # whether the encoder that ran it has loaded its model


def process_document(job: DocumentJob, config: Config, accepted: Mapping[str, frozenset[str]],
                     encoder: Any) -> DocumentResult:
    """Every pair of one document, read to a validated report dict; an input problem becomes
    that pair's error (the rest of the batch still runs)."""
    from dataclasses import replace

    from ..io.json_report import report_to_dict, validate
    from ..pipeline import analyse, read_inputs

    start = time.perf_counter()
    hits, misses = getattr(encoder, "hits", 0), getattr(encoder, "misses", 0)
    out = []
    for p in job.pairs:
        cfg = replace(config, tgt_lang=p.tgt_lang)
        shas = []
        for path in (p.source, p.target):
            try:
                shas.append(sha256_file(path))
            except OSError:
                shas.append("")
        base = dict(document=p.document, source_lang=p.src_lang, target_lang=p.tgt_lang,
                    folder=p.folder, source_path=str(p.source), target_path=str(p.target),
                    source_sha256=shas[0], target_sha256=shas[1])
        try:
            inputs = read_inputs(p.source, p.target, cfg)
            report = analyse(inputs, encoder, cfg,
                             accepted=accepted.get(f"{p.src_lang}-{p.tgt_lang}", frozenset()))
            data = report_to_dict(report)
            validate(data)
            out.append(PairResult(report=data, **base))
        except QAError as e:
            out.append(PairResult(report=None, error=str(e), **base))
    return DocumentResult(
        document=job.document, pairs=tuple(out), seconds=time.perf_counter() - start,
        hits=getattr(encoder, "hits", 0) - hits, misses=getattr(encoder, "misses", 0) - misses,
        model_loaded=bool(getattr(encoder, "loaded", True)),
    )


# One encoder per worker process (and per configuration): the model loads at most once.
_WORKER_ENCODERS: dict[tuple[Any, ...], Any] = {}


def _worker_document(job: DocumentJob, config: Config,
                     accepted: Mapping[str, frozenset[str]]) -> DocumentResult:
    from ..pipeline import make_encoder

    key = (config.model, config.device, config.batch_size, config.use_cache)
    if key not in _WORKER_ENCODERS:
        _WORKER_ENCODERS[key] = make_encoder(config)
    return process_document(job, config, accepted, _WORKER_ENCODERS[key])


def _accepted(baseline: Baseline, job: DocumentJob) -> dict[str, frozenset[str]]:
    out = {}
    for p in job.pairs:
        pair = f"{p.src_lang}-{p.tgt_lang}"
        out[pair] = baseline.accepted(p.document, pair)
    return out


def _run_local(jobs: list[DocumentJob], config: Config,
               baseline: Baseline) -> Iterator[DocumentResult]:
    from ..pipeline import make_encoder

    encoder = make_encoder(config)
    for job in jobs:
        yield process_document(job, config, _accepted(baseline, job), encoder)


def _client(bc: BatchConfig) -> tuple[Any, Any]:
    """A dask.distributed client and the cluster it owns (None for an external one)."""
    try:
        import logging

        from distributed import Client, LocalCluster
    except ImportError as e:  # pragma: no cover - a declared dependency
        raise ConfigError(f"--executor {bc.executor} needs dask.distributed ({e})") from None
    if bc.executor == ExecutorChoice.dask:
        if not bc.scheduler:
            raise ConfigError("--executor dask needs --scheduler tcp://HOST:PORT")
        try:
            return Client(bc.scheduler, timeout="30s"), None
        except OSError as e:
            raise ConfigError(f"cannot reach the dask scheduler at {bc.scheduler}: {e}") from None
    cluster = LocalCluster(n_workers=bc.workers, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.ERROR)
    return Client(cluster), cluster


def _run_distributed(jobs: list[DocumentJob], bc: BatchConfig,
                     baseline: Baseline) -> Iterator[DocumentResult]:
    from distributed import as_completed

    client, cluster = _client(bc)
    try:
        futures = [client.submit(_worker_document, job, bc.config, _accepted(baseline, job),
                                 key=f"qa-document-{i}", pure=False)
                   for i, job in enumerate(jobs)]
        for fut in as_completed(futures):
            yield fut.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _write_pair(out: Path, result: PairResult) -> None:
    """One pair's report files, moved into place only once they are all written."""
    from ..report.writers import write_report

    assert result.report is not None
    folder = safe_folder(out, result.folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".pair-", dir=folder.parent))
    try:
        write_report(result.report, tmp)
        folder.mkdir(exist_ok=True)
        for f in tmp.iterdir():
            os.replace(f, folder / f.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_batch(bc: BatchConfig, corpora: Path, out: Path, baseline: Baseline,
              progress: StageProgress | None = None) -> BatchOutput:
    """Check every document of `corpora`, write each pair's reports and the batch outputs
    (index.html, summary.json, junit.xml) into `out`, and return what was written."""
    from ..report.writers import write_batch

    start = time.perf_counter()
    jobs, missing = discover(corpora, bc.config.src_lang, bc.tgt_langs)
    for job in jobs:  # refuse unsafe names before any work
        for pj in job.pairs:
            safe_folder(out, pj.folder)
    out.mkdir(parents=True, exist_ok=True)
    if progress:
        progress("documents", 0, len(jobs))
    runner = (_run_local(jobs, bc.config, baseline) if bc.executor == ExecutorChoice.local
              else _run_distributed(jobs, bc, baseline))
    results: dict[str, DocumentResult] = {}
    for done, res in enumerate(runner, start=1):
        for p in res.pairs:
            if p.report is not None:
                _write_pair(out, p)
        results[res.document] = res
        if progress:
            progress("documents", done, len(jobs))
    ordered = [results[j.document] for j in jobs]
    pairs = tuple(p for r in ordered for p in r.pairs)
    run = {
        "executor": str(bc.executor),
        "workers": 1 if bc.executor == ExecutorChoice.local else bc.workers,
        "seconds": round(time.perf_counter() - start, 3),
        "cache": {"hits": sum(r.hits for r in ordered), "misses": sum(r.misses for r in ordered)},
        "model_loaded": any(r.model_loaded for r in ordered),
        "pair_seconds": {p.folder: round(r.seconds / max(len(r.pairs), 1), 3)
                         for r in ordered for p in r.pairs},
    }
    output = BatchOutput(pairs=pairs, missing=tuple(missing), fail_on=bc.config.fail_on,
                         run=run)
    write_batch(output, out)
    return output


__all__ = ["DocumentResult", "MissingSide", "process_document", "run_batch"]
