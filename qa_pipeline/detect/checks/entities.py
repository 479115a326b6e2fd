"""Entities: capitalised words inside a sentence, acronyms and letter+digit codes must have a
plausible counterpart on the other side.

lt transliterates and inflects foreign names (Wales -> "Velso", Cromwell -> "Kromvelis",
Trump -> "Trumpas"), et inflects them ("Londonis", "Cromwelli"), so two tokens match when
their diacritic-free spellings are close, when one contains the other's stem (et compounds:
"rahvusassamblee"), or when their consonant skeletons agree after a coarse phonetic mapping
(w->v, c->k/s, ph->f, sh->s, dž->j). A counterpart is searched among *all* words of the other
side, capitalised or not, because et and lt write adjectives of names in lower case.

Spelling cannot see that "Nõukogude Liidu", "Sovietų Sąjungos" and "Soviet Union" are one
name, so the check's encoder stage (`refine_entities`) compares each name still without a
counterpart (adjacent names as one phrase) with the other side's short word n-grams, each
read from its sentence's token states (a phrase's tokens less its sentence's mean,
`token_states.span_means`: no n-gram is encoded on its own), and takes the name as matched
when one n-gram is close enough: translated names land next to their translation, a name
swapped for another does not. With the encoder, a hit also needs names
left on both sides (a substitution), or a code (so a bead whose names stand on one side only
is not embedded at all, nor the second side of one whose first side's names all match), and
cutting the names left from both sides must raise the pair's cosine (`cut_gains`): a
swapped name takes meaning with it, a translation that no n-gram matched ("Raudonojo
Kryžiaus" / "Punane Rist") leaves the pair as alike as before. Both thresholds are per
model, derived from data (`bench/check_encoder.py`: clean NTREX pairs against seeded name
swaps).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ... import config as C
from ...text import cut_spans
from ...types import Severity
from .base import (
    CheckSpec,
    Embedding,
    Hit,
    all_caps,
    base_lang,
    emphasised,
    encoder_settings,
    strip_diacritics,
    words,
)

_SENT_START = re.compile(r"(?:^|[.!?…:;]\s+|[\n\r]+)[\"'„“”«»(\[–—\-\s]*$")
_ACRONYM = re.compile(r"[A-ZÀ-ÞĄČĘĖĮŠŲŪŽÕÄÖÜ]{2,}")
_HAS_DIGIT = re.compile(r"\d")
# A square or cubic unit written with a digit ("m2", "km2", "cm3"): the other side often
# writes it out ("ruutmeetrit"), and it is no code.
_SQUARE_UNIT = re.compile(r"[kcdm]?m[23]")
_HAS_ALPHA = re.compile(r"[^\W\d_]")
_ROMAN = re.compile(r"[IVXLC]+")

# Title words and forms of address, capitalised in some languages and not others.
_TITLES = frozenset({
    "mr", "mrs", "ms", "dr", "sir", "st", "hr", "pr", "prof", "jr", "sr", "dame", "lord",
    "lady", "rev", "gen", "col", "sgt", "capt", "gov", "sen", "rep", "pres", "ponas", "ponia",
    "i", "o",
})
_EN_COMMON_CAPS = re.compile(
    r"(january|february|march|april|may|june|july|august|september|october|november|"
    r"december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"\w+(ian|ians|ish|ese|ean|eans|an|ans|ic|ics|i|is))"
)


# Names that languages translate rather than transliterate: countries, regions, compass
# parts of names, institutions and their acronyms. One table for every language: each group
# lists diacritic-free stems (Cyrillic as `_plain` transliterates it: "Германия" ->
# "germaniya"), two tokens match when both start with stems of one group. lt, et and en in
# full; lv, fi, de, pl and ru for the most common countries and blocs. Generic geography, not
# corpus words.
_EXONYMS: tuple[tuple[str, ...], ...] = (
    ("jav", "usa", "us", "ameri", "jungtin", "valstij", "uhendrii", "united", "states",
     "asv", "savienot", "yhdysval", "vereinigt", "staaten", "stany", "zjednoczon", "ssha",
     "soedinenn", "shtat"),
    ("jk", "uk", "uhendkuning", "uk", "united", "kingdom", "didzioj", "britan", "suurbrit",
     "brit", "inglis", "angli", "englan", "english", "jungtine", "karalyst",
     "lielbritan", "apvienot", "karalist", "yhdistyn", "kuningaskun", "isobritan", "grossbritan",
     "vereinigt", "konigreich", "wielk", "brytan", "zjednoczon", "krolestw", "velikobritan",
     "soedinenn", "korolevstv"),
    ("jt", "uro", "un", "united", "nations", "jungtin", "taut", "uno", "vereint", "onz",
     "oon"),
    ("es", "el", "eu", "europ", "euroop", "sajung", "liit", "union", "eirop", "savienib",
     "unioni", "ue", "unia", "evrop", "evrosoyuz"),
    ("ftb", "fbi"), ("cza", "cia", "kgb"), ("nato", "nato"),
    ("kinij", "hiin", "china", "chines", "kina", "kiin", "chin", "kitay", "kitae"),
    ("vokiet", "saksa", "germa", "vacij", "deutsch", "niemc", "niemie", "german"),
    ("prancuz", "prants", "franc", "french", "ransk", "frankreich", "frants"),
    ("rusij", "venem", "russi", "vene", "kriev", "venaj", "russl", "rosj", "rosyj", "rossi",
     "rf"),
    ("ispan", "hispaan", "spain", "spanis", "spani", "espanj", "hiszpan"),
    ("italij", "itaal", "ital", "wloch", "wlosk"),
    ("graik", "kreek", "greec", "greek", "griek", "kreikk", "griech", "grecj", "gretsi"),
    ("olandij", "nyderland", "holland", "hollan", "madalmaa", "netherland", "dutch",
     "niderland", "niederland", "holandi", "gollandi"),
    ("svedij", "rootsi", "swed", "zviedr", "ruots", "schwed", "szwec", "shvets"),
    ("suomij", "soome", "finn", "finl", "somij", "suom"),
    ("latvij", "lati", "latvi", "lettl", "lettis", "lotw"),
    ("lietuv", "leedu", "lithuan", "liettu", "litau", "litw", "litv"),
    ("estij", "eesti", "estoni", "igaun", "viro", "estl"),
    ("lenkij", "poola", "pola", "poli", "polij", "puola", "polen", "polsk", "polsc", "polsh"),
    ("vengrij", "ungar", "hungar", "unkar", "wegr", "vengri"),
    ("danij", "taani", "denmar", "danis", "tansk", "danem"),
    ("norvegij", "norra", "norw", "norj", "norveg"),
    ("sveicarij", "sveits", "switz", "swiss", "sveic", "schweiz", "szwajcar", "shveitsar"),
    ("japonij", "jaapan", "japan", "japoni", "yaponi"),
    ("turkij", "turgi", "turk", "turcij", "turcj", "turts"),
    ("airij", "iirima", "irel", "iiri", "irish", "irij", "irlan"),
    ("skotij", "soti", "scot"), ("velsas", "velso", "vels", "wales", "welsh",
     "kõmri", "komri"), ("austrij", "austri", "osterreich", "avstri"),
    ("belgij", "belgi"), ("cekij", "tsehhi", "czech", "cehij", "tschech", "chehi", "tsekk"),
    ("ukrain", "ukrain"), ("baltarus", "valgeven", "belarus", "baltkriev", "weissruss",
     "bialorus"),
    ("gruzij", "gruusi", "georgi"), ("izrael", "iisrael", "israel"), ("egipt", "egiptu",
     "egypt"), ("meksik", "mehhik", "mexic"), ("brazil", "brasiil", "brazil"),
    ("indij", "india"), ("pekin", "peking", "beijing"), ("korej", "korea"),
    ("sirij", "suuria", "syria"),
    ("azij", "aasia", "asia"), ("afrik", "aafrik", "afric"), ("amerik", "ameerik", "americ",
     "ameryk"),
    ("australij", "austraal", "australi"), ("kanad", "canad"), ("niujork", "new", "york"),
    ("siaur", "pohja", "north", "ziemel", "pohjois", "nord", "polnoc", "severn"),
    ("piet", "louna", "south", "dienvid", "etela", "suden", "poludni", "yuzh"),
    ("ryt", "ida", "east", "austrum", "osten", "wschod", "vosto"),
    ("vakar", "laane", "west", "rietum", "lansi", "zachod", "zapad"),
    ("vidur", "kesk", "central", "middle"),
    ("baltiej", "baltuos", "valge", "white", "weiss", "bely", "belo"),
    ("rum", "maja", "house", "koda", "haus"),
    ("aukscia", "ulem", "riigikohu", "riigikohtu", "supreme", "augstak", "korkein",
     "oberst", "najwyzsz", "verhovn"),
    ("teism", "kohu", "kohtu", "court", "gerichtsh"),  # et kohus, kohtu, kohtusse
    ("senat", "senat"), ("kongres", "kongres", "congress"), ("parlament", "parlament"),
    ("atstov", "esindaj", "represent"), ("generalin", "pea", "general"),
    ("asamblej", "assamble", "assembl"), ("ministr", "minist"), ("vyriausyb", "valitsu",
     "government"), ("prezident", "president"), ("premjer", "peaminist", "prime"),
    ("kaledo", "joul", "christmas"), ("velyk", "lihavot", "easter"),
    ("naujoj", "uus", "new"), ("zeland", "meremaa", "zealand"), ("pasaul", "maailm", "world"),
    ("tarptautin", "rahvusvahel", "international"), ("nacionalin", "rahvus", "riikl",
     "national"), ("universitet", "ulikool", "universit"), ("lyg", "liiga", "league"),
    ("cempion", "meistri", "champion"), ("respublik", "vabariik", "republic"),
    ("demokrat", "demokraa", "democrat"), ("leboris", "leiboris", "labour", "labor"),
    ("konservator", "konservatiiv", "conservat", "tori"), ("dievas", "dievo", "jumal", "god"),
    ("viespat", "issand", "lord"), ("bibl", "piibl", "bible"), ("interneto", "interneti",
     "internet"), ("sausio", "jaanuar", "january"), ("vasario", "veebruar", "february"),
)
# Each stem with the groups it belongs to: a word's groups are those of its prefixes.
_EXONYM_INDEX: dict[str, frozenset[int]] = {
    stem: frozenset(i for i, g in enumerate(_EXONYMS) if stem in g)
    for stem in {st for g in _EXONYMS for st in g}
}
_LONGEST_STEM = max(map(len, _EXONYM_INDEX))


@lru_cache(maxsize=1 << 16)
def _groups(plain: str) -> frozenset[int]:
    """The exonym groups of the stems `plain` starts with (a stem under 4 letters only when
    the word is at most 4 letters longer): one lookup per prefix, not one test per stem."""
    out: set[int] = set()
    for k in range(1, min(len(plain), _LONGEST_STEM) + 1):
        gs = _EXONYM_INDEX.get(plain[:k])
        if gs is not None and (k >= 4 or len(plain) <= k + 4):
            out |= gs
    return frozenset(out)


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    text: str
    strong: bool  # acronym or code with digits: no transliteration excuses


def _is_initial(text: str, start: int) -> bool:
    return bool(_SENT_START.search(text[max(0, start - 6): start])) or start == 0


def _shouted(tokens: Sequence[tuple[str, int, int]]) -> set[int]:
    """Indexes of the words in a run of `SHOUT_RUN` or more consecutive all-capital words
    ("TÄNAME, ET JULGESID"): emphasis, whose short words are not acronyms."""
    out: set[int] = set()
    run: list[int] = []
    for i, (w, _, _) in enumerate([*tokens, ("", 0, 0)]):
        if w and all_caps(w) and not _HAS_DIGIT.search(w):
            run.append(i)
            continue
        if len(run) >= SHOUT_RUN:
            out.update(run)
        run = []
    return out


SHOUT_RUN = 3
NAME_STEM_CHARS = 5

# Languages that capitalise every noun ("den Ball", "die Schussposition"): a capitalised word
# there is no evidence of a name by itself. It counts as a name only when something else says
# so: it has capitals inside ("McGregor"), or it stands next to another capitalised word inside
# the sentence ("Declan Gallagher", "Europäische Union": adjectives are capitalised only in
# names). A single capitalised word still finds its counterpart when the other side's names
# are searched in this text (every word of the other side is a candidate there).
NOUN_CAPITALISING = frozenset({"de", "lb"})
# The polite pronouns and possessives, capitalised inside a sentence ("Klicken Sie", "Ihre
# Einstellungen"), and the familiar ones of letters ("Du", "Dein"): never names.
_POLITE = re.compile(r"(sie|ihnen|ihr|ihre[mnrs]?|du|dich|dir|dein(e[mnrs]?)?|euch|euer|"
                     r"eure[mnrs]?)")
_SPACE_ONLY = re.compile(r"[ \t\u00a0]+")


def entities(text: str, lang: str) -> list[Entity]:
    """Entity-like tokens of `text` (not sentence-initial capitalised words)."""
    lang = base_lang(lang)
    out: list[Entity] = []
    tokens = list(words(text))
    shouted = _shouted(tokens)
    nouns_capitalised = lang in NOUN_CAPITALISING
    weak: list[int] = []  # token indexes of capitalised words inside the sentence
    for i, (w, s, e) in enumerate(tokens):
        if not _HAS_ALPHA.search(w):
            continue  # plain numbers belong to the number check
        low = w.lower()
        if low in _TITLES or _ROMAN.fullmatch(w) or len(w) < 2:
            continue  # initials ("B. Kavanaugh") carry no comparable information
        if i in shouted or emphasised(w):
            continue  # shouting or emphasis in capitals, not an acronym
        head = w.split("-")[0]
        if w[0].isdigit() or _SQUARE_UNIT.fullmatch(w):
            continue  # "13-aastane", "4-ame": a number with a case ending; "m2" a unit
        acronym = _ACRONYM.fullmatch(head) or (
            _ACRONYM.match(head) and len(head) <= 6 and sum(c.isupper() for c in head) >= 2)
        if _HAS_DIGIT.search(w) or acronym:
            out.append(Entity(s, e, w, strong=True))
        elif w[0].isupper() and not _is_initial(text, s):
            if lang == "en" and _EN_COMMON_CAPS.fullmatch(low):
                continue
            if nouns_capitalised and _POLITE.fullmatch(low):
                continue
            weak.append(i)
            out.append(Entity(s, e, w, strong=False))
    if nouns_capitalised and weak:
        weak_set = frozenset(weak)
        keep = {i for i in weak if _name_evidence(text, tokens, i, weak_set)}
        names = {tokens[i][1] for i in keep}
        out = [x for x in out if x.strong or x.start in names]
    return out


def _name_evidence(text: str, tokens: Sequence[tuple[str, int, int]], i: int,
                   weak: frozenset[int]) -> bool:
    """In a language that capitalises nouns: is the capitalised word `tokens[i]` a name by more
    than its capital? Capitals inside a part of it ("McGregor", not "Rangers-Torhüter"), or a
    neighbour that is also a capitalised word inside the sentence, with only spaces between."""
    w = tokens[i][0]
    if any(c.isupper() for part in w.split("-") for c in part[1:]):
        return True
    for j in (i - 1, i + 1):
        if j in weak:
            a, b = sorted((i, j))
            after_number = a > 0 and _HAS_DIGIT.search(tokens[a - 1][0]) is not None
            if _SPACE_ONLY.fullmatch(text[tokens[a][2]:tokens[b][1]]) and not after_number:
                return True  # (after a number it is a measure: "20 Millionen Zuschauer")
    return False


# ---------------------------------------------------------------- normalisation
_CLITIC = re.compile(r"['’‘`ʼ]\w{0,3}$")  # "Sturridge'as", "Brink's"
_NOT_PLAIN = re.compile(r"[^a-z0-9]")
_REPEATS = re.compile(r"(.)\1+")


# Cyrillic letters in Latin ones (Russian, Ukrainian, Belarusian, Bulgarian, Serbian and
# Macedonian letters; BGN-like, in plain ASCII), so that a name written in Cyrillic meets the
# same spelling comparison as its Latin form: "Робинсон" -> "robinson", "Фениксом" ->
# "feniksom" (the phonetic key then meets "Phoenix"), and the inflection rules apply as to
# Latin names. "х" is "h" (Хью, Хьюстон: Hugh, Houston); `_cyrillic_variants` adds the others.
_CYRILLIC = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "ђ": "dj", "ѓ": "gj",
    "е": "e", "ё": "e", "є": "ye", "ж": "zh", "з": "z", "ѕ": "dz", "и": "i", "і": "i",
    "ї": "yi", "й": "y", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n",
    "њ": "nj", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "c", "ќ": "kj",
    "у": "u", "ў": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "џ": "dz",
})
_HAS_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def _latin(word: str) -> str:
    """`word` lower-cased, its Cyrillic letters transliterated (`_CYRILLIC`), "ß" as "ss"."""
    low = word.lower().replace("ß", "ss")
    return low.translate(_CYRILLIC) if _HAS_CYRILLIC.search(low) else low


# The normalisers are pure and a document asks about the same words again and again: cached.
@lru_cache(maxsize=1 << 16)
def _plain(word: str) -> str:
    return _NOT_PLAIN.sub("", _CLITIC.sub("", strip_diacritics(_latin(word))))


# How Cyrillic renders Latin names besides letter for letter: "у" before a vowel at the start
# is English w ("Уикенд" = Weeknd, "Уэльс" = Wales), "г" is h ("Гарри" = Harry; Ukrainian
# "г" always), "дж" a soft g ("Рейнджерс" = Rangers), "х" is kh (Russian names: Khodorkovsky);
# and an initial h of a Latin name is often dropped ("Азару" = Hazard).
_CYRILLIC_W = re.compile(r"^у(?=[аеиоэ])")


@lru_cache(maxsize=1 << 16)
def _cyrillic_variants(word: str) -> tuple[str, ...]:
    """The plain forms a Cyrillic `word` may stand for in Latin letters (its own first)."""
    low = word.lower()
    forms = [_plain(low), _plain(_CYRILLIC_W.sub("w", low)), _plain(low.replace("г", "h")),
             _plain(low.replace("дж", "g")), _plain(low.replace("х", "kh"))]
    return tuple(dict.fromkeys(f for f in forms if f))


_PHONETIC = (
    ("dz", "j"), ("sch", "s"), ("sh", "s"), ("ch", "c"), ("ph", "f"), ("th", "t"),
    ("ck", "k"), ("gh", "g"), ("qu", "kv"), ("q", "k"), ("x", "ks"), ("w", "v"),
    ("y", "i"), ("z", "s"), ("j", "i"),
)


@lru_cache(maxsize=1 << 16)
def _skeleton_of(plain: str) -> str:
    """The consonant skeleton of a plain word (`_plain`) after a coarse phonetic mapping;
    first letter kept as is."""
    w = plain
    if not w:
        return ""
    w = re.sub(r"(?<=[aeiou])w", "", w)  # "Newport" ~ "Niuportas"
    w = re.sub(r"c(?=[eiy])", "s", w)
    w = re.sub(r"g(?=[ei])", "z", w)  # "Rouge" ~ lt "Ružo"
    w = w.replace("ou", "u")
    w = w.replace("c", "k")
    for a, b in _PHONETIC:
        w = w.replace(a, b)
    first = "v" if w[0] in "vf" else w[0]
    rest = re.sub(r"[aeiouh]", "", w[1:])
    return _REPEATS.sub(r"\1", first + rest)


def _lev(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _collapse(w: str) -> str:
    return _REPEATS.sub(r"\1", w)


@lru_cache(maxsize=1 << 17)  # pure; a long document asks the same word pairs many times
def plausible_match(a: str, b: str) -> bool:
    """Could token `a` and token `b` name the same thing across lt/et/en (and their Cyrillic
    renderings: "Фениксом" / "Phoenix", "Азару" / "Hazarda")?"""
    if a.casefold() == b.casefold():
        return True  # the same word, in any script ("Яндекс", "Αθήνα")
    cyr_a, cyr_b = bool(_HAS_CYRILLIC.search(a)), bool(_HAS_CYRILLIC.search(b))
    if not cyr_a and not cyr_b:
        return _close(_plain(a), _plain(b))
    fa = _cyrillic_variants(a) if cyr_a else _latin_forms(a, cyr_b)
    fb = _cyrillic_variants(b) if cyr_b else _latin_forms(b, cyr_a)
    return any(_close(x, y) for x in fa for y in fb)


def _latin_forms(word: str, against_cyrillic: bool) -> tuple[str, ...]:
    """The plain forms of a Latin `word`: with its initial h dropped too when the other word
    is Cyrillic (`_cyrillic_variants`)."""
    p = _plain(word)
    return (p, p[1:]) if against_cyrillic and p.startswith("h") and len(p) > 3 else (p,)


@lru_cache(maxsize=1 << 17)
def _close(plain_a: str, plain_b: str) -> bool:
    """`plausible_match` on two plain forms (`_plain`)."""
    pa, pb = _collapse(plain_a), _collapse(plain_b)
    if not pa or not pb:
        return False
    if pa == pb:
        return True
    short, long_ = sorted((pa, pb), key=len)
    if len(short) >= 3 and long_.startswith(short[: max(3, len(short) - 2)]):
        return True  # inflection: "londone"/"londonis", "trumpas"/"trump"
    stem = short[: max(4, len(short) - 2)]
    if len(short) >= 5 and stem in long_:
        return True  # compound: "asamblejos" in "rahvusassamblee"
    n = min(len(pa), len(pb)) + 1
    if pa[0] == pb[0] and _lev(pa[:n], pb[:n]) <= max(1, round(0.3 * n)):
        return True
    sa, sb = _skeleton_of(plain_a), _skeleton_of(plain_b)
    if len(sa) >= 2 and len(sb) >= 2 and sa[0] == sb[0]:
        k = min(len(sa), len(sb))
        common = 0
        while common < k and sa[common] == sb[common]:
            common += 1
        if common >= max(2, k - 1) and (k >= 3 or len(short) <= 6):
            return True
    return False


def _unmatched(ents: list[Entity], other_text: str) -> list[Entity]:
    other: list[str] = []
    for w, _, _ in words(other_text):
        other.append(w)
        if "-" in w and not _HAS_DIGIT.search(w):
            other.extend(p for p in w.split("-") if len(p) >= 3)
    other_groups: set[int] = set()
    for o in other:
        other_groups |= _groups(_plain(o))
    out = []
    for e in ents:
        split = "-" in e.text and not _HAS_DIGIT.search(e.text)
        parts = [e.text] + ([p for p in e.text.split("-") if len(p) >= 3] if split else [])
        if any(_groups(_plain(p)) & other_groups for p in parts):
            continue
        if any(plausible_match(p, o) for p in parts for o in other):
            continue
        out.append(e)
    return out


def check_entities(src: str, tgt: str, src_lang: str, tgt_lang: str) -> list[Hit]:
    s_miss = _unmatched(entities(src, src_lang), tgt)
    t_miss = _unmatched(entities(tgt, tgt_lang), src)
    return entity_hits(s_miss, t_miss)


def entity_hits(s_miss: Sequence[Entity], t_miss: Sequence[Entity]) -> list[Hit]:
    """The check's hit for names without a counterpart on either side (none when neither)."""
    s_miss, t_miss = list(s_miss), list(t_miss)
    if not s_miss and not t_miss:
        return []
    # lt translates many names and acronyms ("ŽIV" = HIV, "Raudonasis Kryžius" = Red Cross)
    # and transliterates the rest, so on NTREX an unmatched name is usually not an error:
    # names are minor, with more confidence when both sides have one (a substitution looks
    # like that). Letter+digit codes ("G7", "COVID-19", "F-16") are never translated: major.
    codes = [e for e in s_miss + t_miss if _HAS_DIGIT.search(e.text)]
    both = bool(s_miss) and bool(t_miss)
    n = len(s_miss) + len(t_miss)
    severity: Severity
    if codes:
        severity, score = "major", 0.8
    else:
        severity, score = "minor", min(0.6, 0.15 + 0.05 * n + (0.2 if both else 0.0))
    parts = []
    if s_miss:
        parts.append("source " + ", ".join(f'"{e.text}"' for e in s_miss))
    if t_miss:
        parts.append("target " + ", ".join(f'"{e.text}"' for e in t_miss))
    msg = "names/codes without a counterpart on the other side: " + "; ".join(parts)
    return [Hit("entity", severity, score, msg,
                tuple((e.start, e.end) for e in s_miss), tuple((e.start, e.end) for e in t_miss))]


