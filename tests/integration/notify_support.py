"""Helpers shared by the notify integration tests (no tests of its own).

- `NotifyHarness`: the notify app on a store backend with the local event log, a clock the test
  moves, and one-cycle drivers for its consumer, dispatcher and digest worker;
- `WebhookReceiver`: a real HTTP server on 127.0.0.1 in a thread, answering from a script;
- `SmtpSink`: a real SMTP server (aiosmtpd) on a free port that keeps what arrives;
- builders for the events notify consumes.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.common.events import (
    ApplicationSubmitted,
    ApplicationUpdated,
    CloudEvent,
    InvitationAnswered,
    InvitationSent,
    MarketReportPublished,
    MatchFound,
    PostingClosed,
    PostingUpserted,
    WorkerErased,
    WorkerUpserted,
    encode,
    make_event,
)
from services.notify.app import Settings, create_app
from tests.fixtures.infra import free_port
from tests.support import random_id, runtime_for, settings_kwargs


class FakeClock:
    """The notify service's clock, moved by the test instead of waiting."""

    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


# Retries in tests: immediately, then after 1 s and 2 s of the fake clock; no jitter.
FAST = {
    "webhook_retry_schedule_s": [0, 1, 2],
    "webhook_jitter": 0.0,
    "consumer_poll_s": 0.02,
    "webhook_timeout_s": 3.0,
}


@dataclass
class NotifyHarness:
    app: Any
    client: TestClient
    clock: FakeClock

    @property
    def engine(self):
        return self.app.state.runtime.engine

    def publish(self, *events: CloudEvent) -> None:
        self.app.state.runtime.event_log.publish([encode(e) for e in events])

    def consume(self) -> int:
        """Run the real consumer until it finds nothing more."""
        total = 0
        while (n := self.app.state.consumer.run_once()) > 0:
            total += n
        return total

    def dispatch(self) -> int:
        return self.app.state.dispatcher.run_once()

    def digests(self) -> int:
        before = self.app.state.digests.made
        self.app.state.digests.run_once()
        return self.app.state.digests.made - before


@dataclass
class NotifyFactory:
    """Builds notify app instances on one backend (a second instance = a restart on the same store)."""

    backend: Any
    clock: FakeClock = field(default_factory=FakeClock)
    opened: list[TestClient] = field(default_factory=list)

    def __call__(self, resolver=None, **overrides: Any) -> NotifyHarness:
        values = {**FAST, **overrides}
        settings = Settings(**settings_kwargs(self.backend, **values))
        kwargs = {"resolver": resolver} if resolver is not None else {}
        app = create_app(settings, runtime=runtime_for("notify", settings, self.backend), clock=self.clock, **kwargs)
        client = TestClient(app)
        client.__enter__()
        self.opened.append(client)
        return NotifyHarness(app, client, self.clock)

    def close(self, harness: NotifyHarness) -> None:
        if harness.client in self.opened:
            self.opened.remove(harness.client)
            harness.client.__exit__(None, None, None)

    def close_all(self) -> None:
        for client in reversed(self.opened):
            client.__exit__(None, None, None)
        self.opened.clear()


# For tests of rules that do not depend on the store (input checks, time arithmetic): SQLite only,
# to keep the suite quick; everything about persistence runs on both stores.
SQLITE_ONLY = pytest.mark.parametrize("store_backend", ["sqlite"], indirect=True)


@pytest.fixture
def notify_factory(store_backend) -> Iterator[NotifyFactory]:
    factory = NotifyFactory(store_backend)
    yield factory
    factory.close_all()


