"""Batch runs: every document x every configured pair, on one of three executors.

Documents are the unit of work. `local` runs them here with one encoder; `processes` starts a
`distributed.LocalCluster` on this machine; `dask` connects to an existing cluster
(`scheduler="tcp://HOST:PORT"`). On a cluster each worker builds its encoder once (and loads
the model only if a text is not in the embedding cache); workers return report dicts and the
client writes every file, so the outputs are the same whatever ran them.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..baseline import Baseline, sha256_file
from ..config import BatchConfig, Config, ExecutorChoice
from ..errors import ConfigError, OutputError, QAError
from ..report.output import BatchOutput, MissingSide, PairResult
from .corpus import DocumentJob, Job, NwayJob, discover, safe_folder

StageProgress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DocumentResult:
    document: str
    pairs: tuple[PairResult, ...]
    seconds: float
    hits: int  # embedding cache hits and misses (texts) while processing this document
    misses: int
    model_loaded: bool  # whether the encoder that ran it has loaded its model
    reused: bool = False  # every pair's report came from the previous run (inputs unchanged)
    cache_error: str = ""  # why its encoder's cache stopped storing (a full disk), if it did


@lru_cache(maxsize=4)
def package_data_digest(root: Path | None = None) -> str:
    """One digest of the shipped models' files (`qa_pipeline/data`, or `root`: drift
    calibrations, check thresholds, tagger weights): a retrained file changes findings
    without a new version."""
    import hashlib
    from importlib import resources

    folder = root or Path(str(resources.files("qa_pipeline") / "data"))
    h = hashlib.sha256()
    for f in sorted(folder.iterdir()):
        if f.is_file():
            h.update(f.name.encode("utf-8"))
            h.update(sha256_file(f).encode("ascii"))
    return h.hexdigest()


def input_key(pair: Job, config: Config, encoder_id: tuple[str, str],
              shas: tuple[str, ...]) -> str:
    """Everything a pair's report depends on: tool version and report format, the shipped
    models' files, every file's document, name and contents, the settings that change findings, the
    model and its revision (with the precision, `encoder_id`), the language detector's
    version and mode. Not the baseline (applied afresh on reuse) nor fail_on, device or
    batch size."""
    import hashlib

    from .. import __version__
    from ..config import REPORT_SCHEMA
    from ..detect.checks.language import detector_id
    from ..io.nway_json import NWAY_SCHEMA

    neutral = replace(config, tgt_lang=pair.tgt_lang, fail_on=Config.fail_on, device=None,
                      batch_size=Config.batch_size, use_cache=True)
    schema = NWAY_SCHEMA if isinstance(pair, NwayJob) else REPORT_SCHEMA
    # Files by document and name, not by the path as typed: `batch corpora` and `batch
    # /abs/corpora` (or the same corpus checked out elsewhere) are the same inputs.
    files = [f"{pair.document}/{Path(p).name}" for p in pair.paths]
    parts = [__version__, schema, package_data_digest(), *files, *shas,
             *encoder_id, detector_id(), repr(neutral)]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


def _shas(pair: Job) -> tuple[str, ...]:
    out = []
    for path in pair.paths:
        try:
            out.append(sha256_file(path))
        except OSError:
            out.append("")
    return tuple(out)


def _base(p: Job, shas: tuple[str, ...] = ()) -> dict[str, Any]:
    """The PairResult fields that describe the job (hashes empty unless given)."""
    shas = shas or ("",) * len(p.paths)
    base: dict[str, Any] = dict(
        document=p.document, source_lang=p.src_lang, target_lang=p.tgt_lang, folder=p.folder,
        source_path=str(p.source), target_path=str(p.target), source_sha256=shas[0],
        target_sha256=shas[1])
    if isinstance(p, NwayJob):
        base["targets"] = tuple((lang, str(path), sha) for lang, path, sha
                                in zip(p.tgt_langs, p.targets, shas[1:], strict=True))
    return base


def _previous_keys(out: Path) -> dict[str, str]:
    """{pair folder: input key} of the last run written to `out` ({} if none or unreadable);
    a folder whose report has no key, or whose pair could not be checked, maps to ""."""
    try:
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        keys: dict[str, str] = {}
        for p in summary["pairs"]:
            if p.get("report"):
                keys[str(p["report"]).rsplit("/", 1)[0]] = str(p.get("input_key") or "")
            else:  # not checked: its folder (for `_stale`), never a key to reuse
                keys[f"{p['document']}/{p['source_lang']}-{p['target_lang']}"] = ""
        return keys
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _report_folders(out: Path) -> set[str]:
    """The pair folders in `out` that hold a key file (made by a batch run, finished or not)."""
    try:
        return {f"{k.parent.parent.name}/{k.parent.name}" for k in out.glob(f"*/*/{KEY_FILE}")}
    except OSError:
        return set()


def _stale(candidates: Iterable[str], pairs: Iterable[PairResult]) -> list[str]:
    """The folders among `candidates` to remove: not written this run, and not a document's
    that could not be checked this run (it is still in the corpus, and its last report is kept
    for the user; the summary marks the pair an error and never reuses that report)."""
    pairs = list(pairs)
    written = {p.folder for p in pairs if p.report is not None}
    errored = {p.document for p in pairs if p.report is None}
    return sorted(f for f in set(candidates) - written if f.rsplit("/", 1)[0] not in errored)


def _remove_stale(out: Path, folders: Iterable[str]) -> None:
    """Delete the report files of the pair folders named (a document renamed or gone, a
    pairwise run after an n-way one), and the folders once empty, so the output holds this
    run's reports (and the last reports of documents that could not be checked) only. Other
    files stay."""
    from ..report.writers import REPORT_FILES

    for name in folders:
        try:
            folder = safe_folder(out, name)
        except QAError:
            continue  # a tampered summary names no folder outside `out`
        for f in (*REPORT_FILES, KEY_FILE):
            with contextlib.suppress(OSError):
                (folder / f).unlink()
        for d in (folder, *folder.parents):
            if d == out or not d.is_relative_to(out):
                break
            with contextlib.suppress(OSError):
                d.rmdir()  # only when empty


# Beside each pair's report files, the input key they were made from: the summary's key says
# what the last *finished* run saw, and a run stopped midway leaves its new reports beside the
# old summary. A report is reused only when both keys agree.
KEY_FILE = ".input-key"


def _reuse(out: Path, pair: Job, key: str, previous: Mapping[str, str],
           accepted: frozenset[str]) -> tuple[PairResult, bool] | None:
    """The previous run's report of `pair` if its inputs are unchanged, re-marked with the
    current baseline; and whether the marks changed (its files must be rewritten)."""
    if previous.get(pair.folder) != key:
        return None
    try:
        if (out / pair.folder / KEY_FILE).read_text(encoding="ascii").strip() != key:
            return None
        report = json.loads((out / pair.folder / "report.json").read_text(encoding="utf-8"))
        findings = report["findings"]
        changed = False
        for f in findings:
            now = f["fingerprint"] in accepted
            changed |= bool(f.get("baselined")) != now
            f["baselined"] = now
    except (OSError, ValueError, KeyError, TypeError):
        return None
    from ..report.writers import REPORT_FILES

    # A file the writers make now but the folder lacks (deleted, or from an older version
    # that did not write it) is written again from the reused report.
    changed |= any(not (out / pair.folder / f).is_file() for f in REPORT_FILES)
    return PairResult(report=report, input_key=key, **_base(pair)), changed


def process_document(job: DocumentJob, config: Config, accepted: Mapping[str, frozenset[str]],
                     encoder: Any) -> DocumentResult:
    """Every pair of one document, read to a validated report dict; an input problem becomes
    that pair's error (the rest of the batch still runs)."""
    from ..io.json_report import report_to_dict, validate
    from ..pipeline import analyse, read_inputs

    start = time.perf_counter()
    hits, misses = getattr(encoder, "hits", 0), getattr(encoder, "misses", 0)
    out = []
    for p in job.pairs:
        # The files' hashes are filled in by the client, which computed them for the input key.
        base = _base(p)
        done = accepted.get(f"{p.src_lang}-{p.tgt_lang}", frozenset())
        try:
            if isinstance(p, NwayJob):
                data = _nway_report(p, config, done, encoder)
            else:
                cfg = replace(config, tgt_lang=p.tgt_lang)
                inputs = read_inputs(p.source, p.target, cfg)
                data = report_to_dict(analyse(inputs, encoder, cfg, accepted=done))
                validate(data)
            out.append(PairResult(report=data, **base))
        except QAError as e:
            out.append(PairResult(report=None, error=str(e), **base))
    return DocumentResult(
        document=job.document, pairs=tuple(out), seconds=time.perf_counter() - start,
        hits=getattr(encoder, "hits", 0) - hits, misses=getattr(encoder, "misses", 0) - misses,
        model_loaded=bool(getattr(encoder, "loaded", True)),
        cache_error=getattr(getattr(encoder, "cache", None), "write_error", None) or "",
    )


