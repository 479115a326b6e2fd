"""Segmentation tables for lt and et: paragraphs, abbreviations, initials, ordinals."""

import pytest

from qa_pipeline.segment import (
    block_sentences,
    line_sentence,
    parse_segmented,
    segment_text,
    split_paragraphs,
    split_sentences,
)


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        (
            "lt",
            "Jis gimė 1990 m. sausio 5 d. Kaune. Tai buvo seniai.",
            ["Jis gimė 1990 m. sausio 5 d. Kaune.", "Tai buvo seniai."],
        ),
        (
            "lt",
            "Prof. J. Jonaitis skaitė paskaitą. Studentai klausėsi.",
            ["Prof. J. Jonaitis skaitė paskaitą.", "Studentai klausėsi."],
        ),
        ("lt", "Kaip sekasi? Puikiai! Ačiū.", ["Kaip sekasi?", "Puikiai!", "Ačiū."]),
        (
            "lt",
            "Pirkome obuolių, kriaušių ir t. t. už 5 eurus. Grįžome.",
            ["Pirkome obuolių, kriaušių ir t. t. už 5 eurus.", "Grįžome."],
        ),
        (
            "et",
            "Ta sündis 5. jaanuaril 1990. a. Tartus. Siis kolis ta ära.",
            ["Ta sündis 5. jaanuaril 1990. a. Tartus.", "Siis kolis ta ära."],
        ),
        (
            "et",
            "Dr. A. Kask rääkis nt. ilmast. Kõik kuulasid.",
            ["Dr. A. Kask rääkis nt. ilmast.", "Kõik kuulasid."],
        ),
        ("et", "Kas tuled? Jah. Tulen kell 5.30.", ["Kas tuled?", "Jah.", "Tulen kell 5.30."]),
        (
            "et",
            "Osteti õunu, pirne jne. ning mindi koju. Õhtu oli ilus.",
            ["Osteti õunu, pirne jne. ning mindi koju.", "Õhtu oli ilus."],
        ),
    ],
)
def test_split_sentences(lang: str, text: str, expected: list[str]) -> None:
    assert split_sentences(text, lang) == expected


def test_paragraphs_blank_lines_join_wrapped_lines() -> None:
    text = "Title line\n\nFirst para line one\nline two.\n\n\nSecond para.\n"
    assert split_paragraphs(text) == ["Title line", "First para line one line two.", "Second para."]


def test_paragraphs_one_per_line_without_blank_lines() -> None:
    assert split_paragraphs("A one.\nB two.\r\nC three.") == ["A one.", "B two.", "C three."]


def test_segment_text_numbers_sentences_in_order() -> None:
    doc = segment_text("Pavadinimas\n\nPirmas sakinys. Antras sakinys.\n\nTrečias.", "x", "lt")
    assert [s.text for s in doc.sentences] == [
        "Pavadinimas",
        "Pirmas sakinys.",
        "Antras sakinys.",
        "Trečias.",
    ]
    assert [p.sentences for p in doc.paragraphs] == [(0,), (1, 2), (3,)]
    assert [s.paragraph for s in doc.sentences] == [0, 1, 1, 2]
    assert [s.id for s in doc.sentences] == [0, 1, 2, 3]


def test_parse_segmented_ids_follow_non_blank_lines() -> None:
    doc = parse_segmented("Üks.\nKaks. Kolm.\n\n\nNeli.\n\n", "x", "et")
    assert [s.text for s in doc.sentences] == ["Üks.", "Kaks. Kolm.", "Neli."]
    assert [p.sentences for p in doc.paragraphs] == [(0, 1), (2,)]


def test_sentences_know_the_line_they_start_on() -> None:
    # Leading blank lines, a paragraph wrapped over lines (its second sentence starts on the
    # wrapped line), a blank line holding spaces, CRLF line ends.
    text = ("\r\n\r\nPirmas sakinys. Antras\r\nsakinys. Trečias sakinys\r\ntęsiasi.\r\n"
            "  \r\n\r\nKitas skyrius.\r\n")
    doc = segment_text(text, "t.txt", "lt")
    assert [(s.text, s.line) for s in doc.sentences] == [
        ("Pirmas sakinys.", 3), ("Antras sakinys.", 3), ("Trečias sakinys tęsiasi.", 4),
        ("Kitas skyrius.", 8)]


