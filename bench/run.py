"""The system benchmark (issue #8): the whole embedded system under a realistic dataset, against DESIGN §7.

    python -m bench.run --size quick          # 50,000 workers / 10,000 postings, a few minutes (make bench-quick)
    python -m bench.run --size full           # 1,000,000 workers / 200,000 postings (make bench)
    python -m bench.run --size smoke          # a tiny run that checks the harness itself
    python -m bench.run --size quick --profile   # also keep py-spy profiles of ingest, candidates, writes

What it does, in one temporary TALENTFLOW_HOME (the embedded default: SQLite, the local event log,
the tantivy index; engine URLs in the environment are ignored on purpose):

1. dataset: bench/datagen.py's workers and postings become `worker.upserted` / `posting.upserted`
   CloudEvents published straight into the local log (several processes, batched);
2. ingest: the matching service starts (`talentflow serve matching`) and its index consumer reads
   the backlog; timed from the service answering /healthz until the consumer group
   `matching-index` has committed the end of both topics (it commits only after the index refresh,
   so everything counted is searchable). The reactive-matching group is placed at the end of the
   log first: announcing matches for a backfill is a separate workload;
3. candidates / recommendations at the HTTP boundary with an admin token, one keep-alive client,
   postings and workers drawn at random from the dataset;
4. event → searchable: profiles written through the profiles API (store + outbox → relay → log →
   consumer → index), each with a unique skill, while matching's worker search is polled until each
   one is visible;
5. writes through the API, loaded by wrk (bench/http_writes.py): profiles (`POST /v1/workers`), then
   on jobs postings and applications; each with CPU per write of the service, every event published
   and consumed, and p99 at a paced 1,000/s;
6. market report: the admin on-demand `POST /v1/market/reports` over this dataset when matching
   serves it, else bench/market_report.py at the same size;
7. matching's RSS (VmRSS, VmHWM), then the services stop;
8. the engine floor: the same candidate queries straight on the tantivy index in this process
   (retrieval only, then retrieval + ranking), and the peer (bench/peer_pg.py) on PostgreSQL.

Writes bench/results/latest.json and latest.md and prints the table (bench/report.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import math
import multiprocessing
import os
import platform
import random
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench import report
from bench.datagen import iter_postings, iter_workers, org_of
from bench.http_writes import application_templates, posting_templates, worker_templates
from bench.wrk_load import measure_writes
from services.common.events import ENGAGEMENTS, EVENT_TYPES, POSTINGS, WORKERS, new_traceparent
from services.common.ports import OutgoingMessage

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PROFILES_DIR = ROOT / "bench" / "profiles"
SOURCE = "talentflow/bench"
WORKER_SEED, POSTING_SEED, WRITES_SEED = 1, 2, 77
# Engine URLs that would switch a port away from the embedded default; the benchmark removes them.
ENGINE_VARIABLES = ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "ELASTICSEARCH_URL", "REDIS_URL", "TALENTFLOW_INSTANCE_PREFIX")
PEER_URL = os.environ.get("BENCH_PEER_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


@dataclass(frozen=True)
class Size:
    """How much data and how many requests one run uses."""

    workers: int
    postings: int
    candidate_queries: int
    recommendation_queries: int
    freshness_samples: int
    in_process_queries: int  # the engine floor answers the first this many candidate queries …
    peer_queries: int  # … and the peer the first this many (at a million workers it takes ~0.5 s each)
    warmup_queries: int = 100
    writers: int = 16  # wrk's keep-alive connections in the write phases
    write_seconds: float = 10.0  # each write phase's throughput run (wrk -d); the paced run takes half
    # HTTP processes of the services written to (profiles, jobs): `serve --processes`, as the
    # containers run them on a 2-CPU machine (docker-compose.yml's TALENTFLOW_PROCESSES)
    write_processes: int = 2
    # Reactive matching (match.found) in a process of its own at this niceness, beside the matching
    # process that ingests and serves (MATCHING_REACTIVE=false there; docs/operations.md); None: in
    # matching's process, as `talentflow serve matching` runs it. On 2 cores apart was slower for the
    # writes (back to back, quick size: 783 vs 922 profile writes/s; docs/benchmarks.md).
    reactive_nice: int | None = None


SIZES: dict[str, Size] = {
    "smoke": Size(workers=2_000, postings=400, candidate_queries=100, recommendation_queries=50, freshness_samples=20,
                  in_process_queries=100, peer_queries=100, warmup_queries=10, writers=4,
                  write_seconds=3.0),
    "quick": Size(workers=50_000, postings=10_000, candidate_queries=2_000, recommendation_queries=500,
                  freshness_samples=200, in_process_queries=1_000, peer_queries=1_000),
    "full": Size(workers=1_000_000, postings=200_000, candidate_queries=4_000, recommendation_queries=1_000,
                 freshness_samples=200, in_process_queries=2_000, peer_queries=500,
                 write_seconds=20.0),
}


# --- statistics (pure) -----------------------------------------------------------------------------


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-th quantile (0 ≤ q ≤ 1), interpolating linearly between ranks as numpy's default does."""
    if not samples:
        raise ValueError("no samples")
    if not 0 <= q <= 1:
        raise ValueError("q must be within [0, 1]")
    ordered = sorted(samples)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def latency_summary(seconds: Sequence[float]) -> dict[str, float | int]:
    """Latencies (in seconds) as {n, p50_ms, p90_ms, p99_ms, mean_ms, max_ms}, rounded to 0.01 ms."""
    if not seconds:
        return {"n": 0}
    in_ms = [s * 1000 for s in seconds]
    return {
        "n": len(in_ms),
        "p50_ms": round(percentile(in_ms, 0.50), 2),
        "p90_ms": round(percentile(in_ms, 0.90), 2),
        "p99_ms": round(percentile(in_ms, 0.99), 2),
        "mean_ms": round(statistics.fmean(in_ms), 2),
        "max_ms": round(max(in_ms), 2),
    }


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 2)


# --- the dataset as events (pure) ------------------------------------------------------------------


def worker_id(i: int) -> str:
    return f"bw-{i}"


def posting_id(i: int) -> str:
    return f"bp-{i}"


