"""URLs, end punctuation, brackets, length ratio, language and the registry."""

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa_pipeline.detect.checks import CHECKS, Hit, run_checks
from qa_pipeline.detect.checks.brackets import check_brackets, document_brackets
from qa_pipeline.detect.checks.entities import check_entities
from qa_pipeline.detect.checks.language import check_language
from qa_pipeline.detect.checks.length import check_length, z_score
from qa_pipeline.detect.checks.punctuation import check_punctuation
from qa_pipeline.detect.checks.urls import _URL_RE, MAX_ADDRESS_CHARS, check_urls, extract
from qa_pipeline.types import SEVERITY_ORDER


@pytest.mark.parametrize(
    ("src", "tgt", "n"),
    [
        ("Daugiau: https://example.org/a?b=1.", "Rohkem: https://example.org/a?b=1", 0),
        ("Rašykite info@pavyzdys.lt.", "Kirjutage info@pavyzdys.lt.", 0),
        ("Žr. www.stat.gov.lt.", "Vt www.stat.gov.lt.", 0),
        ("Žr. https://example.org/a.", "Vt https://example.org/b.", 2),
        ("Rašykite info@pavyzdys.lt.", "Kirjutage oma küsimused meile.", 1),
        # one address, written two ways: a trailing slash, the query's parameters reordered
        ("Daugiau: www.lrt.lt/", "Rohkem: www.lrt.lt", 0),
        ("Žr. https://lrt.lt/naujienos/", "Vt https://lrt.lt/naujienos", 0),
        ("Žr. https://x.lt/a?b=2&a=1", "Vt https://x.lt/a?a=1&b=2", 0),
        ("Žr. https://x.lt/a#top", "Vt https://x.lt/a#bottom", 2),  # another place
        # "Dr.No" is a name, not a bare .no domain; "Delfi.lt" is one
        ("Mr.Smith and Dr.No visited.", "Ponas Smithas ir daktaras No atvyko.", 0),
        ("Skaitykite Delfi.lt.", "Lugege Postimees.ee.", 2),
    ],
)
def test_urls(src: str, tgt: str, n: int) -> None:
    hits = check_urls(src, tgt, "lt", "et")
    assert len(hits) == n
    assert all(h.severity == "critical" for h in hits)


@pytest.mark.parametrize("text", [
    "Daugiau: https://example.org/a?b=1, (www.stat.gov.lt) ir info@pavyzdys.lt.",
    "Žr.\thttp://localhost:8080/x bei ftp://files.example.com/y „vilnius.lt“",
    "a.b.c.lt/kelias?x=1 ir el. paštas a.b+c@d-e.f.eu; x@y",
])
def test_urls_word_by_word_finds_what_the_whole_text_pattern_finds(text: str) -> None:
    """Scanning word by word (linear in the text) finds the same addresses at the same
    offsets as the pattern over the whole text."""
    whole = [(m.group(), m.start()) for m in _URL_RE.finditer(text)]
    assert [(text[a:b], a) for _, a, b in extract(text)] == [
        (raw.rstrip(".,;:!?)]}'\"’“”»"), a) for raw, a in whole]
    assert extract(text)


def test_a_word_longer_than_any_address_is_not_scanned() -> None:
    blob = "a" * (MAX_ADDRESS_CHARS + 1) + "@example.org"
    assert extract(f"Žr. {blob} ir info@pavyzdys.lt.") == [("info@pavyzdys.lt",
                                                         len(blob) + 8, len(blob) + 24)]


@pytest.mark.parametrize(
    ("src", "tgt", "severity"),
    [
        ("Ar tu ateisi?", "Kas sa tuled?", None),
        ("Jis ateis.", "Ta tuleb.", None),
        ("Jis sakė: „Ar tai tiesa?“", "Ta ütles: „Kas see on tõsi?“", None),
        ("Ar tu ateisi?", "Sa tuled.", "major"),
        ("Jis ateis!", "Ta tuleb.", "minor"),
        ("Ar tai tiesa? Taip.", "See on tõsi. Jah.", "minor"),
        # The quotation's own mark ends the sentence, not the full stop after it.
        ("Man įkando!“", "Mind hammustati!“.", None),
        ("Jis paklausė: „Kodėl?“.", "Ta küsis: „Miks?“", None),
        ("Jis sušuko: „Ne!“.", "Ta küsis: „Miks?“", "major"),
        # A question and a statement merged into one question: the question is kept.
        ("Ar tai pavyks? Liko 12 metų.", "Kas see õnnestub, kui aega on 12 aastat?", None),
        ("Ar tai pavyks? Liko 12 metų.", "See õnnestub, aega on 12 aastat.", "minor"),
        ("Tai pavyks. Liko 12 metų.", "Kas see õnnestub, kui aega on 12 aastat?", "major"),
    ],
)
def test_punctuation(src: str, tgt: str, severity: str | None) -> None:
    hits = check_punctuation(src, tgt, "lt", "et")
    assert [h.severity for h in hits] == ([severity] if severity else [])


