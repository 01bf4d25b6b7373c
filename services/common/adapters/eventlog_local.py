"""The embedded `EventLog`: a durable local log in one SQLite file shared by the processes of one machine.

It gives the services what they rely on from Kafka, with zero set-up:

- topics split into a fixed number of partitions; a message's partition is `crc32(key) % partitions`,
  stable across processes and runs, so one key's messages stay in order;
- per-partition offsets that only grow, assigned inside the write transaction;
- consumer groups whose committed offsets live in the same file: a consumer that restarts resumes
  from its group's committed offset (at-least-once), and a new group created with
  `from_beginning=False` starts at the current end;
- several members of one group share the partitions: each member registers with a heartbeat
  (refreshed by `poll`), the live members (sorted by id) take the partitions of each topic round-robin,
  and a member reads only partitions it has claimed. A member gives up partitions that are no longer
  its share on its next poll; a member whose heartbeat expired drops out and its partitions are
  claimed by the others, who re-read them from the committed offset;
- retention by age (`purge_expired`, also run from `publish` at most once a minute per process);
- compaction of keyed topics, as Kafka's `cleanup.policy=compact` (`compact`, see below).

Compaction. For a compacted topic only the latest record of each key survives; a tombstone (an
empty value, as Kafka's null, or a record whose `ce_type` header is one of the topic's tombstone
types, such as `worker.erased`) is itself removed once it is older than `delete_retention_s`.
Records are deleted, never moved: the offsets of survivors and the groups' committed offsets stay
as they were, and a consumer simply skips the gaps. A partition is compacted when it received a
tombstone, holds a tombstone past its delete-retention, or when at least `min_dirty_ratio` of its
records came since its last compaction. A pass reads the partition without a lock and deletes in
small write transactions, so producers and consumers never wait long; a background thread of each
process runs it every `compact_interval_s` and soon after that process appended a tombstone, and
`close()` runs it for pending tombstones. Deleted bytes are overwritten (`secure_delete`) and the
WAL is truncated after a pass that deleted something, so erased data leaves the file.

Storage layout. A record's rowid is `pid << 40 | offset`, where `pid` numbers a (topic, partition):
a partition's records are one contiguous rowid range, so fetching from an offset is a primary-key
range scan and no secondary index has to be maintained on the hot write path.

Each thread gets its own connection (sqlite3 connections must not be shared across threads);
writes use `BEGIN IMMEDIATE` so concurrent writers queue on SQLite's lock (`busy_timeout`) instead
of failing on a stale read snapshot. Failures to write raise `services.common.errors.Unavailable`.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import socket
import sqlite3
import threading
import time
import uuid
import zlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from services.common.errors import Unavailable
from services.common.ports import OutgoingMessage, Record

__all__ = ["CompactionResult", "LocalEventLog", "partition_for"]

log = logging.getLogger(__name__)

_OFFSET_BITS = 40  # 1.1e12 offsets per partition, 8e6 partitions in one file
_OFFSET_MASK = (1 << _OFFSET_BITS) - 1
_NO_HEADERS: Mapping[str, bytes] = MappingProxyType({})
_PURGE_EVERY_S = 60.0
_PURGE_CHUNK = 50_000  # rows per partition per purge transaction: keeps the write lock short
_COMPACT_CHUNK = 2_000  # records deleted per compaction transaction
_COMPACT_LEASE_S = 120.0  # one process compacts at a time; a crashed holder's lease runs out
_TOMBSTONE_DEBOUNCE_S = 1.0  # erasures arriving together are compacted in one pass
_IDLE_PAUSE_MAX_S = 0.05  # an idle consumer looks at most this long after another process published
_REBALANCE_EVERY_MS = 500  # a member holding partitions checks the group's membership this often
# Write transactions committed by this process. `PRAGMA data_version` sees other connections' writes
# only, and one thread may both publish and poll (tests, a handler publishing): a consumer's idle
# check compares this too.
_WRITES = itertools.count(1)
_last_write = 0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS topics (
    name TEXT PRIMARY KEY,
    partitions INTEGER NOT NULL,
    created_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS partitions (
    pid INTEGER PRIMARY KEY,
    topic TEXT NOT NULL,
    partition INTEGER NOT NULL,
    next_offset INTEGER NOT NULL DEFAULT 0,
    UNIQUE (topic, partition)
);
CREATE TABLE IF NOT EXISTS records (
    id INTEGER PRIMARY KEY,      -- pid << 40 | offset
    key TEXT NOT NULL,
    value BLOB NOT NULL,
    headers TEXT,                -- JSON object of latin-1 strings; NULL when empty
    ts_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS group_offsets (
    grp TEXT NOT NULL,
    pid INTEGER NOT NULL,
    next_offset INTEGER NOT NULL,
    PRIMARY KEY (grp, pid)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS members (
    grp TEXT NOT NULL,
    member_id TEXT NOT NULL,
    topics TEXT NOT NULL,        -- JSON list of subscribed topics
    heartbeat_ms INTEGER NOT NULL,
    PRIMARY KEY (grp, member_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS owners (
    grp TEXT NOT NULL,
    pid INTEGER NOT NULL,
    member_id TEXT NOT NULL,
    epoch INTEGER NOT NULL,      -- changes on every claim, so a member notices it lost and regained a partition
    PRIMARY KEY (grp, pid)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tombstones (
    id INTEGER PRIMARY KEY,      -- the tombstone record's id (pid << 40 | offset)
    ts_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS compaction (
    pid INTEGER PRIMARY KEY,
    cleaned_to INTEGER NOT NULL, -- offsets below were compacted ("clean"), as Kafka's cleaner checkpoint
    clean_count INTEGER NOT NULL -- records left below cleaned_to after that pass
);
CREATE TABLE IF NOT EXISTS leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_ms INTEGER NOT NULL
) WITHOUT ROWID;
"""


