"""Readers reject bad input with messages that name the file."""

from pathlib import Path

import pytest

from qa_pipeline.errors import InputError
from qa_pipeline.io.readers import read_document
from qa_pipeline.io.tsv import read_pairs_tsv


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nope.txt: no such file"):
        read_document(tmp_path / "nope.txt", "lt")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"  \n\n ", "empty"),
        (b"\xff\xfeabc", "not valid UTF-16-LE"),
        (b"abc\x81\x9fdef", "not valid UTF-8"),
        ("\u200b\u00ad\ufeff \n\u2060".encode(), "empty"),
        (b"abc\x00def", "binary"),
    ],
)
def test_bad_content(tmp_path: Path, content: bytes, message: str) -> None:
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(InputError, match=message) as exc:
        read_document(p, "et")
    assert str(p) in str(exc.value)


def test_directory_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="directory"):
        read_document(tmp_path, "et")


def test_bom_is_stripped(tmp_path: Path) -> None:
    p = tmp_path / "bom.txt"
    p.write_bytes("\ufeffTere. Head aega.".encode())
    assert read_document(p, "et").sentences[0].text == "Tere."


def test_tsv_pairs_make_one_bead_per_line(tmp_path: Path) -> None:
    p = tmp_path / "pairs.tsv"
    p.write_text("Tere.\tHello.\n\nAitäh.\tThanks.\n", encoding="utf-8")
    paired = read_pairs_tsv(p, "et", "en")
    assert [s.text for s in paired.source.sentences] == ["Tere.", "Aitäh."]
    assert [s.text for s in paired.target.sentences] == ["Hello.", "Thanks."]
    assert [(b.source, b.target) for b in paired.beads] == [((0,), (0,)), ((1,), (1,))]
    # Each side's sentence knows its line (and its unit names it).
    assert [(s.line, s.unit) for s in paired.target.sentences] == [(1, "line 1"), (3, "line 3")]


@pytest.mark.parametrize(("text", "expected"), [
    # each sentence's line: a wrapped paragraph's second sentence, after a code block
    ("# Pealkiri\n\nEsimene lause. Teine\n**lause** siin.\n\n```\nkood\n```\n\n"
     "- Loetelu punkt.\n",
     [("Pealkiri", 1), ("Esimene lause.", 3), ("Teine lause siin.", 3), ("Loetelu punkt.", 10)]),
    # YAML front matter is settings, not prose, and the lines after it keep their numbers
    ("---\ntitle: Paigaldus\ndate: 2024-01-05\n---\n\n# Paigaldus\n\nKäivitage programm.\n",
     [("Paigaldus", 6), ("Käivitage programm.", 8)]),
    # ... but thematic breaks around prose are no front matter
    ("---\n\nEsimene peatükk hundist.\n\n---\n\nTeine peatükk.\n",
     [("Esimene peatükk hundist.", 3), ("Teine peatükk.", 7)]),
    # ... nor around notes that read "Key: value" but are sentences
    ("---\nMärkus: see juhend käsitleb ainult uut versiooni.\nHoiatus: ärge avage korpust "
     "vooluvõrgus.\n---\n\nSeadmel on neli porti.\n",
     [("Märkus: see juhend käsitleb ainult uut versiooni.", 2),
      ("Hoiatus: ärge avage korpust vooluvõrgus.", 3), ("Seadmel on neli porti.", 6)]),
    # a settings block with one sentence among its values is front matter still
    ("---\ntitle: Paigaldus\ndescription: See leht selgitab paigaldamist.\n---\n\n"
     "Käivitage programm.\n", [("Käivitage programm.", 6)]),
    # Hugo's TOML front matter between "+++" lines (CRLF as the audit's file had it)
    ('+++\r\ntitle = "Hinnad"\r\nweight = 10\r\n[params]\r\n  tags = ["a", "b"]\r\n'
     "+++\r\n\r\nPõhipakett maksab 10 eurot.\r\n", [("Põhipakett maksab 10 eurot.", 8)]),
    # a year or a date opening a paragraph is no list number; a list keeps its count
    ("Sissejuhatus.\n\n1939. aasta tulekahjus hävis kirik.\n\n1. Esimene punkt\n"
     "2. teine punkt\n\n5. mail toimub koosolek.\n",
     [("Sissejuhatus.", 1), ("1939. aasta tulekahjus hävis kirik.", 3), ("Esimene punkt", 5),
      ("teine punkt", 6), ("5. mail toimub koosolek.", 8)]),
    # a list resumed after a code block starts at 2 and still counts
    ("1. įdiekite paketą.\n\n```\npip install x\n```\n\n2. paleiskite įrankį.\n"
     "3. atidarykite ataskaitą.\n",
     [("įdiekite paketą.", 1), ("paleiskite įrankį.", 7), ("atidarykite ataskaitą.", 8)]),
])
def test_markdown_sentences_and_their_lines(tmp_path: Path, text: str,
                                            expected: list[tuple[str, int]]) -> None:
    p = tmp_path / "a.md"
    p.write_text(text, encoding="utf-8")
    assert [(s.text, s.line) for s in read_document(p, "et").sentences] == expected


