"""The market read model changes feeds without losing an event: from its own group `matching-market`
to the index consumer's batches (`MarketHandover`, `IndexIngest(market=…)`)."""

from __future__ import annotations

import datetime as dt

import pytest

from services.common import events
from services.common.ports import Record
from services.common.uow import StoreUnavailable
from services.matching import consumers
from services.matching.consumers import INDEX_GROUP, TOPICS, IndexIngest
from services.matching.handlers import IngestResult
from services.matching.market.consumers import GROUP, MarketHandover
from tests.integration.test_market_support import make_harness, posting_event, worker_event

pytestmark = pytest.mark.integration

NOW = dt.datetime(2026, 3, 15, 4, 0, tzinfo=dt.UTC)


@pytest.fixture
def harness(store_backend, tmp_path):
    h = make_harness(store_backend, tmp_path, NOW)
    yield h
    h.feed.stop()
    h.market.engagements.stop()
    h.client.close()


def publish(h, *sent: events.CloudEvent) -> None:
    h.runtime.event_log.publish([events.encode(e) for e in sent])


def commit_group(h, group: str, count: int) -> list[Record]:
    """A group that read and committed the first `count` records of the topics (and nothing else);
    the old market group applied what it read, as it did."""
    consumer = h.runtime.event_log.consumer(group, list(TOPICS))
    got: list[Record] = []
    try:
        while len(got) < count and (batch := consumer.poll(0.05, max_records=count - len(got))):
            got += batch
        if group == GROUP:
            h.market.ingest.handle(got)
        consumer.commit(got)
    finally:
        consumer.close()
    assert len(got) == count
    return got


def seekers(h) -> int:
    return h.get("/v1/market/supply-demand", occupation="6-18").json()["seekers"]


def run_handover(handover: MarketHandover, limit: int = 50) -> int:
    steps = 0
    while handover.run_once():
        steps += 1
        assert steps < limit, "the handover never finished"
    return steps


def test_a_fresh_installation_is_handed_over_at_the_first_check(harness):
    handover = harness.market.handover
    assert not harness.market.repository.handed_over()
    assert run_handover(handover) == 0
    assert handover.done and harness.market.repository.handed_over()
    assert harness.runtime.event_log.committed_offsets(GROUP, TOPICS) == {}  # the old group was never read


def test_an_upgrade_under_load_catches_the_old_group_up_to_the_index_group_and_loses_nothing(harness):
    publish(harness, *(worker_event(f"w-{n}") for n in range(6)), posting_event("p-1", headcount=2))
    # the old market group had read one record, the index group all seven, when the new version started
    commit_group(harness, GROUP, 1)
    commit_group(harness, INDEX_GROUP, 7)
    handover = harness.market.handover
    run_handover(handover)
    assert handover.done and harness.market.repository.handed_over()
    assert handover.caught_up == 6  # only what the old group had not read
    figures = harness.get("/v1/market/supply-demand", occupation="6-18").json()
    assert (figures["seekers"], figures["openings"]) == (6, 2)
    old = harness.runtime.event_log.committed_offsets(GROUP, TOPICS)
    index = harness.runtime.event_log.committed_offsets(INDEX_GROUP, TOPICS)
    assert all(old.get(tp, 0) >= offset for tp, offset in index.items())
    # a restart finds the handover recorded and reads the old group no more
    publish(harness, worker_event("w-late"))
    again = MarketHandover(harness.runtime.event_log, harness.market.repository, index_group=INDEX_GROUP,
                           clock=lambda: NOW)
    assert run_handover(again) == 0 and again.caught_up == 0
    assert seekers(harness) == 6


def test_an_old_group_at_or_past_the_index_group_is_handed_over_without_reading(harness):
    publish(harness, worker_event("w-1"), worker_event("w-2"))
    commit_group(harness, GROUP, 2)
    commit_group(harness, INDEX_GROUP, 1)
    handover = harness.market.handover
    run_handover(handover)
    assert handover.done and handover.caught_up == 0
    assert harness.market.repository.handed_over()


def test_the_index_consumer_feeds_the_market_once_and_waits_out_a_database_outage(harness, monkeypatch):
    """One decode for both readers; a database that fails for a moment delays the batch, and the
    index is written after the market holds it (the offsets then move past both)."""
    publish(harness, worker_event("w-1"), worker_event("w-2", matchable=False), posting_event("p-1"))
    consumer = harness.runtime.event_log.consumer("probe-index", list(TOPICS))
    records: list[Record] = []
    while batch := consumer.poll(0.05):
        records += batch
    consumer.close()
    written: list[tuple[str, int]] = []
    failures = [StoreUnavailable("the database is unavailable or busy; retry later")]

    def flaky_feed(items):
        if failures:
            raise failures.pop()
        written.append(("market", len(items)))
        harness.market.ingest.apply_read(items)

    def apply_changes(index, changes, *, refresh=True):
        written.append(("index", len(changes)))
        return IngestResult(upserted=len(changes))

    monkeypatch.setattr(consumers.handlers, "apply_changes", apply_changes)
    ingest = IndexIngest(lambda: object(), unavailable_wait_s=5.0, market=flaky_feed)
    assert ingest(records) is None
    assert written == [("market", 3), ("index", 3)] and not failures
    assert ingest.totals.upserted == 3
    assert seekers(harness) == 1  # w-2 is not matchable
