"""The unit of work: one transaction boundary for every command of a service (cosmicpython's idea).

A handler says what to change; the unit of work decides the transaction:

    with deps.uow as uow:                       # BEGIN (one transaction)
        worker = uow.store.get_worker(worker_id, for_update=True)
        uow.store.update_worker(changed, codes)
        uow.publish(upserted_event)             # the outbox row, in the same transaction
                                                # COMMIT on a clean exit, ROLLBACK on an exception,
                                                # then `after_commit` (wake the relay) if anything was published

    with deps.uow.read() as uow:                # a connection without a write transaction (queries)
        page = uow.store.list_workers(...)

- `uow.store` is the service's store bound to the transaction's connection: it owns the SQL, returns
  domain objects (dataclasses / pydantic models, never SQLAlchemy rows) and turns driver errors into
  domain errors (`@translates_driver_errors`, `raise … from None`), so no handler or route imports
  SQLAlchemy.
- A `with uow:` inside another on the same thread joins it (one transaction, one commit at the
  outermost exit): a consumer that stores its offset with the effect opens the unit and calls the
  same handlers the API calls.
- The state of the open unit is per thread, so one `UnitOfWork` is built per service and shared.
- `InMemoryUnitOfWork` runs handlers on an in-memory fake store (tests/fakes_*.py): handler unit tests
  need no database. It restores the fake's state on an exception, as a rollback would.

Routes on the write path are `async` and hand the command to the unit of work (issue 15):

    state = await deps.uow.run(handlers.create_worker, deps, principal, worker)

On SQLite (`queue_sqlite_writers`) one writer thread per process runs the commands, each
acknowledged only after the commit: the commands waiting when it turns to them share one
transaction (group commit), each in its own SAVEPOINT, so a command that fails leaves no trace and
never takes its neighbours with it. Elsewhere (PostgreSQL, which takes concurrent writers) `run`
is the thread pool. Either way the event loop never waits on the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import copy
import functools
import logging
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

import anyio.to_thread
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from services.common.errors import DomainError, Unavailable
from services.common.events import CloudEvent
from services.common.store import READ_ONLY, Outbox, sqlite_write_lock

log = logging.getLogger(__name__)

S = TypeVar("S")
C = TypeVar("C", bound=type)


# --- driver errors → domain errors ----------------------------------------------------------------


class StoreRefused(DomainError):
    """The store refused a statement (a constraint, a value it cannot hold): the write did not happen."""

    status, title, type_slug = 500, "The store refused the write", "store-refused"


class StoreConflict(StoreRefused):
    """A uniqueness or foreign-key constraint refused the write (stores map it to their own error
    where it has a meaning, e.g. "this id already exists")."""


class StoreUnavailable(Unavailable):
    """The database cannot be reached or is busy: retry later."""


def domain_error(exc: sa.exc.DBAPIError) -> DomainError:
    """The domain error a driver error stands for (its text stays out: it may quote the row)."""
    if isinstance(exc, sa.exc.IntegrityError):
        return StoreConflict("the store refused the write: a constraint does not hold")
    if isinstance(exc, (sa.exc.OperationalError, sa.exc.InterfaceError)):
        return StoreUnavailable("the database is unavailable or busy; retry later")
    return StoreRefused("the store refused the write")


@contextlib.contextmanager
def driver_errors() -> Iterator[None]:
    """Run store code; a driver error leaves as the domain error it stands for."""
    try:
        yield
    except sa.exc.DBAPIError as exc:
        raise domain_error(exc) from None


def translates_driver_errors(cls: C) -> C:
    """Class decorator for a store: every public method turns driver errors into domain errors."""
    for name, member in list(vars(cls).items()):
        if name.startswith("_") or not callable(member) or isinstance(member, (staticmethod, classmethod, type)):
            continue

        def wrap(method: Callable[..., Any]) -> Callable[..., Any]:
            @functools.wraps(method)
            def guarded(*args: Any, **kwargs: Any) -> Any:
                try:
                    return method(*args, **kwargs)
                except sa.exc.DBAPIError as exc:
                    raise domain_error(exc) from None

            return guarded

        setattr(cls, name, wrap(member))
    return cls


# --- the unit of work ---------------------------------------------------------------------------------

_sqlite_write_lock = sqlite_write_lock  # the name the tests knew


class _Savepoint:
    """A command's SAVEPOINT in a group transaction, with what to restore when it rolls back."""

    __slots__ = ("callbacks", "depth", "published")

    def __init__(self, depth: int, published: bool, callbacks: int):
        self.depth, self.published, self.callbacks = depth, published, callbacks