def _message(type_: str, topic: str, subject: str, data: dict[str, Any], at: str) -> OutgoingMessage:
    """A CloudEvent encoded as `events.encode` does, written with json directly: the pydantic
    round trip costs ~0.4 ms an event, which at a million workers is minutes of set-up that measure
    nothing. A unit test checks that the consumer's `decode(...).parsed()` reads the same data."""
    event_id, traceparent = str(uuid.uuid4()), new_traceparent()
    envelope = {
        "specversion": "1.0", "id": event_id, "source": SOURCE, "type": type_, "subject": subject, "time": at,
        "datacontenttype": "application/json", "dataschema": EVENT_TYPES[type_].schema_uri,
        "entityversion": data["version"], "traceparent": traceparent, "data": data,
    }
    value = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {"ce_id": event_id.encode(), "ce_type": type_.encode(), "traceparent": traceparent.encode()}
    return OutgoingMessage(topic, subject, value, headers)


def worker_event(i: int, worker: Mapping[str, Any], at: str) -> OutgoingMessage:
    """worker.upserted for datagen worker i: the profile without contact data, version 1."""
    data = {key: value for key, value in worker.items() if key != "contact"}  # personal data stays in profiles
    matchable = bool(worker["consent"]["matching"]) and worker.get("status", "active") == "active"
    data.update(id=worker_id(i), version=1, created_at=at, updated_at=at, matchable=matchable)
    return _message("worker.upserted", WORKERS, worker_id(i), data, at)


def posting_event(i: int, posting: Mapping[str, Any], at: str) -> OutgoingMessage:
    data = dict(posting)
    data.update(id=posting_id(i), org_id=org_of(i), version=1, created_at=at, updated_at=at)
    return _message("posting.upserted", POSTINGS, posting_id(i), data, at)


def local_log(home: Path):
    """The local event log of an embedded run under `home`, opened as the services open it."""
    from services.common.runtime import make_event_log
    from services.common.settings import PlatformSettings

    # Explicit None: a KAFKA_BOOTSTRAP_SERVERS in the environment must not send the dataset elsewhere.
    return make_event_log(PlatformSettings(TALENTFLOW_HOME=str(home), KAFKA_BOOTSTRAP_SERVERS=None), client_id="bench")


def _publish_chunk(task: tuple[str, str, int, int, str]) -> int:
    """In a pool process: make one chunk of events and append it to the local log."""
    home, kind, start, count, at = task
    event_log = local_log(Path(home))
    batch: list[OutgoingMessage] = []
    if kind == "workers":
        workers = iter_workers(count, WORKER_SEED, start=start)
        messages: Iterable[OutgoingMessage] = (worker_event(start + n, w, at) for n, w in enumerate(workers))
    else:
        messages = (posting_event(start + n, p, at) for n, p in enumerate(iter_postings(count, POSTING_SEED, start=start)))
    for message in messages:
        batch.append(message)
        if len(batch) == 1_000:
            event_log.publish(batch)
            batch = []
    event_log.publish(batch)
    event_log.close()
    return count


def publish_dataset(home: Path, size: Size, *, chunk: int = 10_000) -> dict[str, Any]:
    """Publish every worker and posting event into the local log under `home`, in parallel."""
    at = dt.datetime.now(dt.UTC).isoformat()
    tasks = [(str(home), "postings", s, min(chunk, size.postings - s), at) for s in range(0, size.postings, chunk)]
    tasks += [(str(home), "workers", s, min(chunk, size.workers - s), at) for s in range(0, size.workers, chunk)]
    local_log(home).close()  # create the file before the pool races for it
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(os.cpu_count() or 2) as pool:
        published = sum(pool.imap_unordered(_publish_chunk, tasks))
    elapsed = time.perf_counter() - started
    return {"events": published, "seconds": round(elapsed, 1), "events_per_s": round(published / elapsed),
            "log_mib": round((home / "events.db").stat().st_size / 2**20)}


# --- the local log's consumer groups, read from outside ---------------------------------------------


class LogProgress:
    """Heads of topics and committed offsets of consumer groups, read from the local log's file.

    Read-only SQL on the adapter's own tables: joining the group to ask would make the benchmark a
    member of it and take partitions away from the service under test.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        conn = sqlite3.connect(self.path, timeout=30)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def heads(self) -> dict[str, int]:
        rows = self._query("SELECT topic, SUM(next_offset) FROM partitions GROUP BY topic")
        return {topic: int(total) for topic, total in rows}

    def committed(self, group: str) -> dict[str, int]:
        rows = self._query(
            "SELECT p.topic, SUM(g.next_offset) FROM group_offsets g JOIN partitions p ON p.pid = g.pid "
            "WHERE g.grp = ? GROUP BY p.topic", (group,))
        return {topic: int(total) for topic, total in rows}

    def groups(self) -> list[str]:
        return [row[0] for row in self._query("SELECT DISTINCT grp FROM group_offsets")]

    def subscribed(self, group: str) -> set[str]:
        """The topics a group reads: what its members subscribed to, and what it has committed on."""
        topics = set(self.committed(group))
        for (listed,) in self._query("SELECT topics FROM members WHERE grp = ?", (group,)):
            topics.update(json.loads(listed))
        return topics

    def lag(self, group: str, topics: Sequence[str]) -> int:
        """How far the group is behind on those of `topics` it reads (a group that reads none of
        them, e.g. matching-market-engagements for the workers' topic, is not behind on them)."""
        heads, done, reads = self.heads(), self.committed(group), self.subscribed(group)
        return sum(heads.get(t, 0) - done.get(t, 0) for t in topics if t in reads)


def place_group_at_end(home: Path, group: str, topics: Sequence[str]) -> None:
    """Start a consumer group at the current end of the topics (its committed offsets = the heads)."""
    event_log = local_log(home)
    event_log.consumer(group, list(topics), from_beginning=False).close()
    event_log.close()


# --- processes -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in KiB, from /proc/<pid>/status."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0])
    return values


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def folder_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


class Service:
    """One service as `talentflow serve <name>` in a subprocess, its output in <home>/logs/."""

    def __init__(self, name: str, port: int, env: Mapping[str, str], home: Path, *, processes: int = 1,
                 work: bool = False, nice: int | None = None, log_name: str | None = None) -> None:
        """`work=True`: `talentflow work <name>` (loops, no HTTP; `port` unused); `nice`: under nice(1)."""
        self.name, self.port, self.processes = name, port, processes
        logs = home / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        self.log_path = logs / f"{log_name or name}.log"
        self._log_file = self.log_path.open("wb")
        command = ([sys.executable, "-m", "services.common.cli", "work", name] if work else
                   [sys.executable, "-m", "services.common.cli", "serve", name, "--port", str(port),
                    *(["--processes", str(processes)] if processes > 1 else [])])
        self.process = subprocess.Popen(
            [*(["nice", "-n", str(nice)] if nice is not None else []), *command],
            env=dict(env), cwd=ROOT, stdout=self._log_file, stderr=subprocess.STDOUT,
        )
        self.started = time.perf_counter()
        self.ready_at: float | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, timeout_s: float = 120.0) -> float:
        """Block until /healthz answers 200; returns the moment (perf_counter) it first did."""
        if self.ready_at is not None:
            return self.ready_at
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {self.log_path}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    connection.close()
                    self.ready_at = time.perf_counter()
                    return self.ready_at
                connection.close()
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} did not answer /healthz within {timeout_s:.0f} s; see {self.log_path}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self._log_file.close()


