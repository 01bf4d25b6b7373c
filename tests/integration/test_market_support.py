"""Helpers shared by the market tests (kept in a test_market_* file so they stay with the market's tests).

`MarketHarness` is the market part of the matching service on a real store (SQLite or PostgreSQL
through `store_backend`) with the embedded event log: events go in through the log and the
market's own consumer, answers come out through HTTP (TestClient). `Expected` recomputes every
figure from the test's own data with independent code (statistics.quantiles, plain sums).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.common import events
from services.common.consuming import ConsumerWorker
from services.common.ports import Record
from services.common.store import OutboxRelay, run_migrations
from services.common.web import create_service_app
from services.matching import store as matching_store
from services.matching.app import Settings
from services.matching.market.app import MarketSettings, assemble_market
from services.matching.market.consumers import market_consumer
from services.matching.market.handlers import Market
from tests.support import auth, runtime_for, settings_kwargs

MATCHING_MIGRATIONS = Path(matching_store.__file__).parent / "migrations"
LEVELS = ["apprentice", "junior", "intermediate", "senior", "technician", "senior_technician",
          "principal_technician", "chief_technician"]
ANY_TOKEN = auth("worker", "w-reader")
ADMIN = auth("admin", "admin-1")


class FakeClock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


# --- events ------------------------------------------------------------------------------------


def worker_event(worker_id: str, version: int = 1, *, level: str = "senior", region: str = "150602",
                 occupations: Iterable[str | None] = ("6-18-02-04",), matchable: bool = True,
                 when: dt.datetime | None = None) -> events.CloudEvent:
    when = when or dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    data = events.WorkerUpserted.model_validate({
        "id": worker_id, "version": version, "created_at": when, "updated_at": when, "matchable": matchable,
        "name": "测试人员", "region": region, "skill_level": level,
        "occupations": [{"code": c, "name": "职业"} if c else {"name": "自由职业"} for c in occupations],
        "consent": {"matching": matchable}, "status": "active",
    })
    return events.make_event("worker.upserted", data, subject=worker_id, source="/test", entityversion=version)


def worker_erased(worker_id: str, version: int) -> events.CloudEvent:
    data = events.WorkerErased(id=worker_id, erased_at=dt.datetime(2026, 1, 6, tzinfo=dt.UTC))
    return events.make_event("worker.erased", data, subject=worker_id, source="/test", entityversion=version)


def posting_event(posting_id: str, version: int = 1, *, occupation: str | None = "6-18-02-04", region: str = "150602",
                  min_level: str | None = "senior", headcount: int = 1, wage: tuple[float, float, str] | None = (8000, 10000, "month"),
                  kind: str = "full_time", duration_days: int | None = None, deadline: dt.date | None = None,
                  status: str = "open", created_at: dt.datetime | None = None, org_id: str = "org-1") -> events.CloudEvent:
    created_at = created_at or dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
    data = events.PostingUpserted.model_validate({
        "id": posting_id, "org_id": org_id, "version": version, "created_at": created_at, "updated_at": created_at,
        "kind": kind, "title": "岗位", "occupation": {"code": occupation, "name": "职业"} if occupation else None,
        "min_skill_level": min_level, "headcount": headcount,
        "wage": {"min": wage[0], "max": wage[1], "unit": wage[2]} if wage else None,
        "region": region, "duration_days": duration_days, "deadline": deadline, "status": status,
    })
    return events.make_event("posting.upserted", data, subject=posting_id, source="/test", entityversion=version)


def posting_closed(posting_id: str, version: int, status: str = "filled", org_id: str = "org-1") -> events.CloudEvent:
    data = events.PostingClosed(id=posting_id, org_id=org_id, status=status, reason="test",
                                closed_at=dt.datetime(2026, 1, 7, tzinfo=dt.UTC))
    return events.make_event("posting.closed", data, subject=posting_id, source="/test", entityversion=version)


# --- the service under test --------------------------------------------------------------------


@dataclass
class MarketHarness:
    market: Market
    feed: ConsumerWorker  # the read model fed from the log alone (in the service, the index consumer feeds it)
    client: TestClient
    relay: OutboxRelay
    clock: FakeClock
    runtime: Any

    def send(self, *sent: events.CloudEvent) -> None:
        """Publish events on the log and let the market's consumer take everything in."""
        self.runtime.event_log.publish([events.encode(e) for e in sent])
        self.ingest()

    def ingest(self) -> int:
        total = 0
        while n := self.feed.run_once():
            total += n
        while n := self.market.engagements.run_once():
            total += n
        return total

    def get(self, path: str, headers: dict[str, str] | None = ANY_TOKEN, **params: Any):
        query = {k: v for k, v in params.items() if v is not None}
        return self.client.get(path, params=query or None, headers=headers)

    def published_events(self, event_type: str) -> list[events.CloudEvent]:
        """What the relay put on talentflow.market (read by a fresh consumer group)."""
        self.relay.drain()
        consumer = self.runtime.event_log.consumer(f"probe-{id(self)}-{len(event_type)}", [events.MARKET])
        found: list[Record] = []
        while batch := consumer.poll(0.05):
            found.extend(batch)
        consumer.close()
        return [e for e in (events.decode(r) for r in found) if e.type == event_type]


