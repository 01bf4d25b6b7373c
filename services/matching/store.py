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

    def claim_announcements(self, pairs: list[dict]) -> set[tuple[str, str, str]]:
        """Record the pairs being announced (rows of `announced_matches`), in one statement; the
        (worker_id, posting_id, recipient_kind) of those inserted now — a pair announced before is
        left as it was and not returned."""
        if not pairs:
            return set()
        inserted = self.conn.execute(_claim_statement(self.conn.dialect.name), pairs)
        return {(row.worker_id, row.posting_id, row.recipient_kind) for row in inserted}

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


_CLAIMS: dict[str, sa.Insert] = {}


def _claim_statement(dialect_name: str) -> sa.Insert:
    """INSERT … ON CONFLICT DO NOTHING RETURNING the key, built once per dialect (SQLAlchemy sends
    a list of rows as one multi-row statement and gives back only the rows it inserted)."""
    statement = _CLAIMS.get(dialect_name)
    if statement is None:
        dialect = postgresql if dialect_name == "postgresql" else sqlite
        t = announced_matches
        statement = _CLAIMS[dialect_name] = (
            dialect.insert(t)
            .on_conflict_do_nothing(index_elements=["worker_id", "posting_id", "recipient_kind"])
            .returning(t.c.worker_id, t.c.posting_id, t.c.recipient_kind))
    return statement
