"""Markdown link targets: where a translated link points must agree (the site, not the path)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa_pipeline.config import Config
from qa_pipeline.detect.links import sentence_links, target_key
from qa_pipeline.embed import HashEncoder
from qa_pipeline.io.readers import read_document, read_inputs
from qa_pipeline.pipeline import analyse


@pytest.mark.parametrize(("href", "key"), [
    ("https://www.Example.com/lt/kainos?x=1", "example.com"),
    ("http://shop.example.com:8080/a", "shop.example.com"),
    ("//cdn.example.org/x.png", "cdn.example.org"),
    ("mailto:Info@Pavyzdys.lt?subject=Labas", "info@pavyzdys.lt"),
    ("/et/hinnad", None),  # relative: each language links its own pages
    ("#skyrius", None),
    ("kainos.html", None),
])
def test_target_key(href: str, key: str | None) -> None:
    assert target_key(href) == key


def test_a_link_text_is_found_in_the_analysed_text(tmp_path: Path) -> None:
    md = tmp_path / "lt.md"
    md.write_text("Daugiau rasite [mūsų **svetainėje**](https://example.com/lt \"Svetainė\") "
                  "ir ![logotipe](logo.png).\n", "utf-8")
    (s,) = read_document(md, "lt").sentences
    got = [(s.text[a:b], href) for a, b, href in sentence_links(s)]
    assert got == [("mūsų svetainėje", "https://example.com/lt"), ("logotipe", "logo.png")]


def _pair(tmp_path: Path, lt: str, et: str, **config: object) -> list[tuple[str, str]]:
    (tmp_path / "lt.md").write_text(lt, "utf-8")
    (tmp_path / "et.md").write_text(et, "utf-8")
    inputs = read_inputs(tmp_path / "lt.md", tmp_path / "et.md", "lt", "et")
    report = analyse(inputs, HashEncoder(), Config(model="hash", **config))  # type: ignore[arg-type]
    return [(f.kind, f.message) for f in report.findings if f.kind == "url"]


LT = ("Kainos pateiktos [svetainėje](https://example.com/lt/kainos).\n\n"
      "Rašykite [mums](mailto:info@example.com).\n")


def test_localised_paths_agree_and_another_site_does_not(tmp_path: Path) -> None:
    same = ("Hinnad on [veebilehel](https://www.example.com/et/hinnad).\n\n"
            "Kirjutage [meile](mailto:INFO@example.com).\n")
    assert _pair(tmp_path, LT, same) == []
    moved = ("Hinnad on [veebilehel](https://evil.example.org/et/hinnad).\n\n"
             "Kirjutage [meile](mailto:info@example.com).\n")
    got = _pair(tmp_path, LT, moved)
    assert [m for _, m in got] == [
        "a link in the source points to https://example.com/lt/kainos; no link in the target "
        "points to example.com",
        "a link in the target points to https://evil.example.org/et/hinnad; no link in the "
        "source points to evil.example.org"]
    lost = "Hinnad on veebilehel.\n\nKirjutage [meile](mailto:info@example.com).\n"
    assert len(_pair(tmp_path, LT, lost)) == 1
    # The URL check's switch turns it off.
    assert _pair(tmp_path, LT, moved, checks=("numbers",)) == []


def test_an_html_link_in_markdown_is_compared_too(tmp_path: Path) -> None:
    md = tmp_path / "lt.md"
    md.write_text('Žr. <a href="https://example.com/lt/pagalba" class="x">pagalbos '
                  "puslapį</a> ir [kainas](https://example.com/lt/kainos).\n", "utf-8")
    (s,) = read_document(md, "lt").sentences
    assert [(s.text[a:b], href) for a, b, href in sentence_links(s)] == [
        ("pagalbos puslapį", "https://example.com/lt/pagalba"),
        ("kainas", "https://example.com/lt/kainos")]
    lt = 'Žr. <a href="https://example.com/lt/pagalba">pagalbos puslapį</a>.\n'
    et = "Vt <a href='https://phishing.example.net/et/abi'>abilehte</a>.\n"
    assert [m for _, m in _pair(tmp_path, lt, et)] == [
        "a link in the source points to https://example.com/lt/pagalba; no link in the target "
        "points to example.com",
        "a link in the target points to https://phishing.example.net/et/abi; no link in the "
        "source points to phishing.example.net"]


def test_reference_style_links_are_compared_by_their_definitions(tmp_path: Path) -> None:
    lt = ("Žr. [kainų puslapį][kainos] ir [Pagalba].\n\n"
          "[kainos]: https://example.com/lt/kainos\n[pagalba]: https://example.com/lt/pagalba\n")
    (tmp_path / "x.md").write_text(lt, "utf-8")
    doc = read_document(tmp_path / "x.md", "lt")
    (s,) = doc.sentences
    assert [(s.text[a:b], href) for a, b, href in sentence_links(s, dict(doc.link_targets))] \
        == [("kainų puslapį", "https://example.com/lt/kainos"),
            ("Pagalba", "https://example.com/lt/pagalba")]
    same = ("Vt [hinnalehte][hinnad] ja [Abi].\n\n"
            "[hinnad]: https://www.example.com/et/hinnad\n[abi]: https://example.com/et/abi\n")
    assert _pair(tmp_path, lt, same) == []
    moved = same.replace("https://www.example.com/et/hinnad", "https://phishing.example.net/h")
    assert [m for _, m in _pair(tmp_path, lt, moved)] == [
        "a link in the source points to https://example.com/lt/kainos; no link in the target "
        "points to example.com",
        "a link in the target points to https://phishing.example.net/h; no link in the "
        "source points to phishing.example.net"]
