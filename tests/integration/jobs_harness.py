"""The jobs service on a real store, for the test_jobs_* modules (it holds fixtures, no tests).

`jobs` builds the service on `store_backend` (SQLite and PostgreSQL) with a hand-moved clock and
the profiles service's public API faked behind `httpx.MockTransport`. Events are read straight
from the outbox, in commit order, so a test sees exactly what one committed change produced.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from services.common.auth import Role, TokenIssuer
from services.common.errors import Unauthenticated
from services.common.events import CloudEvent, decode
from services.jobs import store
from services.jobs.app import Settings, create_app
from services.jobs.profiles_client import HttpProfilesClient
from tests.support import TEST_KEY, auth, runtime_for, settings_kwargs

# 10:00 in Shanghai on 2 March 2030: deadlines below are relative to this day.
START = dt.datetime(2030, 3, 2, 2, 0, tzinfo=dt.UTC)
TODAY = dt.date(2030, 3, 2)

ORG = "org-a"
OTHER_ORG = "org-b"
OWNER = auth(Role.employer, "emp-1", org=ORG)
OTHER_EMPLOYER = auth(Role.employer, "emp-2", org=OTHER_ORG)
AGENCY_FOR_ORG = auth(Role.agency, "agency-1", org="agency-x", acts_for=[ORG])
AGENCY_ELSEWHERE = auth(Role.agency, "agency-2", org="agency-y", acts_for=[OTHER_ORG])
WORKER_ID = "w-1"
WORKER = auth(Role.worker, WORKER_ID)
OTHER_WORKER = auth(Role.worker, "w-2")
ADMIN = auth(Role.admin, "root")
SERVICE = auth(Role.service, "matching")
ANONYMOUS: dict[str, str] = {}


def posting_body(**overrides: Any) -> dict[str, Any]:
    """A valid posting in the shape of DESIGN §3, with dates after TODAY."""
    body: dict[str, Any] = {
        "kind": "project",
        "title": "煤化工压力容器焊接修复技术攻关",
        "description": "承压设备裂纹修复，需氩弧焊打底，现场作业约两个月",
        "occupation": {"code": "6-18-02-04", "name": "焊工"},
        "skills": [
            {"name": "氩弧焊", "min_proficiency": 4, "required": True},
            {"name": "压力容器焊接", "min_proficiency": 3, "required": False},
        ],
        "min_skill_level": "senior",
        "certificates": ["焊工"],
        "headcount": 2,
        "wage": {"min": 400, "max": 800, "unit": "day"},
        "region": "150602",
        "location": {"lat": 39.82, "lon": 110.0},
        "remote_ok": False,
        "start_on": "2030-04-15",
        "duration_days": 60,
        "deadline": "2030-04-10",
        "status": "open",
    }
    body.update(overrides)
    return body


def course_body(**overrides: Any) -> dict[str, Any]:
    """A valid training course in the shape of DESIGN §3 ("A course as written"), after TODAY."""
    body: dict[str, Any] = {
        "title": "压力容器焊接（远程理论＋实操考核）",
        "description": "承压设备焊接工艺、缺陷识别与返修，结业可参加焊工技师评价",
        "occupation": {"code": "6-18-02-04", "name": "焊工"},
        "skills": [{"name": "压力容器焊接", "proficiency": 4}],
        "prepares_for_level": "technician",
        "mode": "remote",
        "region": "150602",
        "start_on": "2030-04-01", "end_on": "2030-05-31", "hours": 120,
        "fee": {"amount": 2800, "currency": "CNY"}, "subsidy_eligible": True,
        "seats": 40,
        "status": "open",
    }
    body.update(overrides)
    return body


@dataclass
class FakeClock:
    now: dt.datetime = START

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@dataclass
class FakeProfiles:
    """The profiles service's public API as the jobs service reads it: it checks the service token."""

    workers: dict[str, dict[str, Any]] = field(default_factory=dict)
    down: bool = False
    requests: list[httpx.Request] = field(default_factory=list)
    disclosures: list[dict[str, Any]] = field(default_factory=list)

    def add(self, worker_id: str, *, share_contact: bool, name: str = "王建国",
            phone: str = "13800000001", email: str = "wjg@example.com", agency_id: str | None = None) -> None:
        self.workers[worker_id] = {"name": name, "phone": phone, "email": email, "share_contact": share_contact,
                                   "agency_id": agency_id}

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        try:
            principal = TokenIssuer([TEST_KEY]).verify(request.headers.get("authorization", "").removeprefix("Bearer "))
        except Unauthenticated:
            return httpx.Response(401, json={"title": "Authentication required"})
        if principal.role is not Role.service:
            return httpx.Response(403, json={"title": "Forbidden"})
        parts = request.url.path.strip("/").split("/")  # v1 workers {id} [contact]
        worker = self.workers.get(parts[2]) if len(parts) >= 3 else None
        if worker is None:
            return httpx.Response(404, json={"title": "Not found"})
        if parts[3:] == ["contact-disclosures"] and request.method == "POST":
            return self._disclose(parts[2], worker, json.loads(request.content))
        return httpx.Response(200, json={"id": parts[2], "agency_id": worker.get("agency_id"),
                                         "consent": {"matching": True, "share_contact": worker["share_contact"]}})


    def _disclose(self, worker_id: str, worker: dict[str, Any], body: dict[str, Any]) -> httpx.Response:
        """As profiles does: the first offered consent that holds (profile and agency ones checked
        against the worker, the posting-level ones vouched for by jobs), recorded, or 403."""
        for offer in body["offered"]:
            basis = offer["basis"]
            if (basis == "profile" and worker["share_contact"]) or (
                    basis == "agency" and offer.get("agency_id") and worker.get("agency_holds") == offer["agency_id"]) or (
                    basis in ("application", "acceptance", "grant")):
                disclosure = {"id": f"dsc_{len(self.disclosures) + 1}", "worker_id": worker_id, "basis": basis,
                              "agency_id": offer.get("agency_id"), "org_id": body["viewer_org"],
                              "posting_id": body["posting_id"], "viewer_role": body["viewer_role"],
                              "viewer_id": body["viewer_id"]}
                self.disclosures.append(disclosure)
                contact = {k: worker[k] for k in ("name", "phone", "email")}
                return httpx.Response(201, json={"contact": contact, "disclosure": disclosure})
        return httpx.Response(403, json={"type": "https://talentflow.example/problems/contact-consent-missing",
                                         "title": "Contact consent missing", "status": 403,
                                         "detail": "the worker has not consented to give this employer its contact data"})


