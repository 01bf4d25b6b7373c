"""`talentflow up` (what `make run` calls): four services start, answer, accept a CLI token, stop on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from tests.fixtures.infra import port_open

pytestmark = pytest.mark.e2e
SERVICES = ("profiles", "jobs", "matching", "notify")


def _free_base_port() -> int:
    for base in range(18001, 19000, 10):
        if not any(port_open("127.0.0.1", base + i, 0.05) for i in range(4)):
            return base
    raise RuntimeError("no four free ports")


@pytest.fixture
def embedded_system(tmp_path):
    base = _free_base_port()
    env = {**os.environ, "TALENTFLOW_HOME": str(tmp_path / "var")}
    for key in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "REDIS_URL", "ELASTICSEARCH_URL", "TALENTFLOW_SIGNING_KEY"):
        env.pop(key, None)
    proc = subprocess.Popen([sys.executable, "-m", "services.common.cli", "up", "--base-port", str(base)], env=env)
    urls = {name: f"http://127.0.0.1:{base + i}" for i, name in enumerate(SERVICES)}
    deadline = time.monotonic() + 90
    pending = set(SERVICES)
    while pending and time.monotonic() < deadline:
        for name in list(pending):
            try:
                if httpx.get(urls[name] + "/readyz", timeout=1).status_code == 200:
                    pending.discard(name)
            except httpx.HTTPError:
                pass
        if proc.poll() is not None:
            break
        time.sleep(0.3)
    try:
        assert not pending, f"services not ready: {sorted(pending)}"
        yield proc, urls, env
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()


def test_four_services_answer_and_accept_a_cli_token_then_stop_on_ctrl_c(embedded_system):
    proc, urls, env = embedded_system
    for url in urls.values():
        assert httpx.get(url + "/healthz", timeout=5).json()["status"] == "ok"
        ready = httpx.get(url + "/readyz", timeout=5).json()
        assert ready["status"] == "ready" and all(ready["checks"].values())
    token = subprocess.run(
        [sys.executable, "-m", "services.common.cli", "token", "--role", "admin", "--subject", "root"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert token.count(".") == 2  # a JWT alone on stdout
    ok = httpx.get(urls["profiles"] + "/v1/workers", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert ok.status_code == 200, ok.text
    denied = httpx.get(urls["profiles"] + "/v1/workers", headers={"Authorization": "Bearer forged"}, timeout=5)
    assert denied.status_code == 401
    proc.send_signal(signal.SIGINT)
    assert proc.wait(30) == 0
    ports = [int(u.rsplit(":", 1)[1]) for u in urls.values()]
    assert not any(port_open("127.0.0.1", p, 0.2) for p in ports), "a service kept running after Ctrl-C"