def partition_for(key: str, partitions: int) -> int:
    """The partition of a key: crc32 is stable across processes, unlike Python's salted hash()."""
    return zlib.crc32(key.encode("utf-8")) % partitions


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _encode_headers(headers: Mapping[str, bytes]) -> str | None:
    if not headers:
        return None
    # latin-1 maps every byte to one code point, so any bytes round-trip through JSON text.
    return json.dumps({name: bytes(value).decode("latin-1") for name, value in headers.items()})


def _decode_headers(text: str | None) -> Mapping[str, bytes]:
    if not text:
        return _NO_HEADERS
    return {name: value.encode("latin-1") for name, value in json.loads(text).items()}


class LocalEventLog:
    """An `EventLog` in one SQLite file; safe to open from several threads and processes at once."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        partitions: int = 8,
        retention_s: float | None = 7 * 86400,
        member_ttl_s: float = 10.0,
        *,
        retention_by_topic: Mapping[str, float | None] | None = None,
        synchronous: str = "NORMAL",
        busy_timeout_s: float = 30.0,
        compacted: Mapping[str, Collection[str]] | None = None,
        delete_retention_s: float = 7 * 86400,
        min_dirty_ratio: float = 0.5,
        compact_interval_s: float | None = None,
        tombstone_header: str = "ce_type",
    ) -> None:
        """Open (or create) the log at `path`.

        `partitions` applies to topics this log creates; a topic keeps the count it was created with.
        `retention_s=None` keeps records forever; `retention_by_topic` overrides it per topic.
        `synchronous="NORMAL"` survives any process crash (WAL); "FULL" also survives power loss at
        the cost of an fsync per write transaction.
        `compacted` maps each compacted topic to its tombstone types (the `tombstone_header` value
        of a tombstone record; an empty value is always one); such a topic is never purged by age.
        `compact_interval_s` starts a background compactor in this process (None: call `compact`).
        """
        if partitions < 1:
            raise ValueError("partitions must be at least 1")
        if synchronous.upper() not in ("NORMAL", "FULL", "EXTRA"):
            raise ValueError("synchronous must be NORMAL, FULL or EXTRA")
        self.path = Path(path)
        self.partitions = partitions
        self.retention_s = retention_s
        self.retention_by_topic = dict(retention_by_topic or {})
        self.member_ttl_s = member_ttl_s
        self._synchronous = synchronous.upper()
        self._busy_timeout_ms = int(busy_timeout_s * 1000)
        self._local = threading.local()
        self._pid = os.getpid()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._topic_pids: dict[str, tuple[int, ...]] = {}
        self._pid_topic: dict[int, tuple[str, int]] = {}
        self._next_purge = time.monotonic() + _PURGE_EVERY_S
        self._closed = False
        self.compacted = {topic: frozenset(types) for topic, types in (compacted or {}).items()}
        self.delete_retention_s = delete_retention_s
        self.min_dirty_ratio = min_dirty_ratio
        self.compact_interval_s = compact_interval_s
        self.tombstone_header = tombstone_header
        self._holder = uuid.uuid4().hex
        self._compact_wake = threading.Event()
        # Publishes of this process wake its waiting consumers at once (another process's publish is
        # seen by the consumers' next look, a `PRAGMA data_version` read costing microseconds).
        self._published = threading.Condition(threading.Lock())
        self._publish_count = 0
        self._compactor_stop = False
        self._compactor: threading.Thread | None = None
        self._conn().executescript("BEGIN IMMEDIATE;" + _SCHEMA + "COMMIT;")
        if compact_interval_s is not None and self.compacted:
            self._compactor = threading.Thread(target=self._compact_loop, name="eventlog-compactor", daemon=True)
            self._compactor.start()

    # -- connections ----------------------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        if self._pid != os.getpid():
            # A forked child must not touch its parent's connections (SQLite's locks are per process).
            self._pid, self._local, self._connections = os.getpid(), threading.local(), []
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        if self._closed:
            raise Unavailable("event log is closed")
        # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so no statement opens a
        # deferred transaction behind our back. check_same_thread=False only so close() can close
        # every thread's connection; each connection is still used by its own thread.
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=self._busy_timeout_ms / 1000)
        conn.execute(f"PRAGMA busy_timeout = {self._busy_timeout_ms}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA synchronous = {self._synchronous}")
        conn.execute("PRAGMA cache_size = -16000")  # 16 MiB page cache per connection
        # Deleted records (compaction, retention) are overwritten with zeros, not left as free space.
        conn.execute("PRAGMA secure_delete = ON")
        self._local.conn = conn
        with self._lock:
            self._connections.append(conn)
        return conn

    # -- topics ---------------------------------------------------------------------------------

    def _pids(self, topic: str) -> tuple[int, ...]:
        """The partition ids of a topic, creating the topic on first use (cached: they never change)."""
        pids = self._topic_pids.get(topic)
        if pids is not None:
            return pids
        if not topic:
            raise ValueError("topic must not be empty")
        conn = self._conn()
        with _write(conn):
            conn.execute(
                "INSERT OR IGNORE INTO topics (name, partitions, created_ms) VALUES (?, ?, ?)",
                (topic, self.partitions, _now_ms()),
            )
            (count,) = conn.execute("SELECT partitions FROM topics WHERE name = ?", (topic,)).fetchone()
            conn.executemany(
                "INSERT OR IGNORE INTO partitions (topic, partition) VALUES (?, ?)",
                [(topic, p) for p in range(count)],
            )
            rows = conn.execute(
                "SELECT pid, partition FROM partitions WHERE topic = ? ORDER BY partition", (topic,)
            ).fetchall()
        pids = tuple(pid for pid, _ in rows)
        for pid, partition in rows:
            self._pid_topic[pid] = (topic, partition)
        self._topic_pids[topic] = pids
        return pids

    def _pid_of(self, topic: str, partition: int) -> int:
        pids = self._pids(topic)
        if not 0 <= partition < len(pids):
            raise ValueError(f"topic {topic!r} has no partition {partition}")
        return pids[partition]

    # -- EventLog -------------------------------------------------------------------------------

    def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        """Append all messages in one transaction: either every one is stored or none is."""
        if not messages:
            return
        routed: list[tuple[int, OutgoingMessage]] = []
        for message in messages:
            pids = self._pids(message.topic)
            routed.append((pids[partition_for(message.key, len(pids))], message))
        involved = sorted({pid for pid, _ in routed})
        now = _now_ms()
        conn = self._conn()
        tombstones: list[tuple[int, int]] = []
        try:
            with _write(conn):
                marks = ",".join("?" * len(involved))
                heads = dict(
                    conn.execute(f"SELECT pid, next_offset FROM partitions WHERE pid IN ({marks})", involved)
                )
                rows = []
                for pid, message in routed:
                    offset = heads[pid]
                    heads[pid] = offset + 1
                    rid = (pid << _OFFSET_BITS) | offset
                    rows.append((rid, message.key, message.value, _encode_headers(message.headers), now))
                    if self._is_tombstone(message):
                        tombstones.append((rid, now))
                conn.executemany("INSERT INTO records (id, key, value, headers, ts_ms) VALUES (?, ?, ?, ?, ?)", rows)
                if tombstones:
                    conn.executemany("INSERT INTO tombstones (id, ts_ms) VALUES (?, ?)", tombstones)
                conn.executemany(
                    "UPDATE partitions SET next_offset = ? WHERE pid = ?",
                    [(head, pid) for pid, head in heads.items()],
                )
        except sqlite3.Error as exc:
            raise Unavailable(f"event log: publish failed ({type(exc).__name__}: {exc})") from exc
        with self._published:
            self._publish_count += 1
            self._published.notify_all()
        if tombstones:
            self._compact_wake.set()  # an erasure: what it erased leaves the file soon, not at the next interval
        if time.monotonic() >= self._next_purge:
            self._next_purge = time.monotonic() + _PURGE_EVERY_S
            try:
                self.purge_expired()
            except sqlite3.Error:
                # Retention is housekeeping: a busy file must not fail a publish that succeeded.
                log.warning("event log: purge of expired records failed; will retry", exc_info=True)

    def _wait_for_publish(self, seen: int, timeout_s: float) -> None:
        """Sleep up to `timeout_s`, or less when this process publishes after `seen` (`_publish_count`)."""
        with self._published:
            if self._publish_count == seen:
                self._published.wait(timeout_s)

    def consumer(self, group: str, topics: Sequence[str], *, from_beginning: bool = True) -> LocalConsumer:
        return LocalConsumer(self, group, topics, from_beginning=from_beginning)

    def committed_offsets(self, group: str, topics: Sequence[str]) -> dict[tuple[str, int], int]:
        """Per (topic, partition): the group's committed next offset; never-committed ones left out."""
        pids = [pid for topic in sorted(set(topics)) for pid in self._pids(topic)]
        marks = ",".join("?" * len(pids))
        rows = self._conn().execute(
            f"SELECT pid, next_offset FROM group_offsets WHERE grp = ? AND pid IN ({marks})", (group, *pids)
        ).fetchall()
        return {self._pid_topic[pid]: offset for pid, offset in rows}

    def ping(self) -> bool:
        try:
            self._conn().execute("SELECT 1 FROM topics LIMIT 1").fetchall()
            return True
        except (sqlite3.Error, Unavailable):
            return False

    def _is_tombstone(self, message: OutgoingMessage) -> bool:
        types = self.compacted.get(message.topic)
        if types is None:
            return False
        if not message.value:
            return True
        kind = message.headers.get(self.tombstone_header)
        return kind is not None and bytes(kind).decode("latin-1") in types

    def close(self) -> None:
        """Compact pending tombstones, truncate the WAL, close every thread's connection.

        Consumers should be closed first.
        """
        if self._compactor is not None:
            self._compactor_stop = True
            self._compact_wake.set()
            self._compactor.join(30)
            self._compactor = None
        if not self._closed and self._pid == os.getpid():
            try:
                if self.compacted:
                    self.compact(tombstones_only=True)
                self.checkpoint()
            except (sqlite3.Error, Unavailable):
                log.warning("event log: compaction or checkpoint at close failed", exc_info=True)
        self._closed = True
        with self._lock:
            connections, self._connections = self._connections, []
        for conn in connections:
            try:
                conn.close()
            except sqlite3.Error:
                pass
        self._local = threading.local()

    # -- housekeeping ---------------------------------------------------------------------------

    def purge_expired(self, now_ms: int | None = None) -> int:
        """Delete records older than their topic's retention; returns how many were deleted.

        Offsets are assigned in time order, so a partition's expired records are a prefix of its
        rowid range: finding the first live record scans only what is about to be deleted.
        """
        now_ms = _now_ms() if now_ms is None else now_ms
        conn = self._conn()
        topics = conn.execute("SELECT name FROM topics").fetchall()
        deleted = 0
        for (topic,) in topics:
            retention = self.retention_by_topic.get(topic, self.retention_s)
            if retention is None:
                continue
            cutoff = now_ms - int(retention * 1000)
            for pid in self._pids(topic):
                low, high = pid << _OFFSET_BITS, (pid + 1) << _OFFSET_BITS
                while True:
                    with _write(conn):
                        first = conn.execute(
                            "SELECT id FROM records WHERE id >= ? AND id < ? ORDER BY id LIMIT 1", (low, high)
                        ).fetchone()
                        if first is None:
                            break
                        bound = min(high, first[0] + _PURGE_CHUNK)
                        live = conn.execute(
                            "SELECT id FROM records WHERE id >= ? AND id < ? AND ts_ms >= ? ORDER BY id LIMIT 1",
                            (first[0], bound, cutoff),
                        ).fetchone()
                        end = live[0] if live else bound
                        count = conn.execute("DELETE FROM records WHERE id >= ? AND id < ?", (first[0], end)).rowcount
                    deleted += count
                    if live is not None or count == 0:
                        break
        return deleted


    def compact(self, now_ms: int | None = None, *, tombstones_only: bool = False) -> CompactionResult:
        """Compact the partitions of compacted topics that need it (see the module's docstring).

        One process compacts at a time (a lease in the file); when another holds it, nothing is
        done and the result says `busy`. `tombstones_only` limits the pass to partitions with a
        new or expired tombstone (what `close` runs: erasures, not housekeeping).
        """
        if not self.compacted:
            return CompactionResult()
        now_ms = _now_ms() if now_ms is None else now_ms
        cutoff = now_ms - int(self.delete_retention_s * 1000)
        conn = self._conn()
        if not self._take_lease(conn, now_ms):
            return CompactionResult(busy=True)
        removed = compacted = 0
        try:
            topics = sorted(self.compacted)
            marks = ",".join("?" * len(topics))
            heads = conn.execute(
                f"SELECT p.pid, p.next_offset, c.cleaned_to, c.clean_count FROM partitions p "
                f"LEFT JOIN compaction c ON c.pid = p.pid WHERE p.topic IN ({marks}) ORDER BY p.pid",
                topics,
            ).fetchall()
            for pid, head, cleaned_to, clean_count in heads:
                if not self._needs_compaction(conn, pid, head, cleaned_to or 0, clean_count or 0, cutoff, tombstones_only):
                    continue
                removed += self._compact_partition(conn, pid, head, cutoff)
                compacted += 1
                self._take_lease(conn, _now_ms())  # renew between partitions
        finally:
            with _write(conn):
                conn.execute("DELETE FROM leases WHERE name = 'compaction' AND holder = ?", (self._holder,))
        if removed:
            self.checkpoint()  # the deleted records' old pages leave the WAL too
        return CompactionResult(removed=removed, partitions=compacted)

    def checkpoint(self, busy_timeout_s: float = 2.0) -> bool:
        """Copy the WAL into the file and truncate it to zero bytes; False if readers kept it busy."""
        conn = self._conn()
        # TRUNCATE holds off new writers while it waits for readers: wait briefly, not busy_timeout.
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        try:
            busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            conn.execute(f"PRAGMA busy_timeout = {self._busy_timeout_ms}")
        return busy == 0

    def _take_lease(self, conn: sqlite3.Connection, now_ms: int) -> bool:
        with _write(conn):
            row = conn.execute("SELECT holder, expires_ms FROM leases WHERE name = 'compaction'").fetchone()
            if row is not None and row[0] != self._holder and row[1] > now_ms:
                return False
            conn.execute(
                "INSERT INTO leases (name, holder, expires_ms) VALUES ('compaction', ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_ms = excluded.expires_ms",
                (self._holder, now_ms + int(_COMPACT_LEASE_S * 1000)),
            )
        return True

    def _needs_compaction(
        self, conn: sqlite3.Connection, pid: int, head: int, cleaned_to: int, clean_count: int, cutoff: int,
        tombstones_only: bool,
    ) -> bool:
        low, high = pid << _OFFSET_BITS, (pid + 1) << _OFFSET_BITS
        # A tombstone since the last pass: what it erased must go now.
        if conn.execute("SELECT 1 FROM tombstones WHERE id >= ? AND id < ? LIMIT 1", (low | cleaned_to, high)).fetchone():
            return True
        # A tombstone past its delete-retention goes itself.
        if conn.execute(
            "SELECT 1 FROM tombstones WHERE id >= ? AND id < ? AND ts_ms < ? LIMIT 1", (low, high, cutoff)
        ).fetchone():
            return True
        if tombstones_only:
            return False
        dirty = head - cleaned_to
        return dirty > 0 and dirty >= self.min_dirty_ratio * (clean_count + dirty)

    def _compact_partition(self, conn: sqlite3.Connection, pid: int, head: int, cutoff: int) -> int:
        """One partition up to `head`: superseded records go, then tombstones past delete-retention."""
        low = pid << _OFFSET_BITS
        # One read (a snapshot, no lock held against writers): each record, and whether it is the
        # latest of its key. Records appended meanwhile lie above `head`, for the next pass.
        rows = conn.execute(
            "SELECT id, id = MAX(id) OVER (PARTITION BY key) FROM records WHERE id >= ? AND id < ?",
            (low, low | head),
        ).fetchall()
        superseded = [rid for rid, latest in rows if not latest]
        # Superseded records first: a tombstone must not go while an older record of its key is left.
        removed = self._delete_records(conn, superseded)
        expired = [
            rid
            for (rid,) in conn.execute(
                "SELECT id FROM tombstones WHERE id >= ? AND id < ? AND ts_ms < ?", (low, low | head, cutoff)
            )
        ]
        removed += self._delete_records(conn, expired)
        left = len(rows) - len(set(superseded).union(expired))
        with _write(conn):
            conn.execute(
                "INSERT INTO compaction (pid, cleaned_to, clean_count) VALUES (?, ?, ?) "
                "ON CONFLICT (pid) DO UPDATE SET cleaned_to = MAX(cleaned_to, excluded.cleaned_to), "
                "clean_count = excluded.clean_count",
                (pid, head, left),
            )
        return removed

    def _delete_records(self, conn: sqlite3.Connection, ids: Sequence[int]) -> int:
        removed = 0
        for start in range(0, len(ids), _COMPACT_CHUNK):
            chunk = ids[start : start + _COMPACT_CHUNK]
            marks = ",".join("?" * len(chunk))
            with _write(conn):  # small transactions: a producer waits for one chunk at most
                removed += conn.execute(f"DELETE FROM records WHERE id IN ({marks})", chunk).rowcount
                conn.execute(f"DELETE FROM tombstones WHERE id IN ({marks})", chunk)
        return removed

    def _compact_loop(self) -> None:
        """Background compactor: every `compact_interval_s`, and a moment after a tombstone was appended."""
        assert self.compact_interval_s is not None
        next_run = time.monotonic() + self.compact_interval_s
        while True:
            if self._compact_wake.wait(max(0.0, next_run - time.monotonic())):
                self._compact_wake.clear()
                if self._compactor_stop:
                    return
                next_run = min(next_run, time.monotonic() + _TOMBSTONE_DEBOUNCE_S)
                continue
            if self._compactor_stop:
                return
            try:
                result = self.compact()
                # Another process holds the lease: look again soon, its pass may predate our tombstone.
                next_run = time.monotonic() + (min(2.0, self.compact_interval_s) if result.busy else self.compact_interval_s)
                if result.removed:
                    log.info("event log: compaction removed %d records from %d partitions", result.removed, result.partitions)
            except (sqlite3.Error, Unavailable):
                log.warning("event log: compaction failed; will retry", exc_info=True)
                next_run = time.monotonic() + self.compact_interval_s