def service_env(home: Path, signing_key: str, ports: Mapping[str, int]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ENGINE_VARIABLES}
    env.update(TALENTFLOW_HOME=str(home), TALENTFLOW_SIGNING_KEY=signing_key, TALENTFLOW_ENV="development",
               PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""))
    for name, port in ports.items():
        env[f"TALENTFLOW_{name.upper()}_URL"] = f"http://127.0.0.1:{port}"
    return env


# --- HTTP clients ----------------------------------------------------------------------------------


class Client:
    """One keep-alive HTTP/1.1 connection (http.client: lean enough to measure the server, not itself)."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, bytes, float]:
        """(status, body, seconds) of one request; reconnects once if the server closed the connection."""
        payload = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                self.connection.request(method, path, body=payload, headers=self.headers)
                response = self.connection.getresponse()
                data = response.read()
                return response.status, data, time.perf_counter() - started
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.connection.close()


# --- phases ----------------------------------------------------------------------------------------


def measure_ingest(progress: LogProgress, matching: Service, group: str, topics: Sequence[str], *,
                   timeout_s: float) -> dict[str, Any]:
    """Wait for the group to commit the end of the topics; time it from the service being ready."""
    heads = progress.heads()
    total = sum(heads.get(t, 0) for t in topics)
    ready_at = matching.wait_ready()
    cpu_at_ready = cpu_seconds(matching.pid)
    done_at: dict[str, float] = {}
    deadline = time.monotonic() + timeout_s
    while len(done_at) < len(topics):
        committed = progress.committed(group)
        now = time.perf_counter()
        for topic in topics:
            if topic not in done_at and committed.get(topic, 0) >= heads.get(topic, 0):
                done_at[topic] = now
        if time.monotonic() > deadline:
            raise RuntimeError(f"ingest did not finish within {timeout_s:.0f} s: {committed} of {heads}")
        if matching.process.poll() is not None:
            raise RuntimeError(f"matching exited during ingest; see {matching.log_path}")
        time.sleep(0.1)
    finished = max(done_at.values())
    elapsed = finished - ready_at
    cpu = cpu_seconds(matching.pid) - cpu_at_ready
    return {
        "events": total,
        "by_topic": {t: heads.get(t, 0) for t in topics},
        "seconds": round(elapsed, 2),
        "events_per_s": round(total / elapsed),
        "startup_s": round(ready_at - matching.started, 2),
        "topic_done_after_s": {t: round(done_at[t] - ready_at, 2) for t in topics},
        # CPU the matching process spent (all threads), robust to a busy machine
        "matching_cpu_s": round(cpu, 1),
        "cpu_us_per_event": round(cpu / total * 1e6, 1),
        "events_per_s_per_matching_core": round(total / cpu) if cpu else None,
        "load_average": load_average(),
    }


def wait_for_groups(progress: LogProgress, topics: Sequence[str], *, timeout_s: float,
                    skip: Iterable[str] = ()) -> dict[str, int]:
    """Wait (bounded) until every consumer group reading these topics has caught up; returns the lags left."""
    deadline = time.monotonic() + timeout_s
    groups = [g for g in progress.groups() if g not in set(skip) and not g.startswith("bench")]
    while True:
        lags = {g: progress.lag(g, topics) for g in groups if progress.committed(g)}
        if all(lag <= 0 for lag in lags.values()) or time.monotonic() > deadline:
            return lags
        time.sleep(0.5)


def sample_indices(count: int, population: int, seed: int) -> list[int]:
    """`count` draws from range(population) (with repeats once the population is smaller)."""
    rng = random.Random(seed)
    return [rng.randrange(population) for _ in range(count)]


def measure_queries(port: int, token: str, paths: Sequence[str], warmup: int) -> dict[str, Any]:
    """GET each path once in order on one keep-alive connection; the first `warmup` are not counted."""
    client = Client(port, token)
    latencies: list[float] = []
    statuses: Counter = Counter()
    hits: list[int] = []
    try:
        for n, path in enumerate(paths):
            status, body, seconds = client.call("GET", path)
            if n < warmup:
                continue
            statuses[status] += 1
            latencies.append(seconds)
            if status == 200:
                hits.append(len(json.loads(body)["items"]))
    finally:
        client.close()
    return {**latency_summary(latencies), "statuses": {str(k): v for k, v in sorted(statuses.items())},
            "mean_hits": round(statistics.fmean(hits), 1) if hits else 0.0}


def probe_worker(n: int, tag: str) -> tuple[str, dict[str, Any]]:
    """A profile for the freshness probe: matchable, with a skill no one else has."""
    worker = next(iter_workers(1, WRITES_SEED, start=10_000_000 + n))
    skill = f"tfprobe{tag}x{n}"
    worker["skills"] = [*worker["skills"][:3], {"name": skill, "proficiency": 3, "years": 2}]
    worker["consent"] = {"matching": True, "share_contact": False}
    worker["status"] = "active"
    return skill, worker


def measure_freshness(profiles_port: int, matching_port: int, writer_token: str, reader_token: str, samples: int, *,
                      rate_per_s: float = 20.0, timeout_s: float = 10.0, poll_pause_s: float = 0.005) -> dict[str, Any]:
    """Write profiles through the profiles API at `rate_per_s` and poll matching's worker search
    (one request for every probe still pending) until each is found; latency = first answer that
    holds it − the moment its write was sent (so the write's own HTTP round trip is included)."""
    tag = uuid.uuid4().hex[:8]
    lock = threading.Lock()
    pending: dict[str, int] = {}  # unique skill → sample number, until the probe is seen
    sent_at: dict[int, float] = {}
    skill_of: dict[int, str] = {}
    id_of: dict[str, int] = {}  # worker id → sample number (known once the write answered)
    seen_at: dict[str, float] = {}
    failures: Counter = Counter()
    done = threading.Event()

    def settle(worker: str) -> None:  # with the lock held: a probe both written and seen stops pending
        n = id_of.get(worker)
        if n is not None and worker in seen_at:
            pending.pop(skill_of[n], None)

    def write_all() -> None:
        client = Client(profiles_port, writer_token)
        try:
            for n in range(samples):
                began = time.perf_counter()
                while True:  # the search body takes at most 20 skills: never more probes in flight
                    with lock:
                        room = len(pending) < 20
                    if room:
                        break
                    time.sleep(0.005)
                skill, body = probe_worker(n, tag)
                with lock:
                    pending[skill] = n
                    skill_of[n] = skill
                    sent_at[n] = time.perf_counter()
                status, data, _ = client.call("POST", "/v1/workers", body)
                with lock:
                    if status != 201:
                        failures[f"write {status}"] += 1
                        pending.pop(skill, None)
                        continue
                    worker = json.loads(data)["id"]
                    id_of[worker] = n
                    settle(worker)
                time.sleep(max(0.0, 1 / rate_per_s - (time.perf_counter() - began)))
        finally:
            client.close()
            done.set()

    writer = threading.Thread(target=write_all, name="freshness-writer", daemon=True)
    writer.start()
    reader = Client(matching_port, reader_token)
    polls = 0
    try:
        while True:
            with lock:
                skills = list(pending)
                oldest = min((sent_at[n] for n in pending.values()), default=None)
            if not skills:
                if done.is_set():
                    break
                time.sleep(poll_pause_s)
                continue
            status, data, _ = reader.call("POST", "/v1/search/workers", {"skills": skills, "limit": 100})
            answered = time.perf_counter()
            polls += 1
            if status != 200:
                failures[f"search {status}"] += 1
            else:
                with lock:
                    for hit in json.loads(data)["items"]:
                        seen_at.setdefault(hit["worker_id"], answered)
                        settle(hit["worker_id"])
            if oldest is not None and answered - oldest > timeout_s:
                with lock:  # give up on probes that never showed up
                    for skill, n in list(pending.items()):
                        if answered - sent_at[n] > timeout_s:
                            pending.pop(skill)
                            failures["not visible within timeout"] += 1
            time.sleep(poll_pause_s)
    finally:
        reader.close()
        writer.join()
    latencies = [seen_at[w] - sent_at[n] for w, n in id_of.items() if w in seen_at]
    return {**latency_summary(latencies), "samples": samples, "polls": polls, "failures": dict(failures),
            "rate_per_s": rate_per_s, "path": "POST /v1/workers (profiles) → outbox → relay → local log → "
            "matching-index consumer → tantivy commit → POST /v1/search/workers (matching)"}


def measure_http_writes(service: Service, token: str, templates: Sequence[Any], topic: str, progress: LogProgress,
                        size: Size, beside: Mapping[str, int] | None = None) -> dict[str, Any]:
    """A write phase with wrk (bench/http_writes.py): writes/s, latency, CPU per write of the
    service's process, every event published and consumed, then p99 at a paced 1,000/s."""
    from bench.http_writes import measure_phase

    result = measure_phase(f"http://127.0.0.1:{service.port}", service.pid, token, templates, topic=topic,
                           progress=progress, connections=size.writers, seconds=size.write_seconds,
                           warmup_s=min(2.0, size.write_seconds), beside=beside)
    return {**result, "http_processes": service.processes}


def first_postings(port: int, token: str, templates: Sequence[Any], count: int) -> list[str]:
    """Create `count` postings (for the applications phase) and return their ids."""
    client = Client(port, token)
    ids = []
    try:
        for template in templates[:count]:
            status, body, _ = client.call("POST", template.path, json.loads(template.body))
            if status != 201:
                raise RuntimeError(f"POST {template.path} answered {status}: {body[:300]!r}")
            ids.append(json.loads(body)["id"])
    finally:
        client.close()
    return ids


def measure_market_report(matching: Service, token: str, progress: LogProgress, size: Size) -> dict[str, Any]:
    """The admin on-demand report over this dataset when matching serves it; else bench/market_report.py."""
    client = Client(matching.port, token)
    try:
        status, data, _ = client.call("GET", "/openapi.json")
        served = status == 200 and "/v1/market/reports" in json.loads(data).get("paths", {})
        if served:
            # before the write load: the report runs with only the freshness probes' reactive work behind it
            lags = wait_for_groups(progress, (WORKERS, POSTINGS), timeout_s=300)
            runs = []
            for _ in range(3):
                status, body, seconds = client.call("POST", "/v1/market/reports")
                if status != 201:
                    raise RuntimeError(f"POST /v1/market/reports answered {status}: {body[:300]!r}")
                runs.append(seconds)
            return {"market_report_s": round(statistics.median(runs), 3), "runs_s": [round(r, 3) for r in runs],
                    "how": "POST /v1/market/reports (admin, on demand) on the running matching service, over this dataset",
                    "group_lags_before": lags}
    finally:
        client.close()
    command = [sys.executable, str(ROOT / "bench" / "market_report.py"), "--workers", str(size.workers),
               "--postings", str(size.postings), "--runs", "3"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=3600,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    if done.returncode != 0:
        raise RuntimeError(f"bench/market_report.py failed: {done.stderr[-800:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return {**figures, "how": "bench/market_report.py (matching's market read model filled directly, SQLite): "
            "matching does not serve POST /v1/market/reports yet"}


# --- in process: the engine floor and the peer ------------------------------------------------------


def open_matching_index(home: Path):
    from services.matching.index.tantivy import TantivyIndex
    from services.matching.replay import current_generation

    folder = current_generation(home / "index")
    if folder is None:
        raise RuntimeError(f"no index generation under {home / 'index'}")
    return TantivyIndex(folder)


class _Answered:
    """An index whose search answers with hits already retrieved: times ranking without retrieving twice."""

    def __init__(self, index: Any, hits: list[Any]) -> None:
        self._index, self._hits = index, hits

    def search(self, kind: Any, query: Any) -> list[Any]:
        return self._hits

    def __getattr__(self, name: str) -> Any:
        return getattr(self._index, name)


def measure_floor(index, posting_ids: Sequence[str], warmup: int) -> tuple[dict[str, Any], dict[str, Any], dict[str, list[str]]]:
    """The candidates query straight on the index: retrieval only (the engine floor), and what the
    service's handler does (that retrieval + ranking); also each posting's retrieved ids, for the peer."""
    from services.matching.handlers import Tuning, candidate_query, rank_candidates
    from services.matching.index import Kind

    tuning = Tuning()
    now = dt.datetime.now(dt.UTC)
    retrieval: list[float] = []
    ranked: list[float] = []
    answers: dict[str, list[str]] = {}
    for n, pid in enumerate(posting_ids):
        hit = index.get(Kind.postings, pid)
        if hit is None:
            continue
        query = candidate_query(hit.source, tuning.candidate_depth)
        began = time.perf_counter()
        found = index.search(Kind.workers, query)
        middle = time.perf_counter()
        rank_candidates(_Answered(index, found), hit.source, tuning, now, limit=20)  # the handler's ranking
        ended = time.perf_counter()
        if n >= warmup:
            retrieval.append(middle - began)
            ranked.append(ended - began)
        answers[pid] = [h.id for h in found]
    return latency_summary(retrieval), latency_summary(ranked), answers


def peer_rows(index) -> Iterable[tuple[Any, ...]]:
    """Every live worker of the index as a peer row: the same fields, the text cut by the same jieba."""
    from bench.peer_pg import worker_row
    from services.matching.documents import worker_fields
    from services.matching.index import Kind
    from services.matching.index.textcut import default_cutter

    for hit in index.scan(Kind.workers):
        fields = worker_fields(hit.source)
        yield worker_row(hit.id, fields, default_cutter.index_text(fields["text"]))


def measure_peer(index, posting_ids: Sequence[str], warmup: int, ours: Mapping[str, list[str]]) -> dict[str, Any]:
    from bench.peer_pg import PostgresPeer
    from services.matching.handlers import Tuning, candidate_query
    from services.matching.index import Kind
    from services.matching.index.textcut import query_tokens

    peer = PostgresPeer(PEER_URL)
    try:
        loaded = peer.load(peer_rows(index))
        tuning = Tuning()
        latencies: list[float] = []
        overlap: list[float] = []
        plan = ""
        for n, pid in enumerate(posting_ids):
            hit = index.get(Kind.postings, pid)
            if hit is None:
                continue
            query = candidate_query(hit.source, tuning.candidate_depth)
            tokens = query_tokens(query.text)
            began = time.perf_counter()
            ids = peer.candidates(query, tokens)
            seconds = time.perf_counter() - began
            if n < warmup:
                continue
            latencies.append(seconds)
            mine = ours.get(pid, [])
            # When fewer than `depth` workers qualify, both engines must return the same set.
            if mine and len(mine) < tuning.candidate_depth:
                overlap.append(len(set(mine) & set(ids)) / len(mine))
            if not plan and len(mine) >= 50:
                plan = peer.explain(query, tokens)
        return {**latency_summary(latencies), "rows": loaded.rows, "copy_s": round(loaded.copy_s, 1),
                "index_s": round(loaded.index_s, 1), "table_mib": round(loaded.table_mib),
                "same_set_share": round(statistics.fmean(overlap), 4) if overlap else None,
                "same_set_queries": len(overlap), "plan_sample": plan.splitlines()[:25],
                "how": "psycopg from this process, no HTTP, retrieval only (no ranking); to_tsvector('simple') "
                       "over text pre-cut by jieba (no Chinese parser in this PostgreSQL)"}
    finally:
        peer.close()


# --- profiles (py-spy) -------------------------------------------------------------------------------


# Leaf frames of threads that wait (py-spy cannot always tell a waiting thread from a busy one).
IDLE_LEAVES = ("Condition.wait", "Event.wait", "EpollSelector.select", "select", "Thread.join", "Queue.get")
_LINE_NUMBER = re.compile(r":\d+\)$")


def summarize_collapsed(lines: Iterable[str], top: int = 25) -> str:
    """py-spy's raw (collapsed) stacks → the functions with the most samples, self and inclusive.

    Frames are merged per function (line numbers dropped); stacks ending in a wait are counted
    apart as idle, so the percentages are of the samples where a thread was working.
    """
    own: Counter = Counter()
    inclusive: Counter = Counter()
    busy = idle = 0
    for line in lines:
        stack, _, count_text = line.rstrip("\n").rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_LINE_NUMBER.sub(")", frame) for frame in stack.split(";")]
        if frames[-1].split(" (")[0] in IDLE_LEAVES:
            idle += count
            continue
        busy += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    if not busy:
        return "no samples\n"
    out = [f"{busy} samples of working threads ({idle} more waiting, left out)", "",
           "self %   | function (file)"]
    out += [f"{100 * c / busy:8.1f} | {frame}" for frame, c in own.most_common(top)]
    out += ["", "total %  | function (file), including what it calls"]
    out += [f"{100 * c / busy:8.1f} | {frame}" for frame, c in inclusive.most_common(top)]
    return "\n".join(out) + "\n"


class Profiler:
    """py-spy recording one process for a while (in the background); absent py-spy, does nothing."""

    def __init__(self, pid: int, name: str, seconds: int, folder: Path) -> None:
        self.name, self.folder = name, folder
        self.raw = folder / f"{name}.raw.txt"
        binary = self.binary()
        self.process = None
        if binary:
            folder.mkdir(parents=True, exist_ok=True)
            self.process = subprocess.Popen(
                [binary, "record", "--pid", str(pid), "--duration", str(seconds), "--rate", "200", "--format", "raw",
                 "--nonblocking", "--subprocesses", "--output", str(self.raw)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    @staticmethod
    def binary() -> str | None:
        found = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        return found if Path(found).exists() else None

    @classmethod
    def available(cls) -> bool:
        return cls.binary() is not None

    def finish(self) -> str | None:
        """Wait for the recording and write <name>.txt, the top of the profile; returns its path."""
        if self.process is None:
            return None
        self.process.wait(600)
        if not self.raw.exists():
            return None
        summary = self.folder / f"{self.name}.txt"
        with self.raw.open(encoding="utf-8", errors="replace") as f:  # py-spy may cut a multi-byte name
            summary.write_text(summarize_collapsed(f))
        self.raw.unlink()  # collapsed stacks are large; the summary is what we keep
        return str(summary.relative_to(ROOT))


# --- the run -----------------------------------------------------------------------------------------


@dataclass
class Run:
    size_name: str
    size: Size
    home: Path
    profile: bool
    notes: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    phase_load: dict[str, float] = field(default_factory=dict)

    def phase(self, name: str, action: Callable[[], Any]) -> Any:
        """Run one phase, print its progress, record the load average; a failure becomes a note."""
        print(f"[bench] {name} …", file=sys.stderr, flush=True)
        began = time.perf_counter()
        try:
            result = action()
        except Exception as exc:  # one broken phase must not lose the figures of the others
            self.notes.append(f"phase '{name}' failed: {type(exc).__name__}: {exc}")
            print(f"[bench] {name} FAILED: {exc}", file=sys.stderr, flush=True)
            result = None
        self.phase_load[name] = load_average()
        print(f"[bench] {name} done in {time.perf_counter() - began:.1f} s (load {self.phase_load[name]})",
              file=sys.stderr, flush=True)
        return result


def code_fingerprint() -> dict[str, Any]:
    """Which code ran: the commit, how many files differ from it, and a hash of the matching service's
    sources (other engineers change them while benchmarks run; figures are only comparable per hash)."""
    import hashlib

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    digest = hashlib.sha256()
    for path in sorted((ROOT / "services").rglob("*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return {"commit": git("rev-parse", "--short", "HEAD"), "changed_files": len(git("status", "--porcelain").splitlines()),
            "services_sha256": digest.hexdigest()[:16]}


def machine_info() -> dict[str, Any]:
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    memory_kib = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
    cpu_model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), platform.processor())
    return {"cores": os.cpu_count(), "memory_gib": round(memory_kib / 2**20, 1), "cpu": cpu_model,
            "python": platform.python_version(), "platform": platform.platform(terse=True),
            "load_average_start": load_average()}


WRITE_PHASES = ("profile_writes", "posting_writes", "application_writes")


def write_figures_from(details: Mapping[str, Any]) -> dict[str, Any]:
    """The write phases' headline figures (wrk): rate, latency, CPU per write, p99 at the paced
    rate and whether every event was published — `<phase>_<figure>`, None for a phase that did not run."""
    figures: dict[str, Any] = {}
    for phase in WRITE_PHASES:
        measured = details.get(phase) or {}
        at_rate = measured.get("at_rate") or {}
        published = measured.get("published") or {}
        figures.update({
            f"{phase}_per_s": measured.get("writes_per_s"),
            f"{phase}_p50_ms": measured.get("p50_ms"),
            f"{phase}_p99_ms": measured.get("p99_ms"),
            f"{phase}_cpu_ms": measured.get("server_cpu_ms_per_write"),
            f"{phase}_p99_at_rate_ms": at_rate.get("p99_ms"),
            f"{phase}_rate_reached_per_s": at_rate.get("rate_reached_per_s"),
            f"{phase}_all_published": published.get("all_published"),
            f"{phase}_in_log": published.get("in_log"),
            f"{phase}_behind": {group: lag for group, lag in (published.get("consumer_lags") or {}).items()
                                if lag > 0} or None,
            f"{phase}_load_average": measured.get("load_average"),
            f"{phase}_processes": measured.get("http_processes"),
        })
    return figures


def figures_from(details: Mapping[str, Any]) -> dict[str, Any]:
    """The headline figures (report.FIGURE_KEYS) picked out of the phases' details."""
    def get(phase: str, key: str) -> Any:
        return (details.get(phase) or {}).get(key)

    figures = {
        "candidates_p50_ms": get("candidates", "p50_ms"),
        "candidates_p99_ms": get("candidates", "p99_ms"),
        "recommendations_p50_ms": get("recommendations", "p50_ms"),
        "recommendations_p99_ms": get("recommendations", "p99_ms"),
        "event_to_searchable_p50_ms": get("event_to_searchable", "p50_ms"),
        "event_to_searchable_p99_ms": get("event_to_searchable", "p99_ms"),
        "ingest_events_per_s": get("ingest", "events_per_s"),
        "profile_writes_per_s": get("profile_writes", "writes_per_s"),
        "market_report_s": get("market_report", "market_report_s"),
        "matching_rss_mib": get("matching_memory", "rss_mib"),
        "matching_peak_rss_mib": get("matching_memory", "peak_rss_mib"),
        "peer_candidates_p50_ms": get("peer", "p50_ms"),
        "peer_candidates_p99_ms": get("peer", "p99_ms"),
        "engine_floor_p50_ms": get("engine_floor", "p50_ms"),
        "engine_floor_p99_ms": get("engine_floor", "p99_ms"),
    }
    figures["ingest_events_per_cpu_s"] = get("ingest", "events_per_s_per_matching_core")
    figures["profile_writes_per_cpu_s"] = get("profile_writes", "writes_per_s_per_server_core")
    figures.update(write_figures_from(details))
    figures["ranked_in_process_p50_ms"] = get("ranked_in_process", "p50_ms")
    figures["ranked_in_process_p99_ms"] = get("ranked_in_process", "p99_ms")
    figures["peer_ratio_p99"] = ratio(figures["peer_candidates_p99_ms"], figures["candidates_p99_ms"])
    figures["peer_ratio_floor_p99"] = ratio(figures["peer_candidates_p99_ms"], figures["engine_floor_p99_ms"])
    return figures


def run(size_name: str, size: Size, *, profile: bool, keep_home: bool, peer: bool) -> dict[str, Any]:
    from services.common.auth import Role, TokenIssuer
    from services.matching.consumers import INDEX_GROUP, REACTIVE_GROUP
    from services.matching.consumers import TOPICS as MATCHING_TOPICS
    # Imported now, not when the in-process phases need them: the engine floor then runs the code the
    # service started with, even if the sources change during a long run.
    from services.matching import handlers
    from services.matching.index import tantivy as index_tantivy  # noqa: F401

    started_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    began = time.perf_counter()
    machine = machine_info()
    code = code_fingerprint()
    home = Path(tempfile.mkdtemp(prefix="tf-bench-"))
    state = Run(size_name, size, home, profile)
    signing_key = "bench-" + uuid.uuid4().hex + uuid.uuid4().hex
    issuer = TokenIssuer([signing_key])
    admin = issuer.issue(Role.admin, "bench-admin")
    agency = issuer.issue(Role.agency, "bench-agency-staff", org="bench-agency")
    employer = issuer.issue(Role.employer, "bench-employer-staff", org="bench-employer")
    ports = {"profiles": free_port(), "jobs": free_port(), "matching": free_port(), "notify": free_port()}
    env = service_env(home, signing_key, ports)
    progress = LogProgress(home / "events.db")
    details = state.details
    services: list[Service] = []
    profiles_kept: list[str] = []
    try:
        details["dataset"] = state.phase("publish the dataset into the local log", lambda: publish_dataset(home, size))
        place_group_at_end(home, REACTIVE_GROUP, MATCHING_TOPICS)
        apart = size.reactive_nice is not None
        matching = Service("matching", ports["matching"], {**env, "MATCHING_REACTIVE": "false"} if apart else env, home)
        services.append(matching)
        ingest_profiler: Profiler | None = None
        if profile and not Profiler.available():
            state.notes.append("--profile: py-spy is not installed (pip install py-spy==0.4.3); no profiles recorded")
            profile = False
        if profile:
            matching.wait_ready()
            ingest_profiler = Profiler(matching.pid, f"{size_name}-ingest", 20, PROFILES_DIR)
        details["ingest"] = state.phase("ingest (matching-index consumer)", lambda: measure_ingest(
            progress, matching, INDEX_GROUP, MATCHING_TOPICS, timeout_s=7200))
        if ingest_profiler:
            profiles_kept.append(ingest_profiler.finish() or "")
        details["ingest_other_groups_lag"] = wait_for_groups(progress, MATCHING_TOPICS, timeout_s=900, skip=(INDEX_GROUP,))
        reactive_process = None
        if apart:  # reads the index matching writes: started once that index exists
            reactive_process = Service("matching", 0, {**env, "MATCHING_REACTIVE_ONLY": "true"}, home, work=True,
                                       nice=size.reactive_nice, log_name="matching-reactive")
            services.append(reactive_process)
            details["reactive"] = {"process": f"talentflow work matching, MATCHING_REACTIVE_ONLY=true, nice {size.reactive_nice}",
                                   "beside": "talentflow serve matching with MATCHING_REACTIVE=false"}
            state.notes.append(f"reactive matching (match.found) runs in a process of its own under nice {size.reactive_nice} "
                               "(`talentflow work matching` with MATCHING_REACTIVE_ONLY=true; the serving matching process "
                               "has MATCHING_REACTIVE=false): it catches up after a write burst; matching RSS is both processes'")
        profiles_service = Service("profiles", ports["profiles"], env, home, processes=size.write_processes)
        services.append(profiles_service)
        profiles_service.wait_ready()

        posting_sample = [posting_id(i) for i in sample_indices(size.warmup_queries + size.candidate_queries, size.postings, 11)]
        worker_sample = [worker_id(i) for i in
                         sample_indices(size.warmup_queries + size.recommendation_queries, size.workers, 12)]
        details["candidates"] = state.phase("candidates over HTTP", lambda: measure_queries(
            matching.port, admin, [f"/v1/postings/{p}/candidates?limit=20" for p in posting_sample], size.warmup_queries))
        if profile:
            profiler = Profiler(matching.pid, f"{size_name}-candidates", 15, PROFILES_DIR)
            extra = [f"/v1/postings/{posting_id(i)}/candidates?limit=20" for i in sample_indices(3000, size.postings, 13)]
            deadline = time.monotonic() + 15
            client = Client(matching.port, admin)
            for path in extra:
                if time.monotonic() > deadline:
                    break
                client.call("GET", path)
            client.close()
            profiles_kept.append(profiler.finish() or "")
        details["recommendations"] = state.phase("recommendations over HTTP", lambda: measure_queries(
            matching.port, admin, [f"/v1/workers/{w}/recommendations?limit=20" for w in worker_sample], size.warmup_queries))
        details["event_to_searchable"] = state.phase("event → searchable", lambda: measure_freshness(
            profiles_service.port, matching.port, agency, admin, size.freshness_samples))
        details["market_report"] = state.phase("market report", lambda: measure_market_report(matching, admin, progress, size))
        worker_bodies = worker_templates(500)
        details["profile_writes"] = state.phase("profile writes over HTTP (wrk)", lambda: measure_http_writes(
            profiles_service, agency, worker_bodies, WORKERS, progress, size, beside={"matching": matching.pid}))
        if profile:
            profiler = Profiler(profiles_service.pid, f"{size_name}-profile_writes", 12, PROFILES_DIR)
            # and matching meanwhile: what its consumers spend of the same two cores
            consuming = Profiler(matching.pid, f"{size_name}-profile_writes-matching", 12, PROFILES_DIR)
            measure_writes(f"http://127.0.0.1:{profiles_service.port}", profiles_service.pid, agency, worker_bodies,
                           connections=size.writers, duration_s=12)  # not counted: profiled
            profiles_kept += [profiler.finish() or "", consuming.finish() or ""]
        # Postings and applications go to jobs. Its groups on the workers topic start at the end: the
        # dataset's workers have no agency and nothing to erase, and a backfill is not this workload.
        from services.jobs.consumers import AGENCY_GROUP as JOBS_AGENCY_GROUP
        from services.jobs.consumers import ERASURE_GROUP as JOBS_ERASURE_GROUP

        for group in (JOBS_ERASURE_GROUP, JOBS_AGENCY_GROUP):
            place_group_at_end(home, group, (WORKERS,))
        jobs = Service("jobs", ports["jobs"], env, home, processes=size.write_processes)
        services.append(jobs)
        jobs.wait_ready()
        posting_bodies = posting_templates(500, dt.date.today())
        details["posting_writes"] = state.phase("posting writes over HTTP (wrk)", lambda: measure_http_writes(
            jobs, employer, posting_bodies, POSTINGS, progress, size, beside={"matching": matching.pid}))
        details["application_writes"] = state.phase("application writes over HTTP (wrk)", lambda: measure_http_writes(
            jobs, admin, application_templates(first_postings(jobs.port, employer, posting_bodies, 20), uuid.uuid4().hex[:6]),
            ENGAGEMENTS, progress, size))
        status = proc_status(matching.pid)
        details["matching_memory"] = {"rss_mib": round(status["VmRSS"] / 1024), "peak_rss_mib": round(status["VmHWM"] / 1024),
                                      "index_mib_on_disk": round(folder_bytes(home / "index") / 2**20)}
        if reactive_process is not None and reactive_process.process.poll() is None:
            # the figure is matching's whole memory: both processes (each measured alone beside it)
            apart_status = proc_status(reactive_process.process.pid)
            memory = details["matching_memory"]
            memory.update(serving_rss_mib=memory["rss_mib"], serving_peak_rss_mib=memory["peak_rss_mib"],
                          reactive_rss_mib=round(apart_status["VmRSS"] / 1024),
                          reactive_peak_rss_mib=round(apart_status["VmHWM"] / 1024))
            memory["rss_mib"] += memory["reactive_rss_mib"]
            memory["peak_rss_mib"] += memory["reactive_peak_rss_mib"]
        for service in reversed(services):
            service.stop()
        services.clear()

        index = state.phase("open the index in process", lambda: open_matching_index(home))
        in_process_sample = posting_sample[: size.warmup_queries + size.in_process_queries]
        if index is not None:
            floor = state.phase("engine floor (tantivy in process)",
                                lambda: measure_floor(index, in_process_sample, size.warmup_queries))
            if floor is not None:
                details["engine_floor"], details["ranked_in_process"], ours = floor
            else:
                ours = {}
            if peer:
                details["peer"] = state.phase("peer (PostgreSQL FTS)", lambda: measure_peer(
                    index, posting_sample[: size.warmup_queries + size.peer_queries], size.warmup_queries, ours))
            else:
                state.notes.append("peer skipped (--no-peer)")
            index.close()
    finally:
        for service in reversed(services):
            service.stop()
        if keep_home:
            state.notes.append(f"data kept in {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)
    machine["load_average_end"] = load_average()
    details["load_average_by_phase"] = state.phase_load
    if profiles_kept:
        details["profiles"] = [p for p in profiles_kept if p]
    return {
        "size": size_name,
        "started_at": started_at,
        "elapsed_s": round(time.perf_counter() - began, 1),
        "dataset": {"workers": size.workers, "postings": size.postings, "worker_seed": WORKER_SEED,
                    "posting_seed": POSTING_SEED, "generator": "bench/datagen.py", "size": asdict(size)},
        "machine": machine,
        "code": code,
        "figures": figures_from(details),
        "details": details,
        "notes": state.notes + standing_notes(),
    }


def standing_notes() -> list[str]:
    return [
        "ingest: events published straight into the local log, then timed through matching's index consumer "
        "(from /healthz to the group's committed end of both topics); postings are in the same backlog",
        "event → searchable: written through the profiles API, polled through matching's POST /v1/search/workers",
        "candidates/recommendations: one sequential keep-alive client, admin token, random postings/workers of the dataset",
        "peer: psycopg without HTTP and without ranking, so the ratio against our HTTP figure favours the peer",
    ]


def write_results(results: Mapping[str, Any], folder: Path = RESULTS) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    json_path, md_path = folder / "latest.json", folder / "latest.md"
    json_path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", "utf-8")
    md_path.write_text(report.render_markdown(results), "utf-8")
    # each run also kept under its size, so a quick run does not overwrite the last full one
    (folder / f"{results['size']}.json").write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return json_path, md_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=sorted(SIZES), default="quick")
    parser.add_argument("--workers", type=int, help="override the size's number of workers")
    parser.add_argument("--postings", type=int, help="override the size's number of postings")
    parser.add_argument("--profile", action="store_true",
                        help="record py-spy profiles of ingest, candidates and profile writes into bench/profiles/")
    parser.add_argument("--no-peer", action="store_true", help="skip the PostgreSQL peer")
    parser.add_argument("--reactive-nice", type=int,
                        help="run reactive matching in a process of its own at this niceness (default: in matching's)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary TALENTFLOW_HOME (printed in the notes)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder of latest.json / latest.md")
    args = parser.parse_args(argv)
    size = SIZES[args.size]
    overrides = {k: v for k, v in (("workers", args.workers), ("postings", args.postings)) if v}
    if args.reactive_nice is not None:
        overrides["reactive_nice"] = args.reactive_nice
    if overrides:
        size = Size(**{**asdict(size), **overrides})
    results = run(args.size, size, profile=args.profile, keep_home=args.keep, peer=not args.no_peer)
    missing = report.missing_keys(results)
    if missing:
        results["notes"].append(f"missing from the results: {', '.join(missing)}")
    json_path, md_path = write_results(results, args.results)
    sys.stdout.write(report.render_markdown(results))
    print(f"\nwritten: {json_path.relative_to(ROOT) if json_path.is_relative_to(ROOT) else json_path}, "
          f"{md_path.relative_to(ROOT) if md_path.is_relative_to(ROOT) else md_path}")
    # The peer needs a PostgreSQL server: without one the run is still complete for our own figures.
    failed = [n for n in results["notes"] if n.startswith("phase ") and not n.startswith("phase 'peer")]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
