"""The unit of work on SQLite and PostgreSQL: one transaction per outermost `with`, the outbox in it,
driver errors leaving the store as domain errors, and `after_commit` only after a commit."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.common.errors import NotFound
from services.common.events import WorkerErased, make_event
from services.common.store import Outbox, make_engine, outbox_table
from services.common.uow import SqlUnitOfWork, StoreConflict, StoreRefused, translates_driver_errors

pytestmark = pytest.mark.integration

metadata = sa.MetaData()
OUTBOX_TABLE = outbox_table(metadata)
things = sa.Table("things", metadata, sa.Column("id", sa.String(20), primary_key=True),
                  sa.Column("name", sa.String(5), nullable=False))


@translates_driver_errors
class ThingStore:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, thing_id: str, name: str = "x") -> None:
        self.conn.execute(things.insert().values(id=thing_id, name=name))

    def ids(self) -> list[str]:
        return list(self.conn.execute(sa.select(things.c.id).order_by(things.c.id)).scalars())


def _event(i: int):
    return make_event("worker.erased", WorkerErased(id=f"w-{i}", erased_at=dt.datetime.now(dt.UTC)),
                      subject=f"w-{i}", source="/test", entityversion=i)


@pytest.fixture
def setup(store_backend):
    engine = make_engine(store_backend.database_url, home=store_backend.home, service="uowtest",
                         schema=store_backend.schema)
    metadata.create_all(engine)
    woken: list[int] = []
    uow = SqlUnitOfWork(engine, ThingStore, Outbox(OUTBOX_TABLE), after_commit=lambda: woken.append(1),
                        queue_sqlite_writers=True)
    yield engine, uow, woken
    engine.dispose()


def _outbox(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(OUTBOX_TABLE)).scalar_one()


def test_a_write_and_its_events_commit_once_and_only_then_the_relay_is_woken(setup):
    engine, uow, woken = setup
    with uow:
        uow.store.add("a")
        uow.publish(_event(1), _event(2))
        with uow:  # a nested unit joins the outer transaction
            uow.store.add("b")
        assert woken == []  # nothing before the outermost commit
    assert woken == [1] and _outbox(engine) == 2
    with uow.read():
        assert uow.store.ids() == ["a", "b"]
    with uow:
        uow.store.add("c")  # no event: the relay has nothing to do
    assert woken == [1]


def test_a_domain_error_rolls_back_the_rows_and_the_events(setup):
    engine, uow, woken = setup
    with pytest.raises(NotFound), uow:
        uow.store.add("a")
        uow.publish(_event(1))
        raise NotFound("no")
    with uow.read():
        assert uow.store.ids() == []
    assert _outbox(engine) == 0 and woken == []


def test_driver_errors_leave_the_store_as_domain_errors_and_roll_back(setup):
    engine, uow, woken = setup
    with uow:
        uow.store.add("a")
    with pytest.raises(StoreConflict) as caught, uow:
        uow.store.add("b")
        uow.publish(_event(1))
        uow.store.add("a")  # the primary key again
    assert caught.value.__cause__ is None and caught.value.__suppress_context__  # raise … from None
    with pytest.raises(StoreRefused), uow:
        uow.store.add("c", name="much too long for PostgreSQL" if engine.dialect.name != "sqlite" else None)
    with uow.read():
        assert uow.store.ids() == ["a"]
    assert _outbox(engine) == 0 and woken == []


def test_events_are_published_from_a_write_only_and_the_state_is_per_thread(setup):
    _engine, uow, _ = setup
    with pytest.raises(RuntimeError):
        uow.publish(_event(1))
    with uow.read(), pytest.raises(RuntimeError):
        uow.publish(_event(1))
    with pytest.raises(RuntimeError):
        _ = uow.store
    seen: list[bool] = []
    with uow:
        other = threading.Thread(target=lambda: seen.append(uow.active))
        other.start()
        other.join()
        assert uow.active
    assert seen == [False] and not uow.active


# --- run(): the group writer (issue 15) ----------------------------------------------------------------


def _add_and_publish(uow: SqlUnitOfWork, thing_id: str, *, fail: bool = False, name: str = "x") -> str:
    """A command as the handlers write them: one `with uow:`, a row and its event."""
    with uow:
        uow.store.add(thing_id, name)
        uow.publish(_event(len(thing_id)))
        uow.on_commit(lambda: committed.append(thing_id))
        if fail:
            raise NotFound(f"{thing_id} fails after writing")
    return thing_id


committed: list[str] = []


def test_run_groups_waiting_commands_in_one_commit_and_a_failed_one_leaves_no_trace(setup):
    """Commands waiting together share a transaction; each is its own SAVEPOINT, so the failed one
    (a domain error after its write, a driver error) is undone alone and the others commit."""
    import asyncio

    engine, uow, woken = setup
    committed.clear()

    async def many() -> list:
        calls = [uow.run(_add_and_publish, uow, "a"), uow.run(_add_and_publish, uow, "bb", fail=True),
                 uow.run(_add_and_publish, uow, "a"),  # the id is taken: StoreConflict, alone
                 uow.run(_add_and_publish, uow, "ccc", name="far too long"),  # PostgreSQL refuses the value
                 uow.run(_add_and_publish, uow, "dddd")]
        return await asyncio.gather(*calls, return_exceptions=True)

    answers = asyncio.run(many())
    assert answers[0] == "a" and answers[4] == "dddd"
    assert isinstance(answers[1], NotFound) and isinstance(answers[2], StoreConflict)
    with uow.read():
        ids = uow.store.ids()
    if engine.dialect.name == "postgresql":
        assert isinstance(answers[3], StoreRefused)
        assert ids == ["a", "dddd"]
    else:  # SQLite keeps a string longer than its declared length
        assert answers[3] == "ccc" and ids == ["a", "ccc", "dddd"]
    assert _outbox(engine) == len(ids)  # events of the undone commands are gone with them
    assert sorted(committed) == ids  # after-commit callbacks of the undone commands never ran
    if engine.dialect.name == "sqlite":
        writer = uow._writer
        assert writer is not None and writer.commands == 5 and writer.batches < 5  # grouped
    uow.close()


def test_run_answers_only_after_the_commit(setup, monkeypatch):
    """A command's answer waits for the commit of its group: when the commit fails, every command of
    the group gets the error and nothing of it was written."""
    import asyncio

    engine, uow, woken = setup
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL runs each command in the thread pool, one transaction each")
    real_close = uow._close

    def failing_commit(exc_type, exc, tb):
        unit = uow._unit
        if unit is not None and unit.grouping and unit.depth == 1 and exc_type is None:
            unit.exit_stack.__exit__(RuntimeError, RuntimeError("disk full"), None)  # roll back instead
            uow._local.unit = None
            raise StoreRefused("the commit failed")
        return real_close(exc_type, exc, tb)

    monkeypatch.setattr(uow, "_close", failing_commit)

    async def two() -> list:
        return await asyncio.gather(uow.run(_add_and_publish, uow, "x1"), uow.run(_add_and_publish, uow, "x2"),
                                    return_exceptions=True)

    answers = asyncio.run(two())
    assert all(isinstance(a, StoreRefused) for a in answers), answers
    monkeypatch.undo()
    with uow.read():
        assert uow.store.ids() == []
    assert _outbox(engine) == 0 and woken == []
    uow.close()


def test_the_writer_thread_ends_when_idle_and_the_next_command_starts_another(setup):
    import asyncio
    import time

    engine, uow, woken = setup
    if engine.dialect.name != "sqlite":
        pytest.skip("the group writer is SQLite's")
    writer = uow._writer
    writer.idle_s = 0.05

    async def one(thing_id: str) -> str:
        return await uow.run(_add_and_publish, uow, thing_id)

    assert asyncio.run(one("p")) == "p"
    deadline = time.monotonic() + 5
    while writer._thread is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert writer._thread is None  # ended for want of work, its connection back in the pool
    assert asyncio.run(one("q")) == "q"
    with uow.read():
        assert uow.store.ids() == ["p", "q"]
    uow.close()
    assert writer._thread is None
