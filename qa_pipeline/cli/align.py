"""`align`: the beads of a pair, printed (JSON or vecalign's bead lines)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .. import config as C
from . import common as opt
from .common import checked, guard, options_config, pair_langs
from .progress import progress_display


def align(
    src: Annotated[Path, typer.Argument(help="source text", readable=False)],
    tgt: Annotated[Path, typer.Argument(help="target text", readable=False)],
    src_lang: opt.SrcLang = None,
    tgt_lang: opt.TgtLang = None,
    segmented: opt.SegOpt = False,
    model: opt.ModelOpt = C.DEFAULT_MODEL,
    fmt: Annotated[
        C.AlignFormat, typer.Option("--format", help="json or vecalign beads")
    ] = C.AlignFormat.json,
    device: opt.DeviceOpt = C.DEFAULT_DEVICE,
    precision: opt.PrecisionOpt = C.PrecisionChoice(C.DEFAULT_PRECISION),
    batch_size: opt.BatchOpt = C.DEFAULT_BATCH_SIZE,
    no_cache: opt.NoCacheOpt = False,
    quiet: opt.QuietOpt = False,
) -> None:
    """Align SRC and TGT and print the beads to stdout."""
    from .. import __version__
    from ..align import describe
    from ..embed import revision_of
    from ..io.beads import format_beads
    from ..pipeline import make_encoder, read_inputs
    from ..rider_match import align_with_encoder
    from ..segment import SEGMENTER

    with guard():
        src_code, tgt_code, langs_note = pair_langs([src, tgt], src_lang, tgt_lang)
        cfg = checked(options_config(model, src_code, tgt_code, segmented, device, precision,
                                     batch_size, no_cache))
        inputs = read_inputs(src, tgt, cfg)
        if langs_note:  # once the inputs read: an error stays one line; --quiet or not
            typer.echo(langs_note, err=True)
        with progress_display(quiet) as progress:
            encoder = make_encoder(cfg)  # loads the model only for a text not cached
            stage = (lambda d, t: progress("align", d, t)) if progress else None
            result = align_with_encoder(inputs.source, inputs.target, encoder, cfg.align,
                                        progress=stage)
    if fmt is C.AlignFormat.beads:
        sys.stdout.write(format_beads(result.sentences))  # one line per bead, no blank line
        return
    doc = {
        "signature": {
            "version": __version__,
            "model": encoder.name,
            "model_revision": revision_of(encoder),
            "segmenter": SEGMENTER,
            "aligner": describe(result.params),
        },
        # The texts the indices below point into (the segmenter's sentences).
        **{side: {"path": str(doc.path), "lang": doc.lang,
                  "sentences": [sent.text for sent in doc.sentences]}
           for side, doc in (("source", inputs.source), ("target", inputs.target))},
        "paragraph_alignment": [
            {"source": list(b.source), "target": list(b.target), "similarity": b.similarity}
            for b in result.paragraphs
        ],
        "alignment": [
            {
                "source": list(b.source),
                "target": list(b.target),
                "similarity": b.similarity,
                "confidence": b.confidence,
            }
            for b in result.sentences
        ],
    }
    from ..io.json_report import dumps

    sys.stdout.write(dumps(doc))
