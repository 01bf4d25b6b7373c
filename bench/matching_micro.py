"""Micro-benchmark of the matching service: index ingest and candidates, in process and over HTTP.

    .venv/bin/python -m bench.matching_micro --workers 20000 [--postings 200] [--queries 300]
        [--batch 2000] [--no-http] [--profile DIR] [--keep DIR [--skip-ingest]] [--json OUT]
        [--gc-freeze] [--server-gc-freeze]

1. ingest: N `worker.upserted` records (bench/datagen.py profiles, encoded as the profiles
   outbox encodes them) fed to the `matching-index` consumer's batch handler (`IndexIngest`: decode,
   fold, index documents, version-guarded upsert; its commit ticket waited for as the consumer's
   thread does, at most `--pipeline` batches ahead) `--batch` at a time, on the embedded
   tantivy index under a temporary TALENTFLOW_HOME. Records are made batch by batch outside the
   timed section, so a million never sit in memory. Reports events/s by wall clock and by process
   CPU (all threads, tantivy's included), i.e. what one core sustains.
2. candidates in process: `--queries` requests cycling over the postings, each what the route
   does after auth (`indexed_posting` + `rank_candidates`, limit 20), p50/p99 wall and CPU per
   request; plus the split: `search_cpu_ms` (the adapter: retrieval and the hits' stored sources),
   `rank_cpu_ms` (ranking all of them and explaining the 20 shown) and `score_us_per_candidate`
   (the ranking loop alone). The datagen postings retrieve ~30 workers at 20k, ~180 at 200k and
   ~270 (of 300 deep) at 1M.
3. candidates over HTTP: the index is closed, `talentflow serve matching --no-workers` starts on it
   in a child process, and one keep-alive client (http.client, this process) asks
   `GET /v1/postings/{id}/candidates?limit=20` as an admin; p50/p99 wall, and the server's CPU per
   request from /proc (so a busy machine shows up as wall time only).
4. memory: this process's RSS/peak after ingest, the server's RSS after the HTTP phase.

The machine is shared: the load average is recorded at the start and end of each phase; compare
CPU figures across runs, wall figures only at similar load. With `--profile DIR` a py-spy flame
graph (speedscope JSON) of the ingest phase and of the in-process candidates phase is written.
`--keep DIR --skip-ingest` measures candidates again on an index built before (a 1M index takes
~5 minutes to ingest); `--gc-freeze` / `--server-gc-freeze` show what gc.freeze() after start-up
does to the tail (the cyclic collector's full passes over the start-up heap are the p99 spikes).

Before/after comparisons: run the same command from a copy of the tree at the older commit
(`cd /tmp/before && python -m bench.matching_micro ...`: the script puts its own tree first on
sys.path, and so does the server it starts).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.datagen import iter_postings, iter_workers, org_of  # noqa: E402
from services.common.events import EVENT_TYPES, POSTINGS, WORKERS  # noqa: E402
from services.common.ports import Record  # noqa: E402

TEST_KEY = "bench-signing-key-" + "x" * 40
SOURCE = "talentflow/bench"
AT = "2026-11-20T08:00:00+00:00"


# --- records as the producers' outboxes write them ------------------------------------------------


def _record(type_: str, topic: str, subject: str, data: dict[str, Any], offset: int) -> Record:
    """A CloudEvent as `events.encode` writes it (exclude_none: None values left out)."""
    envelope = {
        "specversion": "1.0", "id": str(uuid.uuid4()), "source": SOURCE, "type": type_, "subject": subject,
        "time": AT, "datacontenttype": "application/json", "dataschema": EVENT_TYPES[type_].schema_uri,
        "entityversion": data["version"], "data": _without_none(data),
    }
    value = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
    return Record(topic, 0, offset, subject, value, {"ce_type": type_.encode()}, 0)


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


def worker_records(n: int, batch: int, *, seed: int = 1) -> Iterator[list[Record]]:
    out: list[Record] = []
    for i, worker in enumerate(iter_workers(n, seed)):
        data = {k: v for k, v in worker.items() if k != "contact"}
        for c in data["certificates"]:
            c["number"] = c["number"][:2] + "*" * (len(c["number"]) - 4) + c["number"][-2:]
        data.update(id=f"bw-{i}", version=1, created_at=AT, updated_at=AT,
                    matchable=bool(worker["consent"]["matching"]) and worker["status"] == "active")
        out.append(_record("worker.upserted", WORKERS, data["id"], data, i))
        if len(out) == batch:
            yield out
            out = []
    if out:
        yield out


def posting_records(n: int, *, seed: int = 2) -> list[Record]:
    out = []
    for i, posting in enumerate(iter_postings(n, seed)):
        data = dict(posting, id=f"bp-{i}", org_id=org_of(i), version=1, created_at=AT, updated_at=AT)
        out.append(_record("posting.upserted", POSTINGS, data["id"], data, i))
    return out


# --- measuring -------------------------------------------------------------------------------------


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def rss_mib(pid: int | str = "self") -> dict[str, float]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            out[line.split(":")[0]] = round(int(line.split()[1]) / 1024, 1)
    return out


def proc_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def summary(ms: list[float]) -> dict[str, float]:
    ms = sorted(ms)
    if not ms:
        return {}
    pick = lambda q: ms[min(len(ms) - 1, int(q * len(ms)))]  # noqa: E731
    return {"p50": round(pick(0.50), 2), "p90": round(pick(0.90), 2), "p99": round(pick(0.99), 2),
            "max": round(ms[-1], 2), "mean": round(statistics.fmean(ms), 2), "n": len(ms)}


class Profiler:
    """py-spy recording this process (or none) around a phase."""

    def __init__(self, folder: Path | None, name: str) -> None:
        self.folder, self.name, self.process = folder, name, None

    def __enter__(self) -> Profiler:
        spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
        if self.folder is not None and Path(spy).exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            out = self.folder / f"{self.name}.speedscope.json"
            self.process = subprocess.Popen(
                [spy, "record", "--pid", str(os.getpid()), "--rate", "250", "--format", "speedscope",
                 "--output", str(out), "--nonblocking"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.0)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGINT)
            self.process.wait(timeout=60)


# --- phases ----------------------------------------------------------------------------------------


def phase_ingest(args: argparse.Namespace, holder: Any) -> dict[str, Any]:
    from services.matching.consumers import IndexIngest

    ingest = IndexIngest(holder)
    first = ingest(posting_records(args.postings))
    if first is not None:
        first.now()
    wall = cpu = 0.0
    batches: list[float] = []
    made = 0
    began_load = load()
    # As the consumer's thread runs it: a batch's ticket (its index commit) is waited for only
    # when `pipeline` newer batches are in hand, and every ticket before the clock stops.
    waiting: list[Any] = []
    with Profiler(args.profile, "ingest"):
        for records in worker_records(args.workers, args.batch):
            t0, c0 = time.perf_counter(), time.process_time()
            ticket = ingest(records)
            if ticket is not None:
                waiting.append(ticket)
            while len(waiting) > args.pipeline or (waiting and waiting[0].done()):
                waiting.pop(0).wait(60.0)
            if made + len(records) >= args.workers:
                for ticket in waiting:
                    ticket.wait(60.0)
            w, c = time.perf_counter() - t0, time.process_time() - c0
            wall, cpu, made = wall + w, cpu + c, made + len(records)
            batches.append(w * 1000)
            if args.progress and made % (args.batch * 50) == 0:
                print(f"  ingested {made:,} ({made / wall:,.0f}/s wall, {made / cpu:,.0f}/s cpu)", file=sys.stderr)
    return {
        "events": made, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
        "events_per_s_wall": round(made / wall), "events_per_s_cpu": round(made / cpu),
        "cpu_us_per_event": round(cpu / made * 1e6, 1), "batch_ms": summary(batches),
        "upserted": ingest.totals.upserted, "load_before": began_load, "load_after": load(),
        "rss_mib": rss_mib(),
    }


def phase_candidates(args: argparse.Namespace, index: Any) -> dict[str, Any]:
    from services.matching import handlers
    from services.matching.index import Kind

    tuning = handlers.Tuning()
    ids = [f"bp-{i}" for i in range(args.postings)]
    now = dt.datetime.now(dt.UTC)
    for pid in ids[: min(len(ids), 50)]:  # warm-up
        handlers.rank_candidates(index, handlers.indexed_posting(index, pid), tuning, now, limit=20)
    wall: list[float] = []
    cpu: list[float] = []
    hits = []
    began_load = load()
    with Profiler(args.profile, "candidates"):
        for n in range(args.queries):
            pid = ids[n % len(ids)]
            t0, c0 = time.perf_counter(), time.process_time()
            posting = handlers.indexed_posting(index, pid)
            items = handlers.rank_candidates(index, posting, tuning, now, limit=20)
            wall.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            hits.append(len(items))
    # the split: retrieval alone, then ranking of the same hits
    postings = [handlers.indexed_posting(index, pid) for pid in ids]
    queries = [handlers.candidate_query(p, tuning.candidate_depth) for p in postings]
    c0 = time.process_time()
    found = [index.search(Kind.workers, q) for q in queries]
    search_cpu = (time.process_time() - c0) / len(queries) * 1000

    class Answered:
        def __init__(self, hits_: list) -> None:
            self.hits_ = hits_

        def search(self, kind: Any, query: Any) -> list:
            return self.hits_

    c0 = time.process_time()
    for posting, retrieved in zip(postings, found, strict=True):
        handlers.rank_candidates(Answered(retrieved), posting, tuning, now, limit=20)
    rank_cpu = (time.process_time() - c0) / len(postings) * 1000
    # the ranking loop alone: every retrieved candidate scored, no explanation (what rank_candidates
    # runs over all of them before explaining the shown ones)
    from services.matching import ranking
    from services.matching.documents import posting_view, worker_view

    scorer_class = getattr(ranking, "CandidateScorer", None)
    c0 = time.process_time()
    for posting, retrieved in zip(postings, found, strict=True):
        view = posting_view(posting)
        if scorer_class is not None:
            scorer = scorer_class(view, tuning.weights, now)
            for h in retrieved:
                scorer.score(h.source)
        else:
            for h in retrieved:
                ranking.rank(view, worker_view(h.source), tuning.weights, now, explain=False)
    loop_cpu = time.process_time() - c0
    return {
        "score_us_per_candidate": round(loop_cpu * 1e6 / max(1, sum(len(f) for f in found)), 1),
        "wall_ms": summary(wall), "cpu_ms": summary(cpu), "mean_hits": round(statistics.fmean(hits), 1),
        "retrieved_mean": round(statistics.fmean(len(f) for f in found), 1),
        "search_cpu_ms": round(search_cpu, 2), "rank_cpu_ms": round(rank_cpu, 2),
        "rank_us_per_candidate": round(rank_cpu * 1000 / max(1, statistics.fmean(len(f) for f in found)), 1),
        "load_before": began_load, "load_after": load(),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def phase_http(args: argparse.Namespace, home: Path) -> dict[str, Any]:
    from services.common.auth import Role, TokenIssuer

    port = _free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "ELASTICSEARCH_URL", "REDIS_URL")}
    env.update(TALENTFLOW_HOME=str(home), TALENTFLOW_SIGNING_KEY=TEST_KEY, TALENTFLOW_RUN_WORKERS="false",
               PYTHONPATH=str(ROOT))
    if args.server_gc_freeze:  # the service as create_app builds it, then gc.freeze() (see frozen_app)
        command = [sys.executable, "-m", "uvicorn", "bench.matching_micro:frozen_app", "--factory",
                   "--port", str(port), "--log-level", "warning", "--no-access-log"]
    else:
        command = [str(Path(sys.executable).with_name("talentflow")), "serve", "matching", "--port", str(port),
                   "--no-workers"]
    server = subprocess.Popen(command, env=env, cwd=str(ROOT), stdout=subprocess.DEVNULL,
                              stderr=open(home / "server.log", "wb"))
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"matching did not start; see {home / 'server.log'}")
            time.sleep(0.3)
        token = TokenIssuer([TEST_KEY]).issue(Role.admin, "bench")
        headers = {"Authorization": f"Bearer {token}"}
        ids = [f"bp-{i}" for i in range(args.postings)]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

        def ask(pid: str) -> tuple[int, bytes]:
            conn.request("GET", f"/v1/postings/{pid}/candidates?limit=20", headers=headers)
            response = conn.getresponse()
            return response.status, response.read()

        for pid in ids[: min(len(ids), 50)]:
            ask(pid)
        rss_warm = rss_mib(server.pid)
        began_load, cpu0 = load(), proc_cpu_s(server.pid)
        wall: list[float] = []
        sizes: list[int] = []
        for n in range(args.queries):
            t0 = time.perf_counter()
            status, body = ask(ids[n % len(ids)])
            wall.append((time.perf_counter() - t0) * 1000)
            if status != 200:
                raise RuntimeError(f"candidates answered {status}: {body[:300]!r}")
            sizes.append(len(body))
        cpu = proc_cpu_s(server.pid) - cpu0
        return {"wall_ms": summary(wall), "server_cpu_ms_per_request": round(cpu / args.queries * 1000, 2),
                "mean_body_kib": round(statistics.fmean(sizes) / 1024, 1), "load_before": began_load,
                "load_after": load(), "server_rss_mib_warm": rss_warm, "server_rss_mib": rss_mib(server.pid)}
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def frozen_app():
    """`services.matching.app:create_app()` followed by gc.collect() + gc.freeze(): the start-up heap
    (jieba's dictionary, taxonomy, synonyms, pydantic schemas) leaves the cyclic collector's scans."""
    import gc

    from services.matching.app import create_app

    app = create_app()
    gc.collect()
    gc.freeze()
    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=20_000)
    parser.add_argument("--postings", type=int, default=200)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--pipeline", type=int, default=4, help="batches indexed while the oldest waits for its index commit")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--profile", type=Path, default=None, help="write py-spy profiles (speedscope) here")
    parser.add_argument("--keep", type=Path, default=None, help="TALENTFLOW_HOME to use and keep (default: a temp dir)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--progress", action="store_true")
    parser.add_argument("--skip-ingest", action="store_true", help="reuse the index already under --keep")
    parser.add_argument("--server-gc-freeze", action="store_true",
                        help="start the HTTP server through frozen_app (create_app, then gc.freeze())")
    parser.add_argument("--gc-freeze", action="store_true",
                        help="gc.freeze() once the index is open (what a service would do after start-up)")
    args = parser.parse_args(argv)

    from services.matching.app import Settings, open_index

    home = args.keep or Path(tempfile.mkdtemp(prefix="matching-micro-"))
    home.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Any] = {
        "workers": args.workers, "postings": args.postings, "queries": args.queries, "batch": args.batch,
        "cpus": os.cpu_count(), "python": sys.version.split()[0],
        "orjson": _has("orjson"), "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    try:
        holder = open_index(Settings(home=home, signing_key=TEST_KEY, run_workers=False))
        if args.gc_freeze:
            import gc

            gc.collect()
            gc.freeze()
        figures["gc_freeze"] = args.gc_freeze
        try:
            if not args.skip_ingest:
                figures["ingest"] = phase_ingest(args, holder)
                print(json.dumps({"ingest": figures["ingest"]}, ensure_ascii=False), file=sys.stderr)
            figures["candidates_in_process"] = phase_candidates(args, holder())
            print(json.dumps({"candidates_in_process": figures["candidates_in_process"]}, ensure_ascii=False),
                  file=sys.stderr)
            figures["rss_mib_after_in_process"] = rss_mib()
        finally:
            holder.close()
        if not args.no_http:
            figures["candidates_http"] = phase_http(args, home)
    finally:
        if args.keep is None:
            shutil.rmtree(home, ignore_errors=True)
    figures["server_gc_freeze"] = args.server_gc_freeze
    figures["peak_rss_mib_this_process"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out = json.dumps(figures, ensure_ascii=False, indent=1)
    print(out)
    if args.json:
        args.json.write_text(out + "\n", "utf-8")
    return 0


def _has(module: str) -> bool:
    try:
        __import__(module)
        return True
    except ImportError:
        return False


if __name__ == "__main__":
    sys.exit(main())
