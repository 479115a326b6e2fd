"""Train the cross-encoder word tagger: both sides of a pair in one encoder pass, LoRA adapters
on the encoder's top layers, a BAD/OK head per word and an HTER head per pair.

The frozen encoder (multilingual-e5-small through qa_pipeline.bert.LeanBert) reads
"<s> source </s></s> target </s>"; layers below `--frozen` are never changed, so their output
is computed once per pair and cached (`states`); training runs only the adapted top layers.
A word's state is the mean of its sub-tokens' states at the last layer; words are the
pipeline's words (text.WORD), labelled as in bench/train_tagger.py (MLQE-PE et-en post-edits,
a word is BAD when a given token inside it is BAD). Dev is only ever scored.

`--split ntrex` adds human lt-et pairs where the BAD words are known (`ntrex_rows`): every
other even-numbered NTREX-128 document (the odd ones are the drift benchmarks' held-out half,
the other even ones are left to fit the word-evidence stage on unseen pairs), each
pair once clean (every word OK: free but faithful human wording is not an error) and once per
damage kind of `bench/damage_drift.py` that applies to it, its changed target words BAD (the
source words' labels are unknown there and carry no loss; a replaced sentence, kept for a
quarter of the pairs, is BAD on both sides). `--split swap` (`swap_rows`) adds half of MLQE
train's pairs (never the held-out 10 %) with one MT word replaced by a word of another MT
sentence, that word BAD. `train --ntrex` / `--swap` train on them beside MLQE train; the
held-out pairs stay MLQE's. (Both measured in BENCHMARKS, session 17; the shipped tagger was
trained on MLQE alone.)

    .venv/bin/python bench/train_cross_tagger.py states --split train
    .venv/bin/python bench/train_cross_tagger.py states --split dev
    .venv/bin/python bench/train_cross_tagger.py states --split ntrex   # lt-et damage, even docs
    .venv/bin/python bench/train_cross_tagger.py train            # 3 epochs, top 10 layers adapted
    .venv/bin/python bench/train_cross_tagger.py states --split swap    # MLQE pairs, a word swapped
    .venv/bin/python bench/train_cross_tagger.py train --ntrex [--swap]  # ... and those pairs too
    .venv/bin/python bench/train_cross_tagger.py blend   # share beside the feature tagger
    .venv/bin/python bench/train_cross_tagger.py eval --split dev
    .venv/bin/python bench/tagger_match.py --write       # unmatched-word evidence, target cut
    .venv/bin/python bench/train_tagger.py combine --cross && \
        .venv/bin/python bench/train_tagger.py combine-pair --cross   # word-evidence stages

`blend` chooses the word cuts without the unmatched-word evidence and so drops it
(`match`); `tagger_match.py` adds it back with its own target cut.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from drift_common import TAGGER_HALF, ntrex_docs  # noqa: E402
from paths import CACHE_DIR  # noqa: E402
from train_tagger import (  # noqa: E402
    TRAIN_SEED,
    best_cut,
    read_split,
    split_held_out,
    token_mcc,
    word_labels,
)

from qa_pipeline.bert import LeanBert, supports  # noqa: E402
from qa_pipeline.config import DEFAULT_MODEL  # noqa: E402
from qa_pipeline.detect.cross_tagger import (  # noqa: E402
    ADAPTED,
    CrossTaggerModel,
    heads,
    initial_params,
    merged_weights,
    pair_tokens,
    read_cross_dir,
    word_inputs,
    write_cross,
)
from qa_pipeline.models import model_path  # noqa: E402

STATE_DIR = CACHE_DIR / "cross_tagger"


def lean_of(model: str) -> Any:
    source = model_path(model)
    config = supports(source)
    if config is None:
        raise SystemExit(f"{model}: the cross tagger needs a model the lean BERT encoder runs")
    return LeanBert(source, config)


def states_path(split: str, model: str, frozen: int, limit: int | None,
                late: bool = False) -> Path:
    tag = split if limit is None else f"{split}-{limit}"
    return STATE_DIR / f"{model}.{'late' if late else 'f'}{frozen}.{tag}.npz"


# Damage kinds whose changed target words are known (clause_drop leaves no target word).
NTREX_KINDS = ("replace", "entity_swap", "negation", "number", "word_swap")
UNKNOWN = -1.0  # a word label that carries no loss
REPLACE_SHARE = 0.25


def ntrex_rows(limit: int | None = None, seed: int = 1) -> list[dict[str, Any]]:
    """Labelled lt-et pairs from the even NTREX-128 documents: each pair clean, then damaged
    by every kind in NTREX_KINDS (one draw per kind over the corpus); `src_lab` / `tgt_lab`
    give per-word labels on the pipeline's words (1 BAD, 0 OK, UNKNOWN no loss)."""
    import random

    from damage_drift import damage

    from qa_pipeline.text import word_spans

    flat = [(s, t, str(k)) for k, doc in enumerate(ntrex_docs(TAGGER_HALF)) for s, t in doc]
    flat = flat[:limit]
    rows: list[dict[str, Any]] = []

    def add(src: str, tgt: str, span: tuple[int, int] | None, whole: bool = False) -> None:
        ss, ts = word_spans(src), word_spans(tgt)
        if whole:
            ys, yt = np.ones(len(ss), np.float32), np.ones(len(ts), np.float32)
        elif span is None:
            ys, yt = np.zeros(len(ss), np.float32), np.zeros(len(ts), np.float32)
        else:
            ys = np.full(len(ss), UNKNOWN, np.float32)
            yt = np.array([a < span[1] and b > span[0] for a, b in ts], np.float32)
        bad = float(yt.mean()) if len(yt) else 0.0
        rows.append({"src": src, "tgt": tgt, "src_lab": ys, "tgt_lab": yt, "hter": bad,
                     "z": 0.0})

    for s, t, _ in flat:
        add(s, t, None)
    for kind in NTREX_KINDS:
        rng = random.Random(f"{seed}-{kind}")
        for d in damage(flat, kind, rng, tgt_lang="et"):
            if kind == "replace":
                if rng.random() < REPLACE_SHARE:  # the easy case: a share of them is enough
                    add(d.src, d.tgt, None, whole=True)
            elif d.tgt_span[1] > d.tgt_span[0]:
                add(d.src, d.tgt, d.tgt_span)
    return rows


