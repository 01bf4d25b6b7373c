"""SQLAlchemy tables and the repository of the notify service: the only place SQL lives.

Tables: `notifications` (the inbox; unique per event and recipient, so a redelivered event never
notifies twice), `preferences`, `subscriptions` (webhook endpoints and their secrets),
`deliveries` and `delivery_attempts` (durable webhook sends, claimed by the dispatcher), `emails`
(durable e-mail sends; their text is composed from the notifications at send time, so an erasure
reaches them too) and `posting_engagements` (the small read model of who applied to a posting).

Every function takes the caller's connection: the caller owns the transaction. Reads answer domain
records (`Notification`, `Subscription`, `Delivery`, `Attempt`, `Email`: frozen dataclasses with
the columns' names), never SQLAlchemy rows; handlers use the functions through `NotifyStore`,
bound to the connection of their unit of work (services.common.uow).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from services.common.store import Outbox, is_postgres, outbox_table
from services.common.uow import translates_driver_errors
from services.notify import texts
from services.notify.domain import (
    Channel,
    DeliveryMode,
    DeliveryStatus,
    Names,
    Notice,
    NotificationType,
    Preferences,
    QuietHours,
    Recipient,
    RecipientKind,
    SubscriptionStatus,
    erased_worker_data,
    new_id,
)

metadata = sa.MetaData()
outbox = outbox_table(metadata)
OUTBOX = Outbox(outbox)

_SEQ = sa.BigInteger().with_variant(sa.Integer, "sqlite")
_TS = sa.DateTime(timezone=True)

notifications = sa.Table(
    "notifications",
    metadata,
    sa.Column("seq", _SEQ, primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(40), nullable=False, unique=True),
    sa.Column("recipient_kind", sa.String(10), nullable=False),
    sa.Column("recipient_id", sa.String(64), nullable=False),
    sa.Column("event_id", sa.String(200), nullable=False),
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("body", sa.String(2000), nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("worker_id", sa.String(64), nullable=True),
    sa.Column("in_inbox", sa.Boolean, nullable=False),
    sa.Column("digest_pending", sa.Boolean, nullable=False),
    sa.Column("created_at", _TS, nullable=False),
    sa.Column("read_at", _TS, nullable=True),
    sa.UniqueConstraint("event_id", "recipient_kind", "recipient_id", name="uq_notifications_event_recipient"),
    sa.Index("ix_notifications_recipient", "recipient_kind", "recipient_id", "seq"),
    sa.Index("ix_notifications_worker", "worker_id"),
    sa.Index("ix_notifications_digest", "digest_pending", "recipient_kind", "recipient_id"),
    sa.Index("ix_notifications_created", "created_at"),
)

preferences = sa.Table(
    "preferences",
    metadata,
    sa.Column("recipient_kind", sa.String(10), primary_key=True),
    sa.Column("recipient_id", sa.String(64), primary_key=True),
    sa.Column("email", sa.String(254), nullable=True),
    sa.Column("timezone", sa.String(64), nullable=False),
    sa.Column("delivery", sa.String(16), nullable=False),
    sa.Column("digest_hour", sa.Integer, nullable=False),
    sa.Column("quiet_start", sa.String(5), nullable=True),
    sa.Column("quiet_end", sa.String(5), nullable=True),
    sa.Column("channels", sa.JSON, nullable=False),
    # Denormalised from `channels` so a market report finds its opted-in readers with an index.
    sa.Column("market_reports", sa.Boolean, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_at", _TS, nullable=False),
    sa.Column("language", sa.String(5), nullable=False, server_default="zh"),
    sa.Index("ix_preferences_market_reports", "market_reports"),
)

# What notifications call a posting and a worker instead of their ids: the posting's title (from
# `posting.upserted`) and the worker's name masked as search hits show it (from `worker.upserted`,
# dropped on erasure). Kept only at the newest entity version seen.
display_names = sa.Table(
    "display_names",
    metadata,
    sa.Column("kind", sa.String(10), primary_key=True),  # posting | worker
    sa.Column("entity_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
)

subscriptions = sa.Table(
    "subscriptions",
    metadata,
    sa.Column("seq", _SEQ, primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(40), nullable=False, unique=True),
    sa.Column("org_id", sa.String(64), nullable=False),
    sa.Column("url", sa.String(2048), nullable=False),
    sa.Column("event_types", sa.JSON, nullable=False),
    sa.Column("description", sa.String(500), nullable=False),
    sa.Column("secret", sa.String(100), nullable=False),
    sa.Column("previous_secret", sa.String(100), nullable=True),
    sa.Column("previous_secret_expires_at", _TS, nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("disabled_reason", sa.String(300), nullable=True),
    sa.Column("disabled_at", _TS, nullable=True),
    sa.Column("failing_since", _TS, nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_at", _TS, nullable=False),
    sa.Column("updated_at", _TS, nullable=False),
    sa.Index("ix_subscriptions_org", "org_id", "seq"),
    sa.Index("ix_subscriptions_status", "status"),
)

deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("seq", _SEQ, primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(40), nullable=False, unique=True),
    sa.Column("subscription_id", sa.String(40), sa.ForeignKey("subscriptions.id", ondelete="CASCADE"), nullable=False),
    sa.Column("org_id", sa.String(64), nullable=False),
    sa.Column("event_id", sa.String(200), nullable=False),
    sa.Column("event_type", sa.String(64), nullable=False),
    sa.Column("worker_id", sa.String(64), nullable=True),
    sa.Column("payload", sa.Text, nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("retry_step", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", _TS, nullable=True),
    sa.Column("claim", sa.String(40), nullable=True),
    sa.Column("last_attempt_at", _TS, nullable=True),
    sa.Column("last_status_code", sa.Integer, nullable=True),
    sa.Column("last_error", sa.String(300), nullable=True),
    sa.Column("created_at", _TS, nullable=False),
    sa.Column("succeeded_at", _TS, nullable=True),
    sa.UniqueConstraint("subscription_id", "event_id", name="uq_deliveries_subscription_event"),
    sa.Index("ix_deliveries_due", "status", "next_attempt_at"),
    sa.Index("ix_deliveries_subscription", "subscription_id", "seq"),
    sa.Index("ix_deliveries_worker", "worker_id"),
    sa.Index("ix_deliveries_created", "created_at"),
)

delivery_attempts = sa.Table(
    "delivery_attempts",
    metadata,
    sa.Column("seq", _SEQ, primary_key=True, autoincrement=True),
    sa.Column("delivery_id", sa.String(40), sa.ForeignKey("deliveries.id", ondelete="CASCADE"), nullable=False),
    sa.Column("attempted_at", _TS, nullable=False),
    sa.Column("status_code", sa.Integer, nullable=True),
    sa.Column("error", sa.String(300), nullable=True),
    sa.Column("duration_ms", sa.Integer, nullable=False),
    sa.Index("ix_delivery_attempts_delivery", "delivery_id", "seq"),
)

emails = sa.Table(
    "emails",
    metadata,
    sa.Column("seq", _SEQ, primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(40), nullable=False, unique=True),
    sa.Column("recipient_kind", sa.String(10), nullable=False),
    sa.Column("recipient_id", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("notification_ids", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", _TS, nullable=True),
    sa.Column("claim", sa.String(40), nullable=True),
    sa.Column("last_error", sa.String(300), nullable=True),
    sa.Column("created_at", _TS, nullable=False),
    sa.Column("sent_at", _TS, nullable=True),
    sa.Index("ix_emails_due", "status", "next_attempt_at"),
    sa.Index("ix_emails_recipient", "recipient_kind", "recipient_id"),
)

posting_engagements = sa.Table(
    "posting_engagements",
    metadata,
    sa.Column("kind", sa.String(16), primary_key=True),  # application | invitation
    sa.Column("engagement_id", sa.String(64), primary_key=True),
    sa.Column("posting_id", sa.String(64), nullable=False),
    sa.Column("worker_id", sa.String(64), nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("updated_at", _TS, nullable=False),
    sa.Index("ix_posting_engagements_posting", "posting_id"),
    sa.Index("ix_posting_engagements_worker", "worker_id"),
)

# Ids of erased workers (an id alone is not personal data): events about them that arrive late or
# are replayed after the erasure are ignored instead of re-creating what was erased.
# Which agency manages which worker (from worker.upserted's agency_id, newest version kept): an
# agency reads the inbox and preferences of the workers it manages (DESIGN §3). Dropped on erasure.
worker_agencies = sa.Table(
    "worker_agencies",
    metadata,
    sa.Column("worker_id", sa.String(64), primary_key=True),
    sa.Column("agency_id", sa.String(64), nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
)

erased_workers = sa.Table(
    "erased_workers",
    metadata,
    sa.Column("worker_id", sa.String(64), primary_key=True),
    sa.Column("erased_at", _TS, nullable=False),
    sa.Column("version", sa.BigInteger, nullable=True),  # the erasure's version (None: erased before 0005)
)


# --- the records reads answer (the columns' names, so renderers read them as attributes) ---------


@dataclass(frozen=True, slots=True)
class Notification:
    seq: int
    id: str
    recipient_kind: str
    recipient_id: str
    event_id: str
    type: str
    title: str
    body: str
    data: Any
    worker_id: str | None
    in_inbox: bool
    digest_pending: bool
    created_at: dt.datetime
    read_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class Subscription:
    seq: int
    id: str
    org_id: str
    url: str
    event_types: list[str]
    description: str
    secret: str
    previous_secret: str | None
    previous_secret_expires_at: dt.datetime | None
    status: str
    disabled_reason: str | None
    disabled_at: dt.datetime | None
    failing_since: dt.datetime | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Delivery:
    seq: int
    id: str
    subscription_id: str
    org_id: str
    event_id: str
    event_type: str
    worker_id: str | None
    payload: str | None
    status: str
    attempts: int
    retry_step: int
    next_attempt_at: dt.datetime | None
    claim: str | None
    last_attempt_at: dt.datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: dt.datetime
    succeeded_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class Attempt:
    seq: int
    delivery_id: str
    attempted_at: dt.datetime
    status_code: int | None
    error: str | None
    duration_ms: int


@dataclass(frozen=True, slots=True)
class Email:
    seq: int
    id: str
    recipient_kind: str
    recipient_id: str
    kind: str
    notification_ids: list[str]
    status: str
    attempts: int
    next_attempt_at: dt.datetime | None
    claim: str | None
    last_error: str | None
    created_at: dt.datetime
    sent_at: dt.datetime | None


def _record(cls: type, row: Row | None) -> Any:
    return None if row is None else cls(**row._mapping)


def _insert(conn: Connection, table: sa.Table):
    """An INSERT that can skip rows a unique constraint already holds (PostgreSQL and SQLite)."""
    if is_postgres(conn.engine):
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives naive datetimes back; everything in this service is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


# --- notifications -----------------------------------------------------------------------------


def add_notification(conn: Connection, event_id: str, notice: Notice, *, in_inbox: bool, now: dt.datetime) -> str | None:
    """Store a notification once per (event, recipient); its id, or None when it was there already."""
    notification_id = new_id("ntf")
    stmt = (
        _insert(conn, notifications)
        .values(
            id=notification_id,
            recipient_kind=notice.recipient.kind.value,
            recipient_id=notice.recipient.id,
            event_id=event_id,
            type=notice.type.value,
            title=notice.title[:300],
            body=notice.body[:2000],
            data=notice.data,
            worker_id=notice.worker_id,
            in_inbox=in_inbox,
            digest_pending=False,
            created_at=now,
            read_at=None,
        )
        .on_conflict_do_nothing(index_elements=["event_id", "recipient_kind", "recipient_id"])
        .returning(notifications.c.id)
    )
    # RETURNING, not rowcount: drivers answer -1 for an INSERT's rowcount when it returns rows.
    return notification_id if conn.execute(stmt).first() is not None else None


def queue_for_digest(conn: Connection, notification_id: str) -> None:
    conn.execute(notifications.update().where(notifications.c.id == notification_id).values(digest_pending=True))


def _recipient_filter(table: sa.Table, recipient: Recipient):
    return sa.and_(table.c.recipient_kind == recipient.kind.value, table.c.recipient_id == recipient.id)


def inbox_page(conn: Connection, recipient: Recipient, *, unread_only: bool, before_seq: int | None,
               limit: int) -> list[Notification]:
    """Newest first; `before_seq` continues after the last item of the previous page."""
    t = notifications
    query = sa.select(t).where(_recipient_filter(t, recipient), t.c.in_inbox.is_(True))
    if unread_only:
        query = query.where(t.c.read_at.is_(None))
    if before_seq is not None:
        query = query.where(t.c.seq < before_seq)
    return [Notification(**r._mapping) for r in conn.execute(query.order_by(t.c.seq.desc()).limit(limit))]


def mark_read(conn: Connection, recipient: Recipient, notification_id: str, now: dt.datetime) -> Notification | None:
    """Mark one of the recipient's notifications read (the first read time stays); None if not theirs."""
    t = notifications
    mine = sa.and_(t.c.id == notification_id, _recipient_filter(t, recipient), t.c.in_inbox.is_(True))
    conn.execute(t.update().where(mine, t.c.read_at.is_(None)).values(read_at=now))
    return _record(Notification, conn.execute(sa.select(t).where(mine)).first())


