"""One writer, readers (issue 14): on the embedded index, `talentflow work matching` consumes the log
and writes the tantivy index while `talentflow serve matching --no-workers` answers HTTP from the
same index opened read-only, reloading on the writer's commits; `talentflow serve matching
--processes 2` does the same in one command (the loops and the writer in the supervising process).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from services.common.adapters.eventlog_local import LocalEventLog
from services.common.events import encode
from tests.fakes_search import new_id, worker_data, worker_upserted
from tests.fixtures.infra import free_port

pytestmark = pytest.mark.integration


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "services.common.cli", *args], env=env, stderr=open(log, "wb"))


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@pytest.mark.parametrize("layout", ["work + serve --no-workers", "serve --processes 2"])
def test_reader_processes_serve_what_the_writer_process_indexes(tmp_path: Path, layout: str) -> None:
    home = tmp_path / "var"
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "REDIS_URL", "ELASTICSEARCH_URL",
                        "TALENTFLOW_INSTANCE_PREFIX", "TALENTFLOW_PROCESSES", "TALENTFLOW_PROCESS")}
    env["TALENTFLOW_HOME"] = str(home)
    port = free_port()
    token = subprocess.run([sys.executable, "-m", "services.common.cli", "token", "--role", "admin", "--subject", "root"],
                           env=env, capture_output=True, text=True, check=True).stdout.strip()
    split = layout.startswith("work")
    writer = _start(["work", "matching"] if split else ["serve", "matching", "--port", str(port), "--processes", "2"],
                    env, tmp_path / "work.log")
    reader = None
    url = f"http://127.0.0.1:{port}"
    try:
        # The writer creates the index generation; the reader opens it (retrying until it exists).
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not list((home / "index").glob("generations/*/workers")):
            assert writer.poll() is None, (tmp_path / "work.log").read_text(errors="replace")[-2000:]
            time.sleep(0.2)
        reader = _start(["serve", "matching", "--no-workers", "--port", str(port)], env, tmp_path / "serve.log") \
            if split else writer
        ready = False
        while time.monotonic() < deadline and reader.poll() is None and not ready:
            try:
                ready = httpx.get(url + "/readyz", timeout=2).status_code == 200
            except httpx.HTTPError:
                time.sleep(0.3)
        assert ready, (tmp_path / ("serve.log" if split else "work.log")).read_text(errors="replace")[-2000:]

        worker = worker_data(new_id("w"), skills=[{"name": "数控车床", "proficiency": 4, "years": 5}])
        log = LocalEventLog(home / "events.db")
        try:
            log.publish([encode(worker_upserted(worker))])
        finally:
            log.close()
        headers = {"Authorization": f"Bearer {token}"}
        found: list = []
        while time.monotonic() < deadline and not found:
            answer = httpx.post(url + "/v1/search/workers", json={"skills": ["数控车床"]}, headers=headers, timeout=5)
            assert answer.status_code == 200, answer.text
            found = [hit["worker_id"] for hit in answer.json()["items"]]
            if not found:
                time.sleep(0.1)
        assert found == [worker["id"]]
        for _ in range(10):  # a new connection each time: whichever HTTP process answers has it
            answer = httpx.post(url + "/v1/search/workers", json={"skills": ["数控车床"]}, headers=headers, timeout=5)
            assert [hit["worker_id"] for hit in answer.json()["items"]] == [worker["id"]]
        assert writer.poll() is None and reader.poll() is None
    finally:
        if reader is not None and reader is not writer:
            _stop(reader)
        _stop(writer)