SWAP_WORD = re.compile(r"(?<![\w-])[^\W\d_]{5,}(?![\w-])")
SWAP_SHARE = 0.5


def swap_rows(limit: int | None = None, seed: int = TRAIN_SEED) -> list[dict[str, Any]]:
    """MLQE-PE train pairs (never the 10 % `train` holds out, same seed) with one lower-case
    word of the MT replaced by one from another MT sentence: many contexts for the one error
    the lt-et pairs alone teach only by heart. The word is BAD besides the post-edit's tags;
    the source's labels are unknown."""
    import random

    rows = read_split("train", limit)
    held = set(split_held_out(len(rows), np.random.default_rng(seed))[0].tolist())
    rng = random.Random(f"{seed}-swap")
    pool = sorted({m.group() for r in rows for m in SWAP_WORD.finditer(r["tgt"])
                   if m.group().islower()})
    out: list[dict[str, Any]] = []
    for k, r in enumerate(rows):
        if k in held or rng.random() >= SWAP_SHARE:
            continue
        cands = [m for m in SWAP_WORD.finditer(r["tgt"]) if m.start() > 0 and
                 m.group().islower()]
        if not cands:
            continue
        m = rng.choice(cands)
        new = rng.choice(pool)
        if new.lower() in r["tgt"].lower():
            continue
        tgt = r["tgt"][:m.start()] + new + r["tgt"][m.end():]
        span = (m.start(), m.start() + len(new))
        shift = len(new) - (m.end() - m.start())
        # The MT's given tokens, moved past the swap; the swapped token is BAD.
        toks, tags = [], []
        for (a, b), bad in zip(r["tgt_tok"], r["tgt_tag"], strict=True):
            if b <= m.start():
                toks.append((a, b))
                tags.append(bad)
            elif a >= m.end():
                toks.append((a + shift, b + shift))
                tags.append(bad)
            else:
                toks.append((min(a, span[0]), max(b + shift, span[1])))
                tags.append(True)
        out.append({"src": r["src"], "tgt": tgt, "swap_tok": toks, "swap_tag": tags,
                    "hter": min(1.0, r["hter"] + 1 / max(len(toks), 1)), "z": r["z"]})
    return out


