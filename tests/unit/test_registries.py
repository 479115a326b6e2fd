"""The extension points: readers, writers and encoders are each one registry; a new entry is
one spec, and the pipeline and the CLI find it there."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from qa_pipeline.embed import ENCODERS, HashEncoder, load_encoder
from qa_pipeline.errors import InputError
from qa_pipeline.io import readers
from qa_pipeline.io.base import Inputs, ReaderSpec, ReadOptions
from qa_pipeline.io.readers import READERS, read_inputs, reader_for
from qa_pipeline.report import writers
from qa_pipeline.report.output import ReportOutput, WriterSpec
from qa_pipeline.report.writers import WRITERS, write_report
from qa_pipeline.segment import build_document
from qa_pipeline.types import Bead

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "report" / "fixture_report.json"


@pytest.mark.parametrize(("name", "bilingual", "fmt"), [
    ("a.txt", False, "txt"), ("a.TEXT", False, "txt"), ("a.md", False, "md"),
    ("a.unknown", False, "txt"), ("pairs.tsv", True, "tsv"), ("pairs.TAB", True, "tsv"),
    ("m.tmx", True, "tmx"), ("f.XLF", True, "xliff"), ("f.xliff", True, "xliff"),
    ("page.html", False, "html"), ("page.HTM", False, "html"),
])
def test_reader_for_picks_by_suffix(name: str, bilingual: bool, fmt: str) -> None:
    assert reader_for(Path(name), bilingual=bilingual).name == fmt


def test_suffixes_claimed_once() -> None:
    claimed = [s for spec in READERS.values() for s in spec.suffixes]
    assert len(claimed) == len(set(claimed))


def test_bilingual_input_needs_a_bilingual_format(tmp_path: Path) -> None:
    known = r"give a TGT file, or a bilingual file \(.*\.tmx.*\.tsv.*\.xlf"
    with pytest.raises(InputError, match=known):
        read_inputs(tmp_path / "a.txt", None, "lt", "et")
    with pytest.raises(InputError, match="unknown format 'xml'"):
        reader_for(tmp_path / "a.txt", "xml")


def test_a_registered_reader_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new bilingual format is one spec: read_inputs dispatches to it by suffix."""
    def read_pipe(path: Path, sl: str, tl: str, options: ReadOptions) -> Inputs:
        rows = [line.split("|") for line in path.read_text("utf-8").splitlines()]
        src = build_document(str(path), sl, [[s] for s, _ in rows])
        tgt = build_document(str(path), tl, [[t] for _, t in rows])
        return Inputs(src, tgt, tuple(Bead((i,), (i,)) for i in range(len(rows))))

    monkeypatch.setitem(READERS, "pipe", ReaderSpec("pipe", (".pipe",), read_pairs=read_pipe))
    f = tmp_path / "x.pipe"
    f.write_text("Labas.|Tere.\nAčiū.|Aitäh.\n", "utf-8")
    got = readers.read_inputs(f, None, "lt", "et")
    assert [s.text for s in got.target.sentences] == ["Tere.", "Aitäh."]
    assert got.beads is not None and len(got.beads) == 2


def _fixture() -> dict[str, object]:
    data: dict[str, object] = json.loads(FIXTURE.read_text("utf-8"))
    return data


def test_write_report_writes_every_registered_output(tmp_path: Path) -> None:
    paths = write_report(_fixture(), tmp_path)
    assert sorted(p.name for p in paths) == sorted(w.filename for w in WRITERS.values())
    assert json.loads((tmp_path / "report.json").read_text("utf-8")) == _fixture()


def test_a_registered_writer_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def count(out: ReportOutput, path: Path) -> None:
        path.write_text(f"{len(out.records)}\n", "utf-8")

    monkeypatch.setitem(WRITERS, "count", WriterSpec("count", "count.txt", count))
    writers.write_report(_fixture(), tmp_path)
    n = len(_fixture()["findings"])  # type: ignore[arg-type]
    assert (tmp_path / "count.txt").read_text("utf-8") == f"{n}\n"


def test_xlsx_signature_sheet_carries_the_whole_signature(tmp_path: Path) -> None:
    data = _fixture()
    write_report(data, tmp_path, ["xlsx"])
    sheet = openpyxl.load_workbook(tmp_path / "findings.xlsx")["Signature"]
    rows = {r[0]: r[1] for r in sheet.iter_rows(min_row=2, values_only=True)}
    sig = data["signature"]
    assert isinstance(sig, dict)
    for key, value in sig.items():
        if key == "thresholds":
            for name, th in value.items():
                assert rows[f"threshold.{name}"] == pytest.approx(th)
        else:
            assert rows[key] == str(value)


def test_encoders_registry_resolves_names() -> None:
    assert list(ENCODERS)[-1] == "sentence-transformers"  # the catch-all comes last
    enc = load_encoder("hash-64")
    assert isinstance(enc, HashEncoder) and enc.dim == 64
    enc.load()  # the protocol's load() exists on every encoder
