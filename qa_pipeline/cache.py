"""On-disk embedding cache keyed by (format version, model, revision, prompt, text hash).

Beside the vectors it keeps small JSON records of other per-text results that cost more to
recompute than to look up (the language check's lingua confidences), keyed the same way by
`record_key`.

SQLite keeps it one file, safe against interrupted writes, and shareable between runs and
between processes running at once (write-ahead log, a busy timeout instead of "database is
locked"). Each row records its model and when it was last used, for `cache stats` and
`cache prune --older-than`.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import CacheError

FORMAT_VERSION = 1
# Seconds a writer waits for another process's transaction before giving up.
BUSY_TIMEOUT_S = 60.0


def _key(parts: Sequence[str]) -> str:
    # Fields are length-prefixed so that no two different tuples can produce the same key.
    h = hashlib.sha256()
    for part in parts:
        b = part.encode("utf-8")
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.hexdigest()


def entry_key(model: str, revision: str, prompt: str, text: str) -> str:
    return _key((str(FORMAT_VERSION), model, revision, prompt, text))


def record_key(kind: str, *parts: str) -> str:
    """The key of a JSON record: its kind and every setting that changes its value."""
    return _key((str(FORMAT_VERSION), "record", kind, *parts))


@dataclass(frozen=True)
class CacheStats:
    path: str
    entries: int
    bytes: int  # the database file and its write-ahead log
    by_model: tuple[tuple[str, int], ...]  # (model, entries); "" for rows from before v0.2
    oldest_use: float | None  # unix time of the least recently used entry
    newest_use: float | None


class EmbeddingCache:
    def __init__(self, path: Path, readonly: bool = False) -> None:
        """The cache at `path` (made if missing); `readonly`: opened only to read it (`cache
        stats`), which works on a cache the user may not write."""
        self.path = path
        # A damaged or foreign file, a folder that cannot be made: one line naming the file
        # and the way out, not a traceback (the run has written nothing yet). A read-only
        # file or folder is no damage: deleting a good, perhaps shared, cache is not the fix.
        try:
            self._db = self._open(path, readonly)
        except sqlite3.OperationalError as exc:
            raise CacheError(f"{path}: cannot open the embedding cache ({exc}); make it "
                             "writable, point $QA_PIPELINE_CACHE at a writable folder, or "
                             "check without it (--no-cache)") from None
        except sqlite3.DatabaseError as exc:
            raise CacheError(f"{path}: not a usable embedding cache ({exc}); delete the file "
                             "to start a new one, or check without it (--no-cache)") from None
        except (sqlite3.Error, OSError) as exc:
            raise CacheError(f"{path}: cannot open the embedding cache ({exc}); point "
                             "$QA_PIPELINE_CACHE at a writable folder, or check without it "
                             "(--no-cache)") from None
        # One connection shared by a process's threads (dask's threaded workers); the lock
        # serialises them, SQLite's own locking serialises processes.
        self._lock = threading.Lock()
        # Why storing failed mid-run (a full disk, a cache made read-only, locked past the
        # timeout), once it has: then nothing more is stored and the run goes on, since the
        # cache only saves time. `on_write_error`, where set, hears the message once.
        self.write_error: str | None = None
        self.on_write_error: Callable[[str], None] | None = None

    @contextmanager
    def _use(self, transaction: bool = True) -> Iterator[sqlite3.Connection]:
        """The connection under the lock (in one transaction unless told otherwise); a cache
        that turns out unwritable, locked past the timeout or full is one line naming it."""
        try:
            with self._lock:
                if transaction:
                    with self._db:
                        yield self._db
                else:
                    yield self._db
        except sqlite3.Error as exc:
            raise CacheError(f"{self.path}: the embedding cache cannot be used ({exc}); make "
                             "it writable, point $QA_PIPELINE_CACHE at a writable folder, or "
                             "check without it (--no-cache)") from None

    @contextmanager
    def _storing(self) -> Iterator[sqlite3.Connection | None]:
        """The connection in one write transaction, or None once storing has failed. A write
        that fails (`sqlite3.OperationalError`: the disk or database is full, the file turned
        read-only, the lock timed out) is rolled back and recorded in `write_error`; the run
        goes on without storing."""
        if self.write_error is not None:
            yield None
            return
        try:
            with self._lock, self._db:
                yield self._db
        except sqlite3.OperationalError as exc:
            self.write_error = (f"embedding cache {self.path}: cannot store new vectors "
                                f"({exc}); going on without storing")
            if self.on_write_error is not None:
                self.on_write_error(self.write_error)

    @staticmethod
    def _open(path: Path, readonly: bool = False) -> sqlite3.Connection:
        if readonly:
            # In a folder it cannot write, SQLite cannot make the write-ahead log's index:
            # then the file is read as it is (immutable), which a reading command can afford.
            for mode in ("ro", "ro&immutable=1"):
                db = sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True,
                                     timeout=BUSY_TIMEOUT_S, check_same_thread=False)
                try:
                    db.execute("SELECT COUNT(*) FROM emb").fetchone()  # a cache, not any file
                    return db
                except sqlite3.OperationalError:
                    db.close()
                    if mode != "ro":
                        raise
                except BaseException:
                    db.close()
                    raise
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
        try:
            EmbeddingCache._prepare(db)
        except BaseException:
            db.close()  # a damaged file stays as it was, and no handle is left open on it
            raise
        return db

    @staticmethod
    def _prepare(db: sqlite3.Connection) -> None:
        db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        with db:
            db.execute("CREATE TABLE IF NOT EXISTS emb (key TEXT PRIMARY KEY, dim INTEGER, "
                       "vec BLOB)")
            cols = {row[1] for row in db.execute("PRAGMA table_info(emb)")}
            # Caches written before these columns existed gain them in place.
            if "model" not in cols:
                db.execute("ALTER TABLE emb ADD COLUMN model TEXT NOT NULL DEFAULT ''")
            if "used" not in cols:
                db.execute("ALTER TABLE emb ADD COLUMN used REAL NOT NULL DEFAULT 0")
            db.execute("CREATE TABLE IF NOT EXISTS rec (key TEXT PRIMARY KEY, "
                       "value TEXT NOT NULL, used REAL NOT NULL DEFAULT 0)")

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self._use(transaction=False) as db:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                marks = ",".join("?" * len(chunk))
                q = f"SELECT key, dim, vec FROM emb WHERE key IN ({marks})"
                for key, dim, blob in db.execute(q, chunk):
                    vec = np.frombuffer(blob, dtype=np.float32)
                    if vec.shape[0] == dim:
                        found[key] = vec
        self._stamp("emb", list(found))
        return found

    def _stamp(self, table: str, keys: list[str]) -> None:
        """Mark `keys` used now (for `prune --older-than`): a write, skipped as storing is."""
        if not keys:
            return
        now = time.time()
        with self._storing() as db:
            if db is None:
                return
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                db.execute(f"UPDATE {table} SET used = ? WHERE key IN "
                           f"({','.join('?' * len(chunk))})", [now, *chunk])

    def put_many(self, items: dict[str, np.ndarray], model: str = "") -> None:
        """Store vectors; once a write has failed (`write_error`), nothing more."""
        now = time.time()
        # Rows are made as sqlite takes them: a list would hold every vector's bytes at once.
        rows = ((k, int(v.shape[0]), np.asarray(v, np.float32).tobytes(), model, now)
                for k, v in items.items())
        with self._storing() as db:
            if db is not None:
                db.executemany("INSERT OR REPLACE INTO emb (key, dim, vec, model, used) "
                               "VALUES (?, ?, ?, ?, ?)", rows)

    def get_records(self, keys: Sequence[str]) -> dict[str, str]:
        """The JSON records stored under `keys` (those found)."""
        found: dict[str, str] = {}
        with self._use(transaction=False) as db:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                marks = ",".join("?" * len(chunk))
                rows = db.execute(f"SELECT key, value FROM rec WHERE key IN ({marks})",
                                  chunk).fetchall()
                found.update((str(k), str(v)) for k, v in rows)
        self._stamp("rec", list(found))
        return found

    def put_records(self, items: dict[str, str]) -> None:
        """Store JSON records; once a write has failed (`write_error`), nothing more."""
        now = time.time()
        with self._storing() as db:
            if db is not None:
                db.executemany("INSERT OR REPLACE INTO rec (key, value, used) VALUES (?, ?, ?)",
                               [(k, v, now) for k, v in items.items()])

    def stats(self) -> CacheStats:
        with self._use(transaction=False) as db:
            n, oldest, newest = db.execute(
                "SELECT COUNT(*), MIN(used), MAX(used) FROM emb").fetchone()
            by_model = tuple((str(m), int(c)) for m, c in db.execute(
                "SELECT model, COUNT(*) FROM emb GROUP BY model ORDER BY model"))
        size = sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal"))
                   if p.exists())
        return CacheStats(str(self.path), int(n), size, by_model,
                          None if oldest is None else float(oldest),
                          None if newest is None else float(newest))

    def prune(self, older_than_s: float) -> int:
        """Delete entries not used for `older_than_s` seconds; returns how many went."""
        cutoff = time.time() - older_than_s
        with self._use() as db:
            cur = db.execute("DELETE FROM emb WHERE used < ?", (cutoff,))
            removed = int(cur.rowcount)
            db.execute("DELETE FROM rec WHERE used < ?", (cutoff,))
        with self._use(transaction=False) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.execute("VACUUM")
        return removed

    def __len__(self) -> int:
        with self._use(transaction=False) as db:
            return int(db.execute("SELECT COUNT(*) FROM emb").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()