@pytest.mark.parametrize(
    ("src", "tgt", "fires"),
    [
        ("Jis sakė „taip“ (garsiai).", "Ta ütles „jah“ (valjult).", False),
        ("Jis sakė „taip“.", 'Ta ütles "jah".', False),
        ("Jis sakė „taip“ (garsiai).", "Ta ütles „jah (valjult).", True),
        ("Jis sakė „taip (garsiai.", "Ta ütles „jah (valjult.", False),  # both broken
        # A quotation inside a quotation that ends with it: Lithuanian closes both with one
        # mark (session 28, NTREX), and a quotation inside that never closes is still lost.
        ("„Jis atsakė: „Jis mane prajuokina“, – pasakojo ji.",
         "„Ta vastas: „Ta ajab mind naerma“,“ rääkis ta.", False),
        ("Anot jo, „žodžiai „Twp“ ir „Pwp“.", "Tema sõnul „sõnad „Twp“ ja „Pwp“.“", False),
        ("Jis sakė „taip“ ir „ne.", "Ta ütles „jah“ ja „ei“.", True),
        # One kind of curly quote pairs with itself: Finnish ”…”, a slip “…“.
        ("Jis sakė „kažką“ ir išėjo.", "Ta ütles “midagi“ ja läks.", False),
        ("Ta ütles „midagi“ ja läks.", "Hän sanoi ”jotain” ja lähti.", False),
        ("Ta ütles „midagi“ ja läks.", "Hän sanoi ”jotain ja lähti.", True),
        # ... but a quotation that goes on after the inner one lost its close, and two
        # opening marks of one kind are no pair.
        ("„Mes sakėme „ne“ ir kartosime tai, – sakė jis.",
         "„Me ütlesime „ei“ ja kordame seda,“ ütles ta.", True),
        ("Jis sakė “labas ir “viso gero.", "Ta ütles „tere“ ja „head aega“.", True),
        # list markers, an inch mark and German quotes are no lost marks; a lost one still is
        ("(a) pirkėjas; (b) pardavėjas", "a) ostja; b) müüja", False),
        ('Ekranas 6,1" įstrižainės.', "Ekraan 6,1-tolline.", False),
        ("Er sagte: »Ja«.", "Jis pasakė: „Taip“.", False),
        ("Er sagte: »Ja.", "Jis pasakė: „Taip“.", True),
        ("Žr. 5 priedą (2 lentelė).", "Vt lisa 5 tabel 2).", True),
    ],
)
def test_brackets(src: str, tgt: str, fires: bool) -> None:
    hits = check_brackets(src, tgt, "lt", "et")
    assert bool(hits) == fires
    assert all(h.severity == "minor" for h in hits)


def test_brackets_straight_quote_closes_low_nine() -> None:
    assert check_brackets("„Melas“, – teigė ji.", '„Valed," ütles ta.', "lt", "et") == []
    assert check_brackets("„Melas“, – teigė ji.", "„Valed, ütles ta.", "lt", "et")


def _bracket_hits(pairs: list[tuple[str, str]]) -> list[bool]:
    hits = [tuple(check_brackets(s, t, "lt", "et")) for s, t in pairs]
    return [bool(h) for h in document_brackets(pairs, hits, "lt", "et")]


def test_brackets_quotation_across_sentences() -> None:
    # et quotes two sentences with one pair of marks, lt marks them as dialogue with dashes:
    # each et sentence is unbalanced alone, balanced as a run.
    pairs = [("– Esame neturtinga šalis.", "„Me oleme vaene riik."),
             ("Bet turime orumo, – sakė jis.", "Aga meil on väärikus,“ ütles ta."),
             ("Jis išėjo.", "Ta lahkus.")]
    assert [bool(check_brackets(s, t, "lt", "et")) for s, t in pairs] == [True, True, False]
    assert _bracket_hits(pairs) == [False, False, False]


