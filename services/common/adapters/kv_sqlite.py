"""The durable embedded `KeyValue`: one SQLite file per service, shared by all its processes.

The embedded runtime uses it instead of the in-process dict, so what must outlive a process does:
an `Idempotency-Key`'s first answer is kept 24 h and replayed after a crash or a restart (DESIGN
§3), dedupe markers survive a restart, and several HTTP processes of one service see one store.
It follows the rules `kv_memory` lists; tests/contract/test_key_value.py holds it to them.

- TTLs run on the wall clock (`time.time`), since a deadline must mean the same after a restart;
- each read-modify-write (`set_if_absent`, `incr`, `take_token`, `delete_prefix`) is one
  `BEGIN IMMEDIATE` transaction, so it is atomic across threads and processes;
- expired rows are deleted a batch at a time as writes go by, and `secure_delete` overwrites what
  a delete frees, so an erased answer (it may hold contact data) leaves no bytes in the file; the
  WAL is checkpointed and truncated on close for the same reason.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from services.common.adapters.kv_memory import (
    _CANONICAL_INT,
    _INT64_MAX,
    _INT64_MIN,
    _TOKEN_EPSILON,
    check_amount,
    check_bucket,
    check_prefix,
    check_ttl,
    check_value,
)

__all__ = ["SqliteKeyValue"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS kv (
    key TEXT PRIMARY KEY,
    is_bucket INTEGER NOT NULL DEFAULT 0,
    value BLOB,
    tokens REAL,
    updated_at REAL,
    expires_at REAL
);
CREATE INDEX IF NOT EXISTS kv_expires_at ON kv (expires_at) WHERE expires_at IS NOT NULL;
"""
_LIVE = "(expires_at IS NULL OR expires_at > ?)"
_SWEEP_BATCH = 256
_SWEEP_EVERY_S = 1.0


