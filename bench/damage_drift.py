"""Seeded synthetic damage for drift benchmarks: corrupt the target side of aligned pairs.

    from bench.damage_drift import Pair, damage
    damaged = damage(pairs, "negation", random.Random(0), tgt_lang="et")

Kinds (DAMAGE_KINDS):
  replace      target replaced by another sentence of the same document
  clause_drop  a clause with >= 30 % of the target's words dropped at a comma/conjunction
  entity_swap  a name in the target replaced by a name from another document
  negation     a negation inserted into or removed from the target (et, lt, en rules)
  number       one number in the target changed to a different value
  word_swap    one content word of the target replaced by an unrelated content word (a
               lower-case word of 5+ letters from another document's targets)
Pairs where a kind does not apply (no number, no name, nothing to drop) are skipped, so the
result can be shorter than the input; `DamagedPair.index` points back into `pairs`.
"""

from __future__ import annotations

import random
import re
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qa_pipeline.detect.checks.entities import entities, plausible_match
from qa_pipeline.detect.checks.numbers import extract as extract_numbers

DAMAGE_KINDS = ("replace", "clause_drop", "entity_swap", "negation", "number", "word_swap")
MIN_DROP_SHARE = 0.30


class Pair(NamedTuple):
    src: str
    tgt: str
    doc: str = ""


@dataclass(frozen=True)
class DamagedPair:
    index: int  # position of the original pair in the input
    kind: str
    src: str
    tgt: str  # the damaged target
    original_tgt: str
    detail: str  # what was changed, for reports and debugging
    tgt_span: tuple[int, int]  # changed region in the damaged target ((k, k) for a deletion)


def damage(pairs: Sequence[Pair | tuple[str, str, str]], kind: str, rng: random.Random, *,
           tgt_lang: str = "et") -> list[DamagedPair]:
    """Apply `kind` to every pair where it applies; deterministic for a given rng state."""
    ps = [Pair(*p) for p in pairs]
    if kind == "replace":
        return _replace(ps, rng)
    if kind == "entity_swap":
        return _entity_swap(ps, rng, tgt_lang)
    if kind == "word_swap":
        return _word_swap(ps, rng)
    fn = {"clause_drop": _clause_drop, "negation": _negation, "number": _number}.get(kind)
    if fn is None:
        raise ValueError(f"unknown damage kind {kind!r}; choose from {DAMAGE_KINDS}")
    out = []
    for i, p in enumerate(ps):
        res = fn(p.tgt, rng, tgt_lang)
        if res is not None:
            new, detail, span = res
            out.append(DamagedPair(i, kind, p.src, new, p.tgt, detail, span))
    return out


# ---------------------------------------------------------------- replace
def _replace(ps: list[Pair], rng: random.Random) -> list[DamagedPair]:
    by_doc: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(ps):
        by_doc[p.doc].append(i)
    out = []
    for i, p in enumerate(ps):
        others = [j for j in by_doc[p.doc] if j != i and ps[j].tgt.strip() != p.tgt.strip()]
        if not others:
            continue
        j = rng.choice(others)
        out.append(DamagedPair(i, "replace", p.src, ps[j].tgt, p.tgt,
                               f"target replaced by the target of pair {j}",
                               (0, len(ps[j].tgt))))
    return out


# ---------------------------------------------------------------- clause drop
_CONJ = {
    "et": r"ja|ning|kuid|aga|et|sest|kuna|mis|kes|kui|ega|või",
    "lt": r"ir|bet|tačiau|o|kad|nes|kuris|kuri|kurie|kai|ar|arba",
    "en": r"and|but|which|who|that|because|while|when|or",
}


Edit = tuple[str, str, tuple[int, int]]  # (new target, detail, changed span)


