"""`application.submitted` and `invitation.sent` say whether a message was written (notify tells the
other side so), while the message itself stays in jobs: on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.integration.jobs_harness import OTHER_WORKER, jobs  # noqa: F401  (jobs is a fixture)

pytestmark = pytest.mark.integration


def test_engagement_events_carry_has_message_but_not_the_message(jobs):  # noqa: F811
    posting = jobs.create_posting()
    jobs.new_events()
    assert jobs.apply(posting["id"], message="十二年氩弧焊经验").status_code == 201
    assert jobs.apply(posting["id"], headers=OTHER_WORKER).status_code == 201
    assert jobs.invite(posting["id"]).status_code == 201  # the harness writes "欢迎加入项目"
    events = [e for e in jobs.new_events() if e.type in ("application.submitted", "invitation.sent")]
    assert [(e.type, e.data["has_message"]) for e in events] == [
        ("application.submitted", True), ("application.submitted", False), ("invitation.sent", True)]
    assert all(e.data.get("message") is None for e in events)
    assert "十二年" not in jobs.outbox_text() and "欢迎加入" not in jobs.outbox_text()
