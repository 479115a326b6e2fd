"""What CAT tools put in XLIFF and TMX files, read as a translator means it: locked units are
not checked, tracked deletions are not text, a line-break code separates words, a memory's
<tu> without one of the pair's languages says nothing of the pair."""

from __future__ import annotations

from pathlib import Path

from qa_pipeline.io.readers import read_inputs

XLIFF12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"
       xmlns:sdl="http://sdl.com/FileTypes/SdlXliff/1.0">
 <file source-language="lt-LT" target-language="et-EE" datatype="plaintext" original="a.docx">
  <body>
   <trans-unit id="1"><source>Nauja eilutė<x id="3" ctype="lb"/>antra eilutė.</source>
    <target>Uus rida<x id="3" ctype="lb"/>teine rida.</target></trans-unit>
   <trans-unit id="2" translate="no"><source>ACME-42</source><target>ACME-42</target></trans-unit>
   <group translate="no"><trans-unit id="3"><source>Užrakinta.</source></trans-unit></group>
   <trans-unit id="4"><source>Įmonės didžiuojasi savo aptarnavimu.</source>
    <target>Ettevõtted on uhked oma <mrk mtype="x-sdl-deleted">vana</mrk><mrk
     mtype="x-sdl-added">professionaalse</mrk> teeninduse üle.</target></trans-unit>
   <trans-unit id="5"><source>Pirmas<ph id="1">&lt;w:br/&gt;</ph>antras.</source>
    <target>Esimene<ph id="1">&lt;w:br/&gt;</ph>teine.</target></trans-unit>
  </body>
 </file>
</xliff>
"""

XLIFF2 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="lt" trgLang="et">
 <file id="f1">
  <unit id="u1"><segment><source>Labas<ph id="p1" subType="xlf:lb" type="fmt"/>rytas.</source>
   <target>Tere<ph id="p1" subType="xlf:lb" type="fmt"/>hommikust.</target></segment></unit>
  <unit id="u2" translate="no"><segment><source>KODAS-7</source><target>KODAS-7</target>
   </segment></unit>
 </file>
</xliff>
"""

TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="lt" datatype="plaintext" segtype="sentence" adminlang="en"
 creationtool="x" creationtoolversion="1" o-tmf="x"/>
 <body>
  <tu><tuv xml:lang="lt-LT"><seg>Labas rytas.</seg></tuv>
      <tuv xml:lang="et-EE"><seg>Tere hommikust.</seg></tuv>
      <tuv xml:lang="lv-LV"><seg>Labrīt.</seg></tuv></tu>
  <tu><tuv xml:lang="lt-LT"><seg>Tik lietuviškai.</seg></tuv>
      <tuv xml:lang="lv-LV"><seg>Tikai latviski.</seg></tuv></tu>
  <tu><tuv xml:lang="LT-LT"><seg>Iki.</seg></tuv><tuv xml:lang="ET-EE"><seg/></tuv></tu>
 </body>