# ---------------------------------------------------------------- encoder stage
_JOIN = re.compile(r"[\s\-‐–]*")


def name_phrases(text: str, spans: Sequence[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """The spans grouped into phrases: names next to each other ("Soviet Union", "Didžiosios
    Britanijos") are one name; only spaces or a hyphen may stand between them."""
    groups: list[list[tuple[int, int]]] = []
    for a, b in sorted(spans):
        if groups and _JOIN.fullmatch(text[groups[-1][-1][1]:a]):
            groups[-1].append((a, b))
        else:
            groups.append([(a, b)])
    return groups


def word_ngrams(text: str, max_words: int) -> list[tuple[int, int]]:
    """The character spans of every run of 1..`max_words` consecutive words of `text`."""
    ws = list(words(text))
    return [(ws[i][1], ws[j][2]) for i in range(len(ws))
            for j in range(i, min(len(ws), i + max_words))]


def _phrase_text(text: str, group: Sequence[tuple[int, int]]) -> str:
    return text[group[0][0]:group[-1][1]]


NameScore = tuple[int, int, list[tuple[int, int]], float]  # bead, side, phrase spans, best cos


def name_scores(pairs: Sequence[tuple[str, str]], hits: Sequence[tuple[Hit, ...]],
                embedding: Embedding, max_words: int,
                sides: Sequence[tuple[int, ...]] | None = None) -> list[NameScore]:
    """For each name phrase the hits leave without a counterpart (codes excepted: they are
    never translated): its best cosine with a word n-gram of the other side, both read as
    spans of their sentences (`Embedding.span_vectors`); `sides[k]` limits bead k to those
    sides' names (0 source, 1 target; default both). The spans are pooled once per chunk of
    beads (`config.EMBED_CHUNK_TEXTS`); candidates are row numbers."""
    out: list[NameScore] = []
    row: dict[tuple[str, tuple[int, int]], int] = {}  # (text, span) -> its row in this chunk
    todo: list[tuple[int, int, list[tuple[int, int]], int, np.ndarray]] = []

    def flush() -> None:
        if todo:
            vecs = embedding.span_vectors(list(row))
            out.extend((k, side, group, float(np.max(vecs[cands] @ vecs[phrase])))
                       for k, side, group, phrase, cands in todo)
        row.clear()
        todo.clear()

    for k, (bead_hits, (src, tgt)) in enumerate(zip(hits, pairs, strict=True)):
        if len(row) >= C.EMBED_CHUNK_TEXTS:
            flush()
        for h in bead_hits:
            for side, (text, other, spans) in enumerate(((src, tgt, h.source_spans),
                                                         (tgt, src, h.target_spans))):
                if sides is not None and side not in sides[k]:
                    continue
                groups = [g for g in name_phrases(text, spans)
                          if not _HAS_DIGIT.search(_phrase_text(text, g))]
                grams = word_ngrams(other, max_words) if groups else []
                if not grams:
                    continue
                cands = np.array([row.setdefault((other, g), len(row)) for g in grams],
                                 np.intp)
                for group in groups:
                    phrase = (text, (group[0][0], group[-1][1]))
                    todo.append((k, side, group, row.setdefault(phrase, len(row)), cands))
    flush()
    return out


def refine_entities(pairs: Sequence[tuple[str, str]], hits: Sequence[tuple[Hit, ...]],
                    src_lang: str, tgt_lang: str, embedding: Embedding,
                    settings: dict[str, float] | None = None) -> list[tuple[Hit, ...]]:
    """The hits with every name removed whose phrase vector is within `min_cos` of some word
    n-gram (up to `max_words` words) of the other side, kept only while names remain on both
    sides (codes: either side), and, where the settings have a `min_cut_gain`, only while cutting
    the remaining names from both sides raises their cosine by that much (`cut_gains`).
    `settings` defaults to the shipped ones for the embedding's model (none: hits unchanged)."""
    cfg = settings if settings is not None else encoder_settings("entities", embedding.model)
    if cfg is None:
        return list(hits)
    matched = _matched_names(pairs, hits, embedding, cfg)
    consistent = Renderings(pairs) if any(hits) else None
    out: list[tuple[Hit, ...]] = []
    for k, ((src, tgt), bead_hits) in enumerate(zip(pairs, hits, strict=True)):
        if not bead_hits:
            out.append(bead_hits)
            continue
        s_miss = [Entity(a, b, src[a:b], False) for h in bead_hits for a, b in h.source_spans
                  if (k, 0, (a, b)) not in matched]
        t_miss = [Entity(a, b, tgt[a:b], False) for h in bead_hits for a, b in h.target_spans
                  if (k, 1, (a, b)) not in matched]
        if consistent is not None:
            s_miss, t_miss = consistent.drop(s_miss, t_miss)
        if not any(_HAS_DIGIT.search(e.text) for e in s_miss + t_miss) and not (
                s_miss and t_miss):
            # A name left on one side only is how free translations look (a name for a
            # pronoun, a name added for clarity, a sentence-initial name the rules skip);
            # a substituted name leaves one on each side. Codes count on either side.
            s_miss, t_miss = [], []
        out.append(tuple(entity_hits(s_miss, t_miss)))
    if "min_cut_gain" in cfg:
        gains = cut_gains(pairs, out, embedding)
        out = [() if k in gains and gains[k] < cfg["min_cut_gain"] else bead_hits
               for k, bead_hits in enumerate(out)]
    return out


def _matched_names(pairs: Sequence[tuple[str, str]], hits: Sequence[tuple[Hit, ...]],
                   embedding: Embedding, cfg: Mapping[str, float]
                   ) -> set[tuple[int, int, tuple[int, int]]]:
    """(bead, side, span) of every name an n-gram of the other side matches, where it can
    matter. Matching only takes names away, and a bead without a code keeps its hit only with
    names left on both sides: so a bead with names on one side only is not embedded at all,
    and one whose first side's names all find a match never has its second side's embedded
    (the side with fewer names goes first). A bead with a code is matched on both sides."""
    first: list[tuple[int, ...]] = []
    for (src, tgt), bead_hits in zip(pairs, hits, strict=True):
        s_names = [src[a:b] for h in bead_hits for a, b in h.source_spans]
        t_names = [tgt[a:b] for h in bead_hits for a, b in h.target_spans]
        if any(_HAS_DIGIT.search(n) for n in s_names + t_names):
            first.append((0, 1))
        elif s_names and t_names:
            first.append((0,) if len(s_names) <= len(t_names) else (1,))
        else:
            first.append(())

    def match(sides: Sequence[tuple[int, ...]]) -> set[tuple[int, int, tuple[int, int]]]:
        return {(k, side, sp) for k, side, group, best in name_scores(
                    pairs, hits, embedding, int(cfg["max_words"]), sides)
                if best >= cfg["min_cos"] for sp in group}

    matched = match(first)

    def cleared(k: int, side: int) -> bool:
        return all((k, side, sp) in matched for h in hits[k]
                   for sp in (h.source_spans if side == 0 else h.target_spans))

    return matched | match([() if len(done) != 1 or cleared(k, done[0]) else (1 - done[0],)
                            for k, done in enumerate(first)])


def name_stem(word: str) -> str:
    """The diacritic-free first `NAME_STEM_CHARS` letters of a name: what its inflected
    forms share ("Pchenjanas", "Pchenjane")."""
    return _plain(word)[:NAME_STEM_CHARS]


class Renderings:
    """Which beads of a pair's document hold each name stem, per side: a source name and a
    target name that occur in exactly the same beads, two or more of them, are one name
    rendered consistently ("Sostų karai" / "Troonide mäng", a translated title). A name
    swapped for another in one bead never pairs up like that; a rendering used once cannot be
    told from a swap and is left to the other tests."""

    def __init__(self, pairs: Sequence[tuple[str, str]]) -> None:
        self.beads: tuple[dict[str, set[int]], dict[str, set[int]]] = ({}, {})
        for k, bead in enumerate(pairs):
            for side, text in enumerate(bead):
                for w, _, _ in words(text):
                    self.beads[side].setdefault(name_stem(w), set()).add(k)

    def same(self, source_name: str, target_name: str) -> bool:
        a = self.beads[0].get(name_stem(source_name), set())
        return len(a) >= 2 and a == self.beads[1].get(name_stem(target_name))

    def drop(self, s_miss: list[Entity], t_miss: list[Entity]
             ) -> tuple[list[Entity], list[Entity]]:
        """The names left once each name rendered consistently with one on the other side
        goes with it, one to one: "Kiaulytė Pepa" / "Põrsas Sunday" pairs "Kiaulytė" with
        "Põrsas" and leaves "Pepa" and "Sunday" (both co-occur with "Põrsas" elsewhere)."""
        t_left = list(t_miss)
        s_left = []
        for a in s_miss:
            b = next((b for b in t_left if self.same(a.text, b.text)), None)
            if b is None:
                s_left.append(a)
            else:
                t_left.remove(b)
        return s_left, t_left


def cut_gains(pairs: Sequence[tuple[str, str]], hits: Sequence[tuple[Hit, ...]],
              embedding: Embedding) -> dict[int, float]:
    """Per bead whose entity hit has names only (codes excepted): how much the two sides'
    cosine rises when the hit's names are cut from both. A name swapped for another takes
    meaning with it (cutting both gains); a translated one that no n-gram matched still has
    its counterpart, so cutting the pair gains little. Embedded a chunk of beads at a time
    (at most `config.EMBED_CHUNK_TEXTS` texts a call), as `name_scores`."""
    out: dict[int, float] = {}
    texts: list[str] = []
    rows: dict[int, tuple[int, ...]] = {}

    def flush() -> None:
        if texts:
            vecs = embedding.embed(texts)
            out.update((k, float(vecs[c] @ vecs[d] - vecs[a] @ vecs[b]))
                       for k, (a, b, c, d) in rows.items())
        texts.clear()
        rows.clear()

    for k, ((src, tgt), bead_hits) in enumerate(zip(pairs, hits, strict=True)):
        names = [h for h in bead_hits if h.kind == "entity"]
        if not names or any(_HAS_DIGIT.search(src[a:b]) for h in names
                            for a, b in h.source_spans) \
                or any(_HAS_DIGIT.search(tgt[a:b]) for h in names for a, b in h.target_spans):
            continue
        if len(texts) >= C.EMBED_CHUNK_TEXTS:
            flush()
        s_cut = cut_spans(src, [sp for h in names for sp in h.source_spans]) or src
        t_cut = cut_spans(tgt, [sp for h in names for sp in h.target_spans]) or tgt
        rows[k] = tuple(range(len(texts), len(texts) + 4))
        texts += [src, tgt, s_cut, t_cut]
    flush()
    return out


CHECK = CheckSpec("entities", "entity", check_entities, drift_feature="chk_entity",
                  refine=refine_entities)
