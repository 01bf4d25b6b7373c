"""Jobs posting handlers on the in-memory store (no database): one unit of work per command, the
posting and its events commit together, and a refusal writes and publishes nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from services.common.auth import Principal, Role
from services.common.errors import Forbidden, IllegalTransition, StaleVersion
from services.common.uow import InMemoryUnitOfWork
from services.jobs import handlers
from services.jobs.domain import CloseReason, PostingCreate
from services.jobs.store import JobsStore
from tests.fakes_jobs import FakeJobsStore

pytestmark = pytest.mark.unit

NOW = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)
OWNER = Principal(Role.employer, "emp-1", org="org-coal")
BODY = {"kind": "project", "title": "压力容器焊接修复", "region": "150602",
        "occupation": {"code": "6-18-02-04", "name": "焊工"}, "headcount": 2,
        "deadline": "2026-12-05"}


def make_deps() -> tuple[handlers.Deps, InMemoryUnitOfWork]:
    uow = InMemoryUnitOfWork(FakeJobsStore())
    deps = handlers.Deps(uow=uow, profiles=None, clock=lambda: NOW,  # type: ignore[arg-type]  # postings only
                         timezone=ZoneInfo("Asia/Shanghai"), invitation_ttl=dt.timedelta(days=14))
    return deps, uow


def test_the_fake_offers_the_real_stores_posting_methods_with_their_signatures():
    import inspect

    for name in ("insert_posting", "get_posting", "update_posting", "mark_posting_deleted", "due_postings"):
        assert list(inspect.signature(getattr(JobsStore, name)).parameters) == \
            list(inspect.signature(getattr(FakeJobsStore, name)).parameters), name


def test_a_posting_and_its_event_commit_together():
    deps, uow = make_deps()
    posting = handlers.create_posting(deps, OWNER, PostingCreate.model_validate(BODY))
    assert uow.fake.postings[posting.id].version == 1 and uow.commits == 1
    assert [(e.type, e.subject, e.entityversion) for e in uow.published] == [("posting.upserted", posting.id, 1)]


def test_closing_publishes_the_new_state_then_the_closing_that_carries_it():
    deps, uow = make_deps()
    posting = handlers.create_posting(deps, OWNER, PostingCreate.model_validate(BODY))
    closed = handlers.close_posting(deps, OWNER, posting.id, CloseReason.filled, 1)
    assert (closed.status.value, closed.version) == ("filled", 2)
    upserted, closing = uow.published[1:]
    assert (upserted.type, closing.type) == ("posting.upserted", "posting.closed")
    assert closing.data["posting"] == upserted.data  # posting.closed v2: the state rides along
    with pytest.raises(IllegalTransition):
        handlers.close_posting(deps, OWNER, posting.id, CloseReason.filled, None)
    assert len(uow.published) == 3 and uow.fake.postings[posting.id].version == 2


def test_a_stale_if_match_or_a_stranger_changes_and_publishes_nothing():
    deps, uow = make_deps()
    posting = handlers.create_posting(deps, OWNER, PostingCreate.model_validate(BODY))
    with pytest.raises(StaleVersion):
        handlers.close_posting(deps, OWNER, posting.id, CloseReason.withdrawn, 7)
    stranger = Principal(Role.employer, "emp-9", org="org-other")
    with pytest.raises(Forbidden):
        handlers.delete_posting(deps, stranger, posting.id, None)
    assert uow.fake.postings[posting.id] == posting and uow.fake.deleted == {}
    assert [e.type for e in uow.published] == ["posting.upserted"]


def test_expiry_closes_what_is_past_its_deadline_day_in_one_unit_per_batch():
    deps, uow = make_deps()
    posting = handlers.create_posting(deps, OWNER, PostingCreate.model_validate(BODY))
    later = dataclasses.replace(deps, clock=lambda: NOW + dt.timedelta(days=10))
    assert handlers.expire_due_postings(later) == 1
    assert uow.fake.postings[posting.id].status.value == "expired"
    assert [e.type for e in uow.published] == ["posting.upserted", "posting.upserted", "posting.closed"]
    assert handlers.expire_due_postings(later) == 0