def notifications_by_id(conn: Connection, recipient: Recipient, ids: Sequence[str]) -> list[Notification]:
    t = notifications
    if not ids:
        return []
    query = sa.select(t).where(_recipient_filter(t, recipient), t.c.id.in_(list(ids))).order_by(t.c.seq)
    return [Notification(**r._mapping) for r in conn.execute(query)]


@dataclass(frozen=True, slots=True)
class DigestQueue:
    recipient: Recipient
    items: int
    oldest: dt.datetime
    newest: dt.datetime


def digest_queues(conn: Connection, limit: int = 1000) -> list[DigestQueue]:
    t = notifications
    rows = conn.execute(
        sa.select(t.c.recipient_kind, t.c.recipient_id, sa.func.count(), sa.func.min(t.c.created_at), sa.func.max(t.c.created_at))
        .where(t.c.digest_pending.is_(True))
        .group_by(t.c.recipient_kind, t.c.recipient_id)
        .limit(limit)
    )
    return [DigestQueue(Recipient(RecipientKind(k), i), n, utc(lo), utc(hi)) for k, i, n, lo, hi in rows]


def take_digest_items(conn: Connection, recipient: Recipient) -> list[str]:
    """Unqueue the recipient's digest items; only the ids this transaction unqueued are returned,
    so two digest workers never put the same item in two e-mails."""
    t = notifications
    rows = conn.execute(
        t.update()
        .where(_recipient_filter(t, recipient), t.c.digest_pending.is_(True))
        .values(digest_pending=False)
        .returning(t.c.id, t.c.seq)
    ).all()
    return [r.id for r in sorted(rows, key=lambda r: r.seq)]