def read_rows(split: str, limit: int | None) -> list[dict[str, Any]]:
    if split == "ntrex":
        return ntrex_rows(limit)
    if split == "swap":
        return swap_rows(limit)
    return read_split(split, limit)


def row_labels(r: dict[str, Any], tk: Any) -> np.ndarray:
    if "swap_tok" in r:
        return np.concatenate([np.full(len(tk.source_spans), UNKNOWN, np.float32),
                               word_labels(tk.target_spans, r["swap_tok"], r["swap_tag"])])
    if "src_lab" in r:
        if len(r["src_lab"]) != len(tk.source_spans) or len(r["tgt_lab"]) != len(tk.target_spans):
            raise ValueError("ntrex row: words differ from the tokenizer's")
        return np.concatenate([r["src_lab"], r["tgt_lab"]])
    return np.concatenate([word_labels(tk.source_spans, r["src_tok"], r["src_tag"]),
                           word_labels(tk.target_spans, r["tgt_tok"], r["tgt_tag"])])


def late_states(rows: list[dict[str, Any]], model: str, layer: int
                ) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """`--late` (measured in session 26, not shipped): each side's layer-`layer` token states
    from its own pass, as the aligner's pass keeps them for the pipeline (the model's prompt
    included; `tagger.layer_states`), source tokens then target tokens; and each token's word
    (target words numbered after the source's)."""
    from qa_pipeline.detect.cross_tagger import token_words
    from qa_pipeline.detect.tagger import layer_states
    from qa_pipeline.embed import load_encoder
    from qa_pipeline.text import word_spans
    from qa_pipeline.token_states import state_source

    inner = state_source(load_encoder(model), "token_states")
    texts = list(dict.fromkeys(t for r in rows for t in (r["src"], r["tgt"])))
    found: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for start in range(0, len(texts), 512):
        found.update(layer_states(inner, texts[start:start + 512], (layer,)))
    states, word_of = [], []
    for r in rows:
        (oa, sa), (ob, sb) = found[r["src"]], found[r["tgt"]]
        ss, ts = word_spans(r["src"]), word_spans(r["tgt"])
        wb = token_words(ob, ts)
        states.append(np.concatenate([sa[:, 0], sb[:, 0]]).astype(np.float16))
        word_of.append(np.concatenate([token_words(oa, ss),
                                       np.where(wb >= 0, wb + len(ss), -1)]).astype(np.int32))
    return states, word_of


