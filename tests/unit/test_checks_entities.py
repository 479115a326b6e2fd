"""Entity check: inflected and transliterated names match, swapped names and codes do not."""

import pytest

from qa_pipeline import config as C
from qa_pipeline.detect.checks import Embedding
from qa_pipeline.detect.checks.entities import (
    check_entities,
    cut_gains,
    entities,
    name_phrases,
    plausible_match,
    refine_entities,
    word_ngrams,
)


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


def test_the_same_name_in_another_script_matches_itself() -> None:
    """Names in Cyrillic or Greek lost every letter to the Latin comparison, so the same name
    on both sides was 'without a counterpart'."""
    assert check_entities("Bendrovė „Яндекс“ atidarė biurą Atėnuose.",
                          "Ettevõte „Яндекс“ avas kontori Ateenas.", "lt", "et") == []
    assert check_entities("Bendrovė Яндекс atidarė biurą.", "Ettevõte Гугл avas kontori.",
                          "lt", "et")


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


def test_shouted_words_are_not_acronyms() -> None:
    shout = "Ji parašė: „AČIŪ, KAD PASIPRIEŠINOTE MINIAI.“"
    assert entities("Ta kirjutas: „TÄNAME, ET JULGESID VASTU HAKATA.“", "et") == []
    assert entities(shout, "lt") == []
    # acronyms among lower-case words still count, even two in a row
    assert [e.text for e in entities("Jis kalbėjo apie NATO ir ES bei JAV JT misiją.", "lt")] \
        == ["NATO", "ES", "JAV", "JT"]


def test_changed_code_is_major() -> None:
    (hit,) = check_entities("Lėktuvas F-16 nusileido.", "Lennuk F-35 maandus.", "lt", "et")
    assert hit.severity == "major"


# ---------------------------------------------------------------- encoder stage
def planted(concepts: dict[str, int], dim: int = 64) -> Embedding:
    """A toy encoder: texts of one concept share a vector; every other text gets its own
    (deterministic, near-orthogonal in 64 dimensions)."""
    import numpy as np

    def embed(texts):  # type: ignore[no-untyped-def]
        rows = []
        for t in texts:
            seed = concepts.get(t, 1000 + sum(map(ord, t)) * 7919 + len(t))
            v = np.random.default_rng(seed).standard_normal(dim)
            rows.append(v / np.linalg.norm(v))
        return np.array(rows)

    return Embedding("toy", embed)


def recording(inner: Embedding) -> tuple[Embedding, list[list[str]]]:
    """`inner`, with every embed call's texts recorded in the returned list."""
    calls: list[list[str]] = []

    def embed(texts):  # type: ignore[no-untyped-def]
        calls.append(list(texts))
        return inner.embed(texts)

    return Embedding("toy", embed), calls


SETTINGS = {"min_cos": 0.9, "max_words": 2}


def test_name_phrases_join_adjacent_names() -> None:
    text = "Jis gyveno Sovietų Sąjungoje ir Lenkijoje."
    spans = [(text.index(w), text.index(w) + len(w)) for w in ("Sovietų", "Sąjungoje",
                                                              "Lenkijoje")]
    assert name_phrases(text, spans) == [spans[:2], spans[2:]]
    abc = "a b c"
    assert [abc[a:b] for a, b in word_ngrams(abc, 2)] == ["a", "a b", "b", "b c", "c"]


def test_translated_name_is_matched_by_the_encoder() -> None:
    src, tgt = "Jis gyveno Sovietų Sąjungoje.", "Ta elas Nõukogude Liidus."
    before = [tuple(check_entities(src, tgt, "lt", "et"))]
    assert before[0], "the spelling rules alone cannot match a translated name"
    emb = planted({"Sovietų": 1, "Sovietų Sąjungoje": 1, "Nõukogude Liidus": 1})
    assert refine_entities([(src, tgt)], before, "lt", "et", emb, SETTINGS) == [()]


def test_swapped_name_survives_the_encoder() -> None:
    src, tgt = "Sutartį pasirašė Andrius Kubilius.", "Lepingu allkirjastas Mart Laar."
    before = [tuple(check_entities(src, tgt, "lt", "et"))]
    (hit,) = refine_entities([(src, tgt)], before, "lt", "et", planted({}), SETTINGS)[0]
    assert hit.source_spans == before[0][0].source_spans
    assert hit.target_spans == before[0][0].target_spans


