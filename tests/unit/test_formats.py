"""Real-world inputs: every format, encoding and kind of Unicode noise gives the same findings
as the clean text; bad input is the project's own error, naming the file and the place."""

from __future__ import annotations

import codecs
import contextlib
import unicodedata
from pathlib import Path

import formats as F
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa_pipeline.config import Config
from qa_pipeline.embed import HashEncoder
from qa_pipeline.errors import InputError
from qa_pipeline.io.decode import decode_bytes
from qa_pipeline.io.normalise import clean, normalise
from qa_pipeline.io.readers import Inputs, read_inputs
from qa_pipeline.io.tsv import read_pairs_tsv
from qa_pipeline.pipeline import analyse
from qa_pipeline.segment import parse_segmented, segment_text

CONFIG = Config(model="hash", use_cache=False)
Key = tuple[str, str, tuple[int, ...], tuple[int, ...], str]


def findings(inputs: Inputs) -> list[Key]:
    report = analyse(inputs, HashEncoder(), CONFIG)
    return [(f.kind, f.severity, f.source, f.target, f.id) for f in report.findings]


def texts(inputs: Inputs) -> tuple[list[str], list[str]]:
    return inputs.source.texts, inputs.target.texts


# -- the same pairs in every format --------------------------------------------------------

WRITERS = {
    "tmx": lambda d, p: (F.write_tmx(d / "m.tmx", p), None),
    "xliff12": lambda d, p: (F.write_xliff12(d / "m.xlf", p), None),
    "xliff20": lambda d, p: (F.write_xliff20(d / "m.xliff", p), None),
    "tsv": lambda d, p: (F.write_tsv(d / "m.tsv", p), None),
}


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_bilingual_formats_give_the_same_findings(fmt: str, tmp_path: Path) -> None:
    pairs = F.seed_pairs()
    reference = read_pairs_tsv(F.SEED_PAIRS, "lt", "et")
    src, tgt = WRITERS[fmt](tmp_path, pairs)
    got = read_inputs(src, tgt, "lt", "et")
    assert texts(got) == texts(reference)
    assert got.beads == reference.beads
    assert findings(got) == findings(reference)


@pytest.mark.parametrize(("fmt", "declared"), [
    ("tmx", ("lt-LT", "ET-ee")), ("xliff12", ("lt", "et-EE")), ("xliff20", ("lt-LT", "et")),
    ("tsv", ("lt", "et")),  # a TSV's header row of language codes
])
def test_bilingual_files_declare_their_languages(fmt: str, declared: tuple[str, str],
                                                 tmp_path: Path) -> None:
    from qa_pipeline.io.readers import declared_langs

    src, _ = WRITERS[fmt](tmp_path, F.seed_pairs())
    assert declared_langs(src) == declared


def test_a_bilingual_file_is_read_in_its_declared_languages(tmp_path: Path,
                                                            isolated_cache: Path) -> None:
    """No --src-lang / --tgt-lang: an XLIFF or TMX file's own languages, where they were an
    error naming the options to set (the defaults lt / et did not match)."""
    import json

    from typer.testing import CliRunner

    from qa_pipeline.cli import app

    pairs = F.seed_pairs()
    for name, path in (("tmx", F.write_tmx(tmp_path / "m.tmx", pairs, "de-DE", "fr")),
                       ("xlf", F.write_xliff12(tmp_path / "m.xlf", pairs))):
        if name == "xlf":  # the builder's languages, changed to another pair
            path.write_text(path.read_text("utf-8").replace('source-language="lt"',
                                                           'source-language="de"')
                            .replace('target-language="et-EE"', 'target-language="fr"'),
                            "utf-8")
        out = tmp_path / name
        res = CliRunner().invoke(app, ["check", str(path), "--model", "hash", "--quiet",
                                       "--fail-on", "none", "--out", str(out)])
        assert res.exit_code == 0, res.output
        data = json.loads((out / "report.json").read_text("utf-8"))
        assert data["source"]["lang"][:2] == "de" and data["target"]["lang"] == "fr"
        assert len(data["source"]["sentences"]) == len(pairs)
    # A TMX of three languages names no target: the options decide, the error says how.
    three = tmp_path / "three.tmx"
    three.write_text(F.write_tmx(tmp_path / "x.tmx", pairs, "de", "fr").read_text("utf-8")
                     .replace('<tu><tuv xml:lang="de">', '<tu><tuv xml:lang="it"><seg>x</seg>'
                              '</tuv><tuv xml:lang="de">', 1), "utf-8")
    res = CliRunner().invoke(app, ["check", str(three), "--model", "hash", "--quiet",
                                   "--out", str(tmp_path / "three")])
    assert res.exit_code == 2 and "--src-lang/--tgt-lang" in res.output


def test_markdown_pair_reads_the_same_sentences(tmp_path: Path) -> None:
    pairs = F.seed_pairs()
    lt, et = F.write_markdown(tmp_path, pairs)
    got = read_inputs(lt, et, "lt", "et")
    assert texts(got) == ([s for s, _ in pairs], [t for _, t in pairs])
    assert len(got.source.paragraphs) == len(pairs)  # the heading is its own paragraph
    first = got.source.sentences[1]
    assert first.display.startswith("**") and "**" not in first.text