def cmd_states(args: argparse.Namespace) -> None:
    """Layer-`frozen` states of every pair's joint input (or, `--late`, of each side's own
    pass), plus tokens' words and labels."""
    import torch

    torch.set_num_threads(2)
    rows = read_rows(args.split, args.limit)
    lean = lean_of(args.model)
    t0 = time.time()
    toks = [pair_tokens(lean, r["src"], r["tgt"]) for r in rows]
    labels = [row_labels(r, tk) for r, tk in zip(rows, toks, strict=True)]
    words = np.array([[len(t.source_spans), len(t.target_spans)] for t in toks])
    if args.late:
        late, late_words = late_states(rows, args.model, args.frozen)
        path = states_path(args.split, args.model, args.frozen, args.limit, late=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, states=np.concatenate(late), tokens=np.array([len(x) for x in late]),
                 word_of=np.concatenate(late_words), words=words,
                 labels=np.concatenate(labels), seconds=time.time() - t0)
        print(f"{args.split}: {len(rows)} pairs, {time.time() - t0:.0f} s -> {path}")
        return
    order = sorted(range(len(rows)), key=lambda i: len(toks[i].ids))
    states: list[np.ndarray | None] = [None] * len(rows)
    with torch.inference_mode():
        for start in range(0, len(order), 32):
            idx = order[start:start + 32]
            length = max(len(toks[i].ids) for i in idx)
            ids = torch.full((len(idx), length), lean.config.pad_id, dtype=torch.long)
            mask = torch.zeros((len(idx), length), dtype=torch.long)
            for r, i in enumerate(idx):
                ids[r, :len(toks[i].ids)] = torch.tensor(toks[i].ids)
                mask[r, :len(toks[i].ids)] = 1
            x, _ = lean.layers(lean.embeddings(ids), mask, 0, args.frozen)
            for r, i in enumerate(idx):
                states[i] = x[r, :len(toks[i].ids)].numpy().astype(np.float16)
            if start // 32 % 20 == 0:
                print(f"  {start}/{len(order)} {time.time() - t0:.0f} s", flush=True)
    path = states_path(args.split, args.model, args.frozen, args.limit)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, states=np.concatenate([s for s in states if s is not None]),
             tokens=np.array([len(t.ids) for t in toks]),
             word_of=np.concatenate([t.word_of for t in toks]), words=words,
             labels=np.concatenate(labels), seconds=time.time() - t0)
    print(f"{args.split}: {len(rows)} pairs, {time.time() - t0:.0f} s -> {path}")


def load_examples(split: str, model: str, frozen: int, limit: int | None,
                  late: bool = False) -> list[dict[str, Any]]:
    with np.load(states_path(split, model, frozen, limit, late)) as z:  # each z[key] reads anew
        states, tokens, word_of = z["states"], z["tokens"], z["word_of"]
        words, labels = z["words"], z["labels"]
    rows = read_rows(split, limit)
    out, at, wat = [], 0, 0
    for k, r in enumerate(rows):
        n = int(tokens[k])
        ns, nt = (int(v) for v in words[k])
        out.append({"x": states[at:at + n], "word_of": word_of[at:at + n],
                    "ns": ns, "nt": nt, "y": labels[wat:wat + ns + nt],
                    "hter": r["hter"], "z": r["z"], "row": r})
        at += n
        wat += ns + nt
    return out


def batch(exs: list[dict[str, Any]]) -> dict[str, Any]:
    import torch

    b, t = len(exs), max(len(e["x"]) for e in exs)
    pool, side, wmask = word_inputs([e["word_of"] for e in exs], [e["ns"] for e in exs],
                                    [e["ns"] + e["nt"] for e in exs])
    x = np.zeros((b, t, exs[0]["x"].shape[1]), np.float32)
    mask = np.zeros((b, t), np.int64)
    y = np.zeros(wmask.shape, np.float32)
    for i, e in enumerate(exs):
        x[i, :len(e["x"])] = e["x"]
        mask[i, :len(e["x"])] = 1
        y[i, :e["ns"] + e["nt"]] = e["y"]
    wmask &= y != UNKNOWN  # labels unknown: no loss (and no padding word either)
    y = np.maximum(y, 0.0)
    t_ = torch.from_numpy
    return {"x": t_(x), "mask": t_(mask), "pool": t_(pool), "side": t_(side),
            "wmask": t_(wmask), "y": t_(y),
            "hter": torch.tensor([e["hter"] for e in exs], dtype=torch.float32)}