def _clause_drop(tgt: str, rng: random.Random, lang: str) -> Edit | None:
    conj = _CONJ.get(lang, _CONJ["en"])
    # boundaries: after a comma/semicolon/dash, or before a conjunction
    bounds = {0, len(tgt.rstrip(".!?…\"“”»"))}
    for m in re.finditer(r"[,;:–—]\s+", tgt):
        bounds.add(m.end())
    for m in re.finditer(rf"\s(?:{conj})\b", tgt):
        bounds.add(m.start())
    cuts = sorted(bounds)
    n_words = len(tgt.split())
    if n_words < 6:
        return None
    cands = []
    for a_i, a in enumerate(cuts):
        for b in cuts[a_i + 1:]:
            seg = tgt[a:b]
            share = len(seg.split()) / n_words
            if MIN_DROP_SHARE <= share <= 0.7:
                cands.append((a, b))
    if not cands:
        return None
    a, b = rng.choice(cands)
    left, right = tgt[:a].rstrip(), tgt[b:].lstrip()
    left = re.sub(r"[,;:–—]$", "", left)
    if not left:
        right = re.sub(r"^[,;:–—]\s*", "", right)
        right = re.sub(r"^(?:" + conj + r")\s+", "", right)
        right = right[:1].upper() + right[1:]
        new = right
    elif not right or re.fullmatch(r"[.!?…\"“”»]+", right):
        new = left + right
    else:
        joiner = " " if right[:1].isalpha() and not re.match(r"[,;]", right) else ""
        new = left + joiner + right if right[:1] not in ",;" else left + right
    if len(new.split()) < 3:
        return None
    return new, f"dropped {tgt[a:b].strip()!r}", (len(tgt[:a].rstrip()), len(tgt[:a].rstrip()))


# ---------------------------------------------------------------- entity swap
def _entity_swap(ps: list[Pair], rng: random.Random, lang: str) -> list[DamagedPair]:
    pool: dict[str, list[str]] = defaultdict(list)
    for p in ps:
        for e in entities(p.tgt, lang):
            if e.text.isalpha() and len(e.text) >= 4:
                pool[p.doc].append(e.text)
    out = []
    for i, p in enumerate(ps):
        ents = [e for e in entities(p.tgt, lang) if e.text.isalpha() and len(e.text) >= 4]
        if not ents:
            continue
        e = rng.choice(ents)
        src_words = re.findall(r"\w+", p.src) + re.findall(r"\w+", p.tgt)
        cands = sorted({w for d, ws in pool.items() if d != p.doc for w in ws})
        rng.shuffle(cands)
        repl = next((c for c in cands[:400] if not any(plausible_match(c, w) for w in src_words)),
                    None)
        if repl is None:
            continue
        new = p.tgt[:e.start] + repl + p.tgt[e.end:]
        out.append(DamagedPair(i, "entity_swap", p.src, new, p.tgt,
                               f"{e.text!r} -> {repl!r}", (e.start, e.start + len(repl))))
    return out


# ---------------------------------------------------------------- negation
_ET_REMOVE = (
    (r"\bei ole\b", "on"), (r"\bei olnud\b", "oli"), (r"\bpole\b", "on"), (r"\bpolnud\b", "oli"),
    (r"\bei\s+", ""), (r"\bmitte\s+", ""),
)
_ET_INSERT = ((r"\bon\b", "ei ole"), (r"\boli\b", "ei olnud"), (r"\bolid\b", "ei olnud"))
_LT_REMOVE = ((r"\bnėra\b", "yra"), (r"\bnebuvo\b", "buvo"), (r"\bnebus\b", "bus"),
              (r"\bne\s+", ""))
_LT_INSERT = ((r"\byra\b", "nėra"), (r"\bbuvo\b", "nebuvo"), (r"\bbus\b", "nebus"),
              (r"\bgali\b", "negali"), (r"\bturi\b", "neturi"))
_EN_REMOVE = ((r"\bnot\s+", ""), (r"\bnever\b", "always"), (r"n't\b", ""))
_EN_INSERT = ((r"\b(is|are|was|were|will|would|can|could|has|have|had|should|must)\b",
               r"\1 not"),)