def test_markdown_pair_gives_the_findings_of_the_same_text_as_plain_text(
        tmp_path: Path) -> None:
    """Markup stripped for analysis changes nothing: the Markdown pair and the same blocks
    as plain text (one paragraph each) give the same findings, sentence for sentence."""
    pairs = F.seed_pairs()
    lt, et = F.write_markdown(tmp_path, pairs)
    plain = []
    for side, name in ((0, "lt.txt"), (1, "et.txt")):
        p = tmp_path / name
        p.write_text("\n\n".join(pair[side] for pair in pairs) + "\n", "utf-8")
        plain.append(p)
    got, reference = read_inputs(lt, et, "lt", "et"), read_inputs(*plain, "lt", "et")
    assert texts(got) == texts(reference)
    assert findings(got) == findings(reference)


def test_inline_markup_is_kept_for_display_with_offsets(tmp_path: Path) -> None:
    got = read_inputs(F.write_tmx(tmp_path / "m.tmx", F.seed_pairs()), None, "lt", "et")
    s = got.source.sentences[1]
    assert s.text.startswith("Paprastai manoma")
    assert s.display.startswith("<b>Paprastai</b> manoma")
    a, b = s.display_span(10, 16)
    assert s.display[a:b] == "manoma"


def test_untranslated_unit_is_an_omission_bead(tmp_path: Path) -> None:
    p = tmp_path / "m.xlf"
    p.write_text('<xliff version="1.2"><file source-language="lt" target-language="et">'
                 "<body><trans-unit id='1'><source>Labas.</source><target>Tere.</target>"
                 "</trans-unit><trans-unit id='2'><source>Ačiū.</source></trans-unit>"
                 "</body></file></xliff>", "utf-8")
    got = read_inputs(p, None, "lt", "et")
    assert got.beads is not None
    assert [(b.source, b.target) for b in got.beads] == [((0,), (0,)), ((1,), ())]


@pytest.mark.parametrize(("first", "header", "n"), [
    ("lt\tet", None, 2), ("source\ttarget", None, 2), ("LT-lt\tet_EE", None, 2),
    ("Labas.\tTere.", None, 3), ("Labas.\tTere.", True, 2), ("lt\tet", False, 3),
])
def test_tsv_header_row(tmp_path: Path, first: str, header: bool | None, n: int) -> None:
    p = tmp_path / "p.tsv"
    p.write_text(f"{first}\nA.\tB.\nC.\tD.\n", "utf-8")
    assert len(read_inputs(p, None, "lt", "et", tsv_header=header).source.sentences) == n


# -- encodings and Unicode noise ------------------------------------------------------------

def _soft(text: str) -> str:
    words = text.split(" ")
    return " ".join(w[:3] + "\u00ad" + w[3:] if len(w) > 6 else w for w in words)


NOISE = {
    "cp1257": lambda t: t.encode("cp1257"),
    "iso8859-13": lambda t: t.encode("iso8859_13"),
    "iso8859-4": lambda t: t.encode("iso8859_4"),
    "utf-8-bom": lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    "utf-16-bom": lambda t: t.encode("utf-16"),
    "utf-16-be-bom": lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
    "utf-32-bom": lambda t: t.encode("utf-32"),
    "nfd": lambda t: unicodedata.normalize("NFD", t).encode(),
    "soft-hyphens": lambda t: _soft(t).encode(),
    "zero-width": lambda t: t.replace(" ", " \u200b").replace("ą", "\u200dą").encode(),
    "bom-inside": lambda t: t.replace("\n\n", "\n\n\ufeff").encode(),
    "crlf": lambda t: t.replace("\n", "\r\n").encode(),
    "cr": lambda t: t.replace("\n", "\r").encode(),
    "nbsp": lambda t: t.replace(", ", ",\u00a0").replace(" ir ", "\u202fir\u2009").encode(),
    "invisible-lines": lambda t: t.replace("\n\n", "\n\u200b\u00a0\n").encode(),
}


@pytest.mark.parametrize("kind", sorted(NOISE))
def test_noise_alone_changes_no_finding(kind: str, seeds: tuple[Path, Path],
                                        tmp_path: Path) -> None:
    clean_in = read_inputs(seeds[0], seeds[1], "lt", "et")
    paths = []
    for seed in seeds:
        p = tmp_path / seed.name
        p.write_bytes(NOISE[kind](seed.read_text("utf-8")))
        paths.append(p)
    noisy = read_inputs(paths[0], paths[1], "lt", "et")
    assert texts(noisy) == texts(clean_in)
    assert [p.sentences for p in noisy.source.paragraphs] == [
        p.sentences for p in clean_in.source.paragraphs]
    assert findings(noisy) == findings(clean_in)


@pytest.mark.parametrize(("data", "encoding"), [
    ("Žąsis".encode("cp1257"), "cp1257"), ("Žąsis".encode("utf-16"), "utf-16-le"),
    ("Žąsis „x“".encode("cp1257"), "cp1257"), (b"plain", "utf-8"),
])
def test_encoding_decision(data: bytes, encoding: str) -> None:
    assert decode_bytes(data, "x").encoding == encoding
    assert decode_bytes(data, "x", ("lt-LT",)).encoding == encoding


