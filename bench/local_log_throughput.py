"""Throughput of the local event log: events/s produced, and consumed + committed, on one machine.

    .venv/bin/python bench/local_log_throughput.py [--events 200000] [--batch 500] [--value-size 1024]

Phase 1 publishes `--events` events of `--value-size` bytes in `publish` calls of `--batch`, keyed
by 10,000 entity ids over the default 8 partitions. Phase 2 reads them back with one consumer of a
new group, committing after every poll (as `ConsumerWorker` does). With `--concurrent`, a producer
process and a consumer process run at the same time instead, as the services do.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import tempfile
import time
from pathlib import Path

from services.common.adapters.eventlog_local import LocalEventLog
from services.common.ports import OutgoingMessage

TOPIC = "bench.workers"


def produce(path: str, events: int, batch: int, value_size: int, synchronous: str) -> float:
    log = LocalEventLog(path, synchronous=synchronous)
    value = os.urandom(value_size // 2).hex().encode()[:value_size]
    headers = {"traceparent": b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}
    started = time.perf_counter()
    for start in range(0, events, batch):
        log.publish(
            [OutgoingMessage(TOPIC, f"worker-{n % 10_000}", value, headers) for n in range(start, min(events, start + batch))]
        )
    elapsed = time.perf_counter() - started
    log.close()
    return elapsed


def consume(path: str, events: int, batch: int, synchronous: str, group: str = "bench") -> float:
    log = LocalEventLog(path, synchronous=synchronous)
    consumer = log.consumer(group, [TOPIC])
    seen = 0
    started = time.perf_counter()
    while seen < events:
        records = consumer.poll(1.0, max_records=batch)
        if records:
            consumer.commit(records)
            seen += len(records)
    elapsed = time.perf_counter() - started
    consumer.close()
    log.close()
    return elapsed


def _consume_into(queue: multiprocessing.Queue, *args: object) -> None:
    queue.put(consume(*args))  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--value-size", type=int, default=1024)
    parser.add_argument("--synchronous", default="NORMAL", choices=["NORMAL", "FULL"])
    parser.add_argument("--concurrent", action="store_true", help="producer and consumer in two processes at once")
    parser.add_argument("--path", help="log file (default: a fresh temporary one)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = args.path or str(Path(tmp) / "events.db")
        LocalEventLog(path).close()  # create the file before two processes race for it
        mib = args.events * args.value_size / 2**20
        print(f"{args.events} events of {args.value_size} B ({mib:.0f} MiB), batches of {args.batch}, synchronous={args.synchronous}")
        if args.concurrent:
            queue: multiprocessing.Queue = multiprocessing.get_context("spawn").Queue()
            reader = multiprocessing.get_context("spawn").Process(
                target=_consume_into, args=(queue, path, args.events, args.batch, args.synchronous)
            )
            reader.start()
            produced = produce(path, args.events, args.batch, args.value_size, args.synchronous)
            consumed = queue.get()
            reader.join()
            print(f"produce (concurrent): {args.events / produced:>10,.0f} events/s  ({produced:.2f} s)")
            print(f"consume (concurrent): {args.events / consumed:>10,.0f} events/s  ({consumed:.2f} s, end to end)")
        else:
            produced = produce(path, args.events, args.batch, args.value_size, args.synchronous)
            print(f"produce:            {args.events / produced:>10,.0f} events/s  ({produced:.2f} s)")
            consumed = consume(path, args.events, args.batch, args.synchronous)
            print(f"consume + commit:   {args.events / consumed:>10,.0f} events/s  ({consumed:.2f} s)")
        print(f"file size: {os.path.getsize(path) / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