class _Open(Generic[S]):
    """The unit open on one thread: its connection, store, nesting depth and what to do after commit."""

    def __init__(self, store: S, conn: Any, *, writing: bool, exit_stack: contextlib.ExitStack):
        self.store = store
        self.conn = conn
        self.writing = writing
        self.exit_stack = exit_stack
        self.depth = 1
        self.published = False
        self.callbacks: list[Callable[[], None]] = []
        # a group transaction (several commands, one commit): each command's `with uow:` is a SAVEPOINT
        self.grouping = False
        self.savepoints: list[_Savepoint] = []


class UnitOfWork(Generic[S]):
    """One transaction per outermost `with`, the service's store bound to it, and the outbox."""

    def __init__(self, *, after_commit: Callable[[], None] | None = None):
        self._after_commit = after_commit
        self._local = threading.local()

    # subclasses open and close the underlying transaction
    def _open(self, *, writing: bool, connection: Any = None) -> _Open[S]:
        raise NotImplementedError

    def _add_to_outbox(self, unit: _Open[S], events: tuple[CloudEvent, ...]) -> None:
        raise NotImplementedError

    @property
    def _unit(self) -> _Open[S] | None:
        return getattr(self._local, "unit", None)

    @property
    def store(self) -> S:
        unit = self._unit
        if unit is None:
            raise RuntimeError("no unit of work is open on this thread: use `with uow:` or `with uow.read():`")
        return unit.store

    @property
    def active(self) -> bool:
        return self._unit is not None

    def publish(self, *events: CloudEvent) -> None:
        """Add events to the outbox in the open transaction: they are published only if it commits."""
        unit = self._unit
        if unit is None or not unit.writing:
            raise RuntimeError("events are published from inside `with uow:` (a write), never from a read")
        if events:
            self._add_to_outbox(unit, events)
            unit.published = True

    def call_after_commit(self, callback: Callable[[], None]) -> None:
        """`callback` now, or, when this thread is inside a unit (a command of a group transaction
        whose own `with uow:` has ended), once that unit commits: for code that runs after its
        `with uow:` and means "after my commit" (waking the relay)."""
        unit = self._unit
        if unit is None:
            callback()
        else:
            unit.callbacks.append(callback)

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the outermost transaction has committed (never after a rollback)."""
        unit = self._unit
        if unit is None:
            raise RuntimeError("on_commit needs an open unit of work")
        unit.callbacks.append(callback)

    def _savepoint(self, unit: _Open[S], action: str) -> None:
        """`begin`, `release` or `rollback` the command's SAVEPOINT (group transactions only)."""
        raise NotImplementedError

    async def run(self, command: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """Run a command (a handler and its arguments) off the event loop; its result once committed."""
        return await anyio.to_thread.run_sync(functools.partial(command, *args, **kwargs))

    def __enter__(self) -> UnitOfWork[S]:
        unit = self._unit
        if unit is not None:
            if not unit.writing:
                raise RuntimeError("a write cannot start inside a read: open `with uow:` first")
            unit.depth += 1
            if unit.grouping and not unit.savepoints:
                # a command of a group transaction: its own SAVEPOINT, so its failure undoes it alone
                self._savepoint(unit, "begin")
                unit.savepoints.append(_Savepoint(unit.depth, unit.published, len(unit.callbacks)))
            return self
        self._local.unit = self._open(writing=True)
        return self

    @contextlib.contextmanager
    def group(self, connection: Any = None) -> Iterator[None]:
        """One write transaction for several commands run inside it on this thread (group commit):
        each command's `with uow:` is a SAVEPOINT; everything commits at the end of the block."""
        if self._unit is not None:
            raise RuntimeError("a group transaction starts outside any unit of work")
        unit = self._open(writing=True, connection=connection)
        unit.grouping = True
        self._local.unit = unit
        try:
            yield
        except BaseException as error:
            self._close(type(error), error, error.__traceback__)
            raise
        else:
            self._close(None, None, None)

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> bool:
        return self._close(exc_type, exc, tb)

    @contextlib.contextmanager
    def read(self) -> Iterator[UnitOfWork[S]]:
        """A connection for queries (no write transaction, no lock); inside a write, the write's own."""
        unit = self._unit
        if unit is not None:
            unit.depth += 1
            try:
                yield self
            finally:
                unit.depth -= 1
            return
        self._local.unit = self._open(writing=False)
        try:
            yield self
        except BaseException as error:
            self._close(type(error), error, error.__traceback__)
            raise
        else:
            self._close(None, None, None)

    def _close(self, exc_type: Any, exc: BaseException | None, tb: Any) -> bool:
        unit = self._unit
        assert unit is not None, "unit of work closed twice"
        if unit.savepoints and unit.savepoints[-1].depth == unit.depth:
            mark = unit.savepoints.pop()
            with driver_errors():
                if exc_type is None:
                    self._savepoint(unit, "release")
                else:  # the command failed: its rows, events and after-commit callbacks go
                    self._savepoint(unit, "rollback")
                    unit.published = mark.published
                    del unit.callbacks[mark.callbacks:]
        unit.depth -= 1
        if unit.depth:
            return False  # an inner `with` joined the outer one: the outermost commits
        self._local.unit = None
        try:
            with driver_errors():
                # commits (or rolls back when exc is set) and releases locks and the connection
                unit.exit_stack.__exit__(exc_type, exc, tb)
        except BaseException as error:
            if error is exc:
                return False
            raise
        if exc_type is None and unit.writing:
            for callback in unit.callbacks:
                callback()
            if unit.published and self._after_commit is not None:
                self._after_commit()
        return False


class SqlUnitOfWork(UnitOfWork[S]):
    """The unit of work on a SQLAlchemy engine: `engine.begin()` for writes, `engine.connect()` for reads.

    `queue_sqlite_writers`: on SQLite, this process's writers wait on a Python lock before BEGIN.
    SQLite admits one writer at a time; a thread finding the file locked sleeps in SQLite's busy
    handler with growing pauses (up to 100 ms), which under concurrent requests costs far more than
    the write itself. Waiting on a lock hands the turn over at once. PostgreSQL needs none.
    With it, `run` hands commands to the group writer (below) unless `group_commit=False`: then
    they run in the thread pool, one transaction each, queued on that lock.
    """

    def __init__(self, engine: Engine, store: Callable[[Connection], S], outbox: Outbox | None, *,
                 after_commit: Callable[[], None] | None = None, queue_sqlite_writers: bool = False,
                 group_commit: bool = True, group_max: int = 64):
        super().__init__(after_commit=after_commit)
        self.engine = engine
        self._make_store = store
        self._outbox = outbox
        self._queue = queue_sqlite_writers and engine.dialect.name == "sqlite"
        # `run` on SQLite: the group writer, unless the service's commands must see their own commit
        # (code after a command's `with uow:` runs before the group commits)
        self._writer = GroupWriter(self, max_batch=group_max) if self._queue and group_commit else None

    def _open(self, *, writing: bool, connection: Connection | None = None) -> _Open[S]:
        stack = contextlib.ExitStack()
        try:
            with driver_errors():
                if writing and self._queue:
                    stack.enter_context(sqlite_write_lock(self.engine))
                if connection is not None:  # a connection the caller holds (the group writer's)
                    stack.enter_context(connection.begin())
                    conn = connection
                elif writing:
                    conn = stack.enter_context(self.engine.begin())
                else:  # SQLite: BEGIN DEFERRED, a snapshot that leaves the write lock to the writers
                    conn = stack.enter_context(self.engine.connect()).execution_options(**READ_ONLY)
        except BaseException:
            stack.close()
            raise
        return _Open(self._make_store(conn), conn, writing=writing, exit_stack=stack)

    def _savepoint(self, unit: _Open[S], action: str) -> None:
        sql = {"begin": ("SAVEPOINT uow_command",), "release": ("RELEASE SAVEPOINT uow_command",),
               "rollback": ("ROLLBACK TO SAVEPOINT uow_command", "RELEASE SAVEPOINT uow_command")}[action]
        cursor = unit.conn.connection.cursor()  # the driver's own: SQLAlchemy need not know of it
        try:
            for statement in sql:
                cursor.execute(statement)
        except unit.conn.dialect.loaded_dbapi.Error as exc:
            raise sa.exc.DBAPIError.instance(sql[0], None, exc, unit.conn.dialect.loaded_dbapi.Error) from None
        finally:
            cursor.close()

    async def run(self, command: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        if self._writer is None:
            return await super().run(command, *args, **kwargs)
        return await self._writer.submit(functools.partial(command, *args, **kwargs))

    def close(self) -> None:
        """Stop the group writer (app shutdown); commands already queued are run first."""
        if self._writer is not None:
            self._writer.stop()

    def _add_to_outbox(self, unit: _Open[S], events: tuple[CloudEvent, ...]) -> None:
        if self._outbox is None:
            raise RuntimeError("this unit of work has no outbox")
        with driver_errors():
            self._outbox.add(unit.conn, *events)


class InMemoryUnitOfWork(UnitOfWork[S]):
    """For handler unit tests: the fake store's state is restored on an exception (a rollback) and
    published events are kept in `published` only once the unit commits."""

    def __init__(self, store: S, *, after_commit: Callable[[], None] | None = None):
        super().__init__(after_commit=after_commit)
        self.fake = store
        self.published: list[CloudEvent] = []
        self.commits = 0
        self.rollbacks = 0

    def _open(self, *, writing: bool, connection: Any = None) -> _Open[S]:
        snapshot = copy.deepcopy(vars(self.fake)) if writing else None
        pending: list[CloudEvent] = []
        stack = contextlib.ExitStack()

        @stack.push
        def _finish(exc_type: Any, exc: Any, tb: Any) -> bool:
            if not writing:
                return False
            if exc_type is None:
                self.published.extend(pending)
                self.commits += 1
            else:
                vars(self.fake).clear()
                vars(self.fake).update(snapshot or {})
                self.rollbacks += 1
            return False

        unit: _Open[S] = _Open(self.fake, pending, writing=writing, exit_stack=stack)
        return unit

    def _add_to_outbox(self, unit: _Open[S], events: tuple[CloudEvent, ...]) -> None:
        unit.conn.extend(events)  # the pending list of this unit

    async def run(self, command: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        return command(*args, **kwargs)  # tests: no thread, no database


# --- the group writer: one writer thread per process on SQLite, several commands per commit ----------


class _Command:
    __slots__ = ("call", "context", "error", "future", "loop", "result")

    def __init__(self, call: Callable[[], Any], future: asyncio.Future[Any], loop: asyncio.AbstractEventLoop):
        self.call, self.future, self.loop = call, future, loop
        self.context = contextvars.copy_context()  # the request id of the log lines it writes
        self.result: Any = None
        self.error: BaseException | None = None


def _settle(commands: list[_Command]) -> None:
    for command in commands:
        if command.future.done():  # the client went away (cancelled): the write stands regardless
            continue
        if command.error is not None:
            command.future.set_exception(command.error)
        else:
            command.future.set_result(command.result)


class GroupWriter:
    """SQLite's one writer, per process: a thread that runs the commands the event loop hands it.

    It takes every command waiting (up to `max_batch`) into one transaction on a connection it keeps:
    each command is a SAVEPOINT (`UnitOfWork.group`), the batch commits once, and only then are the
    commands answered (a failed command at once: its savepoint is gone). When the commit itself fails,
    every command of the batch gets that error. The loop is woken once per batch. The thread ends after
    `idle_s` without work (its connection back to the pool) and starts again with the next command.
    """

    def __init__(self, uow: SqlUnitOfWork[Any], *, max_batch: int = 64, idle_s: float = 5.0):
        self.uow = uow
        self.max_batch = max_batch
        self.idle_s = idle_s
        self._queue: queue.SimpleQueue[_Command | None] = queue.SimpleQueue()
        self._guard = threading.Lock()
        self._thread: threading.Thread | None = None
        self.batches = 0
        self.commands = 0

    async def submit(self, call: Callable[[], Any]) -> Any:
        loop = asyncio.get_running_loop()
        command = _Command(call, loop.create_future(), loop)
        self._queue.put(command)
        # under the guard: a writer ending for want of work checks the queue under it too, so a
        # command put meanwhile is either seen by that writer or starts the next one
        with self._guard:
            if self._thread is None:
                self._start()
        return await command.future

    def _start(self) -> None:  # with self._guard held
        self._thread = threading.Thread(target=self._loop, name="uow-writer", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        with self._guard:
            thread = self._thread
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout_s)

    def _loop(self) -> None:
        connection: Connection | None = None
        ended_well = False
        try:
            while True:
                try:
                    first = self._queue.get(timeout=self.idle_s)
                except queue.Empty:
                    with self._guard:  # nothing came: end, unless a command slipped in meanwhile
                        if self._queue.empty():
                            self._thread = None
                            ended_well = True
                            return
                    continue
                if first is None:
                    with self._guard:
                        self._thread = None
                    ended_well = True
                    self._drain_after_stop()
                    return
                batch = [first]
                while len(batch) < self.max_batch:
                    try:
                        more = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if more is None:
                        self._queue.put(None)  # stop after this batch
                        break
                    batch.append(more)
                if connection is None:
                    try:
                        connection = self.uow.engine.connect()
                    except Exception as exc:  # noqa: BLE001 — every command of the batch is told
                        self._answer(batch, domain_error(exc) if isinstance(exc, sa.exc.DBAPIError) else exc)
                        continue
                if not self._run(batch, connection):
                    connection.close()  # a failed commit may have left it unusable: take a fresh one
                    connection = None
        finally:
            if connection is not None:
                connection.close()
            if not ended_well:  # an unexpected error ended this thread: the next one takes the queue
                log.error("group writer thread failed; starting another")
                with self._guard:
                    self._thread = None
                    if not self._queue.empty():
                        self._start()

    def _drain_after_stop(self) -> None:
        while True:
            try:
                command = self._queue.get_nowait()
            except queue.Empty:
                return
            if command is not None:
                self._answer([command], Unavailable("the service is stopping; retry"))

    def _run(self, batch: list[_Command], connection: Connection) -> bool:
        """One transaction for the batch; False when it failed as a whole."""
        try:
            with self.uow.group(connection):
                for command in batch:
                    try:
                        command.result = command.context.run(command.call)
                    except BaseException as exc:  # the command's own failure: its savepoint is rolled back
                        command.error = exc
        except Exception as exc:  # noqa: BLE001 — the commit failed: nothing of the batch was written
            for command in batch:
                if command.error is None:
                    command.error = exc
            self._answer(batch)
            return False
        finally:
            self.batches += 1
            self.commands += len(batch)
        self._answer(batch)
        return True

    @staticmethod
    def _answer(batch: list[_Command], error: BaseException | None = None) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, list[_Command]] = {}
        for command in batch:
            if error is not None:
                command.error = error
            by_loop.setdefault(command.loop, []).append(command)
        for loop, commands in by_loop.items():
            try:
                loop.call_soon_threadsafe(_settle, commands)
            except RuntimeError:  # that loop is closed: nobody waits for these answers
                log.debug("group writer: %d answers for a closed loop", len(commands))


__all__ = [
    "GroupWriter", "InMemoryUnitOfWork", "SqlUnitOfWork", "StoreConflict", "StoreRefused", "StoreUnavailable",
    "UnitOfWork", "domain_error", "driver_errors", "translates_driver_errors",
]