def test_lines_without_blank_lines_are_paragraphs_with_their_own_numbers() -> None:
    doc = segment_text("Vienas.\nDu. Trys.\n\n", "t.txt", "lt")
    assert [(s.text, s.paragraph, s.line) for s in doc.sentences] == [
        ("Vienas.", 0, 1), ("Du.", 1, 2), ("Trys.", 1, 2)]


def test_segmented_text_lines_count_blank_ones() -> None:
    doc = parse_segmented("\nÜks.\nKaks.\n\n\nKolm.\n", "t.seg", "et")
    assert [(s.text, s.paragraph, s.line) for s in doc.sentences] == [
        ("Üks.", 0, 2), ("Kaks.", 0, 3), ("Kolm.", 1, 6)]


def test_a_hard_wrapped_text_is_joined_back_into_sentences() -> None:
    """No blank line and most lines stopping mid-sentence: the lines are a wrapped text, not
    one paragraph each (each line was a paragraph of fragments, and a fragment an omission)."""
    text = ("Klientų aptarnavimas yra svarbi kiekvienos įmonės veiklos dalis, nes jis\n"
            "lemia klientų lojalumą ir ilgalaikį bendradarbiavimą. Vadovai turėtų\n"
            "skirti daug dėmesio darbuotojų mokymui, kad kiekvienas klientas jaustųsi\n"
            "laukiamas.\n")
    doc = segment_text(text, "t.txt", "lt")
    assert [(s.paragraph, s.line, s.text[:20]) for s in doc.sentences] == [
        (0, 1, "Klientų aptarnavimas"), (0, 2, "Vadovai turėtų skirt")]
    # Short lines that each end a sentence, or strings of a UI, stay one paragraph per line.
    ui = segment_text("Save\nCancel\nOpen file\nClose\n", "t.txt", "en")
    assert [(s.paragraph, s.text) for s in ui.sentences] == [
        (0, "Save"), (1, "Cancel"), (2, "Open file"), (3, "Close")]


def test_list_items_and_headings_are_sentences_of_their_own() -> None:
    text = ("Reikalingi dokumentai\n- asmens tapatybės kortelė\n- prašymas\n\n"
            "1) Pateikite ataskaitą.\n\n1. Įvadas\n\n5. jaanuaril toimus koosolek.")
    doc = segment_text(text, "t.txt", "lt")
    assert [(s.text, s.display, s.line) for s in doc.sentences] == [
        ("Reikalingi dokumentai", "", 1),
        ("asmens tapatybės kortelė", "- asmens tapatybės kortelė", 2),
        ("prašymas", "- prašymas", 3),
        ("Pateikite ataskaitą.", "1) Pateikite ataskaitą.", 5),
        ("Įvadas", "1. Įvadas", 7),
        ("5. jaanuaril toimus koosolek.", "", 9)]  # a date's day is no list number
    s = doc.sentences[3]  # the analysed text maps into the text as given
    assert s.display[s.offsets[0]:s.offsets[-1]] == s.text


@pytest.mark.parametrize(("text", "expected"), [
    ("Informaciją rasite www.sodra.lt. Skundą pateikite per 30 dienų.",
     ["Informaciją rasite www.sodra.lt.", "Skundą pateikite per 30 dienų."]),
    ("Jis laukė… Tada išėjo.", ["Jis laukė…", "Tada išėjo."]),
    ("Žr. 4 psl. Ten viskas parašyta.", ["Žr. 4 psl.", "Ten viskas parašyta."]),
    ("Pagal 5 str. 2 d. tai leidžiama.", ["Pagal 5 str. 2 d. tai leidžiama."]),
    ("Biuras yra Gedimino pr. 5, Vilniuje.", ["Biuras yra Gedimino pr. 5, Vilniuje."]),
    ("Rašykite info@sodra.lt arba skambinkite.", ["Rašykite info@sodra.lt arba skambinkite."]),
])
def test_sentence_ends_the_splitter_misses_or_invents(text: str, expected: list[str]) -> None:
    assert split_sentences(text, "lt") == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a headline's count is content, not a heading number
    ("3 Lietuvos ministrai atsistatydino\nVyriausybė svarsto naujus kandidatus.\n",
     ["3 Lietuvos ministrai atsistatydino", "Vyriausybė svarsto naujus kandidatus."]),
    # a short line going on in lower case is no heading
    ("Jei sutartis nutraukiama anksčiau laiko,\nnuomininkas privalo\ngrąžinti raktus per tris "
     "darbo dienas.\n\nKitu atveju taikomos baudos.\n",
     ["Jei sutartis nutraukiama anksčiau laiko, nuomininkas privalo grąžinti raktus per tris "
      "darbo dienas.", "Kitu atveju taikomos baudos."]),
    # a dash opening a line is a parenthesis going on (or dialogue), not a bullet
    ("Delegacija atvyko. Sostinė Vilnius\n– didžiausias Lietuvos miestas – juos pasitiko\n"
     "šiltai ir svetingai.\n", ["Delegacija atvyko.", "Sostinė Vilnius – didžiausias Lietuvos "
                                "miestas – juos pasitiko šiltai ir svetingai."]),
    # short lines, some in lower case, are items (UI strings), not a wrapped text
    ("Išsaugoti failą\natidaryti naujausią\nuždaryti langą\nSpausdinti\n",
     ["Išsaugoti failą", "atidaryti naujausią", "uždaryti langą", "Spausdinti"]),
    # a sentence may end in a short word before a number
    ("Jis grįžo namo. 12 darbuotojų liko.", ["Jis grįžo namo.", "12 darbuotojų liko."]),
])
def test_line_rules_leave_ordinary_prose_alone(text: str, expected: list[str]) -> None:
    assert [s.text for s in segment_text(text, "t.txt", "lt").sentences] == expected