def _nway_report(job: NwayJob, config: Config, accepted: frozenset[str],
                 encoder: Any) -> dict[str, Any]:
    """One document's n-way report dict (schema qa_pipeline.nway/1), baseline applied."""
    from ..io.nway_json import nway_to_dict, validate_nway
    from ..io.readers import read_document
    from ..nway.pipeline import analyse_nway, mark_baselined

    src = read_document(job.source, job.src_lang, config.segmented)
    docs = [read_document(path, lang, config.segmented)
            for lang, path in zip(job.tgt_langs, job.targets, strict=True)]
    data = nway_to_dict(mark_baselined(analyse_nway(src, docs, encoder, config), accepted))
    validate_nway(data)
    return data


# One encoder per worker process (and per configuration): the model loads at most once.
_WORKER_ENCODERS: dict[tuple[Any, ...], Any] = {}


def _worker_document(job: DocumentJob, config: Config,
                     accepted: Mapping[str, frozenset[str]]) -> DocumentResult:
    from ..pipeline import make_encoder

    key = (config.model, config.device, config.precision, config.batch_size, config.use_cache)
    if key not in _WORKER_ENCODERS:
        _WORKER_ENCODERS[key] = make_encoder(config)
    return process_document(job, config, accepted, _WORKER_ENCODERS[key])


