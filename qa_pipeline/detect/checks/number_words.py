"""Spelled-out numbers for the number check: a digit on one side may be a word on the other
("7" / "seitse", "twenty-five" / "25"). Light handling only: the cardinal and ordinal words of
en, lt, et, lv, fi, de, pl and ru up to the tens, with hundreds to billions as scale words.
"""

from __future__ import annotations

import itertools
import re

from .base import words

_WORDS: dict[str, tuple[tuple[str, float], ...]] = {
    "en": (
        (r"zero", 0), (r"one|once|single|first", 1), (r"two|twice|second|double|pair", 2),
        (r"three|thirds?|triple", 3), (r"four|fourths?", 4), (r"five|fifths?", 5),
        (r"six|sixths?", 6), (r"seven|sevenths?", 7), (r"eight|eighths?", 8),
        (r"nine|ninths?", 9),
        (r"ten|tenth|decade", 10), (r"eleven(th)?", 11), (r"twelve|twelfth|dozen", 12),
        (r"thirteen(th)?", 13), (r"fourteen(th)?", 14), (r"fifteen(th)?", 15),
        (r"sixteen(th)?", 16), (r"seventeen(th)?", 17), (r"eighteen(th)?", 18),
        (r"nineteen(th)?", 19), (r"twenty", 20), (r"thirty", 30), (r"forty", 40),
        (r"fifty", 50), (r"sixty", 60), (r"seventy", 70), (r"eighty", 80), (r"ninety", 90),
        (r"hundreds?", 100), (r"thousands?", 1000), (r"millions?", 10**6),
        (r"billions?", 10**9),
    ),
    "lt": (
        (r"nulis|nulio", 0),
        (r"vien(as|o|am|ą|u|ame|a|os|ai|oje|i|ų|ems|us|uose)|pirm\w*", 1),
        (r"du|dvi|dviej\w*|dviem|dvejus|dvej\w*|antr(as|a|o|ą|ą|ame|oje|osios|ojo|ąjį)", 2),
        (r"trys|trij\w*|trims|trimis|trej\w*|treč\w*", 3),
        (r"ketur(i|ių|iems|is|iuose|ios|iais|ioms|iomis|iose)|ketver\w*|ketvirt\w*", 4),
        (r"penk(i|ių|iems|is|iuose|ios|ias|iais|ioms|iomis|iose)|penker\w*|penkt\w*", 5),
        (r"šeš(i|ių|iems|is|ias|ios|iais|ioms|iomis|iose)|šešer\w*|šešt\w*", 6),
        (r"septyn(i|ių|iems|is|ias|ios|iais|ioms|iomis|iose)|septyner\w*|septint\w*", 7),
        (r"aštuon(i|ių|iems|is|ias|ios|iais|ioms|iomis|iose)|aštuoner\w*|aštunt\w*", 8),
        (r"devyn(i|ių|iems|is|ias|ios|iais|ioms|iomis|iose)|devyner\w*|devint\w*", 9),
        (r"dešimt|dešimties|dešimčia|dešimtį|dešimt(as|o|ą|ame|a|ąjį|ojo|oje)|dešimtmet\w*", 10),
        (r"vienuolik\w*", 11), (r"dvylik\w*", 12), (r"trylik\w*", 13),
        (r"keturiolik\w*", 14), (r"penkiolik\w*", 15), (r"šešiolik\w*", 16),
        (r"septyniolik\w*", 17), (r"aštuoniolik\w*", 18), (r"devyniolik\w*", 19),
        (r"dvidešimt\w*", 20), (r"trisdešimt\w*", 30), (r"keturiasdešimt\w*", 40),
        (r"penkiasdešimt\w*", 50), (r"šešiasdešimt\w*", 60), (r"septyniasdešimt\w*", 70),
        (r"aštuoniasdešimt\w*", 80), (r"devyniasdešimt\w*", 90),
        (r"pusantr\w*", 1.5),
        (r"šimt\w*", 100), (r"tūkstan\w*", 1000), (r"milijon\w*", 10**6),
        (r"milijard\w*", 10**9),
    ),
    "et": (
        (r"null\w*", 0), (r"üks|ühe|ühte|üht|esimes?\w*|ainsa\w*|ainus", 1),
        (r"kaks|kahe|kahte|kaht|teine|teise\w*|kahekordse?\w*|paar\w*", 2),
        (r"kolm|kolme|kolmas|kolmand\w*|kolmekordse?\w*", 3),
        (r"neli|nelja|neljas|neljand\w*", 4), (r"viis|viie|viit|viies|viiend\w*", 5),
        (r"kuus|kuue|kuut|kuues|kuuend\w*", 6), (r"seitse|seitsme|seitset|seitsmes\w*", 7),
        (r"kaheksa|kaheksat|kaheksas\w*|kaheksand\w*", 8),
        (r"üheksa|üheksat|üheksas\w*|üheksand\w*", 9),
        (r"kümme|kümne|kümmet|kümnes\w*|kümnend\w*|kümned|kümneid", 10),
        (r"poolteist\w*|pooleteist\w*", 1.5),
        (r"sada|saja|sadat|sajand\w*|sadu|sadade\w*", 100),
        (r"tuhat|tuhande\w*|tuhandeid|tuhanded", 1000), (r"miljon\w*", 10**6),
        (r"miljard\w*", 10**9),
    ),
    # NTREX-128 has these languages beside lt/et: cardinals (inflected), ordinals, teens, tens.
    "lv": (
        (r"nulle\w*", 0),
        (r"vien(s|a|u|am|ai|ā|i|as|iem|ām|os|reiz)|pirm\w*", 1),
        (r"div(i|as|u|iem|ām|reiz)|otr(ais|ā|o|ajā|ajam|ajai|ās|ie|os|reiz)", 2),
        (r"trīs|triju|trijiem|trijām|treš\w*", 3),
        (r"četr(i|as|u|iem|ām)|ceturt\w*", 4), (r"piec(i|as|u|iem|ām)|piekt\w*", 5),
        (r"seš(i|as|u|iem|ām)|sest(ais|ā|o|ajā|ajam|ās|ie|os)", 6),
        (r"septiņ(i|as|u|iem|ām)|septīt\w*", 7), (r"astoņ(i|as|u|iem|ām)|astot\w*", 8),
        (r"deviņ(i|as|u|iem|ām)|devīt\w*", 9), (r"desmit\w*", 10),
        (r"vienpadsmit\w*", 11), (r"divpadsmit\w*", 12), (r"trīspadsmit\w*", 13),
        (r"četrpadsmit\w*", 14), (r"piecpadsmit\w*", 15), (r"sešpadsmit\w*", 16),
        (r"septiņpadsmit\w*", 17), (r"astoņpadsmit\w*", 18), (r"deviņpadsmit\w*", 19),
        (r"divdesmit\w*", 20), (r"trīsdesmit\w*", 30), (r"četrdesmit\w*", 40),
        (r"piecdesmit\w*", 50), (r"sešdesmit\w*", 60), (r"septiņdesmit\w*", 70),
        (r"astoņdesmit\w*", 80), (r"deviņdesmit\w*", 90),
        (r"simt\w*", 100), (r"tūksto\w*", 1000), (r"miljon\w*", 10**6),
        (r"miljard\w*", 10**9),
    ),
    "fi": (
        (r"nolla\w*", 0), (r"yksi|yhden|yhtä|yhteen|yhdessä|ensimmäi\w*", 1),
        (r"kaksi|kahden|kahta|kahteen|kahdessa|toi(nen|sen|sta|seen|sessa)", 2),
        (r"kolme|kolmen|kolmea|kolmeen|kolmessa|kolma(s|nne\w*)", 3),
        (r"neljä|neljän|neljää|neljään|neljä(s|nne\w*)", 4),
        (r"viisi|viiden|viittä|viiteen|viide(s|nne\w*)", 5),
        (r"kuusi|kuuden|kuutta|kuuteen|kuude(s|nne\w*)", 6),
        (r"seitsemä\w*", 7), (r"kahdeksa\w*", 8), (r"yhdeksä\w*", 9),
        (r"kymmenen|kymmentä|kymmene\w*|vuosikymme\w*", 10),
        (r"sata|sadan|sataa|satoja|satojen", 100),
        (r"tuhat|tuhannen|tuhatta|tuhansi\w*", 1000), (r"miljoon\w*", 10**6),
        (r"miljardi\w*", 10**9),
    ),
    "de": (
        (r"null", 0), (r"eins|ein(e|en|em|er|es)?|einmal|erste\w*|einzig\w*", 1),
        (r"zwei|zweimal|zweite\w*|doppel\w*|paar", 2), (r"drei|dritte\w*", 3),
        (r"vier|vierte\w*|viertel", 4), (r"fünf|fünfte\w*", 5), (r"sechs|sechste\w*", 6),
        (r"sieben|siebte\w*", 7), (r"acht|achte\w*", 8), (r"neun|neunte\w*", 9),
        (r"zehn|zehnte\w*|jahrzehnt\w*", 10), (r"elf|elfte\w*", 11),
        (r"zwölf|zwölfte\w*|dutzend\w*", 12), (r"dreizehn\w*", 13), (r"vierzehn\w*", 14),
        (r"fünfzehn\w*", 15), (r"sechzehn\w*", 16), (r"siebzehn\w*", 17),
        (r"achtzehn\w*", 18), (r"neunzehn\w*", 19), (r"zwanzig\w*", 20),
        (r"dreißig\w*", 30), (r"vierzig\w*", 40), (r"fünfzig\w*", 50), (r"sechzig\w*", 60),
        (r"siebzig\w*", 70), (r"achtzig\w*", 80), (r"neunzig\w*", 90),
        (r"hundert\w*", 100), (r"tausend\w*", 1000), (r"million\w*", 10**6),
        (r"milliard\w*", 10**9),
    ),
    "pl": (
        (r"zero", 0), (r"jed(en|na|no|nego|nej|nym|ną|nemu)|pierwsz\w*", 1),
        (r"dwa|dwie|dwóch|dwoma|dwu|dwukrotn\w*|drug\w*", 2),
        (r"trzy|trzech|trzema|trzeci\w*", 3), (r"cztery|czterech|czterem|czwart\w*", 4),
        (r"pięć|pięciu|piąt\w*", 5), (r"sześć|sześciu|szóst\w*", 6),
        (r"siedem|siedmiu|siódm\w*", 7), (r"osiem|ośmiu|ósm\w*", 8),
        (r"dziewięć|dziewięciu|dziewiąt\w*", 9), (r"dziesięć|dziesięciu|dziesiąt\w*", 10),
        (r"jedenast\w*|jedenaście", 11), (r"dwunast\w*|dwanaście", 12),
        (r"trzynast\w*|trzynaście", 13), (r"czternast\w*|czternaście", 14),
        (r"piętnast\w*|piętnaście", 15), (r"szesnast\w*|szesnaście", 16),
        (r"siedemnast\w*|siedemnaście", 17), (r"osiemnast\w*|osiemnaście", 18),
        (r"dziewiętnast\w*|dziewiętnaście", 19), (r"dwadzieścia|dwudziest\w*", 20),
        (r"trzydzieści|trzydziest\w*", 30), (r"czterdzieści|czterdziest\w*", 40),
        (r"pięćdziesiąt\w*", 50), (r"sześćdziesiąt\w*", 60), (r"siedemdziesiąt\w*", 70),
        (r"osiemdziesiąt\w*", 80), (r"dziewięćdziesiąt\w*", 90),
        (r"sto|stu|setk\w*", 100), (r"tysi[aąę]c\w*", 1000), (r"milion\w*", 10**6),
        (r"miliard\w*", 10**9),
    ),
    "ru": (
        (r"ноль|нуля", 0), (r"од(ин|на|но|ного|ной|ном|ному|ну|ни|них)|перв\w*", 1),
        (r"два|две|двух|двум|двумя|дважды|втор\w*", 2),
        (r"три|тр[её]х|трем|тремя|трижды|трет\w*", 3),
        (r"четыре|четыр[её]х|четырем|четырьмя|четв[её]рт\w*", 4),
        (r"пять|пяти|пятью|пят(ый|ая|ое|ого|ом|ую)", 5),
        (r"шесть|шести|шестью|шест(ой|ая|ое|ого|ом|ую)", 6),
        (r"семь|семи|семью|седьм\w*", 7), (r"восемь|восьми|восемью|восьм\w*", 8),
        (r"девять|девяти|девятью|девят(ый|ая|ое|ого|ом|ую)", 9),
        (r"десять|десяти|десятью|десят(ый|ая|ое|ого|ом|ую)|десятилети\w*", 10),
        (r"одиннадцат\w*", 11), (r"двенадцат\w*", 12), (r"тринадцат\w*", 13),
        (r"четырнадцат\w*", 14), (r"пятнадцат\w*", 15), (r"шестнадцат\w*", 16),
        (r"семнадцат\w*", 17), (r"восемнадцат\w*", 18), (r"девятнадцат\w*", 19),
        (r"двадцат\w*", 20), (r"тридцат\w*", 30), (r"сорок\w*", 40),
        (r"пятьдесят|пятидесят\w*", 50), (r"шестьдесят|шестидесят\w*", 60),
        (r"семьдесят|семидесят\w*", 70), (r"восемьдесят|восьмидесят\w*", 80),
        (r"девяност\w*", 90), (r"сто|ста|сотн\w*", 100), (r"тысяч\w*", 1000),
        (r"миллион\w*", 10**6), (r"миллиард\w*", 10**9),
    ),
}
_COMPILED = {
    lang: tuple((re.compile(p), v) for p, v in table) for lang, table in _WORDS.items()
}
_ET_TEEN = re.compile(r"(\w+?)teist\w*")  # "kaksteist" = 12
_ET_TENS = re.compile(r"(\w+?)(kümmend|kümne)\w*")  # "kakskümmend", "kahekümne" = 20