@dataclass(frozen=True, slots=True)
class CompactionResult:
    """What one `compact` call did."""

    removed: int = 0  # records deleted
    partitions: int = 0  # partitions compacted
    busy: bool = False  # another process was compacting: nothing done


class _write:
    """`with _write(conn):` — one IMMEDIATE write transaction, rolled back on any error."""

    __slots__ = ("conn",)

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            try:
                self.conn.execute("COMMIT")
                global _last_write
                _last_write = next(_WRITES)
                return
            except sqlite3.Error:
                self.conn.execute("ROLLBACK")
                raise
        self.conn.execute("ROLLBACK")


@dataclass(frozen=True, slots=True)
class _Plan:
    release: set[int]  # held by us, no longer our share
    claim: set[int]  # our share, free to take (unheld, held by a dead member, or re-claimed)
    lost: set[int]  # cached as ours, but the file says otherwise
    write: bool  # whether a write transaction is needed (changes or a heartbeat)


class LocalConsumer:
    """One member of a consumer group on a `LocalEventLog`. Use it from one thread at a time."""

    def __init__(self, log: LocalEventLog, group: str, topics: Sequence[str], *, from_beginning: bool = True) -> None:
        if not group:
            raise ValueError("group must not be empty")
        if isinstance(topics, str) or not topics:
            raise ValueError("topics must be a non-empty sequence of topic names")
        self._log = log
        self.group = group
        self.topics = tuple(sorted(set(topics)))
        self.member_id = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self._ttl_ms = int(log.member_ttl_s * 1000)
        self._pids_by_topic = {topic: log._pids(topic) for topic in self.topics}
        self._subscribed = {pid for pids in self._pids_by_topic.values() for pid in pids}
        self._owned: dict[int, tuple[int, int]] = {}  # pid -> (claim epoch, next offset to fetch)
        self._last_heartbeat_ms = 0
        self._last_rebalance_ms = 0
        self._rotation = 0
        self._closed = False
        # (connection, PRAGMA data_version, this process's last write) when the last look found
        # everything read: until someone writes to the file, or a heartbeat is due, nothing is new.
        self._quiet: tuple[sqlite3.Connection, int, int] | None = None
        conn = log._conn()
        with _write(conn):
            if not from_beginning:
                # A new group starts at the end: fix its start now, so nothing published after this
                # call is skipped even if the first poll comes much later.
                marks = ",".join("?" * len(self._subscribed))
                conn.execute(
                    "INSERT OR IGNORE INTO group_offsets (grp, pid, next_offset) "
                    f"SELECT ?, pid, next_offset FROM partitions WHERE pid IN ({marks})",
                    (group, *sorted(self._subscribed)),
                )
            self._heartbeat(conn, _now_ms())

    # -- membership -----------------------------------------------------------------------------

    def _heartbeat(self, conn: sqlite3.Connection, now: int) -> None:
        conn.execute(
            "INSERT INTO members (grp, member_id, topics, heartbeat_ms) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (grp, member_id) DO UPDATE SET heartbeat_ms = excluded.heartbeat_ms, topics = excluded.topics",
            (self.group, self.member_id, json.dumps(self.topics), now),
        )
        self._last_heartbeat_ms = now

    def _target(self, members: list[tuple[str, str, int]], now: int) -> set[int]:
        """This member's share: per topic, the live subscribers sorted by id take partitions round-robin."""
        live = {member_id: json.loads(topics) for member_id, topics, beat in members if beat >= now - self._ttl_ms}
        live[self.member_id] = list(self.topics)
        target: set[int] = set()
        for topic, pids in self._pids_by_topic.items():
            subscribers = sorted(member_id for member_id, topics in live.items() if topic in topics)
            index, count = subscribers.index(self.member_id), len(subscribers)
            target.update(pid for partition, pid in enumerate(pids) if partition % count == index)
        return target

    def _plan(self, conn: sqlite3.Connection, now: int) -> _Plan:
        """Compare this member's share with what it holds; reads only."""
        members = conn.execute(
            "SELECT member_id, topics, heartbeat_ms FROM members WHERE grp = ?", (self.group,)
        ).fetchall()
        live_ids = {member_id for member_id, _, beat in members if beat >= now - self._ttl_ms}
        registered = self.member_id in live_ids
        live_ids.add(self.member_id)
        target = self._target(members, now)
        owners = {
            pid: (member_id, epoch)
            for pid, member_id, epoch in conn.execute(
                "SELECT pid, member_id, epoch FROM owners WHERE grp = ?", (self.group,)
            )
            if pid in self._subscribed
        }
        mine = {pid: epoch for pid, (member_id, epoch) in owners.items() if member_id == self.member_id}
        # Held under another claim than ours: we expired and someone took it, or it was re-claimed.
        lost = {pid for pid, (epoch, _) in self._owned.items() if mine.get(pid) != epoch}
        release = {pid for pid in mine if pid not in target}

        def claimable(pid: int) -> bool:
            holder = owners.get(pid)
            if holder is None:
                return True
            if holder[0] == self.member_id:
                return pid in lost or pid not in self._owned
            # A live member gives a partition up itself on its next poll; a dead one never will.
            return holder[0] not in live_ids

        claim = {pid for pid in target if claimable(pid)}
        heartbeat_due = not registered or now - self._last_heartbeat_ms >= self._ttl_ms // 4
        return _Plan(release, claim, lost, heartbeat_due or bool(release or claim))

    def _rebalance(self) -> None:
        conn = self._log._conn()
        now = _now_ms()
        plan = self._plan(conn, now)  # the common case is a read that finds nothing to change
        for pid in plan.lost:
            del self._owned[pid]
        if not plan.write:
            return
        with _write(conn):
            # Plan again under the write lock: another member may have moved in between.
            plan = self._plan(conn, now)
            for pid in plan.lost:
                del self._owned[pid]
            self._heartbeat(conn, now)
            if plan.release:
                conn.executemany(
                    "DELETE FROM owners WHERE grp = ? AND pid = ? AND member_id = ?",
                    [(self.group, pid, self.member_id) for pid in plan.release],
                )
                for pid in plan.release:
                    self._owned.pop(pid, None)
            if plan.claim:
                epoch = time.time_ns()
                conn.executemany(
                    "INSERT INTO owners (grp, pid, member_id, epoch) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (grp, pid) DO UPDATE SET member_id = excluded.member_id, epoch = excluded.epoch",
                    [(self.group, pid, self.member_id, epoch) for pid in plan.claim],
                )
                marks = ",".join("?" * len(plan.claim))
                committed = dict(
                    conn.execute(
                        f"SELECT pid, next_offset FROM group_offsets WHERE grp = ? AND pid IN ({marks})",
                        (self.group, *plan.claim),
                    )
                )
                # A (re)claimed partition is read again from the group's committed offset.
                for pid in plan.claim:
                    self._owned[pid] = (epoch, committed.get(pid, 0))
            # Expired members leave the table; one that comes back registers again on its next poll.
            conn.execute(
                "DELETE FROM members WHERE grp = ? AND heartbeat_ms < ? AND member_id != ?",
                (self.group, now - self._ttl_ms, self.member_id),
            )

    def assignment(self) -> list[tuple[str, int]]:
        """The (topic, partition) pairs this member holds now."""
        return sorted(self._log._pid_topic[pid] for pid in self._owned)

    # -- Consumer -------------------------------------------------------------------------------

    def poll(self, timeout_s: float = 1.0, max_records: int = 500) -> list[Record]:
        if self._closed:
            raise RuntimeError("consumer is closed")
        deadline = time.monotonic() + max(0.0, timeout_s)
        pause = 0.005
        while True:
            seen = self._log._publish_count
            try:
                records = self._look(max_records)
            except sqlite3.Error as exc:
                raise Unavailable(f"event log: poll failed ({type(exc).__name__}: {exc})") from exc
            remaining = deadline - time.monotonic()
            if records or remaining <= 0:
                return records
            # A publish of this process wakes us at once; another process's is found by the next
            # look (backing off to 50 ms), which costs a `PRAGMA data_version` while nothing changed.
            self._log._wait_for_publish(seen, min(pause, remaining))
            pause = min(pause * 2, _IDLE_PAUSE_MAX_S)

    def _look(self, max_records: int) -> list[Record]:
        """Rebalance when due, then fetch; nothing at all when the file has not changed since a look
        that found this member caught up (an idle member costs one pragma read per look)."""
        conn = self._log._conn()
        written = _last_write
        (version,) = conn.execute("PRAGMA data_version").fetchone()
        now = _now_ms()
        heartbeat_due = now - self._last_heartbeat_ms >= self._ttl_ms // 4
        quiet = self._quiet
        if not heartbeat_due and quiet is not None and quiet[0] is conn and quiet[1] == version and quiet[2] == written:
            return []
        self._quiet = None
        if heartbeat_due or not self._owned or now - self._last_rebalance_ms >= _REBALANCE_EVERY_MS:
            self._rebalance()
            self._last_rebalance_ms = now
        records = self._fetch(max_records)
        if len(records) < max_records:
            # Every partition held was read to the head it had after `version`: caught up.
            self._quiet = (conn, version, written)
        return records

    def _fetch(self, max_records: int) -> list[Record]:
        if not self._owned:
            return []
        conn = self._log._conn()
        owned = sorted(self._owned)
        marks = ",".join("?" * len(owned))
        heads = dict(conn.execute(f"SELECT pid, next_offset FROM partitions WHERE pid IN ({marks})", owned))
        ready = [(pid, self._owned[pid][1], heads[pid]) for pid in owned if self._owned[pid][1] < heads[pid]]
        if not ready:
            return []
        # Start at a rotating partition and take at most max_records partitions, so none starves.
        start = self._rotation % len(ready)
        self._rotation += 1
        ready = (ready[start:] + ready[:start])[: max(1, max_records)]
        # Share the batch among the partitions that have records, so none starves; one query for all.
        share, extra = divmod(max(max_records, len(ready)), len(ready))
        parts, params, limits = [], [], {}
        for index, (pid, position, head) in enumerate(ready):
            limits[pid] = share + (1 if index < extra else 0)
            parts.append("SELECT * FROM (SELECT id, key, value, headers, ts_ms FROM records WHERE id >= ? AND id < ? ORDER BY id LIMIT ?)")
            params += [(pid << _OFFSET_BITS) | position, (pid << _OFFSET_BITS) | head, limits[pid]]
        rows = conn.execute(" UNION ALL ".join(parts), params).fetchall()
        pid_topic = self._log._pid_topic
        records = []
        counts: dict[int, int] = {}
        for rid, key, value, headers, ts_ms in rows:
            pid, offset = rid >> _OFFSET_BITS, rid & _OFFSET_MASK
            topic, partition = pid_topic[pid]
            records.append(Record(topic, partition, offset, key, value, _decode_headers(headers), ts_ms))
            self._owned[pid] = (self._owned[pid][0], offset + 1)
            counts[pid] = counts.get(pid, 0) + 1
        for pid, _, head in ready:
            if counts.get(pid, 0) < limits[pid]:
                # Everything up to the head came: a gap left by compaction is not looked at again.
                self._owned[pid] = (self._owned[pid][0], head)
        return records

    def commit(self, records: Sequence[Record]) -> None:
        if self._closed:
            raise RuntimeError("consumer is closed")
        if not records:
            return
        ends: dict[int, int] = {}
        for record in records:
            pid = self._log._pid_of(record.topic, record.partition)
            ends[pid] = max(ends.get(pid, 0), record.offset + 1)
        conn = self._log._conn()
        try:
            with _write(conn):
                # MAX: a late commit from a member that lost the partition never moves the group back.
                conn.executemany(
                    "INSERT INTO group_offsets (grp, pid, next_offset) VALUES (?, ?, ?) "
                    "ON CONFLICT (grp, pid) DO UPDATE SET next_offset = MAX(next_offset, excluded.next_offset)",
                    [(self.group, pid, end) for pid, end in ends.items()],
                )
                now = _now_ms()
                if now - self._last_heartbeat_ms >= self._ttl_ms // 4:
                    self._heartbeat(conn, now)
        except sqlite3.Error as exc:
            raise Unavailable(f"event log: commit failed ({type(exc).__name__}: {exc})") from exc

    def lag(self) -> dict[tuple[str, int], int]:
        """Per partition held: its head minus this member's position (records not yet read), for /metrics."""
        if self._closed or not self._owned:
            return {}
        owned = sorted(self._owned)
        marks = ",".join("?" * len(owned))
        heads = dict(self._log._conn().execute(f"SELECT pid, next_offset FROM partitions WHERE pid IN ({marks})", owned))
        return {self._log._pid_topic[pid]: max(0, heads.get(pid, 0) - self._owned[pid][1]) for pid in owned}

    def committed(self, topic: str, partition: int) -> int | None:
        """The group's committed offset (next offset to read) on one partition, None if never committed."""
        row = self._log._conn().execute(
            "SELECT next_offset FROM group_offsets WHERE grp = ? AND pid = ?",
            (self.group, self._log._pid_of(topic, partition)),
        ).fetchone()
        return None if row is None else row[0]

    def close(self) -> None:
        """Leave the group at once, so the other members take over without waiting for the TTL."""
        if self._closed:
            return
        self._closed = True
        self._owned.clear()
        try:
            conn = self._log._conn()
            with _write(conn):
                conn.execute("DELETE FROM owners WHERE grp = ? AND member_id = ?", (self.group, self.member_id))
                conn.execute("DELETE FROM members WHERE grp = ? AND member_id = ?", (self.group, self.member_id))
        except (sqlite3.Error, Unavailable):
            # Closing after the log closed, or on a busy file: the heartbeat will simply expire.
            log.debug("event log: could not leave group %s cleanly", self.group, exc_info=True)
