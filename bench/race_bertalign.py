"""bertalign 2.0.1 on our sentences and our model directory: the bertalign side of bench/race.py.

Runs inside the bench-only Python 3.12 venv that bench/setup_bertalign.sh builds (it imports
nothing of qa_pipeline, which that venv lacks):

    HF_HUB_OFFLINE=1 /work/bench-venvs/bertalign/bin/python bench/race_bertalign.py JOB OUT

JOB is a JSON file written by race.py: {"model_dir": ..., "docs": [{"name", "src", "tgt"}],
"texts_out": path}. Each document's sentences go in as one sentence per line with
`is_split=True`, so bertalign aligns exactly our segmentation (its `clean_text` only strips
and collapses whitespace, which our sentences already are; the runner checks that it got the
same sentences back). The model is our e5-small directory, loaded by bertalign's own
`Encoder` (sentence-transformers; the directory's default prompt "query: " applies, as in our
encoder). Everything else is bertalign's default (max_align 5, top_k 3, win 5, skip -0.1,
margin and length penalty on), including its language detection, which it runs even on
pre-split input. OUT receives the beads and the time of each step; every text handed to the
encoder is written to `texts_out` so that race.py counts tokens with the same tokenizer for
every method.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any


def main(job_path: str, out_path: str) -> None:
    t_start = time.perf_counter()
    job = json.loads(Path(job_path).read_text(encoding="utf-8"))
    import importlib.metadata as md

    import bertalign.aligner as aligner_mod
    import bertalign.encoder as encoder_mod

    t_import = time.perf_counter() - t_start
    timing = {"detect": 0.0, "embed": 0.0}
    texts: list[str] = []

    detect = aligner_mod.detect_lang

    def timed_detect(text: str) -> str:
        t0 = time.perf_counter()
        try:
            return detect(text)
        finally:
            timing["detect"] += time.perf_counter() - t0

    aligner_mod.detect_lang = timed_detect  # type: ignore[assignment]

    t0 = time.perf_counter()
    encoder = encoder_mod.Encoder(job["model_dir"], device="cpu")
    t_load = time.perf_counter() - t0
    model_encode = encoder.model.encode

    def recording_encode(sentences: Any, *args: Any, **kwargs: Any) -> Any:
        texts.extend(sentences)
        t1 = time.perf_counter()
        try:
            return model_encode(sentences, *args, **kwargs)
        finally:
            timing["embed"] += time.perf_counter() - t1

    encoder.model.encode = recording_encode  # type: ignore[method-assign]

    docs_out = []
    t_docs = 0.0
    for doc in job["docs"]:
        t1 = time.perf_counter()
        ba = aligner_mod.Bertalign("\n".join(doc["src"]), "\n".join(doc["tgt"]),
                                   is_split=True, model=encoder)
        if ba.src_sents != [" ".join(x.split()) for x in doc["src"]] or (
                ba.tgt_sents != [" ".join(x.split()) for x in doc["tgt"]]):
            raise SystemExit(f"{doc['name']}: bertalign re-segmented the input")
        beads = ba.align_sents()
        t_docs += time.perf_counter() - t1
        docs_out.append({"name": doc["name"],
                         "beads": [[list(map(int, s)), list(map(int, t))] for s, t in beads]})
    Path(job["texts_out"]).write_text(json.dumps(texts), encoding="utf-8")
    import torch

    result = {
        "versions": {"bertalign": md.version("bertalign"), "torch": torch.__version__,
                     "sentence-transformers": md.version("sentence-transformers"),
                     "transformers": md.version("transformers"),
                     "python": sys.version.split()[0]},
        "seconds": {"import": t_import, "model_load": t_load, "embed": timing["embed"],
                    "detect_language": timing["detect"],
                    "align": t_docs - timing["embed"] - timing["detect"],
                    "end_to_end": t_load + t_docs},
        "texts_encoded": len(texts),
        "docs": docs_out,
    }
    Path(out_path).write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
