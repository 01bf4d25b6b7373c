"""Webhooks through HTTP, the real consumer and dispatcher, and real HTTP receivers on 127.0.0.1,
on SQLite and PostgreSQL: signed by the Standard Webhooks spec, retried on schedule, durable across
a restart, disabled when gone or failing for days, refused for private addresses.
"""

from __future__ import annotations

import json
import threading
import time

import pytest
import sqlalchemy as sa
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from services.notify import store
from tests.integration.notify_support import (  # noqa: F401 — fixtures
    SQLITE_ONLY,
    WebhookReceiver,
    application_submitted,
    closed_port_url,
    market_report,
    match_found,
    notify_factory,
    worker_erased,
)
from tests.support import auth, random_id

pytestmark = pytest.mark.integration

LOOPBACK_OK = {"allow_loopback_webhooks": True}


@pytest.fixture
def notify(notify_factory):  # noqa: F811
    return notify_factory(**LOOPBACK_OK)


def _employer(org: str) -> dict[str, str]:
    return auth("employer", random_id("u"), org=org)


def _subscribe(notify, org: str, url: str, types=("application.submitted",)) -> dict:
    response = notify.client.post("/v1/subscriptions", headers=_employer(org),
                                  json={"url": url, "event_types": list(types), "description": "ATS bridge"})
    assert response.status_code == 201, response.text
    return response.json()


def _deliveries(notify, org: str, subscription_id: str, **params) -> list[dict]:
    response = notify.client.get(f"/v1/subscriptions/{subscription_id}/deliveries", headers=_employer(org), params=params)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def _application_for(notify, org: str, worker: str | None = None):
    event = application_submitted(random_id("a"), random_id("p"), org, worker or random_id("w"))
    notify.publish(event)
    notify.consume()
    return event


def _verified(secret: str, request) -> dict:
    return Webhook(secret).verify(request.body, request.headers)


# --- subscriptions API -------------------------------------------------------------------------


def test_subscriptions_belong_to_their_org_and_show_their_secret_once(notify):
    org, other = random_id("org"), random_id("org")
    created = _subscribe(notify, org, "http://127.0.0.1:9/hooks", types=["*"])
    assert created["secret"].startswith("whsec_") and created["status"] == "active"
    path = f"/v1/subscriptions/{created['id']}"

    shown = notify.client.get(path, headers=_employer(org))
    assert shown.status_code == 200 and "secret" not in shown.json() and shown.headers["etag"] == '"1"'
    assert [s["id"] for s in notify.client.get("/v1/subscriptions", headers=_employer(org)).json()["items"]] == [created["id"]]
    assert notify.client.get("/v1/subscriptions", headers=_employer(other)).json()["items"] == []
    agency = auth("agency", "ag", org=random_id("agency"), acts_for=[org])
    assert notify.client.get(path, headers=agency).status_code == 200  # an agency acting for the org

    for headers, status in [(_employer(other), 404), (auth("worker", "w"), 403), (auth("admin", "root"), 403), ({}, 401)]:
        for method, suffix in [("GET", ""), ("DELETE", ""), ("POST", "/test"), ("POST", "/rotate"), ("GET", "/deliveries")]:
            response = notify.client.request(method, path + suffix, headers=headers)
            assert response.status_code == status, (method, suffix, headers, response.text)

    assert notify.client.delete(path, headers={**_employer(org), "If-Match": '"7"'}).status_code == 412
    assert notify.client.delete(path, headers=_employer(org)).status_code == 204
    assert notify.client.get(path, headers=_employer(org)).status_code == 404