def test_xml_formats_have_no_lines(tmp_path: Path) -> None:
    p = tmp_path / "m.tmx"
    p.write_text('<tmx version="1.4"><header srclang="et"/><body><tu>'
                 '<tuv xml:lang="et"><seg>Tere.</seg></tuv><tuv xml:lang="en"><seg>Hi.</seg>'
                 "</tuv></tu></body></tmx>", encoding="utf-8")
    from qa_pipeline.io.readers import read_inputs

    pair = read_inputs(p, None, "et", "en")
    assert [s.line for s in pair.source.sentences] == [0]


@pytest.mark.parametrize(
    ("line", "message"),
    [("only one column", "2 tab-separated"), ("a\tb\tc", "found 3")],
)
def test_tsv_errors_name_the_line(tmp_path: Path, line: str, message: str) -> None:
    p = tmp_path / "pairs.tsv"
    p.write_text(f"ok\tok\n{line}\n", encoding="utf-8")
    with pytest.raises(InputError, match=message) as exc:
        read_pairs_tsv(p, "et", "en")
    assert f"{p}:2" in str(exc.value)


def test_the_library_reads_string_paths_and_refuses_one_file_twice(tmp_path: Path) -> None:
    from qa_pipeline.io.readers import read_inputs

    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Labas.", "utf-8")
    b.write_text("Tere.", "utf-8")
    pair = read_inputs(str(a), str(b), "lt", "et")  # type: ignore[arg-type]
    assert [s.text for s in pair.target.sentences] == ["Tere."]
    with pytest.raises(InputError, match="the same file as SRC"):
        read_inputs(a, tmp_path / "." / "a.txt", "lt", "et")


def test_markdown_breaks_tables_and_markup_map_to_their_own_text(tmp_path: Path) -> None:
    md = tmp_path / "lt.md"
    md.write_text("Pirma eilutė<br>antra eilutė.\n\n"
                  'Tai <abbr title="Europos Sąjunga">ES</abbr> sprendimas.\n\n'
                  "| Kaina | Kaina su PVM |\n|---|---|\n| 5 | 6 |\n", "utf-8")
    sents = read_document(md, "lt").sentences
    assert [s.text for s in sents] == ["Pirma eilutė antra eilutė.", "Tai ES sprendimas.",
                                       "Kaina", "Kaina su PVM", "5", "6"]
    abbr = sents[1]
    a, b = abbr.display_span(4, 6)  # "ES" as given, not inside the title attribute
    assert abbr.display[a:b] == "ES"
    cell = sents[3]  # a table cell is its own text, not its row (nor the first cell's words)
    assert cell.display in ("", "Kaina su PVM") and cell.line == 5


def test_tsv_with_old_mac_line_ends(tmp_path: Path) -> None:
    f = tmp_path / "pairs.tsv"
    f.write_bytes("Labas.\tTere.\rAčiū.\tAitäh.\r".encode())
    pair = read_pairs_tsv(f, "lt", "et")
    assert [(s.text, s.line) for s in pair.source.sentences] == [("Labas.", 1), ("Ačiū.", 2)]
    assert [s.text for s in pair.target.sentences] == ["Tere.", "Aitäh."]


def test_a_device_or_pipe_is_read_only_up_to_the_limit() -> None:
    """/dev/zero has no size to check first: it was read until memory ran out."""
    from qa_pipeline.io.decode import read_bytes

    with pytest.raises(InputError, match="/dev/zero: what it holds is larger than the"):
        read_bytes(Path("/dev/zero"), 1000)


def test_tsv_quoted_cell_with_a_tab_before_an_empty_target_is_one_untranslated_cell(
        tmp_path: Path) -> None:
    """Excel quotes a cell holding a tab; on a row whose target is empty the row still splits
    into two cells at tabs, which made up a pair and lost the omission."""
    p = tmp_path / "pairs.tsv"
    p.write_text('en\tde\nGood morning.\tGuten Morgen.\n'
                 '"Press Ctrl+S to save\tthe whole project."\t\nSee you.\tBis bald.\n', "utf-8")
    pair = read_pairs_tsv(p, "en", "de")
    assert pair.source.texts == ["Good morning.", "Press Ctrl+S to save the whole project.",
                                 "See you."]
    assert pair.target.texts == ["Guten Morgen.", "Bis bald."]
    assert pair.beads is not None
    assert [(b.source, b.target) for b in pair.beads] == [((0,), (0,)), ((1,), ()), ((2,), (1,))]
    assert [s.line for s in pair.source.sentences] == [2, 3, 4]