</tmx>
"""


def _read(tmp_path: Path, name: str, text: str, src: str = "lt", tgt: str = "et"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(text, "utf-8")
    inputs = read_inputs(path, None, src, tgt)
    return ([s.text for s in inputs.source.sentences],
            [t.text for t in inputs.target.sentences], inputs.beads)


def test_xliff_12_as_trados_and_okapi_write_it(tmp_path: Path) -> None:
    src, tgt, beads = _read(tmp_path, "a.sdlxliff", XLIFF12)
    # translate="no" units (on the unit or its group) are not checked at all.
    assert "ACME-42" not in src and "Užrakinta." not in src and len(beads) == 3
    # A line-break code separates the words around it, in the code's two forms.
    assert src[0] == "Nauja eilutė antra eilutė." and tgt[0] == "Uus rida teine rida."
    assert src[2] == "Pirmas antras." and tgt[2] == "Esimene teine."
    # A tracked deletion is neither analysed nor shown; the addition is the text.
    assert tgt[1] == "Ettevõtted on uhked oma professionaalse teeninduse üle."


def test_a_tracked_deletion_is_not_shown_either(tmp_path: Path) -> None:
    """The page showed "45 Elementen" for the analysed "5 Elementen" (a Trados deletion)."""
    path = tmp_path / "d.sdlxliff"
    path.write_text(XLIFF12.replace("<target>Ettevõtted on uhked", '<target>Ettevõtted <x id="9"/>'
                                    "on uhked"), "utf-8")
    target = read_inputs(path, None, "lt", "et").target.sentences[1]
    assert target.text == "Ettevõtted on uhked oma professionaalse teeninduse üle."
    assert "vana" not in target.display and "<x" in target.display
    a, b = target.display_span(24, 39)  # "professionaalse", as shown
    assert target.display[a:b] == "professionaalse"


def test_xliff_2_break_codes_and_locked_units(tmp_path: Path) -> None:
    src, tgt, beads = _read(tmp_path, "b.xlf", XLIFF2)
    assert src == ["Labas rytas."] and tgt == ["Tere hommikust."] and len(beads) == 1


def test_tmx_tu_without_one_of_the_languages_is_not_a_gap(tmp_path: Path) -> None:
    src, tgt, beads = _read(tmp_path, "m.tmx", TMX)
    # The lt+lv <tu> says nothing of lt-et; the lt+empty-et one is an untranslated unit.
    assert src == ["Labas rytas.", "Iki."] and tgt == ["Tere hommikust."]
    assert [(b.source, b.target) for b in beads] == [((0,), (0,)), ((1,), ())]


SDLXLIFF = """<?xml version="1.0" encoding="utf-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"
       xmlns:sdl="http://sdl.com/FileTypes/SdlXliff/1.0">
 <file original="a.docx" source-language="lt-LT" target-language="et-EE"
       datatype="x-sdlfilterframework2">
  <body>
   <trans-unit id="u1">
    <source>Klientai turi jaustis svarbūs. Kai kurios įmonės didžiuojasi.</source>
    <seg-source><mrk mtype="seg" mid="1">Klientai turi jaustis svarbūs.</mrk> <mrk mtype="seg"
     mid="2">Kai kurios įmonės didžiuojasi.</mrk></seg-source>
    <target><mrk mtype="seg" mid="1">Kliendid peavad tundma end olulisena.</mrk><mrk mtype="seg"
     mid="2"></mrk></target>
    <sdl:seg-defs><sdl:seg id="1" conf="Translated"/><sdl:seg id="2" conf="Draft"/></sdl:seg-defs>
   </trans-unit>
  </body>
 </file>
