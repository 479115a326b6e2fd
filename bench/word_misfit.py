"""A replaced-word detector with adapted top layers: does fine-tuning find `word_swap` damage
where a probe over frozen states (`word_incongruity.py`, AUC 0.60) did not? (#13; measured)

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=2 .venv/bin/python bench/word_misfit.py [--write]

ELECTRA's discriminator task on the default encoder (`qa_pipeline/detect/misfit.py`):
Estonian sentences that never meet the benchmark (MLQE-PE train sources; `--ntrex` adds the
targets of NTREX's TAGGER_HALF documents) are read once as they are and `--variants` times
with one lower-case content word swapped for a word of the training pool
(`word_incongruity.swap_one`, the way the generator swaps). The bottom `--frozen` layers are
the encoder's own (their output, and the tapped layers', is computed once); the top layers
carry LoRA adapters and the head reads each word's mean sub-token states at the taps
(`--taps`), the last frozen layer and the adapted top. The input is what the pipeline encodes
(the model's prompt, then the text). MLQE-PE train sources past `--train` are held out and
scored too.

Scored on the odd NTREX lt–et documents exactly as `word_incongruity.py` scores the probe: a
sentence's score is its most likely word's logit; the AUC of the swapped beads
(`drift_ntrex.external_damage`, seed 0) against all clean beads, and how often the swapped
word is its sentence's top word. Writes bench/results/word_misfit.json.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from align_common import write_results
from drift_common import ROOT, TAGGER_HALF, auc, ntrex_docs, read_mlqe
from drift_ntrex import external_damage
from train_cross_tagger import Stepper, progress
from word_incongruity import swap_one

from qa_pipeline.bert import LeanBert, supports
from qa_pipeline.config import DEFAULT_MODEL
from qa_pipeline.detect.cross_tagger import initial_params, merged_weights
from qa_pipeline.detect.misfit import (
    HEAD_NAMES,
    MisfitModel,
    token_words,
    word_logits,
    word_pool,
    write_misfit,
)
from qa_pipeline.embed import load_encoder
from qa_pipeline.models import model_path
from qa_pipeline.text import word_spans

TAPS = (4, 6)  # lower layers whose states the head reads beside the frozen and adapted ones
# (the default of --taps)


def encode_words(lean: Any, prompt: str, text: str) -> tuple[list[int], np.ndarray, int]:
    """Token ids of prompt + text, each token's word (-1: none) and the number of words."""
    enc = lean.tokenizer.encode(prompt + text)
    spans = word_spans(text)
    offsets = np.array(enc.offsets, np.int64).reshape(-1, 2) - len(prompt)
    return list(enc.ids), token_words(offsets, spans), len(spans)


class Data:
    """Examples as frozen states (fp16), token->word maps and word labels."""

    def __init__(self, lean: Any, prompt: str, frozen: int,
                 items: Sequence[tuple[str, tuple[int, int] | None]],
                 taps: Sequence[int] = TAPS) -> None:
        import torch

        self.x: list[np.ndarray] = []
        self.word_of: list[np.ndarray] = []
        self.y: list[np.ndarray] = []
        toks = [encode_words(lean, prompt, t) for t, _ in items]
        for (t, span), (_, wo, _) in zip(items, toks, strict=True):
            ws = word_spans(t)
            self.y.append(np.array([1.0 if span and s < span[1] and e > span[0] else 0.0
                                    for s, e in ws], np.float32))
            self.word_of.append(wo)
        order = sorted(range(len(items)), key=lambda i: len(toks[i][0]))
        xs: list[np.ndarray | None] = [None] * len(items)
        with torch.inference_mode():
            for s in range(0, len(order), 64):
                idx = order[s:s + 64]
                ids, mask = pad([toks[i][0] for i in idx], lean.config.pad_id)
                x, hidden = lean.layers(lean.embeddings(ids), mask, 0, frozen, keep_states=True)
                tapped = torch.stack([hidden[k - 1] for k in taps] + [x], dim=2)
                for r, i in enumerate(idx):
                    xs[i] = tapped[r, :len(toks[i][0])].numpy().astype(np.float16)
        self.x = [x for x in xs if x is not None]

    def batch(self, idx: Sequence[int]) -> dict[str, Any]:
        import torch

        t = max(len(self.x[i]) for i in idx)
        nw = max(max(len(self.y[i]) for i in idx), 1)
        x = np.zeros((len(idx), t, *self.x[idx[0]].shape[1:]), np.float32)
        mask = np.zeros((len(idx), t), np.int64)
        pool = np.zeros((len(idx), nw, t), np.float32)
        y = np.zeros((len(idx), nw), np.float32)
        wmask = np.zeros((len(idx), nw), bool)
        for r, i in enumerate(idx):
            n = len(self.x[i])
            x[r, :n] = self.x[i]
            mask[r, :n] = 1
            pool[r] = word_pool([self.word_of[i]], [nw], t)[0]
            y[r, :len(self.y[i])] = self.y[i]
            wmask[r, :len(self.y[i])] = pool[r, :len(self.y[i])].sum(1) > 0
        f = torch.from_numpy
        return {"x": f(x[:, :, -1]), "taps": f(x), "mask": f(mask), "pool": f(pool), "y": f(y),
                "wmask": f(wmask)}


