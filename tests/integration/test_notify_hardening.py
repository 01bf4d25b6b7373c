"""Hardening of the notify API on SQLite and PostgreSQL: hostile input on every write route, tampered
cursors, two writers racing on the preferences, and a worker who comes back after an erasure.

Every bad request must answer 4xx problem+json (never a 500) and store nothing.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import sqlalchemy as sa

from services.common.auth import Principal, Role
from services.common.errors import StaleVersion
from services.common.events import WorkerErased, WorkerUpserted, make_event
from services.notify import handlers, store
from services.notify.domain import PreferencesIn, Recipient, RecipientKind
from tests.integration.notify_support import (  # noqa: F401 — fixtures
    match_found,
    notify_factory,
    worker_erased,
)
from tests.support import auth, random_id

pytestmark = pytest.mark.integration

JSON = {"Content-Type": "application/json"}
PUBLIC = ["93.184.216.34"]


@pytest.fixture
def notify(notify_factory):  # noqa: F811
    # every host resolves to a public address: subscriptions can be created without real DNS
    return notify_factory(resolver=lambda host, port: PUBLIC)


def cursor(position: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


def deep(depth: int) -> str:
    return "[" * depth + "]" * depth


GENERIC_BAD: list[tuple[str, bytes, dict[str, str]]] = [
    ("empty", b"", JSON),
    ("not json", b"{", JSON),
    ("json array", b"[]", JSON),
    ("nested 5000 deep", deep(5000).encode(), JSON),
    ("integer of 5000 digits", b'{"digest_hour": 1' + b"0" * 5000 + b"}", JSON),
    ("3 MB body", b'{"description": "' + b"a" * 3_000_000 + b'"}', JSON),
    ("text/plain", b'{"email": "a@b.cn"}', {"Content-Type": "text/plain"}),
    ("invalid utf-8", b'{"email": "\xff@b.cn"}', JSON),
]

PREFERENCES_BAD: list[tuple[str, bytes, dict[str, str]]] = [
    ("nul in email", b'{"email": "a\\u0000@b.cn"}', JSON),
    ("surrogate in email", b'{"email": "\\ud800@b.cn"}', JSON),
    ("time zone with a NUL", b'{"timezone": "Asia/Shang\\u0000hai"}', JSON),
    ("time zone as a path", b'{"timezone": "../../etc/passwd"}', JSON),
    ("time zone surrogate", b'{"timezone": "\\ud800"}', JSON),
    ("digest hour 24", b'{"digest_hour": 24}', JSON),
    ("quiet hours 25:00", b'{"quiet_hours": {"start": "25:00", "end": "07:00"}}', JSON),
    ("unknown type", b'{"channels": {"x.y": ["inbox"]}}', JSON),
    ("webhook for a worker", b'{"channels": {"match.found": ["webhook"]}}', JSON),
    ("duplicate keys, last one bad", b'{"channels": {"match.found": ["inbox"], "match.found": ["inbox", "inbox"]}}', JSON),
    ("email of 300 characters", json.dumps({"email": "a" * 290 + "@b.cn"}).encode(), JSON),
]

SUBSCRIPTION_BAD: list[tuple[str, bytes, dict[str, str]]] = [
    ("nul in url", b'{"url": "https://example.com/\\u0000", "event_types": ["*"]}', JSON),
    ("surrogate in host", b'{"url": "https://\\ud800.example.com/", "event_types": ["*"]}', JSON),
    ("surrogate in description", b'{"url": "https://example.com/", "event_types": ["*"], "description": "\\udfff"}', JSON),
    ("broken IPv6", b'{"url": "https://[::1", "event_types": ["*"]}', JSON),
    ("port out of range", b'{"url": "https://example.com:99999/", "event_types": ["*"]}', JSON),
    ("label of 300 characters", json.dumps({"url": "https://" + "a" * 300 + ".com/", "event_types": ["*"]}).encode(), JSON),
    ("credentials in the url", b'{"url": "https://u:p@example.com/", "event_types": ["*"]}', JSON),
    ("file scheme", b'{"url": "file:///etc/passwd", "event_types": ["*"]}', JSON),
    ("private address", b'{"url": "http://10.0.0.1:8001/", "event_types": ["*"]}', JSON),
    ("metadata address", b'{"url": "http://169.254.169.254/", "event_types": ["*"]}', JSON),
    ("IPv4-mapped private", b'{"url": "http://[::ffff:10.0.0.1]/", "event_types": ["*"]}', JSON),
    ("no event types", b'{"url": "https://example.com/", "event_types": []}', JSON),
    ("2000 event types", json.dumps({"url": "https://example.com/", "event_types": ["match.found"] * 2000}).encode(), JSON),
    ("another org", b'{"url": "https://example.com/", "event_types": ["*"], "org_id": "org-elsewhere"}', JSON),
    ("org_id with NUL", b'{"url": "https://example.com/", "event_types": ["*"], "org_id": "o\\u0000"}', JSON),
]

BAD_IF_MATCH = ['"' + "9" * 5000 + '"', '"1.5"', "garbage", '""', '"-1"', 'W/"x"', '"1", "a"']

BAD_PAGE_QUERIES: list[dict[str, str]] = [
    {"limit": "100000"}, {"limit": "-1"}, {"limit": "0"}, {"limit": "9" * 5000},
    {"cursor": "!!!"}, {"cursor": "x" * 500}, {"cursor": cursor(["seq"])}, {"cursor": cursor({"seq": "1"})},
    {"cursor": cursor({"seq": True})}, {"cursor": cursor({"seq": -1})}, {"cursor": cursor({"seq": 2**70})},
    {"cursor": cursor({"seq": 1.5})}, {"cursor": base64.urlsafe_b64encode(deep(140).encode()).decode()},
]


def problem_failures(response, label: str) -> list[str]:
    if not 400 <= response.status_code < 500:
        return [f"{label}: {response.status_code} {response.text[:200]}"]
    if not response.headers.get("content-type", "").startswith("application/problem+json"):
        return [f"{label}: {response.status_code} answered {response.headers.get('content-type')}"]
    return []


def row_counts(notify) -> dict[str, int]:
    with notify.engine.connect() as conn:
        return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for t in (store.preferences, store.subscriptions, store.deliveries, store.notifications)}


def test_hostile_input_is_a_problem_never_a_500_and_stores_nothing(notify):
    org = random_id("org")
    employer, worker = auth("employer", "e-1", org=org), auth("worker", random_id("w"))
    subscription = notify.client.post("/v1/subscriptions", json={"url": "https://example.com/hook", "event_types": ["*"]},
                                      headers=employer)
    assert subscription.status_code == 201, subscription.text
    sid = subscription.json()["id"]
    before = row_counts(notify)
    client, failures = notify.client, []
    for label, body, content_type in GENERIC_BAD + PREFERENCES_BAD:
        response = client.put("/v1/preferences", content=body, headers={**worker, **content_type})
        failures += problem_failures(response, f"PUT preferences {label}")
    for label, body, content_type in GENERIC_BAD + SUBSCRIPTION_BAD:
        response = client.post("/v1/subscriptions", content=body, headers={**employer, **content_type})
        failures += problem_failures(response, f"POST subscriptions {label}")
    for value in BAD_IF_MATCH:
        tagged = {"If-Match": value}
        failures += problem_failures(client.put("/v1/preferences", json={}, headers={**worker, **tagged}),
                                     f"PUT preferences If-Match {value[:12]}")
        for method, path in (("DELETE", f"/v1/subscriptions/{sid}"), ("POST", f"/v1/subscriptions/{sid}/rotate"),
                             ("POST", f"/v1/subscriptions/{sid}/enable")):
            failures += problem_failures(client.request(method, path, headers={**employer, **tagged}),
                                         f"{method} {path.split('/')[-1]} If-Match {value[:12]}")
    for bad_id in ("a" * 65, "x%00", "%ED%A0%80", "%FF"):  # as they travel in a path
        for method, path, headers in (("POST", "/v1/inbox/{}/read", worker), ("GET", "/v1/subscriptions/{}", employer),
                                      ("POST", "/v1/subscriptions/{}/test", employer),
                                      ("GET", f"/v1/subscriptions/{sid}/deliveries/{{}}", employer),
                                      ("POST", f"/v1/subscriptions/{sid}/deliveries/{{}}/redeliver", employer)):
            response = client.request(method, path.format(bad_id), headers=headers)
            failures += problem_failures(response, f"{method} {path} id {bad_id!r}")
    for path, headers in (("/v1/inbox", worker), ("/v1/subscriptions", employer),
                          (f"/v1/subscriptions/{sid}/deliveries", employer)):
        for params in BAD_PAGE_QUERIES:
            failures += problem_failures(client.get(path, params=params, headers=headers), f"GET {path} {params}")
    assert failures == [], "\n".join(failures)
    assert row_counts(notify) == before


# --- two writers on the preferences ----------------------------------------------------------------


def _race_preferences(notify, monkeypatch, recipient: Recipient, expected: list[int | None]) -> list[Any]:
    """Two PUTs of one recipient's preferences that both read before either writes, unless the store
    serialises them (the read waits for the other writer for a moment, then goes on)."""
    meet = threading.Barrier(2)
    load = store.load_preferences

    def load_then_meet(*args, **kwargs):
        found = load(*args, **kwargs)
        try:
            meet.wait(timeout=1.5)
        except threading.BrokenBarrierError:
            pass
        return found

    monkeypatch.setattr(store, "load_preferences", load_then_meet)
    start = threading.Barrier(2)
    deps = notify.app.state.deps
    principal = (Principal(Role.worker, recipient.id) if recipient.kind is RecipientKind.worker
                 else Principal(Role.employer, "staff-1", org=recipient.id))

    def put(args: tuple[int, int | None]):
        hour, version = args
        start.wait()
        try:
            return handlers.put_preferences(deps, principal, None, PreferencesIn(digest_hour=hour), version)
        except Exception as exc:  # noqa: BLE001 — the test looks at what each writer got
            return exc

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(put, [(7, expected[0]), (9, expected[1])]))
    monkeypatch.setattr(store, "load_preferences", load)
    return results


@pytest.mark.parametrize("first_write", [True, False], ids=["first-write", "update"])
def test_two_puts_with_the_same_if_match_one_wins_the_other_is_412(notify, monkeypatch, first_write):
    worker = random_id("w")
    recipient = Recipient(RecipientKind.worker, worker)
    version = 0
    if not first_write:
        put = notify.client.put("/v1/preferences", json={"digest_hour": 3}, headers=auth("worker", worker))
        version = put.json()["version"]
    results = _race_preferences(notify, monkeypatch, recipient, [version, version])
    kinds = sorted(type(r).__name__ for r in results)
    assert kinds == ["Preferences", "StaleVersion"], results
    stored = notify.client.get("/v1/preferences", headers=auth("worker", worker)).json()
    winner = next(r for r in results if not isinstance(r, StaleVersion))
    assert stored["version"] == version + 1 == winner.version
    assert stored["digest_hour"] == winner.digest_hour


def test_two_first_puts_without_if_match_both_land_one_after_the_other(notify, monkeypatch):
    worker = random_id("w")
    results = _race_preferences(notify, monkeypatch, Recipient(RecipientKind.worker, worker), [None, None])
    assert sorted(r.version for r in results) == [1, 2], results
    stored = notify.client.get("/v1/preferences", headers=auth("worker", worker)).json()
    assert stored["version"] == 2


def test_concurrent_http_puts_with_the_same_if_match(notify):
    worker = auth("worker", random_id("w"))
    start = threading.Barrier(2)

    def put(hour: int):
        start.wait()
        return notify.client.put("/v1/preferences", json={"digest_hour": hour}, headers={**worker, "If-Match": '"0"'})

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(put, [5, 6]))
    assert sorted(a.status_code for a in answers) == [200, 412], [a.text for a in answers]


# --- a worker who comes back after an erasure ------------------------------------------------------


def worker_upserted(worker_id: str, *, version: int, created_at: dt.datetime) -> Any:
    data = WorkerUpserted(name="王建国", region="150602", id=worker_id, version=version, created_at=created_at,
                          updated_at=created_at, matchable=True)
    return make_event("worker.upserted", data, subject=worker_id, source="/tests/notify", entityversion=version)


def _inbox_types(notify, worker: str) -> list[str]:
    return [n["type"] for n in notify.client.get("/v1/inbox", headers=auth("worker", worker)).json()["items"]]


def test_a_worker_who_comes_back_after_an_erasure_is_notified_again(notify):
    worker, org = random_id("w"), random_id("org")
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    notify.publish(worker_upserted(worker, version=1, created_at=long_ago), worker_erased(worker))
    notify.consume()
    # a replayed event from before the erasure changes nothing: the person stays erased
    notify.publish(worker_upserted(worker, version=1, created_at=long_ago),
                   match_found("worker", worker, worker_id=worker, posting_id=random_id("p"), org_id=org))
    notify.consume()
    assert _inbox_types(notify, worker) == []
    # the person creates a profile again (profiles continues above the erased version)
    notify.publish(worker_upserted(worker, version=3, created_at=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)),
                   match_found("worker", worker, worker_id=worker, posting_id=random_id("p"), org_id=org))
    notify.consume()
    assert _inbox_types(notify, worker) == ["match.found"]


def test_a_match_for_the_returning_person_that_arrives_before_their_profile_is_told(notify):
    """match.found travels on talentflow.matches, the new profile on talentflow.workers: notify may read
    the match first. Found at a version above the erasure's, it lifts the marker itself; a match of the
    old life (at or below the erasure's version, or with no version) still finds the person erased."""
    worker, org = random_id("w"), random_id("org")
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    erasure = make_event("worker.erased", WorkerErased(id=worker, erased_at=long_ago + dt.timedelta(days=1)),
                         subject=worker, source="/tests/notify", entityversion=2)
    notify.publish(worker_upserted(worker, version=1, created_at=long_ago), erasure)
    notify.consume()
    for old_life in (1, 2, None):
        notify.publish(match_found("worker", worker, worker_id=worker, posting_id=random_id("p"), org_id=org,
                                   worker_version=old_life))
        notify.consume()
        assert _inbox_types(notify, worker) == [], old_life
    # the match of the new profile (version 3) first, the profile itself after it
    notify.publish(match_found("worker", worker, worker_id=worker, posting_id=random_id("p"), org_id=org,
                               worker_version=3))
    notify.consume()
    assert _inbox_types(notify, worker) == ["match.found"]
    notify.publish(worker_upserted(worker, version=3, created_at=dt.datetime.now(dt.UTC)))
    notify.consume()
    assert _inbox_types(notify, worker) == ["match.found"]
    # erased again (version 4): a late match of version 3 finds the newer marker
    notify.publish(make_event("worker.erased", WorkerErased(id=worker, erased_at=dt.datetime.now(dt.UTC)),
                              subject=worker, source="/tests/notify", entityversion=4))
    notify.consume()
    notify.publish(match_found("worker", worker, worker_id=worker, posting_id=random_id("p"), org_id=org,
                               worker_version=3))
    notify.consume()
    assert _inbox_types(notify, worker) == []


def test_an_old_erasure_delivered_again_after_the_person_came_back_is_a_no_op(notify):
    worker, org = random_id("w"), random_id("org")
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    erasure = make_event("worker.erased", WorkerErased(id=worker, erased_at=long_ago + dt.timedelta(days=1)),
                         subject=worker, source="/tests/notify", entityversion=2)
    notify.publish(worker_upserted(worker, version=1, created_at=long_ago), erasure)
    notify.consume()
    # the person comes back (versions continue above the erasure's) and is told of a match
    notify.publish(worker_upserted(worker, version=3, created_at=dt.datetime.now(dt.UTC)))
    notify.consume()
    notify.publish(match_found("worker", worker, worker_id=worker, posting_id=random_id("p"), org_id=org))
    notify.consume()
    assert _inbox_types(notify, worker) == ["match.found"]
    notify.publish(erasure, erasure)  # the old erasure, redelivered twice
    notify.consume()
    assert _inbox_types(notify, worker) == ["match.found"]
    # erased again for real (version 4): the inbox goes
    notify.publish(make_event("worker.erased", WorkerErased(id=worker, erased_at=dt.datetime.now(dt.UTC)),
                              subject=worker, source="/tests/notify", entityversion=4))
    notify.consume()
    assert _inbox_types(notify, worker) == []
