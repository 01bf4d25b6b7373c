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