</xliff>
"""


def test_sdlxliff_is_read_segment_by_segment(tmp_path: Path) -> None:
    """Trados segments a paragraph's trans-unit into <mrk mtype="seg" mid>: each segment is
    a unit, so an untranslated one is its own omission, not the paragraph's partial one,
    and segments written without a space between them are not glued together."""
    src, tgt, beads = _read(tmp_path, "c.sdlxliff", SDLXLIFF)
    assert src == ["Klientai turi jaustis svarbūs.", "Kai kurios įmonės didžiuojasi."]
    assert tgt == ["Kliendid peavad tundma end olulisena."]
    assert [(b.source, b.target) for b in beads] == [((0,), (0,)), ((1,), ())]


def test_a_target_segment_without_a_source_segment_is_an_addition(tmp_path: Path) -> None:
    """A target <mrk mid> that no source segment has was dropped without a word."""
    extra = SDLXLIFF.replace('<mrk mtype="seg"\n     mid="2"></mrk></target>',
                             '<mrk mtype="seg"\n     mid="2"></mrk><mrk mtype="seg" mid="6">'
                             'Lisatud lause.</mrk></target>')
    assert extra != SDLXLIFF
    src, tgt, beads = _read(tmp_path, "c.sdlxliff", extra)
    assert len(src) == 2 and tgt == ["Kliendid peavad tundma end olulisena.", "Lisatud lause."]
    assert ((), (1,)) in [(b.source, b.target) for b in beads]


def test_tsv_as_a_spreadsheet_saves_it(tmp_path: Path) -> None:
    """Excel's quoting (a tab or line break inside a quoted cell, doubled quotes), empty
    columns after the second, a column header in words, an untranslated row."""
    text = ('Source text\tTarget text\t\t\n'
            '"Pirmas\tsakinys."\t"Esimene\nlause."\t\n'
            '"Jis tarė ""labas""."\tTa ütles "tere".\n'
            'Neišverstas sakinys.\t\n'
            '\tTõlkes lisatud lause.\n')
    src, tgt, beads = _read(tmp_path, "s.tsv", text)
    assert src == ["Pirmas sakinys.", 'Jis tarė "labas".', "Neišverstas sakinys."]
    assert tgt == ["Esimene lause.", 'Ta ütles "tere".', "Tõlkes lisatud lause."]
    assert [(b.source, b.target) for b in beads] == [((0,), (0,)), ((1,), (1,)), ((2,), ()),
                                                    ((), (2,))]


def test_tsv_header_of_language_codes_declares_them(tmp_path: Path) -> None:
    from qa_pipeline.io.readers import declared_langs

    path = tmp_path / "p.tsv"
    path.write_text("lv-LV\tet-EE\nLabrīt.\tTere hommikust.\n", "utf-8")
    assert declared_langs(path) == ("lv-LV", "et-EE")
    path.write_text("Labrīt.\tTere hommikust.\n", "utf-8")
    assert declared_langs(path) == ("", "")


def test_units_are_named_as_the_cat_tool_names_them(tmp_path: Path) -> None:
    """Each sentence of a bilingual file carries its unit: a TSV's line, an XLIFF unit's id
    (with "#mid" for a segment), a TMX tuid (or its place)."""
    from qa_pipeline.io.readers import read_inputs as read

    def units(name: str, text: str) -> tuple[list[str], list[str]]:
        path = tmp_path / name
        path.write_text(text, "utf-8")
        got = read(path, None, "lt", "et")
        return ([s.unit for s in got.source.sentences], [s.unit for s in got.target.sentences])

    assert units("a.sdlxliff", XLIFF12) == (["1", "4", "5"], ["1", "4", "5"])
    assert units("c.sdlxliff", SDLXLIFF) == (["u1#1", "u1#2"], ["u1#1"])
    assert units("b.xlf", XLIFF2) == (["u1"], ["u1"])
    assert units("m.tmx", TMX) == (["tu 1", "tu 3"], ["tu 1"])
    assert units("s.tsv", "lt\tet\nLabas.\tTere.\n\nAčiū.\t\n") == (
        ["line 2", "line 4"], ["line 2"])


def test_reports_name_the_unit_of_each_finding(tmp_path: Path, isolated_cache: Path) -> None:
    import csv
    import json

    from typer.testing import CliRunner

    from qa_pipeline.cli import app

    path = tmp_path / "c.sdlxliff"
    path.write_text(SDLXLIFF, "utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["check", str(path), "--model", "hash", "-q", "--out",
                                   str(out), "--fail-on", "none"])
    assert res.exit_code == 0, res.output
    report = json.loads((out / "report.json").read_text("utf-8"))
    assert [s["unit"] for s in report["source"]["sentences"]] == ["u1#1", "u1#2"]
    with (out / "findings.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = {r["kind"]: r for r in csv.DictReader(fh)}
    assert rows["omission"]["unit"] == "u1#2"  # the untranslated segment, by its mid
    assert '<span class="plab">u1#2</span>' in (out / "report.html").read_text("utf-8")


def test_tsv_rows_quotes_and_header_languages(tmp_path: Path) -> None:
    import pytest

    from qa_pipeline.errors import InputError

    # A wholly quoted cell that Excel would not have quoted is text with its quotes; a row
    # spanning lines is named by its first line.
    path = tmp_path / "q.tsv"
    path.write_text('"Ačiū!"\t"Aitäh!"\n', "utf-8")
    assert read_inputs(path, None, "lt", "et").source.sentences[0].text == '"Ačiū!"'
    path.write_text('Labas.\tTere.\n"Du\neilutės."\tKaks rida.\n', "utf-8")
    got = read_inputs(path, None, "lt", "et")
    assert [s.text for s in got.source.sentences] == ["Labas.", "Du eilutės."]
    assert [s.unit for s in got.source.sentences] == ["line 1", "line 2"]
    # A header of other languages than the options is an error naming both, as XLIFF's is.
    path.write_text("lt-LT\tet-EE\nLabas.\tTere.\n", "utf-8")
    with pytest.raises(InputError, match=r"header names lt-LT -> et-EE, not lv -> et"):
        read_inputs(path, None, "lv", "et")
    # A column header in words with the language beside it.
    path.write_text("Source (lt)\tTarget (et)\nLabas.\tTere.\n", "utf-8")
    assert [s.text for s in read_inputs(path, None, "lt", "et").source.sentences] == ["Labas."]


def test_a_segmented_source_with_a_whole_target_is_one_unit(tmp_path: Path) -> None:
    start, end = SDLXLIFF.index("<target>"), SDLXLIFF.index("</target>") + len("</target>")
    text = (SDLXLIFF[:start] + "<target>Kliendid peavad tundma end olulisena.</target>"
            + SDLXLIFF[end:])
    assert text != SDLXLIFF
    src, tgt, beads = _read(tmp_path, "w.sdlxliff", text)
    assert tgt == ["Kliendid peavad tundma end olulisena."] and len(beads) == 1
    assert src == ["Klientai turi jaustis svarbūs. Kai kurios įmonės didžiuojasi."]


VARIANTS_TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="pt-BR" datatype="plaintext" segtype="sentence"
 adminlang="en" creationtool="x" creationtoolversion="1" o-tmf="x"/>
 <body>
  <tu tuid="1"><tuv xml:lang="pt-BR"><seg>Você pode baixar o arquivo.</seg></tuv>
      <tuv xml:lang="pt-PT"><seg>Pode transferir o ficheiro.</seg></tuv></tu>
  <tu tuid="2"><tuv xml:lang="pt-PT"><seg>O autocarro chega.</seg></tuv>
      <tuv xml:lang="pt-BR"><seg>O ônibus chega.</seg></tuv></tu>
 </body>
</tmx>
"""