@SQLITE_ONLY
def test_subscription_input_is_checked_field_by_field(notify):
    org = random_id("org")
    headers = _employer(org)
    cases = [
        ({"event_types": ["*"]}, "body.url"),
        ({"url": "http://127.0.0.1:9/", "event_types": []}, "body.event_types"),
        ({"url": "http://127.0.0.1:9/", "event_types": ["posting.deleted"]}, "body.event_types"),
        ({"url": "http://127.0.0.1:9/", "event_types": ["*", "match.found"]}, "body.event_types"),
        ({"url": "http://127.0.0.1:9/", "event_types": ["*"], "description": "x" * 501}, "body.description"),
        ({"url": "http://127.0.0.1:9/" + "a" * 2100, "event_types": ["*"]}, "body.url"),
        ({"url": "http://127.0.0.1:9/", "event_types": ["*"], "secret": "mine"}, "body.secret"),
        ({"url": "http://127.0.0.1:9/\u0000", "event_types": ["*"]}, "body.url"),
        ({"url": "http://127.0.0.1:9/", "event_types": ["*"], "description": "bad\u0000byte"}, "body.description"),
    ]
    for body, field in cases:
        response = notify.client.post("/v1/subscriptions", headers=headers, json=body)
        assert response.status_code == 422, (body, response.text)
        assert field in [e["field"] for e in response.json()["errors"]], (field, response.json())
    forbidden = notify.client.post("/v1/subscriptions", headers=headers,
                                   json={"url": "http://127.0.0.1:9/", "event_types": ["*"], "org_id": random_id("org")})
    assert forbidden.status_code == 403
    assert notify.client.get("/v1/subscriptions", headers=headers).json()["items"] == []  # nothing half-written
    for path in ("/v1/subscriptions/sub%00x", "/v1/subscriptions/" + "s" * 65, "/v1/subscriptions/a%20b/deliveries"):
        assert notify.client.get(path, headers=headers).status_code == 422, path


@SQLITE_ONLY
def test_an_org_has_a_bounded_number_of_subscriptions(notify_factory):  # noqa: F811
    notify = notify_factory(max_subscriptions_per_org=2, **LOOPBACK_OK)
    org = random_id("org")
    for _ in range(2):
        _subscribe(notify, org, "http://127.0.0.1:9/")
    third = notify.client.post("/v1/subscriptions", headers=_employer(org), json={"url": "http://127.0.0.1:9/", "event_types": ["*"]})
    assert third.status_code == 409


# --- SSRF guard --------------------------------------------------------------------------------

FAKE_DNS = {
    "hooks.partner.example": ["93.184.216.34"],
    "intranet.partner.example": ["10.20.30.40"],
    "mixed.partner.example": ["93.184.216.34", "192.168.0.7"],
    "metadata.partner.example": ["169.254.169.254"],
    "v6loop.partner.example": ["::1"],
}


@SQLITE_ONLY
def test_endpoints_on_private_addresses_and_other_schemes_are_refused(notify_factory):  # noqa: F811
    notify = notify_factory(resolver=lambda host, port: FAKE_DNS.get(host, []), allow_loopback_webhooks=False)
    org = random_id("org")
    refused = [
        "http://10.0.0.1/hooks", "http://192.168.1.20:8080/x", "http://172.16.5.4/", "http://169.254.169.254/latest/meta-data",
        "http://127.0.0.1:8004/v1/inbox", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/",
        "http://224.0.0.1/", "http://100.64.0.1/", "http://[fe80::1]/", "http://intranet.partner.example/",
        "http://mixed.partner.example/", "http://metadata.partner.example/", "http://v6loop.partner.example/",
        "http://nowhere.partner.example/", "file:///etc/passwd", "ftp://hooks.partner.example/", "gopher://hooks.partner.example/",
        "javascript:alert(1)", "hooks.partner.example/no-scheme", "http://user:pw@hooks.partner.example/", "http:///no-host",
    ]
    for url in refused:
        response = notify.client.post("/v1/subscriptions", headers=_employer(org), json={"url": url, "event_types": ["*"]})
        assert response.status_code == 422, (url, response.text)
        assert response.json()["errors"][0]["field"] == "body.url"
    assert notify.client.get("/v1/subscriptions", headers=_employer(org)).json()["items"] == []
    assert _subscribe(notify, org, "https://hooks.partner.example/talentflow")["status"] == "active"


@SQLITE_ONLY
def test_the_operator_may_allow_private_endpoints(notify_factory):  # noqa: F811
    notify = notify_factory(allow_private_webhooks=True)
    assert _subscribe(notify, random_id("org"), "http://10.0.0.1/hooks")["status"] == "active"


