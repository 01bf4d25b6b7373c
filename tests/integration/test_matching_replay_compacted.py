"""Replay from a compacted local log equals the live index (DESIGN §6): compaction keeps the latest
record per key, and that is all an index rebuilt from the log needs, erasures included."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from services.common.adapters.eventlog_local import LocalEventLog
from services.common.events import WORKERS, CloudEvent, PostingClosed, PostingUpserted, encode, make_event
from services.common.topics import COMPACTED
from services.matching.consumers import IndexIngest, index_consumer
from services.matching.index.tantivy import TantivyIndex
from services.matching.replay import replay_embedded
from services.matching.index import Kind
from tests.fakes_search import new_id, posting_closed, posting_data, posting_upserted, worker_data, worker_erased, worker_upserted

pytestmark = pytest.mark.integration


def history(workers: list[str], postings: list[str]) -> list:
    """As profiles and jobs write it: per key, versions in order (the outbox relays in order)."""
    events = []
    for round_ in (1, 2, 3):
        events += [worker_upserted(worker_data(wid, round_, experience_years=i + round_)) for i, wid in enumerate(workers)]
        events += [posting_upserted(posting_data(pid, round_, headcount=round_)) for pid in postings]
    events += [posting_closed(postings[0], 4)]
    events += [worker_erased(workers[0], 4), worker_erased(workers[1], 4)]
    return events


def snapshot(index: TantivyIndex) -> dict:
    return {kind: {hit.id: (hit.version, hit.source) for hit in index.scan(kind)} for kind in Kind}


def without_closed(state: dict, posting_id: str) -> dict:
    return {kind: {i: v for i, v in docs.items() if i != posting_id} for kind, docs in state.items()}


def live_index(log: LocalEventLog, folder: Path) -> TantivyIndex:
    live = TantivyIndex(folder)
    consumer = index_consumer(log, IndexIngest(lambda: live), group=new_id("live"), backoff_s=0.001, poll_timeout_s=0.05)
    try:
        while consumer.run_once():
            pass
    finally:
        consumer.stop()
    live.refresh()
    return live


def replayed(log: LocalEventLog, root: Path) -> TantivyIndex:
    return TantivyIndex(replay_embedded(root, log, TantivyIndex, first_wait_s=1.0, poll_timeout_s=0.05, idle_polls=2))


def worker_records(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT COUNT(*) FROM records r JOIN partitions p ON r.id >> 40 = p.pid WHERE p.topic = ?", (WORKERS,)
        ).fetchone()[0]


def test_a_replay_of_the_compacted_log_equals_the_live_index(tmp_path: Path) -> None:
    workers, postings = [new_id("w") for _ in range(10)], [new_id("p") for _ in range(4)]
    log = LocalEventLog(tmp_path / "events.db", partitions=4, compacted=COMPACTED, delete_retention_s=3600)
    log.publish([encode(event) for event in history(workers, postings)])
    live = live_index(log, tmp_path / "live")  # followed the whole history, before any compaction
    try:
        assert worker_records(tmp_path / "events.db") == 32
        assert log.compact().removed == (32 - 10) + (13 - 4)  # workers: 8 latest + 2 tombstones; postings: 4 latest
        assert worker_records(tmp_path / "events.db") == 10

        rebuilt = replayed(log, tmp_path / "index")
        try:
            live_state = without_closed(snapshot(live), postings[0])
            assert without_closed(snapshot(rebuilt), postings[0]) == live_state
            assert set(live_state[Kind.workers]) == set(workers[2:])  # the erased are in neither
            assert set(live_state[Kind.postings]) == set(postings[1:])
        finally:
            rebuilt.close()

        # After the delete-retention the tombstones go too; a replay still equals the live index.
        assert log.compact(now_ms=10**13).removed == 2
        assert worker_records(tmp_path / "events.db") == 8
        again = replayed(log, tmp_path / "index")
        try:
            assert without_closed(snapshot(again), postings[0]) == without_closed(snapshot(live), postings[0])
        finally:
            again.close()
    finally:
        live.close()
        log.close()


def test_a_person_who_comes_back_after_erasure_replays_as_the_live_index_shows_them(tmp_path: Path) -> None:
    person, other = new_id("w"), new_id("w")
    log = LocalEventLog(tmp_path / "events.db", partitions=2, compacted=COMPACTED, delete_retention_s=3600)
    log.publish([encode(worker_upserted(worker_data(person, 1))), encode(worker_upserted(worker_data(other, 1))),
                 encode(worker_erased(person, 2))])
    log.publish([encode(worker_upserted(worker_data(person, 3, experience_years=2)))])  # registers again
    live = live_index(log, tmp_path / "live")
    try:
        assert log.compact().removed == 2  # the first profile and the tombstone, superseded by the comeback
        rebuilt = replayed(log, tmp_path / "index")
        try:
            assert snapshot(rebuilt) == snapshot(live)
            assert snapshot(live)[Kind.workers][person][0] == 3
        finally:
            rebuilt.close()
    finally:
        live.close()
        log.close()


def closing_with_state(posting_id: str, version: int) -> CloudEvent:
    """As jobs writes a closing: the posting's state after closing rides along (posting.closed v2)."""
    state = PostingUpserted.model_validate(posting_data(posting_id, version, status="filled"))
    data = PostingClosed(id=posting_id, org_id=state.org_id, status="filled", reason="filled",
                         closed_at=state.updated_at, posting=state)
    return make_event("posting.closed", data, subject=posting_id, source="talentflow/jobs", entityversion=version)


def test_a_closed_posting_replays_from_the_compacted_log(tmp_path: Path) -> None:
    """posting.closed v2 carries the posting's state, so the closing alone rebuilds it (DESIGN §6)."""
    posting = new_id("p")
    log = LocalEventLog(tmp_path / "events.db", partitions=1, compacted=COMPACTED)
    log.publish([encode(posting_upserted(posting_data(posting, 1))), encode(closing_with_state(posting, 2))])
    live = live_index(log, tmp_path / "live")
    try:
        assert log.compact().removed == 1
        rebuilt = replayed(log, tmp_path / "index")
        try:
            assert snapshot(rebuilt)[Kind.postings] == snapshot(live)[Kind.postings]
        finally:
            rebuilt.close()
    finally:
        live.close()
        log.close()