@pytest.mark.parametrize("first", ["Yes\tJa", "No\tNein", "Si\tDa", "Hi\tHallo", "Day\tTag",
                                   "Map\tKarte", "Tax\tSteuer", "May\tMai", "Min\tMax"])
def test_tsv_first_row_of_words_is_text_not_a_language_header(tmp_path: Path,
                                                              first: str) -> None:
    from qa_pipeline.io.readers import declared_langs

    p = tmp_path / "ui.tsv"
    p.write_text(f"{first}\nCancel\tAbbrechen\n", "utf-8")
    assert declared_langs(p) == ("", "")
    pair = read_pairs_tsv(p, "en", "de")
    assert pair.source.texts == [first.split("\t")[0], "Cancel"]


@pytest.mark.parametrize(("first", "declared"), [
    ("pt-BR\tpt-PT", ("pt-BR", "pt-PT")), ("EN\tDE", ("EN", "DE")), ("en_GB\tde", ("en_GB", "de")),
    ("sr-Latn-RS\thr", ("sr-Latn-RS", "hr")), ("es-419\ten", ("es-419", "en")),
])
def test_tsv_header_of_codes_is_still_a_header(tmp_path: Path, first: str,
                                               declared: tuple[str, str]) -> None:
    from qa_pipeline.io.readers import declared_langs

    p = tmp_path / "h.tsv"
    p.write_text(f"{first}\nHello.\tHallo.\n", "utf-8")
    assert declared_langs(p) == declared
    assert read_pairs_tsv(p, *declared).source.texts == ["Hello."]


def test_tsv_line_break_inside_a_cell_is_no_row_end(tmp_path: Path) -> None:
    """FileMaker writes a line break inside a cell as a vertical tab; U+2028 is one too."""
    f = tmp_path / "pairs.tsv"
    f.write_text("Labas.\vKaip sekasi?\tTere.\u2028Kuidas läheb?\nAčiū.\tAitäh.\n", "utf-8")
    pair = read_pairs_tsv(f, "lt", "et")
    assert pair.source.texts == ["Labas. Kaip sekasi?", "Ačiū."]
    assert [s.line for s in pair.target.sentences] == [1, 2]


def test_html_is_read_as_its_prose_blocks(tmp_path: Path) -> None:
    """An .html side was read as plain text: the DOCTYPE, CSS, scripts, comments and
    entities became sentences. Each block element is a paragraph, inline markup is text."""
    p = tmp_path / "et.html"
    p.write_text('<!DOCTYPE html>\n<html><head><title>Pakkumine</title>\n'
                 "<style>body { margin: 0 10px; }</style>\n"
                 '<script>var hind = 100; if (hind > 50) { log("kallis"); }</script>\n'
                 "</head><body>\n<!-- turundustekst v2 -->\n"
                 "<p>Meie pakkumine&nbsp;lõpeb 5.&nbsp;mail &amp; sisaldab tasuta\n"
                 "kohaletoimetamist. Hinnad algavad &euro;10 &#8212; <b>peidetud</b> tasusid pole."
                 "</p>\n<ul><li>Esimene<br>punkt</li><li>Teine punkt</ul>\n</body></html>\n",
                 "utf-8")
    doc = read_document(p, "et")
    assert [(s.text, s.paragraph, s.line) for s in doc.sentences] == [
        ("Pakkumine", 0, 2),
        ("Meie pakkumine lõpeb 5. mail & sisaldab tasuta kohaletoimetamist.", 1, 7),
        ("Hinnad algavad €10 — peidetud tasusid pole.", 1, 8),
        ("Esimene punkt", 2, 9), ("Teine punkt", 3, 9)]


def test_html_without_prose_and_a_head_left_open(tmp_path: Path) -> None:
    p = tmp_path / "lt.htm"
    p.write_text("<html><head><script>x = 1;</script><p>Tekstas po galva.</p>", "utf-8")
    assert read_document(p, "lt").texts == ["Tekstas po galva."]
    p.write_text("<!DOCTYPE html><style>p { color: red }</style><!-- nieko -->", "utf-8")
    with pytest.raises(InputError, match="lt.htm: no sentences found"):
        read_document(p, "lt")


def test_html_blocks_inside_a_skipped_element_do_not_cut_the_paragraph(tmp_path: Path) -> None:
    # an inline SVG icon's <title>, a <select>'s <option>s
    p = tmp_path / "a.html"
    p.write_text('<p>Press the <svg viewBox="0 0 1 1"><title>menu</title><path d="M0"/></svg> '
                 "button to open the menu.</p><p>One <select><option>A</option></select> "
                 "two.</p>", "utf-8")
    assert [s.text for s in read_document(p, "en").sentences] == [
        "Press the button to open the menu.", "One two."]