def test_the_address_is_checked_again_at_delivery_time(notify_factory):  # noqa: F811
    dns = {"hooks.partner.example": ["93.184.216.34"]}
    notify = notify_factory(resolver=lambda host, port: dns.get(host, []), allow_loopback_webhooks=False)
    org = random_id("org")
    with WebhookReceiver() as receiver:
        port = receiver.server.server_address[1]
        sub = _subscribe(notify, org, f"http://hooks.partner.example:{port}/hooks")
        dns["hooks.partner.example"] = ["127.0.0.1"]  # DNS rebinding: now it points inside
        _application_for(notify, org)
        notify.dispatch()
        assert receiver.received == []
    [delivery] = _deliveries(notify, org, sub["id"])
    assert delivery["status"] == "pending" and delivery["last_error"].startswith("refused: 127.0.0.1 is a loopback")


@SQLITE_ONLY
def test_a_host_name_is_sent_to_the_vetted_address_with_its_own_host_header(notify_factory):  # noqa: F811
    notify = notify_factory(resolver=lambda host, port: ["127.0.0.1"] if host == "hooks.local.test" else [], **LOOPBACK_OK)
    org = random_id("org")
    with WebhookReceiver() as receiver:
        port = receiver.server.server_address[1]
        _subscribe(notify, org, f"http://hooks.local.test:{port}/in?src=tf")
        _application_for(notify, org)
        notify.dispatch()
    [request] = receiver.received
    assert request.headers["host"] == f"hooks.local.test:{port}" and request.path == "/in?src=tf"


# --- delivery, retries, signatures -------------------------------------------------------------


def test_a_receiver_failing_twice_gets_exactly_one_successful_signed_delivery(notify):
    org, worker = random_id("org"), random_id("w")
    with WebhookReceiver([(500, {}), (503, {})]) as receiver:
        sub = _subscribe(notify, org, receiver.url)
        event = _application_for(notify, org, worker)
        assert notify.dispatch() == 1  # attempt 1: 500
        assert notify.dispatch() == 0  # the retry is not due yet
        notify.clock.advance(seconds=1)
        assert notify.dispatch() == 1  # attempt 2: 503
        notify.clock.advance(seconds=2)
        assert notify.dispatch() == 1  # attempt 3: 200
        notify.clock.advance(hours=1)
        assert notify.dispatch() == 0

    assert len(receiver.received) == 3
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1  # one message, retried
    payload = _verified(sub["secret"], receiver.received[-1])
    assert payload["type"] == "application.submitted"
    assert payload["data"]["application_id"] == event.data["id"] and payload["data"]["worker_id"] == worker
    with pytest.raises(WebhookVerificationError):
        Webhook(sub["secret"]).verify(receiver.received[-1].body + b" ", receiver.received[-1].headers)

    [delivery] = _deliveries(notify, org, sub["id"])
    assert delivery["status"] == "succeeded" and delivery["attempts"] == 3 and delivery["last_status_code"] == 200
    assert delivery["id"] == receiver.received[-1].headers["webhook-id"]
    detail = notify.client.get(f"/v1/subscriptions/{sub['id']}/deliveries/{delivery['id']}", headers=_employer(org)).json()
    assert [a["status_code"] for a in detail["attempt_log"]] == [200, 503, 500]
    assert _deliveries(notify, org, sub["id"], status="succeeded")[0]["id"] == delivery["id"]
    assert _deliveries(notify, org, sub["id"], status="pending") == []
    assert 'talentflow_notify_webhook_attempts_total{outcome="succeeded"}' in notify.client.get("/metrics").text


def test_a_delivery_that_fails_every_scheduled_attempt_is_marked_failed(notify):
    org = random_id("org")
    with WebhookReceiver([(500, {})] * 10) as receiver:
        sub = _subscribe(notify, org, receiver.url)
        _application_for(notify, org)
        for step in (0, 1, 2):
            notify.clock.advance(seconds=step)
            assert notify.dispatch() == 1
        notify.clock.advance(hours=10)
        assert notify.dispatch() == 0
    assert len(receiver.received) == 3  # the schedule [0, 1, 2] is three attempts
    [delivery] = _deliveries(notify, org, sub["id"])
    assert delivery["status"] == "failed" and delivery["next_attempt_at"] is None
    shown = notify.client.get(f"/v1/subscriptions/{sub['id']}", headers=_employer(org)).json()
    assert shown["status"] == "active" and shown["failing_since"] is not None


