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


def folder_in_the_way(folder: Path, names: Iterable[str]) -> Path | None:
    """The first of `folder`'s `names` that is a folder where `move_in` puts a file (a folder
    in a file's place is the user's, never moved aside), else None."""
    for name in sorted(names):
        p = folder / name
        if p.is_dir() and not p.is_symlink():
            return p
    return None


def check_can_move_in(folder: Path, names: Iterable[str]) -> None:
    """Before any work, what writing `names` into `folder` needs: no folder in the place of
    one of them, and write access to `folder` (where the old files are moved aside) and to
    the nearest existing folder at or above its parent (where the new set is put together
    first). Probes with a temp folder, removed at once; raises OutputError naming the path."""
    if (p := folder_in_the_way(folder, names)) is not None:
        raise OutputError(f"{p}: is a directory, where the report's file goes; "
                          "move it or choose another --out")
    above = folder.parent
    while not above.exists() and above != above.parent:
        above = above.parent
    for d in dict.fromkeys([above, *([folder] if folder.is_dir() else [])]):
        try:
            Path(tempfile.mkdtemp(prefix=".qa-probe-", dir=d)).rmdir()
        except OSError as e:
            raise OutputError(f"{folder}: cannot write in {d} ({e.strerror}); "
                              "choose another --out") from None


def in_place_of(e: OutputError, tmp: Path | None, folder: Path) -> OutputError:
    """`e` (a writer's error) with the temp folder the files were put together in, removed by
    now, replaced by the folder they were for: the message names the user's --out."""
    return e if tmp is None else OutputError(str(e).replace(str(tmp), str(folder)))


def move_in(tmp: Path, folder: Path, replaces: Iterable[str] = ()) -> list[Path]:
    """Move every file of `tmp` into `folder` (created if needed), replacing files of the same
    name; files of `folder` named in `replaces` that the new set lacks are removed. Raises
    OutputError naming the file that could not be moved; the folder is then as it was."""
    new = sorted(f.name for f in tmp.iterdir())
    targets = sorted(set(new) | set(replaces))
    if (p := folder_in_the_way(folder, targets)) is not None:
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
    except BaseException as e:  # Ctrl-C or SIGTERM between two moves too: the old set back
        for name in placed:
            with contextlib.suppress(OSError):
                (folder / name).unlink()
        for name in aside:
            with contextlib.suppress(OSError):
                os.replace(backup / name, folder / name)
        with contextlib.suppress(OSError):
            backup.rmdir()  # only once empty: a file that could not go back stays there
        if not isinstance(e, OSError):
            raise
        raise OutputError(f"{current}: cannot write ({e.strerror}); nothing was replaced"
                          ) from None
    shutil.rmtree(backup, ignore_errors=True)
    return [folder / name for name in new]


__all__ = ["check_can_move_in", "folder_in_the_way", "in_place_of", "move_in"]