def _accepted_for(baseline: Baseline, p: Job) -> frozenset[str]:
    """The fingerprints the baseline accepts for one pair (an n-way check's also under the
    document's other n-way labels: `Baseline.accepted`)."""
    return baseline.accepted(p.document, f"{p.src_lang}-{p.tgt_lang}",
                             p.src_lang if isinstance(p, NwayJob) else "")


def _accepted(baseline: Baseline, job: DocumentJob) -> dict[str, frozenset[str]]:
    return {f"{p.src_lang}-{p.tgt_lang}": _accepted_for(baseline, p) for p in job.pairs}


def _run_local(jobs: list[DocumentJob], config: Config,
               baseline: Baseline) -> Iterator[DocumentResult]:
    from ..pipeline import make_encoder

    encoder = make_encoder(config)
    for job in jobs:
        yield process_document(job, config, _accepted(baseline, job), encoder)


# The preload every local worker process runs as it starts (`worker_setup.dask_setup`).
WORKER_SETUP = "qa_pipeline.batch.worker_setup"


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
    # A worker's failed task comes back to this process as its exception, said in one line
    # there; the worker's own log of it ("Compute Failed" and a traceback) is not for the user.
    # Nor is a worker's traceback of Ctrl-C, which this process answers: they ignore it.
    cluster = LocalCluster(n_workers=bc.workers, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.CRITICAL,
                           preload=[WORKER_SETUP])
    return Client(cluster), cluster


def _run_distributed(jobs: list[DocumentJob], bc: BatchConfig,
                     baseline: Baseline) -> Iterator[DocumentResult]:
    import uuid

    from distributed import as_completed

    client, cluster = _client(bc)
    run_id = uuid.uuid4().hex[:12]  # keys stay unique on a cluster shared by several runs
    try:
        futures = [client.submit(_worker_document, job, bc.config, _accepted(baseline, job),
                                 key=f"qa-document-{run_id}-{i}", pure=False)
                   for i, job in enumerate(jobs)]
        for fut in as_completed(futures):
            yield fut.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# `_write_pair` puts a pair's files together in a temp folder of this prefix beside the pair's
# folder (OUT/DOC/.pair-XXXXXXXX), and `move_in` moves the old ones aside into one in it
# (OUT/DOC/PAIR/.qa-old-XXXXXXXX). Both are removed when the write ends, Ctrl-C or SIGTERM
# included; a run killed outright leaves them, and the next run removes those it finds: only
# names of exactly this form (tempfile's eight characters), in the folders a batch writes.
PAIR_TMP_PREFIX = ".pair-"
LEFTOVER_TEMP = re.compile(r"\.(?:pair|qa-old)-[a-z0-9_]{8}")


# A temp folder younger than this may be another batch's, writing into the same --out now
# (a pair's files take about a second to write): it is left for a later run.
LEFTOVER_MIN_AGE_S = 600.0


