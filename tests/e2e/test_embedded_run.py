"""`talentflow up` (what `make run` calls): four services start, answer, accept a CLI token, stop on Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys

import httpx
import pytest

from tests.e2e.system import running_system
from tests.fixtures.infra import port_open

pytestmark = pytest.mark.e2e


@pytest.fixture
def embedded_system(tmp_path):
    with running_system(str(tmp_path / "var")) as system:
        yield system.proc, system.urls, system.env


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
