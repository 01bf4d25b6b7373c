"""The store kit: engines for SQLite (embedded) and PostgreSQL, the outbox, its relay, migrations.

A service writes its entity and the entity's event in one transaction (`Outbox.add` on the same
connection); the `OutboxRelay` publishes committed rows in order and marks them sent. Nothing is
published for a rolled-back write, and a relay that crashes between publishing and marking
publishes the same rows again (at-least-once; consumers are idempotent by event id and version).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import fcntl
import json
import logging
import os
import sqlite3
import threading
import time
import weakref
import zlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from services.common.events import CloudEvent, encode
from services.common.loops import BackgroundLoop
from services.common.ports import EventLog, MetricSample, OutgoingMessage

log = logging.getLogger(__name__)


def make_engine(database_url: str | None, *, home: Path, service: str, schema: str | None = None) -> Engine:
    """SQLite file `<home>/<service>.db` by default; with a PostgreSQL URL, the service's own schema.

    Each service owns its data: on a shared PostgreSQL server it lives in a schema named after the
    service (tests pass a random schema so runs never collide).
    """
    if not database_url:
        home.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(
            f"sqlite:///{home / f'{service}.db'}",
            connect_args={"timeout": 30, "check_same_thread": False},
            pool_size=8,
            max_overflow=8,
        )
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        _sqlite_begin_immediate(engine)
        return engine
    url = sa.make_url(database_url)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if not url.drivername.startswith("postgresql"):
        if url.drivername.startswith("sqlite"):
            engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
            sa.event.listen(engine, "connect", _sqlite_pragmas)
            _sqlite_begin_immediate(engine)
            return engine
        raise ValueError(f"unsupported DATABASE_URL driver {url.drivername!r}")
    schema = schema or service
    engine = sa.create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)

    @sa.event.listens_for(engine, "connect")
    def _search_path(dbapi_conn, _record):  # every pooled connection works in the service's schema
        with dbapi_conn.cursor() as cur:
            cur.execute(f'SET search_path TO "{schema}"')
        dbapi_conn.commit()

    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    return engine


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see _sqlite_begin_immediate)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    # Deleted rows (an erased person) are overwritten with zeros instead of lingering as free space.
    cur.execute("PRAGMA secure_delete=ON")
    cur.close()


READ_ONLY = {"talentflow_read_only": True}  # Connection.execution_options for a transaction that never writes


def _sqlite_begin_immediate(engine: Engine) -> None:
    # Writers take the lock at BEGIN, so two transactions never deadlock upgrading read locks. A
    # connection marked READ_ONLY (the unit of work's reads) begins DEFERRED: in WAL mode it reads
    # its snapshot without taking the file's one write lock from the writers.
    turn = _writer_turn(engine.url.database)

    @sa.event.listens_for(engine, "begin")
    def _begin(conn):
        read_only = conn.get_execution_options().get("talentflow_read_only")
        driver = conn.connection.driver_connection
        if read_only:
            driver.execute("BEGIN")
            return
        turn.take(driver)
        try:
            driver.execute("BEGIN IMMEDIATE")
        except BaseException as exc:
            turn.give_back(driver)
            if isinstance(exc, sqlite3.Error):  # as SQLAlchemy's own statements raise it: a busy
                # file ("database is locked") then reaches the unit of work as StoreUnavailable (503)
                raise sa.exc.DBAPIError.instance("BEGIN IMMEDIATE", None, exc, sqlite3.Error) from None
            raise

    dialect = engine.dialect  # this engine's own: the turn is given back once COMMIT/ROLLBACK ran
    commit, rollback = dialect.do_commit, dialect.do_rollback

    def do_commit(dbapi_connection):
        try:
            commit(dbapi_connection)
        finally:
            turn.give_back(dbapi_connection)

    def do_rollback(dbapi_connection):
        try:
            rollback(dbapi_connection)
        finally:
            turn.give_back(dbapi_connection)

    dialect.do_commit, dialect.do_rollback = do_commit, do_rollback
    for pool_event in ("checkin", "close", "invalidate", "close_detached"):  # a connection gone mid-write
        sa.event.listen(engine, pool_event, lambda dbapi_connection, *_: turn.give_back(dbapi_connection))


_TURNS: dict[str | None, _WriterTurn] = {}
_TURNS_LOCK = threading.Lock()


def _writer_turn(database: str | None) -> _WriterTurn:
    """One turn per file in a process, whatever the engines on it: a thread holding the turn through
    one engine would otherwise queue behind itself on the flock through another, for ever."""
    with _TURNS_LOCK:
        turn = _TURNS.get(database)
        if turn is None:
            turn = _TURNS[database] = _WriterTurn(database)
        return turn


class _WriterTurn:
    """Whose turn it is to write an SQLite file, across the processes serving it (`--processes N`).

    SQLite's own wait for its write lock (busy_timeout) sleeps and retries, up to 100 ms a nap: with
    two processes committing batch after batch, a waiting writer kept missing the moments the lock
    was free (p99 917 ms at 1,400 writes/s). Writers first queue on an flock of `<db>.writer` — the
    kernel wakes the next one the moment the turn is given back — then take SQLite's lock as before.
    A thread already holding the turn (a second connection inside its own transaction, on any engine
    of the file) does not queue for it again: SQLite's busy timeout still bounds that case, as before.
    The flock has no timeout of its own: a writer waits as long as another process holds the turn
    (a crashed process gives it back with its descriptors; only a live one stuck inside a write
    transaction keeps it, where SQLite alone would have answered "database is locked" after 30 s)."""

    def __init__(self, database: str | None):
        self.path = f"{database}.writer" if database and database != ":memory:" else None
        self._lock = threading.Lock()
        self._turns: dict[int, tuple[int, int]] = {}  # id(driver connection) → (thread id, lock file descriptor)

    def take(self, driver: Any) -> None:
        if self.path is None:
            return
        me = threading.get_ident()
        with self._lock:
            if any(thread == me for thread, _fd in self._turns.values()):
                return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # waits without the GIL
        except BaseException:
            os.close(fd)
            raise
        with self._lock:
            self._turns[id(driver)] = (me, fd)

    def give_back(self, connection: Any) -> None:
        """After COMMIT or ROLLBACK on `connection` (the driver's, or the pool's proxy of it)."""
        driver = getattr(connection, "driver_connection", connection)
        with self._lock:
            turn = self._turns.pop(id(driver), None)
        if turn is not None:
            os.close(turn[1])  # closing the descriptor releases the flock


def checkpoint_wal(engine: Engine, *, background: bool = False, busy_timeout_s: float = 5.0) -> bool:
    """SQLite: fold the WAL into the database file and truncate it, so deleted rows leave every file.

    Services call it after an erasure (`background=True`: the caller does not wait for readers to
    let go) and at stop. Returns True when the WAL is empty now (always True on PostgreSQL, whose
    own checkpoints and vacuum are the server's business; False when readers kept it busy).
    """
    if engine.dialect.name != "sqlite":
        return True
    if background:
        threading.Thread(target=checkpoint_wal, args=(engine,), kwargs={"busy_timeout_s": busy_timeout_s},
                         name="wal-checkpoint", daemon=True).start()
        return False
    try:
        raw = engine.raw_connection()
    except sa.exc.SQLAlchemyError:
        log.warning("WAL checkpoint skipped: no connection", exc_info=True)
        return False
    try:
        cur = raw.cursor()
        # TRUNCATE holds off new writers while it waits for readers: wait briefly, then give up.
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
        busy, _, _ = cur.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()
        return busy == 0
    except Exception:  # noqa: BLE001 — housekeeping: a failed checkpoint is retried at the next one
        log.warning("WAL checkpoint failed", exc_info=True)
        return False
    finally:
        raw.close()


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def ping(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        return True
    except sa.exc.SQLAlchemyError:
        return False


# --- the lean write path (issue 15) ----------------------------------------------------------------

_SQLITE_WRITE_LOCKS: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
_LOCKS_GUARD = threading.Lock()


def sqlite_write_lock(engine: Engine) -> threading.Lock:
    """The process's queue for SQLite's one writer on this engine's file: the unit of work and the
    relay take it before BEGIN IMMEDIATE, so a writer hands the turn to the next at once instead of
    sleeping in SQLite's busy handler (1, 2, 5 … 100 ms pauses)."""
    with _LOCKS_GUARD:
        return _SQLITE_WRITE_LOCKS.setdefault(engine, threading.Lock())


def _sqlite_stamp(value: dt.datetime) -> str:
    # SQLAlchemy's own SQLite DATETIME text (UTC, no offset, always microseconds), so its reads and
    # comparisons hold; isoformat is a third of strftime's cost
    if value.tzinfo is not None:
        if value.utcoffset():
            value = value.astimezone(dt.UTC)
        value = value.replace(tzinfo=None)
    return value.isoformat(" ", "microseconds")


class DriverStatement:
    """One INSERT (or any fixed statement) run on the DBAPI connection inside the caller's transaction.

    The hot inserts of the write path (a profile, a posting, an application, their outbox rows): on
    SQLite, SQLAlchemy Core spent about ten times the driver's own time per statement (execution
    context, compiled-cache key, bind and result processing: 475–538 µs against 45–56 µs for the
    two rows and the commit, docs/benchmarks.md). The SQL is compiled once per dialect from the Core
    construct, so it stays what the table declares; the values go to the driver as it takes them
    (datetimes as SQLAlchemy's SQLite text, JSON columns as text, booleans as they are), and a driver
    error leaves as SQLAlchemy's (`IntegrityError`, `OperationalError` …), which the stores and the
    unit of work translate as before.
    """

    def __init__(self, statement: Any, *, json_columns: Sequence[str] = ()):
        self.statement = statement
        self.json_columns = tuple(json_columns)
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None]] = {}

    def _sql(self, dialect: Any) -> tuple[str, tuple[str, ...] | None]:
        found = self._compiled.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            order = tuple(compiled.positiontup) if dialect.positional else None
            found = self._compiled[dialect.name] = (compiled.string, order)
        return found

    def execute(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run the statement once per row (`executemany` for several) on `conn`'s transaction."""
        if not rows:
            return
        dialect = conn.dialect
        sql, order = self._sql(dialect)
        sqlite = dialect.name == "sqlite"
        params: list[Any] = []
        for row in rows:
            values = dict(row)
            for name in self.json_columns:
                if values.get(name) is not None:
                    values[name] = orjson.dumps(values[name]).decode()
            for name, value in values.items():
                if isinstance(value, enum.Enum):  # as SQLAlchemy's String binds a str enum: its value
                    values[name] = value.value
                elif sqlite and isinstance(value, dt.date):  # SQLAlchemy's SQLite DATE/DATETIME text
                    values[name] = _sqlite_stamp(value) if isinstance(value, dt.datetime) else value.isoformat()
            params.append(tuple(values[name] for name in order) if order is not None else values)
        cursor = conn.connection.cursor()
        try:
            if len(params) == 1:
                cursor.execute(sql, params[0])
            else:
                cursor.executemany(sql, params)
        except dialect.loaded_dbapi.Error as exc:
            raise sa.exc.DBAPIError.instance(sql, None, exc, dialect.loaded_dbapi.Error, hide_parameters=True,
                                             dialect=dialect) from None
        finally:
            cursor.close()


# --- outbox ------------------------------------------------------------------------------------


def outbox_table(metadata: sa.MetaData) -> sa.Table:
    """The outbox: one row per event, in commit order of `id`; `published_at` set once sent."""
    return sa.Table(
        "outbox",
        metadata,
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(64), nullable=False, unique=True),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("value", sa.LargeBinary, nullable=False),
        sa.Column("headers", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Index("ix_outbox_unpublished", "published_at", "id"),
    )


class Outbox:
    """Writes events into the outbox on the caller's connection, inside the caller's transaction
    (on the DBAPI connection: it is on every write's path)."""

    COLUMNS = ("event_id", "topic", "key", "value", "headers", "created_at")

    def __init__(self, table: sa.Table):
        self.table = table
        self._insert = DriverStatement(table.insert().values({c: sa.bindparam(c) for c in self.COLUMNS}),
                                       json_columns=("headers",))

    def add(self, conn: Connection, *events: CloudEvent) -> None:
        if not events:
            return
        now = dt.datetime.now(dt.UTC)
        rows = []
        for event in events:
            msg = encode(event)
            rows.append(
                {
                    "event_id": event.id,
                    "topic": msg.topic,
                    "key": msg.key,
                    "value": msg.value,
                    "headers": {k: v.decode() for k, v in msg.headers.items()},
                    "created_at": now,
                }
            )
        self._insert.execute(conn, rows)

    def pending(self, conn: Connection) -> int:
        return conn.execute(
            sa.select(sa.func.count()).select_from(self.table).where(self.table.c.published_at.is_(None))
        ).scalar_one()

    def purge_published(self, conn: Connection, older_than: dt.timedelta) -> int:
        cutoff = dt.datetime.now(dt.UTC) - older_than
        t = self.table
        return conn.execute(t.delete().where(t.c.published_at.is_not(None), t.c.published_at < cutoff)).rowcount


class OutboxRelay(BackgroundLoop):
    """Publishes committed outbox rows in `id` order and marks them sent; one active relay per store.

    A `BackgroundLoop` (services/common/loops.py): idle, it polls every `idle_sleep_s` or at once
    after `wake()`; a failed cycle is retried after 0.1 s, doubling to 10 s. After a batch smaller
    than `batch_size` it lingers `linger_s` (5 ms) before the next, so a stream of writes is
    published in batches (one select, one log append, one update for many rows) rather than a
    cycle per commit: under a trickle a publish per event cost 0.6–1.3 ms, in batches 33–65 µs.

    On PostgreSQL an advisory lock keeps a second relay replica from publishing out of order; on
    SQLite one process owns the file's relay (the embedded run starts one per service).
    """

    def __init__(
        self,
        engine: Engine,
        table: sa.Table,
        event_log: EventLog,
        *,
        batch_size: int = 500,
        idle_sleep_s: float = 0.02,
        keep_published: dt.timedelta = dt.timedelta(days=1),
        name: str = "relay",
        linger_s: float = 0.005,
        on_published: Callable[[int], None] | None = None,
    ):
        super().__init__(name=name, interval_s=idle_sleep_s, backoff_s=0.1, backoff_max_s=10.0,
                         thread_name=f"outbox-{name}")
        self.engine = engine
        self.table = table
        self.log = event_log
        self.batch_size = batch_size
        self.idle_sleep_s = idle_sleep_s
        self.keep_published = keep_published
        self.linger_s = linger_s
        self.on_published = on_published
        self.published = 0
        self._last_batch = 0
        # Built once: a relay publishing a row per write spent more building these than running them.
        self._pending = (
            sa.select(table.c.id, table.c.topic, table.c.key, table.c.value, table.c.headers)
            .where(table.c.published_at.is_(None))
            .order_by(table.c.id)
            .limit(batch_size)
        )
        self._mark_published = (
            table.update()
            .where(table.c.id.in_(sa.bindparam("ids", expanding=True)))
            .values(published_at=sa.bindparam("now"))
        )
        self._postgres = is_postgres(engine)
        self._write_turn = sqlite_write_lock(engine) if engine.dialect.name == "sqlite" else contextlib.nullcontext()
        self._lock_name = f"talentflow-outbox-{table.fullname}-"
        self._last_purge = 0.0

    kind = "outbox relay"

    def publish_once(self) -> int:
        """Publish one batch of pending rows; returns how many were published."""
        with self.engine.connect() as conn:
            if self._postgres:
                # One relay per service schema: the key includes the schema, so services (and test
                # schemas) sharing a database never wait on each other's relay.
                got = conn.execute(
                    sa.text("SELECT pg_try_advisory_lock(hashtext(:name || current_schema()))"), {"name": self._lock_name}
                ).scalar()
                conn.commit()
                if not got:
                    return 0
            try:
                # On SQLite every transaction begins IMMEDIATE (the file's write lock), this read too:
                # it queues behind the process's writers instead of making them sleep in the busy handler.
                with self._write_turn:
                    rows = conn.execute(self._pending).all()
                    conn.commit()
                if not rows:
                    return 0
                self.log.publish(
                    [
                        OutgoingMessage(r.topic, r.key, bytes(r.value), {k: v.encode() for k, v in r.headers.items()})
                        for r in rows
                    ]
                )
                # Crash here → rows are published again on restart: at-least-once, never lost.
                with self._write_turn:  # SQLite: behind the process's other writers, not in the busy handler
                    conn.execute(self._mark_published, {"ids": [r.id for r in rows], "now": dt.datetime.now(dt.UTC)})
                    conn.commit()
            finally:
                if self._postgres:
                    conn.execute(sa.text("SELECT pg_advisory_unlock(hashtext(:name || current_schema()))"), {"name": self._lock_name})
                    conn.commit()
        self.published += len(rows)
        self._last_batch = len(rows)
        if self.on_published:
            self.on_published(len(rows))
        self._maybe_purge()
        return len(rows)

    def _maybe_purge(self) -> None:
        now = time.monotonic()
        if now - self._last_purge < 60:
            return
        self._last_purge = now
        with self._write_turn, self.engine.begin() as conn:
            Outbox(self.table).purge_published(conn, self.keep_published)

    def drain(self, timeout_s: float = 10.0) -> int:
        """Publish until nothing is pending (tests and shutdown)."""
        total, deadline = 0, time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            n = self.publish_once()
            total += n
            if n == 0:
                return total
        return total

    def run_once(self) -> int:
        self._last_batch = 0
        return self.publish_once()

    def after_work(self) -> None:
        if self._last_batch < self.batch_size and self.linger_s:
            # Under a steady trickle of writes, wait a moment so the next publish is one larger batch.
            self.wait(self.linger_s)

    def describe_error(self, exc: Exception, delay: float) -> None:
        log.warning("outbox relay %s failed (%s); retrying in %.1fs", self.name, type(exc).__name__, delay)
        log.debug("outbox relay %s failure", self.name, exc_info=True)

    # -- what operators see (DESIGN §6) -----------------------------------------------------------

    def backlog(self) -> tuple[int, float]:
        """Rows not yet published, and the age in seconds of the oldest (0 when none): read from the
        store, so any process of the service (the HTTP one in scale-out) can answer."""
        t = self.table
        with self.engine.connect() as conn:
            count, oldest = conn.execute(
                sa.select(sa.func.count(), sa.func.min(t.c.created_at)).where(t.c.published_at.is_(None))
            ).one()
        if not count or oldest is None:
            return 0, 0.0
        if oldest.tzinfo is None:  # SQLite hands back naive UTC
            oldest = oldest.replace(tzinfo=dt.UTC)
        return int(count), max(0.0, (dt.datetime.now(dt.UTC) - oldest).total_seconds())

    def metric_samples(self) -> list[MetricSample]:
        count, age = self.backlog()
        return [
            MetricSample("talentflow_outbox_backlog", "gauge", "outbox rows written but not yet published", {}, count),
            MetricSample("talentflow_outbox_oldest_age_seconds", "gauge",
                         "age of the oldest unpublished outbox row (0 when none)", {}, age),
            MetricSample("talentflow_outbox_published", "counter", "outbox rows published by this process", {},
                         self.published),
        ]


# --- migrations --------------------------------------------------------------------------------


def run_migrations(engine: Engine, script_location: str | Path, *, version_table: str = "alembic_version") -> None:
    """Bring the service's schema to Alembic head (the service's `migrations/` folder).

    A module with its own tables beside a service's (matching's market read model) keeps its own
    migration chain with its own `version_table`.
    """
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    with engine.begin() as conn:
        if is_postgres(engine):
            # Several replicas may start at once: one migrates, the others wait and find it done.
            lock = zlib.crc32(f"talentflow-migrate-{script_location}".encode()) & 0x7FFFFFFF
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock})
        cfg.attributes["connection"] = conn
        cfg.attributes["version_table"] = version_table
        command.upgrade(cfg, "head")


