"""Texts for people through notify's HTTP API, its real consumer and a real SMTP server, on SQLite
and PostgreSQL: Chinese by default, English by preference or Accept-Language, times in the
reader's zone, posting titles and masked worker names instead of ids, `has_message` from the event."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from services.common.events import ApplicationSubmitted, InvitationSent, make_event
from services.notify import store
from tests.integration.notify_support import (  # noqa: F401 — fixtures
    SOURCE,
    notify_factory,
    posting_upserted,
    smtp_sink,
    worker_erased,
    worker_upserted,
)
from tests.support import auth, random_id

pytestmark = pytest.mark.integration

EXPIRES = dt.datetime(2026, 12, 17, 8, 2, 10, 354021, tzinfo=dt.UTC)
TITLE = "煤化工压力容器焊接修复技术攻关"


def _invited(worker: str, posting: str, org: str, *, has_message: bool):
    data = InvitationSent(id=random_id("i"), posting_id=posting, org_id=org, worker_id=worker, has_message=has_message,
                          expires_at=EXPIRES, sent_at=EXPIRES - dt.timedelta(days=7))
    return make_event("invitation.sent", data, subject=posting, source=SOURCE, entityversion=1)


def _applied(worker: str, posting: str, org: str):
    data = ApplicationSubmitted(id=random_id("a"), posting_id=posting, org_id=org, worker_id=worker, status="submitted",
                                has_message=True, submitted_at=EXPIRES)
    return make_event("application.submitted", data, subject=posting, source=SOURCE, entityversion=1)


def _texts(notify, headers, **extra):
    response = notify.client.get("/v1/inbox", headers={**headers, **extra})
    assert response.status_code == 200, response.text
    return [(n["title"], n["body"]) for n in response.json()["items"]]


def test_inbox_texts_follow_the_readers_language_and_zone(notify_factory):  # noqa: F811
    notify = notify_factory()
    worker, org, posting = random_id("w"), random_id("org"), random_id("p")
    me, employer = auth("worker", worker), auth("employer", random_id("u"), org=org)
    notify.publish(posting_upserted(posting, org, TITLE), worker_upserted(worker, "王建国"),
                   _invited(worker, posting, org, has_message=True), _applied(worker, posting, org))
    notify.consume()

    chinese = [("您收到岗位「煤化工压力容器焊接修复技术攻关」的邀请", "企业邀请您应聘，并附有留言；请在 2026年12月17日 16:02 前答复。")]
    assert _texts(notify, me) == chinese  # default: zh, Asia/Shanghai
    english = [("You are invited to “煤化工压力容器焊接修复技术攻关”",
                "An employer invites you with a message; please answer before 17 Dec 2026, 16:02.")]
    assert _texts(notify, me, **{"Accept-Language": "en-US,en;q=0.9"}) == english
    item = notify.client.get("/v1/inbox", headers=me).json()["items"][0]
    assert item["data"]["has_message"] is True and item["data"]["posting_title"] == TITLE

    put = notify.client.put("/v1/preferences", headers=me, json={"timezone": "Europe/Berlin", "language": "en"})
    assert put.status_code == 200 and put.json()["language"] == "en", put.text
    assert _texts(notify, me) == [("You are invited to “煤化工压力容器焊接修复技术攻关”",
                                   "An employer invites you with a message; please answer before 17 Dec 2026, 09:02.")]
    assert _texts(notify, me, **{"Accept-Language": "zh-CN"}) == [
        ("您收到岗位「煤化工压力容器焊接修复技术攻关」的邀请", "企业邀请您应聘，并附有留言；请在 2026年12月17日 09:02 前答复。")]
    bad = notify.client.put("/v1/preferences", headers=me, json={"language": "fr"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "body.language"

    org_texts = _texts(notify, employer)
    assert org_texts == [("王** 申请了您的岗位「煤化工压力容器焊接修复技术攻关」", "申请附有留言，请打开申请查看并答复。")]
    read = notify.client.post(f"/v1/inbox/{notify.client.get('/v1/inbox', headers=employer).json()['items'][0]['id']}/read",
                              headers={**employer, "Accept-Language": "en"})
    assert read.status_code == 200 and read.json()["title"] == "New application for “煤化工压力容器焊接修复技术攻关”"

    # erasure: the masked name leaves the employer's notification, its stored texts and the read model
    notify.publish(worker_erased(worker))
    notify.consume()
    assert _texts(notify, employer) == [("一位求职者申请了您的岗位「煤化工压力容器焊接修复技术攻关」", "申请附有留言，请打开申请查看并答复。")]
    with notify.engine.connect() as conn:
        stored = conn.execute(sa.select(store.notifications.c.title, store.notifications.c.data)).all()
        names = conn.execute(sa.select(store.display_names.c.name).where(store.display_names.c.entity_id == worker)).all()
    assert names == [] and not any("王" in row.title or "王" in str(row.data) for row in stored)


def test_a_posting_is_named_by_its_newest_title(notify_factory):  # noqa: F811
    notify = notify_factory()
    worker, org, posting = random_id("w"), random_id("org"), random_id("p")
    notify.publish(posting_upserted(posting, org, "新标题", version=3), posting_upserted(posting, org, "旧标题", version=2),
                   _invited(worker, posting, org, has_message=False))
    notify.consume()
    assert _texts(notify, auth("worker", worker)) == [
        ("您收到岗位「新标题」的邀请", "企业邀请您应聘；请在 2026年12月17日 16:02 前答复。")]


def test_emails_use_the_same_texts_in_the_recipients_language(notify_factory, smtp_sink):  # noqa: F811
    notify = notify_factory(**smtp_sink.settings())
    worker, org, posting = random_id("w"), random_id("org"), random_id("p")
    put = notify.client.put("/v1/preferences", headers=auth("worker", worker),
                            json={"email": "wjg@example.com", "language": "en", "timezone": "America/New_York"})
    assert put.status_code == 200, put.text
    notify.publish(posting_upserted(posting, org, TITLE), _invited(worker, posting, org, has_message=False))
    notify.consume()
    assert notify.dispatch() == 1
    [message] = smtp_sink.messages
    assert message["Subject"] == "[TalentFlow] You are invited to “煤化工压力容器焊接修复技术攻关”"
    assert message.get_content().replace("\r\n", "\n") == (
        "You are invited to “煤化工压力容器焊接修复技术攻关”\n\n"
        "An employer invites you; please answer before 17 Dec 2026, 03:02.\n\n"
        "--\nTalentFlow notifications. Change what you receive with PUT /v1/preferences.\n"
    )


def test_names_that_arrive_after_the_notification_are_shown_on_read(notify_factory):  # noqa: F811
    """posting.upserted and the engagement events travel on different topics: a title (or a masked
    name) notify learns later still replaces "a posting" / "a worker" when the inbox is read."""
    notify = notify_factory()
    worker, org, posting = random_id("w"), random_id("org"), random_id("p")
    me, employer = auth("worker", worker), auth("employer", random_id("u"), org=org)
    notify.publish(_invited(worker, posting, org, has_message=False), _applied(worker, posting, org))
    notify.consume()
    assert _texts(notify, me) == [("您收到一个岗位的邀请", "企业邀请您应聘；请在 2026年12月17日 16:02 前答复。")]
    assert _texts(notify, employer)[0][0] == "一位求职者申请了您的一个岗位"
    notify.publish(posting_upserted(posting, org, TITLE), worker_upserted(worker, "王建国"))
    notify.consume()
    assert _texts(notify, me) == [("您收到岗位「煤化工压力容器焊接修复技术攻关」的邀请", "企业邀请您应聘；请在 2026年12月17日 16:02 前答复。")]
    item = notify.client.get("/v1/inbox", headers=employer).json()["items"][0]
    assert item["title"] == "王** 申请了您的岗位「煤化工压力容器焊接修复技术攻关」"
    assert item["data"]["worker_name"] == "王**" and item["data"]["posting_title"] == TITLE
    assert "worker_name" not in notify.client.get("/v1/inbox", headers=me).json()["items"][0]["data"]
