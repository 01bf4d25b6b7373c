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
"""

from __future__ import annotations

import contextlib
import copy
import functools
import threading
import weakref
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from services.common.errors import DomainError, Unavailable
from services.common.events import CloudEvent
from services.common.store import Outbox

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

_SQLITE_WRITE_LOCKS: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
_LOCKS_GUARD = threading.Lock()


def _sqlite_write_lock(engine: Engine) -> threading.Lock:
    with _LOCKS_GUARD:
        return _SQLITE_WRITE_LOCKS.setdefault(engine, threading.Lock())


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


class UnitOfWork(Generic[S]):
    """One transaction per outermost `with`, the service's store bound to it, and the outbox."""

    def __init__(self, *, after_commit: Callable[[], None] | None = None):
        self._after_commit = after_commit
        self._local = threading.local()

    # subclasses open and close the underlying transaction
    def _open(self, *, writing: bool) -> _Open[S]:
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

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the outermost transaction has committed (never after a rollback)."""
        unit = self._unit
        if unit is None:
            raise RuntimeError("on_commit needs an open unit of work")
        unit.callbacks.append(callback)

    def __enter__(self) -> UnitOfWork[S]:
        unit = self._unit
        if unit is not None:
            if not unit.writing:
                raise RuntimeError("a write cannot start inside a read: open `with uow:` first")
            unit.depth += 1
            return self
        self._local.unit = self._open(writing=True)
        return self

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
    """

    def __init__(self, engine: Engine, store: Callable[[Connection], S], outbox: Outbox | None, *,
                 after_commit: Callable[[], None] | None = None, queue_sqlite_writers: bool = False):
        super().__init__(after_commit=after_commit)
        self.engine = engine
        self._make_store = store
        self._outbox = outbox
        self._queue = queue_sqlite_writers and engine.dialect.name == "sqlite"

    def _open(self, *, writing: bool) -> _Open[S]:
        stack = contextlib.ExitStack()
        try:
            with driver_errors():
                if writing and self._queue:
                    stack.enter_context(_sqlite_write_lock(self.engine))
                conn = stack.enter_context(self.engine.begin() if writing else self.engine.connect())
        except BaseException:
            stack.close()
            raise
        return _Open(self._make_store(conn), conn, writing=writing, exit_stack=stack)

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

    def _open(self, *, writing: bool) -> _Open[S]:
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


__all__ = [
    "InMemoryUnitOfWork", "SqlUnitOfWork", "StoreConflict", "StoreRefused", "StoreUnavailable", "UnitOfWork",
    "domain_error", "driver_errors", "translates_driver_errors",
]
