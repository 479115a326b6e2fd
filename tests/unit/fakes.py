"""Test doubles shared by the unit tests."""

from __future__ import annotations

import sqlite3
from typing import Any


class FullDisk:
    """A cache connection on a full disk: it reads, and every write fails as SQLite's does."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.writes = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: Any) -> Any:
        return self.db.__exit__(*exc)

    def _write(self) -> None:
        self.writes += 1
        raise sqlite3.OperationalError("database or disk is full")

    def execute(self, sql: str, *args: Any) -> Any:
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            self._write()
        return self.db.execute(sql, *args)

    def executemany(self, sql: str, *args: Any) -> Any:
        self._write()