def test_a_name_left_on_one_side_only_is_not_a_substitution() -> None:
    src = "Jis gyveno Sovietų Sąjungoje su Petru Petraičiu."
    tgt = "Ta elas Nõukogude Liidus koos Mart Laariga."
    before = [tuple(check_entities(src, tgt, "lt", "et"))]
    emb = planted({"Sovietų": 1, "Sovietų Sąjungoje": 1, "Nõukogude Liidus": 1})
    (hit,) = refine_entities([(src, tgt)], before, "lt", "et", emb, SETTINGS)[0]
    assert [src[a:b] for a, b in hit.source_spans] == ["Petru", "Petraičiu"]
    assert [tgt[a:b] for a, b in hit.target_spans] == ["Mart", "Laariga"]
    one_sided = [tuple(check_entities(src, "Ta elas Nõukogude Liidus.", "lt", "et"))]
    assert one_sided[0]
    assert refine_entities([(src, "Ta elas Nõukogude Liidus.")], one_sided, "lt", "et", emb,
                           SETTINGS) == [()]


def test_names_on_one_side_only_are_never_embedded() -> None:
    """Matching only removes names, so such a bead cannot keep its hit: no encoder call."""
    src, tgt = "Jis gyveno Sovietų Sąjungoje.", "Ta elas seal."
    before = [tuple(check_entities(src, tgt, "lt", "et"))]
    assert before[0] and not any(h.target_spans for h in before[0])
    emb, calls = recording(planted({}))
    assert refine_entities([(src, tgt)], before, "lt", "et", emb, SETTINGS) == [()]
    assert calls == []
    # A code keeps the bead in play, on one side or not.
    coded = [tuple(check_entities("Lėktuvas F-16 nusileido.", "Lennuk maandus.", "lt", "et"))]
    assert coded[0]
    emb, calls = recording(planted({}))
    assert refine_entities([("Lėktuvas F-16 nusileido.", "Lennuk maandus.")], coded, "lt", "et",
                           emb, SETTINGS)[0]


def test_a_side_whose_names_all_match_spares_the_other_side() -> None:
    """Once every name of the first side has a counterpart the hit is gone, so the other
    side's names and the first side's n-grams are never embedded."""
    src, tgt = "Jis gyveno Sovietų Sąjungoje.", "Ta elas Nõukogude Liidus."
    before = [tuple(check_entities(src, tgt, "lt", "et"))]
    emb, calls = recording(planted({"Sovietų": 1, "Nõukogude Liidus": 1}))
    assert refine_entities([(src, tgt)], before, "lt", "et", emb, SETTINGS) == [()]
    assert len(calls) == 1 and "Sovietų" in calls[0]
    assert "Jis gyveno" not in calls[0]  # a source n-gram: the second side's candidates
    # A swap matches nothing on the first side: the second side is scored too.
    src, tgt = "Sutartį pasirašė Andrius Kubilius.", "Lepingu allkirjastas Mart Laar."
    before = [tuple(check_entities(src, tgt, "lt", "et"))]
    emb, calls = recording(planted({}))
    assert refine_entities([(src, tgt)], before, "lt", "et", emb, SETTINGS)[0]
    assert len(calls) == 2 and "Sutartį pasirašė" in calls[1]


def test_codes_are_never_matched_by_the_encoder() -> None:
    src, tgt = "Lėktuvas F-16 nusileido.", "Lennuk F-35 maandus."
    before = [tuple(check_entities(src, tgt, "lt", "et"))]
    emb = planted({"F-16": 1, "F-35": 1})
    (hit,) = refine_entities([(src, tgt)], before, "lt", "et", emb, SETTINGS)[0]
    assert hit.severity == "major"


def test_a_name_pair_whose_cut_gains_nothing_is_dropped() -> None:
    """Names left unmatched on both sides are dropped when cutting them from both sides does
    not raise the pair's cosine by `min_cut_gain` (a translation no n-gram matched); kept when
    it does (a swapped name takes meaning with it); codes are never dropped."""
    src, tgt = "Sutartį pasirašė Andrius Kubilius.", "Lepingu allkirjastas Mart Laar."
    before = [tuple(check_entities(src, tgt, "lt", "et"))]
    cut_s, cut_t = "Sutartį pasirašė.", "Lepingu allkirjastas."
    # Whole sides alike, cut sides just as alike: the names were each other's counterparts.
    same = planted({src: 1, tgt: 1, cut_s: 1, cut_t: 1})
    # Whole sides unlike, cut sides alike: the names carried the difference.
    swap = planted({cut_s: 2, cut_t: 2})
    settings = {**SETTINGS, "min_cut_gain": 0.05}
    assert cut_gains([(src, tgt)], before, same) == {0: pytest.approx(0.0, abs=1e-9)}
    assert cut_gains([(src, tgt)], before, swap)[0] > 0.5
    assert refine_entities([(src, tgt)], before, "lt", "et", same, settings) == [()]
    (hit,) = refine_entities([(src, tgt)], before, "lt", "et", swap, settings)[0]
    assert hit.target_spans == before[0][0].target_spans
    code = [tuple(check_entities("Lėktuvas F-16 nusileido.", "Lennuk F-35 maandus.", "lt",
                                 "et"))]
    assert cut_gains([("Lėktuvas F-16 nusileido.", "Lennuk F-35 maandus.")], code, same) == {}