class SqliteKeyValue:
    """`KeyValue` in a SQLite file; thread-safe, and safe for several processes on one file."""

    def __init__(self, path: str | Path, *, clock: Callable[[], float] = time.time, busy_timeout_s: float = 10.0) -> None:
        self._path = Path(path)
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(str(self._path), isolation_level=None, check_same_thread=False,
                                     timeout=busy_timeout_s)
        cur = self._conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA secure_delete=ON")
        cur.executescript(_SCHEMA)
        self._last_sweep = 0.0
        self._closed = False

    def __repr__(self) -> str:
        return f"SqliteKeyValue({str(self._path)!r})"

    @property
    def path(self) -> Path:
        return self._path

    # -- the port --------------------------------------------------------------------------

    def get(self, key: str) -> bytes | None:
        with self._lock:
            row = self._conn.execute(f"SELECT is_bucket, value FROM kv WHERE key = ? AND {_LIVE}",
                                     (key, self._clock())).fetchone()
        if row is None:
            return None
        if row[0]:
            raise TypeError(f"{key!r} holds a token bucket, not a value")
        return bytes(row[1])

    def set(self, key: str, value: bytes, ttl_s: float | None = None) -> None:
        value = check_value(value)
        ttl_s = check_ttl(ttl_s)
        with self._write() as (conn, now):
            conn.execute("INSERT OR REPLACE INTO kv (key, is_bucket, value, expires_at) VALUES (?, 0, ?, ?)",
                         (key, value, None if ttl_s is None else now + ttl_s))

    def set_if_absent(self, key: str, value: bytes, ttl_s: float | None = None) -> bool:
        value = check_value(value)
        ttl_s = check_ttl(ttl_s)
        with self._write() as (conn, now):
            if conn.execute(f"SELECT 1 FROM kv WHERE key = ? AND {_LIVE}", (key, now)).fetchone():
                return False
            conn.execute("INSERT OR REPLACE INTO kv (key, is_bucket, value, expires_at) VALUES (?, 0, ?, ?)",
                         (key, value, None if ttl_s is None else now + ttl_s))
            return True

    def delete(self, *keys: str) -> int:
        unique = list(set(keys))
        if not unique:
            return 0
        with self._write() as (conn, now):
            removed = 0
            for key in unique:
                removed += conn.execute(f"DELETE FROM kv WHERE key = ? AND {_LIVE}", (key, now)).rowcount
                conn.execute("DELETE FROM kv WHERE key = ?", (key,))  # an expired leftover too
            return removed

    def incr(self, key: str, amount: int = 1, ttl_s: float | None = None) -> int:
        amount = check_amount(amount)
        ttl_s = check_ttl(ttl_s)
        with self._write() as (conn, now):
            row = conn.execute(f"SELECT is_bucket, value FROM kv WHERE key = ? AND {_LIVE}", (key, now)).fetchone()
            if row is None:
                conn.execute("INSERT OR REPLACE INTO kv (key, is_bucket, value, expires_at) VALUES (?, 0, ?, ?)",
                             (key, str(amount).encode(), None if ttl_s is None else now + ttl_s))
                return amount
            if row[0]:
                raise TypeError(f"{key!r} holds a token bucket, not a counter")
            current = bytes(row[1])
            if not _CANONICAL_INT.fullmatch(current):
                raise ValueError(f"{key!r} does not hold an integer")
            total = int(current) + amount
            if not _INT64_MIN <= total <= _INT64_MAX:
                raise ValueError(f"incrementing {key!r} would overflow 64 bits")
            conn.execute("UPDATE kv SET value = ? WHERE key = ?", (str(total).encode(), key))  # TTL as created
            return total

    def take_token(self, bucket: str, capacity: int, refill_per_s: float) -> bool:
        capacity, refill_per_s = check_bucket(capacity, refill_per_s)
        with self._write() as (conn, now):
            row = conn.execute(f"SELECT is_bucket, tokens, updated_at FROM kv WHERE key = ? AND {_LIVE}",
                               (bucket, now)).fetchone()
            if row is None:
                tokens = float(capacity)
            elif not row[0]:
                raise TypeError(f"{bucket!r} holds a value, not a token bucket")
            else:
                elapsed = max(0.0, now - row[2])
                tokens = min(float(capacity), row[1] + elapsed * refill_per_s)
            taken = tokens >= 1 - _TOKEN_EPSILON
            if taken:
                tokens = max(0.0, tokens - 1)
            full_at = now + (capacity - tokens) / refill_per_s
            conn.execute("INSERT OR REPLACE INTO kv (key, is_bucket, value, tokens, updated_at, expires_at) "
                         "VALUES (?, 1, NULL, ?, ?, ?)", (bucket, tokens, now, full_at))
            return taken

    def delete_prefix(self, prefix: str) -> int:
        prefix = check_prefix(prefix)
        with self._write() as (conn, now):
            # substr compares characters literally: no LIKE/GLOB wildcards to escape
            match = "substr(key, 1, ?) = ?"
            args = (len(prefix), prefix)
            live = conn.execute(f"SELECT count(*) FROM kv WHERE {match} AND {_LIVE}", (*args, now)).fetchone()[0]
            conn.execute(f"DELETE FROM kv WHERE {match}", args)
            return int(live)

    def ping(self) -> bool:
        try:
            with self._lock:
                self._conn.execute("SELECT 1").fetchone()
            return True
        except sqlite3.Error:
            return False

    def checkpoint(self) -> bool:
        """Fold the WAL into the file and truncate it (after an erasure, so deleted answers leave the
        WAL too); False when another process's reader kept it busy (its next checkpoint does it)."""
        with self._lock:
            if self._closed:
                return False
            try:
                busy, _, _ = self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            except sqlite3.Error:
                return False
        return busy == 0

    def close(self) -> None:
        """Checkpoint and truncate the WAL (no erased bytes left in it), then close the file."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:
                pass  # another process holds a reader; its own close checkpoints
            self._conn.close()

    # -- for tests and metrics -------------------------------------------------------------

    def __len__(self) -> int:
        """How many rows are held, expired ones not yet swept included."""
        with self._lock:
            return int(self._conn.execute("SELECT count(*) FROM kv").fetchone()[0])

    # -- inside ----------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[tuple[sqlite3.Connection, float]]:
        with self._lock:
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                now = self._clock()
                yield conn, now
                if now - self._last_sweep >= _SWEEP_EVERY_S:
                    self._last_sweep = now
                    conn.execute("DELETE FROM kv WHERE key IN (SELECT key FROM kv WHERE expires_at <= ? "
                                 "LIMIT ?)", (now, _SWEEP_BATCH))
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
