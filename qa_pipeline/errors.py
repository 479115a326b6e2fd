"""Errors the library raises; the CLI maps each to an exit code and a one-line message."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3  # an unexpected error: a bug, not the input's fault
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C
EXIT_TERMINATED = 143  # 128 + SIGTERM: a cancelled CI job, `docker stop`, `kill`


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised by the command line's handler: a KeyboardInterrupt, so that every path
    that cleans up after Ctrl-C (a half-written report folder, a batch pair's temp folder)
    cleans up after it too; the command line then says "terminated" and exits 143."""


class QAError(Exception):
    """Base class: a problem the user can fix. `code` is short and stable."""

    code = "error"
    exit_code = EXIT_USAGE


class InputError(QAError):
    """An input file is missing, unreadable, empty or malformed."""

    code = "input"


class ModelError(QAError):
    """A model is missing, corrupt or cannot be loaded."""

    code = "model"


class ConfigError(QAError):
    """An option or setting has an invalid value."""

    code = "config"


class CacheError(QAError):
    """The embedding cache cannot be opened: not a database, unreadable, or not writable."""

    code = "cache"


class OutputError(QAError):
    """The output folder cannot be created or written."""

    code = "output"
