"""Shared pieces of the profiles integration tests: the app on a store backend, sample workers, events.

Test modules import the `profiles` fixture from here (pytest registers an imported fixture).
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.common.events import CloudEvent
from services.common.store import schema_drift
from services.profiles import store
from services.profiles.app import Settings, create_app
from tests.support import auth, random_id, runtime_for, settings_kwargs

pytestmark = pytest.mark.integration

SAMPLE_WORKER: dict[str, Any] = {
    "name": "王建国",
    "contact": {"phone": "13800000001", "email": "wjg@example.com"},
    "region": "150602",
    "location": {"lat": 39.817, "lon": 109.993},
    "occupations": [{"code": "6-18-02-04", "name": "焊工"}],
    "skill_level": "technician",
    "skills": [{"name": "氩弧焊", "proficiency": 5, "years": 12}, {"name": "压力容器焊接", "proficiency": 4, "years": 8}],
    "certificates": [{"occupation": "焊工", "level": "technician", "number": "1915000000123",
                      "issuer": "内蒙古职业技能鉴定中心", "issued_on": "2019-06-01", "verified": False}],
    "awards": [{"name": "全国职业院校技能大赛", "tier": "national", "rank": 3, "year": 2023}],
    "achievements": [{"kind": "patent", "title": "一种管道焊接定位装置", "year": 2022}],
    "experience_years": 15,
    "availability": {"modes": ["project", "part_time"], "hours_per_week": 16, "available_from": "2026-12-01"},
    "wage_expectation": {"min": 300, "max": 500, "unit": "day"},
    "open_regions": ["1506", "1502"],
    "consent": {"matching": True, "share_contact": False},
    "agency_id": None,
    "status": "active",
}


def sample_worker(**overrides: Any) -> dict[str, Any]:
    worker = copy.deepcopy(SAMPLE_WORKER)
    worker.update(overrides)
    return worker


@dataclass
class ProfilesEnv:
    """The profiles app on one store backend, with a client and a few shortcuts."""

    app: FastAPI
    client: TestClient
    backend_name: str

    @property
    def engine(self) -> sa.Engine:
        return self.app.state.runtime.engine

    def events(self, worker_id: str | None = None) -> list[CloudEvent]:
        """The outbox's events in commit order (optionally one worker's)."""
        t = store.outbox
        query = sa.select(t.c.value).order_by(t.c.id)
        if worker_id:
            query = query.where(t.c.key == worker_id)
        with self.engine.connect() as conn:
            return [CloudEvent.model_validate_json(bytes(v)) for v in conn.execute(query).scalars()]

    def count(self, table: sa.Table, **where: Any) -> int:
        query = sa.select(sa.func.count()).select_from(table)
        for column, value in where.items():
            query = query.where(table.c[column] == value)
        with self.engine.connect() as conn:
            return conn.execute(query).scalar_one()

    def create_as_agency(self, org: str, **overrides: Any) -> dict[str, Any]:
        response = self.client.post("/v1/workers", json=sample_worker(**overrides), headers=auth("agency", random_id("staff"), org=org))
        assert response.status_code == 201, response.text
        return response.json()

    def create_as_worker(self, worker_id: str, **overrides: Any) -> dict[str, Any]:
        response = self.client.post("/v1/workers", json=sample_worker(**overrides), headers=auth("worker", worker_id))
        assert response.status_code == 201, response.text
        return response.json()

    def wait_for_job(self, location: str, headers: dict[str, str], timeout_s: float = 30.0, **params: Any) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        while True:
            body = self.client.get(location, headers=headers, params=params).json()
            if body["status"] not in ("queued", "running") or time.monotonic() > deadline:
                return body
            time.sleep(0.02)


@pytest.fixture
def profiles(store_backend) -> Iterator[ProfilesEnv]:
    settings = Settings(**settings_kwargs(store_backend))
    runtime = runtime_for("profiles", settings, store_backend)
    app = create_app(settings, runtime=runtime)
    with TestClient(app) as client:
        yield ProfilesEnv(app, client, store_backend.name)


def jsonl(*rows: Any) -> bytes:
    return ("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n").encode()


def test_migrations_match_the_tables(profiles: ProfilesEnv):
    assert schema_drift(profiles.engine, store.metadata) == []