def test_tmx_between_variants_of_one_language_matches_the_whole_tag(tmp_path: Path) -> None:
    """pt-BR beside pt-PT: each side is its own variant's <tuv>, whatever their order (the base
    code alone took the first <tuv> as the source, swapping the sides of the second unit)."""
    import pytest

    from qa_pipeline.errors import InputError
    from qa_pipeline.io.readers import declared_langs

    brazil = ["Você pode baixar o arquivo.", "O ônibus chega."]
    portugal = ["Pode transferir o ficheiro.", "O autocarro chega."]
    path = tmp_path / "v.tmx"
    path.write_text(VARIANTS_TMX, "utf-8")
    assert declared_langs(path) == ("pt-BR", "pt-PT")
    for src, tgt in (("pt-BR", "pt-PT"), ("pt_br", "PT-pt"), ("pt-BR", "pt"), ("pt", "pt-PT")):
        assert _read(tmp_path, "v.tmx", VARIANTS_TMX, src, tgt)[:2] == (brazil, portugal)
    assert _read(tmp_path, "v.tmx", VARIANTS_TMX, "pt-PT", "pt-BR")[:2] == (portugal, brazil)
    with pytest.raises(InputError, match=r"several variants of pt \(pt-BR, pt-PT\); set "):
        read_inputs(path, None, "pt", "pt")
    # en-US / en-GB alike; and one variant of a language beside its bare code is one language
    us_gb = VARIANTS_TMX.replace("pt-BR", "en-US").replace("pt-PT", "en-GB")
    assert _read(tmp_path, "e.tmx", us_gb, "en-GB", "en-US")[:2] == (portugal, brazil)
    mixed = TMX.replace('"LT-LT"', '"lt"')
    assert _read(tmp_path, "m.tmx", mixed)[:2] == (["Labas rytas.", "Iki."], ["Tere hommikust."])
    # a bare code beside one of its own variants (en -> en-GB): each side its own tag
    bare_gb = VARIANTS_TMX.replace("pt-BR", "en").replace("pt-PT", "en-GB")
    assert _read(tmp_path, "g.tmx", bare_gb, "en", "en-GB")[:2] == (brazil, portugal)
    assert _read(tmp_path, "g.tmx", bare_gb, "en-GB", "en")[:2] == (portugal, brazil)


STATES = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
 <file source-language="en" target-language="de" datatype="plaintext" original="app.strings">
  <body>
   <trans-unit id="ok"><source>OK</source><target state="translated">OK</target></trans-unit>
   <trans-unit id="save"><source>Save your changes?</source>
    <target state="translated">Änderungen speichern?</target></trans-unit>
   <trans-unit id="login"><source>Log in to continue.</source>
    <target state="needs-translation">Log in to continue.</target></trans-unit>
   <trans-unit id="retry"><source>Please try again later.</source>
    <target state="new">Bitte später erneut versuchen.</target></trans-unit>
   <trans-unit id="help"><source>Help</source><target state="needs-l10n">Help</target></trans-unit>
   <trans-unit id="img"><source>Logo</source><target state="needs-adaptation">Logo</target>
   </trans-unit>
  </body>
 </file>