def adapted(params: dict[str, Any], lean: Any, frozen: int, scale: float) -> dict[str, Any]:
    return merged_weights(lean.weights, params, frozen, lean.config.layers, scale)


def run(params: dict[str, Any], lean: Any, b: dict[str, Any], frozen: int,
        weights: dict[str, Any]) -> tuple[Any, Any]:
    """Word logits (batch, words) and sentence logits (batch,) from the cached frozen states."""
    h, _ = lean.layers(b["x"], b["mask"], frozen, lean.config.layers, weights=weights)
    return heads(params, h, b["mask"], b["pool"], b["side"], b["wmask"])


def predict(params: dict[str, Any], lean: Any, exs: list[dict[str, Any]], frozen: int,
            scale: float) -> tuple[list[np.ndarray], np.ndarray]:
    import torch

    probs, sent = [], []
    with torch.inference_mode():
        merged = adapted(params, lean, frozen, scale)
        order = sorted(range(len(exs)), key=lambda i: len(exs[i]["x"]))
        out_p: list[np.ndarray | None] = [None] * len(exs)
        out_s = np.zeros(len(exs))
        for s in range(0, len(order), 64):
            idx = order[s:s + 64]
            wl, sl = run(params, lean, batch([exs[i] for i in idx]), frozen, merged)
            for r, i in enumerate(idx):
                out_p[i] = torch.sigmoid(wl[r, :exs[i]["ns"] + exs[i]["nt"]]).numpy()
                out_s[i] = float(torch.sigmoid(sl[r]))
        probs = [p for p in out_p if p is not None]
        sent = out_s
    return probs, sent


def scores(exs: list[dict[str, Any]], probs: list[np.ndarray], sent: np.ndarray
           ) -> dict[str, float]:
    ys = np.concatenate([e["y"][:e["ns"]] for e in exs])
    yt = np.concatenate([e["y"][e["ns"]:] for e in exs])
    ps = np.concatenate([p[:e["ns"]] for e, p in zip(exs, probs, strict=True)])
    pt = np.concatenate([p[e["ns"]:] for e, p in zip(exs, probs, strict=True)])
    cut_s, m_s = best_cut(ys, ps)
    cut_t, m_t = best_cut(yt, pt)
    r = float(np.corrcoef(sent, [e["hter"] for e in exs])[0, 1])
    return {"cut_source": cut_s, "cut_target": cut_t, "mcc_source": m_s, "mcc_target": m_t,
            "pearson_hter": r}


class Stepper:
    """AdamW (weight decay 0.01) with a one-cycle learning rate over `steps` steps; calling it
    takes one step on a loss, gradients clipped to norm 1, and gives the loss's value."""

    def __init__(self, params: list[Any], lr: float, steps: int) -> None:
        import torch

        self.params = params
        self.opt = torch.optim.AdamW(params, lr=lr, weight_decay=1e-2)
        self.sched = torch.optim.lr_scheduler.OneCycleLR(self.opt, max_lr=lr, total_steps=steps,
                                                         pct_start=0.1)

    def __call__(self, loss: Any) -> float:
        import torch

        self.opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.params, 1.0)
        self.opt.step()
        self.sched.step()
        return float(loss.detach())


def progress(epoch: int, batch: int, batches: int, total: float, t0: float) -> None:
    """Every 100th batch: the epoch's mean loss so far and its seconds."""
    if batch % 100 == 0:
        print(f"  epoch {epoch + 1} batch {batch}/{batches} loss {total / (batch + 1):.3f} "
              f"{time.time() - t0:.0f} s", flush=True)


