"""Idle consumers of the local log and the consumer worker's durability pipeline (issue 14).

- An idle `LocalConsumer` costs a `PRAGMA data_version` per look: no fetch, no rebalance, until the
  file changes — yet a publish of this process (even from the polling thread itself) or of another
  connection is delivered.
- `ConsumerWorker`: a batch handler may return a `Durability`; the offsets of a batch are committed
  only once it is done, in order; `run_once()` makes it durable at once; a failed cycle drops the
  waiting batches, which a fresh member reads again.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from services.common.adapters.eventlog_local import LocalConsumer, LocalEventLog
from services.common.consuming import ConsumerWorker
from services.common.ports import OutgoingMessage, Record


@pytest.fixture
def event_log(tmp_path: Path):
    log = LocalEventLog(tmp_path / "log.db", partitions=4)
    yield log
    log.close()


def _publish(log: LocalEventLog, n: int, prefix: str = "v") -> None:
    log.publish([OutgoingMessage("t", f"k{i}", f"{prefix}{i}".encode()) for i in range(n)])


def _caught_up(consumer: LocalConsumer) -> None:
    while consumer.poll(0.05):
        pass


def test_an_idle_poll_neither_fetches_nor_rebalances(event_log: LocalEventLog, monkeypatch) -> None:
    consumer = event_log.consumer("g", ["t"])
    _publish(event_log, 3)
    assert len(consumer.poll(1.0)) == 3
    _caught_up(consumer)
    calls = {"fetch": 0, "rebalance": 0}
    fetch, rebalance = consumer._fetch, consumer._rebalance
    monkeypatch.setattr(consumer, "_fetch", lambda n: calls.__setitem__("fetch", calls["fetch"] + 1) or fetch(n))
    monkeypatch.setattr(consumer, "_rebalance", lambda: calls.__setitem__("rebalance", calls["rebalance"] + 1) or rebalance())
    assert consumer.poll(0.3) == []
    assert calls == {"fetch": 0, "rebalance": 0}
    consumer.close()


def test_a_publish_from_the_polling_thread_itself_is_delivered(event_log: LocalEventLog) -> None:
    # data_version does not change for the connection's own writes: the process's write count does.
    consumer = event_log.consumer("g", ["t"])
    _caught_up(consumer)
    _publish(event_log, 2)
    assert len(consumer.poll(0.0)) == 2
    consumer.close()


def test_a_publish_of_another_thread_wakes_a_waiting_poll_at_once(event_log: LocalEventLog) -> None:
    consumer = event_log.consumer("g", ["t"])
    _caught_up(consumer)
    consumer.poll(0.3)  # idle long enough for the back-off to reach its longest pause
    timer = threading.Timer(0.2, _publish, (event_log, 1))
    timer.start()
    started = time.monotonic()
    got = consumer.poll(5.0)
    waited = time.monotonic() - started
    timer.join()
    assert len(got) == 1
    assert waited < 0.2 + 0.04, f"the poll slept through the publish: {waited:.3f} s"
    consumer.close()


def test_a_publish_through_another_connection_is_found_by_the_next_look(tmp_path: Path) -> None:
    # Another process is another connection: its writes change the pragma this one reads.
    path = tmp_path / "log.db"
    reader_log, writer_log = LocalEventLog(path, partitions=4), LocalEventLog(path, partitions=4)
    try:
        consumer = reader_log.consumer("g", ["t"])
        _caught_up(consumer)
        consumer.poll(0.2)
        threading.Timer(0.1, _publish, (writer_log, 1)).start()
        started = time.monotonic()
        got = consumer.poll(5.0)
        assert len(got) == 1
        assert time.monotonic() - started < 1.0
        consumer.close()
    finally:
        writer_log.close()
        reader_log.close()


class Later:
    """A Durability made done by the test (or by `now()`)."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.forced = False

    def done(self) -> bool:
        return self.event.is_set()

    def wait(self, timeout_s: float) -> bool:
        return self.event.wait(timeout_s)

    def now(self) -> None:
        self.forced = True
        self.event.set()


def _committed(log: LocalEventLog, group: str) -> int:
    probe = log.consumer(group + "-probe", ["t"])  # the group's offsets, read from the file
    try:
        return sum(probe._log._conn().execute(
            "SELECT COALESCE(SUM(next_offset), 0) FROM group_offsets WHERE grp = ?", (group,)).fetchone())
    finally:
        probe.close()


def test_run_once_makes_a_deferred_batch_durable_before_committing(event_log: LocalEventLog) -> None:
    later: list[Later] = []

    def handler(records: list[Record]) -> Later:
        later.append(Later())
        return later[-1]

    worker = ConsumerWorker(event_log, "g", ["t"], handler, batch_handler=True, pipeline=4)
    _publish(event_log, 5)
    assert worker.run_once() == 5
    assert later[0].forced
    assert _committed(event_log, "g") == 5
    worker.stop()


def test_a_batch_smaller_than_asked_for_is_made_durable_at_once(event_log: LocalEventLog) -> None:
    # caught up: nothing to overlap the commit with, and the event should be searchable now
    made: list[Later] = []
    worker = ConsumerWorker(event_log, "g", ["t"], lambda records: made.append(Later()) or made[-1],
                            batch_handler=True, pipeline=4, max_records=100)
    _publish(event_log, 3)
    assert worker._cycle(pipelined=True) == 3
    assert made[0].forced and not worker._pending
    assert _committed(event_log, "g") == 3
    worker.stop()


def test_the_thread_commits_each_batch_once_durable_and_in_order(event_log: LocalEventLog) -> None:
    later: list[Later] = []
    seen: list[list[Record]] = []

    def handler(records: list[Record]) -> Later:
        seen.append(records)
        later.append(Later())
        return later[-1]

    worker = ConsumerWorker(event_log, "g", ["t"], handler, batch_handler=True, pipeline=4, max_records=2,
                            poll_timeout_s=0.05)
    _publish(event_log, 6)
    worker.start()
    try:
        deadline = time.monotonic() + 10
        while len(seen) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(seen) == 3, "the worker waited for durability before reading the next batches"
        assert _committed(event_log, "g") == 0
        later[1].event.set()  # the second is durable, the first is not: nothing may be committed
        time.sleep(0.2)
        assert _committed(event_log, "g") == 0
        later[0].event.set()
        deadline = time.monotonic() + 10
        while _committed(event_log, "g") < 4 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert _committed(event_log, "g") == 4
        assert not any(item.forced for item in later)
    finally:
        for item in later:
            item.event.set()
        worker.stop()
    assert _committed(event_log, "g") == 6


def test_a_failed_cycle_drops_the_waiting_batches_and_they_are_read_again(event_log: LocalEventLog) -> None:
    worker = ConsumerWorker(event_log, "g", ["t"], lambda records: Later(), batch_handler=True, pipeline=4, max_records=3)
    _publish(event_log, 12)  # a backlog: the batch is full, so it waits for its Durability
    assert worker._cycle(pipelined=True) == 3
    assert len(worker._pending) == 1
    worker.on_error(RuntimeError("the index went away"))
    assert not worker._pending
    fresh = ConsumerWorker(event_log, "g", ["t"], lambda records: None, batch_handler=True, max_records=100)
    assert fresh.run_once() == 12  # nothing was committed: the records come again
    fresh.stop()
    worker.stop()
