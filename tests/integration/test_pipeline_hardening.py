"""What operators see of the event pipeline (issue 13, item 9; DESIGN §6), through HTTP.

`/metrics` carries each consumer group's lag per topic (local log and Kafka), dead letters per
topic, the outbox backlog and the age of its oldest row, and notify's failing webhooks; `/readyz`
turns 503, naming the cause, when a consumer makes no progress while it has work, or its thread died.
"""

from __future__ import annotations

import re
import threading
import time

import pytest
import sqlalchemy as sa
from fastapi import APIRouter
from fastapi.testclient import TestClient

from services.common.adapters.kv_memory import MemoryKeyValue
from services.common.auth import TokenIssuer
from services.common.consuming import ConsumerWorker
from services.common.ports import OutgoingMessage
from services.common.web import create_service_app
from services.notify import store as notify_store
from tests.integration.notify_support import SQLITE_ONLY, application_submitted, closed_port_url, notify_factory  # noqa: F401
from tests.integration.test_profiles_helpers import profiles, sample_worker  # noqa: F401 — fixture
from tests.support import auth, random_id

pytestmark = pytest.mark.integration


def metric(text: str, name: str, **labels: str) -> float | None:
    """The value of one sample in Prometheus text, matched on the labels given (others ignored)."""
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0])) if "{" in line else {}
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None


def kit_app(*workers, run_workers: bool):
    return create_service_app(service="probe", title="probe", version="0", token_issuer=TokenIssuer(["k" * 40]),
                              key_value=MemoryKeyValue(), routers=[APIRouter()], checks={},
                              workers=list(workers), run_workers=run_workers)


def publish(event_log, topic: str, count: int) -> None:
    event_log.publish([OutgoingMessage(topic, f"k{i}", b"{}") for i in range(count)])