def run_env() -> None:
    """Body of every service's `migrations/env.py`: online migrations on the given connection."""
    from alembic import context

    conn = context.config.attributes.get("connection")
    if conn is None:
        raise RuntimeError("run migrations through services.common.store.run_migrations")
    context.configure(
        connection=conn,
        render_as_batch=conn.dialect.name == "sqlite",
        version_table=context.config.attributes.get("version_table", "alembic_version"),
    )
    with context.begin_transaction():
        context.run_migrations()


def schema_drift(engine: Engine, metadata: sa.MetaData) -> list:
    """Differences between the migrated database and the tables the code declares (empty = none)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn)
        return [d for d in compare_metadata(ctx, metadata) if not _ignorable(d)]


def schema_drift_for(engine: Engine, metadata: sa.MetaData) -> list:
    """Like schema_drift, but only for the tables `metadata` declares (a module sharing a store)."""
    names = set(metadata.tables)

    def foreign(diff) -> bool:
        return isinstance(diff, tuple) and (
            (diff[0] == "remove_table" and diff[1].name not in names)
            or (diff[0] == "remove_index" and diff[1].table.name not in names)
        )

    return [d for d in schema_drift(engine, metadata) if not foreign(d)]


def _ignorable(diff) -> bool:
    # alembic's own version tables are not part of the service's metadata
    return isinstance(diff, tuple) and diff[0] == "remove_table" and diff[1].name.endswith("alembic_version")


def json_dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
