"""The SDK against the running embedded system: workers created, listed and iterated; a retried
POST answered once; typed errors naming the fields; a webhook from notify verified by the SDK; the
async client; the CLI's import on the same system."""

from __future__ import annotations

import asyncio
import http.server
import re
import socket
import subprocess
import sys
import threading
import time
import uuid

import httpx
import pytest

from talentflow_client import (
    AsyncTalentFlow, Forbidden, NotFound, PreconditionFailed, TalentFlow, Unauthorized, ValidationProblem,
    WebhookVerificationError, WebhookVerifier,
)
from tests.e2e.system import eventually, running_system

pytestmark = pytest.mark.e2e


def person(name: str, **extra) -> dict:
    return {"name": name, "region": "150602", "contact": {"phone": "13800000009"},
            "occupations": [{"code": "6-18-02-04", "name": "焊工"}],
            "skills": [{"name": "氩弧焊", "proficiency": 4, "years": 6}], "consent": {"matching": True}, **extra}


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    with running_system(str(tmp_path_factory.mktemp("home"))) as running:
        yield running


@pytest.fixture
def agency(system):
    org = f"agy-{uuid.uuid4().hex[:8]}"
    token = system.token("agency", f"staff-{uuid.uuid4().hex[:6]}", org=org)
    with TalentFlow(token, base_urls=system.urls) as tf:
        yield tf, org, token


def test_create_list_and_iterate_workers(agency):
    tf, org, _ = agency
    created = [tf.workers.create(person(f"焊工{i}")) for i in range(5)]
    assert all(w.agency_id == org and w.version == 1 and w.worker_token for w in created)
    page = tf.workers.list(limit=2)
    assert len(page.items) == 2 and page.next_cursor
    assert sorted(w.id for w in tf.workers.iter(page_size=2)) == sorted(w.id for w in created)
    read = tf.workers.get(created[0].id)
    assert read.name == "焊工0" and read.skills[0].name == "氩弧焊"


def test_a_retried_post_with_its_key_is_answered_once(system):
    org, subject = f"agy-{uuid.uuid4().hex[:8]}", f"staff-{uuid.uuid4().hex[:6]}"
    with TalentFlow(system.token("agency", subject, org=org), base_urls=system.urls) as tf:
        first = tf.workers.create(person("重试"), idempotency_key="sdk-retry-1")
        again = tf.workers.create(person("重试"), idempotency_key="sdk-retry-1")
        assert again.id == first.id
        assert [w.name for w in tf.workers.iter()].count("重试") == 1
    # a new token of the same caller (as after a refresh) gets the same first answer ...
    with TalentFlow(system.token("agency", subject, org=org), base_urls=system.urls) as refreshed:
        assert refreshed.workers.create(person("重试"), idempotency_key="sdk-retry-1").id == first.id
    # ... while the key of another caller is another key
    with TalentFlow(system.token("agency", "another-staff", org=org), base_urls=system.urls) as other:
        assert other.workers.create(person("重试"), idempotency_key="sdk-retry-1").id != first.id


def test_errors_are_typed_and_name_the_fields(agency, system):
    tf, _, _ = agency
    with pytest.raises(ValidationProblem) as caught:
        tf.workers.create({"name": "", "region": "15060", "skills": [{"name": "氩弧焊", "proficiency": 9}]})
    assert {"body.name", "body.region"} <= set(caught.value.fields), caught.value.fields
    assert any(f.startswith("body.skills") for f in caught.value.fields)
    with pytest.raises(NotFound):
        tf.workers.get("w_" + uuid.uuid4().hex)
    worker = tf.workers.create(person("版本"))
    changed = tf.workers.patch(worker.id, {"experience_years": 7}, if_match=worker.version)
    assert changed.version == worker.version + 1 and changed.experience_years == 7
    with pytest.raises(PreconditionFailed):
        tf.workers.patch(worker.id, {"experience_years": 8}, if_match=worker.version)
    with TalentFlow("not-a-token", base_urls=system.urls) as stranger, pytest.raises(Unauthorized):
        stranger.workers.list()
    with TalentFlow(system.token("worker", "w_someone"), base_urls=system.urls) as worker_client:
        with pytest.raises((Forbidden, NotFound)):
            worker_client.workers.get(worker.id)