# --- preferences -------------------------------------------------------------------------------


def load_preferences(conn: Connection, recipient: Recipient, *, for_update: bool = False) -> Preferences:
    """The stored preferences or the defaults; `for_update` locks the row (PostgreSQL) until commit."""
    query = sa.select(preferences).where(_recipient_filter(preferences, recipient))
    if for_update:
        query = query.with_for_update()
    row = conn.execute(query).first()
    return _preferences(recipient, row) if row else Preferences(recipient)


def _preferences(recipient: Recipient, row: Row) -> Preferences:
    quiet = QuietHours(start=row.quiet_start, end=row.quiet_end) if row.quiet_start and row.quiet_end else None
    channels = {}
    for type_, chosen in (row.channels or {}).items():
        try:
            channels[NotificationType(type_)] = [Channel(c) for c in chosen]
        except ValueError:
            continue  # a type or channel this version no longer knows: its defaults apply
    return Preferences(recipient, row.email, row.timezone, DeliveryMode(row.delivery), row.digest_hour, quiet, channels,
                       row.version, utc(row.updated_at), "en" if row.language == "en" else "zh")


def save_preferences(conn: Connection, prefs: Preferences) -> None:
    values = {
        "email": prefs.email,
        "timezone": prefs.timezone,
        "language": prefs.language,
        "delivery": prefs.delivery.value,
        "digest_hour": prefs.digest_hour,
        "quiet_start": prefs.quiet_hours.start if prefs.quiet_hours else None,
        "quiet_end": prefs.quiet_hours.end if prefs.quiet_hours else None,
        "channels": {t.value: [c.value for c in chosen] for t, chosen in prefs.channels.items()},
        "market_reports": prefs.wants_market_reports,
        "version": prefs.version,
        "updated_at": prefs.updated_at,
    }
    if prefs.version == 1:
        # Two first writes race with no row to lock: the loser's insert is skipped, not a 500.
        inserted = conn.execute(
            _insert(conn, preferences)
            .values(recipient_kind=prefs.recipient.kind.value, recipient_id=prefs.recipient.id, **values)
            .on_conflict_do_nothing(index_elements=["recipient_kind", "recipient_id"])
            .returning(preferences.c.version)
        ).first()
        if inserted is None:
            raise ConcurrentChange("preferences")
    else:
        updated = conn.execute(
            preferences.update()
            .where(_recipient_filter(preferences, prefs.recipient), preferences.c.version == prefs.version - 1)
            .values(**values)
        ).rowcount
        if updated != 1:
            raise ConcurrentChange("preferences")


class ConcurrentChange(Exception):
    """Another writer changed the row between our read and our write."""


def market_report_readers(conn: Connection) -> list[Preferences]:
    rows = conn.execute(sa.select(preferences).where(preferences.c.market_reports.is_(True)))
    return [_preferences(Recipient(RecipientKind(r.recipient_kind), r.recipient_id), r) for r in rows]


