"""Output folders for the CLI: checked for writability before any heavy work, and written
atomically (a temp folder beside the target, moved in only when everything succeeded)."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import OutputError
from ..io.move_in import check_can_move_in, in_place_of, move_in


def check_writable(out: Path, files: Iterable[str] = ()) -> None:
    """Fail before any heavy work if `out` cannot be created or written, or a folder stands
    where one of its report `files` goes: probe with a temp dir in `out` and in its parent (or
    their nearest existing ancestor: `atomic_dir` puts the report together beside `out`), and
    leave nothing behind."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a directory; choose another --out")
    probe = out
    while not probe.exists():
        if probe.is_symlink():  # a dangling link
            raise OutputError(f"{out}: {probe} is a broken symbolic link; choose another --out")
        probe = probe.parent
    if not probe.is_dir():
        raise OutputError(f"{out}: cannot be created, {probe} is not a directory; "
                          "choose another --out")
    check_can_move_in(out, files)


def _missing_parents(out: Path) -> list[Path]:
    missing = []
    p = out.parent
    while not p.exists():
        missing.append(p)
        p = p.parent
    return missing


@contextlib.contextmanager
def atomic_dir(out: Path, replaces: Iterable[str] = ()) -> Iterator[Path]:
    """Write into a temp dir beside `out`; move files in only if everything succeeded
    (`move_in`: the old files of the same names, and the stale ones named in `replaces`, go
    only when the whole new set is in). On any failure (Ctrl-C included) nothing is left: not
    the temp dir, nor folders made for it."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a directory")
    made = _missing_parents(out)
    created_out = not out.exists()
    tmp: Path | None = None
    ok = False
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
        yield tmp
        move_in(tmp, out, replaces)
        ok = True
    except OSError as e:
        where = f" in {out.parent}" if tmp is None else ""  # the temp dir beside `out`
        raise OutputError(f"{out}: cannot write{where} ({e.strerror}); choose another --out"
                          ) from None
    except OutputError as e:  # a writer's, naming the temp dir, which is gone: name `out`
        raise in_place_of(e, tmp, out) from None
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        if not ok:
            if created_out:
                shutil.rmtree(out, ignore_errors=True)
            for p in made:  # innermost first
                with contextlib.suppress(OSError):
                    p.rmdir()