def test_a_webhook_from_notify_verifies_with_the_sdk(agency):
    tf, _, _ = agency
    received: list[tuple[bytes, dict[str, str]]] = []

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            received.append((self.rfile.read(int(self.headers["Content-Length"])), dict(self.headers.items())))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        subscription = tf.subscriptions.create(f"http://127.0.0.1:{server.server_port}/h", ["import.completed"])
        assert subscription.secret.startswith("whsec_")
        tf.subscriptions.test(subscription.id)
        eventually(lambda: received, timeout_s=60, what="the test webhook")
        body, headers = received[0]
        message = WebhookVerifier(subscription.secret).verify(body, headers)
        assert message.type == "webhook.test" and message.data["subscription_id"] == subscription.id
        with pytest.raises(WebhookVerificationError):
            WebhookVerifier(subscription.secret).verify(body + b" ", headers)
        deliveries = tf.subscriptions.deliveries(subscription.id)
        assert deliveries.items
        tf.subscriptions.delete(subscription.id)
    finally:
        server.shutdown()


def test_the_async_client_against_the_system(agency, system):
    _, _, token = agency

    async def scenario():
        async with AsyncTalentFlow(token, base_urls=system.urls) as tf:
            created = await asyncio.gather(*(tf.workers.create(person(f"异步{i}")) for i in range(3)))
            listed = [w.id async for w in tf.workers.iter(page_size=2)]
            job = await tf.import_workers('{"name": "异步导入", "region": "150602"}\n{"name": ""}\n', format="jsonl")
            job = await tf.wait_import(job.id, timeout_s=120)
            results = [(r.row, r.outcome) async for r in tf.import_results(job.id)]
            return {w.id for w in created}, listed, results

    created, listed, results = asyncio.run(scenario())
    assert created <= set(listed)
    assert results == [(1, "created"), (2, "failed")]


