"""The EventLog conformance suite: every test runs on the local log and on Kafka (Tansu or real).

What services rely on (DESIGN §4, §6): order per key; at-least-once delivery with offsets that move
only on commit; durability across restarts; the DLQ path of `ConsumerWorker`; partitions shared by
the members of a group; groups independent of each other; headers kept; `from_beginning=False`.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest

from services.common.adapters.eventlog_local import LocalEventLog
from services.common.consuming import ConsumerWorker
from services.common.ports import Consumer, EventLog, OffsetReporting, OutgoingMessage, Record

pytestmark = pytest.mark.contract


def drain(consumer: Consumer, count: int, timeout_s: float = 20.0, *, commit: bool = False) -> list[Record]:
    """Poll until `count` records came (or the timeout); Kafka joins take seconds on Tansu."""
    got: list[Record] = []
    deadline = time.monotonic() + timeout_s
    while len(got) < count and time.monotonic() < deadline:
        batch = consumer.poll(0.2)
        got += batch
        if commit and batch:
            consumer.commit(batch)
    return got


def wait_assigned(consumer: Consumer, timeout_s: float = 20.0) -> list[Record]:
    """Poll until the member holds partitions (both adapters expose `assignment()`); returns what came."""
    got: list[Record] = []
    deadline = time.monotonic() + timeout_s
    while not consumer.assignment() and time.monotonic() < deadline:  # type: ignore[attr-defined]
        got += consumer.poll(0.2)
    assert consumer.assignment(), "the consumer never got partitions"  # type: ignore[attr-defined]
    return got


def messages(topic: str, keys: list[str], per_key: int, prefix: str = "v") -> list[OutgoingMessage]:
    """per_key messages for each key, interleaved across keys, values "<prefix>-<key>-<n>"."""
    return [
        OutgoingMessage(topic, key, f"{prefix}-{key}-{n}".encode())
        for n in range(per_key)
        for key in keys
    ]


def values(records: list[Record]) -> list[bytes]:
    return [record.value for record in records]


def test_adapters_implement_the_port(event_log: EventLog, topic: str) -> None:
    assert isinstance(event_log, EventLog)
    consumer = event_log.consumer(f"{topic}.conformance", [topic])
    try:
        assert isinstance(consumer, Consumer)
        assert event_log.ping() is True
    finally:
        consumer.close()


def test_order_is_kept_per_key(event_log: EventLog, topic: str) -> None:
    keys = [f"worker-{n}" for n in range(12)]
    outgoing = messages(topic, keys, per_key=15)
    # Several publish calls of odd sizes, so ordering must hold across batches too.
    for start in range(0, len(outgoing), 7):
        event_log.publish(outgoing[start : start + 7])

    consumer = event_log.consumer(f"{topic}.order", [topic])
    try:
        got = drain(consumer, len(outgoing))
    finally:
        consumer.close()

    assert len(got) == len(outgoing)
    by_key: dict[str, list[bytes]] = defaultdict(list)
    partition_of: dict[str, set[int]] = defaultdict(set)
    last_offset: dict[int, int] = {}
    for record in got:
        by_key[record.key].append(record.value)
        partition_of[record.key].add(record.partition)
        # Offsets grow within a partition, in delivery order.
        assert record.offset > last_offset.get(record.partition, -1)
        last_offset[record.partition] = record.offset
    for key in keys:
        assert by_key[key] == [f"v-{key}-{n}".encode() for n in range(15)]
        assert len(partition_of[key]) == 1, f"{key} was spread over partitions {partition_of[key]}"
    assert len({p for parts in partition_of.values() for p in parts}) > 1, "12 keys all landed in one partition"


def test_uncommitted_records_are_delivered_again(event_log: EventLog, topic: str) -> None:
    outgoing = messages(topic, ["a", "b", "c"], per_key=4)
    event_log.publish(outgoing)

    first = event_log.consumer(f"{topic}.redelivery", [topic])
    got = drain(first, len(outgoing))
    assert len(got) == len(outgoing)
    committed = [record for record in got if record.value.endswith((b"-0", b"-1"))]
    first.commit(committed)  # only the first two of each key: the crash comes before the rest
    first.close()

    second = event_log.consumer(f"{topic}.redelivery", [topic])
    try:
        again = drain(second, len(outgoing) - len(committed))
    finally:
        second.close()
    expected = sorted(m.value for m in outgoing if not m.value.endswith((b"-0", b"-1")))
    assert sorted(values(again)) == expected


def test_a_group_s_committed_offsets_can_be_read_by_anyone(event_log: EventLog, topic: str) -> None:
    """`committed_offsets` (matching's market handover reads two groups' positions with it): the
    next offset per partition the group committed on, nothing for partitions it never committed on."""
    assert isinstance(event_log, OffsetReporting)
    group = f"{topic}.offsets"
    assert event_log.committed_offsets(group, [topic]) == {}
    outgoing = messages(topic, ["a", "b", "c", "d"], per_key=3)
    event_log.publish(outgoing)
    consumer = event_log.consumer(group, [topic])
    try:
        got = drain(consumer, len(outgoing))
        assert len(got) == len(outgoing)
        done = [record for record in got if not record.value.endswith(b"-2")]
        consumer.commit(done)
    finally:
        consumer.close()
    expected: dict[tuple[str, int], int] = {}
    for record in done:
        expected[(record.topic, record.partition)] = max(expected.get((record.topic, record.partition), 0),
                                                         record.offset + 1)
    assert event_log.committed_offsets(group, [topic]) == expected
    assert event_log.committed_offsets(group, [f"{topic}-other"]) == {}
    assert event_log.committed_offsets(f"{group}.never", [topic]) == {}


def test_nothing_is_lost_across_a_restart_and_consumers_resume(
    event_log_factory: Callable[..., EventLog], topic: str
) -> None:
    before = event_log_factory()
    early = messages(topic, ["p1", "p2", "p3"], per_key=5, prefix="early")
    before.publish(early)
    consumer = before.consumer(f"{topic}.resume", [topic])
    consumed = drain(consumer, len(early))
    assert sorted(values(consumed)) == sorted(m.value for m in early)
    consumer.commit(consumed)
    consumer.close()
    late = messages(topic, ["p1", "p2", "p3"], per_key=3, prefix="late")
    before.publish(late)
    before.close()

    after = event_log_factory()  # a new process, as far as the log can tell
    resumed = after.consumer(f"{topic}.resume", [topic])
    fresh = after.consumer(f"{topic}.newcomer", [topic])
    try:
        # The group resumes at its committed offsets: only what came after the commit.
        assert sorted(values(drain(resumed, len(late)))) == sorted(m.value for m in late)
        # A new group still sees everything ever published: nothing was lost in the restart.
        everything = drain(fresh, len(early) + len(late))
        assert sorted(values(everything)) == sorted(m.value for m in early + late)
    finally:
        resumed.close()
        fresh.close()


def test_a_poison_message_goes_to_the_dlq_and_the_consumer_goes_on(event_log: EventLog, topic: str) -> None:
    key = "posting-1"  # one key: one partition, so the poison sits between the good ones
    event_log.publish([OutgoingMessage(topic, key, body, {"traceparent": b"00-abc-01"}) for body in (b"good-1", b"poison", b"good-2")])
    handled: list[bytes] = []
    calls: list[bytes] = []

    def handler(record: Record) -> None:
        calls.append(record.value)
        if record.value == b"poison":
            raise ValueError("cannot handle this one")
        handled.append(record.value)

    worker = ConsumerWorker(event_log, f"{topic}.dlq-test", [topic], handler, max_attempts=3, backoff_s=0.01, poll_timeout_s=0.2)
    deadline = time.monotonic() + 20
    while worker.processed + worker.dead_lettered < 3 and time.monotonic() < deadline:
        worker.run_once()
    worker.stop()

    assert handled == [b"good-1", b"good-2"]
    assert calls.count(b"poison") == 3
    assert (worker.processed, worker.dead_lettered, worker.retries) == (2, 1, 2)

    dlq = event_log.consumer(f"{topic}.dlq-reader", [topic + ".dlq"])
    try:
        [dead] = drain(dlq, 1)
    finally:
        dlq.close()
    assert (dead.key, dead.value) == (key, b"poison")
    assert b"ValueError" in dead.headers["error"] and b"cannot handle this one" in dead.headers["error"]
    assert dead.headers["error-attempts"] == b"3"
    assert dead.headers["original-topic"] == topic.encode()
    assert dead.headers["original-offset"] == b"1"
    assert dead.headers["traceparent"] == b"00-abc-01"

    # The poison was committed with the rest: the group's next record is a new one, not the poison.
    event_log.publish([OutgoingMessage(topic, key, b"after")])
    again = event_log.consumer(f"{topic}.dlq-test", [topic])
    try:
        assert values(drain(again, 1)) == [b"after"]
    finally:
        again.close()


def test_a_failing_batch_falls_back_to_one_record_at_a_time(event_log: EventLog, topic: str) -> None:
    event_log.publish([OutgoingMessage(topic, "k", body) for body in (b"good-1", b"poison", b"good-2")])
    stored: list[bytes] = []
    batch_sizes: list[int] = []

    def handler(batch: list[Record]) -> None:
        batch_sizes.append(len(batch))
        if any(record.value == b"poison" for record in batch):
            raise RuntimeError("poisoned batch")  # nothing of the batch is stored
        stored.extend(record.value for record in batch)

    worker = ConsumerWorker(
        event_log, f"{topic}.batch-test", [topic], handler, batch_handler=True, max_attempts=2, backoff_s=0.01, poll_timeout_s=0.2
    )
    deadline = time.monotonic() + 20
    while worker.processed + worker.dead_lettered < 3 and time.monotonic() < deadline:
        worker.run_once()
    worker.stop()

    assert sorted(stored) == [b"good-1", b"good-2"]
    assert (worker.processed, worker.dead_lettered) == (2, 1)
    assert batch_sizes.count(1) >= 3, f"expected single-record retries, got batches of {batch_sizes}"


def test_members_of_one_group_share_the_partitions(event_log: EventLog, topic: str) -> None:
    outgoing = messages(topic, [f"k{n}" for n in range(40)], per_key=5)
    event_log.publish(outgoing)
    members = [event_log.consumer(f"{topic}.shared", [topic]), event_log.consumer(f"{topic}.shared", [topic])]
    got: list[list[Record]] = [[], []]
    try:
        deadline = time.monotonic() + 30
        while sum(map(len, got)) < len(outgoing) and time.monotonic() < deadline:
            for index, member in enumerate(members):
                batch = member.poll(0.1)
                if batch:
                    member.commit(batch)
                    got[index] += batch
    finally:
        for member in members:
            member.close()

    seen = [{(r.partition, r.offset) for r in records} for records in got]
    assert got[0] and got[1], f"one member got nothing: {len(got[0])} / {len(got[1])}"
    assert not seen[0] & seen[1], "a record was delivered to both members"
    assert sorted(values(got[0] + got[1])) == sorted(m.value for m in outgoing)
    # A partition belongs to one member at a time.
    assert not {r.partition for r in got[0]} & {r.partition for r in got[1]}


def test_a_joining_member_waits_for_partitions_to_be_handed_over(event_log: EventLog, topic: str) -> None:
    outgoing = messages(topic, [f"k{n}" for n in range(40)], per_key=5)
    event_log.publish(outgoing)
    first = event_log.consumer(f"{topic}.handover", [topic])
    second: Consumer | None = None
    got: list[list[Record]] = [[], []]
    try:
        in_flight: list[Record] = []
        deadline = time.monotonic() + 20
        while not in_flight and time.monotonic() < deadline:
            in_flight = first.poll(0.2, max_records=20)  # handed out, not committed yet: the partitions are busy
        got[0] += in_flight
        second = event_log.consumer(f"{topic}.handover", [topic])
        # The newcomer must not read what the first member holds before the first one lets go.
        early = second.poll(0.5)
        assert not {(r.partition, r.offset) for r in early} & {(r.partition, r.offset) for r in in_flight}
        got[1] += early
        first.commit(in_flight)
        members = [first, second]
        deadline = time.monotonic() + 90  # a loaded machine slows Tansu's rebalance; the loop ends when done
        rounds = 0
        while time.monotonic() < deadline:
            if sum(map(len, got)) >= len(outgoing):
                if got[1]:
                    break
                # A Kafka rebalance takes seconds: keep the topic busy until the newcomer has joined.
                rounds += 1
                more = messages(topic, [f"k{n}" for n in range(40)], per_key=1, prefix=f"more{rounds}")
                event_log.publish(more)
                outgoing += more
            for index, member in enumerate(members):
                batch = member.poll(0.1, max_records=50)
                if batch:
                    member.commit(batch)
                    got[index] += batch
    finally:
        first.close()
        if second is not None:
            second.close()

    delivered = [(r.partition, r.offset) for r in got[0] + got[1]]
    assert len(delivered) == len(set(delivered)) == len(outgoing), "records were lost or delivered twice"
    assert got[1], "the second member never got a share"


def test_a_slow_group_does_not_hold_back_another(event_log: EventLog, topic: str) -> None:
    outgoing = messages(topic, ["x", "y", "z"], per_key=10)
    event_log.publish(outgoing)
    release = threading.Event()
    slow = ConsumerWorker(event_log, f"{topic}.slow", [topic], lambda record: release.wait(15), poll_timeout_s=0.2)
    slow.start()
    try:
        fast = event_log.consumer(f"{topic}.fast", [topic])
        try:
            got = drain(fast, len(outgoing), commit=True)
        finally:
            fast.close()
        assert sorted(values(got)) == sorted(m.value for m in outgoing)
        assert slow.processed == 0, "the slow handler was supposed to still be busy"
    finally:
        release.set()
        slow.stop()


def test_headers_round_trip(event_log: EventLog, topic: str) -> None:
    headers = {
        "traceparent": b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "content-type": b"application/cloudevents+json",
        "binary": bytes(range(256)),
        "empty": b"",
    }
    event_log.publish([OutgoingMessage(topic, "h", b"with"), OutgoingMessage(topic, "h", b"plain")])
    event_log.publish([OutgoingMessage(topic, "h", b"with-headers", headers)])
    consumer = event_log.consumer(f"{topic}.headers", [topic])
    try:
        got = drain(consumer, 3)
    finally:
        consumer.close()
    assert values(got) == [b"with", b"plain", b"with-headers"]
    assert dict(got[0].headers) == {}
    assert dict(got[2].headers) == headers
    assert all(record.key == "h" and record.timestamp_ms > 0 for record in got)


def test_a_new_group_can_start_at_the_end(event_log: EventLog, topic: str) -> None:
    event_log.publish(messages(topic, ["a", "b", "c", "d"], per_key=5, prefix="old"))
    consumer = event_log.consumer(f"{topic}.tail", [topic], from_beginning=False)
    try:
        assert wait_assigned(consumer) == []
        event_log.publish(messages(topic, ["a", "b", "c", "d"], per_key=2, prefix="new"))
        got = drain(consumer, 8)
        assert sorted(values(got)) == sorted(m.value for m in messages(topic, ["a", "b", "c", "d"], 2, "new"))
        consumer.commit(got)
    finally:
        consumer.close()

    # Once the group exists, from_beginning=False resumes it where it was, not at the (new) end.
    event_log.publish(messages(topic, ["a", "b"], per_key=2, prefix="meanwhile"))
    again = event_log.consumer(f"{topic}.tail", [topic], from_beginning=False)
    try:
        assert sorted(values(drain(again, 4))) == sorted(m.value for m in messages(topic, ["a", "b"], 2, "meanwhile"))
    finally:
        again.close()


def test_local_log_retention_drops_only_old_records(tmp_path: Path, topic: str) -> None:
    """Local-only (Kafka's retention is the broker's business): purge by age, per-topic overrides."""
    log = LocalEventLog(tmp_path / "retention.db", retention_s=60, retention_by_topic={"kept": None})
    try:
        log.publish([OutgoingMessage(topic, f"k{n}", b"old") for n in range(50)])
        log.publish([OutgoingMessage("kept", "k", b"forever")])
        time.sleep(0.05)
        log.publish([OutgoingMessage(topic, "k1", b"new")])
        reader = log.consumer("r1", [topic])
        [new] = [r for r in drain(reader, 51, timeout_s=2) if r.value == b"new"]
        reader.close()

        assert log.purge_expired(now_ms=new.timestamp_ms + 59_000) == 0  # nothing is a minute old yet
        # A minute after "new" was stamped minus 1 ms: the older 50 are past retention, "new" is not.
        assert log.purge_expired(now_ms=new.timestamp_ms - 1 + 60_000) == 50
        after = log.consumer("r2", [topic])
        survivors = drain(after, 1, timeout_s=1)
        assert [(r.value, r.offset) for r in survivors] == [(b"new", new.offset)]  # offsets never reused
        after.close()

        assert log.purge_expired(now_ms=new.timestamp_ms + 10**9) == 1  # "kept" is kept forever
        kept = log.consumer("r3", ["kept"])
        assert values(drain(kept, 1, timeout_s=1)) == [b"forever"]
        kept.close()
    finally:
        log.close()


# --- compaction of keyed topics (local log; Kafka's is the broker's, see test_topic_configs.py) ------

UPSERTED, ERASED = {"ce_type": b"worker.upserted"}, {"ce_type": b"worker.erased"}


def compacted_log(path: Path, **overrides: object) -> LocalEventLog:
    options: dict[str, object] = {"compacted": {"workers": {"worker.erased"}}, "delete_retention_s": 60.0}
    options.update(overrides)
    return LocalEventLog(path, **options)  # type: ignore[arg-type]


def read_all(log: LocalEventLog, topic: str, group: str, expected: int | None = None) -> list[Record]:
    consumer = log.consumer(group, [topic])
    try:
        return drain(consumer, expected if expected is not None else 10**9, timeout_s=1.0 if expected is None else 5.0)
    finally:
        consumer.close()


def stored_records(path: Path) -> int:
    import sqlite3

    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT COUNT(*) FROM records").fetchone()[0]


def test_compaction_keeps_only_the_latest_record_of_each_key_at_its_offset(tmp_path: Path) -> None:
    log = compacted_log(tmp_path / "events.db")
    try:
        keys = [f"w{n}" for n in range(20)]
        log.publish([OutgoingMessage("workers", m.key, m.value, UPSERTED) for m in messages("workers", keys, per_key=4)])
        before = read_all(log, "workers", "before", expected=80)
        latest = {r.key: (r.partition, r.offset, r.value) for r in before}  # delivery order is offset order per key
        assert len(latest) == 20

        result = log.compact()
        assert (result.removed, result.busy) == (60, False)
        after = read_all(log, "workers", "after", expected=20)
        assert sorted((r.key, (r.partition, r.offset, r.value)) for r in after) == sorted(latest.items())
        assert log.compact().removed == 0  # nothing new: the next pass finds nothing to do
    finally:
        log.close()


def test_an_erasure_leaves_only_its_tombstone_which_goes_after_the_delete_retention(tmp_path: Path) -> None:
    log = compacted_log(tmp_path / "events.db", delete_retention_s=60.0)
    try:
        log.publish([OutgoingMessage("workers", "gone", b"name=WANG-1", UPSERTED), OutgoingMessage("workers", "kept", b"v1", UPSERTED)])
        log.publish([OutgoingMessage("workers", "gone", b"name=WANG-2", UPSERTED)])
        log.publish([OutgoingMessage("workers", "gone", b"erased", ERASED), OutgoingMessage("workers", "null", b"x", UPSERTED)])
        log.publish([OutgoingMessage("workers", "null", b"")])  # Kafka's tombstone, an empty value, also counts
        tombstone = next(r for r in read_all(log, "workers", "all", expected=6) if r.value == b"erased")

        assert log.compact().removed == 3
        survivors = read_all(log, "workers", "compacted", expected=3)
        assert sorted((r.key, r.value) for r in survivors) == [("gone", b"erased"), ("kept", b"v1"), ("null", b"")]
        assert next(r.offset for r in survivors if r.key == "gone") == tombstone.offset

        # The tombstone is kept for the delete-retention (a consumer that was down still learns of
        # the erasure), then it goes too; the other keys' latest records stay for good.
        assert log.compact(now_ms=tombstone.timestamp_ms + 59_000).removed == 0
        assert log.compact(now_ms=tombstone.timestamp_ms + 61_000).removed == 2
        assert [(r.key, r.value) for r in read_all(log, "workers", "later", expected=1)] == [("kept", b"v1")]
        assert stored_records(tmp_path / "events.db") == 1
    finally:
        log.close()


def test_a_group_resumes_across_a_compacted_range_and_gets_exactly_the_survivors(tmp_path: Path) -> None:
    log = compacted_log(tmp_path / "events.db", partitions=1)
    try:
        log.publish([OutgoingMessage("workers", f"k{n % 3}", f"v{n}".encode(), UPSERTED) for n in range(3)])
        group = log.consumer("indexer", ["workers"])
        first = drain(group, 3)
        group.commit(first)  # committed offset 3
        group.close()
        # k0..k2 again, then k0 erased: offsets 3..9
        log.publish([OutgoingMessage("workers", f"k{n % 3}", f"v{n}".encode(), UPSERTED) for n in range(3, 9)])
        log.publish([OutgoingMessage("workers", "k0", b"erased", ERASED)])

        assert log.compact().removed == 7  # v0-v2 (read already) and v3-v6 (superseded, unread)
        resumed = log.consumer("indexer", ["workers"])
        try:
            assert resumed.committed("workers", 0) == 3  # compaction never moves or renumbers offsets
            got = drain(resumed, 3, timeout_s=3)
            assert [(r.offset, r.key, r.value) for r in got] == [(7, "k1", b"v7"), (8, "k2", b"v8"), (9, "k0", b"erased")]
            resumed.commit(got)
            assert resumed.committed("workers", 0) == 10
            assert resumed.poll(0.2) == []
        finally:
            resumed.close()
    finally:
        log.close()


def test_compaction_while_producing_and_consuming_loses_nothing(tmp_path: Path) -> None:
    log = compacted_log(tmp_path / "events.db")
    keys = [f"k{n}" for n in range(25)]
    rounds = 120
    done = threading.Event()
    errors: list[BaseException] = []

    def produce() -> None:
        try:
            for n in range(rounds):
                log.publish([OutgoingMessage("workers", key, f"{key}:{n:04d}".encode(), UPSERTED) for key in keys])
        except BaseException as exc:  # noqa: BLE001 — surfaced by the assertion below
            errors.append(exc)
        finally:
            done.set()

    reader = log.consumer("live", ["workers"])
    seen: dict[str, list[int]] = defaultdict(list)
    passes = removed = 0
    producer = threading.Thread(target=produce)
    producer.start()
    try:
        while not done.is_set() or passes < 3:
            removed += log.compact().removed
            passes += 1
            for record in reader.poll(0.01):
                seen[record.key].append(int(record.value.split(b":")[1]))
        producer.join()
        removed += log.compact().removed
        for record in drain(reader, 10**9, timeout_s=1.0):
            seen[record.key].append(int(record.value.split(b":")[1]))
    finally:
        reader.close()
    try:
        assert not errors, errors
        assert removed > 0, "compaction never ran against the producer"
        # A live reader never goes back in a key's history and ends at each key's last record.
        for key in keys:
            assert seen[key] == sorted(set(seen[key])) and seen[key][-1] == rounds - 1, key
        final = read_all(log, "workers", "after", expected=len(keys))
        assert sorted(r.value for r in final) == sorted(f"{key}:{rounds - 1:04d}".encode() for key in keys)
        assert stored_records(tmp_path / "events.db") == len(keys)
    finally:
        log.close()


def test_the_background_compactor_runs_soon_after_a_tombstone(tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    log = compacted_log(path, compact_interval_s=3600.0)  # the interval alone would take an hour
    try:
        log.publish([OutgoingMessage("workers", "w", b"name=WANG", UPSERTED), OutgoingMessage("workers", "x", b"other", UPSERTED)])
        time.sleep(1.5)
        assert stored_records(path) == 2  # no tombstone, no pass before the interval
        log.publish([OutgoingMessage("workers", "w", b"erased", ERASED)])
        deadline = time.monotonic() + 10
        while stored_records(path) != 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert stored_records(path) == 2  # "x" and the tombstone
    finally:
        log.close()


def test_one_process_compacts_at_a_time(tmp_path: Path) -> None:
    first, second = compacted_log(tmp_path / "events.db"), compacted_log(tmp_path / "events.db")
    try:
        first.publish([OutgoingMessage("workers", "w", f"v{n}".encode(), UPSERTED) for n in range(3)])
        assert first._take_lease(first._conn(), int(time.time() * 1000))  # first is mid-pass
        assert second.compact().busy
        assert stored_records(tmp_path / "events.db") == 3
        assert first.compact().removed == 2  # the holder goes on; the lease is released after
        second.publish([OutgoingMessage("workers", "w", b"v3", UPSERTED)])
        assert second.compact().removed == 1
    finally:
        second.close()
        first.close()


def test_erased_bytes_leave_the_file_after_compaction_and_close(tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    log = compacted_log(path)
    secret = "王建国-13800000001".encode()
    log.publish([OutgoingMessage("workers", "w", b'{"name":"' + secret + b'"}', UPSERTED)])
    log.publish([OutgoingMessage("workers", f"other{n}", b"x" * 500, UPSERTED) for n in range(200)])
    reader = log.consumer("reader", ["workers"])  # a reader holds the WAL open meanwhile
    drain(reader, 201)
    log.publish([OutgoingMessage("workers", "w", b'{"id":"w"}', ERASED)])
    assert log.compact().removed == 1
    reader.close()
    log.close()
    leftovers = [f.name for f in tmp_path.iterdir() if secret in f.read_bytes()]
    assert leftovers == []
    assert stored_records(path) == 201


def test_kafka_creates_keyed_topics_compacted(kafka_bootstrap: str, topic: str) -> None:
    """On demand, a topic gets the kit's configs (as deploy/kafka/topics.json): checked on the broker."""
    from kafka.admin import ConfigResource, ConfigResourceType

    from tests.fixtures.kafka import make_kafka_log

    log = make_kafka_log(kafka_bootstrap, topic_overrides={topic: {"cleanup.policy": "compact", "delete.retention.ms": "60000"}})
    try:
        log.publish([OutgoingMessage(topic, "k", b"v")])
        described = log._get_admin().describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    finally:
        log.close()
    configs = described["topic"][topic] if isinstance(described, dict) else {}
    if not configs:
        pytest.skip("this broker does not report topic configs (Tansu); test_topic_configs.py checks the request")
    assert configs.get("cleanup.policy") == "compact" and configs.get("delete.retention.ms") == "60000"