class Jobs:
    """A running jobs service and what a test needs around it."""

    def __init__(self, client: TestClient, clock: FakeClock, profiles: FakeProfiles):
        self.client = client
        self.app = client.app
        self.clock = clock
        self.profiles = profiles
        self._seen = 0

    @property
    def engine(self) -> sa.Engine:
        return self.app.state.runtime.engine

    def all_events(self) -> list[CloudEvent]:
        """Every event in the outbox, in commit order."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(store.outbox.c.value).order_by(store.outbox.c.id)).scalars().all()
        return [decode(bytes(v)) for v in rows]

    def new_events(self) -> list[CloudEvent]:
        """Events committed since the previous call."""
        events = self.all_events()
        fresh, self._seen = events[self._seen:], len(events)
        return fresh

    def new_event_types(self) -> list[tuple[str, str, int]]:
        return [(e.type, e.subject, e.entityversion) for e in self.new_events()]

    def outbox_text(self) -> str:
        """Everything the outbox holds, as text (to look for personal data)."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(store.outbox.c.value, store.outbox.c.headers)).all()
        return "\n".join(bytes(r.value).decode() + json.dumps(r.headers, ensure_ascii=False) for r in rows)

    def create_posting(self, headers: dict[str, str] = OWNER, **overrides: Any) -> dict[str, Any]:
        response = self.client.post("/v1/postings", json=posting_body(**overrides), headers=headers)
        assert response.status_code == 201, response.text
        return response.json()

    def create_course(self, headers: dict[str, str] = OWNER, **overrides: Any) -> dict[str, Any]:
        response = self.client.post("/v1/courses", json=course_body(**overrides), headers=headers)
        assert response.status_code == 201, response.text
        return response.json()

    def apply(self, posting_id: str, headers: dict[str, str] = WORKER, **body: Any) -> httpx.Response:
        return self.client.post(f"/v1/postings/{posting_id}/applications", json=body, headers=headers)

    def invite(self, posting_id: str, worker_id: str = WORKER_ID, headers: dict[str, str] = OWNER) -> httpx.Response:
        return self.client.post(f"/v1/postings/{posting_id}/invitations",
                                json={"worker_id": worker_id, "message": "欢迎加入项目"}, headers=headers)

    def sweep(self) -> tuple[int, int]:
        return self.app.state.sweeper.run_once()


def build_jobs(store_backend, *, profiles_transport: httpx.BaseTransport | None = None, **settings: Any) -> Iterator[Jobs]:
    """The jobs service; its profiles calls go to `FakeProfiles` unless `profiles_transport` is given
    (tests/integration/test_contact_consent.py hands it the real profiles app)."""
    config = Settings(**settings_kwargs(store_backend, **settings))
    runtime = runtime_for("jobs", config, store_backend)
    clock, profiles = FakeClock(), FakeProfiles()
    client_of_profiles = HttpProfilesClient(
        config.profiles_url,
        lambda: runtime.token_issuer.issue(Role.service, "jobs", ttl_s=60),
        timeout_s=1.0,
        transport=profiles_transport or httpx.MockTransport(profiles.handle),
    )
    app = create_app(config, runtime=runtime, profiles=client_of_profiles, clock=clock)
    with TestClient(app) as client:
        yield Jobs(client, clock, profiles)


@pytest.fixture
def jobs(store_backend) -> Iterator[Jobs]:
    yield from build_jobs(store_backend)