def _remove_leftovers(out: Path, now: float | None = None) -> None:
    """Delete the temp folders an earlier run killed while writing left in `out` (those older
    than `LEFTOVER_MIN_AGE_S`)."""
    cutoff = (time.time() if now is None else now) - LEFTOVER_MIN_AGE_S
    with contextlib.suppress(OSError):
        for pattern in (f"*/{PAIR_TMP_PREFIX}*", "*/*/.qa-old-*"):
            for d in out.glob(pattern):
                if LEFTOVER_TEMP.fullmatch(d.name) and d.is_dir() and not d.is_symlink() \
                        and d.stat().st_mtime < cutoff:
                    shutil.rmtree(d, ignore_errors=True)


def _write_pair(out: Path, result: PairResult) -> None:
    """One pair's report files, moved into place only once they are all written."""
    from ..io.move_in import in_place_of, move_in
    from ..report.writers import REPORT_FILES, write_nway_report, write_report

    assert result.report is not None
    folder = safe_folder(out, result.folder)
    # The folders made for it (`out`, the document's), removed again if it is not written: a
    # full disk or a SIGTERM leaves no empty document folder.
    made = [d for d in (folder.parent, *folder.parent.parents) if d.is_relative_to(out)
            and not d.exists()]
    tmp: Path | None = None
    ok = False
    try:
        try:
            folder.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=PAIR_TMP_PREFIX, dir=folder.parent))
        except OSError as e:
            raise OutputError(f"{folder}: cannot write ({e.strerror}); choose another --out"
                              ) from None
        # The batch index, from the pair's folder (OUT/DOC/PAIR/ -> OUT/index.html).
        index = "../" * len(Path(result.folder).parts) + "index.html"
        try:
            if result.nway:
                write_nway_report(result.report, tmp, index)
            else:
                write_report(result.report, tmp, index=index)
            # Its name sorts first, so it is moved in before the reports: a run stopped between
            # the two leaves a key that matches no report, and nothing is reused.
            (tmp / KEY_FILE).write_text(result.input_key + "\n", encoding="ascii")
        except OSError as e:
            raise in_place_of(OutputError(f"{e.filename or tmp}: cannot write the report "
                                          f"there ({e.strerror or e})"), tmp, folder) from None
        except OutputError as e:  # a writer's, naming the temp folder: name the pair's
            raise in_place_of(e, tmp, folder) from None
        move_in(tmp, folder, (KEY_FILE, *REPORT_FILES))
        ok = True
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        if not ok:
            for d in made:  # innermost first, each only when empty
                with contextlib.suppress(OSError):
                    d.rmdir()


def _broken(job: DocumentJob, bc: BatchConfig) -> PairResult:
    """The error row of a document that cannot be checked at all."""
    src, tgts = bc.config.src_lang, "+".join(bc.tgt_langs)
    return PairResult(document=job.document, source_lang=src, target_lang=tgts,
                      folder=f"{job.document}/{src}-{tgts}", source_path=job.document,
                      target_path=job.document, source_sha256="", target_sha256="",
                      report=None, error=job.error)