def test_the_cli_import_on_the_system(agency, system, tmp_path):
    _, _, token = agency
    roster = tmp_path / "roster.csv"
    roster.write_text("name,region,skill_names\n甲,150602,氩弧焊:4\n乙,,氩弧焊\n丙,150602,焊接\n", encoding="utf-8")
    env = {**system.env, "TALENTFLOW_TOKEN": token, "LANG": "en_US.UTF-8", "COLUMNS": "160",
           **{f"TALENTFLOW_{s.upper()}_URL": url for s, url in system.urls.items()}}
    run = [sys.executable, "-m", "services.common.cli", "import", str(roster), "--wait"]
    done = subprocess.run(run, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 1, done.stdout + done.stderr  # one row failed
    assert "import summary" in done.stdout and "region" in done.stdout
    failed = (tmp_path / "roster.failed.csv").read_text(encoding="utf-8-sig").splitlines()
    assert failed == ["name,region,skill_names", "乙,,氩弧焊"]
    # run again: the same file is the same Idempotency-Key, answered with the first job
    again = subprocess.run(run, env=env, capture_output=True, text=True, timeout=180)
    first_job = done.stdout.split("import job", 1)[1].split()[0]
    assert again.returncode == 1 and first_job in again.stdout, again.stdout
    listed = httpx.get(system.urls["profiles"] + "/v1/workers", headers={"Authorization": f"Bearer {token}"}).json()
    assert sorted(w["name"] for w in listed["items"]) == ["丙", "甲"]
    # a bad token: exit 3
    bad = subprocess.run(run, env={**env, "TALENTFLOW_TOKEN": "nope"}, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 3, bad.stdout + bad.stderr
    # the export has the import's columns: exported, edited and uploaded again, it updates the same workers
    exported = tmp_path / "workers.csv"
    done = subprocess.run([sys.executable, "-m", "services.common.cli", "export", "workers", "--out", str(exported)],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    exported.write_text(exported.read_text(encoding="utf-8").replace(",甲,", ",甲甲,"), encoding="utf-8")
    again = subprocess.run([sys.executable, "-m", "services.common.cli", "import", str(exported), "--wait"],
                           env=env, capture_output=True, text=True, timeout=180)
    assert again.returncode == 0, again.stdout + again.stderr
    assert re.search(r"updated\s*│\s*2", again.stdout) and re.search(r"created\s*│\s*0", again.stdout), again.stdout
    listed = httpx.get(system.urls["profiles"] + "/v1/workers", headers={"Authorization": f"Bearer {token}"}).json()
    assert sorted(w["name"] for w in listed["items"]) == ["丙", "甲甲"]


def test_the_cli_follows_a_posting_and_verifies_webhooks(system, tmp_path):
    from services.notify.domain import new_secret, webhook_headers

    employer = system.token("employer", "hr-cli", org="emp-cli")
    env = {**system.env, "TALENTFLOW_TOKEN": employer, "LANG": "en_US.UTF-8", "COLUMNS": "200",
           **{f"TALENTFLOW_{s.upper()}_URL": url for s, url in system.urls.items()}}
    with TalentFlow(employer, base_urls=system.urls) as tf:
        posting = tf.postings.create({
            "kind": "project", "title": "管道焊接", "occupation": {"code": "6-18-02-04", "name": "焊工"},
            "skills": [{"name": "氩弧焊", "min_proficiency": 3, "required": True}], "headcount": 1,
            "wage": {"min": 300, "max": 500, "unit": "day"}, "region": "150602", "remote_ok": False,
            "duration_days": 30, "status": "open"})
        # the posting reaches matching through the event log, a moment after jobs answered
        eventually(lambda: _known_to_matching(tf, posting.id), timeout_s=60, what="the posting in matching")
    watch = subprocess.run([sys.executable, "-m", "services.common.cli", "jobs", "watch", "--org", "emp-cli",
                            "--posting", posting.id, "--polls", "1"], env=env, capture_output=True, text=True,
                           timeout=120)
    assert watch.returncode == 0, watch.stdout + watch.stderr
    assert f"new posting {posting.id} 管道焊接" in watch.stdout and f"candidates {posting.id}" in watch.stdout

    secret = new_secret()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    listener = subprocess.Popen([sys.executable, "-m", "services.common.cli", "webhooks", "listen", "--port", str(port),
                                 "--secret", secret, "--max", "1"], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
    try:
        body = b'{"type": "invitation.answered", "timestamp": "2026-12-03T08:00:00+00:00", "data": {"status": "accepted"}}'
        url = f"http://127.0.0.1:{port}/"
        eventually(lambda: _answers(url), timeout_s=30, what="the CLI's webhook listener")
        forged = httpx.post(url, content=body, headers=webhook_headers([new_secret()], "msg_forged", int(time.time()), body))
        assert forged.status_code == 401
        good = httpx.post(url, content=body, headers=webhook_headers([secret], "msg_good", int(time.time()), body))
        assert good.status_code == 204
        output, _ = listener.communicate(timeout=30)
    finally:
        if listener.poll() is None:
            listener.kill()
    assert listener.returncode == 0, output
    assert "✗ bad signature" in output and "✓ invitation.answered msg_good" in output, output


def _known_to_matching(tf: TalentFlow, posting_id: str) -> bool:
    try:
        tf.postings.candidates(posting_id)
        return True
    except NotFound:
        return False


def _answers(url: str) -> bool:
    try:
        httpx.get(url, timeout=1)
        return True
    except httpx.HTTPError:
        return False