def poll_until_records(worker: ConsumerWorker, deadline_s: float = 20.0) -> int:
    """run_once until a batch came (a Kafka member needs a few polls to join its group)."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if (taken := worker.run_once()) > 0:
            return taken
    raise AssertionError("no records arrived")


def test_consumer_lag_per_topic_on_metrics(event_log, topic):
    worker = ConsumerWorker(event_log, random_id("group"), [topic], lambda record: None, max_records=2,
                            poll_timeout_s=0.5)
    try:
        # Warm-up: a Kafka member learns a partition's highwater from its fetch responses, so lag is
        # known once it has fetched from each partition (the local log knows every head at once).
        publish(event_log, topic, 4)
        poll_until_records(worker)
        while worker.processed < 4:
            worker.run_once()
        publish(event_log, topic, 10)
        seen: list[tuple[float | None, int]] = []  # (lag on /metrics, records not yet handled)
        with TestClient(kit_app(worker, run_workers=False)) as client:
            poll_until_records(worker)
            while worker.processed < 14:
                text = client.get("/metrics").text
                seen.append((metric(text, "talentflow_consumer_lag", group=worker.group, topic=topic,
                                    service="probe"), 14 - worker.processed))
                worker.run_once()
            if getattr(event_log, "bootstrap_servers", None) is None:
                assert seen and all(lag == waiting for lag, waiting in seen), seen
            else:
                # A partition's highwater is as fresh as its last fetch response (on Tansu only the
                # partitions in that response move): never more than the truth, and it shows work waiting.
                assert seen and all(lag is not None and 0 <= lag <= waiting for lag, waiting in seen), seen
                assert any(lag > 0 for lag, _ in seen), seen
            worker.run_once()  # an idle poll refreshes the lag
            text = client.get("/metrics").text
            assert metric(text, "talentflow_consumer_lag", group=worker.group, topic=topic) == 0
            assert metric(text, "talentflow_consumer_records_total", group=worker.group) == 14
    finally:
        worker.stop()


def test_dead_letters_are_counted_per_topic(event_log, topic):
    publish(event_log, topic, 3)

    def poison(record):
        raise ValueError("cannot read this")

    worker = ConsumerWorker(event_log, random_id("group"), [topic], poison, max_attempts=1, poll_timeout_s=0.5)
    try:
        total = poll_until_records(worker)
        while total < 3:
            total += worker.run_once()
        with TestClient(kit_app(worker, run_workers=False)) as client:
            text = client.get("/metrics").text
        assert metric(text, "talentflow_dlq_messages_total", group=worker.group, topic=topic) == 3
    finally:
        worker.stop()


def test_a_stuck_consumer_makes_readyz_503_naming_it_and_recovers(tmp_path):
    from services.common.adapters.eventlog_local import LocalEventLog

    event_log = LocalEventLog(tmp_path / "events.db")
    topic, release, entered = "t.stuck", threading.Event(), threading.Event()

    def slow(record):
        entered.set()
        release.wait(30)

    publish(event_log, topic, 3)
    worker = ConsumerWorker(event_log, "stuck-group", [topic], slow, poll_timeout_s=0.1, stuck_after_s=0.5)
    try:
        with TestClient(kit_app(worker, run_workers=True)) as client:
            assert entered.wait(10)
            time.sleep(0.8)
            ready = client.get("/readyz")
            assert ready.status_code == 503, ready.text
            assert ready.json()["pipeline"] == "stuck"
            assert any("stuck-group" in cause and "no progress" in cause for cause in ready.json()["causes"])
            release.set()
            deadline = time.monotonic() + 10
            while client.get("/readyz").status_code != 200 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert client.get("/readyz").status_code == 200
            assert metric(client.get("/metrics").text, "talentflow_consumer_lag", group="stuck-group", topic=topic) == 0
    finally:
        release.set()
        worker.stop()
        event_log.close()


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_consumer_whose_thread_died_makes_readyz_503(tmp_path):
    from services.common.adapters.eventlog_local import LocalEventLog

    event_log = LocalEventLog(tmp_path / "events.db")

    def fatal(record):
        raise SystemExit("a BaseException the loop does not survive")

    publish(event_log, "t.dead", 1)
    worker = ConsumerWorker(event_log, "dead-group", ["t.dead"], fatal, poll_timeout_s=0.1)
    try:
        with TestClient(kit_app(worker, run_workers=True)) as client:
            deadline = time.monotonic() + 10
            while worker.running and time.monotonic() < deadline:
                time.sleep(0.05)
            ready = client.get("/readyz")
            assert ready.status_code == 503
            assert "consumer dead-group: its thread died" in ready.json()["causes"]
            assert metric(client.get("/metrics").text, "talentflow_consumer_up", group="dead-group") == 0
    finally:
        worker.stop()
        event_log.close()


def test_outbox_backlog_and_oldest_age_on_a_service(profiles):  # noqa: F811
    agency = auth("agency", "staff-1", org="org-a")
    assert profiles.client.post("/v1/workers", json=sample_worker(), headers=agency).status_code == 201
    time.sleep(0.05)
    text = profiles.client.get("/metrics").text
    assert metric(text, "talentflow_outbox_backlog", service="profiles") == 1  # workers are off in tests
    assert metric(text, "talentflow_outbox_oldest_age_seconds", service="profiles") > 0
    profiles.app.state.relay.drain()
    text = profiles.client.get("/metrics").text
    assert metric(text, "talentflow_outbox_backlog", service="profiles") == 0
    assert metric(text, "talentflow_outbox_oldest_age_seconds", service="profiles") == 0
    assert metric(text, "talentflow_outbox_published_total", service="profiles") == 1


@SQLITE_ONLY
def test_webhook_failures_and_disabled_subscriptions_on_notify_metrics(notify_factory):  # noqa: F811
    notify = notify_factory(allow_loopback_webhooks=True)
    org = random_id("org")
    employer = auth("employer", random_id("u"), org=org)
    _, url = closed_port_url()
    sub = notify.client.post("/v1/subscriptions", headers=employer,
                             json={"url": url, "event_types": ["application.submitted"]})
    assert sub.status_code == 201, sub.text
    notify.publish(application_submitted(random_id("a"), random_id("p"), org, random_id("w")))
    notify.consume()
    assert notify.dispatch() == 1  # connection refused
    with notify.engine.begin() as conn:
        conn.execute(notify_store.subscriptions.update().values(status="disabled"))
    text = notify.client.get("/metrics").text
    assert metric(text, "talentflow_webhook_failures_total", service="notify") == 1
    assert metric(text, "talentflow_webhook_subscriptions_disabled", service="notify") == 1
    assert metric(text, "talentflow_webhook_deliveries_pending", service="notify") == 1
    assert metric(text, "talentflow_outbox_backlog", service="notify") is not None


def test_talentflow_work_serves_the_pipeline_metrics_of_its_workers(tmp_path):
    """Scale-out: the worker process runs the consumers, so it serves their figures itself."""
    import os
    import subprocess
    import sys

    import httpx

    from tests.fixtures.infra import free_port

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TALENTFLOW_", "JOBS_", "DATABASE_URL",
                                                                     "KAFKA_", "REDIS_URL", "ELASTICSEARCH_URL"))}
    env["TALENTFLOW_HOME"] = str(tmp_path)
    process = subprocess.Popen([sys.executable, "-m", "services.common.cli", "work", "jobs", "--metrics-port", str(port),
                                "--metrics-host", "127.0.0.1"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        text, deadline = "", time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text
                if "talentflow_consumer_lag" in text:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None:
                raise AssertionError(process.stderr.read().decode()[-2000:])
            time.sleep(0.2)
        assert metric(text, "talentflow_outbox_backlog", service="jobs") == 0, text
        ups = [line for line in text.splitlines() if line.startswith("talentflow_consumer_up{")]
        assert ups and all(line.endswith(" 1.0") for line in ups), text
        assert metric(text, "talentflow_consumer_lag", service="jobs", topic="talentflow.workers") == 0, text
    finally:
        process.terminate()
        process.wait(timeout=30)
