"""`talentflow serve profiles --processes 2`: two HTTP processes behind one socket, the loops once.

Concurrent writes through both processes are all stored (no loss, no duplicate id) and each is
published exactly once: one outbox relay runs, in the process that started the HTTP ones.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from tests.fixtures.infra import free_port

pytestmark = pytest.mark.integration

WRITES_PER_CLIENT = 20
CLIENTS = 8


def _children(parent: int) -> list[int]:
    """The HTTP processes uvicorn's supervisor (pid `parent`) runs, read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            argv = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent and b"spawn_main" in argv:
            found.append(int(entry.name))
    return found


def _sample(metrics: str, name: str) -> float | None:
    for line in metrics.splitlines():
        if line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    return None


def test_two_http_processes_store_every_concurrent_write_and_publish_each_once(store_backend, tmp_path):
    from tests.e2e.test_scenario import WELDER

    home = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "REDIS_URL",
                                                          "TALENTFLOW_INSTANCE_PREFIX", "TALENTFLOW_PROCESSES")}
    env["TALENTFLOW_HOME"] = str(home)
    prefix = f"p{uuid.uuid4().hex[:8]}_"
    if store_backend.database_url:
        env["DATABASE_URL"] = store_backend.database_url
        env["TALENTFLOW_INSTANCE_PREFIX"] = prefix
    port, metrics_port = free_port(), free_port()
    token = subprocess.run([sys.executable, "-m", "services.common.cli", "token", "--role", "admin", "--subject", "root"],
                           env=env, capture_output=True, text=True, check=True).stdout.strip()
    log = open(tmp_path / "serve.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "services.common.cli", "serve", "profiles", "--port", str(port),
                             "--processes", "2", "--metrics-port", str(metrics_port)], env=env, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        ready = False
        while time.monotonic() < deadline and proc.poll() is None and not ready:
            try:
                ready = httpx.get(url + "/readyz", timeout=2).status_code == 200
            except httpx.HTTPError:
                time.sleep(0.3)
        assert ready, (tmp_path / "serve.log").read_text(errors="replace")[-2000:]
        assert len(_children(proc.pid)) == 2  # two HTTP processes, started by the one that runs the loops

        def write(client_no: int) -> list[str]:
            ids = []
            with httpx.Client(base_url=url, timeout=30, headers={"Authorization": f"Bearer {token}"}) as http:
                for n in range(WRITES_PER_CLIENT):
                    r = http.post("/v1/workers", json={**WELDER, "name": f"王{client_no}号{n}"})
                    assert r.status_code == 201, r.text
                    ids.append(r.json()["id"])
            return ids

        with ThreadPoolExecutor(CLIENTS) as pool:
            created = [i for ids in pool.map(write, range(CLIENTS)) for i in ids]
        assert len(created) == len(set(created)) == CLIENTS * WRITES_PER_CLIENT

        # Every write is readable from either process (new connections land on both).
        for worker_id in created[:: len(created) // 10]:
            assert httpx.get(f"{url}/v1/workers/{worker_id}", headers={"Authorization": f"Bearer {token}"},
                             timeout=10).status_code == 200

        deadline = time.monotonic() + 60
        backlog = None
        while time.monotonic() < deadline:
            backlog = _sample(httpx.get(url + "/metrics", timeout=10).text, "talentflow_outbox_backlog")
            if backlog == 0:
                break
            time.sleep(0.2)
        assert backlog == 0, f"outbox backlog still {backlog}"
        # The one relay, in the process that started the HTTP ones, published each write once.
        pipeline = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).text
        assert _sample(pipeline, "talentflow_outbox_published_total") == len(created)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        if store_backend.database_url:
            engine = sa.create_engine(store_backend.database_url)
            with engine.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{prefix}profiles" CASCADE'))
            engine.dispose()
    assert proc.returncode == 0, (tmp_path / "serve.log").read_text(errors="replace")[-2000:]
    assert not _children(proc.pid)

    # Each profile's event was published once: the relay ran in one process only.
    from services.common.adapters.eventlog_local import LocalEventLog
    from services.common.events import WORKERS

    events = LocalEventLog(home / "events.db")
    try:
        consumer = events.consumer("test-verify", [WORKERS], from_beginning=True)
        keys: Counter[str] = Counter()
        deadline = time.monotonic() + 30
        while sum(keys.values()) < len(created) and time.monotonic() < deadline:
            for record in consumer.poll(1.0, 1000):
                keys[record.key] += 1
        for record in consumer.poll(0.5, 1000):  # nothing more than one each
            keys[record.key] += 1
        consumer.close()
    finally:
        events.close()
    assert set(keys) == set(created)
    assert set(keys.values()) == {1}