def test_brackets_dropped_quote_still_found_in_context() -> None:
    # the closing mark is lost and no later sentence closes the quotation
    pairs = [("Jis sakė: „Taip.“", "Ta ütles: „Jah."),
             ("Jis išėjo.", "Ta lahkus."),
             ("Ji liko.", "Naine jäi.")]
    assert _bracket_hits(pairs) == [True, False, False]
    # beyond the reach, a closing mark no longer explains the opening one
    far = [pairs[0]] + [("Jis išėjo.", "Ta lahkus.")] * 6 + [("Ji liko.", "Naine jäi.“")]
    assert _bracket_hits(far)[0]


def test_length_ratio() -> None:
    src = "Vyriausybė patvirtino naują biudžetą ateinantiems metams po ilgų diskusijų."
    assert check_length(src, "Valitsus kiitis pärast pikki arutelusid heaks uue eelarve.",
                        "lt", "et") == []
    long_tgt = src + " " + "Lisaks arutati mitmeid teisi küsimusi ja otsustati palju. " * 4
    (hit,) = check_length(src, long_tgt, "lt", "et")
    assert hit.severity == "major"
    assert z_score(src, long_tgt, "lt", "et") > 4
    # Each count names its side (the message once put the target's first, unnamed).
    assert f"source {len(src)}, target {len(long_tgt.strip())} characters" in hit.message
    (hit,) = check_length(long_tgt, src, "lt", "et")
    assert hit.message.startswith("the source is unusually long")
    assert f"source {len(long_tgt.strip())}, target {len(src)} characters" in hit.message


def test_length_unknown_pair_falls_back() -> None:
    assert check_length("Hola amigo mío.", "Salut mon ami.", "es", "fr") == []


@pytest.mark.parametrize(("src", "tgt"), [
    ("Formą rasite https://www.vmi.lt/evmi/deklaravimas-ir-formos.",
     "Vormi leiate https://www.vmi.lt/evmi/deklaravimas-ir-formos."),
    ("Žiūrėkite https://www.youtube.com/watch?v=abc ir rašykite info@example.com adresu.",
     "Vaadake https://www.youtube.com/watch?v=abc ja kirjutage info@example.com aadressil."),
    ("Paleiskite src/main.py su --fail-on major_only parametru.",
     "Käivitage src/main.py parameetriga --fail-on major_only."),
])
def test_addresses_and_code_are_not_language(src: str, tgt: str) -> None:
    """A short sentence around a URL, an e-mail or code was judged by them (a major "looks
    like lt" for Estonian text around a .lt address)."""
    assert check_language(src, tgt, "lt", "et") == []


def test_language_wrong_and_copied() -> None:
    lt = "Vyriausybė šiandien patvirtino naują biudžetą ateinantiems metams."
    et = "Valitsus kiitis täna heaks uue eelarve järgmiseks aastaks."
    assert check_language(lt, et, "lt", "et") == []
    (hit,) = check_language(lt, lt, "lt", "et")
    assert hit.kind == "language" and "copy" in hit.message
    (hit,) = check_language(lt, "Правительство сегодня утвердило новый бюджет на год.",
                            "lt", "et")
    assert hit.severity == "major" and hit.target_spans
    assert check_language("Taip.", "Jah.", "lt", "et") == []  # too short to judge


def test_a_long_documents_language_models_are_released_with_the_same_hits(
        monkeypatch: pytest.MonkeyPatch, status_mib: Callable[[str], float]) -> None:
    import qa_pipeline.detect.checks as checks
    from qa_pipeline.detect.checks import check_beads_staged, language

    pairs = [("Vyriausybė šiandien patvirtino naują biudžetą ateinantiems metams.",
              "Valitsus kiitis täna heaks uue eelarve järgmiseks aastaks."),
             ("Vyriausybė šiandien patvirtino naują biudžetą ateinantiems metams.",
              "The government approved a new budget for the coming year today.")] * 2
    language.release_models()
    short, _ = check_beads_staged(pairs, "lt", "et", ["language"])
    assert language._detector.cache_info().currsize == 1  # kept for the next document
    loaded = status_mib("RssAnon")
    monkeypatch.setattr(checks, "RELEASE_CHECK_MODELS_PAIRS", len(pairs))
    language._MEMO.clear()
    long, _ = check_beads_staged(pairs, "lt", "et", ["language"])
    assert long == short and [len(h) for h in long["language"]] == [0, 1, 0, 1]
    assert language._detector.cache_info().currsize == 0
    if loaded == loaded:  # Linux: lingua's trigram models (~12 MB here) are handed back
        assert status_mib("RssAnon") < loaded - 5