def _hashes(p: PairResult, shas: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {"source_sha256": shas[0], "target_sha256": shas[1]}
    if p.nway:
        out["targets"] = tuple((lang, path, sha) for (lang, path, _), sha
                               in zip(p.targets, shas[1:], strict=True))
    return out


def run_batch(bc: BatchConfig, corpora: Path, out: Path, baseline: Baseline,
              progress: StageProgress | None = None,
              warn: Callable[[str], None] | None = None) -> BatchOutput:
    """Check every document of `corpora`, write each pair's reports and the batch outputs
    (index.html, summary.json, junit.xml) into `out`, and return what was written. `warn`
    hears, once, that the embedding cache could not store any more (the run goes on)."""
    from ..report.writers import BATCH_WRITERS, write_batch

    start = time.perf_counter()
    found, missing = discover(corpora, bc.config.src_lang, bc.tgt_langs, bc.nway)
    # Files or folders in the way of an output stop the run before any work; a document whose
    # folder cannot be checked (two files of a language, an unsafe name) is its own error.
    in_the_way = [p for p in (out / spec.filename for spec in BATCH_WRITERS.values())
                  if p.is_dir()]
    jobs, broken = [], []
    for job in found:
        try:
            folders = [safe_folder(out, pj.folder) for pj in job.pairs]
        except QAError as e:
            job = replace(job, pairs=(), error=str(e))
        if job.error:
            broken.append(job)
            continue
        jobs.append(job)
        for folder in folders:
            in_the_way += [p for p in (folder, *folder.parents) if p.is_relative_to(out)
                           and p.exists() and not p.is_dir()]
    if in_the_way:
        raise OutputError(f"{in_the_way[0]}: is in the way of the reports; move it or choose "
                          "another --out")
    # A folder where a pair's report file goes, or a document folder that cannot be written,
    # would stop the run after the documents before it were written: said now, before any work.
    from ..io.move_in import check_can_move_in
    from ..report.writers import REPORT_FILES

    for job in jobs:
        for pj in job.pairs:
            check_can_move_in(safe_folder(out, pj.folder), (KEY_FILE, *REPORT_FILES))
    _remove_leftovers(out)
    # `out` is made by the first report written: a run interrupted before it leaves nothing.
    from ..embed import load_encoder, revision_of

    inner = load_encoder(bc.config.model, bc.config.device, bc.config.batch_size,
                         bc.config.precision)
    # Resolved, not loaded. The key revision tells fp16 / bf16 vectors from fp32 ones, so a
    # run's reports are not reused for a run in another precision.
    encoder_id = (inner.name, revision_of(inner))
    last_run = _previous_keys(out)
    previous = {k: v for k, v in last_run.items() if v} if bc.config.use_cache else {}
    keys: dict[str, str] = {}
    shas: dict[str, tuple[str, ...]] = {}
    results: dict[str, DocumentResult] = {
        job.document: DocumentResult(job.document, (_broken(job, bc),), 0.0, 0, 0, False)
        for job in broken}
    todo = []
    for job in jobs:
        reused = []
        for pj in job.pairs:
            shas[pj.folder] = _shas(pj)
            keys[pj.folder] = input_key(pj, bc.config, encoder_id, shas[pj.folder])
            accepted = _accepted_for(baseline, pj)
            reused.append(_reuse(out, pj, keys[pj.folder], previous, accepted))
        if all(r is not None for r in reused):
            pairs = tuple(r[0] for r in reused if r is not None)
            for r in reused:
                if r is not None and r[1]:  # the baseline changed its marks
                    _write_pair(out, r[0])
            results[job.document] = DocumentResult(job.document, pairs, 0.0, 0, 0, False,
                                                   reused=True)
        else:
            todo.append(job)
    if progress:
        progress("documents", len(results), len(jobs))
    runner = (_run_local(todo, bc.config, baseline) if bc.executor == ExecutorChoice.local
              else _run_distributed(todo, bc, baseline))
    if todo:
        for done, res in enumerate(runner, start=len(results) + 1):
            res = replace(res, pairs=tuple(
                replace(p, input_key=keys[p.folder], **_hashes(p, shas[p.folder]))
                for p in res.pairs))
            for p in res.pairs:
                if p.report is not None:
                    _write_pair(out, p)
            if res.cache_error and warn is not None and not any(
                    r.cache_error for r in results.values()):
                warn(res.cache_error)
            results[res.document] = res
            if progress:
                progress("documents", done, len(jobs))
    ordered = [results[j.document] for j in found]
    pairs = tuple(replace(p, **_hashes(p, shas[p.folder])) if p.folder in shas else p
                  for r in ordered for p in r.pairs)
    run = {
        "executor": str(bc.executor),
        "workers": 1 if bc.executor == ExecutorChoice.local else bc.workers,
        "seconds": round(time.perf_counter() - start, 3),
        "cache": {"hits": sum(r.hits for r in ordered), "misses": sum(r.misses for r in ordered)},
        "documents_reused": sum(r.reused for r in ordered),
        "model_loaded": any(r.model_loaded for r in ordered),
        "pair_seconds": {p.folder: round(r.seconds / max(len(r.pairs), 1), 3)
                         for r in ordered for p in r.pairs},
    }
    _remove_stale(out, _stale({*last_run, *_report_folders(out), *(p.folder for p in pairs)},
                              pairs))
    output = BatchOutput(pairs=pairs, missing=tuple(missing), fail_on=bc.config.fail_on,
                         run=run)
    try:
        write_batch(output, out)
    except OSError as e:
        raise OutputError(f"{e.filename or out}: cannot write ({e.strerror}); the documents' "
                          "reports are written, the index, summary and junit.xml are not"
                          ) from None
    return output


__all__ = ["DocumentResult", "MissingSide", "process_document", "run_batch"]
