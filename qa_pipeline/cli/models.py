"""`models list` / `models pull`: the offline model registry."""

from __future__ import annotations

from typing import Annotated

import typer

from .. import config as C
from .common import QuietOpt, guard
from .progress import progress_display


def models_list() -> None:
    """Show the registry and what is installed."""
    from ..models import REGISTRY, is_pulled, model_path

    for spec in REGISTRY.values():
        state = "installed" if is_pulled(spec.name) else "not installed"
        default = " (default)" if spec.name == C.DEFAULT_MODEL else ""
        typer.echo(f"{spec.name}{default}\t{state}\t{spec.revision}\t{model_path(spec.name)}")
        typer.echo(f"    {spec.hub_id}: {spec.description}; license {spec.license}")


def models_pull(
    names: Annotated[list[str], typer.Argument(help="model names; 'all' for every one")],
    force: Annotated[bool, typer.Option("--force", help="download again")] = False,
    quiet: QuietOpt = False,
) -> None:
    """Download, assemble and verify models into the cache (offline afterwards)."""
    from ..models import REGISTRY, pull

    wanted = list(REGISTRY) if names == ["all"] else names
    with guard(), progress_display(quiet) as progress:
        for name in wanted:
            cb = (lambda d, t, n=name: progress(n, d, t)) if progress else None
            path = pull(name, force=force, progress=cb)
            typer.echo(f"{name}: {path}", err=True)