def test_a_name_rendered_alike_in_several_beads_is_one_name() -> None:
    """A source name and a target name that occur in exactly the same beads (two or more)
    are one name rendered consistently (a translated title), matched without the encoder;
    one bead alone, or a name that also occurs elsewhere, proves nothing."""
    doc = [("Serialas „Sostų karai“ baigėsi.", "Sari Troonide mäng lõppes."),
           ("Jis vaidino „Sostų karuose“.", "Ta mängis Troonide mängus."),
           ("Jis gyvena Londone.", "Ta elab Londonis.")]
    hits = [tuple(check_entities(s, t, "lt", "et")) for s, t in doc]
    assert hits[0] and hits[1] and not hits[2]
    emb = planted({})  # the encoder matches nothing: only the document can
    assert refine_entities(doc, hits, "lt", "et", emb, SETTINGS) == [(), (), ()]
    # once only: kept
    assert refine_entities(doc[1:], hits[1:], "lt", "et", emb, SETTINGS)[0]
    # the target name also stands in a bead whose source lacks the source name: kept
    doc3 = [*doc[:2], ("Jis gyvena Londone.", "Ta elab Londonis, Troonide linnas.")]
    hits3 = [tuple(check_entities(s, t, "lt", "et")) for s, t in doc3]
    assert all(refine_entities(doc3, hits3, "lt", "et", emb, SETTINGS)[:2])


def test_consistent_renderings_pair_names_one_to_one() -> None:
    """Two source names that both co-occur with one target name take it only once: the
    other source name and a swapped-in target name stay a substitution."""
    doc = [("Vaikai žiūrėjo „Kiaulytę Pepą“.", "Lapsed vaatasid Põrsas Peppat."),
           ("Jie mėgsta „Kiaulytę Pepą“.", "Neile meeldib Põrsas Peppa."),
           ("Rodė „Kiaulytę Pepą“.", "Näidati Põrsas Sunday.")]
    hits = [tuple(check_entities(s, t, "lt", "et")) for s, t in doc]
    out = refine_entities(doc, hits, "lt", "et", planted({}), SETTINGS)
    (hit,) = out[2]
    assert "Sunday" in [doc[2][1][a:b] for a, b in hit.target_spans]


def test_cut_gains_in_chunks_equal_one_call_and_bound_each_call(
        monkeypatch: pytest.MonkeyPatch) -> None:
    pairs = [("Sutartį pasirašė Andrius Kubilius.", "Lepingu allkirjastas Mart Laar."),
             ("Jis gyveno Sovietų Sąjungoje.", "Ta elas Nõukogude Liidus."),
             ("Vakar lijo.", "Eile sadas.")] * 4
    hits = [tuple(check_entities(s, t, "lt", "et")) for s, t in pairs]
    emb, calls = recording(planted({"Sutartį pasirašė.": 2, "Lepingu allkirjastas.": 2}))
    whole = cut_gains(pairs, hits, emb)
    assert len(calls) == 1 and len(whole) == 8
    calls.clear()
    monkeypatch.setattr(C, "EMBED_CHUNK_TEXTS", 8)
    assert cut_gains(pairs, hits, emb) == pytest.approx(whole)
    assert len(calls) > 1 and all(len(c) <= 8 + 4 for c in calls)


def test_no_settings_for_the_model_leaves_hits_unchanged() -> None:
    src, tgt = "Jis gyveno Sovietų Sąjungoje.", "Ta elas Nõukogude Liidus."
    before = [tuple(check_entities(src, tgt, "lt", "et"))]
    emb = planted({"Sovietų": 1, "Sovietų Sąjungoje": 1, "Nõukogude Liidus": 1})
    assert refine_entities([(src, tgt)], before, "lt", "et", emb) == before


