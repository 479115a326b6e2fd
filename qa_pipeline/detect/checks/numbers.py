"""Numbers: every number on one side needs a counterpart with the same value on the other.

Formats are normalised per language before comparing: `1 000,5` (space/NBSP thousands, decimal
comma: lt, et), `1,000.5` (en), `5 %`, `2024-03-01`, `01.03.2024`, times `07:55`/`7.55`,
ordinals `5.`/`5th`/`5-ąją`, ranges `5–7` (two numbers). A mention carries a *set* of candidate
values because some forms are ambiguous across languages (`1,500` is 1.5 in lt but 1500 in en;
`15.00` is a time in et); two mentions match when their sets intersect. Leniency is deliberate:
the check must stay quiet on correct translations, and a changed number almost never collides
with an alternative reading.

Signs: a minus (`-5`, `−5`) that touches the number where a word starts makes it negative, and
a lost sign is a changed value ("-3 %" / "3 %"). Only such a *hard* sign can make that hit, and
not where the other side says the direction in words ("-3 %" / "sumažėjo 3 %", "-5 °C" / "5
külmakraadi", `DIRECTION_WORDS`). *Soft* negatives (an en dash, which lt and et also set as a
dash; "minus 5"; degrees of frost) match either sign.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from ...types import Severity
from .base import CheckSpec, Hit, base_lang
from .number_words import spelled_values

_SPACE = "\u0020\u00a0\u202f\u2009"
_NUM_RE = re.compile(
    rf"""(?<![\d])(?:
      (?P<phone>\+(?=(?:[ \u00a0-]?\d){{9,15}})\d{{1,3}}(?:[ \u00a0-]?\d{{2,}}){{2,5}})(?![\d])
    | (?P<iso>(?P<iy>\d{{4}})-(?P<im>\d{{1,2}})-(?P<id>\d{{1,2}}))(?![\d])
    | (?P<dmy>(?P<dd>\d{{1,2}})[./](?P<dm>\d{{1,2}})[./](?P<dy>\d{{4}}))(?![\d])
    | (?P<time>(?P<th>\d{{1,2}})[ ]?:[ ]?(?P<tm>\d{{2}}))(?![\d])
    | (?P<spaced>\d{{1,3}}(?:[{_SPACE}]\d{{3}})+(?:,\d+)?)(?![\d])
    | (?P<comma>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?)(?![\d])
    | (?P<dots>\d{{1,3}}(?:\.\d{{3}}){{2,}}(?:,\d+)?|\d{{1,3}}\.\d{{3}},\d+)(?![\d])
    | (?P<plain>\d+(?:[.,]\d+)?)
    )""",
    re.VERBOSE,
)

# Scale words after a number ("1,5 mln.", "2.8bn", "3 tuh."): the scaled value is added as an
# alternative so "1,5 mln." matches "1 500 000" as well as "1,5 miljonit". One table: each
# word's pattern and its power of ten, tried in this order (a longer word of a family before
# its prefix: "milliard" after "million", "mill" alone last of them).
_SCALE_WORDS: tuple[tuple[str, int], ...] = tuple(
    (pat, exp) for exp, pats in (
        (6, (r"mln", r"milijon\w*", r"miljon\w*", r"million\w*", r"mio", r"milj(?![\w])", r"млн",
             r"m(?![\w])", r"milion\w*", r"miljoon\w*", r"millon\w*", r"millón",
             r"milh(?:ão|ões|ao|oes)", r"miljoen\w*", r"mill(?![\w])", r"миллион\w*",
             r"мільйон\w*", r"милион\w*", r"milyon\w*", r"مليون\w*")),
        (9, (r"mlrd", r"mld(?![\w])", r"mrd(?![\w])", r"mljrd", r"milijard\w*", r"miljard\w*",
             r"billion\w*", r"bn", r"bln", r"млрд", r"miliard\w*", r"milliard\w*",
             r"bilh(?:ão|ões|ao|oes)", r"миллиард\w*", r"мільярд\w*", r"милиард\w*",
             r"milyar\w*", r"مليار\w*")),
        (3, (r"tūkst", r"tūkstan\w*", r"tuh", r"tuhat\w*", r"tuhande\w*", r"thousand\w*",
             r"k(?![\w])", r"tys(?![\w])", r"tysi[ąę]c\w*", r"тыс(?![\w])", r"тысяч\w*",
             r"тисяч\w*", r"tausend\w*")),
    ) for pat in pats)
_SCALE_RE = re.compile(r"[\s\u00a0]?(?:" + "|".join(
    f"(?P<s{i}>{pat})" for i, (pat, _) in enumerate(_SCALE_WORDS)) + ")", re.IGNORECASE)


def _scale(m: re.Match[str]) -> tuple[str, int]:
    """The scale word `_SCALE_RE` matched, and its power of ten."""
    assert m.lastgroup is not None
    return m.group(m.lastgroup), _SCALE_WORDS[int(m.lastgroup[1:])][1]

# 12-hour clock in en vs 24-hour in lt/et: "3 p.m." = "15 val." = "kell 15.00".
_PM_RE = re.compile(r"[\s\u00a0]?p\.?\s?m\b\.?", re.IGNORECASE)
_HOUR_BEFORE = re.compile(r"(?:\bkell|\bkl\.|\bplkst\.|\bat)\s*$", re.IGNORECASE)
_HOUR_AFTER = re.compile(r"[\s\u00a0]?(?:val\b|h\b|tundi\b|o'clock)", re.IGNORECASE)

# Unit conversions translators apply silently (miles -> km, lb -> kg, °F -> °C): a leftover
# pair whose units differ and whose values are related by the conversion factor is minor.
# Same-unit pairs get no such leniency ("30 metrų" / "27 meetri" is an inconsistency).
_UNITS: tuple[tuple[str, str, str], ...] = (
    ("len", "km", r"km\b|kph\b|kilomet\w*|kilomeet\w*|км\b|километр\w*"),
    ("len", "mm", r"mm\b|millimet\w*|milimet\w*|millimeet\w*|мм\b|миллиметр\w*"),
    ("len", "cm", r"cm\b|centimet\w*|sentimeet\w*|centymetr\w*|zentimet\w*|senttim\w*|"
                  r"см\b|сантиметр\w*"),
    ("len", "m", r"m\b|metr\w*|meetr\w*|meter\w*|metre\w*|м\b|метр\w*"),
    ("len", "mi", r"myl\w*|miles?\b|miil\w*|mail\w*|mph\b|meile\w*|mil\b|mil[ei]\b|"
                  r"milach\b|jūdz\w*|миль\w*|миля\w*"),
    ("len", "yd", r"jard\w*|yards?\b|ярд\w*"),
    ("len", "ft", r"pėd\w*|feet\b|foot\b|ft\b|jalg\w*|jalk\w*|fuß\w*|fuss\b|stóp\b|"
                  r"stop[ya]\b|pēd\w*|фут\w*"),
    ("len", "in", r"col\w*|toll\w*|inch\w*|zoll\b|cal[ei]?\b|tuuma\w*|дюйм\w*"),
    ("mass", "kg", r"kg\b|kilogram\w*|kilo\w*|кг\b|килограмм\w*|кило\w*"),
    ("mass", "g", r"g\b|gram\w*|г\b|грамм\w*"),
    ("mass", "lb", r"svar\w*|nael\w*|pounds?\b|lbs?\b|pfund\w*|funt\w*|pauna\w*|"
                   r"mārciņ\w*|фунт\w*"),
    ("mass", "oz", r"unc\w*|ounces?\b|oz\b|unze\w*|унци\w*"),
    ("temp", "deg", r"°|laipsn\w*|kraad\w*|degrees?\b|sooja\w*|külma\w*|grad\b|grade?n?\b|"
                    r"stopni\w*|stopień|aste\w*|grād\w*|градус\w*"),
    ("area", "ha", r"ha\b|hektar\w*|гектар\w*"),
    ("area", "acre", r"akr\w*|aakr\w*|acres?\b|акр\w*"),
    ("vol", "l", r"l\b|litr\w*|liitr\w*|liter\w*|л\b|литр\w*"),
    ("vol", "gal", r"galon\w*|gallon\w*|галлон\w*"),
)
_UNIT_RES = tuple((dim, fam, re.compile(rf"[\s\u00a0-]?(?:{pat})", re.IGNORECASE))
                  for dim, fam, pat in _UNITS)
_FACTORS = {("mi", "km"): 1.609344, ("yd", "m"): 0.9144, ("ft", "m"): 0.3048,
            ("ft", "cm"): 30.48, ("in", "cm"): 2.54, ("in", "mm"): 25.4, ("lb", "kg"): 0.453592,
            ("oz", "g"): 28.3495, ("acre", "ha"): 0.404686, ("gal", "l"): 3.78541,
            ("km", "m"): 1000.0, ("m", "cm"): 100.0, ("cm", "mm"): 10.0, ("m", "mm"): 1000.0}
_CONVERSION_TOL = 0.08

# A value given with more decimals than its counterpart and equal to it after rounding to the
# counterpart's precision ("137 km/h" / "136,78 km/h") is minor, not a changed number.
# Amounts converted between currencies ("26 750 USD" / "23 585,88 eurot") differ in value but
# not in meaning; only a pair whose currencies differ gets this leniency.
_CURRENCIES = (
    ("usd", r"\$|usd|dolla\w*|doler\w*|dollar\w*|jav doler\w*|usa dolla\w*"),
    ("eur", r"€|eur\b|euro\w*|eur\w*"),
    ("gbp", r"£|gbp|nael\w*|svar\w*|pound\w*"),
)
_CURRENCY_AFTER = [(c, re.compile(rf"[\s\u00a0]?(?:mln\.?\s|mlrd\.?\s|miljoni\w*\s|"
                                  rf"milijon\w*\s|miljardi\w*\s|million\s|bn\s)?(?:{p})",
                                  re.IGNORECASE)) for c, p in _CURRENCIES]
# A decade after its year: en "1980s", et "1980ndatel", de "1980er", ru "1980-е" / "1980-х",
# fi "1980-luvulla", lv "1980. gados".
_DECADE_AFTER = re.compile(r"(?:'?s\b|-?ndat|-?ndad|-?nda\b|\.\s?aastat(?:el|e|est)\b|er\b|er-|"
                           r"-(?:е|х|ые|ых|ие|их)\b|-luvu\w*|-luku\w*|\.\s?gad(?:os|iem|i)\b)")
_RANGE_BEFORE = re.compile(r"(?<!\d)(\d{4})\s?[-–—]\s?$")
# Centuries in roman numerals: lt "XIX a.", "XVII amžiaus"; en "XIX century"; pl "XIX w.",
# "XIX wieku"; ru "XIX век", "XIX в."; de "XIX. Jahrhundert"; lv "XIX gadsimts".
_ROMAN_RE = re.compile(r"\b(?P<r>[IVXLC]{1,7})(?=\.?\s?(?i:a\.|amž\w*|sajand\w*|century|w\.|"
                       r"wiek\w*|в\.|век\w*|jh\.|jahrhundert\w*|gadsimt\w*|vuosisa\w*))")
# A century in digits followed by its decade ("20. gadsimta 80. gados", "20. sajandi 30ndatel"):
# as with roman centuries, the decade carries the comparison.
_CENTURY_BEFORE_DECADE = re.compile(
    r"\.?\s?(?i:sajand|gadsimt|jahrhundert|век|wiek|amž|century|vuosisa)\w*\s\d")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
# Signs (see the module docstring). A hard sign is "-" or "−" (U+2212, also "− 5") before the
# first digit, after a space, a bracket, a quote, "=", ":" or an ellipsis, a currency symbol
# between them allowed ("-$120"); after a space it is a range's dash when a number (and a unit
# or "%") comes just before it ("5 -10", "5 % -10 %", "10 a.m. -5 p.m."), and a UTC offset is
# no value. An en dash there is soft; so are "minus 5" and degrees of frost after the number.
_SIGN_CHARS = "-\u2212\u2013+"
_SIGN_AFTER = "([„“\"'=:….\u00ab"
_RANGE_BEFORE_SIGN = re.compile(r"\d[\d.,]*[ \u00a0]?(?:[^\s\d]{1,6})?[ \u00a0]+$")
_OFFSET_BEFORE_SIGN = re.compile(r"(?:UTC|GMT)[ \u00a0]*$")
_MINUS_WORD = re.compile(r"\b(?:minus|miinus|mīnus|минус)\s$", re.IGNORECASE)
_FROST_AFTER = re.compile(
    r"[\s\u00a0]?(?:°\s?C?\s?)?(?:(?:laipsni\w*|kraadi?|degrees?|astetta|grad|stopni\w*|"
    r"градус\w*)\s)?(?:külmakraad\w*|miinuskraad\w*|külma\b|šalčio\b|žemiau nulio|"
    r"alla nulli|allpool nulli|below zero|of frost|pakkasta\b|frost\b|mrozu\b|мороза\b)",
    re.IGNORECASE)
# A direction said in words, anywhere in a sentence, lets the other side's hard minus match an
# unsigned number (a fall, a loss, frost, "below", "minus"), in the languages the pipeline
# reads: lt, et, en, lv, fi, de, pl, ru.
DIRECTION_WORDS = re.compile(
    r"\b(?:sumaž\w*|mažėj\w*|nukri\w*|krit\w*|krent\w*|smuk\w*|nuostol\w*|deficit\w*|"
    r"šalč\w*|žemiau|atėmus|neigiam\w*|"
    r"lange\w*|langu\w*|kahane\w*|vähen\w*|kahjum\w*|puudujää\w*|külm\w*|allpool|"
    r"negatiiv\w*|"
    r"fell|fall\w*|drop\w*|declin\w*|decreas\w*|down|loss\w*|lost|below|lower\w*|"
    r"negative|frost\w*|shr[iau]nk\w*|"
    r"samazin\w*|zaudēj\w*|lask\w*|pakka\w*|tappio\w*|pudo\w*|sank|gesunken|fiel|"
    r"rückgang\w*|verlust\w*|unter\w*|spad\w*|strat\w*|mroz\w*|mróz\w*|poniżej|"
    r"сниз\w*|упал\w*|паден\w*|убыт\w*|мороз\w*|ниже|"
    r"minus|miinus\w*|mīnus\w*|минус\w*)",
    re.IGNORECASE)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    raw: str
    keys: frozenset[str]  # normalised candidate values
    parts: tuple[str, ...] = ()  # for dates: values a split rendering would show (day, year)
    unit: tuple[str, str] | None = None  # (dimension, unit family) of a following unit
    currency: str = ""  # "usd", "eur", "gbp", ... when the amount names its currency
    sign: str = ""  # "-" a hard minus (keys negated), "~" a soft one (both signs), "+", ""


def _norm(value: Decimal) -> str:
    """"1000", "1000.5": no exponent, no trailing zeros (and no int(): a run of thousands of
    digits would pass Python's int-to-str limit)."""
    out = format(value, "f")
    if "." in out:
        out = out.rstrip("0").rstrip(".")
    return out if out not in ("", "-0") else "0"


def _dec(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _date_keys(y: str, m: str, d: str) -> tuple[frozenset[str], tuple[str, ...]]:
    yi, mi, di = int(y), int(m), int(d)
    keys = {f"date:{yi:04d}-{mi:02d}-{di:02d}"}
    if mi <= 12 and di <= 12:  # 03/01 could be either order
        keys.add(f"date:{yi:04d}-{di:02d}-{mi:02d}")
    return frozenset(keys), (str(di), str(yi))


def _plain_keys(raw: str) -> set[Decimal]:
    if "," in raw:
        whole, frac = raw.split(",")
        out = {Decimal(f"{whole}.{frac}")}
        if len(frac) == 3:  # en-style thousands in an otherwise comma-decimal text
            out.add(Decimal(whole + frac))
        return out
    if "." in raw:
        whole, frac = raw.split(".")
        out = {Decimal(raw)}
        if len(frac) == 3:  # "1.500" as thousands (de/et informal)
            out.add(Decimal(whole + frac))
        return out
    return {Decimal(raw)}


def _mention_values(m: re.Match[str]) -> tuple[set[Decimal], set[str], tuple[str, ...]]:
    """(numeric values, extra string keys, parts) for one regex match."""
    if m.group("phone"):  # "+370 612 34567" is "+370 61234567": its digits, however grouped
        return set(), {"phone:" + re.sub(r"\D", "", m.group("phone"))}, ()
    if m.group("iso"):
        keys, parts = _date_keys(m.group("iy"), m.group("im"), m.group("id"))
        return set(), set(keys), parts
    if m.group("dmy"):
        keys, parts = _date_keys(m.group("dy"), m.group("dm"), m.group("dd"))
        return set(), set(keys), parts
    if m.group("time"):
        # "07:55" is a time, "38:17" a score; either way a split rendering shows both parts
        h, mm = int(m.group("th")), int(m.group("tm"))
        parts = (str(h), str(mm))
        if h <= 24 and mm < 60:
            return {Decimal(h) + Decimal(mm) / 100}, {f"time:{h}:{mm:02d}"}, parts
        return set(), {f"ratio:{h}:{mm}"}, parts
    if m.group("spaced"):
        raw = re.sub(f"[{_SPACE}]", "", m.group("spaced")).replace(",", ".")
        return {Decimal(raw)}, set(), ()
    if m.group("comma"):
        raw = m.group("comma")
        vals = {Decimal(raw.replace(",", ""))}
        if raw.count(",") == 1 and "." not in raw:  # lt "1,500" = 1.5
            vals.add(Decimal(raw.replace(",", ".")))
        return vals, set(), ()
    if m.group("dots"):
        raw = m.group("dots").replace(".", "").replace(",", ".")
        return {Decimal(raw)}, set(), ()
    raw = m.group("plain")
    vals = _plain_keys(raw)
    extra: set[str] = set()
    sep = "." if "." in raw else ":" if ":" in raw else None
    if sep:
        hh, mins = raw.split(sep)
        if len(mins) == 2 and int(hh) <= 24 and int(mins) < 60:
            extra.add(f"time:{int(hh)}:{int(mins):02d}")
    return vals, extra, ()


def _sign(text: str, start: int, end: int) -> tuple[str, int]:
    """The sign of the number at `text[start:end]` ("-" hard, "~" soft, "+" or "") and where
    the mention starts with it (the sign character's position, else `start`)."""
    j = start - 1 if start and text[start - 1] in "$€£" else start
    k = j - 1
    if k > 0 and text[k] == " " and text[k - 1] == "\u2212":
        k -= 1
    if k >= 0 and text[k] in _SIGN_CHARS:
        before = text[k - 1] if k else " "
        head = text[max(0, k - 20):k]
        if before.isspace() and (_RANGE_BEFORE_SIGN.search(head)
                                 or _OFFSET_BEFORE_SIGN.search(head)):
            return "", start
        if before.isspace() or before in _SIGN_AFTER:
            # a plus stays out of the mention: "+5" and "5" are one value and one span
            return ({"+": "+", "\u2013": "~"}.get(text[k], "-"),
                    start if text[k] == "+" else k)
    if _MINUS_WORD.search(text, max(0, start - 12), start) or _FROST_AFTER.match(text, end):
        return "~", start
    return "", start


def _signed(keys: set[str], sign: str) -> set[str]:
    """The keys of a number with `sign`: negated for a hard minus, both ways for a soft one
    (dates, times and the like keep theirs)."""
    if sign not in ("-", "~"):
        return keys
    neg = {k if ":" in k or k == "0" else ("-" + k) for k in keys}
    return neg if sign == "-" else keys | neg


def _roman(numeral: str) -> int:
    total = 0
    for a, b in zip(numeral, numeral[1:] + " ", strict=False):
        v = _ROMAN[a]
        total += -v if b != " " and _ROMAN[b] > v else v
    return total


def extract(text: str) -> list[Mention]:
    """All number mentions in `text`, language-independent (ambiguity kept as alternatives)."""
    # A century followed by a digit ("XX a. 4-ame dešimtmetyje") is one date with the decade;
    # the decade number carries the comparison.
    out: list[Mention] = [
        Mention(m.start(), m.end(), m.group(), frozenset({str(_roman(m.group("r")))}))
        for m in _ROMAN_RE.finditer(text)
        if not re.search(r"\d", text[m.end(): m.end() + 12])
    ]
    for m in _NUM_RE.finditer(text):
        vals, extra, parts = _mention_values(m)
        after = text[m.end(): m.end() + 14]
        if _CENTURY_BEFORE_DECADE.match(text, m.end()):
            continue
        before = text[max(0, m.start() - 6): m.start()]
        scaled: set[Decimal] = set()
        plain = vals
        sm = _SCALE_RE.match(after)
        if sm and vals:
            word, exp = _scale(sm)
            scaled = {v * (Decimal(10) ** exp) for v in vals}
            # A scale word that is nothing else ("mlrd.", "miljonit", "thousand") makes the
            # number its product only: "2 mlrd." is no "2 mln." ("m" and "k" may be metres
            # and kilo-: those keep the plain value too).
            if len(word) > 1:
                plain = set()
        hours: set[Decimal] = set()
        if vals and len(vals) == 1:
            v = next(iter(vals))
            if _PM_RE.match(after) and v < 12:
                hours.add(v + 12)
            if (_HOUR_BEFORE.search(before) or _HOUR_AFTER.match(after)) and 12 < v <= 24:
                hours.add(v - 12)
        keys = {_norm(v) for v in plain | scaled | hours} | extra
        if m.group("time") and vals:
            h, mm = int(m.group("th")), int(m.group("tm"))
            if mm == 0:
                keys.add(str(h))
                if h > 12:
                    keys.add(str(h - 12))
        elif "time:" in " ".join(extra) and any(k.endswith(":00") for k in extra):
            keys.update(k.split(":")[1] for k in extra if k.endswith(":00"))
        if vals and _DECADE_AFTER.match(after):
            # "1980s" / "1980ndatel" = lt "devintasis dešimtmetis" (the 9th decade)
            year = int(next(iter(vals)))
            if year % 10 == 0:
                keys.add(str((year % 100) // 10 + 1))
                keys.add(str(year // 100 + 1))  # lt "XX a. 4-asis dešimtmetis" = 1930s
                keys.add(str(year % 100))  # pl "lata 80.", ru "80-е годы", lv "80. gados"
        rng = _RANGE_BEFORE.search(text, 0, m.start())
        if rng and rng.end() == m.start() and len(m.group()) == 2:
            keys.add(rng.group(1)[:2] + m.group())  # "1950-53" = "1950–1953"
        unit = next(((dim, fam) for dim, fam, rx in _UNIT_RES if rx.match(after)), None)
        sign, start = _sign(text, m.start(), m.end()) if vals and not m.group("phone") \
            else ("", m.start())
        out.append(Mention(start, m.end(), text[start:m.end()], frozenset(_signed(keys, sign)),
                           parts, unit, _currency(text[max(0, m.start() - 2): m.start()], after),
                           sign))
    return _range_units(sorted(out, key=lambda x: x.start), text)


# A range's first number takes the unit or currency written after its second ("75-150 mm",
# "7,5 bis 15 Zentimetern", "от 5 до 10 км"), so each end converts as the text means it.
_RANGE_JOIN = re.compile(r"\s?[-–—]\s?|\s(?:to|bis|iki|kuni|līdz|до|do|–)\s", re.IGNORECASE)


def _range_units(mentions: list[Mention], text: str) -> list[Mention]:
    out = list(mentions)
    for k in range(len(out) - 2, -1, -1):
        a, b = out[k], out[k + 1]
        if a.unit is None and not a.currency and (b.unit is not None or b.currency) and \
                _RANGE_JOIN.fullmatch(text, a.end, b.start):
            out[k] = replace(a, unit=b.unit, currency=b.currency)
    return out


# ---------------------------------------------------------------- matching
def _max_matching(left: Sequence[Mention], right: Sequence[Mention], left_len: int = 1,
                  right_len: int = 1) -> dict[int, int]:
    """Maximum bipartite matching (Kuhn); edges where candidate value sets intersect, each
    mention trying the other side's nearest first (by relative position in the texts of
    these lengths), so that of two equal values the one in the same place is its match."""
    def nearest_first(lm: Mention) -> list[int]:
        here = lm.start / max(left_len, 1)
        return sorted((j for j, r in enumerate(right) if lm.keys & r.keys),
                      key=lambda j: abs(here - right[j].start / max(right_len, 1)))

    adj = [nearest_first(lm) for lm in left]
    match_r: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in adj[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in match_r or augment(match_r[j], seen):
                match_r[j] = i
                return True
        return False

    for i in range(len(left)):
        augment(i, set())
    return {i: j for j, i in match_r.items()}


def _either_sign(mentions: list[Mention], other_text: str) -> list[Mention]:
    """`mentions` with their hard minus made soft where `other_text` has a direction word."""
    if not any(m.sign == "-" for m in mentions) or not DIRECTION_WORDS.search(other_text):
        return mentions
    return [replace(m, keys=m.keys | {k[1:] for k in m.keys if k.startswith("-")}, sign="~")
            if m.sign == "-" else m for m in mentions]


def _resolve_words(left: list[Mention], other_text: str, other_lang: str) -> list[Mention]:
    pool = spelled_values(other_text, other_lang)
    keep: list[Mention] = []
    for m in left:
        hit = next((k for k in pool if k in m.keys or "-" + k in m.keys), None)
        if hit is None:
            keep.append(m)
        else:
            pool.remove(hit)
    return keep


def _resolve_parts(left: list[Mention],
                   right: list[Mention]) -> tuple[list[Mention], list[Mention]]:
    """A date written as numbers on one side and with a month name on the other."""
    right = list(right)
    keep: list[Mention] = []
    for m in left:
        if not m.parts:
            keep.append(m)
            continue
        used: list[Mention] = []
        for p in m.parts:
            r = next((r for r in right if p in r.keys and r not in used), None)
            if r is not None:
                used.append(r)
        if len(used) == len(m.parts):
            for r in used:
                right.remove(r)
        else:
            keep.append(m)
    return keep, right


def _numeric(m: Mention) -> list[float]:
    out = []
    for k in m.keys:
        try:
            out.append(float(k))
        except ValueError:
            continue
    return out


def _converted(a: Mention, b: Mention) -> bool:
    if a.unit is None or b.unit is None or a.unit[0] != b.unit[0]:
        return False
    dim = a.unit[0]
    for x in _numeric(a):
        for y in _numeric(b):
            if dim == "temp":
                # °F <-> °C; lt/et say only "degrees", so the same unit word is allowed
                for c, fh in ((x, y), (y, x)):
                    if abs((fh - 32) / 1.8 - c) <= max(1.5, abs(c) * _CONVERSION_TOL):
                        return True
                continue
            if x <= 0 or y <= 0:
                continue
            fa, fb = a.unit[1], b.unit[1]
            for (u, v), f in _FACTORS.items():
                if (fa, fb) == (u, v) and abs(y / (x * f) - 1) <= _CONVERSION_TOL:
                    return True
                if (fb, fa) == (u, v) and abs(x / (y * f) - 1) <= _CONVERSION_TOL:
                    return True
    return False


def _currency(before: str, after: str) -> str:
    for code, sym in (("usd", "$"), ("eur", "€"), ("gbp", "£")):
        if sym in before:
            return code
    for code, pat in _CURRENCY_AFTER:
        if pat.match(after):
            return code
    return ""


def _currency_converted(a: Mention, b: Mention) -> bool:
    return bool(a.currency and b.currency and a.currency != b.currency) and any(
        x and y and 0.5 <= x / y <= 2.0 for x in _numeric(a) for y in _numeric(b))


def _decimals(m: Mention) -> int:
    digits = re.sub(r"[^\d.,]", "", m.raw)
    tail = re.search(r"[.,](\d{1,2})$", digits)
    return len(tail.group(1)) if tail else 0


def _rounding_unit(m: Mention) -> float:
    """Precision a value was written with: 0.1 for "2,5", 1 for "25", 10 for "250"."""
    d = _decimals(m)
    if d:
        return 10.0 ** -d
    digits = re.sub(r"\D", "", m.raw)
    if len(digits) < 3:
        return 1.0  # "10" or "20" is rarely a rounding of "7,19"
    zeros = len(digits) - len(digits.rstrip("0")) if digits.strip("0") else 0
    return 10.0 ** min(zeros, 3)


def _rounded(a: Mention, b: Mention) -> bool:
    """One value is the other rounded to the precision it was written with (within half a
    unit of it, and 5 %), or a whole number with the decimals cut off: "619" for "619,95"
    (never "46" for "45,10", nor "250" for "259,99")."""
    if _decimals(a) == _decimals(b):
        return False
    coarse, fine = (a, b) if _rounding_unit(a) > _rounding_unit(b) else (b, a)
    unit = _rounding_unit(coarse)
    return any(abs(x - y) <= min(0.5 * unit, 0.05 * max(abs(x), abs(y))) + 1e-9
               or (unit == 1.0 and x == math.trunc(y) and abs(y - x) < 0.05 * abs(y))
               for x in _numeric(coarse) for y in _numeric(fine))


_PAREN_RE = re.compile(r"\(([^()]{0,40})\)")


def _parenthetical_conversion(m: Mention, text: str, side: Sequence[Mention]) -> bool:
    """'130 miles (209 km)', '350 000 USD (308 600 EUR)': an added conversion, not new data."""
    for p in _PAREN_RE.finditer(text):
        if not (p.start() < m.start and m.end <= p.end()):
            continue
        before = [o for o in side
                  if o is not m and p.start() - 30 <= o.start and o.end <= p.start()]
        if not before:
            return False
        o = before[-1]
        if o.unit is not None and m.unit is not None:
            return _converted(o, m)
        if o.currency and m.currency:
            return o.currency != m.currency
        return o.unit is None and m.unit is None
    return False


def _benign(a: Mention, b: Mention) -> bool:
    return _converted(a, b) or _rounded(a, b) or _currency_converted(a, b)


def _distance(a: Mention, b: Mention) -> float:
    return min((abs(x - y) / max(abs(x), abs(y), 1e-9) for x in _numeric(a)
                for y in _numeric(b)), default=1.0)


def _near(a: Mention, b: Mention) -> bool:
    """Same order of magnitude: a value that was changed rather than added or dropped."""
    xs, ys = _numeric(a), _numeric(b)
    return any(x and y and 0.2 <= abs(x / y) <= 5.0 for x in xs for y in ys)


def _tenfold(a: Mention, b: Mention) -> bool:
    """The same digits a power of ten apart ("1000" / "100", "3,5" / "35"): a digit or a zero
    was lost or added, a changed value however far apart."""
    return any(x and y and any(math.isclose(abs(x / y), 10.0 ** k, rel_tol=1e-9)
                               for k in (-3, -2, -1, 1, 2, 3))
               for x in _numeric(a) for y in _numeric(b))


def _sign_flipped(a: Mention, b: Mention) -> bool:
    """The same value with the other sign ("-5 %" / "5 %"; only a hard minus has one keys)."""
    return "-" in (a.sign, b.sign) and a.sign != b.sign and any(
        x and x == -y for x in _numeric(a) for y in _numeric(b))


def check_numbers(src: str, tgt: str, src_lang: str, tgt_lang: str) -> list[Hit]:
    sl, tl = base_lang(src_lang), base_lang(tgt_lang)
    s_m, t_m = extract(src), extract(tgt)
    if not s_m and not t_m:
        return []
    # A hard minus matches an unsigned number where the other side says the direction.
    s_m = _either_sign(s_m, tgt)
    t_m = _either_sign(t_m, src)
    pairs = _max_matching(s_m, t_m, len(src), len(tgt))
    matched_t = set(pairs.values())
    s_left = [m for i, m in enumerate(s_m) if i not in pairs]
    t_left = [m for j, m in enumerate(t_m) if j not in matched_t]
    s_left, t_left = _resolve_parts(s_left, t_left)
    t_left, s_left = _resolve_parts(t_left, s_left)
    s_left = _resolve_words(s_left, tgt, tl)
    t_left = _resolve_words(t_left, src, sl)
    hits: list[Hit] = []
    # Pair leftovers, closest values first: a conversion or rounding is minor, any other pair
    # of leftovers of the same magnitude, or of the same digits a power of ten apart, is a
    # changed value (critical).
    t_pool = list(t_left)
    s_pool = list(s_left)
    rules: tuple[tuple[Callable[[Mention, Mention], bool], Severity, float, str], ...] = (
        (_sign_flipped, "critical", 0.9, "differ in sign"),
        (_benign, "minor", 0.3, "differ (a unit/currency conversion or rounding)"),
        (_near, "critical", 0.9, "differ: the value was changed"),
        (_tenfold, "critical", 0.9,
         "differ by a power of ten: a digit or a decimal mark was lost or added"),
    )
    for relation, severity, score, what in rules:
        cands = sorted(((_distance(a, b), i, j) for i, a in enumerate(s_pool)
                        for j, b in enumerate(t_pool) if relation(a, b)))
        used_s: set[int] = set()
        used_t: set[int] = set()
        for _, i, j in cands:
            if i in used_s or j in used_t:
                continue
            used_s.add(i)
            used_t.add(j)
            a, b = s_pool[i], t_pool[j]
            hits.append(Hit("number", severity, score,
                            f'number "{a.raw}" in the source and "{b.raw}" in the target {what}',
                            ((a.start, a.end),), ((b.start, b.end),)))
        s_pool = [a for i, a in enumerate(s_pool) if i not in used_s]
        t_pool = [b for j, b in enumerate(t_pool) if j not in used_t]
    for s in s_pool:
        if _parenthetical_conversion(s, src, s_m):
            hits.append(Hit("number", "minor", 0.2,
                            f'number "{s.raw}" in the source is an added conversion',
                            ((s.start, s.end),), ()))
            continue
        hits.append(Hit("number", "major", 0.75,
                        f'number "{s.raw}" in the source has no counterpart in the target',
                        ((s.start, s.end),), ()))
    for t in t_pool:
        if _parenthetical_conversion(t, tgt, t_m):
            hits.append(Hit("number", "minor", 0.2,
                            f'number "{t.raw}" in the target is an added conversion',
                            (), ((t.start, t.end),)))
            continue
        hits.append(Hit("number", "major", 0.75,
                        f'number "{t.raw}" in the target has no counterpart in the source',
                        (), ((t.start, t.end),)))
    return hits


def values(text: str) -> Iterable[frozenset[str]]:
    """Candidate value sets of each number in `text` (for tests and the damage generator)."""
    return [m.keys for m in extract(text)]


CHECK = CheckSpec("numbers", "number", check_numbers, drift_feature="chk_number")
