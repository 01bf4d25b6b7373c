"""Benchmark (not a test): profile writes per second through the HTTP API, store + outbox.

Starts the profiles service under uvicorn on the embedded default (SQLite, local event log, outbox
relay running) in a temporary folder, then sends `POST /v1/workers` with N concurrent keep-alive
connections and prints one JSON line:

    {"profile_writes_per_s": ..., "requests": ..., "concurrency": ..., "p50_ms": ..., "p99_ms": ..., ...}

    python bench/profile_writes.py [--requests 4000] [--concurrency 32] [--processes 1] [--database-url URL]

The load generator is a minimal asyncio HTTP/1.1 client (pre-encoded requests, keep-alive): on a
2-core machine the client shares the CPUs with the server, and a heavier client (httpx) would
measure itself more than the service. `--processes N` runs N uvicorn workers with the relay in a
separate `talentflow work profiles` process (the scale-out layout). DESIGN §7 target: ≥ 1,500/s on
2 cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from services.common.auth import Role, TokenIssuer  # noqa: E402

SIGNING_KEY = "bench-signing-key-" + "k" * 40
SKILLS = ["氩弧焊", "压力容器焊接", "电气控制", "数控车床", "PLC 编程", "钳工装配", "管道安装", "模具调试"]
LEVELS = ["intermediate", "senior", "technician", "senior_technician"]
OCCUPATIONS = [("6-18-02-04", "焊工"), ("6-31-01-03", "电工"), ("6-18-01-01", "车工")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker_body(i: int, rng: random.Random) -> bytes:
    code, occupation = rng.choice(OCCUPATIONS)
    skills = rng.sample(SKILLS, 3)
    return json.dumps({
        "name": f"工人{i}",
        "contact": {"phone": f"138{i:08d}", "email": f"w{i}@example.com"},
        "region": rng.choice(["150602", "150202", "110101", "320102"]),
        "location": {"lat": 39.8 + rng.random(), "lon": 109.9 + rng.random()},
        "occupations": [{"code": code, "name": occupation}],
        "skill_level": rng.choice(LEVELS),
        "skills": [{"name": s, "proficiency": rng.randint(1, 5), "years": rng.randint(0, 20)} for s in skills],
        "certificates": [{"occupation": occupation, "level": "senior", "number": f"19{i:011d}", "issuer": "鉴定中心",
                          "issued_on": "2019-06-01"}],
        "experience_years": rng.randint(0, 30),
        "availability": {"modes": ["project", "part_time"], "hours_per_week": 16},
        "wage_expectation": {"min": 300, "max": 500, "unit": "day"},
        "open_regions": ["1506"],
        "consent": {"matching": True, "share_contact": False},
    }, ensure_ascii=False).encode()


def request_bytes(body: bytes, token: str) -> bytes:
    head = (
        "POST /v1/workers HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def one_connection(port: int, requests: list[bytes], latencies: list[float], statuses: dict[int, int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for payload in requests:
            start = time.perf_counter()
            writer.write(payload)
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.split(b"\r\n")
            status = int(lines[0].split()[1])
            length = 0
            for line in lines[1:]:
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            statuses[status] = statuses.get(status, 0) + 1
    finally:
        writer.close()


async def load(port: int, payloads: list[bytes], concurrency: int) -> tuple[float, list[float], dict[int, int]]:
    shares = [payloads[i::concurrency] for i in range(concurrency)]
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    start = time.perf_counter()
    await asyncio.gather(*(one_connection(port, share, latencies, statuses) for share in shares))
    return time.perf_counter() - start, latencies, statuses


def cpu_seconds(root_pids: list[int]) -> float:
    """User + system CPU of these processes and their children (uvicorn workers), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # after the command: state ppid … utime(12) stime(13) counted from the field after ")"
        stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / ticks)
    wanted = set(root_pids)
    wanted |= {pid for pid, (ppid, _) in stats.items() if ppid in wanted}
    return sum(cpu for pid, (_, cpu) in stats.items() if pid in wanted)


def wait_ready(port: int, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if b" 200 " in s.recv(200):
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the profiles service did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--processes", type=int, default=1, help="uvicorn workers (>1: relay in its own process)")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL instead of the embedded SQLite")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="tf-bench-profiles-"))
    port = free_port()
    env = {**os.environ, "TALENTFLOW_HOME": str(home), "TALENTFLOW_SIGNING_KEY": SIGNING_KEY, "PYTHONPATH": str(ROOT)}
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    procs: list[subprocess.Popen] = []
    if args.processes > 1:
        env["TALENTFLOW_RUN_WORKERS"] = "false"
        # migrate once before the workers race to do it
        subprocess.run([sys.executable, "-c", "from services.profiles.app import create_app; create_app()"], env=env,
                       check=True, stderr=subprocess.DEVNULL)
    server = [sys.executable, "-m", "uvicorn", "services.profiles.app:create_app", "--factory", "--host", "127.0.0.1",
              "--port", str(port), "--log-level", "warning", "--no-access-log", "--workers", str(args.processes)]
    procs.append(subprocess.Popen(server, env=env, stderr=subprocess.DEVNULL, cwd=ROOT))
    if args.processes > 1:
        relay = [sys.executable, "-m", "services.common.cli", "work", "profiles"]
        procs.append(subprocess.Popen(relay, env=env, stderr=subprocess.DEVNULL, cwd=ROOT))
    try:
        wait_ready(port)
        rng = random.Random(7)
        token = TokenIssuer([SIGNING_KEY]).issue(Role.agency, "bench-staff", org="bench-agency")
        warm = [request_bytes(worker_body(i, rng), token) for i in range(args.warmup)]
        payloads = [request_bytes(worker_body(args.warmup + i, rng), token) for i in range(args.requests)]
        asyncio.run(load(port, warm, args.concurrency))
        server_pids = [p.pid for p in procs]
        cpu_before = cpu_seconds(server_pids)
        elapsed, latencies, statuses = asyncio.run(load(port, payloads, args.concurrency))
        time.sleep(0.3)  # the relay finishes publishing the last writes
        server_cpu = cpu_seconds(server_pids) - cpu_before
        latencies.sort()
        result = {
            "profile_writes_per_s": round(statuses.get(201, 0) / elapsed, 1),
            "requests": args.requests,
            "concurrency": args.concurrency,
            "processes": args.processes,
            "store": "postgresql" if args.database_url else "sqlite",
            "statuses": {str(k): v for k, v in sorted(statuses.items())},
            "p50_ms": round(statistics.median(latencies) * 1000, 2),
            "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2),
            "cpus": os.cpu_count(),
            # CPU the service spent per write (HTTP + validation + store + outbox + relay): robust to a
            # busy machine, and 1000 / it is what one fully used core would sustain
            "server_cpu_ms_per_write": round(server_cpu * 1000 / max(statuses.get(201, 0), 1), 3),
            "load_average_1m": round(os.getloadavg()[0], 2),
        }
        result["writes_per_s_per_server_core"] = round(1000 / result["server_cpu_ms_per_write"], 1)
        if not args.database_url:
            with sqlite3.connect(home / "profiles.db") as db:
                result["workers_stored"] = db.execute("SELECT count(*) FROM workers").fetchone()[0]
                result["outbox_rows"] = db.execute("SELECT count(*) FROM outbox").fetchone()[0]
                result["outbox_unpublished"] = db.execute(
                    "SELECT count(*) FROM outbox WHERE published_at IS NULL").fetchone()[0]
        print(json.dumps(result))
        return 0 if statuses.get(201, 0) == args.requests else 1
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    raise SystemExit(main())