def test_registry_and_run_checks() -> None:
    assert set(CHECKS) == {"numbers", "negation", "entities", "urls", "punctuation",
                           "brackets", "language", "length"}
    hits = run_checks("Jis nežinojo, kad kaina 5 eurai.", "Ta teadis, et hind on 7 eurot.",
                      "lt", "et", enabled=["numbers", "negation"])
    assert {h.kind for h in hits} == {"number", "negation"}
    assert all(isinstance(h, Hit) and 0.0 <= h.score <= 1.0 for h in hits)
    with pytest.raises(KeyError):
        run_checks("a", "b", "lt", "et", enabled=["nope"])

_ALPHABET = st.sampled_from([*"abcėšžõäü ABCŠ.,?!()„“'0123456789-:%", " ne ", " ei "])
_TEXT = st.lists(_ALPHABET, max_size=60).map("".join)
_CHEAP = [n for n in CHECKS if n != "language"]  # lingua is covered by the table test


@settings(max_examples=150, deadline=None)
@given(src=_TEXT, tgt=_TEXT)
def test_hits_are_well_formed(src: str, tgt: str) -> None:
    for name in _CHEAP:
        for h in CHECKS[name].run(src, tgt, "lt", "et"):
            assert h.kind == CHECKS[name].kind  # each check emits the kind it registers
            _well_formed(h, src, tgt)


def _well_formed(h: Hit, src: str, tgt: str) -> None:
    assert 0.0 <= h.score <= 1.0
    assert h.severity in SEVERITY_ORDER
    assert h.message
    assert all(0 <= a <= b <= len(src) for a, b in h.source_spans)
    assert all(0 <= a <= b <= len(tgt) for a, b in h.target_spans)


@settings(max_examples=150, deadline=None)
@given(text=_TEXT)
def test_a_text_agrees_with_itself(text: str) -> None:
    assert run_checks(text, text, "lt", "lt", enabled=_CHEAP) == []


def test_an_interrobang_asks_and_an_ellipsis_ends_no_address() -> None:
    assert check_punctuation("Ką daryti?", "Mida teha?!", "lt", "et") == []
    assert check_urls("Formos: https://vmi.lt/formos…", "Vormid: https://vmi.lt/formos...",
                      "lt", "et") == []


def test_a_russian_question_with_dots_is_a_question() -> None:
    assert check_punctuation("Will you come?", "Ты придёшь?..", "en", "ru") == []
    assert check_punctuation("Ну и что?..", "Na ir kas?", "ru", "lt") == []


@pytest.mark.parametrize(("src", "tgt"), [
    ("Parking", "Automobilių stovėjimo aikštelė"),
    ("Dažniausiai užduodami klausimai", "KKK"),
    ("Sveikatos apsaugos ministerija", "Terviseamet"),
])
def test_a_one_word_label_is_at_most_a_minor_length_difference(src: str, tgt: str) -> None:
    assert all(h.severity == "minor" for h in check_length(src, tgt, "lt", "et"))


@pytest.mark.parametrize(("src", "tgt", "langs"), [
    ("Gedimino pr. 11, LT-01103 Vilnius", "Gedimino pr. 11, LT-01103 Vilnius", ("lt", "et")),
    ("Microsoft Office 365 Business Premium", "Microsoft Office 365 Business Premium",
     ("en", "lt")),
    ("Run pip install qa-pipeline and then qa check docs.",
     "Käivitage pip install qa-pipeline ja seejärel qa check docs.", ("en", "et")),
    ("Paleiskite docker compose up, kad paleistumėte sistemą.",
     "Käivitage docker compose up, et süsteem käivitada.", ("lt", "et")),
])
def test_names_addresses_and_commands_say_nothing_of_the_language(
        src: str, tgt: str, langs: tuple[str, str]) -> None:
    assert check_language(src, tgt, *langs) == []


def test_a_sentence_left_untranslated_is_still_found() -> None:
    src = "Jis atvyko vakar vakare ir liko ilgai."
    (copy,) = check_language(src, src, "lt", "et")
    assert "copy of the source" in copy.message
    (other,) = check_language(src, "He arrived yesterday evening and stayed long.", "lt", "et")
    assert "looks like en" in other.message


def test_a_square_unit_is_no_code() -> None:
    assert check_entities("Buto plotas – 54 m2.", "Korteri pindala on 54 ruutmeetrit.",
                          "lt", "et") == []
    assert check_entities("Modelis A320 skrido.", "Lennuk lendas.", "lt", "et")  # a code is