def cmd_train(args: argparse.Namespace) -> None:
    import torch

    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    t0 = time.time()
    lean = lean_of(args.model)
    exs = load_examples("train", args.model, args.frozen, args.limit, args.late)
    rng = np.random.default_rng(args.seed)
    held, rest = split_held_out(len(exs), rng)
    val = [exs[k] for k in held]
    train = [exs[k] for k in rest]
    added: dict[str, int] = {}  # extra split -> its pairs, all in train
    for split in [name for name, wanted in (("ntrex", args.ntrex), ("swap", args.swap)) if wanted]:
        extra = load_examples(split, args.model, args.frozen, args.limit, args.late)
        added[split] = len(extra)
        train += extra
    n_ntrex, n_swap = added.get("ntrex", 0), added.get("swap", 0)
    ally = np.concatenate([e["y"][e["y"] != UNKNOWN] for e in train])
    init = initial_params(lean.config.hidden, args.frozen, lean.config.layers, args.rank,
                          args.hidden, lean.weights["encoder.layer.0.intermediate.dense.weight"]
                          .shape[0], args.seed)
    model = {k: torch.nn.Parameter(torch.from_numpy(v)) for k, v in init.items()}
    params = list(model.values())
    scale = args.alpha / args.rank
    step = Stepper(params, args.lr, args.epochs * ((len(train) + args.batch - 1) // args.batch))
    pos_w = torch.tensor((1 - ally.mean()) / max(ally.mean(), 1e-3))
    bce = torch.nn.BCEWithLogitsLoss(pos_weight=pos_w, reduction="none")
    print(f"{len(train)} train / {len(val)} held-out pairs; frozen {args.frozen}; rank "
          f"{args.rank}; {sum(p.numel() for p in params)} trainable; prep "
          f"{time.time() - t0:.0f} s", flush=True)
    # Length-bucketed batches, shuffled: padding costs little, order still varies per epoch.
    by_len = sorted(range(len(train)), key=lambda i: len(train[i]["x"]))
    batches = [by_len[i:i + args.batch] for i in range(0, len(by_len), args.batch)]
    best: tuple[float, dict[str, Any], dict[str, float]] | None = None
    for ep in range(args.epochs):
        te = time.time()
        total = 0.0
        for bi, k in enumerate(rng.permutation(len(batches))):
            b = batch([train[i] for i in batches[k]])
            wl, sl = run(model, lean, b, args.frozen, adapted(model, lean, args.frozen, scale))
            word_loss = (bce(wl, b["y"]) * b["wmask"]).sum() / b["wmask"].sum()
            sent_loss = torch.nn.functional.mse_loss(torch.sigmoid(sl), b["hter"])
            total += step(word_loss + args.sent_weight * sent_loss)
            progress(ep, bi, len(batches), total, te)
        probs, sent = predict(model, lean, val, args.frozen, scale)
        sc = scores(val, probs, sent)
        print(f"epoch {ep + 1}: {time.time() - te:.0f} s, held-out MCC src "
              f"{sc['mcc_source']:.3f} mt {sc['mcc_target']:.3f} HTER r "
              f"{sc['pearson_hter']:.3f}", flush=True)
        total_score = sc["mcc_source"] + sc["mcc_target"] + sc["pearson_hter"]
        if best is None or total_score > best[0]:
            best = (total_score, {k: v.detach().numpy().copy() for k, v in model.items()}, sc)
    assert best is not None
    sc = best[2]
    secs = time.time() - t0
    data = "MLQE-PE et-en train" + (f" + {n_ntrex} NTREX-128 lt-et pairs (even documents, "
                                     f"clean and seeded damage {list(NTREX_KINDS)})"
                                     if n_ntrex else "") + \
        (f" + {n_swap} of its train pairs with one MT word swapped" if n_swap else "")
    provenance = {"data": data, "pairs": len(train),
                  **({"ntrex_docs": TAGGER_HALF} if n_ntrex else {}),
                  "epochs": args.epochs, "rank": args.rank, "hidden": args.hidden,
                  "frozen": args.frozen, "lr": args.lr, "batch": args.batch,
                  "sent_weight": args.sent_weight, "seed": args.seed,
                  "heldout_train": {k: round(v, 4) for k, v in sc.items()},
                  "seconds": round(secs, 1)}
    shipped = CrossTaggerModel(
        model_id=f"cross-tagger-{args.model}/1", encoder=args.model, frozen=args.frozen,
        layers=lean.config.layers, rank=args.rank, alpha=args.alpha, weights=best[1],
        thresholds={"word_bad_source": sc["cut_source"], "word_bad_target": sc["cut_target"]},
        provenance=provenance)
    out = Path(args.out) if args.out else ROOT / "qa_pipeline" / "data"
    out.mkdir(parents=True, exist_ok=True)
    write_cross(shipped, out)
    print(f"trained in {secs:.0f} s -> {out}")


def feature_tags(split: str, model: str, limit: int | None, directory: Path | None = None
                 ) -> tuple[list[np.ndarray], np.ndarray]:
    """The feature tagger's (tagger.py, shipped) P(BAD) per word, source words then target
    words as in `load_examples`, and its sentence score, from bench/train_tagger.py's cached
    states."""
    from train_tagger import examples, numpy_tags

    from qa_pipeline.detect.tagger import load_tagger, read_tagger, tagger_names

    if directory is None:
        tagger = load_tagger(model)
    else:
        j, z = tagger_names(model)
        tagger = read_tagger(json.loads((directory / j).read_text(encoding="utf-8")),
                             (directory / z).read_bytes())
    if tagger is None:
        raise SystemExit(f"no feature tagger for {model}")
    exs = examples(split, model, limit, tagger.layers)
    ps, pt, se = numpy_tags(tagger, exs)
    return [np.concatenate([a, b]) for a, b in zip(ps, pt, strict=True)], se


def blended(probs: list[np.ndarray], sent: np.ndarray, f_probs: list[np.ndarray],
            f_sent: np.ndarray, w: float) -> tuple[list[np.ndarray], np.ndarray]:
    return ([w * a + (1 - w) * b for a, b in zip(probs, f_probs, strict=True)],
            w * sent + (1 - w) * f_sent)


def cmd_blend(args: argparse.Namespace) -> None:
    """Choose the cross tagger's share in a blend with the feature tagger, and the blend's
    word cuts, on the held-out *train* pairs (the same 10 % both trainers hold out)."""
    import dataclasses

    import torch

    torch.set_num_threads(2)
    d = Path(args.out) if args.out else ROOT / "qa_pipeline" / "data"
    model = read_cross_dir(args.model, d)
    if model is None:
        raise SystemExit(f"no cross tagger for {args.model} in {d}")
    lean = lean_of(args.model)
    exs = load_examples("train", args.model, model.frozen, args.limit, args.late)
    val = sorted(split_held_out(len(exs), np.random.default_rng(args.seed))[0].tolist())
    params = {k: torch.from_numpy(v) for k, v in model.weights.items()}
    probs, sent = predict(params, lean, [exs[i] for i in val], model.frozen, model.scale)
    f_probs, f_sent = feature_tags("train", args.model, args.limit)
    f_probs, f_sent = [f_probs[i] for i in val], f_sent[val]
    table = []
    for w in np.linspace(0, 1, 11):
        sc = scores([exs[i] for i in val], *blended(probs, sent, f_probs, f_sent, float(w)))
        table.append((sc["mcc_source"] + sc["mcc_target"] + sc["pearson_hter"], float(w), sc))
        print(f"w {w:.1f}: held-out MCC src {sc['mcc_source']:.3f} mt {sc['mcc_target']:.3f} "
              f"HTER r {sc['pearson_hter']:.3f}")
    _, w, sc = max(table, key=lambda t: t[0])
    prov = {**model.provenance, "blend": {"weight": round(w, 2), "chosen_by": "held-out train "
                                          "MCC source + MCC target + HTER r",
                                          "heldout_train": {k: round(v, 4)
                                                            for k, v in sc.items()}}}
    write_cross(dataclasses.replace(
        model, blend=round(w, 2), provenance=prov, match=None,
        thresholds={"word_bad_source": sc["cut_source"], "word_bad_target": sc["cut_target"]}),
        d)
    print(f"blend weight {w:.1f} -> {d}")


def cmd_eval(args: argparse.Namespace) -> None:
    import torch
    from scipy.stats import pearsonr

    d = Path(args.out) if args.out else ROOT / "qa_pipeline" / "data"
    model = read_cross_dir(args.model, d)
    if model is None:
        raise SystemExit(f"no cross tagger for {args.model} in {d}")
    lean = lean_of(args.model)
    exs = load_examples(args.split, args.model, model.frozen, args.limit, args.late)
    params = {k: torch.from_numpy(v) for k, v in model.weights.items()}
    probs, sent = predict(params, lean, exs, model.frozen, model.scale)
    if model.blend < 1:
        probs, sent = blended(probs, sent, *feature_tags(args.split, args.model, args.limit),
                              model.blend)
    th = model.thresholds
    src_bad = [p[:e["ns"]] >= th["word_bad_source"] for e, p in zip(exs, probs, strict=True)]
    tgt_bad = [p[e["ns"]:] >= th["word_bad_target"] for e, p in zip(exs, probs, strict=True)]
    for e in exs:
        tk = pair_tokens(lean, e["row"]["src"], e["row"]["tgt"])
        e["ss"], e["ts"] = tk.source_spans, tk.target_spans
    m_s, m_t = token_mcc(exs, src_bad, tgt_bad)
    hter = np.array([e["hter"] for e in exs])
    zz = np.array([e["z"] for e in exs])
    res = {"model_id": model.model_id, "split": args.split, "n": len(exs), "blend": model.blend,
           "mcc_source": round(m_s, 4), "mcc_target": round(m_t, 4),
           "pearson_hter": round(float(pearsonr(sent, hter)[0]), 4),
           "pearson_da": round(float(pearsonr(sent, zz)[0]), 4)}
    print(json.dumps(res, indent=1))
    if args.results:
        Path(args.results).write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    st = sub.add_parser("states")
    st.add_argument("--split", default="train")
    tr = sub.add_parser("train")
    tr.add_argument("--epochs", type=int, default=3)
    tr.add_argument("--rank", type=int, default=16)
    tr.add_argument("--alpha", type=float, default=32.0)
    tr.add_argument("--hidden", type=int, default=128)
    tr.add_argument("--lr", type=float, default=1e-3)
    tr.add_argument("--batch", type=int, default=16)
    tr.add_argument("--sent-weight", type=float, default=5.0)
    tr.add_argument("--seed", type=int, default=TRAIN_SEED)
    tr.add_argument("--out")
    tr.add_argument("--swap", action="store_true",
                    help="also train on MLQE train pairs with a swapped word (`states --split "
                         "swap` first)")
    tr.add_argument("--ntrex", action="store_true",
                    help="also train on the labelled lt-et pairs (`states --split ntrex` first)")
    ev = sub.add_parser("eval")
    ev.add_argument("--split", default="dev")
    ev.add_argument("--out")
    ev.add_argument("--results")
    bl = sub.add_parser("blend")
    bl.add_argument("--seed", type=int, default=TRAIN_SEED)
    bl.add_argument("--out")
    for p in (st, tr, ev, bl):
        p.add_argument("--model", default=DEFAULT_MODEL)
        p.add_argument("--limit", type=int)
        p.add_argument("--frozen", type=int, default=12 - ADAPTED)
        p.add_argument("--late", action="store_true",
                       help="the joint layers start at --frozen from each side's own states "
                            "(session 26's late-joint probe; not what ships)")
    args = ap.parse_args()
    {"states": cmd_states, "train": cmd_train, "eval": cmd_eval, "blend": cmd_blend}[args.cmd](args)


if __name__ == "__main__":
    main()
