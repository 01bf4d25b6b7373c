"""Notify through HTTP and its real consumer on the local event log, on SQLite and PostgreSQL:
events become inbox notifications exactly once, each recipient sees only its own, preferences
are validated and versioned, and a worker's erasure reaches every copy.
"""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from services.common.events import dlq
from services.common.ports import OutgoingMessage
from services.common.store import schema_drift
from services.common.web import encode_cursor
from services.notify import handlers, store
from tests.integration.notify_support import (  # noqa: F401 — fixtures
    SQLITE_ONLY,
    application_submitted,
    application_updated,
    invitation_answered,
    invitation_sent,
    market_report,
    match_found,
    notify_factory,
    posting_closed,
    worker_erased,
)
from tests.support import auth, random_id

pytestmark = pytest.mark.integration


@pytest.fixture
def notify(notify_factory):  # noqa: F811
    return notify_factory()


def _inbox(notify, headers, **params):
    response = notify.client.get("/v1/inbox", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_migrated_schema_matches_the_tables_the_code_declares(notify):
    assert schema_drift(notify.engine, store.metadata) == []


@SQLITE_ONLY
def test_the_api_is_described_and_the_service_ready(notify):
    paths = notify.client.get("/openapi.json").json()["paths"]
    assert {"/v1/inbox", "/v1/preferences", "/v1/subscriptions", "/v1/subscriptions/{subscription_id}/rotate",
            "/v1/subscriptions/{subscription_id}/deliveries/{delivery_id}/redeliver"} <= set(paths)
    ready = notify.client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == {"store": True, "event_log": True, "key_value": True}


def test_each_event_notifies_its_recipient_once_whatever_the_redelivery(notify):
    worker, org, posting = random_id("w"), random_id("org"), random_id("p")
    found = match_found("worker", worker, worker_id=worker, posting_id=posting, org_id=org)
    applied = application_submitted(random_id("a"), posting, org, worker)
    notify.publish(found, applied)
    notify.publish(found, applied)  # the producer's relay published them twice
    assert notify.consume() == 4
    # A crashed consumer replays what it had not committed: handle the same records again.
    deps = notify.app.state.deps
    with deps.uow:  # one transaction, as the consumer applies a batch
        handlers.handle_event(deps, found)
        handlers.handle_event(deps, applied)

    mine = _inbox(notify, auth("worker", worker))["items"]
    assert [(n["type"], n["event_id"]) for n in mine] == [("match.found", found.id)]
    assert mine[0]["data"]["posting_id"] == posting and mine[0]["read"] is False
    theirs = _inbox(notify, auth("employer", random_id("u"), org=org))["items"]
    assert [(n["type"], n["event_id"]) for n in theirs] == [("application.submitted", applied.id)]


def test_engagement_events_reach_the_right_side_without_free_text(notify):
    worker, org, posting = random_id("w"), random_id("org"), random_id("p")
    application, invitation = random_id("a"), random_id("i")
    notify.publish(
        application_submitted(application, posting, org, worker, message="我的电话 13800000001"),
        application_updated(application, posting, org, worker, "shortlisted"),
        invitation_sent(invitation, posting, org, worker),
        invitation_answered(invitation, posting, org, worker, "accepted"),
    )
    notify.consume()
    worker_types = [n["type"] for n in _inbox(notify, auth("worker", worker))["items"]]
    org_items = _inbox(notify, auth("agency", random_id("u"), org=org))["items"]
    assert worker_types == ["invitation.sent", "application.updated"]  # newest first
    assert [n["type"] for n in org_items] == ["invitation.answered", "application.submitted"]
    everything = json.dumps(_inbox(notify, auth("worker", worker)), ensure_ascii=False) + json.dumps(org_items, ensure_ascii=False)
    assert "13800000001" not in everything  # messages may hold contact data: they stay in jobs
    assert org_items[1]["data"]["has_message"] is True


def test_a_closed_posting_tells_its_applicants_and_accepted_invitees_only(notify):
    org, posting = random_id("org"), random_id("p")
    applicant, withdrawn, invitee, decliner = (random_id("w") for _ in range(4))
    withdrawn_app = random_id("a")
    notify.publish(
        application_submitted(random_id("a"), posting, org, applicant),
        application_submitted(withdrawn_app, posting, org, withdrawn),
        application_updated(withdrawn_app, posting, org, withdrawn, "withdrawn"),
        invitation_sent(inv := random_id("i"), posting, org, invitee),
        invitation_answered(inv, posting, org, invitee, "accepted"),
        invitation_sent(inv2 := random_id("i"), posting, org, decliner),
        invitation_answered(inv2, posting, org, decliner, "declined"),
    )
    notify.consume()
    notify.publish(posting_closed(posting, org))
    notify.consume()

    def closed_for(worker):
        return [n for n in _inbox(notify, auth("worker", worker))["items"] if n["type"] == "posting.closed"]

    assert len(closed_for(applicant)) == 1 and len(closed_for(invitee)) == 1
    assert closed_for(withdrawn) == [] and closed_for(decliner) == []
    assert closed_for(applicant)[0]["data"] == {"posting_id": posting, "org_id": org, "status": "filled", "reason": "filled"}


def test_market_reports_reach_only_those_who_opted_in(notify):
    keen, indifferent, org = random_id("w"), random_id("w"), random_id("org")
    put = notify.client.put("/v1/preferences", headers=auth("worker", keen),
                            json={"channels": {"market.report_published": ["inbox"]}})
    assert put.status_code == 200, put.text
    notify.client.put("/v1/preferences", headers=auth("employer", "u1", org=org),
                      json={"channels": {"market.report_published": ["inbox", "webhook"]}})
    report = market_report()
    notify.publish(report)
    notify.consume()
    assert [n["data"]["report_id"] for n in _inbox(notify, auth("worker", keen))["items"]] == [report.data["id"]]
    assert _inbox(notify, auth("worker", indifferent))["items"] == []
    assert len(_inbox(notify, auth("employer", "u2", org=org))["items"]) == 1


def test_inbox_pages_filters_unread_and_marks_read(notify):
    worker = random_id("w")
    events = [match_found("worker", worker, worker_id=worker, posting_id=random_id("p"), org_id="o") for _ in range(5)]
    notify.publish(*events)
    notify.consume()
    headers = auth("worker", worker)
    first = _inbox(notify, headers, limit=2)
    second = _inbox(notify, headers, limit=2, cursor=first["next_cursor"])
    third = _inbox(notify, headers, limit=2, cursor=second["next_cursor"])
    ids = [n["id"] for page in (first, second, third) for n in page["items"]]
    assert len(ids) == 5 and len(set(ids)) == 5 and third["next_cursor"] is None

    read = notify.client.post(f"/v1/inbox/{ids[0]}/read", headers=headers)
    assert read.status_code == 200 and read.json()["read"] is True
    first_read_at = read.json()["read_at"]
    notify.clock.advance(minutes=5)
    again = notify.client.post(f"/v1/inbox/{ids[0]}/read", headers=headers)
    assert again.json()["read_at"] == first_read_at  # reading twice keeps the first time
    unread = [n["id"] for n in _inbox(notify, headers, unread="true")["items"]]
    assert ids[0] not in unread and len(unread) == 4


def test_a_recipient_never_sees_or_touches_another_inbox(notify):
    worker, other, org = random_id("w"), random_id("w"), random_id("org")
    notify.publish(match_found("worker", worker, worker_id=worker, posting_id=random_id("p"), org_id=org))
    notify.consume()
    notification_id = _inbox(notify, auth("worker", worker))["items"][0]["id"]

    assert _inbox(notify, auth("worker", other))["items"] == []
    assert _inbox(notify, auth("employer", "u", org=org))["items"] == []
    stolen = notify.client.post(f"/v1/inbox/{notification_id}/read", headers=auth("worker", other))
    assert stolen.status_code == 404 and stolen.headers["content-type"] == "application/problem+json"
    assert notify.client.post(f"/v1/inbox/{notification_id}/read", headers=auth("employer", "u", org=org)).status_code == 404
    assert _inbox(notify, auth("worker", worker))["items"][0]["read"] is False

    assert notify.client.get("/v1/inbox").status_code == 401
    assert notify.client.get("/v1/inbox", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    assert notify.client.get("/v1/inbox", headers=auth("admin", "root")).status_code == 403
    assert notify.client.get("/v1/inbox", headers=auth("employer", "u")).status_code == 403  # no org


@SQLITE_ONLY
def test_bad_queries_are_named_4xx_problems(notify):
    headers = auth("worker", random_id("w"))
    for params, field in [({"limit": 0}, "query.limit"), ({"limit": 101}, "query.limit"),
                          ({"cursor": "not-a-cursor"}, "query.cursor"), ({"unread": "perhaps"}, "query.unread"),
                          ({"cursor": encode_cursor({"seq": 10**30})}, "query.cursor"),
                          ({"cursor": encode_cursor({"seq": "1; DROP TABLE"})}, "query.cursor")]:
        response = notify.client.get("/v1/inbox", headers=headers, params=params)
        assert response.status_code == 422, (params, response.text)
        assert field in [e["field"] for e in response.json()["errors"]]


def test_preferences_validate_version_and_replace(notify):
    worker = random_id("w")
    headers = auth("worker", worker)
    defaults = notify.client.get("/v1/preferences", headers=headers)
    assert defaults.status_code == 200 and defaults.headers["etag"] == '"0"'
    assert defaults.json()["channels"]["market.report_published"] == []

    body = {"email": "w@example.com", "timezone": "Asia/Urumqi", "delivery": "daily_digest", "digest_hour": 9,
            "quiet_hours": {"start": "22:00", "end": "07:00"}, "channels": {"match.found": ["email"]}}
    saved = notify.client.put("/v1/preferences", headers=headers, json=body)
    assert saved.status_code == 200, saved.text
    assert saved.headers["etag"] == '"1"' and saved.json()["channels"]["match.found"] == ["email"]
    assert saved.json()["channels"]["invitation.sent"] == ["inbox", "email"]  # untouched types keep defaults

    stale = notify.client.put("/v1/preferences", headers={**headers, "If-Match": '"0"'}, json=body)
    assert stale.status_code == 412
    fresh = notify.client.put("/v1/preferences", headers={**headers, "If-Match": '"1"'}, json={**body, "digest_hour": 10})
    assert fresh.status_code == 200 and fresh.json()["version"] == 2

    bad = [
        ({**body, "timezone": "Mars/Olympus"}, "body.timezone"),
        ({**body, "email": "not-an-address"}, "body.email"),
        ({**body, "email": "nul\u0000@example.com"}, "body.email"),
        ({**body, "digest_hour": 24}, "body.digest_hour"),
        ({**body, "quiet_hours": {"start": "25:00", "end": "07:00"}}, "body.quiet_hours.start"),
        ({**body, "quiet_hours": {"start": "07:00", "end": "07:00"}}, "body.quiet_hours"),
        ({**body, "channels": {"match.found": ["pigeon"]}}, "body.channels.match.found.0"),
        ({**body, "channels": {"no.such.type": ["inbox"]}}, "body.channels.no.such.type"),
        ({**body, "channels": {"match.found": ["webhook"]}}, "body.channels.match.found"),
        ({**body, "channels": {"application.submitted": ["inbox"]}}, "body.channels.application.submitted"),
        ({**body, "surprise": 1}, "body.surprise"),
    ]
    for payload, field in bad:
        response = notify.client.put("/v1/preferences", headers=headers, json=payload)
        assert response.status_code == 422, (field, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        # the kit may add a suffix naming the part of the field (e.g. "[key]" for a dict key)
        assert any(e["field"].startswith(field) for e in response.json()["errors"]), (field, response.json())
    assert notify.client.get("/v1/preferences", headers=headers).json()["version"] == 2  # nothing half-written


def test_a_type_turned_off_for_the_inbox_stays_out_of_it(notify):
    worker = random_id("w")
    notify.client.put("/v1/preferences", headers=auth("worker", worker), json={"channels": {"match.found": []}})
    notify.publish(match_found("worker", worker, worker_id=worker, posting_id=random_id("p"), org_id="o"),
                   invitation_sent(random_id("i"), random_id("p"), "o", worker))
    notify.consume()
    assert [n["type"] for n in _inbox(notify, auth("worker", worker))["items"]] == ["invitation.sent"]


def test_erasure_removes_the_workers_inbox_and_preferences_and_scrubs_mentions(notify):
    worker, org, posting = random_id("w"), random_id("org"), random_id("p")
    headers = auth("worker", worker)
    notify.client.put("/v1/preferences", headers=headers, json={"email": "erase-me@example.com"})
    notify.publish(
        match_found("worker", worker, worker_id=worker, posting_id=posting, org_id=org),
        match_found("org", org, worker_id=worker, posting_id=posting, org_id=org, summary="王** 技师"),
        application_submitted(random_id("a"), posting, org, worker),
    )
    notify.consume()
    notify.publish(worker_erased(worker))
    notify.consume()

    assert _inbox(notify, headers)["items"] == []
    prefs = notify.client.get("/v1/preferences", headers=headers).json()
    assert prefs["email"] is None and prefs["version"] == 0
    org_items = _inbox(notify, auth("employer", "u", org=org))["items"]
    assert len(org_items) == 2  # the org keeps its record that something happened …
    assert all("worker_id" not in n["data"] and n["data"]["worker_erased"] for n in org_items)  # … not who
    assert worker not in json.dumps(org_items) and "王**" not in json.dumps(org_items, ensure_ascii=False)

    # A late or replayed event about the erased worker creates nothing new.
    notify.publish(match_found("worker", worker, worker_id=worker, posting_id=random_id("p"), org_id=org),
                   posting_closed(posting, org))
    notify.consume()
    assert _inbox(notify, headers)["items"] == []
    with notify.engine.connect() as conn:
        for table in (store.notifications, store.posting_engagements):
            assert conn.execute(sa.select(sa.func.count()).select_from(table).where(table.c.worker_id == worker)).scalar() == 0


def test_a_record_that_is_not_an_event_goes_to_the_dlq_and_the_consumer_goes_on(notify_factory):  # noqa: F811
    notify = notify_factory()
    notify.app.state.consumer.max_attempts = 1
    worker = random_id("w")
    notify.app.state.runtime.event_log.publish([OutgoingMessage("talentflow.matches", worker, b"{not json")])
    notify.publish(match_found("worker", worker, worker_id=worker, posting_id=random_id("p"), org_id="o"))
    notify.consume()
    assert notify.app.state.consumer.dead_lettered == 1
    assert len(_inbox(notify, auth("worker", worker))["items"]) == 1
    dead = notify.app.state.runtime.event_log.consumer("dlq-reader", [dlq("talentflow.matches")]).poll(1.0)
    assert [r.value for r in dead] == [b"{not json"]