# --- subscriptions -----------------------------------------------------------------------------


def add_subscription(conn: Connection, values: dict[str, Any]) -> Subscription:
    conn.execute(subscriptions.insert().values(**values))
    return Subscription(**conn.execute(sa.select(subscriptions).where(subscriptions.c.id == values["id"])).one()._mapping)


def count_subscriptions(conn: Connection, org_id: str) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(subscriptions).where(subscriptions.c.org_id == org_id)).scalar_one()


def get_subscription(conn: Connection, subscription_id: str, *, for_update: bool = False) -> Subscription | None:
    query = sa.select(subscriptions).where(subscriptions.c.id == subscription_id)
    if for_update:
        query = query.with_for_update()
    return _record(Subscription, conn.execute(query).first())


def subscriptions_page(conn: Connection, org_ids: Iterable[str], *, after_seq: int | None,
                       limit: int) -> list[Subscription]:
    t = subscriptions
    query = sa.select(t).where(t.c.org_id.in_(list(org_ids)))
    if after_seq is not None:
        query = query.where(t.c.seq > after_seq)
    return [Subscription(**r._mapping) for r in conn.execute(query.order_by(t.c.seq).limit(limit))]


def active_subscriptions(conn: Connection, org_id: str | None = None) -> list[Subscription]:
    """Active subscriptions of one org, or of every org (market reports go to all subscribers)."""
    t = subscriptions
    query = sa.select(t).where(t.c.status == SubscriptionStatus.active.value)
    if org_id is not None:
        query = query.where(t.c.org_id == org_id)
    return [Subscription(**r._mapping) for r in conn.execute(query.order_by(t.c.seq))]


def update_subscription(conn: Connection, subscription_id: str, **values: Any) -> None:
    conn.execute(subscriptions.update().where(subscriptions.c.id == subscription_id).values(**values))


def delete_subscription(conn: Connection, subscription_id: str) -> None:
    # Attempts and deliveries go with it (ON DELETE CASCADE is not relied on: SQLite may run without it).
    ids = sa.select(deliveries.c.id).where(deliveries.c.subscription_id == subscription_id)
    conn.execute(delivery_attempts.delete().where(delivery_attempts.c.delivery_id.in_(ids)))
    conn.execute(deliveries.delete().where(deliveries.c.subscription_id == subscription_id))
    conn.execute(subscriptions.delete().where(subscriptions.c.id == subscription_id))


# --- deliveries --------------------------------------------------------------------------------


def add_delivery(
    conn: Connection,
    subscription: Subscription,
    *,
    event_id: str,
    event_type: str,
    payload: str,
    worker_id: str | None,
    now: dt.datetime,
) -> str | None:
    """Queue one webhook delivery, once per (subscription, event); its id, or None when queued already."""
    delivery_id = new_id("msg")
    stmt = (
        _insert(conn, deliveries)
        .values(
            id=delivery_id,
            subscription_id=subscription.id,
            org_id=subscription.org_id,
            event_id=event_id,
            event_type=event_type,
            worker_id=worker_id,
            payload=payload,
            status=DeliveryStatus.pending.value,
            attempts=0,
            retry_step=0,
            next_attempt_at=now,
            claim=None,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["subscription_id", "event_id"])
        .returning(deliveries.c.id)
    )
    return delivery_id if conn.execute(stmt).first() is not None else None


def get_delivery(conn: Connection, subscription_id: str, delivery_id: str) -> Delivery | None:
    return _record(Delivery, conn.execute(
        sa.select(deliveries).where(deliveries.c.id == delivery_id, deliveries.c.subscription_id == subscription_id)
    ).first())


def deliveries_page(conn: Connection, subscription_id: str, *, status: str | None, before_seq: int | None,
                    limit: int) -> list[Delivery]:
    t = deliveries
    query = sa.select(t).where(t.c.subscription_id == subscription_id)
    if status:
        query = query.where(t.c.status == status)
    if before_seq is not None:
        query = query.where(t.c.seq < before_seq)
    return [Delivery(**r._mapping) for r in conn.execute(query.order_by(t.c.seq.desc()).limit(limit))]


def attempts_of(conn: Connection, delivery_id: str, limit: int = 50) -> list[Attempt]:
    t = delivery_attempts
    query = sa.select(t).where(t.c.delivery_id == delivery_id).order_by(t.c.seq.desc()).limit(limit)
    return [Attempt(**r._mapping) for r in conn.execute(query)]


def reschedule_delivery(conn: Connection, delivery_id: str, now: dt.datetime) -> None:
    """Back to pending with a fresh retry schedule, due now (a redelivery asked for by its owner)."""
    conn.execute(
        deliveries.update()
        .where(deliveries.c.id == delivery_id)
        .values(status=DeliveryStatus.pending.value, retry_step=0, next_attempt_at=now, claim=None)
    )


def cancel_pending_deliveries(conn: Connection, subscription_id: str, reason: str) -> int:
    t = deliveries
    return conn.execute(
        t.update()
        .where(t.c.subscription_id == subscription_id, t.c.status == DeliveryStatus.pending.value)
        .values(status=DeliveryStatus.cancelled.value, next_attempt_at=None, claim=None, last_error=reason[:300])
    ).rowcount


@dataclass(frozen=True, slots=True)
class ClaimedDelivery:
    id: str
    claim: str
    subscription_id: str
    org_id: str
    url: str
    secret: str
    previous_secret: str | None
    previous_secret_expires_at: dt.datetime | None
    payload: str
    retry_step: int
    attempts: int