def test_retry_after_is_honoured(notify):
    org = random_id("org")
    with WebhookReceiver([(429, {"Retry-After": "30"})]) as receiver:
        sub = _subscribe(notify, org, receiver.url)
        _application_for(notify, org)
        notify.dispatch()
        notify.clock.advance(seconds=2)  # the schedule alone would retry now
        assert notify.dispatch() == 0
        notify.clock.advance(seconds=29)
        assert notify.dispatch() == 1
    assert [r.headers["webhook-id"] for r in receiver.received][0] == receiver.received[1].headers["webhook-id"]
    assert _deliveries(notify, org, sub["id"])[0]["status"] == "succeeded"


def test_410_gone_disables_the_subscription_at_once_and_tells_its_owner(notify):
    org = random_id("org")
    with WebhookReceiver([(500, {}), (410, {})]) as receiver:
        sub = _subscribe(notify, org, receiver.url)
        _application_for(notify, org)
        notify.dispatch()  # 500: a retry is scheduled
        _application_for(notify, org)
        notify.dispatch()  # 410: off at once, and the scheduled retry is cancelled
        _application_for(notify, org)  # nothing is queued for a disabled endpoint
        notify.clock.advance(hours=1)
        assert notify.dispatch() == 0
        assert len(receiver.received) == 2
    shown = notify.client.get(f"/v1/subscriptions/{sub['id']}", headers=_employer(org)).json()
    assert shown["status"] == "disabled" and "410" in shown["disabled_reason"]
    assert sorted(d["status"] for d in _deliveries(notify, org, sub["id"])) == ["cancelled", "failed"]
    notices = [n for n in notify.client.get("/v1/inbox", headers=_employer(org)).json()["items"]
               if n["type"] == "subscription.disabled"]
    assert len(notices) == 1 and notices[0]["data"]["subscription_id"] == sub["id"]
    assert notify.client.post(f"/v1/subscriptions/{sub['id']}/test", headers=_employer(org)).status_code == 409


def test_an_endpoint_failing_for_days_is_disabled_and_its_owner_told(notify):
    org = random_id("org")
    with WebhookReceiver([(500, {})] * 20) as receiver:
        sub = _subscribe(notify, org, receiver.url)
        _application_for(notify, org)
        notify.dispatch()
        notify.clock.advance(days=3)
        _application_for(notify, org)
        notify.dispatch()  # failing for three days: still on
        active = notify.client.get(f"/v1/subscriptions/{sub['id']}", headers=_employer(org)).json()
        assert active["status"] == "active"
        notify.clock.advance(days=2, seconds=1)
        _application_for(notify, org)
        notify.dispatch()  # five days of failure: off
    shown = notify.client.get(f"/v1/subscriptions/{sub['id']}", headers=_employer(org)).json()
    assert shown["status"] == "disabled" and "days" in shown["disabled_reason"]
    inbox = notify.client.get("/v1/inbox", headers=_employer(org)).json()["items"]
    assert [n["type"] for n in inbox].count("subscription.disabled") == 1

    enabled = notify.client.post(f"/v1/subscriptions/{sub['id']}/enable", headers=_employer(org))
    assert enabled.status_code == 200 and enabled.json()["status"] == "active" and enabled.json()["failing_since"] is None


def test_a_success_ends_the_failure_streak(notify):
    org = random_id("org")
    with WebhookReceiver([(500, {})]) as receiver:
        sub = _subscribe(notify, org, receiver.url)
        _application_for(notify, org)
        notify.dispatch()
        notify.clock.advance(seconds=1)
        notify.dispatch()
        notify.clock.advance(days=6)
        receiver.script = [(500, {})]
        _application_for(notify, org)
        notify.dispatch()  # the streak began six days after the last one ended
    assert len(receiver.received) == 3
    assert notify.client.get(f"/v1/subscriptions/{sub['id']}", headers=_employer(org)).json()["status"] == "active"


def test_a_receiver_down_across_a_restart_still_gets_its_delivery_once(notify_factory):  # noqa: F811
    first = notify_factory(**LOOPBACK_OK)
    org = random_id("org")
    port, url = closed_port_url()
    sub = _subscribe(first, org, url)
    _application_for(first, org)
    assert first.dispatch() == 1  # connection refused
    [before] = _deliveries(first, org, sub["id"])
    assert before["status"] == "pending" and before["last_status_code"] is None
    notify_factory.close(first)  # the service stops

    with WebhookReceiver(port=port) as receiver:
        second = notify_factory(**LOOPBACK_OK)  # a new instance on the same store
        second.clock.advance(seconds=1)
        assert second.dispatch() == 1
        second.clock.advance(hours=12)
        assert second.dispatch() == 0
    assert len(receiver.received) == 1
    _verified(sub["secret"], receiver.received[0])
    [after] = _deliveries(second, org, sub["id"])
    assert after["status"] == "succeeded" and after["attempts"] == 2


