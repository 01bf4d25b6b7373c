"""An agency in notify (DESIGN §3, issue 13 item 3), through HTTP and the real consumer on SQLite and
PostgreSQL: it reads and marks the inbox, and reads and writes the preferences, of the workers whose
agency_id is its org (`?worker_id=`, learned from worker.upserted); and it is told, in its inbox and
by webhook, when one of its bulk imports ends (`import.completed`)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from services.common.events import ImportCompleted, WorkerUpserted, make_event
from tests.integration.notify_support import (  # noqa: F401 — fixtures
    WebhookReceiver,
    invitation_sent,
    notify_factory,
    worker_erased,
)
from tests.support import auth, random_id

pytestmark = pytest.mark.integration


@pytest.fixture
def notify(notify_factory):  # noqa: F811
    return notify_factory(allow_loopback_webhooks=True)


def _managed(worker_id: str, agency_id: str | None, version: int = 1):
    now = dt.datetime.now(dt.UTC)
    data = WorkerUpserted(id=worker_id, name="王建国", region="150602", agency_id=agency_id, version=version,
                          created_at=now, updated_at=now + dt.timedelta(seconds=version), matchable=True)
    return make_event("worker.upserted", data, subject=worker_id, source="/talentflow/profiles", entityversion=version)


def _import_completed(job_id: str, org_id: str | None, status: str = "done"):
    data = ImportCompleted(id=job_id, owner_role="agency" if org_id else "admin", org_id=org_id, status=status,
                           format="csv", total=15, processed=15, ok=13, failed=2, finished_at=dt.datetime.now(dt.UTC),
                           url=f"/v1/workers/import/{job_id}")
    return make_event("import.completed", data, subject=job_id, source="/talentflow/profiles", entityversion=1)


def test_an_agency_reads_and_answers_for_the_inbox_of_its_workers(notify):
    org, worker = random_id("agency"), random_id("w")
    agency, rival = auth("agency", "staff-1", org=org), auth("agency", "staff-9", org=random_id("agency"))
    notify.publish(_managed(worker, org), invitation_sent(random_id("inv"), random_id("pst"), random_id("org"), worker))
    notify.consume()

    inbox = notify.client.get("/v1/inbox", params={"worker_id": worker}, headers=agency)
    assert inbox.status_code == 200, inbox.text
    [item] = inbox.json()["items"]
    assert item["type"] == "invitation.sent" and not item["read"]
    # the worker's own token sees the same inbox
    assert [n["id"] for n in notify.client.get("/v1/inbox", headers=auth("worker", worker)).json()["items"]] == [item["id"]]
    read = notify.client.post(f"/v1/inbox/{item['id']}/read", params={"worker_id": worker}, headers=agency)
    assert read.status_code == 200 and read.json()["read"] is True
    # the agency's own inbox is its org's, untouched
    assert notify.client.get("/v1/inbox", headers=agency).json()["items"] == []

    prefs = notify.client.get("/v1/preferences", params={"worker_id": worker}, headers=agency)
    assert prefs.status_code == 200 and prefs.json()["version"] == 0
    put = notify.client.put("/v1/preferences", params={"worker_id": worker}, headers=agency,
                            json={"language": "en", "timezone": "Asia/Shanghai"})
    assert put.status_code == 200, put.text
    assert notify.client.get("/v1/preferences", headers=auth("worker", worker)).json()["language"] == "en"

    # nobody else: another agency, a worker naming someone else, an employer
    for headers in (rival, auth("worker", random_id("w")), auth("employer", "e", org=org)):
        assert notify.client.get("/v1/inbox", params={"worker_id": worker}, headers=headers).status_code == 403
        assert notify.client.post(f"/v1/inbox/{item['id']}/read", params={"worker_id": worker},
                                  headers=headers).status_code == 403
        assert notify.client.get("/v1/preferences", params={"worker_id": worker}, headers=headers).status_code == 403
    bad = notify.client.get("/v1/inbox", params={"worker_id": "../x"}, headers=agency)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "query.worker_id"


def test_the_newest_agency_counts_and_erasure_forgets_it(notify):
    org, other, worker = random_id("agency"), random_id("agency"), random_id("w")
    agency = auth("agency", "staff-1", org=org)
    assert notify.client.get("/v1/inbox", params={"worker_id": worker}, headers=agency).status_code == 403  # not heard of
    notify.publish(_managed(worker, org, 1), _managed(worker, other, 2), _managed(worker, org, 1))  # moved; a stale replay
    notify.consume()
    assert notify.client.get("/v1/inbox", params={"worker_id": worker}, headers=agency).status_code == 403
    mover = auth("agency", "s", org=other)
    assert notify.client.get("/v1/inbox", params={"worker_id": worker}, headers=mover).status_code == 200
    notify.publish(worker_erased(worker))
    notify.consume()
    assert notify.client.get("/v1/inbox", params={"worker_id": worker}, headers=mover).status_code == 403


def test_an_agency_is_told_when_its_import_ends_in_its_inbox_and_by_webhook(notify):
    org = random_id("agency")
    agency = auth("agency", "staff-1", org=org)
    with WebhookReceiver() as receiver:
        created = notify.client.post("/v1/subscriptions", headers=agency,
                                     json={"url": receiver.url, "event_types": ["import.completed"]})
        assert created.status_code == 201, created.text
        job_id = random_id("imp")
        event = _import_completed(job_id, org)
        notify.publish(event, event, _import_completed(random_id("imp"), None))  # redelivered; an admin's job
        notify.consume()
        assert notify.dispatch() == 1
    [item] = notify.client.get("/v1/inbox", headers=agency).json()["items"]
    assert item["type"] == "import.completed"
    assert item["title"] == "人员导入已完成：共 15 行，成功 13 行"
    assert item["data"]["url"] == f"/v1/workers/import/{job_id}"
    english = notify.client.get("/v1/inbox", headers={**agency, "Accept-Language": "en"}).json()["items"][0]
    assert english["title"] == "Your worker import finished: 13 of 15 rows imported"
    [request] = receiver.received
    payload = json.loads(request.body)
    assert payload["type"] == "import.completed"
    assert (payload["data"]["import_id"], payload["data"]["ok"], payload["data"]["failed"]) == (job_id, 13, 2)
    assert request.headers["webhook-signature"].startswith("v1,")
