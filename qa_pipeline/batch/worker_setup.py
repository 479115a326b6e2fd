"""Set-up of the worker processes `batch --executor processes` starts (a dask preload).

Ctrl-C on a terminal reaches every process of the foreground group: the local cluster's
workers too, where asyncio's handler turned it into a KeyboardInterrupt and a traceback each.
The parent (`qa-pipeline batch`) is the one that answers Ctrl-C: it stops the cluster, says
one line and exits 130. So its workers ignore SIGINT.
"""

from __future__ import annotations

import contextlib
import signal


def quiet_on_interrupt() -> None:
    """Ignore SIGINT in this process (a worker: its parent handles the shutdown)."""
    with contextlib.suppress(ValueError):  # not the main thread: nothing to change there
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def dask_setup(worker: object) -> None:
    """dask's preload hook, run in each worker process as it starts."""
    quiet_on_interrupt()


__all__ = ["dask_setup", "quiet_on_interrupt"]