def claim_due_deliveries(conn: Connection, now: dt.datetime, *, limit: int, lease: dt.timedelta, claim: str) -> list[ClaimedDelivery]:
    """Take up to `limit` due deliveries for this dispatcher.

    The claim pushes `next_attempt_at` past the lease: a dispatcher that dies mid-send leaves the
    delivery due again once the lease is over, and nobody else sends it meanwhile. On PostgreSQL
    `FOR UPDATE SKIP LOCKED` lets several dispatchers claim side by side; SQLite's write lock
    (BEGIN IMMEDIATE) serialises them.
    """
    d, s = deliveries, subscriptions
    ids = [
        r.id
        for r in conn.execute(
            sa.select(d.c.id)
            .where(d.c.status == DeliveryStatus.pending.value, d.c.next_attempt_at <= now)
            .order_by(d.c.next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ]
    if not ids:
        return []
    conn.execute(d.update().where(d.c.id.in_(ids)).values(claim=claim, next_attempt_at=now + lease))
    rows = conn.execute(
        sa.select(d.c.id, d.c.subscription_id, d.c.org_id, d.c.payload, d.c.retry_step, d.c.attempts,
                  s.c.url, s.c.secret, s.c.previous_secret, s.c.previous_secret_expires_at, s.c.status.label("sub_status"))
        .join(s, s.c.id == d.c.subscription_id)
        .where(d.c.id.in_(ids))
    ).all()
    claimed = []
    for r in rows:
        if r.sub_status != SubscriptionStatus.active.value or r.payload is None:
            # Disabled meanwhile, or erased: nothing to send.
            conn.execute(d.update().where(d.c.id == r.id).values(
                status=DeliveryStatus.cancelled.value, next_attempt_at=None, claim=None,
                last_error="subscription disabled" if r.payload is not None else "payload erased"))
            continue
        claimed.append(ClaimedDelivery(r.id, claim, r.subscription_id, r.org_id, r.url, r.secret, r.previous_secret,
                                       utc(r.previous_secret_expires_at), r.payload, r.retry_step, r.attempts))
    return claimed


def record_attempt(
    conn: Connection,
    claimed: ClaimedDelivery,
    *,
    attempted_at: dt.datetime,
    status_code: int | None,
    error: str | None,
    duration_ms: int,
    outcome: DeliveryStatus,
    next_attempt_at: dt.datetime | None,
    retry_step: int,
) -> bool:
    """Store an attempt and the delivery's new state; False when the claim was lost (lease over)."""
    d = deliveries
    values: dict[str, Any] = {
        "status": outcome.value,
        "attempts": d.c.attempts + 1,
        "retry_step": retry_step,
        "next_attempt_at": next_attempt_at,
        "claim": None,
        "last_attempt_at": attempted_at,
        "last_status_code": status_code,
        "last_error": error[:300] if error else None,
    }
    if outcome is DeliveryStatus.succeeded:
        values["succeeded_at"] = attempted_at
    updated = conn.execute(d.update().where(d.c.id == claimed.id, d.c.claim == claimed.claim).values(**values)).rowcount
    if updated != 1:
        return False  # deleted, erased or re-claimed meanwhile: the attempt is not ours to record
    conn.execute(delivery_attempts.insert().values(
        delivery_id=claimed.id, attempted_at=attempted_at, status_code=status_code,
        error=error[:300] if error else None, duration_ms=duration_ms))
    return True


# --- e-mails -----------------------------------------------------------------------------------


def add_email(conn: Connection, recipient: Recipient, kind: str, notification_ids: Sequence[str], now: dt.datetime) -> str:
    email_id = new_id("eml")
    conn.execute(emails.insert().values(
        id=email_id, recipient_kind=recipient.kind.value, recipient_id=recipient.id, kind=kind,
        notification_ids=list(notification_ids), status="pending", attempts=0, next_attempt_at=now, claim=None,
        created_at=now))
    return email_id


@dataclass(frozen=True, slots=True)
class ClaimedEmail:
    id: str
    claim: str
    recipient: Recipient
    kind: str
    notification_ids: list[str]
    attempts: int


def claim_due_emails(conn: Connection, now: dt.datetime, *, limit: int, lease: dt.timedelta, claim: str) -> list[ClaimedEmail]:
    e = emails
    rows = conn.execute(
        sa.select(e).where(e.c.status == "pending", e.c.next_attempt_at <= now)
        .order_by(e.c.next_attempt_at).limit(limit).with_for_update(skip_locked=True)
    ).all()
    if not rows:
        return []
    conn.execute(e.update().where(e.c.id.in_([r.id for r in rows])).values(claim=claim, next_attempt_at=now + lease))
    return [ClaimedEmail(r.id, claim, Recipient(RecipientKind(r.recipient_kind), r.recipient_id), r.kind,
                         list(r.notification_ids or []), r.attempts) for r in rows]


def finish_email(conn: Connection, claimed: ClaimedEmail, *, status: str, now: dt.datetime,
                 next_attempt_at: dt.datetime | None = None, error: str | None = None) -> None:
    e = emails
    conn.execute(e.update().where(e.c.id == claimed.id, e.c.claim == claimed.claim).values(
        status=status, attempts=e.c.attempts + 1, next_attempt_at=next_attempt_at, claim=None,
        last_error=error[:300] if error else None, sent_at=now if status == "sent" else None))


def get_email(conn: Connection, email_id: str) -> Email | None:
    return _record(Email, conn.execute(sa.select(emails).where(emails.c.id == email_id)).first())


# --- the posting read model --------------------------------------------------------------------


def upsert_engagement(conn: Connection, *, kind: str, engagement_id: str, posting_id: str, worker_id: str,
                      status: str, at: dt.datetime) -> None:
    t = posting_engagements
    stmt = _insert(conn, t).values(kind=kind, engagement_id=engagement_id, posting_id=posting_id,
                                   worker_id=worker_id, status=status, updated_at=at)
    conn.execute(stmt.on_conflict_do_update(index_elements=["kind", "engagement_id"],
                                            set_={"status": status, "updated_at": at}))


def engaged_workers(conn: Connection, posting_id: str) -> list[str]:
    """Workers to tell when a posting closes: its applicants (but those who withdrew) and the
    invited workers who accepted."""
    t = posting_engagements
    rows = conn.execute(
        sa.select(t.c.worker_id).distinct().where(
            t.c.posting_id == posting_id,
            sa.or_(sa.and_(t.c.kind == "application", t.c.status != "withdrawn"),
                   sa.and_(t.c.kind == "invitation", t.c.status == "accepted")),
        ).order_by(t.c.worker_id)
    )
    return [r.worker_id for r in rows]


# --- retention ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Purged:
    deliveries: int
    emails: int
    notifications: int


def purge_expired(conn: Connection, *, deliveries_before: dt.datetime, inbox_before: dt.datetime) -> Purged:
    """Drop finished deliveries (with their attempts) and e-mails older than the delivery log's
    retention, and notifications older than the inbox's; nothing still pending is touched."""
    d, e, n = deliveries, emails, notifications
    old = sa.select(d.c.id).where(d.c.status != DeliveryStatus.pending.value, d.c.created_at < deliveries_before)
    conn.execute(delivery_attempts.delete().where(delivery_attempts.c.delivery_id.in_(old)))
    gone_deliveries = conn.execute(
        d.delete().where(d.c.status != DeliveryStatus.pending.value, d.c.created_at < deliveries_before)).rowcount
    gone_emails = conn.execute(e.delete().where(e.c.status != "pending", e.c.created_at < deliveries_before)).rowcount
    gone_notifications = conn.execute(
        n.delete().where(n.c.created_at < inbox_before, n.c.digest_pending.is_(False))).rowcount
    return Purged(gone_deliveries, gone_emails, gone_notifications)


# --- erasure -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ErasureCounts:
    inbox: int
    mentions: int
    deliveries: int
    engagements: int


def _json(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else dict(value or {})


# --- which agency manages a worker -------------------------------------------------------------


def remember_agency(conn: Connection, worker_id: str, agency_id: str | None, version: int) -> None:
    """Keep a worker's managing agency, unless a newer version's is already kept (replays are safe)."""
    t = worker_agencies
    stmt = _insert(conn, t).values(worker_id=worker_id, agency_id=agency_id, version=version)
    conn.execute(stmt.on_conflict_do_update(index_elements=["worker_id"],
                                            set_={"agency_id": stmt.excluded.agency_id, "version": stmt.excluded.version},
                                            where=t.c.version < stmt.excluded.version))


def agency_of(conn: Connection, worker_id: str) -> str | None:
    return conn.execute(sa.select(worker_agencies.c.agency_id).where(worker_agencies.c.worker_id == worker_id)).scalar()


# --- names shown instead of ids ----------------------------------------------------------------


def remember_name(conn: Connection, kind: str, entity_id: str, name: str, version: int) -> None:
    """Keep an entity's display name, unless a newer version's is already kept (replays are safe)."""
    t = display_names
    stmt = _insert(conn, t).values(kind=kind, entity_id=entity_id, name=name[:300], version=version)
    conn.execute(stmt.on_conflict_do_update(index_elements=["kind", "entity_id"],
                                            set_={"name": stmt.excluded.name, "version": stmt.excluded.version},
                                            where=t.c.version < stmt.excluded.version))


def data_with_names(conn: Connection, rows: Sequence[Notification]) -> list[dict[str, Any]]:
    """Each stored notification's data, with the names notify knows now filled in where it had none."""
    datas = [_json(row.data) for row in rows]
    posting_ids = {d["posting_id"] for d in datas if d.get("posting_id") and "posting_title" not in d}
    worker_ids = {d["worker_id"] for d, row in zip(datas, rows, strict=True)
                  if row.recipient_kind == "org" and d.get("worker_id") and "worker_name" not in d}
    titles, workers = _display_names(conn, "posting", posting_ids), _display_names(conn, "worker", worker_ids)
    if not titles and not workers:
        return datas
    return [texts.with_names(d, row.recipient_kind, titles, workers) for d, row in zip(datas, rows, strict=True)]


def _display_names(conn: Connection, kind: str, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    t = display_names
    query = sa.select(t.c.entity_id, t.c.name).where(t.c.kind == kind, t.c.entity_id.in_(sorted(ids)))
    return {row.entity_id: row.name for row in conn.execute(query)}


def names_for(conn: Connection, *, posting_id: str | None = None, worker_id: str | None = None) -> Names:
    wanted = [("posting", posting_id), ("worker", worker_id)]
    keys = [(kind, entity_id) for kind, entity_id in wanted if entity_id]
    if not keys:
        return Names()
    t = display_names
    rows = conn.execute(sa.select(t.c.kind, t.c.name).where(
        sa.or_(*(sa.and_(t.c.kind == kind, t.c.entity_id == entity_id) for kind, entity_id in keys)))).all()
    found = {row.kind: row.name for row in rows}
    return Names(posting_title=found.get("posting"), worker_name=found.get("worker"))


def worker_version(conn: Connection, worker_id: str) -> int | None:
    """The newest profile version of a worker seen here (kept with its display name), if any."""
    t = display_names
    return conn.execute(sa.select(t.c.version).where(t.c.kind == "worker", t.c.entity_id == worker_id)).scalar()


def is_erased(conn: Connection, worker_id: str | None) -> bool:
    if worker_id is None:
        return False
    return conn.execute(sa.select(erased_workers.c.worker_id).where(erased_workers.c.worker_id == worker_id)).first() is not None


def lift_erasure(conn: Connection, worker_id: str, *, created_at: dt.datetime) -> bool:
    """Forget that a worker was erased when their profile was created again after the erasure."""
    t = erased_workers
    created_at = created_at.astimezone(dt.UTC)  # SQLite compares the stored UTC text
    return conn.execute(t.delete().where(t.c.worker_id == worker_id, t.c.erased_at < created_at)).rowcount > 0


def erased_version(conn: Connection, worker_id: str) -> int | None:
    """The version of the erasure notify holds for a worker (None: not erased, or erased before it was kept)."""
    t = erased_workers
    return conn.execute(sa.select(t.c.version).where(t.c.worker_id == worker_id)).scalar()


def lift_erasure_for_version(conn: Connection, worker_id: str, version: int) -> bool:
    """Forget that a worker was erased when something about their profile at `version`, newer than
    the erasure, arrived first (a match found for the person who came back)."""
    t = erased_workers
    return conn.execute(t.delete().where(t.c.worker_id == worker_id, t.c.version < version)).rowcount > 0


def erase_worker(conn: Connection, worker_id: str, erased_at: dt.datetime, version: int | None = None) -> ErasureCounts:
    """Remove a worker's inbox, preferences, e-mails and engagements; scrub other inboxes' mentions of
    them; blank the payloads of deliveries that mention them (their status stays, for audit); and
    remember the id, so a late or replayed event about them creates nothing new."""
    me = Recipient(RecipientKind.worker, worker_id)
    n, d = notifications, deliveries
    inbox = conn.execute(n.delete().where(_recipient_filter(n, me))).rowcount
    conn.execute(preferences.delete().where(_recipient_filter(preferences, me)))
    conn.execute(emails.delete().where(_recipient_filter(emails, me)))
    mentions = 0
    for row in conn.execute(sa.select(n.c.id, n.c.type, n.c.recipient_kind, n.c.data)
                            .where(n.c.worker_id == worker_id)).all():
        # A match's summary is matching's text about the worker, and the texts name the worker
        # (masked): both go with them, so the stored texts are written again without them.
        data = erased_worker_data(_json(row.data))
        title, body = texts.render(row.type, data, recipient_kind=row.recipient_kind)
        conn.execute(n.update().where(n.c.id == row.id).values(
            worker_id=None, title=title[:300], body=body[:2000], data=data))
        mentions += 1
    conn.execute(display_names.delete().where(display_names.c.kind == "worker", display_names.c.entity_id == worker_id))
    conn.execute(worker_agencies.delete().where(worker_agencies.c.worker_id == worker_id))
    blanked = conn.execute(
        d.update().where(d.c.worker_id == worker_id, d.c.status != DeliveryStatus.pending.value)
        .values(payload=None, worker_id=None)
    ).rowcount
    blanked += conn.execute(
        d.update().where(d.c.worker_id == worker_id, d.c.status == DeliveryStatus.pending.value)
        .values(payload=None, worker_id=None, status=DeliveryStatus.cancelled.value, next_attempt_at=None,
                claim=None, last_error="payload erased")
    ).rowcount
    engagements = conn.execute(posting_engagements.delete().where(posting_engagements.c.worker_id == worker_id)).rowcount
    marker = _insert(conn, erased_workers).values(worker_id=worker_id, erased_at=erased_at, version=version)
    # a newer erasure of a marker still held moves it up; an older one redelivered leaves it
    conn.execute(marker.on_conflict_do_update(
        index_elements=["worker_id"], set_={"erased_at": marker.excluded.erased_at, "version": marker.excluded.version},
        where=sa.and_(marker.excluded.version.is_not(None),
                      sa.or_(erased_workers.c.version.is_(None), erased_workers.c.version < marker.excluded.version))))
    return ErasureCounts(inbox, mentions, blanked, engagements)


# --- figures for /metrics ----------------------------------------------------------------------


def webhook_figures(conn: Connection) -> tuple[int, int]:
    """(disabled subscriptions, deliveries waiting to be sent): operators' view of failing webhooks."""
    disabled = conn.execute(sa.select(sa.func.count()).select_from(subscriptions)
                            .where(subscriptions.c.status == SubscriptionStatus.disabled.value)).scalar_one()
    pending = conn.execute(sa.select(sa.func.count()).select_from(deliveries)
                           .where(deliveries.c.status == DeliveryStatus.pending.value)).scalar_one()
    return int(disabled), int(pending)


# --- the store a unit of work hands to the handlers ----------------------------------------------


@translates_driver_errors
class NotifyStore:
    """The repository of the notify service on one connection (the unit of work's transaction): the
    functions above with the connection bound. They answer domain records; a driver error leaves as
    StoreConflict, StoreRefused or StoreUnavailable (services.common.uow)."""

    def __init__(self, conn: Connection):
        self.conn = conn

    def active_subscriptions(self, org_id: str | None = None) -> list[Subscription]:
        return active_subscriptions(self.conn, org_id)

    def add_delivery(
        self,
        subscription: Subscription,
        *,
        event_id: str,
        event_type: str,
        payload: str,
        worker_id: str | None,
        now: dt.datetime,
    ) -> str | None:
        return add_delivery(
            self.conn, subscription, event_id=event_id, event_type=event_type, payload=payload, worker_id=worker_id, now=now,
        )

    def add_email(self, recipient: Recipient, kind: str, notification_ids: Sequence[str], now: dt.datetime) -> str:
        return add_email(self.conn, recipient, kind, notification_ids, now)

    def add_notification(self, event_id: str, notice: Notice, *, in_inbox: bool, now: dt.datetime) -> str | None:
        return add_notification(self.conn, event_id, notice, in_inbox=in_inbox, now=now)

    def add_subscription(self, values: dict[str, Any]) -> Subscription:
        return add_subscription(self.conn, values)

    def agency_of(self, worker_id: str) -> str | None:
        return agency_of(self.conn, worker_id)

    def attempts_of(self, delivery_id: str, limit: int = 50) -> list[Attempt]:
        return attempts_of(self.conn, delivery_id, limit)

    def cancel_pending_deliveries(self, subscription_id: str, reason: str) -> int:
        return cancel_pending_deliveries(self.conn, subscription_id, reason)

    def claim_due_deliveries(
        self,
        now: dt.datetime,
        *,
        limit: int,
        lease: dt.timedelta,
        claim: str,
    ) -> list[ClaimedDelivery]:
        return claim_due_deliveries(self.conn, now, limit=limit, lease=lease, claim=claim)

    def claim_due_emails(
        self,
        now: dt.datetime,
        *,
        limit: int,
        lease: dt.timedelta,
        claim: str,
    ) -> list[ClaimedEmail]:
        return claim_due_emails(self.conn, now, limit=limit, lease=lease, claim=claim)

    def count_subscriptions(self, org_id: str) -> int:
        return count_subscriptions(self.conn, org_id)

    def data_with_names(self, rows: Sequence[Notification]) -> list[dict[str, Any]]:
        return data_with_names(self.conn, rows)

    def delete_subscription(self, subscription_id: str) -> None:
        return delete_subscription(self.conn, subscription_id)

    def deliveries_page(
        self,
        subscription_id: str,
        *,
        status: str | None,
        before_seq: int | None,
        limit: int,
    ) -> list[Delivery]:
        return deliveries_page(self.conn, subscription_id, status=status, before_seq=before_seq, limit=limit)

    def digest_queues(self, limit: int = 1000) -> list[DigestQueue]:
        return digest_queues(self.conn, limit)

    def engaged_workers(self, posting_id: str) -> list[str]:
        return engaged_workers(self.conn, posting_id)

    def erase_worker(self, worker_id: str, erased_at: dt.datetime, version: int | None = None) -> ErasureCounts:
        return erase_worker(self.conn, worker_id, erased_at, version)

    def erased_version(self, worker_id: str) -> int | None:
        return erased_version(self.conn, worker_id)

    def lift_erasure_for_version(self, worker_id: str, version: int) -> bool:
        return lift_erasure_for_version(self.conn, worker_id, version)

    def finish_email(
        self,
        claimed: ClaimedEmail,
        *,
        status: str,
        now: dt.datetime,
        next_attempt_at: dt.datetime | None = None,
        error: str | None = None,
    ) -> None:
        return finish_email(self.conn, claimed, status=status, now=now, next_attempt_at=next_attempt_at, error=error)

    def get_delivery(self, subscription_id: str, delivery_id: str) -> Delivery | None:
        return get_delivery(self.conn, subscription_id, delivery_id)

    def get_email(self, email_id: str) -> Email | None:
        return get_email(self.conn, email_id)

    def get_subscription(self, subscription_id: str, *, for_update: bool = False) -> Subscription | None:
        return get_subscription(self.conn, subscription_id, for_update=for_update)

    def inbox_page(
        self,
        recipient: Recipient,
        *,
        unread_only: bool,
        before_seq: int | None,
        limit: int,
    ) -> list[Notification]:
        return inbox_page(self.conn, recipient, unread_only=unread_only, before_seq=before_seq, limit=limit)

    def is_erased(self, worker_id: str | None) -> bool:
        return is_erased(self.conn, worker_id)

    def lift_erasure(self, worker_id: str, *, created_at: dt.datetime) -> bool:
        return lift_erasure(self.conn, worker_id, created_at=created_at)

    def load_preferences(self, recipient: Recipient, *, for_update: bool = False) -> Preferences:
        return load_preferences(self.conn, recipient, for_update=for_update)

    def mark_read(self, recipient: Recipient, notification_id: str, now: dt.datetime) -> Notification | None:
        return mark_read(self.conn, recipient, notification_id, now)

    def market_report_readers(self) -> list[Preferences]:
        return market_report_readers(self.conn)

    def names_for(self, *, posting_id: str | None = None, worker_id: str | None = None) -> Names:
        return names_for(self.conn, posting_id=posting_id, worker_id=worker_id)

    def notifications_by_id(self, recipient: Recipient, ids: Sequence[str]) -> list[Notification]:
        return notifications_by_id(self.conn, recipient, ids)

    def purge_expired(self, *, deliveries_before: dt.datetime, inbox_before: dt.datetime) -> Purged:
        return purge_expired(self.conn, deliveries_before=deliveries_before, inbox_before=inbox_before)

    def queue_for_digest(self, notification_id: str) -> None:
        return queue_for_digest(self.conn, notification_id)

    def record_attempt(
        self,
        claimed: ClaimedDelivery,
        *,
        attempted_at: dt.datetime,
        status_code: int | None,
        error: str | None,
        duration_ms: int,
        outcome: DeliveryStatus,
        next_attempt_at: dt.datetime | None,
        retry_step: int,
    ) -> bool:
        return record_attempt(
            self.conn, claimed, attempted_at=attempted_at, status_code=status_code, error=error, duration_ms=duration_ms, outcome=outcome, next_attempt_at=next_attempt_at, retry_step=retry_step,
        )

    def remember_agency(self, worker_id: str, agency_id: str | None, version: int) -> None:
        return remember_agency(self.conn, worker_id, agency_id, version)

    def remember_name(self, kind: str, entity_id: str, name: str, version: int) -> None:
        return remember_name(self.conn, kind, entity_id, name, version)

    def reschedule_delivery(self, delivery_id: str, now: dt.datetime) -> None:
        return reschedule_delivery(self.conn, delivery_id, now)

    def save_preferences(self, prefs: Preferences) -> None:
        return save_preferences(self.conn, prefs)

    def subscriptions_page(self, org_ids: Iterable[str], *, after_seq: int | None, limit: int) -> list[Subscription]:
        return subscriptions_page(self.conn, org_ids, after_seq=after_seq, limit=limit)

    def take_digest_items(self, recipient: Recipient) -> list[str]:
        return take_digest_items(self.conn, recipient)

    def update_subscription(self, subscription_id: str, **values: Any) -> None:
        return update_subscription(self.conn, subscription_id, **values)

    def upsert_engagement(
        self,
        *,
        kind: str,
        engagement_id: str,
        posting_id: str,
        worker_id: str,
        status: str,
        at: dt.datetime,
    ) -> None:
        return upsert_engagement(
            self.conn, kind=kind, engagement_id=engagement_id, posting_id=posting_id, worker_id=worker_id, status=status, at=at,
        )

    def webhook_figures(self) -> tuple[int, int]:
        return webhook_figures(self.conn)

    def worker_version(self, worker_id: str) -> int | None:
        return worker_version(self.conn, worker_id)
