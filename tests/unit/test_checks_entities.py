"""Entity check: inflected and transliterated names match, swapped names and codes do not."""

import pytest

from qa_pipeline.detect.checks.entities import check_entities, entities, plausible_match


@pytest.mark.parametrize(
    ("a", "b"),
    [("Londone", "Londonis"), ("Trumpas", "Trump"), ("Kromvelis", "Cromwelli"),
     ("Vašingtone", "Washingtonis"), ("Niuportas", "Newport"), ("Finiksas", "Phoenixi"),
     ("Kinijos", "Hiina"), ("JAV", "USA"), ("Džonsonas", "Johnson"), ("Tartu", "Tartus")],
)
def test_plausible_match(a: str, b: str) -> None:
    assert plausible_match(a, b) or not check_entities(f"Jis matė {a}.", f"Ta nägi {b}.",
                                                       "lt", "et")


@pytest.mark.parametrize(("a", "b"), [("Londone", "Pariisis"), ("Trumpas", "Obama"),
                                      ("Vilniuje", "Tallinnas")])
def test_different_names_do_not_match(a: str, b: str) -> None:
    assert not plausible_match(a, b)


def test_sentence_initial_words_are_not_entities() -> None:
    ents = [e.text for e in entities("Vakar lijo. Šiandien Marija išvyko į Rygą.", "lt")]
    assert ents == ["Marija", "Rygą"]


@pytest.mark.parametrize(
    ("src", "tgt"),
    [
        ("Premjerė Kaja Kallas lankėsi Vilniuje.", "Peaminister Kaja Kallas külastas Vilniust."),
        ("Susitikimas vyko Briuselyje su NATO atstovais.",
         "Kohtumine toimus Brüsselis NATO esindajatega."),
        ("Naujasis modelis vadinamas X5-Pro.", "Uue mudeli nimi on X5-Pro."),
        ("Tyrimą atliko Tartu universitetas.", "Uuringu tegi Tartu Ülikool."),
    ],
)
def test_correct_pairs_have_no_hits(src: str, tgt: str) -> None:
    assert check_entities(src, tgt, "lt", "et") == []


def test_swapped_name_fires_on_both_sides() -> None:
    (hit,) = check_entities("Sutartį pasirašė Andrius Kubilius.",
                            "Lepingu allkirjastas Mart Laar.", "lt", "et")
    assert hit.source_spans and hit.target_spans
    assert hit.severity == "minor"


def test_changed_code_is_major() -> None:
    (hit,) = check_entities("Lėktuvas F-16 nusileido.", "Lennuk F-35 maandus.", "lt", "et")
    assert hit.severity == "major"