def test_name_scores_in_chunks_equal_one_call_and_bound_each_call(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from qa_pipeline.detect.checks import entities as mod

    pairs = [("Jis gyveno Sovietų Sąjungoje.", "Ta elas Nõukogude Liidus."),
             ("Sutartį pasirašė Andrius Kubilius.", "Lepingu allkirjastas Mart Laar."),
             ("Vakar lijo.", "Eile sadas."),
             ("Lėktuvas F-16 nusileido Rygoje.", "Lennuk F-35 maandus Tallinnas.")] * 3
    hits = [tuple(check_entities(s, t, "lt", "et")) for s, t in pairs]
    emb, calls = recording(planted({"Sovietų Sąjungoje": 1, "Nõukogude Liidus": 1}))
    whole = mod.name_scores(pairs, hits, emb, 2)
    assert len(calls) == 1 and len(calls[0]) == len(set(calls[0]))
    assert [k for k, *_ in whole] == sorted(k for k, *_ in whole) and len(whole) >= 6
    one_call = len(calls.pop())
    monkeypatch.setattr(C, "EMBED_CHUNK_TEXTS", 8)
    chunked = mod.name_scores(pairs, hits, emb, 2)
    assert chunked == whole and len(calls) > 3
    # a call closes at the first bead boundary at or past the bound (a bead here brings
    # at most 20 texts), far below the one call's size
    assert max(len(c) for c in calls) < 8 + 20 < one_call


def test_an_inflected_exonym_is_its_name() -> None:
    """Estonian declines 'kohus' (court) with a t: 'Riigikohtusse' is the Supreme Court."""
    assert check_entities("Byla pateko į Aukščiausiąjį Teismą.",
                          "Kohtuasi jõudis Riigikohtusse.", "lt", "et") == []


# ---------------------------------------------------------------- other languages
def test_german_nouns_and_polite_forms_are_not_names() -> None:
    """German capitalises every noun: "Speichern", "Ball", "Füßen" and the polite "Sie" /
    "Ihre" were names without a counterpart (a short UI sentence got a critical drift)."""
    assert entities("Klicken Sie jetzt auf Speichern.", "de") == []
    assert entities("Bitte überprüfen Sie Ihre Einstellungen, bevor Sie fortfahren.", "de") == []
    assert not any(h.target_spans for h in check_entities(
        "Click Save now.", "Klicken Sie jetzt auf Speichern.", "en", "de"))
    text = ("Der Schuss von Allan McGregor wurde mit den Füßen abgewehrt, und Lithgow schlenzte "
            "den Ball aus einer anderen Schussposition vorbei.")
    assert [e.text for e in entities(text, "de")] == ["Allan", "McGregor"]
    # measures after a number are no two-word name
    assert entities("Es kamen 20 Millionen Zuschauer.", "de") == []
    # Estonian and English capitalise names only: unchanged
    assert [e.text for e in entities("Ta kirjutas Ball ja Sturm.", "et")] == ["Ball", "Sturm"]


def test_names_are_still_searched_in_a_german_text() -> None:
    assert check_entities("Then Robinson scored.", "Dann traf Robinson.", "en", "de") == []
    (hit,) = check_entities("Then Robinson scored.", "Dann traf Schmidt.", "en", "de")
    assert hit.source_spans == ((5, 13),) and not hit.target_spans
    (hit,) = check_entities("Sutartį pasirašė Andrius Kubilius.",
                            "Den Vertrag unterschrieb Mart Laar.", "lt", "de")
    assert hit.source_spans and hit.target_spans  # a two-word name is a name in German too


@pytest.mark.parametrize(("a", "b"), [
    ("Phoenix", "Феникс"), ("Phoenix", "Фениксом"), ("Robinson", "Робинсон"),
    ("Hazarda", "Азару"), ("Weeknd", "Уикенд"), ("Rangers", "Рейнджерс"),
    ("Jackson", "Джексон"), ("Livingston", "Ливингстона")])
def test_cyrillic_renderings_match_their_latin_name(a: str, b: str) -> None:
    assert plausible_match(a, b) and plausible_match(b, a)


def test_cyrillic_names_are_still_told_apart() -> None:
    assert not plausible_match("Robinson", "Джексон")
    assert not plausible_match("Phoenix", "Флагстафф")
    (hit,) = check_entities("Rosa is expected to pass over Phoenix on Tuesday.",
                            "Ожидается, что ураган Роза пройдет над Денвером во вторник.",
                            "en", "ru")
    assert [hit.source_spans, hit.target_spans] == [((30, 37),), ((39, 47),)]
    assert check_entities("Rosa is expected to pass over Phoenix on Tuesday.",
                          "Ожидается, что ураган Роза пройдет над Фениксом во вторник.",
                          "en", "ru") == []


@pytest.mark.parametrize(("src", "tgt", "langs"), [
    ("Aptaujā piedalījās 4000 pieaugušo Lielbritānijā.",
     "Apklausoje dalyvavo 4 000 JK suaugusiųjų.", ("lv", "lt")),
    ("Vizītē Vācijā un Francijā.", "Vierailu Saksassa ja Ranskassa.", ("lv", "fi")),
    ("Die Regierung von Großbritannien und die EU.",
     "Rząd Wielkiej Brytanii i Unia Europejska.", ("de", "pl")),
    ("Он посетил Германию, Россию и США.", "He visited Germany, Russia and the USA.",
     ("ru", "en")),
    ("Ta külastas Venemaad.", "Hän vieraili Venäjällä.", ("et", "fi")),
])
def test_exonyms_of_other_languages(src: str, tgt: str, langs: tuple[str, str]) -> None:
    assert check_entities(src, tgt, *langs) == []