def _negation(tgt: str, rng: random.Random, lang: str) -> Edit | None:
    remove, insert = {"et": (_ET_REMOVE, _ET_INSERT), "lt": (_LT_REMOVE, _LT_INSERT)}.get(
        lang, (_EN_REMOVE, _EN_INSERT))
    options: list[tuple[int, int, str, str]] = []
    for pat, rep in remove + insert:
        for m in re.finditer(pat, tgt, flags=re.IGNORECASE):
            options.append((m.start(), m.end(), m.expand(rep) if "\\" in rep else rep, pat))
    if lang == "et":
        # "teeb" -> "ei tee", "teevad" -> "ei tee": present-tense verbs, a common and clean edit
        for m in re.finditer(r"\b([a-zõäöü]{3,})(vad|b)\b", tgt):
            if m.group(1) not in {"kuu", "aja", "saa", "maa", "töö"}:
                options.append((m.start(), m.end(), "ei " + m.group(1), "present"))
    if lang == "lt":
        for m in re.finditer(r"\bne([a-ząčęėįšųūž]{3,}(?:o|ė|a|i|ti))\b", tgt):
            options.append((m.start(), m.end(), m.group(1), "ne-"))
    if not options:
        return None
    a, b, rep, pat = rng.choice(options)
    old = tgt[a:b]
    if old[:1].isupper():
        rep = rep[:1].upper() + rep[1:]
    new = tgt[:a] + rep + tgt[b:]
    if new == tgt:
        return None
    return new, f"{old!r} -> {rep!r}", (a, a + len(rep))


# ---------------------------------------------------------------- number
def _format_like(raw: str, value: int) -> str:
    sep = next((c for c in raw if c in " \u00a0\u202f"), None)
    if sep is not None and value >= 1000:
        s = f"{value:,}".replace(",", sep)
        return s
    return str(value)


def _number(tgt: str, rng: random.Random, lang: str) -> Edit | None:
    mentions = [m for m in extract_numbers(tgt)
                if re.fullmatch(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})*|\d+|\d+,\d+", m.raw)]
    if not mentions:
        return None
    m = rng.choice(mentions)
    raw = m.raw
    # A real slip changes the value noticeably; a change below the other side's rounding
    # precision ("249,47" -> "249,41" against "250") is undetectable by any method.
    if "," in raw:
        whole, frac = raw.split(",")
        v = float(f"{whole}.{frac}")
        nv = v * (1 + rng.choice([-1, 1]) * rng.uniform(0.15, 0.5))
        new_raw = f"{nv:.{len(frac)}f}".replace(".", ",")
    else:
        v = int(re.sub(r"\D", "", raw))
        if 1000 <= v <= 2100:  # a year: a near year is the realistic slip
            nv = v + rng.choice([-1, 1]) * rng.randint(1, 10)
        else:
            step = max(1, round(v * rng.uniform(0.15, 0.5)))
            nv = v + rng.choice([-1, 1]) * step
            if nv < 0:
                nv = v + step
        new_raw = _format_like(raw, nv)
    if new_raw == raw:
        return None
    new = tgt[:m.start] + new_raw + tgt[m.end:]
    return new, f"{raw!r} -> {new_raw!r}", (m.start, m.start + len(new_raw))


# ---------------------------------------------------------------- word swap
_CONTENT = re.compile(r"[^\W\d_]{5,}")


def _word_swap(ps: list[Pair], rng: random.Random) -> list[DamagedPair]:
    """One content word (lower-case, 5+ letters, not the first word) of each target replaced
    by a lower-case content word that occurs in another document but nowhere in this one."""
    by_doc: dict[str, set[str]] = defaultdict(set)
    for p in ps:
        by_doc[p.doc].update(w.lower() for w in _CONTENT.findall(p.tgt))
    pool = sorted({w for p in ps for w in _CONTENT.findall(p.tgt) if w.islower()})
    out = []
    for i, p in enumerate(ps):
        cands = [m for m in _CONTENT.finditer(p.tgt) if m.start() > 0 and m.group().islower()]
        if not cands or not pool:
            continue
        m = rng.choice(cands)
        new = None
        for _ in range(20):
            w = rng.choice(pool)
            if w not in by_doc[p.doc]:
                new = w
                break
        if new is None:
            continue
        tgt = p.tgt[:m.start()] + new + p.tgt[m.end():]
        out.append(DamagedPair(i, "word_swap", p.src, tgt, p.tgt,
                               f"{m.group()!r} -> {new!r}", (m.start(), m.start() + len(new))))
    return out
