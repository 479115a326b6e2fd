"""Seed documents: paragraph alignment must be title -> nothing, then paragraph i -> i.

    .venv/bin/python bench/align_seeds.py --model embeddinggemma-300m

Segmentation here is a stand-in (blank lines or lines for paragraphs, a punctuation regex
for sentences) so that the check does not depend on the segmenter.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from align_common import make_embed
from align_textberg import params_from

from qa_pipeline.align import align_documents, format_beads
from qa_pipeline.types import Document, Paragraph, Sentence

SEEDS = Path("/work/main/corpora/customer-loyalty")
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-ZĄČĘĖĮŠŲŪŽÕÄÖÜ0-9„\"])")


def read(path: Path, lang: str) -> Document:
    raw = path.read_text(encoding="utf-8")
    blocks = [b for b in re.split(r"\n\s*\n", raw) if b.strip()]
    if len(blocks) == 1:
        blocks = [ln for ln in raw.splitlines() if ln.strip()]
    sents: list[Sentence] = []
    paras: list[Paragraph] = []
    for p, block in enumerate(blocks):
        ids = []
        for s in _SENT.split(" ".join(block.split())):
            ids.append(len(sents))
            sents.append(Sentence(len(sents), p, s))
        paras.append(Paragraph(p, tuple(ids)))
    return Document(str(path), lang, tuple(paras), tuple(sents))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="embeddinggemma-300m")
    ap.add_argument("--set", nargs="*", default=[])
    args = ap.parse_args()
    src, tgt = read(SEEDS / "lt.txt", "lt"), read(SEEDS / "et.txt", "et")
    al = align_documents(src, tgt, make_embed(args.model), params_from(args.set))
    got = [(b.source, b.target) for b in al.paragraphs]
    want = [((0,), ())] + [((i + 1,), (i,)) for i in range(len(tgt.paragraphs))]
    print(format_beads(al.paragraphs), end="")
    print(json.dumps({"model": args.model, "paragraphs_exact": got == want,
                      "sentences": [len(src.sentences), len(tgt.sentences)],
                      "sentence_beads": format_beads(al.sentences).splitlines()}, indent=1))


if __name__ == "__main__":
    main()