@pytest.mark.parametrize(("text", "lang", "expected"), [
    # an Estonian range of days is one date
    ("Koosolek on 5.–7. mail. Tulge kõik.", "et", ["Koosolek on 5.–7. mail.", "Tulge kõik."]),
    # abbreviations that never end a sentence, and a unit that is no sentence of its own
    ("Pvz. Vilnius yra sostinė. Kitas sakinys.", "lt",
     ["Pvz. Vilnius yra sostinė.", "Kitas sakinys."]),
    ("Riike, nt. Soome ja Rootsi. Hea.", "et", ["Riike, nt. Soome ja Rootsi.", "Hea."]),
    ("It costs approx. 5 EUR. Cheap.", "en", ["It costs approx. 5 EUR.", "Cheap."]),
    # "Saint" stands before a name (lt, lv, pl)
    ("Nutilo Šv. Martyno varpai. Kitas.", "lt", ["Nutilo Šv. Martyno varpai.", "Kitas."]),
    ("Zvanīja Sv. Pētera zvani. Otrs.", "lv", ["Zvanīja Sv. Pētera zvani.", "Otrs."]),
    ("Kościół św. Marcina. Drugie.", "pl", ["Kościół św. Marcina.", "Drugie."]),
    ("Hän asui St. Louisissa. Toinen.", "fi", ["Hän asui St. Louisissa.", "Toinen."]),
    # abbreviations before a number: pl "about", lv "century", ru "table"
    ("Mieszka tu ok. 300 osób. Drugie.", "pl", ["Mieszka tu ok. 300 osób.", "Drugie."]),
    ("Tas notika 20. gs. 80. gados. Otrs.", "lv", ["Tas notika 20. gs. 80. gados.", "Otrs."]),
    ("См. табл. 3 ниже. Второе.", "ru", ["См. табл. 3 ниже.", "Второе."]),
    # a German ordinal after an article goes on into its capitalised noun; a number ending a
    # sentence does not
    ("Ein Tor in der 28. Minute. Dann Schluss.", "de",
     ["Ein Tor in der 28. Minute.", "Dann Schluss."]),
    ("Im 1. Weltkrieg kämpfte er. Zum 7. Mal.", "de",
     ["Im 1. Weltkrieg kämpfte er.", "Zum 7. Mal."]),
    ("Die Antwort ist 42. Das war klar.", "de", ["Die Antwort ist 42.", "Das war klar."]),
    ("Er zählte bis zur 10. Dann hörte er auf.", "de",
     ["Er zählte bis zur 10.", "Dann hörte er auf."]),
    # English "St." is also a street that ends a sentence
    ("I live on Main St. The house is big.", "en", ["I live on Main St.", "The house is big."]),
    # a quote the splitter left behind opens the next sentence (fi / sv quote with ” and »)
    ("Se oli hyvä. ”Lähdemme nyt”, hän sanoi.", "fi",
     ["Se oli hyvä.", "”Lähdemme nyt”, hän sanoi."]),
    ("Det var bra. »Vi går nu», sa han.", "sv", ["Det var bra.", "»Vi går nu», sa han."]),
    ("Skirta 2,5 mln. Eur. Pinigai skirti mokykloms.", "lt",
     ["Skirta 2,5 mln. Eur.", "Pinigai skirti mokykloms."]),
    ("Taip. Gerai. Ne.", "lt", ["Taip.", "Gerai.", "Ne."]),  # short sentences stay apart
])
def test_more_sentence_ends_the_splitter_invents(text: str, lang: str,
                                                 expected: list[str]) -> None:
    assert split_sentences(text, lang) == expected


