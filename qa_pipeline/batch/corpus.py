"""Corpus discovery: `corpora/<doc-id>/<lang>.<ext>` into document jobs, and where each
pair's reports go.

A document folder missing a configured language is a warning (`MissingSide`), not silence.
A document id is one plain path component; its report folder must resolve inside the output
folder (a symlink planted in `reports/` cannot redirect writes elsewhere).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..io.readers import READERS
from ..report.output import MissingSide


@dataclass(frozen=True)
class PairJob:
    document: str
    src_lang: str
    tgt_lang: str
    source: Path
    target: Path

    @property
    def folder(self) -> str:
        """The pair's report folder, relative to the output folder."""
        return f"{self.document}/{self.src_lang}-{self.tgt_lang}"

    @property
    def paths(self) -> tuple[Path, ...]:
        return (self.source, self.target)


@dataclass(frozen=True)
class NwayJob:
    """One document's n-way check: the source and every translation its folder has."""

    document: str
    src_lang: str
    tgt_langs: tuple[str, ...]
    source: Path
    targets: tuple[Path, ...]

    @property
    def tgt_lang(self) -> str:
        """The translations as one label, e.g. "lt+et+lv" (the baseline's pair is
        "en-lt+et+lv")."""
        return "+".join(self.tgt_langs)

    @property
    def target(self) -> Path:
        return self.targets[0]

    @property
    def folder(self) -> str:
        return f"{self.document}/{self.src_lang}-{self.tgt_lang}"

    @property
    def paths(self) -> tuple[Path, ...]:
        return (self.source, *self.targets)


Job = PairJob | NwayJob


@dataclass(frozen=True)
class DocumentJob:
    """The unit of work: one document and every configured check of it (one pair per
    target, or one n-way check). `error`: why the folder cannot be checked at all (two
    files of one language); it is that document's error, the others still run."""

    document: str
    pairs: tuple[Job, ...]
    error: str = ""


def side_suffixes() -> tuple[str, ...]:
    """The file extensions a document side may have: every monolingual reader's."""
    return tuple(s for spec in READERS.values() if not spec.bilingual for s in spec.suffixes)


def find_side(folder: Path, lang: str) -> Path | None:
    found = [folder / f"{lang}{s}" for s in side_suffixes() if (folder / f"{lang}{s}").is_file()]
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise InputError(f"{folder}: more than one {lang} file ({names}); keep one")
    return found[0] if found else None


# What a batch run writes at the top of its output folder, where a document's reports go too.
BATCH_OUTPUTS = ("index.html", "junit.xml", "summary.json")


def _is_document(folder: Path) -> bool:
    return folder.is_dir() and not folder.name.startswith((".", "_"))


def discover(corpora: Path, src_lang: str, tgt_langs: tuple[str, ...],
             nway: bool = False) -> tuple[list[DocumentJob], list[MissingSide]]:
    """Every document folder's configured pairs, in name order, and what is missing. With
    `nway`, a folder with the source and two or more targets is one n-way job (with a single
    target present, that pair is checked pairwise)."""
    if not corpora.is_dir():
        what = "not a directory" if corpora.exists() else "no such folder"
        raise InputError(f"{corpora}: {what}; give the folder of document folders")
    jobs: list[DocumentJob] = []
    missing: list[MissingSide] = []
    for folder in sorted(p for p in corpora.iterdir() if _is_document(p)):
        doc = folder.name
        if doc in BATCH_OUTPUTS:  # its reports' folder would take the run's own file's place
            jobs.append(DocumentJob(doc, (), f"{folder}: a document folder cannot be named "
                                             f"like a batch output ({', '.join(BATCH_OUTPUTS)});"
                                             " rename it"))
            continue
        try:
            src = find_side(folder, src_lang)
            tgts = {lang: find_side(folder, lang) for lang in tgt_langs}
        except InputError as e:
            jobs.append(DocumentJob(doc, (), str(e)))
            continue
        if src is None and not any(tgts.values()):
            # not a document folder at all (no file of any configured language); one whose
            # subfolders hold documents is said, since documents are found one level down only
            if any(_is_document(sub) and find_side(sub, src_lang) is not None
                   for sub in folder.iterdir()):
                missing.append(MissingSide(doc, src_lang, f"{folder}: no {src_lang} file, but "
                                           "its subfolders have some; documents are the "
                                           "corpus folder's own subfolders (not searched "
                                           "deeper): not checked"))
            continue
        langs = [src_lang] if src is None else []
        langs += [lang for lang, p in tgts.items() if p is None]
        for lang in langs:
            missing.append(MissingSide(doc, lang, f"{folder}: no {lang} file "
                                       f"({lang}{'/'.join(side_suffixes())}); not checked"))
        if src is None:
            continue
        present = {lang: p for lang, p in tgts.items() if p is not None}
        pairs: tuple[Job, ...] = tuple(PairJob(doc, src_lang, lang, src, p)
                                       for lang, p in present.items())
        if nway and len(present) >= 2:
            pairs = (NwayJob(doc, src_lang, tuple(present), src, tuple(present.values())),)
        if pairs:
            jobs.append(DocumentJob(doc, pairs))
    if not any(j.pairs for j in jobs) and not any(j.error for j in jobs):
        raise InputError(f"{corpora}: no document folders with {src_lang} and "
                         f"{'/'.join(tgt_langs)} files (NAME/{src_lang}.txt + "
                         f"NAME/{tgt_langs[0]}.txt)")
    return jobs, missing


def safe_folder(out: Path, relative: str) -> Path:
    """`out / relative`, refusing anything that would land outside `out`: a name with a path
    separator or `..`, or a symlink already in `out` pointing elsewhere."""
    parts = Path(relative).parts
    if Path(relative).is_absolute() or any(p in ("..", ".", "") for p in parts) or "\\" in relative:
        raise InputError(f"{relative!r}: not a safe report folder name")
    root = out.resolve()
    target = out
    for part in parts:
        target = target / part
        if target.is_symlink():
            raise InputError(f"{target}: is a symlink; refusing to write reports through it")
    if not target.resolve().is_relative_to(root):
        raise InputError(f"{target}: resolves outside {out}; refusing to write there")
    return target