def test_a_delivery_claimed_by_a_dispatcher_that_died_is_sent_once_its_lease_is_over(notify_factory):  # noqa: F811
    first = notify_factory(dispatch_lease_s=60, **LOOPBACK_OK)
    org = random_id("org")
    with WebhookReceiver() as receiver:
        _subscribe(first, org, receiver.url)
        _application_for(first, org)
        with first.engine.begin() as conn:  # claimed, then the process died before sending
            import datetime as dt

            assert len(store.claim_due_deliveries(conn, first.clock(), limit=10, lease=dt.timedelta(seconds=60), claim="dead")) == 1
        notify_factory.close(first)
        second = notify_factory(dispatch_lease_s=60, **LOOPBACK_OK)
        assert second.dispatch() == 0  # still leased to the dead dispatcher: not sent twice
        second.clock.advance(seconds=61)
        assert second.dispatch() == 1
        assert second.dispatch() == 0
    assert len(receiver.received) == 1


def test_rotation_sends_both_signatures_for_a_day_then_only_the_new_one(notify):
    org = random_id("org")
    with WebhookReceiver() as receiver:
        sub = _subscribe(notify, org, receiver.url)
        rotated = notify.client.post(f"/v1/subscriptions/{sub['id']}/rotate", headers=_employer(org))
        assert rotated.status_code == 200 and rotated.json()["secret"] != sub["secret"]
        assert rotated.json()["previous_secret_expires_at"] is not None and rotated.json()["version"] == 2
        new_secret = rotated.json()["secret"]
        _application_for(notify, org)
        notify.dispatch()
        during = receiver.received[-1]
        assert len(during.headers["webhook-signature"].split(" ")) == 2
        _verified(sub["secret"], during)
        _verified(new_secret, during)

        notify.clock.advance(hours=24, seconds=1)
        _application_for(notify, org)
        notify.dispatch()
        after = receiver.received[-1]
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    _verified(new_secret, after)
    with pytest.raises(WebhookVerificationError):
        _verified(sub["secret"], after)


def test_test_deliveries_and_redeliveries(notify):
    org = random_id("org")
    with WebhookReceiver() as receiver:
        sub = _subscribe(notify, org, receiver.url)
        queued = notify.client.post(f"/v1/subscriptions/{sub['id']}/test", headers=_employer(org))
        assert queued.status_code == 202 and queued.json()["status"] == "pending"
        notify.dispatch()
        assert _verified(sub["secret"], receiver.received[0])["type"] == "webhook.test"

        delivery_id = queued.json()["id"]
        base = f"/v1/subscriptions/{sub['id']}/deliveries"
        again = notify.client.post(f"{base}/{delivery_id}/redeliver", headers=_employer(org))
        assert again.status_code == 202 and again.json()["status"] == "pending"
        notify.dispatch()
        assert [r.headers["webhook-id"] for r in receiver.received] == [delivery_id, delivery_id]
        assert notify.client.post(f"{base}/msg_nope/redeliver", headers=_employer(org)).status_code == 404
        assert notify.client.post(f"{base}/{delivery_id}/redeliver", headers=_employer(random_id("org"))).status_code == 404
    [delivery] = _deliveries(notify, org, sub["id"])
    assert delivery["status"] == "succeeded" and delivery["attempts"] == 2


def test_market_reports_go_to_every_subscription_that_asked_for_them(notify):
    orgs = [random_id("org") for _ in range(3)]
    with WebhookReceiver() as receiver:
        wants = _subscribe(notify, orgs[0], receiver.url, types=["market.report_published"])
        everything = _subscribe(notify, orgs[1], receiver.url, types=["*"])
        other = _subscribe(notify, orgs[2], receiver.url, types=["application.submitted"])
        report = market_report()
        notify.publish(report)
        notify.publish(report)
        notify.consume()
        notify.dispatch()
    assert len(receiver.received) == 2
    assert {json.loads(r.body)["data"]["report_id"] for r in receiver.received} == {report.data["id"]}
    assert len(_deliveries(notify, orgs[0], wants["id"])) == 1 and len(_deliveries(notify, orgs[1], everything["id"])) == 1
    assert _deliveries(notify, orgs[2], other["id"]) == []


