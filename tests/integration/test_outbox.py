"""The outbox: a write and its event commit together; the relay publishes in order, at least once.

Runs on SQLite and PostgreSQL (store_backend) with the local event log.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from services.common.adapters.eventlog_local import LocalEventLog
from services.common.events import WorkerErased, decode, make_event
from services.common.store import Outbox, OutboxRelay, make_engine, outbox_table, run_migrations, schema_drift_for
from services.profiles.app import MIGRATIONS as PROFILES_MIGRATIONS

pytestmark = pytest.mark.integration


class _FlakyLog:
    """Publishes through a real log, then dies before the relay can mark rows sent (a relay crash)."""

    def __init__(self, inner):
        self.inner = inner

    def publish(self, messages):
        self.inner.publish(messages)
        raise ConnectionError("relay process died after publishing")


@pytest.fixture
def setup(store_backend):
    engine = make_engine(store_backend.database_url, home=store_backend.home, service="outboxtest", schema=store_backend.schema)
    metadata = sa.MetaData()
    table = outbox_table(metadata)
    entities = sa.Table("entities", metadata, sa.Column("id", sa.String(20), primary_key=True))
    run_migrations(engine, PROFILES_MIGRATIONS)  # creates the outbox table through Alembic
    entities.create(engine)
    log = LocalEventLog(store_backend.home / "events.db", partitions=4)
    yield engine, table, entities, log
    log.close()
    engine.dispose()


def _event(i: int):
    data = WorkerErased(id=f"w-{i}", erased_at=dt.datetime.now(dt.UTC))
    return make_event("worker.erased", data, subject=f"w-{i % 3}", source="/test", entityversion=i)


def _read_all(log, group="reader"):
    consumer = log.consumer(group, ["talentflow.workers"])
    seen = []
    for _ in range(20):
        batch = consumer.poll(timeout_s=0.2)
        if not batch and seen:
            break
        seen.extend(batch)
    consumer.close()
    return seen


def test_the_migrated_outbox_matches_the_declared_table(setup):
    engine, _table, _entities, _log = setup
    declared = sa.MetaData()
    outbox_table(declared)
    assert schema_drift_for(engine, declared) == []


def test_committed_writes_are_published_and_rolled_back_ones_never(setup):
    engine, table, entities, log = setup
    outbox = Outbox(table)
    with engine.begin() as conn:
        conn.execute(entities.insert().values(id="kept"))
        outbox.add(conn, _event(1))
    with pytest.raises(RuntimeError):
        with engine.begin() as conn:
            conn.execute(entities.insert().values(id="lost"))
            outbox.add(conn, _event(2))
            raise RuntimeError("the handler failed after writing")
    relay = OutboxRelay(engine, table, log)
    assert relay.drain() == 1
    records = _read_all(log)
    assert [decode(r).entityversion for r in records] == [1]
    with engine.connect() as conn:
        assert conn.execute(sa.select(entities.c.id)).scalars().all() == ["kept"]
        assert outbox.pending(conn) == 0


def test_a_relay_crash_after_publishing_republishes_and_loses_nothing(setup):
    engine, table, _entities, log = setup
    outbox = Outbox(table)
    with engine.begin() as conn:
        outbox.add(conn, *[_event(i) for i in range(1, 8)])
    crashed = OutboxRelay(engine, table, _FlakyLog(log), batch_size=4)
    with pytest.raises(ConnectionError):
        crashed.publish_once()
    with engine.connect() as conn:
        assert outbox.pending(conn) == 7  # nothing was marked: the crash came before the mark
    OutboxRelay(engine, table, log, batch_size=4).drain()
    records = _read_all(log)
    versions = [decode(r).entityversion for r in records]
    assert set(versions) == set(range(1, 8))  # nothing lost
    assert len(versions) == 11  # the first batch of 4 twice: at-least-once
    for key in {r.key for r in records}:
        per_key = [decode(r).entityversion for r in records if r.key == key]
        crashed_pass = [v for v in range(1, 5) if f"w-{v % 3}" == key]
        assert per_key[: len(crashed_pass)] == crashed_pass  # what the crashed relay sent, in order
        assert per_key[len(crashed_pass):] == sorted(per_key[len(crashed_pass):])  # then all again, in order