def test_legacy_code_pages_only_for_baltic_text() -> None:
    """Any byte decodes in a code page: a French Latin-1 file must be refused, not read as
    Windows-1257 ("garēon" for "garçon")."""
    data = "Le garçon est très content à la fête.".encode("latin-1")
    with pytest.raises(InputError, match=r"fr\.txt: not valid UTF-8 \(byte 6\); convert"):
        decode_bytes(data, "fr.txt", ("fr",))
    with pytest.raises(InputError, match="not valid UTF-8"):
        decode_bytes(data, "x.tsv", ("de", "fr"))
    assert decode_bytes("Žąsis".encode("cp1257"), "x.tsv", ("en", "lt")).encoding == "cp1257"


def test_offsets_map_back_to_the_original() -> None:
    original = "Lab\u00adas\u200b  ryt" + unicodedata.normalize("NFD", "ą") + "s"
    m = clean(original)
    assert m.text == "Labas rytąs"
    a, b = m.span(6, 11)
    assert original[a:b] == "ryt" + unicodedata.normalize("NFD", "ą") + "s"
    a, b = m.span(0, 5)
    assert original[a:b].replace("\u00ad", "").startswith("Labas")


# -- bad input ------------------------------------------------------------------------------

BAD_XML = [
    ("m.tmx", "<tmx version='1.4'><body><tu><tuv xml:lang='lt'><seg>a</seg></tu></body></tmx>",
     r"m.tmx:1:\d+: malformed XML"),
    ("m.xlf", "<xliff version='1.2'>\n<file>\n<trans-unit>", r"m.xlf:3:\d+: malformed XML"),
    ("m.tmx", '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
     '"&lol;&lol;&lol;">]><tmx><body><tu><tuv xml:lang="lt"><seg>&lol2;</seg></tuv></tu>'
     "</body></tmx>", "declares XML entities"),
    ("m.xlf", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
     '<xliff version="1.2"><file source-language="lt" target-language="et"><body>'
     "<trans-unit id='1'><source>&xxe;</source></trans-unit></body></file></xliff>",
     "declares XML entities"),
    ("m.tmx", "<tmx version='1.4'><body><tu><tuv xml:lang='en'><seg>a</seg></tuv>"
     "<tuv xml:lang='de'><seg>b</seg></tuv></tu></body></tmx>",
     "no <tu> has a lt and a et <tuv>; languages in the file: de, en"),
    ("m.xlf", "<xliff version='1.2'><file source-language='en' target-language='et'><body>"
     "</body></file></xliff>", "its source language is 'en', not 'lt'"),
    ("m.xlf", "<xliff version='3.0'/>", "XLIFF version '3.0' is not supported"),
    ("m.tmx", "<html/>", "not a TMX file"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_XML)
def test_bad_xml_is_refused_clearly(tmp_path: Path, name: str, content: str,
                                    message: str) -> None:
    p = tmp_path / name
    p.write_text(content, "utf-8")
    with pytest.raises(InputError, match=message):
        read_inputs(p, None, "lt", "et")


def test_bilingual_file_as_one_side_is_refused(tmp_path: Path, seeds: tuple[Path, Path]) -> None:
    p = F.write_tmx(tmp_path / "m.tmx", F.seed_pairs())
    with pytest.raises(InputError, match="holds both sides"):
        read_inputs(seeds[0], p, "lt", "et")


# -- never a crash --------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_normaliser_and_segmenters_never_crash(text: str) -> None:
    m = normalise(text)
    assert len(m.offsets) == len(m.text) + 1
    assert unicodedata.is_normalized("NFC", m.text)
    for doc in (segment_text(text, "x", "lt"), parse_segmented(text, "x", "et")):
        for s in doc.sentences:
            assert s.text and (not s.offsets or len(s.offsets) == len(s.text) + 1)


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=300))
def test_decoder_parses_or_raises_input_error(data: bytes) -> None:
    with contextlib.suppress(InputError):
        decode_bytes(data, "x")


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=120), st.sampled_from(["m.tmx", "m.xlf", "m.tsv", "a.md"]))
def test_readers_parse_or_raise_input_error(tmp_path_factory: pytest.TempPathFactory,
                                            text: str, name: str) -> None:
    p = tmp_path_factory.mktemp("h") / name
    body = {"m.tmx": f"<tmx><body><tu><tuv xml:lang='lt'><seg>{text}</seg></tuv>"
                     f"<tuv xml:lang='et'><seg>{text}</seg></tuv></tu></body></tmx>",
            "m.xlf": f"<xliff version='2.0' srcLang='lt' trgLang='et'><file><unit><segment>"
                     f"<source>{text}</source><target>{text}</target></segment></unit></file>"
                     "</xliff>"}.get(name, text)
    p.write_text(body, "utf-8", errors="surrogatepass")
    with contextlib.suppress(InputError):
        read_inputs(p, p if name == "a.md" else None, "lt", "et")