# Estonian case endings on a numeral's genitive stem: "kolmele", "kolmel", "kolmest",
# "neljale", "seitsmel", "kahest" (to / at / from three, four, seven, two).
_ET_CASE = re.compile(r"(\w+?)(sse|lt|le|st|ga|ni|na|ks|ta|l|s)")


def _word_value(word: str, lang: str) -> float | None:
    w = word.lower()
    table = _COMPILED.get(lang)
    if table is None:
        return None
    for pat, value in table:
        if pat.fullmatch(w):
            return value
    if lang == "et" and (m := _ET_CASE.fullmatch(w)):
        stem = m.group(1)
        for pat, value in table:
            if pat.fullmatch(stem) and value < 100 and stem.endswith(("e", "a")):
                return value
    if lang == "et":
        for pat, mult, add in ((_ET_TEEN, 1, 10), (_ET_TENS, 10, 0)):
            m = pat.fullmatch(w)
            if m:
                base = _word_value(m.group(1), lang)
                if base is not None and 1 <= base <= 9:
                    return base * mult + add
    return None


def spelled_values(text: str, lang: str) -> list[str]:
    """Values of spelled-out numbers, plus sums of adjacent tens+units ("twenty five")."""
    seq: list[float | None] = []
    for w, _, _ in words(text):
        whole = _word_value(w, lang)
        # "two-thirds", "twenty-five": a hyphenated compound counts part by part
        parts = re.split(r"[-‐‑]", w) if whole is None else [w]
        seq += [whole] if len(parts) == 1 else [_word_value(p, lang) for p in parts]
    out = [_str(v) for v in seq if v is not None]
    for a, b in itertools.pairwise(seq):
        if a is None or b is None:
            continue
        if a >= 20 and a % 10 == 0 and b < 10:  # "twenty five"
            out.append(_str(a + b))
        elif b in (100, 1000, 10**6, 10**9) and 1 < a < 1000:  # "du šimtai", "fifty thousand"
            out.append(_str(a * b))
        elif a == 100 and 1 <= b < 100:  # "sada viiskümmend"
            out.append(_str(a + b))
    return out


def _str(v: float) -> str:
    """A value as the number check's keys write it: "3", "1.5"."""
    return str(int(v)) if v == int(v) else str(v)