def test_erasure_blanks_delivery_payloads_and_keeps_their_status(notify):
    org, worker = random_id("org"), random_id("w")
    with WebhookReceiver() as receiver:
        sub = _subscribe(notify, org, receiver.url, types=["*"])
        _application_for(notify, org, worker)
        notify.dispatch()
        notify.publish(match_found("org", org, worker_id=worker, posting_id=random_id("p"), org_id=org))
        notify.consume()  # queued, not sent yet
        notify.publish(worker_erased(worker))
        notify.consume()
        notify.clock.advance(minutes=1)
        notify.dispatch()
    assert len(receiver.received) == 1
    deliveries = _deliveries(notify, org, sub["id"])
    assert sorted(d["status"] for d in deliveries) == ["cancelled", "succeeded"]
    assert all(d["payload"] is None for d in deliveries)
    assert worker not in json.dumps(deliveries)
    succeeded = next(d for d in deliveries if d["status"] == "succeeded")
    refused = notify.client.post(f"/v1/subscriptions/{sub['id']}/deliveries/{succeeded['id']}/redeliver", headers=_employer(org))
    assert refused.status_code == 409


def test_two_dispatchers_never_claim_the_same_delivery(notify):
    import datetime as dt

    org = random_id("org")
    _subscribe(notify, org, "http://127.0.0.1:9/")
    notify.publish(*(application_submitted(random_id("a"), random_id("p"), org, random_id("w")) for _ in range(30)))
    notify.consume()
    claims: dict[str, list[str]] = {}
    barrier = threading.Barrier(2)

    def claim(name: str) -> None:
        barrier.wait()
        got: list[str] = []
        for _ in range(10):
            with notify.engine.begin() as conn:
                got += [c.id for c in store.claim_due_deliveries(conn, notify.clock(), limit=4,
                                                                 lease=dt.timedelta(minutes=1), claim=name)]
            time.sleep(0.001)
        claims[name] = got

    threads = [threading.Thread(target=claim, args=(name,)) for name in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not set(claims["a"]) & set(claims["b"])
    assert len(claims["a"]) + len(claims["b"]) == 30
    with notify.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(store.deliveries)
                            .where(store.deliveries.c.claim.is_(None))).scalar() == 0


@SQLITE_ONLY
def test_with_its_workers_running_the_service_delivers_on_its_own(notify_factory):  # noqa: F811
    notify = notify_factory(run_workers=False, dispatch_poll_s=0.05, **LOOPBACK_OK)
    org = random_id("org")
    with WebhookReceiver() as receiver:
        sub = _subscribe(notify, org, receiver.url)
        for worker in (notify.app.state.consumer, notify.app.state.dispatcher):
            worker.start()
        try:
            notify.publish(application_submitted(random_id("a"), random_id("p"), org, random_id("w")))
            deadline = time.monotonic() + 15
            while not receiver.received and time.monotonic() < deadline:
                time.sleep(0.02)
        finally:
            for worker in (notify.app.state.dispatcher, notify.app.state.consumer):
                worker.stop()
    assert len(receiver.received) == 1
    _verified(sub["secret"], receiver.received[0])


def test_finished_deliveries_and_old_notifications_leave_after_their_retention(notify):
    org = random_id("org")
    with WebhookReceiver([(500, {})]) as receiver:
        sub = _subscribe(notify, org, receiver.url)
        _application_for(notify, org)  # fails once, then succeeds
        _application_for(notify, org)
        notify.dispatch()
        notify.clock.advance(days=31)
        _application_for(notify, org)  # a fresh one, still within retention
        notify.dispatch()
    assert len(_deliveries(notify, org, sub["id"])) == 3
    notify.digests()  # the digest worker also keeps house
    kept = _deliveries(notify, org, sub["id"])
    assert len(kept) == 1 and kept[0]["status"] == "succeeded"
    assert len(notify.client.get("/v1/inbox", headers=_employer(org)).json()["items"]) == 3
    notify.clock.advance(days=366)
    notify.app.state.digests.run_once()  # more than an hour later: it purges again
    assert notify.client.get("/v1/inbox", headers=_employer(org)).json()["items"] == []

