"""Negation polarity: the two sides must negate the same number of clauses.

Markers are counted per clause (text between , ; : – ( ) and sentence ends) so that negative
concord ("niekas nežino", "mitte keegi ei tea") counts once, like English "nobody knows".

Lithuanian has no separate "not" before most verbs: negation is the verb prefix ne-/nė-/nebe-.
Many ne-words are not negated verbs (nes, net, netoli, nelaimė, nepriklausomas ...), so a
ne-word counts only if its remainder ends like a finite verb, infinitive, gerund or active
participle, and it is not one of the lexicalised words listed below. That list was derived
from the frequent ne-words of NTREX-128 lit.txt (`grep -oiE '\\b(ne|nė)\\w*' lit.txt | sort |
uniq -c | sort -rn`): the entries there that are conjunctions, adverbs, nouns or adjectives.
Lexical negation (un-/il-, eba-, adjectival ne-) is not counted on any side, because it does
not flip the polarity of the clause.

Translators often move a negation into the lexicon ("nebeturi laiko" / "napib aega", "lacks
time"), which no marker list can see. So the check's encoder stage (`refine_negation`) tests
each marker of the side with more negated clauses: that side is re-embedded with the marker
made positive ("nežinojo" -> "žinojo", "ei" dropped, "pole" -> "on"), and the marker stays only
if its removal brings the side closer to the other one (an inserted or lost negation); where
the other side carries the same polarity in other words, removing it moves the side away. Its
threshold is per model, derived from data (`bench/check_encoder.py`). Spans mark only the
unmatched markers of the side with more; markers whose polarity agrees are never marked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ...types import Severity
from .base import CheckSpec, Embedding, Hit, base_lang, emphasised, encoder_settings, words

_SCOPE_BREAK = re.compile(r"[,;:()\[\]–—.!?…\"“”„«»]")

# ---------------------------------------------------------------- Lithuanian
_LT_ALWAYS = frozenset({
    "ne", "nėra", "nebuvo", "nebus", "nebūtų", "nebėra", "negali", "negalima", "nereikia",
    "neturi", "nežino", "nėjo",
})
# "be to" / "be kita ko" = "besides"; "ne mažiau kaip" = "at least": no polarity.
_LT_FIXED_AFTER = {
    "be": re.compile(r"\s+(to|kita ko|abejo|galo)\b", re.IGNORECASE),
    "ne": re.compile(r"\s+(mažiau|daugiau|vėliau|anksčiau|toliau|ilgiau|trumpiau|"
                     r"didesn\w*|mažesn\w*|kartą)\b", re.IGNORECASE),
}
# n-words: counted only when no negated verb shares their clause (negative concord).
_LT_NWORDS = re.compile(
    r"(nė|niekas|nieko|niekam|niekuo|nieku|niekur|niekada|niekados|niekuomet|"
    r"jok(s|io|ia|ios|ių|iam|iai|iems|ioms|į|ią|ius|ias|iu|ia|iais|iomis|iame|ioje|ie))"
)
# Negated forms that usually mean "without" / "in the absence of" ("nesant kaltės", *without
# fault*), rendered by a lexical negation on the other side ("süütu"): weak, like "be".
_LT_WEAK_WORDS = frozenset({"nesant", "vargu"})  # "vargu ar" = hardly (et "vaevalt", "ei")
# Lexicalised ne-words frequent in NTREX lit.txt: conjunctions, adverbs, nouns, adjectives.
_LT_NOT_NEGATION_WORDS = frozenset({
    "nes", "net", "netgi", "nei", "negu", "neva", "nebent", "netoli", "netoliese", "netrukus",
    "neseniai", "nejaugi",
})
_LT_NOT_NEGATION_STEMS = (
    "nepaisant", "nedaug", "nemažai", "nelaim", "nepriklausom", "nekilnojam", "nerim",
    "neig", "nedarb", "nesėkm", "nemokam", "neutral", "nerv", "nepaprast", "neįgal",
    "neilgai", "nelengv", "nedidel", "neblog", "nelegal", "neteisėt", "netinkam",
    "neteising", "neįtikėtin", "neįprast", "neįmanom", "neišvengiam", "neabejotin",
    "nepakankam", "nepriimtin", "nepilnamet", "nesantaik", "nesutarim", "nesusipratim",
    "nepasitikėjim", "nepopuliar", "nemalon", "neramu", "neramūs", "nepatogi", "nekalt",
    "nesąžining", "nešališk", "nepador", "netiesiog", "netikėt", "nekompetenting",
    "nemandag", "neaišk", "nesvarb", "neprilygstam", "nepriekaišting", "nepastebim",
    "neįveikiam", "nepageidaujam", "nepakeičiam", "nepaneigiam", "nepamirštam",
    "nerezultatyv", "nereikšming", "nepraktišk", "neleistin", "neatleistin", "neįgyvendinam",
    "nesibaigianči", "nesibaigiant", "netyčia", "nesunk", "nestipr", "neturting", "nelygi", "neopt",
    "nepalank", "nenumaldom", "nemig", "nežinom", "nerišl", "neišsam", "netiksl",
    "neaiškum", "neštuv", "nešti", "neš", "nešvil", "neck", "new", "nevad", "neapol",
    "nelson", "nell", "nealas", "neill", "nebrask", "neeee", "netek", "nevyriausyb",
    "neprezident", "nemateria",
    # adverbial and lexicalised participles: "nedelsiant" (at once), "nežiūrint į" (despite),
    # "nerūdijantis plienas" (stainless steel), "neapmokestinamas" (tax-free)
    "nedelsiant", "nežiūrint", "nerūdij", "neapmokestin",
)
# Endings that make a ne-word a negated verb form: present/past/future/conditional finite
# forms, infinitive, frequentative, imperative, gerunds and active participles.
_LT_VERB_END = re.compile(
    r"(ti|tis|tų|tumėte|tume|čiau|davo|dav(au|ai|ome|ote)|ė|ėjo|ėjau|ėme|ėte|iau|ome|ote|"
    r"ame|ate|ime|ite|iu|au|[^aeiouy]u|i|asi|osi|isi|ėsi|si|siu|sime|site|k|kite|kime|ęs|usi|usios|ąs|"
    r"ant|int|dam(as|a|i|os)|ia|ja|na|ka|da|ba|ga|pa|ra|la|sta|o|ina|oja|uoja|ėja|ks|ps|"
    r"ts|ds|gs|ls|rs|ns|ms|s)$"
)
_LT_NOMINAL_END = re.compile(
    r"(umas|umo|umą|umu|ume|imas|imo|imą|imu|ime|ybė|ybės|ybę|iškas|iška|inga|ingas|ingai|"
    r"inio|iniam|iniu|inės|inei|inę|"  # adjectives in -inis / -inė ("nestandartinio")
    r"tas|ta|mas|ma|mi|ingi|ūs|ios|ius|iai|as|us|is|ys|ai|ų|ą|ę|į|ių|ams|oms|ais|ose|uose|oje|ėje|iame|ioje|ajam|"
    r"osios|ųjų|ojo|oji|iosios|ieji|osioms|iems)$"
)
_LT_VERB_OVERRIDE = re.compile(r"(tų|ks|ps|ts|ds|gs|ls|rs|ns|ėsi|ęs|siu|sime|site|ėjo|ojo)$")


def _lt_is_negated_verb(word: str) -> bool:
    w = word.lower()
    if w in _LT_ALWAYS:
        return True
    if not (w.startswith("ne") or w.startswith("nė")) or len(w) < 5:
        return False
    if w in _LT_NOT_NEGATION_WORDS or w.startswith(_LT_NOT_NEGATION_STEMS):
        return False
    if _LT_NOMINAL_END.search(w) and not _LT_VERB_OVERRIDE.search(w):
        return False
    return bool(_LT_VERB_END.search(w))


# ---------------------------------------------------------------- Estonian
_ET_VERBAL = frozenset({
    "ei", "pole", "polnud", "poleks", "polevat", "polegi", "ärge", "ärgu", "ärme", "ärgem",
})
_ET_NWORDS = frozenset({"mitte", "mittekeegi"})
# "ei X ega Y" = "not X or Y": "ega" continues a negation unless none precedes it.
_CONCORD_WINDOW = 15
_ET_CONTINUATIONS = frozenset({"ega"})
_EN_CONTINUATIONS = frozenset({"nor"})
# "without" is a preposition everywhere; et often uses the abessive case (-ta) instead of
# "ilma", so these only soften a difference.
_WITHOUT = frozenset({"be", "ilma", "without"})
# "ära" is a verb particle ("märkis ära") far more often than the negative imperative; only a
# clause-initial "ära" is the imperative ("Ära mine!").
_ET_CLAUSE_INITIAL = frozenset({"ära"})

# ---------------------------------------------------------------- English
_EN_VERBAL = frozenset({
    "not", "never", "no", "nobody", "nothing", "none", "neither", "nowhere", "cannot",
})


# Lexical negation that can carry a clause's polarity in translation ("not happy" / lt
# "nepatenkinta" / et "rahulolematu"; "there is no" / et "puudub"). A side that lacks a verbal
# negation but has one of these only gets a low-confidence hit.
_ET_WEAK = re.compile(r"(eba\w{3,}|mitte\w{3,}|puudu\w*|vaevalt|\w{3,}mat(a|u|ud|ut|uks|ult)|"
                      r"\w{3,}matu\w*|võimatu\w*|keeldu\w*|vähe)")
_EN_WEAK = re.compile(r"(lack\w*|fail\w*|unless|hardly|scarcely|barely|absen\w+|refus\w+|"
                      r"instead|rather|deni\w+|deny|un(?!der|it|ion|iv|iq|til)\w{4,}|"
                      r"in(?:capab|compet|correct|valid|adequ|suffic|dependen)\w*|"
                      r"im(?:possib|prob|propr)\w*|il(?:leg|logic)\w*|ir(?:regul|relev)\w*|"
                      r"non\w*|dis(?:agree|approv|like)\w*)")
_ONLY_AFTER = re.compile(r"\s+(tik|ainult|only|just)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Marker:
    start: int
    end: int
    text: str
    weak: bool = False


def _clause_ids(text: str) -> list[int]:
    """Clause index of every character position."""
    ids = []
    c = 0
    for ch in text:
        if _SCOPE_BREAK.match(ch):
            c += 1
        ids.append(c)
    return ids


def markers(text: str, lang: str) -> list[Marker]:
    """Negation markers after negative concord: at most one per clause from n-words.

    Markers with `weak=True` are lexical negations ("nepatenkinta", "puudub", "unhappy") and
    "not only"-type phrases; they soften a count difference but are not counted themselves.
    """
    lang = base_lang(lang)
    clause = _clause_ids(text)
    verbal: list[Marker] = []
    nwords: list[Marker] = []
    weak: list[Marker] = []
    prev_clause = -1
    toks = list(words(text))
    last_neg = -_CONCORD_WINDOW - 1
    for k, (w, s, e) in enumerate(toks):
        lw = w.lower()
        initial = clause[s] != prev_clause
        prev_clause = clause[s]
        fixed = _LT_FIXED_AFTER.get(lw) if lang == "lt" else None
        if fixed is not None and fixed.match(text, e):
            continue
        if lw in _WITHOUT and (lang != "lt" or lw == "be"):
            weak.append(Marker(s, e, w, weak=True))
            continue
        if lw in _ET_CONTINUATIONS | _EN_CONTINUATIONS:
            if k - last_neg > _CONCORD_WINDOW:
                verbal.append(Marker(s, e, w))
            last_neg = k
            continue
        n_before = len(verbal) + len(nwords)
        if lang == "lt" and lw == "ne":
            # constituent negation ("ne JK gyventojai", "o ne dvi"): often rendered lexically
            nxt = toks[k + 1][0].lower() if k + 1 < len(toks) else ""
            prev = toks[k - 1][0].lower() if k > 0 else ""
            # before a name ("Ne Velso skaitytojams", for non-Welsh readers): constituent too
            named = k + 1 < len(toks) and toks[k + 1][0][:1].isupper() and not emphasised(
                toks[k + 1][0])
            if prev == "o" or named or not _lt_is_negated_verb("ne" + nxt):
                weak.append(Marker(s, e, w, weak=True))
                continue
            verbal.append(Marker(s, e, w))
        elif lang == "lt" and lw in _LT_WEAK_WORDS:
            weak.append(Marker(s, e, w, weak=True))
            continue
        elif lang == "lt":
            if w[0].isupper() and not initial and not emphasised(w):
                continue  # a name or a foreign word inside the clause ("Fox Business Network")
            if _LT_NWORDS.fullmatch(lw):
                nwords.append(Marker(s, e, w))
            elif _lt_is_negated_verb(lw):
                verbal.append(Marker(s, e, w))
            elif (lw.startswith(("ne", "nė")) and len(lw) > 5
                  and lw not in _LT_NOT_NEGATION_WORDS):
                weak.append(Marker(s, e, w, weak=True))
        elif lang == "et":
            if lw in _ET_VERBAL or (lw in _ET_CLAUSE_INITIAL and initial):
                verbal.append(Marker(s, e, w))
            elif lw in _ET_NWORDS:
                nwords.append(Marker(s, e, w))
            elif _ET_WEAK.fullmatch(lw):
                weak.append(Marker(s, e, w, weak=True))
        else:
            # English and the generic fallback: "n't" contractions, no/not/never...
            if lw in _EN_VERBAL or lw.endswith("n't") or lw.endswith("n’t"):
                # "No. 5" / "No 5" is a number sign, not a negation ("no 5-star hotels" is)
                if lw == "no" and (re.match(r"\.\s?\d", text[e: e + 3])
                                   or (w == "No" and re.match(r"\s\d", text[e: e + 2]))):
                    continue
                (nwords if lw == "neither" else verbal).append(Marker(s, e, w))
            elif _EN_WEAK.fullmatch(lw):
                weak.append(Marker(s, e, w, weak=True))
        if len(verbal) + len(nwords) > n_before:
            last_neg = k
    verbal_clauses = {clause[m.start] for m in verbal}
    # Concord reaches over a comma from an n-word to its verb after it: "Nė vienas, ką ji
    # įvardija, negali to patvirtinti" (no one she names can confirm it) is one negation. An
    # n-word after the verb's clause is one of its own: "Vaistas nepadėjo, jokio poveikio."
    at = {s: k for k, (_, s, _) in enumerate(toks)}
    verbal_at = [at[m.start] for m in verbal if m.start in at]
    seen: set[int] = set()
    for m in nwords:
        c = clause[m.start]
        k = at.get(m.start, -_CONCORD_WINDOW - 1)
        near = any(0 < v - k <= _CONCORD_WINDOW for v in verbal_at)
        if c in verbal_clauses or c in seen or near:
            continue
        seen.add(c)
        verbal.append(m)
    # "ne tik" / "mitte ainult" / "not only": additive, rarely translated as a negation
    out = [Marker(m.start, m.end, m.text, weak=True) if _ONLY_AFTER.match(text, m.end) else m
           for m in verbal]
    return sorted(out + weak, key=lambda m: m.start)


def negated_clauses(text: str, lang: str) -> int:
    """Number of clauses with a (non-weak) negation: "nevalgo ir negeria" / "ei söö ega joo"
    / "doesn't eat or drink" all count once."""
    clause = _clause_ids(text)
    return len({clause[m.start] for m in markers(text, lang) if not m.weak})


# The languages whose negation markers are listed above; a pair with another language gets no
# negation hits (English words read in Finnish or Latvian text miss every negation there, and
# each negated sentence on the other side looked flipped).
LANGUAGES = frozenset({"lt", "et", "en"})


def check_negation(src: str, tgt: str, src_lang: str, tgt_lang: str) -> list[Hit]:
    if not {base_lang(src_lang), base_lang(tgt_lang)} <= LANGUAGES:
        return []
    s_all, t_all = markers(src, src_lang), markers(tgt, tgt_lang)
    sm = [m for m in s_all if not m.weak]
    tm = [m for m in t_all if not m.weak]
    s_cl, t_cl = _clause_ids(src), _clause_ids(tgt)
    ns, nt = len({s_cl[m.start] for m in sm}), len({t_cl[m.start] for m in tm})
    if ns == nt:
        return []
    src_more = ns > nt
    more, fewer = ("source", "target") if src_more else ("target", "source")
    many = sm if src_more else tm
    n_many, n_few = max(ns, nt), min(ns, nt)
    few_weak = sum(1 for m in (t_all if src_more else s_all) if m.weak)
    listed = ", ".join(f'"{m.text}"' for m in many)
    msg = (f"the {more} negates {n_many} clause(s) ({listed}), the {fewer} {n_few}: "
           "polarity may be flipped")
    odd = (n_many - n_few) % 2 == 1
    # Severity stays minor: on NTREX lt-et, 4.7 % of correct pairs differ in (concord-resolved)
    # negation count, because translators move negation into the lexicon ("nepasikeitė" /
    # "jäi samaks"). The score carries the confidence for combining with the drift signal.
    severity: Severity = "minor"
    if n_few + few_weak >= n_many:
        # The other side expresses the negation lexically ("not happy" / "unhappy", lt
        # constituent "ne" / et "pole"): the count difference is explained, nothing to report.
        return []
    score = 0.6 if odd else 0.4
    # Only the side with more negated clauses is marked: which of its markers lacks a
    # counterpart is for the encoder stage to say; the other side's markers agree.
    spans = tuple((m.start, m.end) for m in many)
    return [Hit("negation", severity, score, msg,
                spans if src_more else (), () if src_more else spans)]


# ---------------------------------------------------------------- encoder stage
# A marker made positive: a standalone negation word is dropped or replaced by its positive
# form; a Lithuanian negated verb loses its prefix.
_POSITIVE = {
    "et": {"pole": "on", "polnud": "oli", "poleks": "oleks", "polevat": "olevat",
           "polegi": "ongi", "ega": "ja"},
    "en": {"cannot": "can", "won't": "will", "can't": "can", "shan't": "shall",
           "nobody": "somebody", "nothing": "something", "none": "some",
           "nowhere": "somewhere", "neither": "either", "nor": "or", "never": "ever"},
    "lt": {"nėra": "yra", "nebėra": "yra", "nei": "ir"},
}
_LT_PREFIX = re.compile(r"^(nebe|ne|nė)(?=\w{2,})", re.IGNORECASE)


def positive(text: str, marker: Marker, lang: str) -> str:
    """`text` with `marker` made positive (the word dropped when it has no positive form)."""
    lang = base_lang(lang)
    w = marker.text
    lw = w.lower()
    table = _POSITIVE.get(lang, _POSITIVE["en"])
    if lw in table:
        new = table[lw]
    elif lang == "lt" and lw != "ne" and not _LT_NWORDS.fullmatch(lw) and _LT_PREFIX.match(w):
        new = _LT_PREFIX.sub("", w)
    elif lang not in ("lt", "et") and (lw.endswith("n't") or lw.endswith("n’t")):
        new = w[:-3]
    else:
        new = ""
    if new and w[:1].isupper():
        new = new[:1].upper() + new[1:]
    head, tail = text[:marker.start], text[marker.end:]
    if not new:
        head = head.rstrip() + (" " if head.strip() and tail[:1].isalnum() else "")
        tail = tail.lstrip(" ,;:") if not head.strip() else (
            tail.lstrip() if head.endswith(" ") else tail)
    return head + new + tail


MarkerGain = tuple[int, int, tuple[int, int], float]  # bead, hit, marker span, cosine gain


def marker_gains(pairs: Sequence[tuple[str, str]], hits: Sequence[tuple[Hit, ...]],
                 src_lang: str, tgt_lang: str, embedding: Embedding) -> list[MarkerGain]:
    """For every marked negation: how much making it positive raises its side's cosine with
    the other side (one embed call; the bead sides come from the caller's table)."""
    langs = (src_lang, tgt_lang)
    todo: list[tuple[int, int, int, tuple[int, int], str]] = []  # bead, hit, side, span, text
    for k, ((src, tgt), bead_hits) in enumerate(zip(pairs, hits, strict=True)):
        for j, h in enumerate(bead_hits):
            side = 0 if h.source_spans else 1
            text = (src, tgt)[side]
            for a, b in (h.source_spans or h.target_spans):
                todo.append((k, j, side, (a, b),
                             positive(text, Marker(a, b, text[a:b]), langs[side])))
    if not todo:
        return []
    texts = list(dict.fromkeys([t for k, *_ in todo for t in pairs[k]] + [t for *_, t in todo]))
    vecs = embedding.embed(texts)
    row = {t: i for i, t in enumerate(texts)}
    out: list[MarkerGain] = []
    for k, j, side, span, edited in todo:
        this, other = vecs[row[pairs[k][side]]], vecs[row[pairs[k][1 - side]]]
        out.append((k, j, span, float(vecs[row[edited]] @ other - this @ other)))
    return out


def refine_negation(pairs: Sequence[tuple[str, str]], hits: Sequence[tuple[Hit, ...]],
                    src_lang: str, tgt_lang: str, embedding: Embedding,
                    settings: dict[str, float] | None = None) -> list[tuple[Hit, ...]]:
    """Keep a hit's markers (on the side with more negated clauses) only where making the
    marker positive raises that side's cosine with the other side by at least `min_gain`;
    a hit left with no marker is dropped. `settings` defaults to the shipped ones for the
    embedding's model (none: hits unchanged)."""
    cfg = settings if settings is not None else encoder_settings("negation", embedding.model)
    if cfg is None:
        return list(hits)
    keep = {(k, j, span) for k, j, span, gain in marker_gains(pairs, hits, src_lang, tgt_lang,
                                                              embedding)
            if gain >= cfg["min_gain"]}
    out: list[tuple[Hit, ...]] = []
    for k, bead_hits in enumerate(hits):
        new: list[Hit] = []
        for j, h in enumerate(bead_hits):
            s_sp = tuple(sp for sp in h.source_spans if (k, j, sp) in keep)
            t_sp = tuple(sp for sp in h.target_spans if (k, j, sp) in keep)
            if s_sp or t_sp:
                new.append(replace(h, source_spans=s_sp, target_spans=t_sp))
        out.append(tuple(new))
    return out


CHECK = CheckSpec("negation", "negation", check_negation, drift_feature="chk_negation",
                  refine=refine_negation)