def test_a_quantity_or_a_date_is_no_heading_number() -> None:
    # (A two-level number before a capital stays a heading's: "1.5 Liter Milch" reads like
    # "1.5 Scope", and loses its number.)
    doc = segment_text("Berlin\n\n5. Mai 2024\n\n0.5 Tassen Zucker\n\n2.1 Taikymo sritis",
                       "t.txt", "de")
    assert [s.text for s in doc.sentences] == [
        "Berlin", "5. Mai 2024", "0.5 Tassen Zucker", "Taikymo sritis"]


def test_short_lines_in_upper_case_are_items_and_a_dash_can_go_on() -> None:
    menu = segment_text("Pagrindinis meniu\n\nAtidaryti failą\nIšsaugoti failą kaip\n"
                        "Uždaryti langą\nNustatymai", "m.txt", "lt")
    assert [(s.text, s.line) for s in menu.sentences] == [
        ("Pagrindinis meniu", 1), ("Atidaryti failą", 3), ("Išsaugoti failą kaip", 4),
        ("Uždaryti langą", 5), ("Nustatymai", 6)]
    prose = segment_text("The committee met and decided\n- after a long and heated debate - "
                         "to approve the budget.\n\nIt ended.", "p.txt", "en")
    assert prose.sentences[0].text.startswith("The committee met and decided - after")


def test_two_short_lines_ending_a_sentence_stay_one() -> None:
    doc = segment_text("Sutartis\n\nSutartį pasirašė direktorius\nJonas Jonaitis ir "
                       "partneriai.", "s.txt", "lt")
    assert [s.text for s in doc.sentences] == [
        "Sutartis", "Sutartį pasirašė direktorius Jonas Jonaitis ir partneriai."]


def test_a_written_no_break_space_is_kept_as_given_and_wrapping_is_not() -> None:
    (price, wrapped) = block_sentences("Kaina 1\u00a0000 eurų. Kitas\nsakinys.", "lt")
    assert price == ("Kaina 1 000 eurų.", "Kaina 1\u00a0000 eurų.", tuple(range(18)))
    assert wrapped == ("Kitas sakinys.", "", ())
    assert line_sentence("Prix\u202f: 5 €")[1] == "Prix\u202f: 5 €"


def test_unicode_separators_and_page_breaks_end_paragraphs_and_lines() -> None:
    """U+2029 (a word processor's paragraph end) is a blank line, U+2028, a vertical tab and a
    form feed a line break: a heading no longer runs into the next sentence. Line numbers
    count them so: U+2029 gives the lines of the same text written with blank lines."""
    doc = segment_text("Introduction\u2029The project started in 2019.\u2029Results\u2029"
                       "The team delivered 14 reports.", "t.txt", "en")
    blank = segment_text("Introduction\n\nThe project started in 2019.\n\nResults\n\n"
                         "The team delivered 14 reports.", "t.txt", "en")
    assert [(s.text, s.paragraph, s.line) for s in doc.sentences] == [
        (s.text, s.paragraph, s.line) for s in blank.sentences] == [
        ("Introduction", 0, 1), ("The project started in 2019.", 1, 3), ("Results", 2, 5),
        ("The team delivered 14 reports.", 3, 7)]
    # a page break after a line end (pdftotext) is that one line end
    doc = segment_text("Pavadinimas\u2028Pirmas sakinys.\vAntras sakinys.\n\fTrečias.\fKetvirtas.",
                       "t.txt", "lt")
    assert [(s.text, s.paragraph, s.line) for s in doc.sentences] == [
        ("Pavadinimas", 0, 1), ("Pirmas sakinys.", 1, 2), ("Antras sakinys.", 2, 3),
        ("Trečias.", 3, 4), ("Ketvirtas.", 4, 5)]
    seg = parse_segmented("Üks.\u2029Kaks.\u2028Kolm.", "t.seg", "et")
    assert [(s.text, s.paragraph, s.line) for s in seg.sentences] == [
        ("Üks.", 0, 1), ("Kaks.", 1, 3), ("Kolm.", 1, 4)]