</xliff>
"""

STATES_2 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="en" trgLang="de">
 <file id="f1">
  <unit id="a"><segment state="initial"><source>Cancel</source><target>Cancel</target>
   </segment></unit>
  <unit id="b"><segment><source>Close</source><target>Close</target></segment></unit>
  <unit id="c"><segment state="final"><source>Email</source><target>Email</target></segment>
  </unit>
 </file>
</xliff>
"""


def test_xliff_untranslated_states_are_reported(tmp_path: Path) -> None:
    """A target whose state says it is not translated yet is reported, whatever its text (a
    copy of a short UI string passed every check); a short copy marked translated is not."""
    from qa_pipeline.config import Config
    from qa_pipeline.embed import HashEncoder
    from qa_pipeline.pipeline import analyse

    def read(name: str, text: str) -> tuple[list[str], list[tuple[list[int], str]]]:
        path = tmp_path / name
        path.write_text(text, "utf-8")
        inputs = read_inputs(path, None, "en", "de")
        report = analyse(inputs, HashEncoder(), Config(model="hash", use_cache=False))
        return ([s.untranslated for s in inputs.target.sentences],
                [(list(f.target), f.message) for f in report.findings
                 if f.kind == "language"])

    states, found = read("s.xlf", STATES)
    assert states == ["", "", "needs-translation", "new", "needs-l10n", ""]
    assert sorted(found) == [([2], "the target is not translated (state=needs-translation)"),
                             ([3], "the target is not translated (state=new)"),
                             ([4], "the target is not translated (state=needs-l10n)")]
    # 2.x: "initial" where written (the default of a file that tracks no states says nothing)
    states, found = read("s2.xlf", STATES_2)
    assert states == ["initial", "", ""]
    assert found == [([0], "the target is not translated (state=initial)")]


ESCAPED = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
 <file source-language="en" target-language="de" datatype="html" original="strings.json">
  <body>
   <trans-unit id="a"><source>Read &lt;a href="https://example.com/en/terms"&gt;our
    terms&lt;/a&gt; first.</source><target>Lesen Sie &lt;a href="https://example.com/de"&gt;die
    Bedingungen&lt;/a&gt; zuerst.</target></trans-unit>
   <trans-unit id="b"><source>Prices include VAT&amp;nbsp;and caf&amp;eacute; costs.</source>
    <target>Die Preise enthalten MwSt.&amp;nbsp;und Kosten.</target></trans-unit>
   <trans-unit id="c"><source><![CDATA[Line one<br/>Line <strong>two</strong>.]]></source>
    <target><![CDATA[Zeile eins<br/>Zeile <strong>zwei</strong>.]]></target></trans-unit>
  </body>
 </file>
</xliff>
"""


def test_xliff_html_units_read_escaped_tags_as_markup(tmp_path: Path) -> None:
    """datatype="html": tags and entities written as text (escaped or in CDATA) are markup,
    shown and not analysed (no URL in an href, no tag name as a word); a line break's tag
    still separates words; in a plaintext unit they are text."""
    path = tmp_path / "e.xlf"
    path.write_text(ESCAPED, "utf-8")
    got = read_inputs(path, None, "en", "de")
    assert got.source.texts == ["Read our terms first.", "Prices include VAT and café costs.",
                                "Line one Line two."]
    assert got.target.texts == ["Lesen Sie die Bedingungen zuerst.",
                                "Die Preise enthalten MwSt. und Kosten.", "Zeile eins Zeile zwei."]
    first, cafe = got.source.sentences[0], got.source.sentences[1]
    assert first.display.startswith('Read <a href="https://example.com/en/terms">our')
    a, b = first.display_span(5, 14)  # "our terms", as shown
    assert first.display[a:b] == "our\n    terms"
    a, b = cafe.display_span(23, 27)  # "café", as shown
    assert cafe.display[a:b] == "caf&eacute;"
    path.write_text(ESCAPED.replace('datatype="html"', 'datatype="plaintext"'), "utf-8")
    assert read_inputs(path, None, "en", "de").source.texts[2] == (
        "Line one<br/>Line <strong>two</strong>.")
    # the unit's own datatype wins over its file's
    path.write_text(ESCAPED.replace('<trans-unit id="c">', '<trans-unit id="c" datatype="xml">')
                    .replace('datatype="html"', 'datatype="plaintext"'), "utf-8")
    assert read_inputs(path, None, "en", "de").source.texts[2] == "Line one Line two."
