"""An in-memory `JobsStore` for the postings' handler unit tests (postings only: applications,
invitations and consents go through the real store in the integration tests). Run the handlers on
it through `services.common.uow.InMemoryUnitOfWork`."""

from __future__ import annotations

import datetime as dt

from services.common.contracts import PostingStatus
from services.common.uow import StoreConflict
from services.jobs.domain import Posting


class FakeJobsStore:
    def __init__(self) -> None:
        self.postings: dict[str, Posting] = {}
        self.deleted: dict[str, dt.datetime] = {}

    def insert_posting(self, posting: Posting) -> None:
        if posting.id in self.postings:
            raise StoreConflict("the store refused the write: a constraint does not hold")
        self.postings[posting.id] = posting

    def get_posting(self, posting_id: str, *, lock: bool = False, shared: bool = False) -> Posting | None:
        return None if posting_id in self.deleted else self.postings.get(posting_id)

    def update_posting(self, posting: Posting, *, expected_version: int) -> bool:
        held = self.get_posting(posting.id)
        if held is None or held.version != expected_version:
            return False
        self.postings[posting.id] = posting
        return True

    def mark_posting_deleted(self, posting: Posting, *, expected_version: int, at: dt.datetime) -> bool:
        if not self.update_posting(posting, expected_version=expected_version):
            return False
        self.deleted[posting.id] = at
        return True

    def due_postings(self, today: dt.date, limit: int) -> list[Posting]:
        live = (PostingStatus.open, PostingStatus.paused)
        due = [p for p in self.postings.values() if p.id not in self.deleted and p.status in live
               and p.deadline is not None and p.deadline < today]
        return sorted(due, key=lambda p: p.id)[:limit]
