"""The unit of work without a database server: the in-memory unit's commit and rollback, nesting,
and a database that cannot be reached leaving as StoreUnavailable (503)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from services.common.errors import NotFound, Unavailable
from services.common.events import WorkerErased, make_event
from services.common.uow import InMemoryUnitOfWork, SqlUnitOfWork, StoreUnavailable

pytestmark = pytest.mark.unit


class Counter:
    def __init__(self) -> None:
        self.items: list[str] = []


def _event(i: int):
    return make_event("worker.erased", WorkerErased(id=f"w-{i}", erased_at=dt.datetime.now(dt.UTC)),
                      subject=f"w-{i}", source="/test", entityversion=i)


def test_the_in_memory_unit_commits_once_for_nested_units_and_then_wakes_the_relay():
    woken: list[int] = []
    uow = InMemoryUnitOfWork(Counter(), after_commit=lambda: woken.append(1))
    after: list[str] = []
    with uow:
        uow.store.items.append("a")
        uow.publish(_event(1))
        uow.on_commit(lambda: after.append("committed"))
        with uow:
            uow.store.items.append("b")
            uow.publish(_event(2))
        assert uow.published == [] and woken == [] and after == []
    assert uow.fake.items == ["a", "b"] and [e.subject for e in uow.published] == ["w-1", "w-2"]
    assert (uow.commits, woken, after) == (1, [1], ["committed"])


def test_an_exception_restores_the_fake_and_drops_the_events_and_callbacks():
    woken: list[int] = []
    uow = InMemoryUnitOfWork(Counter(), after_commit=lambda: woken.append(1))
    with uow:
        uow.store.items.append("kept")
    with pytest.raises(NotFound), uow:
        uow.store.items.append("lost")
        uow.publish(_event(1))
        uow.on_commit(lambda: woken.append(2))
        raise NotFound("no")
    assert uow.fake.items == ["kept"] and uow.published == [] and woken == [] and uow.rollbacks == 1
    with uow.read():
        assert uow.store.items == ["kept"]
        with pytest.raises(RuntimeError):
            uow.publish(_event(2))  # a read publishes nothing


def test_a_database_that_cannot_be_reached_is_store_unavailable_503(tmp_path: Path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'missing' / 'dir' / 'x.db'}")
    uow = SqlUnitOfWork(engine, lambda conn: conn, None)
    with pytest.raises(StoreUnavailable) as caught, uow:
        pass
    assert isinstance(caught.value, Unavailable) and caught.value.status == 503
    assert caught.value.__suppress_context__ and "x.db" not in caught.value.detail
    assert not uow.active  # nothing left open on this thread
    engine.dispose()
