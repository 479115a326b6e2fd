"""Negation check: concord-aware marker counts for lt, et and en."""

import pytest

from qa_pipeline.detect.checks import Embedding
from qa_pipeline.detect.checks.negation import check_negation, markers, positive, refine_negation


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
        # adjectives in -inis / -inė are lexical negation, not negated verbs
        ("Jie nešiojo nestandartinio dydžio skrybėles.", "lt", []),
        ("Jie nešiojo nestandartinio dydžio skrybėles, bet nepatiko.", "lt", ["nepatiko"]),
        ("Draudimas iškraustyti nesant kaltės.", "lt", []),  # "without fault": weak
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
        # Session 28, read on NTREX: concord over a comma, "ne" before a name, an adjective
        ("„Nė vienas, ką ji įvardija, negali to patvirtinti.",
         "„Keegi, keda ta nimetab, ei suutnud seda kinnitada.", "lt", "et"),
        ("Tai skirta ne Velso skaitytojams.", "See on mõeldud Walesi-välistele lugejatele.",
         "lt", "et"),
        ("Nesibaigianti saulėkaita džiugina.", "Jätkuv päikesepaiste rõõmustab.", "lt", "et"),
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
        # an n-word after its own comma is a negation of its own, not the verb's concord
        ("Vaistas nepadėjo, jokio poveikio.", "Ravim ei aidanud, mõju oli tugev.", "lt", "et"),
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


def test_only_the_side_with_more_negations_is_marked() -> None:
    src, tgt = "Jis nežinojo, kad ji neatvyks.", "Ta ei teadnud, et naine tuleb."
    (hit,) = check_negation(src, tgt, "lt", "et")
    assert [src[a:b] for a, b in hit.source_spans] == ["nežinojo", "neatvyks"]
    assert hit.target_spans == ()  # its "ei" agrees with "nežinojo"


def test_capitalised_words_inside_a_clause_are_not_lithuanian_negations() -> None:
    assert strong("Skaičiai nebuvo prieinami Fox Business Network.", "lt") == ["nebuvo"]


def test_a_negated_verb_in_capitals_for_emphasis_still_counts() -> None:
    assert strong("Aš renkuosi NEREMTI tokio žmogaus.", "lt") == ["neremti"]
    # and agrees with an emphasised Estonian "MITTE": no polarity difference
    assert check_negation("Aš renkuosi NEREMTI tokio žmogaus.",
                          "Ma otsustasin MITTE toetada sellist inimest.", "lt", "et") == []


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Ta ei teadnud vastust.", "et", "Ta teadnud vastust."),
        ("Seal pole ruumi.", "et", "Seal on ruumi."),
        ("Jis nežinojo atsakymo.", "lt", "Jis žinojo atsakymo."),
        ("Čia nėra vietos.", "lt", "Čia yra vietos."),
        ("Nebeturi laiko.", "lt", "Turi laiko."),
        ("They don't agree.", "en", "They do agree."),
        ("She did not come.", "en", "She did come."),
    ],
)
def test_positive(text: str, lang: str, expected: str) -> None:
    (m,) = [m for m in markers(text, lang) if not m.weak]
    assert positive(text, m, lang) == expected


def toy(same: list[set[str]], dim: int = 64) -> Embedding:
    """Texts in one set share a vector; any other text gets its own."""
    import numpy as np

    def embed(texts):  # type: ignore[no-untyped-def]
        rows = []
        for t in texts:
            k = next((i for i, group in enumerate(same) if t in group), None)
            seed = k if k is not None else 1000 + sum(map(ord, t)) * 31 + len(t)
            v = np.random.default_rng(seed).standard_normal(dim)
            rows.append(v / np.linalg.norm(v))
        return np.array(rows)

    return Embedding("toy", embed)


def test_an_inserted_negation_survives_the_encoder() -> None:
    src, tgt = "Jis žinojo atsakymą.", "Ta ei teadnud vastust."
    before = [tuple(check_negation(src, tgt, "lt", "et"))]
    emb = toy([{"Ta teadnud vastust.", src}])  # dropping "ei" gives the source's meaning
    (hit,) = refine_negation([(src, tgt)], before, "lt", "et", emb, {"min_gain": 0.0})[0]
    assert [tgt[a:b] for a, b in hit.target_spans] == ["ei"]


def test_a_lexically_rendered_negation_is_dropped_by_the_encoder() -> None:
    src, tgt = "H. Willoughby nebeturi laiko.", "Willoughbyl napib aega."
    before = [tuple(check_negation(src, tgt, "lt", "et"))]
    assert before[0], "no marker list knows that 'napib' carries the negation"
    emb = toy([{src, tgt}])  # the two sides say the same; the positive source does not
    assert refine_negation([(src, tgt)], before, "lt", "et", emb, {"min_gain": 0.0}) == [()]
    assert refine_negation([(src, tgt)], before, "lt", "et", emb) == before  # toy: no settings


@pytest.mark.parametrize(("src", "tgt", "langs"), [
    ("I do not know.", "En tiedä.", ("en", "fi")),  # no markers listed for fi / lv
    ("Jis nežino.", "Es nezinu.", ("lt", "lv")),
    ("Nedelsiant pranešė policijai.", "Teatas kohe politseile.", ("lt", "et")),  # at once
    ("Nežiūrint į tai, jis atvyko.", "Sellest hoolimata ta saabus.", ("lt", "et")),  # despite
    ("Nerūdijančio plieno puodas.", "Roostevabast terasest pott.", ("lt", "et")),  # stainless
    ("See No 6.", "Žr. Nr. 6.", ("en", "lt")),  # a number sign
    ("Vargu ar jis ateis.", "Ta ei tule.", ("lt", "et")),  # "hardly" carries the negation
])
def test_no_negation_to_compare(src: str, tgt: str, langs: tuple[str, str]) -> None:
    assert check_negation(src, tgt, *langs) == []


def test_a_negation_before_a_number_still_counts() -> None:
    assert check_negation("There are no 5-star hotels here.", "Čia yra penkių žvaigždučių "
                          "viešbučiai.", "en", "lt")


def test_the_readme_names_the_languages_negation_covers() -> None:
    """A pair outside `LANGUAGES` gets no negation hits, silently: the README's table of the
    checks' languages must say which pairs those are."""
    import re
    from pathlib import Path

    from qa_pipeline.detect.checks.negation import LANGUAGES

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    row = re.search(r"^\| `negation` \|(.*)\|$", readme, re.MULTILINE)
    assert row is not None
    named = set(re.findall(r"\b[a-z]{2}\b", row.group(1).split(":")[0]))
    assert named == set(LANGUAGES)