@pytest.mark.parametrize(("tgt", "script"), [
    ("顧客のロイヤルティはビジネスにとって重要です。", "Japanese"),
    ("客户忠诚度对企业很重要而且非常关键。", "Chinese"),
    ("Лояльность клиентов важна для бизнеса.", "Cyrillic"),
])
def test_a_target_in_another_writing_system_is_found(tgt: str, script: str) -> None:
    """Identification weighs only the plausible languages (lt, et and their neighbours), so a
    Japanese target declared Estonian got no finding: its letters now say it."""
    (hit,) = check_language("Klientų lojalumas yra svarbus verslui.", tgt, "lt", "et")
    assert hit.severity == "major" and f"looks like {script} writing, not et" in hit.message
    assert check_language("Tokyo (東京) yra sostinė.", "Tokyo (東京) on pealinn.", "lt",
                          "et") == []  # a name in its own letters is no other language


def test_a_title_case_or_shouted_target_is_judged_in_lower_case() -> None:
    """Every capitalised word was dropped as a name, so an English title left untranslated
    went unseen."""
    for src, tgt in (("Privatumo politika ir naudojimo sąlygos", "Privacy Policy And Terms Of Use"),
                     ("DĖMESIO: PERSKAITYKITE INSTRUKCIJAS PRIEŠ NAUDOJIMĄ",
                      "ATTENTION: READ THE INSTRUCTIONS BEFORE USE")):
        (hit,) = check_language(src, tgt, "lt", "et")
        assert "the target looks like en" in hit.message
    assert check_language("Vilniaus Gedimino Technikos Universitetas",
                          "Vilniuse Gediminase Tehnikaülikool", "lt", "et") == []


@pytest.mark.parametrize(("en", "zh", "ja"), [
    ("The new office opens on 3 March.", "新办公室将于3月3日开放。",
     "新しいオフィスは3月3日にオープンします。"),
    ("It has 120 desks and a large kitchen.", "它有120张办公桌和一个大厨房。",
     "120席のデスクと大きなキッチンがあります。"),
    ("Employees can park in the garage.", "员工可以把车停在车库里。",
     "従業員はガレージに駐車できます。"),
    ("Bicycles go in the courtyard 😀.", "自行车放在院子里😀。", "自転車は中庭に置きます😀。"),
    ("She answers within 2 days!", "她会在2天内回复！", "彼女は2日以内に返信します！"),
])
def test_length_counts_chinese_and_japanese_characters_as_more_than_a_letter(
        en: str, zh: str, ja: str) -> None:
    """Character counts put nearly every correct en→zh sentence at z ≈ −4 (the fallback model
    compares characters with mu = 0)."""
    for tgt, lang in ((zh, "zh"), (ja, "ja")):
        assert check_length(en, tgt, "en", lang) == []
        assert check_length(tgt, en, lang, "en") == []


def test_length_still_sees_a_chinese_side_that_lost_most_of_the_text() -> None:
    en = ("The new office opens on 3 March. It has 120 desks and a large kitchen. Employees "
          "can park in the garage, and bicycles go in the courtyard behind the building.")
    (hit,) = check_length(en, "新办公室将于3月3日开放。", "en", "zh")
    assert hit.severity == "major" and hit.source_spans  # a sentence, not a one-word label
    assert check_length("Parking and bicycles", "停车场", "en", "zh") == []


@pytest.mark.parametrize("ru", [
    "«Я стою перед вами», — сказала одна из них.",
    "«Моя голова поникла, я не переставала плакать.»",
    "«Ммм... ммм..., какого документа?»",
])
def test_short_russian_is_not_read_as_a_cyrillic_neighbour(ru: str) -> None:
    """lingua's trigrams read short Russian sentences as Ukrainian or Bulgarian (confidence
    1.00); without a letter Russian lacks (і ї є ґ, ъ as a vowel ...) that is no evidence."""
    lv = "Es stāvu šeit, tieši jūsu priekšā, teica kāda sieviete."
    assert check_language(ru, lv, "ru", "lv") == []


def test_cyrillic_neighbours_with_their_own_letters_are_still_told_apart() -> None:
    from qa_pipeline.langs import impossible_in

    uk = "Я стою перед вами і кажу вам, що це правда."
    (hit,) = check_language(uk, "Es stāvu jūsu priekšā un saku jums, ka tā ir patiesība.",
                            "ru", "lv")
    assert "looks like uk, not ru" in hit.message
    assert impossible_in("і", "ru") and impossible_in("ы", "uk") and impossible_in("ъгъл", "ru")
    assert not impossible_in("объявление", "ru") and not impossible_in("Я стою", "uk")
    assert not impossible_in("і", "lt")  # not a Cyrillic alphabet: no evidence either way
