"""`cache stats` / `cache prune`: the embedding cache."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import guard

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def _duration(text: str) -> float:
    import re

    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*", text)
    if not m:
        raise typer.BadParameter(f"{text!r}: expected a number and a unit, e.g. 30d, 12h",
                                 param_hint="--older-than")
    return float(m.group(1)) * _UNITS[m.group(2)]


def cache_stats() -> None:
    """Entries, size and models of the embedding cache."""
    import datetime as dt

    from ..pipeline import user_cache, user_cache_path

    if not user_cache_path().exists():  # nothing to show, and nothing made to show it
        typer.echo(f"{user_cache_path()}\nno cache yet: 0 entries")
        return
    with guard():
        st = user_cache(readonly=True).stats()

    def when(t: float | None) -> str:
        return "-" if not t else dt.datetime.fromtimestamp(t).isoformat(timespec="seconds")

    typer.echo(f"{st.path}\n{st.entries} entries, {st.bytes / 1e6:.1f} MB; last used "
               f"{when(st.oldest_use)} .. {when(st.newest_use)}")
    for model, n in st.by_model:
        typer.echo(f"  {model or '(unrecorded)'}\t{n}")


def cache_prune(
    older_than: Annotated[str, typer.Option(
        "--older-than", help="drop entries not used for this long: 30d, 12h, 90m")],
) -> None:
    """Delete embeddings not used for --older-than."""
    from ..pipeline import user_cache, user_cache_path

    seconds = _duration(older_than)
    if not user_cache_path().exists():
        typer.echo("removed 0 entries; 0 left (no cache yet)", err=True)
        return
    with guard():
        cache = user_cache()
        removed = cache.prune(seconds)
        left = len(cache)
    typer.echo(f"removed {removed} entries; {left} left", err=True)
