"""Negation check: concord-aware marker counts for lt, et and en."""

import pytest

from qa_pipeline.detect.checks.negation import check_negation, markers


def strong(text: str, lang: str) -> list[str]:
    return [m.text.lower() for m in markers(text, lang) if not m.weak]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Jis nežinojo atsakymo.", "lt", ["nežinojo"]),
        ("Mes nesutinkame su planu.", "lt", ["nesutinkame"]),
        ("Niekas nieko nematė.", "lt", ["nematė"]),  # concord: one negation
        ("Čia nėra vietos.", "lt", ["nėra"]),
        ("Jie atvyko netrukus, nes lijo.", "lt", []),  # netrukus, nes: not negations
        ("Įvyko didelė nelaimė netoli uosto.", "lt", []),
        ("Nepriklausomi ekspertai pateikė išvadą.", "lt", []),
        ("Atvyko daugiau nei šimtas žmonių.", "lt", []),
        ("Be to, jis dirbo naktimis.", "lt", []),
        ("Ta ei teadnud vastust.", "et", ["ei"]),
        ("Seal pole ruumi.", "et", ["pole"]),
        ("Mitte keegi ei näinud midagi.", "et", ["ei"]),  # concord
        ("Ta ei söö ega joo.", "et", ["ei"]),  # ega continues the negation
        ("Ta märkis ära, et plaan toimib.", "et", []),  # ära as a verb particle
        ("Ära mine sinna!", "et", ["ära"]),
        ("She did not know the answer.", "en", ["not"]),
        ("They don't agree.", "en", ["don't"]),
        ("Nobody saw anything.", "en", ["nobody"]),
        ("See No. 5 for details.", "en", []),
    ],
)
def test_markers(text: str, lang: str, expected: list[str]) -> None:
    assert strong(text, lang) == expected


@pytest.mark.parametrize(
    ("src", "tgt", "sl", "tl"),
    [
        ("Jis nežinojo atsakymo.", "Ta ei teadnud vastust.", "lt", "et"),
        ("Niekas nieko nematė.", "Mitte keegi ei näinud midagi.", "lt", "et"),
        ("Komanda laimėjo rungtynes.", "Meeskond võitis mängu.", "lt", "et"),
        ("Jie nevalgo ir negeria.", "Nad ei söö ega joo.", "lt", "et"),
        ("Ta ei tulnud koosolekule.", "She did not come to the meeting.", "et", "en"),
        ("Seal pole ühtegi poodi.", "There are no shops there.", "et", "en"),
    ],
)
def test_matching_polarity_is_quiet(src: str, tgt: str, sl: str, tl: str) -> None:
    assert check_negation(src, tgt, sl, tl) == []


@pytest.mark.parametrize(
    ("src", "tgt", "sl", "tl"),
    [
        ("Jis nežinojo atsakymo.", "Ta teadis vastust.", "lt", "et"),
        ("Jis žinojo atsakymą.", "Ta ei teadnud vastust.", "lt", "et"),
        ("Vyriausybė nepritarė planui.", "Valitsus kiitis plaani heaks.", "lt", "et"),
        ("Ta ei tulnud koosolekule.", "She came to the meeting.", "et", "en"),
    ],
)
def test_flipped_polarity_fires(src: str, tgt: str, sl: str, tl: str) -> None:
    (hit,) = check_negation(src, tgt, sl, tl)
    assert hit.kind == "negation"
    assert hit.score >= 0.5
    assert hit.source_spans or hit.target_spans


@pytest.mark.parametrize(
    ("src", "tgt"),
    [
        ("Jis buvo nepatenkintas.", "Ta ei olnud rahul."),
        ("Tai dar ne pabaiga, o tik pradžia.", "See pole veel lõpp, vaid alles algus."),
    ],
)
def test_lexical_or_constituent_negation_explains_the_difference(src: str, tgt: str) -> None:
    assert check_negation(src, tgt, "lt", "et") == []
