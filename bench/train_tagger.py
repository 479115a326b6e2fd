"""Train the word tagger (qa_pipeline/detect/tagger.py) and write qa_pipeline/data/tagger_<model>.*

Data: MLQE-PE et-en post-editing *train* (7,000 MT sentences; a word is BAD where the
post-editor changed it; HTER per sentence); dev is only ever scored, never trained on. Words
are the pipeline's words (punctuation is not tagged); a word is BAD when any given token inside
it is BAD (MT tags: the word tags at odd positions of the gap-interleaved line).

Steps (each resumable; states are cached under .bench-cache/tagger/):

    .venv/bin/python bench/train_tagger.py states --split train   # encoder pass, ~cached
    .venv/bin/python bench/train_tagger.py states --split dev
    .venv/bin/python bench/train_tagger.py train                  # writes the package data
    .venv/bin/python bench/train_tagger.py eval                   # dev word MCC / HTER r
    .venv/bin/python bench/train_tagger.py combine [--cross]      # word-evidence stage, NTREX lt-et
    .venv/bin/python bench/train_tagger.py combine-pair [--cross] # et-en's stage (after combine)

`--cross` fits the stages of the cross tagger (bench/train_cross_tagger.py) instead.

`--limit N` uses the first N sentences (the slow test runs the whole chain on a tiny subset
with `--out DIR`).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
csv.field_size_limit(10**8)

from paths import CACHE_DIR, DATA  # noqa: E402

from qa_pipeline.config import DEFAULT_MODEL  # noqa: E402
from qa_pipeline.detect.tagger import (  # noqa: E402
    WORD_EVIDENCE,
    TaggerModel,
    WordStates,
    side_inputs,
    state_cosine,
    word_states,
    write_tagger,
)
from qa_pipeline.embed import load_encoder  # noqa: E402

LAYERS = (4, 6, 8, 10, 12)
STATE_DIR = CACHE_DIR / "tagger"


def map_tokens(raw: str, tokens: list[str]) -> list[tuple[int, int]]:
    pos, out = 0, []
    for t in tokens:
        j = raw.find(t, pos)
        if j < 0 or raw[pos:j].strip():
            raise ValueError(f"token {t!r} not found in {raw!r}")
        out.append((j, j + len(t)))
        pos = j + len(t)
    return out


def read_split(split: str, limit: int | None = None) -> list[dict[str, Any]]:
    """Rows with raw texts, given tokens' character spans and tags, HTER and DA z_mean."""
    d = DATA / "mlqe-pe-et-en"
    pe = d / "post-editing" / f"et-en-{split}"
    with (d / f"{split}.tsv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))

    def lines(ext: str) -> list[str]:
        return (pe / f"{split}.{ext}").read_text(encoding="utf-8").splitlines()

    src, mt, stags, tags, hter = (lines(e) for e in ("src", "mt", "source_tags", "tags", "hter"))
    out = []
    for k, r in enumerate(rows[:limit]):
        mt_tags = tags[k].split()[1::2]
        st, mtt = src[k].split(), mt[k].split()
        if len(mt_tags) != len(mtt) or len(stags[k].split()) != len(st):
            raise ValueError(f"{split} row {k}: tag count mismatch")
        out.append({"src": r["original"], "tgt": r["translation"],
                    "src_tok": map_tokens(r["original"], st),
                    "tgt_tok": map_tokens(r["translation"], mtt),
                    "src_tag": [t == "BAD" for t in stags[k].split()],
                    "tgt_tag": [t == "BAD" for t in mt_tags],
                    "hter": float(hter[k]), "z": float(r["z_mean"])})
    return out


# The trainers' seed: it also draws the held-out train pairs every tagger script shares.
TRAIN_SEED = 13


def split_held_out(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The 10 % of MLQE train every trainer holds out, and the rest, as row indices: the
    first draw of `rng` (seeded with the trainers' seed), so all scripts agree on them."""
    perm = rng.permutation(n)
    k = max(1, n // 10)
    return perm[:k], perm[k:]


def word_labels(spans: tuple[tuple[int, int], ...], tok: list[tuple[int, int]],
                bad: list[bool]) -> np.ndarray:
    out = np.zeros(len(spans), np.float32)
    for w, (a, b) in enumerate(spans):
        out[w] = any(bd and s < b and e > a for (s, e), bd in zip(tok, bad, strict=True))
    return out


def states_path(split: str, model: str, limit: int | None, start: int = 0) -> Path:
    tag = f"{split}{'' if limit is None else f'-{limit}'}"
    if start:
        tag = f"{split}.{start}-{limit}"
    return STATE_DIR / f"{model}.{tag}.npz"


def cmd_states(args: argparse.Namespace) -> None:
    rows = read_split(args.split, args.limit)[args.start:]
    enc = load_encoder(args.model, precision="fp32")  # training reads fp32 states
    texts = [r["src"] for r in rows] + [r["tgt"] for r in rows]
    t0 = time.time()
    ws = word_states(enc, texts, LAYERS)
    secs = time.time() - t0
    n = len(rows)
    counts = np.array([len(w.spans) for w in ws])
    spans = np.array([s for w in ws for s in w.spans], np.int32).reshape(-1, 2)
    states = np.concatenate([w.states for w in ws]).astype(np.float16)
    path = states_path(args.split, args.model, args.limit, args.start)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, counts=counts, spans=spans, states=states, n=n, seconds=secs,
             layers=np.array(LAYERS))
    print(f"{args.split}: {n} pairs, {counts.sum()} words, {secs:.1f} s -> {path}")


TRAIN_CHUNKS = ((0, 3500), (3500, 7000))


def load_states(split: str, model: str, limit: int | None) -> list[WordStates]:
    """Per text (all sources, then all targets) its word states, from one cached file or,
    for the full train split, its chunks."""
    path = states_path(split, model, limit)
    if path.is_file() or limit is not None or split != "train":
        return _read_states(path)
    parts = [_read_states(states_path(split, model, b, a)) for a, b in TRAIN_CHUNKS]
    halves = [len(p) // 2 for p in parts]
    return ([w for p, h in zip(parts, halves, strict=True) for w in p[:h]]
            + [w for p, h in zip(parts, halves, strict=True) for w in p[h:]])


def _read_states(path: Path) -> list[WordStates]:
    z = np.load(path)
    counts, spans, states = z["counts"], z["spans"], z["states"].astype(np.float32)
    out, at = [], 0
    for c in counts:
        out.append(WordStates(tuple(map(tuple, spans[at:at + c])), states[at:at + c]))
        at += c
    return out


def examples(split: str, model: str, limit: int | None,
             layers: tuple[int, ...]) -> list[dict[str, Any]]:
    rows = read_split(split, limit)
    ws = load_states(split, model, limit)
    keep = [LAYERS.index(k) for k in layers]
    n = len(rows)
    out = []
    for k, r in enumerate(rows):
        s = WordStates(ws[k].spans, ws[k].states[:, keep])
        t = WordStates(ws[n + k].spans, ws[n + k].states[:, keep])
        fs, own_s, _ = side_inputs(r["src"], s, t, True)
        ft, own_t, _ = side_inputs(r["tgt"], t, s, False)
        cos = state_cosine(s, t)
        out.append({"fs": fs, "ft": ft, "os": own_s, "ot": own_t,
                    "ys": word_labels(s.spans, r["src_tok"], r["src_tag"]),
                    "yt": word_labels(t.spans, r["tgt_tok"], r["tgt_tag"]),
                    "hter": r["hter"], "z": r["z"], "cos": cos, "row": r,
                    "ss": s.spans, "ts": t.spans})
    return out


# --- training ---------------------------------------------------------------------------------


def mcc(y: np.ndarray, p: np.ndarray) -> float:
    """Matthews correlation as WMT QE computes it (BAD = positive class)."""
    from sklearn.metrics import matthews_corrcoef

    return float(matthews_corrcoef(y.astype(int), p.astype(int)))


def build_net(n_feat: int, dim: int, hidden: int, use_states: bool,
              context: bool = False) -> Any:
    import torch
    from torch import nn

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.feat = nn.Linear(n_feat, hidden)
            self.state = nn.Linear(4 * dim, hidden, bias=False) if use_states else None
            self.log_tau = nn.Parameter(torch.tensor(np.log(0.05), dtype=torch.float32))
            self.l2 = nn.Linear(3 * hidden if context else hidden, hidden)
            self.out = nn.Linear(hidden, 1)
            self.s1 = nn.Linear(2 * hidden + 7, 32)
            self.sout = nn.Linear(32, 1)
            self.drop = nn.Dropout(0.1)

        def hidden(self, x: Any, own: Any, other: Any, omask: Any) -> Any:
            h = self.feat(x)
            if self.state is not None:
                sc = own @ other.transpose(1, 2) / self.log_tau.exp()
                sc = sc.masked_fill(~omask[:, None, :], -1e4)
                ctx = torch.softmax(sc, dim=-1) @ other
                r = torch.cat([own, ctx, own * ctx, (own - ctx).abs()], dim=-1)
                h = h + self.state(self.drop(r))
            return nn.functional.gelu(h, approximate="tanh")

        def word(self, h: Any) -> Any:
            if context:
                z = torch.zeros_like(h[:, :1])
                # padding rows are zeros after masking, like the numpy ends
                h = torch.cat([h, torch.cat([z, h[:, :-1]], 1), torch.cat([h[:, 1:], z], 1)], -1)
            h2 = nn.functional.gelu(self.l2(self.drop(h)), approximate="tanh")
            return self.out(h2).squeeze(-1)

        def sentence(self, hs: Any, ms: Any, ls: Any, ht: Any, mt: Any, lt: Any,
                     cos: Any) -> Any:
            def pool(h: Any, m: Any, lg: Any) -> list[Any]:
                mf = m.float()
                n = mf.sum(1).clamp(min=1)
                mean_h = (h * mf[..., None]).sum(1) / n[:, None]
                p = torch.sigmoid(lg) * mf
                pmax = (torch.sigmoid(lg).masked_fill(~m, 0)).max(1).values
                return [mean_h, torch.stack([p.sum(1) / n, pmax, torch.log1p(mf.sum(1))], 1)]

            x = torch.cat([*pool(hs, ms, ls), *pool(ht, mt, lt), cos[:, None]], dim=1)
            return self.sout(nn.functional.gelu(self.s1(x), approximate="tanh")).squeeze(-1)

    return Net()


def _pad(arrs: list[np.ndarray], width: int) -> tuple[np.ndarray, np.ndarray]:
    n = max((a.shape[0] for a in arrs), default=0)
    n = max(n, 1)
    out = np.zeros((len(arrs), n, width), np.float32)
    mask = np.zeros((len(arrs), n), bool)
    for i, a in enumerate(arrs):
        out[i, :a.shape[0]] = a.reshape(a.shape[0], width)
        mask[i, :a.shape[0]] = True
    return out, mask


def batch_tensors(exs: list[dict[str, Any]], mean: np.ndarray, scale: np.ndarray) -> dict[str, Any]:
    import torch

    d = exs[0]["os"].shape[1]
    nf = mean.shape[0]
    fs, ms = _pad([(e["fs"] - mean) / scale for e in exs], nf)
    ft, mt = _pad([(e["ft"] - mean) / scale for e in exs], nf)
    os_, _ = _pad([e["os"] for e in exs], d)
    ot, _ = _pad([e["ot"] for e in exs], d)
    ys, _ = _pad([e["ys"][:, None] for e in exs], 1)
    yt, _ = _pad([e["yt"][:, None] for e in exs], 1)
    t = torch.from_numpy
    return {"fs": t(fs), "ft": t(ft), "ms": t(ms), "mt": t(mt), "os": t(os_), "ot": t(ot),
            "ys": t(ys[..., 0]), "yt": t(yt[..., 0]),
            "hter": torch.tensor([e["hter"] for e in exs], dtype=torch.float32),
            "cos": torch.tensor([e["cos"] for e in exs], dtype=torch.float32)}


def forward(net: Any, b: dict[str, Any]) -> tuple[Any, Any, Any]:
    # Padding rows zeroed: a word's missing neighbour reads as zeros, as in the numpy graph.
    hs = net.hidden(b["fs"], b["os"], b["ot"], b["mt"]) * b["ms"][..., None]
    ht = net.hidden(b["ft"], b["ot"], b["os"], b["ms"]) * b["mt"][..., None]
    ls, lt = net.word(hs), net.word(ht)
    sent = net.sentence(hs, b["ms"], ls, ht, b["mt"], lt, b["cos"])
    return ls, lt, sent


def predict(net: Any, exs: list[dict[str, Any]], mean: np.ndarray,
            scale: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
    import torch

    net.eval()
    ps, pt, sent = [], [], []
    with torch.inference_mode():
        for i in range(0, len(exs), 128):
            chunk = exs[i:i + 128]
            b = batch_tensors(chunk, mean, scale)
            ls, lt, se = forward(net, b)
            for k, e in enumerate(chunk):
                ps.append(torch.sigmoid(ls[k, :len(e["ys"])]).numpy())
                pt.append(torch.sigmoid(lt[k, :len(e["yt"])]).numpy())
            sent.append(torch.sigmoid(se).numpy())
    return ps, pt, np.concatenate(sent) if sent else np.zeros(0)


def best_cut(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    cuts = np.quantile(p, np.linspace(0.3, 0.97, 68))
    scores = [(mcc(y, p >= c), float(c)) for c in cuts]
    return max(scores)[1], max(scores)[0]


def train_net(train: list[dict[str, Any]], val: list[dict[str, Any]], use_states: bool,
              epochs: int, hidden: int, seed: int, sent_weight: float = 2.0,
              context: bool = False,
              log: Any = print) -> tuple[Any, np.ndarray, np.ndarray]:
    import torch

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    allf = np.concatenate([e["fs"] for e in train] + [e["ft"] for e in train])
    mean, scale = allf.mean(axis=0), allf.std(axis=0) + 1e-6
    ally = np.concatenate([e["ys"] for e in train] + [e["yt"] for e in train])
    pos_w = torch.tensor((1 - ally.mean()) / max(ally.mean(), 1e-3))
    net = build_net(allf.shape[1], train[0]["os"].shape[1], hidden, use_states, context)
    opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-2)
    bce = torch.nn.BCEWithLogitsLoss(pos_weight=pos_w, reduction="none")
    best: tuple[float, Any] | None = None
    for ep in range(epochs):
        net.train()
        order = rng.permutation(len(train))
        total = 0.0
        for i in range(0, len(order), 32):
            b = batch_tensors([train[k] for k in order[i:i + 32]], mean, scale)
            ls, lt, sent = forward(net, b)
            wl = ((bce(ls, b["ys"]) * b["ms"]).sum() + (bce(lt, b["yt"]) * b["mt"]).sum()) / (
                b["ms"].sum() + b["mt"].sum())
            sl = torch.nn.functional.mse_loss(torch.sigmoid(sent), b["hter"])
            loss = wl + sent_weight * sl * 10
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss.detach())
        ps, pt, se = predict(net, val, mean, scale)
        ys = np.concatenate([e["ys"] for e in val])
        yt = np.concatenate([e["yt"] for e in val])
        m_s = best_cut(ys, np.concatenate(ps))[1]
        m_t = best_cut(yt, np.concatenate(pt))[1]
        r = float(np.corrcoef(se, [e["hter"] for e in val])[0, 1])
        score = m_s + m_t + r
        log(f"epoch {ep + 1}: loss {total:.1f}  val MCC src {m_s:.3f} mt {m_t:.3f}  HTER r {r:.3f}")
        if best is None or score > best[0]:
            best = (score, {k: v.clone() for k, v in net.state_dict().items()})
    assert best is not None
    net.load_state_dict(best[1])
    return net, mean, scale


def export_weights(net: Any, mean: np.ndarray, scale: np.ndarray) -> dict[str, np.ndarray]:
    sd = {k: v.detach().numpy() for k, v in net.state_dict().items()}
    w = {"feat_mean": mean, "feat_scale": scale, "w_feat": sd["feat.weight"].T,
         "b_1": sd["feat.bias"], "w_2": sd["l2.weight"].T, "b_2": sd["l2.bias"],
         "w_out": sd["out.weight"].T, "b_out": sd["out.bias"], "s_1": sd["s1.weight"].T,
         "s_b1": sd["s1.bias"], "s_out": sd["sout.weight"].T, "s_bout": sd["sout.bias"],
         "tau": np.array([float(np.exp(sd["log_tau"]))])}
    if "state.weight" in sd:
        w["w_state"] = sd["state.weight"].T
    return {k: np.asarray(v, np.float32) for k, v in w.items()}


def cmd_train(args: argparse.Namespace) -> None:
    import torch

    torch.set_num_threads(2)
    t0 = time.time()
    layers = tuple(int(k) for k in args.layers.split(","))
    exs = examples("train", args.model, args.limit, layers)
    rng = np.random.default_rng(args.seed)
    held, rest = split_held_out(len(exs), rng)
    val = [exs[k] for k in held]
    train = [exs[k] for k in rest]
    print(f"{len(train)} train / {len(val)} held-out train pairs; layers {layers}; "
          f"features {exs[0]['fs'].shape[1]}; prep {time.time() - t0:.0f} s")
    net, mean, scale = train_net(train, val, not args.no_states, args.epochs, args.hidden,
                                 args.seed, context=args.context)
    ps, pt, se = predict(net, val, mean, scale)
    ys = np.concatenate([e["ys"] for e in val])
    yt = np.concatenate([e["yt"] for e in val])
    cut_s, val_s = best_cut(ys, np.concatenate(ps))
    cut_t, val_t = best_cut(yt, np.concatenate(pt))
    val_r = float(np.corrcoef(se, [e["hter"] for e in val])[0, 1])
    weights = export_weights(net, mean, scale)
    # Thresholds from held-out *train* pairs: the word cuts that maximise MCC per side, and the
    # sentence score's quantiles there (for severities downstream).
    th = {"word_bad_source": cut_s, "word_bad_target": cut_t,
          "sentence_q50": float(np.quantile(se, 0.5)), "sentence_q90": float(np.quantile(se, 0.9))}
    secs = time.time() - t0
    model = TaggerModel(model_id=f"tagger-{args.model}/1", encoder=args.model, layers=layers,
                        weights=weights, thresholds=th,
                        provenance={"data": "MLQE-PE et-en train", "pairs": len(train),
                                    "epochs": args.epochs, "hidden": args.hidden,
                                    "states": not args.no_states, "seed": args.seed,
                                    "context": args.context, "layers": list(layers),
                                    "heldout_train": {"mcc_source": round(val_s, 4),
                                                      "mcc_target": round(val_t, 4),
                                                      "pearson_hter": round(val_r, 4)},
                                    "seconds": round(secs, 1)})
    # The shipped numpy graph must give what torch trained.
    nps, npt, nse = numpy_tags(model, val)
    gap = max(float(np.abs(np.concatenate(nps) - np.concatenate(ps)).max()),
              float(np.abs(np.concatenate(npt) - np.concatenate(pt)).max()),
              float(np.abs(nse - se).max()))
    if gap > 1e-3:
        raise SystemExit(f"numpy inference differs from torch by {gap}")
    out = Path(args.out) if args.out else ROOT / "qa_pipeline" / "data"
    out.mkdir(parents=True, exist_ok=True)
    write_tagger(model, out)
    print(f"trained in {secs:.0f} s -> {out}")


def token_preds(word_spans_: tuple[tuple[int, int], ...], bad: np.ndarray,
                tok: list[tuple[int, int]]) -> np.ndarray:
    """A given token is BAD when a word over it is tagged BAD (punctuation stays OK)."""
    out = np.zeros(len(tok), bool)
    for (a, b), flag in zip(word_spans_, bad, strict=True):
        if flag:
            for k, (s, e) in enumerate(tok):
                if s < b and e > a:
                    out[k] = True
    return out


def token_mcc(exs: list[dict[str, Any]], src_bad: list[np.ndarray],
              tgt_bad: list[np.ndarray]) -> tuple[float, float]:
    ys, ps, yt, pt = [], [], [], []
    for e, bs, bt in zip(exs, src_bad, tgt_bad, strict=True):
        r = e["row"]
        ys.append(np.array(r["src_tag"]))
        yt.append(np.array(r["tgt_tag"]))
        ps.append(token_preds(e["ss"], bs, r["src_tok"]))
        pt.append(token_preds(e["ts"], bt, r["tgt_tok"]))
    return (mcc(np.concatenate(ys), np.concatenate(ps)),
            mcc(np.concatenate(yt), np.concatenate(pt)))


def numpy_tags(model: TaggerModel, exs: list[dict[str, Any]]) -> tuple[list[np.ndarray],
                                                                      list[np.ndarray], np.ndarray]:
    """The shipped (numpy) inference over cached states: P(BAD) per word, sentence score."""
    ps, pt, se = [], [], []
    for e in exs:
        hs = model.word_hidden(e["fs"], e["os"], e["ot"])
        ht = model.word_hidden(e["ft"], e["ot"], e["os"])
        ls, lt = model.word_logits(hs), model.word_logits(ht)
        ps.append(1 / (1 + np.exp(-ls)))
        pt.append(1 / (1 + np.exp(-lt)))
        se.append(1 / (1 + np.exp(-model.sentence_logit(hs, ht, ls, lt, e["cos"]))))
    return ps, pt, np.array(se)


def cmd_eval(args: argparse.Namespace) -> None:
    from scipy.stats import pearsonr

    from qa_pipeline.detect.tagger import ALIGN_FEATURES, read_tagger, tagger_names

    d = Path(args.out) if args.out else ROOT / "qa_pipeline" / "data"
    j, z = tagger_names(args.model)
    model = read_tagger(json.loads((d / j).read_text(encoding="utf-8")), (d / z).read_bytes())
    exs = examples(args.split, args.model, args.limit, model.layers)
    ps, pt, se = numpy_tags(model, exs)
    th = model.thresholds
    m_s, m_t = token_mcc(exs, [p >= th["word_bad_source"] for p in ps],
                         [p >= th["word_bad_target"] for p in pt])
    hter = np.array([e["hter"] for e in exs])
    zz = np.array([e["z"] for e in exs])
    res: dict[str, Any] = {"model_id": model.model_id, "split": args.split, "n": len(exs),
                           "mcc_source": round(m_s, 4), "mcc_target": round(m_t, 4),
                           "pearson_hter": round(float(pearsonr(se, hter)[0]), 4),
                           "pearson_da": round(float(pearsonr(se, zz)[0]), 4)}
    # Unsupervised alignment, no training: a word is BAD when its best match at the top
    # layer does not point back (SimAlign's argmax intersection leaves it unaligned).
    rec = ALIGN_FEATURES.index("recip")
    top = (len(model.layers) - 1) * len(ALIGN_FEATURES) + rec
    u_s, u_t = token_mcc(exs, [e["fs"][:, top] < 0.5 for e in exs],
                         [e["ft"][:, top] < 0.5 for e in exs])
    res["unsupervised_mcc_source"] = round(u_s, 4)
    res["unsupervised_mcc_target"] = round(u_t, 4)
    share = [float(np.mean(np.concatenate([e["fs"][:, top], e["ft"][:, top]]) < 0.5))
             for e in exs]
    res["unsupervised_pearson_hter"] = round(float(pearsonr(share, hter)[0]), 4)
    res["unsupervised_pearson_da"] = round(float(pearsonr(share, zz)[0]), 4)
    print(json.dumps(res, indent=1))
    if args.results:
        Path(args.results).write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")


# --- the word-evidence stage ------------------------------------------------------------------

QUANTILES = {"drift_minor": 0.90, "drift_major": 0.99, "drift_critical": 0.995}


def evidence_names(model: str) -> tuple[str, ...]:
    """The word evidence a stage is fitted on: WORD_EVIDENCE, and the swapped-word detector's
    where the model ships one (`qa_pipeline/detect/misfit.py`)."""
    from qa_pipeline.detect.misfit import load_misfit
    from qa_pipeline.detect.tagger import EVIDENCE_NAMES

    return EVIDENCE_NAMES if load_misfit(model) is not None else WORD_EVIDENCE


def evidence_table(docs: list[list[tuple[str, str]]], tagger: Any, enc: Any,
                   pair: tuple[str, str]) -> tuple[np.ndarray, list[int]]:
    """[drift logit, *evidence_names] per pair of every document (document sizes too)."""
    from drift_common import pairs_context

    from qa_pipeline.detect.calibration import load_calibration
    from qa_pipeline.detect.drift import DOMAIN_COLUMNS, bead_features, select
    from qa_pipeline.detect.tagger import evidence_row
    from qa_pipeline.detect.word_tagger import tag_words

    calib = load_calibration(enc.name, *pair)
    rows, sizes = [], []
    for doc in docs:
        ctx = pairs_context(doc, pair[0], pair[1], enc)
        x = bead_features(ctx, calib, encoder=enc)
        lg = calib.stage1_logit(select(x, calib)) + calib.domain_logit(x[:, DOMAIN_COLUMNS])
        tags = tag_words(tagger, enc, list(zip(ctx.source_texts, ctx.target_texts, strict=True)))
        ev = np.stack([evidence_row(tagger, t, evidence_names(enc.name)) for t in tags])
        rows.append(np.column_stack([lg, ev]))
        sizes.append(len(doc))
    return np.concatenate(rows), sizes


def stage_thresholds(combined: np.ndarray, sizes: list[int]) -> dict[str, float]:
    """Severity thresholds of a word-evidence stage from its combined drift on clean pairs:
    the QUANTILES, and the 0.95 quantile of the within-document relative score."""
    from qa_pipeline.detect.drift import relative_drift

    th = {k: round(float(np.quantile(combined, q)), 6) for k, q in QUANTILES.items()}
    rel, at = [], 0
    for n in sizes:
        rel.append(relative_drift(combined[at:at + n]))
        at += n
    th["drift_minor_relative"] = round(float(np.quantile(np.concatenate(rel), 0.95)), 6)
    return th


def cmd_combine(args: argparse.Namespace) -> None:
    """Fit the word-evidence stage on seeded damage of the even-numbered NTREX documents
    (lt-et; the benchmark reports on the odd ones) and set the severity thresholds from the
    same documents' clean pairs."""
    import dataclasses
    import random

    from damage_drift import DAMAGE_KINDS, damage
    from drift_common import cached_encoder
    from sklearn.linear_model import LogisticRegression

    from qa_pipeline.detect.calibration import sigmoid
    from qa_pipeline.detect.cross_tagger import write_cross

    t0 = time.time()
    d = Path(args.out) if args.out else ROOT / "qa_pipeline" / "data"
    tagger = dataclasses.replace(_read_any_tagger(args.model, d, args.cross), combine=None)
    enc = cached_encoder(args.model)
    docs = stage_docs(tagger, "lt", "et")[:args.docs or None]
    clean, sizes = evidence_table(docs, tagger, enc, ("lt", "et"))
    xs, ys = [clean], [np.zeros(len(clean))]
    for kind in DAMAGE_KINDS:
        rng = random.Random(f"{args.seed}-{kind}")
        flat = [(s, t, str(k)) for k, doc in enumerate(docs) for s, t in doc]
        starts = np.cumsum([0] + [len(doc) for doc in docs])
        damaged = [list(doc) for doc in docs]
        hit: set[int] = set()
        for dp in damage(flat, kind, rng, tgt_lang="et"):
            if rng.random() >= 0.25:
                continue
            k = int(np.searchsorted(starts, dp.index, side="right")) - 1
            damaged[k][dp.index - int(starts[k])] = (dp.src, dp.tgt)
            hit.add(dp.index)
        tab, _ = evidence_table(damaged, tagger, enc, ("lt", "et"))
        idx = sorted(hit)
        xs.append(tab[idx])
        ys.append(np.ones(len(idx)))
        print(f"{kind}: {len(idx)} damaged pairs", flush=True)
    x, y = np.concatenate(xs), np.concatenate(ys)
    lr = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000).fit(x, y)
    coef = [round(float(c), 6) for c in lr.coef_[0]]
    icpt = round(float(lr.intercept_[0]), 6)
    combined = sigmoid(clean @ np.array(coef) + icpt)
    th = stage_thresholds(combined, sizes)
    unseen = ", those the tagger did not train on" if "ntrex_docs" in tagger.provenance else ""
    combine = {"inputs": ["drift_logit", *evidence_names(args.model)], "coef": coef,
               "intercept": icpt,
               "thresholds": th,
               "trained": {"data": f"NTREX-128 lt-et even documents ({len(docs)}{unseen}), "
                                   f"clean pairs vs seeded damage {list(DAMAGE_KINDS)} at 25 %",
                           "pairs": len(y), "damaged": int(y.sum()),
                           "thresholds_from": f"quantiles {QUANTILES} of the combined drift "
                                              "of the clean pairs, 0.95 of its within-document "
                                              "robust z",
                           "seconds": round(time.time() - t0, 1)}}
    (write_cross if args.cross else write_tagger)(dataclasses.replace(tagger, combine=combine), d)
    print(json.dumps(combine, indent=1))


def stage_docs(tagger: Any, src: str, tgt: str) -> list[list[tuple[str, str]]]:
    """The even NTREX-128 documents a word-evidence stage is fitted on: all of them, or the
    half the tagger did not train on (`train_cross_tagger.py train --ntrex` trains on
    every other one), so that the stage sees the tagger's evidence on unseen pairs."""
    from drift_common import STAGE_HALF, TAGGER_HALF, ntrex_docs

    trained_on = tagger.provenance.get("ntrex_docs")
    return ntrex_docs(STAGE_HALF if trained_on == TAGGER_HALF else "even", src, tgt)


def _read_any_tagger(model: str, d: Path, cross: bool) -> Any:
    from qa_pipeline.detect.cross_tagger import read_cross_dir
    from qa_pipeline.detect.tagger import read_tagger, tagger_names

    if cross:
        tagger = read_cross_dir(model, d)
        if tagger is None:
            raise SystemExit(f"no cross tagger for {model} in {d}")
        return tagger
    j, z = tagger_names(model)
    return read_tagger(json.loads((d / j).read_text(encoding="utf-8")), (d / z).read_bytes())


def cmd_combine_pair(args: argparse.Namespace) -> None:
    """A language pair's own word-evidence stage, fitted on human post-edits of that pair: the
    held-out 10 % of MLQE-PE et-en *train* (pairs neither tagger trained on) as one document,
    the combined drift fitted to HTER (a logistic model with the HTER as a soft label); the
    severity thresholds from the same quantiles of clean NTREX-128 et-en pairs (even
    documents), as the pair's drift calibration derives its own."""
    import dataclasses

    from drift_common import cached_encoder
    from sklearn.linear_model import LogisticRegression

    from qa_pipeline.detect.calibration import sigmoid
    from qa_pipeline.detect.cross_tagger import write_cross

    src, tgt = args.pair.split("-")
    if (src, tgt) != ("et", "en"):
        raise SystemExit("post-edits exist for et-en only (MLQE-PE)")
    t0 = time.time()
    d = Path(args.out) if args.out else ROOT / "qa_pipeline" / "data"
    tagger = _read_any_tagger(args.model, d, args.cross)
    if tagger.combine is None:
        raise SystemExit("fit the general stage first (combine)")
    general = {k: v for k, v in tagger.combine.items() if k != "pairs"}
    tagger = dataclasses.replace(tagger, combine=general)  # evidence only; the stage is refit
    enc = cached_encoder(args.model)
    rows = read_split("train", args.limit)
    held = sorted(split_held_out(len(rows), np.random.default_rng(args.seed))[0])
    pairs = [(rows[i]["src"], rows[i]["tgt"]) for i in held]
    hter = np.array([rows[i]["hter"] for i in held])
    x, _ = evidence_table([pairs], tagger, enc, (src, tgt))
    xx = np.concatenate([x, x])
    yy = np.concatenate([np.ones(len(x)), np.zeros(len(x))])
    ww = np.concatenate([hter, 1 - hter])
    lr = LogisticRegression(C=1.0, max_iter=2000).fit(xx, yy, sample_weight=ww)
    coef = [round(float(c), 6) for c in lr.coef_[0]]
    icpt = round(float(lr.intercept_[0]), 6)
    fit_r = float(np.corrcoef(sigmoid(x @ np.array(coef) + icpt), hter)[0, 1])
    docs = stage_docs(tagger, src, tgt)[:args.docs or None]
    clean, sizes = evidence_table(docs, tagger, enc, (src, tgt))
    combined = sigmoid(clean @ np.array(coef) + icpt)
    th = stage_thresholds(combined, sizes)
    stage = {"inputs": ["drift_logit", *evidence_names(args.model)], "coef": coef,
             "intercept": icpt,
             "thresholds": th,
             "trained": {"data": f"MLQE-PE {args.pair} train, the {len(pairs)} pairs both "
                                 "taggers held out, HTER as a soft label",
                         "pearson_hter_fit": round(fit_r, 4),
                         "thresholds_from": f"quantiles {QUANTILES} of the combined drift of "
                                            f"{len(combined)} clean NTREX-128 {args.pair} pairs "
                                            f"(even documents), 0.95 of its within-document "
                                            "robust z",
                         "seconds": round(time.time() - t0, 1)}}
    combine = {**general, "pairs": {args.pair: stage}}
    write = write_cross if args.cross else write_tagger
    write(dataclasses.replace(tagger, combine=combine), d)
    print(json.dumps(stage, indent=1))


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    st = sub.add_parser("states")
    st.add_argument("--split", default="train")
    tr = sub.add_parser("train")
    tr.add_argument("--layers", default="8,12")
    tr.add_argument("--epochs", type=int, default=8)
    tr.add_argument("--hidden", type=int, default=64)
    tr.add_argument("--seed", type=int, default=TRAIN_SEED)
    tr.add_argument("--no-states", action="store_true")
    tr.add_argument("--context", action="store_true", help="neighbouring words' states too")
    tr.add_argument("--out")
    ev = sub.add_parser("eval")
    ev.add_argument("--split", default="dev")
    ev.add_argument("--out")
    ev.add_argument("--results")
    co = sub.add_parser("combine")
    co.add_argument("--docs", type=int, default=0)
    co.add_argument("--seed", type=int, default=1)
    co.add_argument("--out")
    co.add_argument("--cross", action="store_true",
                    help="fit the cross tagger's stage (bench/train_cross_tagger.py)")
    cp = sub.add_parser("combine-pair")
    cp.add_argument("--pair", default="et-en")
    cp.add_argument("--docs", type=int, default=0)
    cp.add_argument("--seed", type=int, default=TRAIN_SEED)
    cp.add_argument("--out")
    cp.add_argument("--cross", action="store_true")
    for p in (st, tr, ev, co, cp):
        p.add_argument("--model", default=DEFAULT_MODEL)
        p.add_argument("--limit", type=int)
    st.add_argument("--start", type=int, default=0)
    args = ap.parse_args()
    if args.cmd == "states":
        cmd_states(args)
    elif args.cmd == "train":
        cmd_train(args)
    elif args.cmd == "combine":
        cmd_combine(args)
    elif args.cmd == "combine-pair":
        cmd_combine_pair(args)
    else:
        cmd_eval(args)


if __name__ == "__main__":
    main()
