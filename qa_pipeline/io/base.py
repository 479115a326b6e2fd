"""What a reader is: the spec it registers and the Inputs a bilingual reader returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..types import Bead, Document


@dataclass(frozen=True)
class Inputs:
    """The two documents of one check; `beads` given when the input was pre-aligned."""

    source: Document
    target: Document
    beads: tuple[Bead, ...] | None = None
    format: str = "txt"  # the reader's name (READERS)


@dataclass(frozen=True)
class ReadOptions:
    """Reader settings from the command line. `tsv_header`: None detects a header row."""

    segmented: bool = False
    tsv_header: bool | None = None


@dataclass(frozen=True)
class ReaderSpec:
    """A registered input format. A monolingual reader reads one side (`read_document(path,
    lang)`); a bilingual one reads both sides of a pre-aligned file (`read_pairs(path,
    src_lang, tgt_lang)`). `suffixes` pick the format from a file name (lower case). A
    bilingual format that declares its languages (XLIFF, TMX) gives them through
    `declared_langs(path)`: (source, target), either "" where the file does not say."""

    name: str
    suffixes: tuple[str, ...]
    read_document: Callable[[Path, str], Document] | None = None
    read_pairs: Callable[[Path, str, str, ReadOptions], Inputs] | None = None
    declared_langs: Callable[[Path], tuple[str, str]] | None = None

    @property
    def bilingual(self) -> bool:
        return self.read_pairs is not None
