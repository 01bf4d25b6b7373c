"""SQLAlchemy tables and the repository of the matching service: the only place SQL lives.

Matching's own store is small: the outbox its `match.found` events leave through, and the pairs
already announced, so a pair is announced once even after a restart that lost the key-value
markers (the in-process adapter forgets everything when the process ends).

Handlers reach it as `MatchingStore`, bound to the connection of their unit of work
(services.common.uow): the store owns the SQL, the unit of work the transaction and the outbox.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from services.common.store import Outbox, outbox_table
from services.common.uow import translates_driver_errors

metadata = sa.MetaData()
outbox = outbox_table(metadata)
OUTBOX = Outbox(outbox)

announced_matches = sa.Table(
    "announced_matches",
    metadata,
    sa.Column("worker_id", sa.String(64), primary_key=True),
    sa.Column("posting_id", sa.String(64), primary_key=True),
    sa.Column("recipient_kind", sa.String(16), primary_key=True),
    sa.Column("recipient_id", sa.String(64), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("event_id", sa.String(64), nullable=False),
    sa.Column("announced_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_announced_matches_posting", "posting_id"),
)


@translates_driver_errors
class MatchingStore:
    """The repository of the matching service on one connection (the unit of work's transaction);
    a driver error leaves as StoreConflict, StoreRefused or StoreUnavailable."""

    def __init__(self, conn: Connection):
        self.conn = conn

    def claim_announcement(self, *, worker_id: str, posting_id: str, recipient_kind: str, recipient_id: str,
                           score: float, event_id: str, at: dt.datetime) -> bool:
        """Record that a pair is being announced; False when it was announced before (nothing written)."""
        values = {
            "worker_id": worker_id,
            "posting_id": posting_id,
            "recipient_kind": recipient_kind,
            "recipient_id": recipient_id,
            "score": score,
            "event_id": event_id,
            "announced_at": at,
        }
        dialect = postgresql if self.conn.dialect.name == "postgresql" else sqlite
        statement = (
            dialect.insert(announced_matches)
            .values(values)
            .on_conflict_do_nothing(index_elements=["worker_id", "posting_id", "recipient_kind"])
            .returning(announced_matches.c.worker_id)  # a row back only when this call inserted it
        )
        return self.conn.execute(statement).first() is not None

    def announced(self, worker_id: str, posting_id: str) -> bool:
        t = announced_matches
        row = self.conn.execute(
            sa.select(t.c.worker_id).where(t.c.worker_id == worker_id, t.c.posting_id == posting_id)).first()
        return row is not None

    def forget_worker(self, worker_id: str) -> int:
        """Erasure: drop every pair of an erased worker."""
        t = announced_matches
        return self.conn.execute(t.delete().where(t.c.worker_id == worker_id)).rowcount

    def count_announced(self) -> int:
        return self.conn.execute(sa.select(sa.func.count()).select_from(announced_matches)).scalar_one()
