"""Moving a finished set of output files into their folder, all or nothing.

A report is several files (report.json, report.html, findings.csv, ...). They are written
into a temp folder first; `move_in` then puts them in place so that the folder ends up holding
either the new set or the old one, never a mix: the old files (and stale outputs the new set
does not rewrite, e.g. a pairwise findings.csv under an n-way report) are moved aside first,
and put back if anything fails.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..errors import OutputError


def move_in(tmp: Path, folder: Path, replaces: Iterable[str] = ()) -> list[Path]:
    """Move every file of `tmp` into `folder` (created if needed), replacing files of the same
    name; files of `folder` named in `replaces` that the new set lacks are removed. Raises
    OutputError naming the file that could not be moved; the folder is then as it was."""
    new = sorted(f.name for f in tmp.iterdir())
    targets = sorted(set(new) | set(replaces))
    for name in targets:  # a folder in a file's place is the user's, never moved aside
        p = folder / name
        if p.is_dir() and not p.is_symlink():
            raise OutputError(f"{p}: is a directory, where the report's file goes; "
                              "move it or choose another --out")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        backup = Path(tempfile.mkdtemp(prefix=".qa-old-", dir=folder))
    except OSError as e:
        raise OutputError(f"{folder}: cannot write ({e.strerror}); choose another --out") from None
    current = folder
    aside: list[str] = []
    placed: list[str] = []
    try:
        for name in targets:
            current = folder / name
            if current.exists() or current.is_symlink():
                os.replace(current, backup / name)
                aside.append(name)
        for name in new:
            current = folder / name
            os.replace(tmp / name, current)
            placed.append(name)
    except OSError as e:
        for name in placed:
            with contextlib.suppress(OSError):
                (folder / name).unlink()
        for name in aside:
            with contextlib.suppress(OSError):
                os.replace(backup / name, folder / name)
        with contextlib.suppress(OSError):
            backup.rmdir()  # only once empty: a file that could not go back stays there
        raise OutputError(f"{current}: cannot write ({e.strerror}); nothing was replaced"
                          ) from None
    shutil.rmtree(backup, ignore_errors=True)
    return [folder / name for name in new]


__all__ = ["move_in"]
