"""The HTML shows each sentence as it was given (`display`: inline tags, Markdown markup,
invisible characters) with the findings' spans moved onto it through the offset map."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qa_pipeline.cli import app
from qa_pipeline.report.view import segments_for, shown

runner = CliRunner()


@pytest.mark.parametrize(("sentence", "marks", "text", "spans"), [
    # no display text: the analysed text and the marks as they are
    ({"text": "Kaina 25 eurai."}, [(6, 8)], "Kaina 25 eurai.", [(6, 8)]),
    # markup kept for display: "**25**" holds text[6:8] at display[8:10]; the mark ends
    # before the closing "**" (it ran over it)
    ({"text": "Kaina 25 eurai.", "display": "Kaina **25** eurai.",
      "offsets": [0, 1, 2, 3, 4, 5, 8, 9, 12, 13, 14, 15, 16, 17, 18, 19]},
     [(6, 8)], "Kaina **25** eurai.", [(8, 10)]),
    # a letter NFC composed for analysis ends after its combining mark as given
    ({"text": "kaip t\u0117", "display": "kaip te\u0307", "offsets": [0, 1, 2, 3, 4, 5, 6, 8]},
     [(5, 7)], "kaip te\u0307", [(5, 8)]),
    # a soft hyphen removed for analysis comes back for display
    ({"text": "ab cd", "display": "ab c\u00add", "offsets": [0, 1, 2, 3, 5, 6]},
     [(3, 5)], "ab c\u00add", [(3, 6)]),
    # an offset map that does not fit the text is ignored rather than trusted
    ({"text": "abc", "display": "a<b>bc", "offsets": [0, 1]}, [(0, 1)], "abc", [(0, 1)]),
])
def test_shown_maps_spans_onto_the_display_text(sentence: dict[str, object],
                                                marks: list[tuple[int, int]], text: str,
                                                spans: list[tuple[int, int]]) -> None:
    got, moved = shown(sentence, [(a, b, "major", "f1") for a, b in marks])
    assert got == text
    assert [(a, b) for a, b, _, _ in moved] == spans


def test_marked_piece_of_the_display_text_is_the_found_words() -> None:
    sentence = {"text": "Kaina 25 eurai.", "display": "Kaina <b>25</b> eurai.",
                "offsets": [0, 1, 2, 3, 4, 5, 9, 10, 15, 16, 17, 18, 19, 20, 21, 22]}
    segs = segments_for(*shown(sentence, [(6, 8, "critical", "f1")]))
    assert "".join(s.text for s in segs) == sentence["display"]
    assert [s.text for s in segs if s.severity] == ["25"]


def _marks(html: str) -> list[str]:
    return re.findall(r'<mark class="m-\w+"[^>]*>(.*?)</mark>', html)


def test_markdown_report_html_shows_the_markup_with_the_finding_on_it(
        tmp_path: Path, isolated_cache: Path) -> None:
    src, tgt = tmp_path / "lt.md", tmp_path / "et.md"
    src.write_text("# Kainos\n\nBilietas kainuoja **25 eurus** prie įėjimo.\n", "utf-8")
    tgt.write_text("# Hinnad\n\nPilet maksab **30 eurot** sissepääsu juures.\n", "utf-8")
    res = runner.invoke(app, ["check", str(src), str(tgt), "--src-lang", "lt", "--tgt-lang",
                              "et", "--model", "hash", "--out", str(tmp_path / "r"),
                              "--fail-on", "none", "--quiet"])
    assert res.exit_code == 0, res.output
    html = (tmp_path / "r" / "report.html").read_text("utf-8")
    assert "Pilet maksab **30 eurot** sissepääsu juures." in re.sub(r"<[^>]+>", "", html)
    marked = _marks(html)
    assert "25" in marked and "30" in marked  # the number finding, on the display text


def test_nway_html_shows_display_text(tmp_path: Path, isolated_cache: Path) -> None:
    data = Path(__file__).resolve().parents[1] / "data" / "nway"
    files = []
    for lang in ("en", "lt", "et", "lv"):
        text = data.joinpath(f"{lang}.txt").read_text("utf-8")
        first = text.split(" ")[0]
        # a soft hyphen inside the first word: removed for analysis, shown in the report
        text = text.replace(first, first[:2] + "\u00ad" + first[2:], 1)
        path = tmp_path / f"{lang}.txt"
        path.write_text(text, "utf-8")
        files.append(str(path))
    res = runner.invoke(app, ["check", "--source", files[0], *files[1:], "--model", "hash",
                              "--out", str(tmp_path / "r"), "--fail-on", "none", "--quiet"])
    assert res.exit_code == 0, res.output
    html = (tmp_path / "r" / "report.html").read_text("utf-8")
    assert html.count("\u00ad") >= 4  # every column shows the text as given