def make_harness(backend, tmp_path: Path, now: dt.datetime, **market_options: Any) -> MarketHarness:
    settings = Settings(**settings_kwargs(backend, home=tmp_path))
    runtime = runtime_for("matching", settings, backend)
    run_migrations(runtime.engine, MATCHING_MIGRATIONS)
    clock = FakeClock(now)
    options = {"min_sample": 5, "schedule": "month", "cache_s": 60.0, **market_options}
    market = assemble_market(runtime, settings, MarketSettings(**options), clock=clock,
                             consumer_options={"poll_timeout_s": 0.01, "backoff_s": 0.01},
                             autostart_shown=False)  # tests flush the shown lists themselves
    relay = OutboxRelay(runtime.engine, matching_store.outbox, runtime.event_log, name="matching-test")
    app = create_service_app(service="matching", title="matching (market test)", version="test",
                             token_issuer=runtime.token_issuer, key_value=runtime.key_value, routers=market.routers,
                             checks={}, workers=[], run_workers=False)
    app.state.relay = relay
    feed = market_consumer(runtime.event_log, market.repository, poll_timeout_s=0.01, backoff_s=0.01)
    return MarketHarness(market, feed, TestClient(app), relay, clock, runtime)


@pytest.fixture
def harness(store_backend, tmp_path):
    h = make_harness(store_backend, tmp_path, dt.datetime(2026, 3, 15, 4, 0, tzinfo=dt.UTC))
    yield h
    h.feed.stop()
    h.market.engagements.stop()
    h.client.close()
    h.runtime.close()


# --- independent expectations ------------------------------------------------------------------


def monthly(wage: tuple[float, float, str] | None, duration_days: int | None) -> float | None:
    """DESIGN §3 written out again, on its own: midpoint; day ×21.75; hour ×174; project ÷ months."""
    if wage is None:
        return None
    mid = (wage[0] + wage[1]) / 2
    factor = {"month": 1, "day": 21.75, "hour": 174}.get(wage[2])
    if factor is not None:
        return mid * factor
    return None if not duration_days else mid / (duration_days / 30.4)


def quantiles(values: list[float]) -> dict[str, float]:
    """numpy's linear percentiles via the standard library (an implementation independent of ours)."""
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {f"p{q}": cuts[q - 1] for q in (10, 25, 50, 75, 90)}


@dataclass
class Expected:
    """The test's own data and what every figure must be, computed without the service's code."""

    workers: dict[str, dict[str, Any]] = field(default_factory=dict)
    postings: dict[str, dict[str, Any]] = field(default_factory=dict)

    @staticmethod
    def _occupation_in(code: str | None, prefix: str | None) -> bool:
        return prefix is None or (code is not None and (code == prefix or code.startswith(prefix + "-")))

    @staticmethod
    def _level_in(level: str | None, wanted: str | None) -> bool:
        if wanted is None:
            return True
        if level is None:
            return False
        if wanted == "high_skill":
            return LEVELS.index(level) >= LEVELS.index("senior")
        return level == wanted

    def _workers(self, occupation=None, region=None, level=None):
        return [w for w in self.workers.values() if w["matchable"]
                and self._occupation_in(w["primary"], occupation)
                and (region is None or w["region"].startswith(region)) and self._level_in(w["level"], level)]

    def _postings(self, occupation=None, region=None, level=None):
        return [p for p in self.postings.values() if self._occupation_in(p["occupation"], occupation)
                and (region is None or p["region"].startswith(region)) and self._level_in(p["min_level"], level)]

    def seekers(self, **flt) -> int:
        return len(self._workers(**flt))

    def openings(self, today: dt.date, **flt) -> int:
        return sum(p["headcount"] for p in self._postings(**flt)
                   if p["status"] == "open" and (p["deadline"] is None or p["deadline"] >= today))

    def ratio(self, today: dt.date, **flt) -> float | None:
        s = self.seekers(**flt)
        return None if s == 0 else round(self.openings(today, **flt) / s, 2)

    def wages(self, since: dt.datetime, **flt) -> list[float]:
        return [m for p in self._postings(**flt) if p["created_at"] >= since
                and (m := monthly(p["wage"], p["duration_days"])) is not None]

    def record(self, *sent: events.CloudEvent) -> tuple[events.CloudEvent, ...]:
        """Remember what these events say (in order, newest version wins), and hand them back to send."""
        for event in sent:
            d = event.data
            if event.type == "worker.upserted":
                codes = [o["code"] for o in d["occupations"] if o.get("code")]
                self.workers[d["id"]] = {"matchable": d["matchable"], "primary": codes[0] if codes else None,
                                         "region": d["region"], "level": d["skill_level"]}
            elif event.type == "worker.erased":
                self.workers.pop(d["id"], None)
            elif event.type == "posting.upserted":
                wage = d.get("wage")
                self.postings[d["id"]] = {
                    "occupation": (d.get("occupation") or {}).get("code"), "region": d["region"],
                    "min_level": d.get("min_skill_level"), "headcount": d["headcount"], "status": d["status"],
                    "deadline": dt.date.fromisoformat(d["deadline"]) if d.get("deadline") else None,
                    "wage": (wage["min"], wage["max"], wage["unit"]) if wage else None,
                    "duration_days": d.get("duration_days"),
                    "created_at": dt.datetime.fromisoformat(d["created_at"]),
                }
            elif event.type == "posting.closed":
                self.postings[d["id"]]["status"] = d["status"]
        return sent


def test_the_event_builders_write_valid_contracts_that_decode_back():
    sent = [worker_event("w-1"), worker_erased("w-1", 2), posting_event("p-1", wage=(300, 500, "day")),
            posting_closed("p-1", 2)]
    decoded = [events.decode(events.encode(e).value) for e in sent]
    assert [e.type for e in decoded] == ["worker.upserted", "worker.erased", "posting.upserted", "posting.closed"]
    assert decoded[2].parsed().wage.unit == "day"
    expected = Expected()
    expected.record(*sent)
    assert expected.workers == {} and expected.postings["p-1"]["status"] == "filled"
