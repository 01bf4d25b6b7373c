"""A consumer process killed between storing its effect and committing loses nothing.

A child process runs a `ConsumerWorker` whose handler appends each record's value to an effects
file (its "store"), and on a marker record SIGKILLs its own process right after the append, before
the worker could commit. A second process then joins the same group: it must take over the dead
member's partitions, handle the marker again (at-least-once), handle everything else, and commit,
so the group ends with nothing pending. Runs on the local log and on Kafka.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from services.common.ports import EventLog, OutgoingMessage

pytestmark = pytest.mark.integration

MARKER = b"crash-here"
KEYS = [f"worker-{n}" for n in range(10)]


def build_log(spec: dict[str, Any]) -> EventLog:
    if spec["kind"] == "local":
        from services.common.adapters.eventlog_local import LocalEventLog

        return LocalEventLog(spec["path"], member_ttl_s=1.0)
    from tests.fixtures.kafka import make_kafka_log

    return make_kafka_log(spec["bootstrap"])


def consume_in_child(spec: dict[str, Any], topic: str, group: str, effects: str, crashed_flag: str, expected: list[str]) -> None:
    """The child process: handle records until every expected value has an effect (or 60 s)."""
    from services.common.consuming import ConsumerWorker

    log = build_log(spec)

    def handler(record: Any) -> None:
        with open(effects, "a", encoding="utf-8") as store:
            store.write(record.value.decode() + "\n")
            store.flush()
            os.fsync(store.fileno())
        if record.value == MARKER and not os.path.exists(crashed_flag):
            Path(crashed_flag).touch()
            os.kill(os.getpid(), signal.SIGKILL)  # the effect is stored, the offset is not

    worker = ConsumerWorker(log, group, [topic], handler, poll_timeout_s=0.2)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        worker.run_once()  # commits what it handled before returning
        if set(expected) <= set(Path(effects).read_text(encoding="utf-8").split()):
            break
    worker.stop()
    log.close()


@pytest.fixture(params=["local", "kafka"])
def log_spec(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Any]:
    if request.param == "local":
        return {"kind": "local", "path": str(tmp_path / "events.db")}
    return {"kind": "kafka", "bootstrap": request.getfixturevalue("kafka_bootstrap")}


def test_a_consumer_killed_before_commit_loses_nothing(log_spec: dict[str, Any], tmp_path: Path, topic: str) -> None:
    values = [f"event-{n}" for n in range(200)]
    values[100] = MARKER.decode()
    outgoing = [OutgoingMessage(topic, KEYS[n % len(KEYS)], value.encode()) for n, value in enumerate(values)]
    log = build_log(log_spec)
    log.publish(outgoing)
    effects, crashed_flag = tmp_path / "effects.txt", tmp_path / "crashed"
    effects.touch()
    spawn = multiprocessing.get_context("spawn")
    args = (log_spec, topic, f"{topic}.crash-test", str(effects), str(crashed_flag), values)

    first = spawn.Process(target=consume_in_child, args=args)
    first.start()
    first.join(60)
    assert first.exitcode == -signal.SIGKILL, f"the first consumer should have killed itself, exit {first.exitcode}"
    assert crashed_flag.exists()
    assert MARKER.decode() in effects.read_text().split()

    second = spawn.Process(target=consume_in_child, args=args)
    second.start()
    second.join(90)
    assert second.exitcode == 0

    handled = Counter(effects.read_text().split())
    assert set(handled) == set(values), f"lost: {sorted(set(values) - set(handled))[:5]}"
    assert handled[MARKER.decode()] >= 2, "the record being handled at the crash must be handled again"

    # The second process committed everything: one new record per key is all the group gets now.
    log.publish([OutgoingMessage(topic, key, b"after-" + key.encode()) for key in KEYS])
    consumer = log.consumer(f"{topic}.crash-test", [topic])
    got: list[bytes] = []
    try:
        deadline = time.monotonic() + 20
        while len(got) < len(KEYS) and time.monotonic() < deadline:
            got += [record.value for record in consumer.poll(0.2)]
    finally:
        consumer.close()
        log.close()
    assert sorted(got) == sorted(b"after-" + key.encode() for key in KEYS)
