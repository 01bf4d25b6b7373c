"""E-mail through a real SMTP server (aiosmtpd on 127.0.0.1), on SQLite and PostgreSQL: immediate
e-mails, a burst turned into one digest, the daily digest in the recipient's time zone, quiet
hours, retries while the server is down, and erasure of what was still queued.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from services.notify import store
from tests.integration.notify_support import (  # noqa: F401 — fixtures
    SQLITE_ONLY,
    SmtpSink,
    invitation_sent,
    match_found,
    notify_factory,
    posting_upserted,
    smtp_sink,
    worker_erased,
)
from tests.support import auth, random_id

pytestmark = pytest.mark.integration


def _mail_notify(notify_factory, sink: SmtpSink, **overrides):  # noqa: F811
    return notify_factory(**{**sink.settings(), "digest_settle_s": 60, "email_retry_schedule_s": [0, 1], **overrides})


def _prefs(notify, worker: str, **prefs) -> None:
    response = notify.client.put("/v1/preferences", headers=auth("worker", worker), json=prefs)
    assert response.status_code == 200, response.text


def _matches(notify, worker: str, n: int) -> None:
    notify.publish(*(match_found("worker", worker, worker_id=worker, posting_id=random_id("p"), org_id="o") for _ in range(n)))
    notify.consume()


def _body(message) -> str:
    return message.get_content()


def test_a_notification_arrives_by_email_at_the_address_in_preferences(notify_factory, smtp_sink):  # noqa: F811
    notify = _mail_notify(notify_factory, smtp_sink)
    worker = random_id("w")
    _prefs(notify, worker, email="jianguo.wang@example.com")
    notify.publish(posting_upserted("p-welding", "o", "压力容器焊接修复"), invitation_sent(random_id("i"), "p-welding", "o", worker))
    notify.consume()
    assert notify.dispatch() == 1
    [message] = smtp_sink.messages
    assert smtp_sink.recipients == [["jianguo.wang@example.com"]]
    assert message["From"] == "TalentFlow <notify@talentflow.test>"
    # the posting by its title, in Chinese (the default), never by its id
    assert message["Subject"] == "【TalentFlow】 您收到岗位「压力容器焊接修复」的邀请"
    assert "岗位「压力容器焊接修复」" in _body(message) and "p-welding" not in _body(message)
    assert "13800000001" not in _body(message)  # the invitation's message stays in jobs
    assert notify.dispatch() == 0 and len(smtp_sink.messages) == 1


@SQLITE_ONLY
def test_no_email_without_an_address_a_channel_or_a_server(notify_factory, smtp_sink):  # noqa: F811
    notify = _mail_notify(notify_factory, smtp_sink)
    silent, no_email_channel = random_id("w"), random_id("w")
    _prefs(notify, no_email_channel, email="x@example.com", channels={"match.found": ["inbox"]})
    _matches(notify, silent, 1)
    _matches(notify, no_email_channel, 1)
    notify.dispatch()
    assert smtp_sink.messages == []

    off = notify_factory(smtp_host=None)  # mail off: nothing is queued at all
    worker = random_id("w")
    _prefs(off, worker, email="y@example.com")
    _matches(off, worker, 1)
    with off.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(store.emails)).scalar() == 0


def test_a_burst_becomes_a_few_emails_and_then_one_digest(notify_factory, smtp_sink):  # noqa: F811
    notify = _mail_notify(notify_factory, smtp_sink, email_burst=2)
    worker = random_id("w")
    _prefs(notify, worker, email="burst@example.com")
    _matches(notify, worker, 6)
    notify.dispatch()
    assert len(smtp_sink.messages) == 2  # the bucket's two tokens
    assert len(notify.client.get("/v1/inbox", headers=auth("worker", worker)).json()["items"]) == 6  # all in the inbox

    assert notify.digests() == 0  # the burst may go on
    notify.clock.advance(seconds=30)
    _matches(notify, worker, 1)  # … and it does
    notify.clock.advance(seconds=59)
    assert notify.digests() == 0
    notify.clock.advance(seconds=2)  # a minute without news: the burst is over
    assert notify.digests() == 1
    notify.dispatch()
    assert len(smtp_sink.messages) == 3
    digest = smtp_sink.messages[-1]
    assert "您有 5 条新通知" in digest["Subject"] and _body(digest).count("\n- ") == 5
    assert notify.digests() == 0


@SQLITE_ONLY
def test_the_daily_digest_goes_out_at_the_recipients_local_hour(notify_factory, smtp_sink):  # noqa: F811
    notify = _mail_notify(notify_factory, smtp_sink)
    notify.clock.now = dt.datetime(2026, 3, 10, 12, 30, tzinfo=dt.UTC)  # 08:30 in New York (EDT)
    worker = random_id("w")
    _prefs(notify, worker, email="daily@example.com", delivery="daily_digest", digest_hour=10, timezone="America/New_York")
    _matches(notify, worker, 3)
    notify.dispatch()
    assert smtp_sink.messages == []
    notify.clock.advance(hours=1)  # 09:30 local
    assert notify.digests() == 0
    notify.clock.advance(minutes=31)  # 10:01 local
    assert notify.digests() == 1
    notify.dispatch()
    [digest] = smtp_sink.messages
    assert "您有 3 条新通知" in digest["Subject"]
    _matches(notify, worker, 1)  # after today's digest: tomorrow at 10:00
    notify.clock.advance(hours=23)
    assert notify.digests() == 0
    notify.clock.advance(hours=1)
    assert notify.digests() == 1


@SQLITE_ONLY
def test_quiet_hours_hold_emails_until_they_end(notify_factory, smtp_sink):  # noqa: F811
    notify = _mail_notify(notify_factory, smtp_sink)
    notify.clock.now = dt.datetime(2026, 6, 1, 14, 0, tzinfo=dt.UTC)  # 22:00 in Shanghai
    worker = random_id("w")
    _prefs(notify, worker, email="night@example.com", quiet_hours={"start": "21:30", "end": "07:00"})
    _matches(notify, worker, 1)
    notify.dispatch()
    assert smtp_sink.messages == []
    notify.clock.advance(hours=8, minutes=59)  # 06:59 local
    assert notify.digests() == 0
    notify.clock.advance(minutes=2)
    assert notify.digests() == 1
    notify.dispatch()
    assert len(smtp_sink.messages) == 1


def test_an_email_waits_for_a_server_that_is_down(notify_factory):  # noqa: F811
    sink = SmtpSink()  # its port is chosen, nothing listens yet
    notify = _mail_notify(notify_factory, sink)
    worker = random_id("w")
    _prefs(notify, worker, email="patient@example.com")
    _matches(notify, worker, 1)
    assert notify.dispatch() == 1  # refused: retried on the schedule
    with notify.engine.connect() as conn:
        [row] = conn.execute(sa.select(store.emails)).all()
    assert row.status == "pending" and row.attempts == 1
    with sink:
        notify.clock.advance(seconds=1)
        assert notify.dispatch() == 1
        assert notify.dispatch() == 0
    assert len(sink.messages) == 1


def test_erasure_drops_queued_emails_and_digests(notify_factory, smtp_sink):  # noqa: F811
    notify = _mail_notify(notify_factory, smtp_sink, email_burst=1)
    worker = random_id("w")
    _prefs(notify, worker, email="gone@example.com")
    _matches(notify, worker, 3)  # one e-mail queued, two waiting for a digest
    notify.publish(worker_erased(worker))
    notify.consume()
    notify.clock.advance(minutes=5)
    assert notify.digests() == 0
    notify.dispatch()
    assert smtp_sink.messages == []
    with notify.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(store.emails)).scalar() == 0
        assert conn.execute(sa.select(sa.func.count()).select_from(store.preferences)).scalar() == 0


class _BrokenKeyValue:
    """A key-value port whose engine is down (Redis gone): every call fails."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("key-value store unreachable")

        return fail


@SQLITE_ONLY
def test_a_key_value_outage_sends_the_email_with_the_digest_instead_of_losing_it(notify_factory, smtp_sink):  # noqa: F811
    notify = _mail_notify(notify_factory, smtp_sink)
    worker = random_id("w")
    _prefs(notify, worker, email="kv-down@example.com")
    notify.app.state.deps.key_value = _BrokenKeyValue()
    _matches(notify, worker, 2)
    assert notify.app.state.consumer.dead_lettered == 0
    assert len(notify.client.get("/v1/inbox", headers=auth("worker", worker)).json()["items"]) == 2
    notify.dispatch()
    assert smtp_sink.messages == []
    notify.clock.advance(seconds=61)
    assert notify.digests() == 1
    notify.dispatch()
    assert "您有 2 条新通知" in smtp_sink.messages[0]["Subject"]