def pad(seqs: Sequence[Sequence[int]], pad_id: int) -> tuple[Any, Any]:
    import torch

    n = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), n), pad_id, dtype=torch.long)
    mask = torch.zeros((len(seqs), n), dtype=torch.long)
    for r, s in enumerate(seqs):
        ids[r, :len(s)] = torch.tensor(s)
        mask[r, :len(s)] = 1
    return ids, mask


def predict(model: dict[str, Any], lean: Any, data: Data, frozen: int,
            scale: float) -> list[np.ndarray]:
    import torch

    out: list[np.ndarray] = [np.zeros(0)] * len(data.x)
    with torch.inference_mode():
        w = merged_weights(lean.weights, model, frozen, lean.config.layers, scale)
        order = sorted(range(len(data.x)), key=lambda i: len(data.x[i]))
        for s in range(0, len(order), 64):
            idx = order[s:s + 64]
            b = data.batch(idx)
            h, _ = lean.layers(b["x"], b["mask"], frozen, lean.config.layers, weights=w)
            lg = word_logits(model, h, b["pool"], b["taps"]).numpy()
            for r, i in enumerate(idx):
                keep = b["wmask"][r, :len(data.y[i])].numpy()
                out[i] = np.where(keep, lg[r, :len(data.y[i])], -1e9)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--seed", type=int, default=0, help="word_swap damage seed (drift_ntrex's)")
    ap.add_argument("--train", type=int, default=6000,
                    help="MLQE-PE train sources (the next 1,000 are held out)")
    ap.add_argument("--variants", type=int, default=1,
                    help="swapped copies of each training sentence (each its own word)")
    ap.add_argument("--frozen", type=int, default=8)
    ap.add_argument("--taps", default=",".join(map(str, TAPS)),
                    help="lower layers (below --frozen) the head reads, comma-separated")
    ap.add_argument("--rank", type=int, default=8)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--ntrex", action="store_true",
                    help="also train on the targets of NTREX's TAGGER_HALF documents (the word-"
                         "evidence stage is then no longer fitted on unseen text: not shipped)")
    ap.add_argument("--write", action="store_true",
                    help="ship the detector as qa_pipeline/data/misfit_<model>.{json,npz}")
    ap.add_argument("--out", type=Path, default=None,
                    help="write the detector (--write) and the results here instead")
    ap.add_argument("--docs", type=int, default=0, help="first N odd documents only (0 = all)")
    ap.add_argument("--held", type=int, default=1000, help="held-out MLQE-PE train sources")
    args = ap.parse_args()
    taps = tuple(int(k) for k in args.taps.split(",") if k)
    import torch

    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    t0 = time.time()
    path = model_path(args.model)
    config = supports(path)
    assert config is not None
    lean = LeanBert(path, config)
    prompt = str(load_encoder(args.model).prompt or "")  # type: ignore[attr-defined]
    rng = random.Random(args.seed)
    texts = [r["original"] for r in read_mlqe("train")][:args.train]
    if args.ntrex:
        texts += [t for doc in ntrex_docs(TAGGER_HALF) for _, t in doc]
    swapped = [s for _ in range(args.variants) for s in swap_one(texts, rng)]
    items: list[tuple[str, tuple[int, int] | None]] = [(t, None) for t in texts]
    items += [(t, sp) for t, sp in swapped]
    train = Data(lean, prompt, args.frozen, items, taps)
    print(f"{len(items)} train sentences ({len(swapped)} swapped), frozen states "
          f"{time.time() - t0:.0f} s", flush=True)

    init = initial_params(config.hidden, args.frozen, config.layers, args.rank, 64,
                          lean.weights["encoder.layer.0.intermediate.dense.weight"].shape[0],
                          args.seed)
    keep = {k: v for k, v in init.items() if k.startswith("lora_") or k in HEAD_NAMES}
    width = config.hidden * (len(taps) + 2)
    keep["w_word"] = np.random.default_rng(args.seed).normal(
        0, 1 / np.sqrt(width), (width, 64)).astype(np.float32)
    model = {k: torch.nn.Parameter(torch.from_numpy(v)) for k, v in keep.items()}
    params = list(model.values())
    scale = 2.0
    by_len = sorted(range(len(items)), key=lambda i: len(train.x[i]))
    batches = [by_len[i:i + args.batch] for i in range(0, len(by_len), args.batch)]
    step = Stepper(params, args.lr, args.epochs * len(batches))
    ally = np.concatenate(train.y)
    bce = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor((1 - ally.mean()) / ally.mean()),
                                     reduction="none")
    nrng = np.random.default_rng(args.seed)
    for ep in range(args.epochs):
        te, total = time.time(), 0.0
        for bi, k in enumerate(nrng.permutation(len(batches))):
            b = train.batch(batches[k])
            w = merged_weights(lean.weights, model, args.frozen, config.layers, scale)
            h, _ = lean.layers(b["x"], b["mask"], args.frozen, config.layers, weights=w)
            lg = word_logits(model, h, b["pool"], b["taps"])
            total += step((bce(lg, b["y"]) * b["wmask"]).sum() / b["wmask"].sum())
            progress(ep, bi, len(batches), total, te)
    train_s = time.time() - t0

    def half(name: str) -> dict[str, Any]:
        docs = ntrex_docs(name)[:args.docs or None]
        where: dict[tuple[int, int], tuple[int, int]] = {}
        dmg = external_damage(docs, "word_swap", args.seed, where)
        assert dmg is not None
        hits = [(d, i) for d, (_, hit) in enumerate(dmg) for i in hit]
        clean = [t for doc in docs for _, t in doc]
        bad = [(dmg[d][0][i][1], where[(d, i)]) for d, i in hits]
        data = Data(lean, prompt, args.frozen, [(t, None) for t in clean] + bad, taps)
        lg = predict(model, lean, data, args.frozen, scale)
        sent = [float(v.max()) if v.size else -1e9 for v in lg]
        top = [bool(data.y[len(clean) + j][int(np.argmax(lg[len(clean) + j]))])
               for j in range(len(bad)) if lg[len(clean) + j].size]
        return {"clean": len(clean), "word_swap": len(bad),
                "auc": round(auc(sent[:len(clean)], sent[len(clean):]), 4),
                "swapped_word_on_top": round(float(np.mean(top)), 4)}

    odd = half("odd")
    held = [r["original"] for r in read_mlqe("train")][args.train:args.train + args.held]
    hsw = swap_one(held, random.Random(args.seed + 1))
    hdata = Data(lean, prompt, args.frozen, [(t, None) for t in held] + list(hsw), taps)
    hl = predict(model, lean, hdata, args.frozen, scale)
    hs = [float(v.max()) if v.size else -1e9 for v in hl]
    odd["mlqe_heldout_auc"] = round(auc(hs[:len(held)], hs[len(held):]), 4)
    out = {"model": args.model, "seed": args.seed, "frozen": args.frozen, "rank": args.rank,
           "epochs": args.epochs, "lr": args.lr, "train_sentences": len(items),
           "train_swaps": len(swapped), "taps": [*taps, args.frozen],
           "variants": args.variants, "ntrex": args.ntrex, "train_seconds": round(train_s, 1),
           "odd": odd}
    name = "word_misfit" + ("_ntrex" if args.ntrex else "")
    if args.out is None:
        write_results(name, out)
    else:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / f"{name}.json").write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    if args.write:
        data = "MLQE-PE et-en train Estonian sources" + (
            f" + NTREX-128 {TAGGER_HALF} Estonian targets" if args.ntrex else "")
        write_misfit(MisfitModel(
            model_id=f"misfit-{args.model}/1", encoder=args.model, frozen=args.frozen,
            layers=config.layers, taps=taps, rank=args.rank, alpha=scale * args.rank,
            weights={k: v.detach().numpy().copy() for k, v in model.items()},
            provenance={"data": data, "sentences": len(items), "swapped": len(swapped),
                        "epochs": args.epochs, "lr": args.lr, "seed": args.seed,
                        "odd_ntrex_word_swap": odd, "seconds": round(train_s, 1)}),
            args.out or ROOT / "qa_pipeline" / "data")
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
