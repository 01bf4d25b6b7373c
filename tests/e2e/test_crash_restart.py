"""`talentflow up` supervises: kill -9 of any one service leaves the others answering, the killed one
is restarted with backoff and answers again within seconds, and nothing it acknowledged is lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from tests.e2e.system import ENGINE_VARS, eventually, free_base_port, running_system
from tests.e2e.test_scenario import POSTING, WELDER
from tests.fixtures.infra import port_open

pytestmark = pytest.mark.e2e


def _children(parent: int) -> dict[str, int]:
    """The service processes `talentflow up` (pid `parent`) runs, by service name, read from /proc."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == parent and b"serve" in argv:
            found[argv[argv.index(b"serve") + 1].decode()] = int(entry.name)
    return found


def _h(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_kill_9_of_each_service_restarts_it_while_the_others_keep_serving(tmp_path):
    log = tmp_path / "up.log"
    with open(log, "wb") as stderr, running_system(str(tmp_path / "var"), stderr=stderr) as system:
        urls = system.urls
        admin = system.token("admin", "root")
        employer = system.token("employer", "boss-1", org="org-crash")
        http = httpx.Client(timeout=10)

        worker_tokens: dict[str, str] = {}

        def new_worker() -> str:
            r = http.post(urls["profiles"] + "/v1/workers", json={**WELDER, "name": "王" + uuid.uuid4().hex[:4]},
                          headers=_h(admin))
            assert r.status_code == 201, r.text
            worker_tokens[r.json()["id"]] = r.json()["worker_token"]
            return r.json()["id"]

        def searchable(worker_id: str) -> bool:
            r = http.post(urls["matching"] + "/v1/search/workers", json={"region": "150602", "limit": 100},
                          headers=_h(admin))
            return r.status_code == 200 and worker_id in [h["worker_id"] for h in r.json()["items"]]

        def answers(name: str) -> bool:
            try:
                return http.get(urls[name] + "/readyz", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        def others_serve(killed: str) -> None:
            for name in urls:
                if name == killed:
                    continue
                assert http.get(urls[name] + "/healthz", timeout=5).status_code == 200, f"{name} stopped with {killed}"
            if killed != "profiles":
                assert http.get(urls["profiles"] + "/v1/workers?limit=1", headers=_h(admin)).status_code == 200
            if killed != "jobs":
                assert http.get(urls["jobs"] + "/v1/postings?limit=1", headers=_h(employer)).status_code == 200
            if killed != "notify":
                assert http.get(urls["notify"] + "/v1/preferences", headers=_h(employer)).status_code == 200

        acknowledged: list[str] = []
        for killed in ["matching", "profiles", "jobs", "notify"]:
            before = new_worker()  # acknowledged just before the crash
            acknowledged.append(before)
            if killed == "jobs":
                posted = http.post(urls["jobs"] + "/v1/postings", json=POSTING, headers=_h(employer))
                assert posted.status_code == 201, posted.text
                posting_id = posted.json()["id"]
            if killed == "notify":
                prefs = http.put(urls["notify"] + "/v1/preferences", headers=_h(employer),
                                 json={"delivery": "daily_digest", "timezone": "Europe/Berlin"})
                assert prefs.status_code == 200, prefs.text
            pid = _children(system.proc.pid)[killed]
            os.kill(pid, signal.SIGKILL)
            down_at = time.monotonic()
            eventually(lambda: not answers(killed), 10, what=f"{killed} down after kill -9")
            if killed == "matching":  # written while matching is down: indexed once it is back
                acknowledged.append(new_worker())
            if killed == "notify":  # an application while notify is down: in the employer's inbox once it is back
                applied = http.post(f"{urls['jobs']}/v1/postings/{posting_id}/applications", json={},
                                    headers=_h(worker_tokens[before]))
                assert applied.status_code == 201, applied.text
            while not answers(killed):  # requests flow to the others the whole time
                others_serve(killed)
                assert time.monotonic() - down_at < 60, f"{killed} did not come back within 60 s"
                time.sleep(0.3)
            assert system.proc.poll() is None, "talentflow up exited"
            assert _children(system.proc.pid)[killed] != pid
            others_serve("")
            if killed == "profiles":
                assert http.get(f"{urls['profiles']}/v1/workers/{before}", headers=_h(admin)).status_code == 200
            if killed == "jobs":
                assert http.get(f"{urls['jobs']}/v1/postings/{posting_id}", headers=_h(employer)).status_code == 200
            if killed == "notify":
                prefs = http.get(urls["notify"] + "/v1/preferences", headers=_h(employer)).json()
                assert prefs["timezone"] == "Europe/Berlin", prefs

                def told_employer():
                    items = http.get(urls["notify"] + "/v1/inbox", headers=_h(employer)).json()["items"]
                    return [n for n in items if n["type"] == "application.submitted"
                            and n["data"]["application_id"] == applied.json()["id"]]

                eventually(told_employer, 30, what="the application made while notify was down in the inbox")
            for worker_id in acknowledged:
                eventually(lambda: searchable(worker_id), 30, what=f"worker {worker_id} searchable after {killed}'s crash")

        system.proc.send_signal(signal.SIGINT)
        assert system.proc.wait(30) == 0
    said = log.read_text()
    for name in ["matching", "profiles", "jobs", "notify"]:
        assert f"talentflow: {name} exited with -9 (SIGKILL); restarting in 1 s (restart 1)" in said, said
    assert "giving up" not in said and "talentflow: all services stopped" in said


def test_a_service_that_keeps_crashing_is_given_up_loudly_while_the_others_serve(tmp_path):
    """notify cannot start (an invalid setting): after 3 fast crashes `up` gives it up, profiles keeps
    answering, and SIGTERM then stops everything with exit status 1 naming notify."""
    base = free_base_port()
    env = {k: v for k, v in os.environ.items() if k not in ENGINE_VARS}
    env.update({"TALENTFLOW_HOME": str(tmp_path / "var"), "NOTIFY_SMTP_PORT": "not-a-port"})
    log = tmp_path / "up.log"
    with open(log, "wb") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "services.common.cli", "up", "--base-port", str(base), "--only", "profiles", "notify",
             "--crash-limit", "3", "--crash-window", "120"], env=env, stderr=stderr)
    try:
        profiles = f"http://127.0.0.1:{base}"
        eventually(lambda: "giving up on notify" in log.read_text(), 90, 0.5, what="notify given up")
        said = log.read_text()
        assert "talentflow: notify exited with 1; restarting in 1 s (restart 1)" in said, said
        assert "talentflow: notify exited with 1; restarting in 2 s (restart 2)" in said, said
        assert "talentflow: notify exited with 1; it crashed 3 times within 120 s — giving up on notify" in said, said
        assert said.count("restarting in") == 2
        assert proc.poll() is None, "up stopped although profiles still runs"

        def profiles_ready():
            try:
                return httpx.get(profiles + "/readyz", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        eventually(profiles_ready, 60, what="profiles serving after notify was given up")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 1
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "given up after repeated crashes: notify" in log.read_text()
    assert not port_open("127.0.0.1", base, 0.2), "profiles kept running after SIGTERM"