# --- a webhook receiver ------------------------------------------------------------------------


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class WebhookReceiver:
    """A real HTTP endpoint on 127.0.0.1: answers each POST with the next scripted (status, headers),
    then 200 once the script is used up, and keeps every request it got."""

    def __init__(self, script: list[tuple[int, dict[str, str]]] | None = None, port: int = 0):
        self.script = list(script or [])
        self.received: list[Received] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 — http.server's naming
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                with receiver._lock:
                    receiver.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                    status, headers = receiver.script.pop(0) if receiver.script else (200, {})
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        # A short poll interval: shutdown() waits for it.
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/talentflow"

    def __enter__(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


def closed_port_url() -> tuple[int, str]:
    """A URL on 127.0.0.1 where nothing listens (yet)."""
    port = free_port()
    return port, f"http://127.0.0.1:{port}/hooks/talentflow"


# --- an SMTP server ----------------------------------------------------------------------------


class SmtpSink:
    """aiosmtpd on a free port of 127.0.0.1; `messages` holds what arrived, parsed."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[email.message.EmailMessage] = []
        self.recipients: list[list[str]] = []
        sink = self

        class Collect:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's naming
                sink.recipients.append(list(envelope.rcpt_tos))
                sink.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Collect(), hostname="127.0.0.1", port=self.port)

    def settings(self) -> dict[str, Any]:
        return {"smtp_host": "127.0.0.1", "smtp_port": self.port, "smtp_from": "TalentFlow <notify@talentflow.test>"}

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.controller.stop()


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        yield sink


# --- events ------------------------------------------------------------------------------------

SOURCE = "/tests/notify"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def match_found(recipient_kind: str, recipient_id: str, *, worker_id: str, posting_id: str, org_id: str,
                score: float = 0.9, summary: str = "氩弧焊 5/5, 技师 ≥ 高级工",
                worker_version: int | None = None) -> CloudEvent:
    data = MatchFound(recipient_kind=recipient_kind, recipient_id=recipient_id, worker_id=worker_id,
                      posting_id=posting_id, org_id=org_id, score=score, summary=summary, found_at=_now(),
                      worker_version=worker_version)
    return make_event("match.found", data, subject=recipient_id, source=SOURCE, entityversion=1)


def application_submitted(application_id: str, posting_id: str, org_id: str, worker_id: str,
                          message: str | None = None) -> CloudEvent:
    data = ApplicationSubmitted(id=application_id, posting_id=posting_id, org_id=org_id, worker_id=worker_id,
                                status="submitted", message=message, submitted_at=_now())
    return make_event("application.submitted", data, subject=posting_id, source=SOURCE, entityversion=1)


def application_updated(application_id: str, posting_id: str, org_id: str, worker_id: str, status: str,
                        previous: str = "submitted") -> CloudEvent:
    data = ApplicationUpdated(id=application_id, posting_id=posting_id, org_id=org_id, worker_id=worker_id,
                              status=status, previous_status=previous, updated_at=_now())
    return make_event("application.updated", data, subject=posting_id, source=SOURCE, entityversion=2)


def invitation_sent(invitation_id: str, posting_id: str, org_id: str, worker_id: str) -> CloudEvent:
    data = InvitationSent(id=invitation_id, posting_id=posting_id, org_id=org_id, worker_id=worker_id,
                          message="电话 13800000001", expires_at=_now() + dt.timedelta(days=7), sent_at=_now())
    return make_event("invitation.sent", data, subject=posting_id, source=SOURCE, entityversion=1)


def invitation_answered(invitation_id: str, posting_id: str, org_id: str, worker_id: str,
                        answer: str = "accepted") -> CloudEvent:
    data = InvitationAnswered(id=invitation_id, posting_id=posting_id, org_id=org_id, worker_id=worker_id,
                              answer=answer, answered_at=_now())
    return make_event("invitation.answered", data, subject=posting_id, source=SOURCE, entityversion=2)


def posting_closed(posting_id: str, org_id: str, status: str = "filled") -> CloudEvent:
    data = PostingClosed(id=posting_id, org_id=org_id, status=status, reason="filled", closed_at=_now())
    return make_event("posting.closed", data, subject=posting_id, source=SOURCE, entityversion=3)


def market_report(report_id: str | None = None) -> CloudEvent:
    report_id = report_id or random_id("rpt")
    data = MarketReportPublished(id=report_id, period="2026-11", title="2026年11月 供求与工资指导价位",
                                 published_at=_now(), url=f"http://127.0.0.1:8003/v1/market/reports/{report_id}")
    return make_event("market.report_published", data, subject=report_id, source=SOURCE, entityversion=1)


def worker_erased(worker_id: str) -> CloudEvent:
    data = WorkerErased(id=worker_id, erased_at=_now())
    return make_event("worker.erased", data, subject=worker_id, source=SOURCE, entityversion=9)


def posting_upserted(posting_id: str, org_id: str, title: str, version: int = 1) -> CloudEvent:
    data = PostingUpserted(id=posting_id, org_id=org_id, kind="project", title=title, region="150602",
                           version=version, created_at=_now(), updated_at=_now())
    return make_event("posting.upserted", data, subject=posting_id, source=SOURCE, entityversion=version)


def worker_upserted(worker_id: str, name: str, version: int = 1) -> CloudEvent:
    now = _now()
    data = WorkerUpserted(id=worker_id, name=name, region="150602", version=version, created_at=now, updated_at=now,
                          matchable=True)
    return make_event("worker.upserted", data, subject=worker_id, source=SOURCE, entityversion=version)
