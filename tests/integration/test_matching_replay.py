"""`talentflow replay matching`: the index rebuilt from the log equals the live one, the pointer
switches atomically, and a running service follows the switch without losing what it wrote meanwhile."""

from __future__ import annotations

import pytest

from services.common.adapters.eventlog_local import LocalEventLog
from services.common.cli import main as talentflow
from services.common.events import encode
from services.common.ports import OutgoingMessage
from services.matching import handlers
from services.matching.consumers import IndexIngest, index_consumer
from services.matching.index.tantivy import TantivyIndex
from services.matching.replay import (
    IndexHolder,
    current_generation,
    ensure_generation,
    new_generation,
    read_log,
    replay_embedded,
    switch_generation,
)
from services.matching.index import Kind
from tests.fakes_search import (
    new_id,
    posting_closed,
    posting_data,
    posting_upserted,
    worker_data,
    worker_erased,
    worker_upserted,
)

pytestmark = pytest.mark.integration


def history() -> list:
    """A log like a real one: edits out of order, replays, closings, an erasure."""
    events = []
    workers = [new_id("w") for _ in range(12)]
    for i, wid in enumerate(workers):
        events += [worker_upserted(worker_data(wid, 1, experience_years=i)),
                   worker_upserted(worker_data(wid, 3, experience_years=i + 10)),
                   worker_upserted(worker_data(wid, 2, experience_years=i + 5))]
    postings = [new_id("p") for _ in range(6)]
    for pid in postings:
        events.append(posting_upserted(posting_data(pid, 1)))
    events += [posting_closed(postings[0], 2), posting_closed(postings[1], 2), posting_upserted(posting_data(postings[1], 1))]
    events += [worker_erased(workers[0], 4), worker_upserted(worker_data(workers[0], 3))]
    return events


def snapshot(index) -> dict:
    return {kind: {h.id: (h.version, h.source) for h in index.scan(kind)} for kind in Kind}


@pytest.fixture
def log(tmp_path):
    event_log = LocalEventLog(tmp_path / "events.db", partitions=4)
    event_log.publish([encode(e) for e in history()])
    event_log.publish([OutgoingMessage("talentflow.workers", "junk", b"not an event", {})])
    yield event_log
    event_log.close()


def live_index_from(log, folder):
    live = TantivyIndex(folder)
    worker = index_consumer(log, IndexIngest(lambda: live), group=new_id("live"), backoff_s=0.001,
                            poll_timeout_s=0.05)
    try:
        while worker.run_once():
            pass
    finally:
        worker.stop()
    return live


def test_a_replay_equals_the_live_index(log, tmp_path):
    live = live_index_from(log, tmp_path / "live")
    root = tmp_path / "index"
    folder = replay_embedded(root, log, TantivyIndex, first_wait_s=1.0, poll_timeout_s=0.05, idle_polls=2)
    rebuilt = TantivyIndex(folder)
    try:
        assert current_generation(root) == folder
        live_state, rebuilt_state = snapshot(live), snapshot(rebuilt)
        assert {k: {i: v for i, (v, _) in d.items()} for k, d in rebuilt_state.items()} == {
            k: {i: v for i, (v, _) in d.items()} for k, d in live_state.items()}
        assert rebuilt_state == live_state  # the same sources too
        assert len(live_state[Kind.workers]) == 11 and len(live_state[Kind.postings]) == 6
    finally:
        live.close()
        rebuilt.close()


def test_the_talentflow_replay_command_switches_generations(tmp_path, monkeypatch):
    monkeypatch.setenv("TALENTFLOW_HOME", str(tmp_path))
    for name in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "ELASTICSEARCH_URL", "REDIS_URL", "MATCHING_INDEX_PATH"):
        monkeypatch.delenv(name, raising=False)
    event_log = LocalEventLog(tmp_path / "events.db")
    events = history()
    event_log.publish([encode(e) for e in events])
    event_log.close()
    root = tmp_path / "index"
    first_generation = ensure_generation(root)  # what a running service created on its first start

    assert talentflow(["replay", "matching"]) == 0
    second = current_generation(root)
    assert second != first_generation and second.is_dir()
    assert talentflow(["replay", "matching"]) == 0
    third = current_generation(root)
    assert third != second
    assert not first_generation.exists()  # retired: only the current one and the one before stay
    index = TantivyIndex(third)
    try:
        assert index.count(Kind.workers) == 11
    finally:
        index.close()


def test_a_running_service_follows_a_replay_and_keeps_what_it_wrote_meanwhile(log, tmp_path):
    root = tmp_path / "index"
    holder = IndexHolder(TantivyIndex(ensure_generation(root)), root=root, opener=TantivyIndex,
                         check_every_s=3600, retire_after_s=0.1)
    try:
        ingest = index_consumer(log, IndexIngest(holder), group=new_id("live"), backoff_s=0.001, poll_timeout_s=0.05)
        while ingest.run_once():
            pass
        # A replay reads the log into a new generation...
        folder = new_generation(root)
        rebuilt = TantivyIndex(folder)
        read_log(log, rebuilt, group=new_id("replay"), first_wait_s=1.0, poll_timeout_s=0.05, idle_polls=2)
        rebuilt.close()
        # ...meanwhile the live consumer goes on writing to the old one...
        gap_worker = worker_data()
        erased = next(h.id for h in holder().scan(Kind.workers))
        log.publish([encode(worker_upserted(gap_worker)), encode(worker_erased(erased, 9))])
        while ingest.run_once():
            pass
        ingest.stop()
        old = holder()
        # ...and then the replay switches: the service follows and carries the gap over.
        switch_generation(root, folder)
        assert holder.check() is True
        current = holder()
        assert current is not old
        assert current.get(Kind.workers, gap_worker["id"]) is not None
        assert current.get(Kind.workers, erased) is None
        handlers.apply_to_index(current, [worker_upserted(worker_data(erased, 8))])
        assert current.get(Kind.workers, erased) is None  # older copies stay out in the new generation too
        handlers.apply_to_index(current, [worker_upserted(worker_data(erased, 10))])
        assert current.get(Kind.workers, erased).version == 10  # the person registering again does not
        assert holder.check() is False  # nothing new to follow
    finally:
        holder.close()
