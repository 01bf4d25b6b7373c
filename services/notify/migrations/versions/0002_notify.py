"""The notify service's tables: inbox, preferences, webhook subscriptions and deliveries, e-mails,
the posting read model and the erased-worker register (mirrors services/notify/store.py).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer, "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("seq", SEQ, primary_key=True, autoincrement=True),
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
        sa.Column("created_at", TS, nullable=False),
        sa.Column("read_at", TS, nullable=True),
        sa.UniqueConstraint("event_id", "recipient_kind", "recipient_id", name="uq_notifications_event_recipient"),
    )
    op.create_index("ix_notifications_recipient", "notifications", ["recipient_kind", "recipient_id", "seq"])
    op.create_index("ix_notifications_worker", "notifications", ["worker_id"])
    op.create_index("ix_notifications_digest", "notifications", ["digest_pending", "recipient_kind", "recipient_id"])
    op.create_index("ix_notifications_created", "notifications", ["created_at"])

    op.create_table(
        "preferences",
        sa.Column("recipient_kind", sa.String(10), primary_key=True),
        sa.Column("recipient_id", sa.String(64), primary_key=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("delivery", sa.String(16), nullable=False),
        sa.Column("digest_hour", sa.Integer, nullable=False),
        sa.Column("quiet_start", sa.String(5), nullable=True),
        sa.Column("quiet_end", sa.String(5), nullable=True),
        sa.Column("channels", sa.JSON, nullable=False),
        sa.Column("market_reports", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_preferences_market_reports", "preferences", ["market_reports"])

    op.create_table(
        "subscriptions",
        sa.Column("seq", SEQ, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(40), nullable=False, unique=True),
        sa.Column("org_id", sa.String(64), nullable=False),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("event_types", sa.JSON, nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.Column("previous_secret", sa.String(100), nullable=True),
        sa.Column("previous_secret_expires_at", TS, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("disabled_reason", sa.String(300), nullable=True),
        sa.Column("disabled_at", TS, nullable=True),
        sa.Column("failing_since", TS, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_subscriptions_org", "subscriptions", ["org_id", "seq"])
    op.create_index("ix_subscriptions_status", "subscriptions", ["status"])

    op.create_table(
        "deliveries",
        sa.Column("seq", SEQ, primary_key=True, autoincrement=True),
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
        sa.Column("next_attempt_at", TS, nullable=True),
        sa.Column("claim", sa.String(40), nullable=True),
        sa.Column("last_attempt_at", TS, nullable=True),
        sa.Column("last_status_code", sa.Integer, nullable=True),
        sa.Column("last_error", sa.String(300), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("succeeded_at", TS, nullable=True),
        sa.UniqueConstraint("subscription_id", "event_id", name="uq_deliveries_subscription_event"),
    )
    op.create_index("ix_deliveries_due", "deliveries", ["status", "next_attempt_at"])
    op.create_index("ix_deliveries_subscription", "deliveries", ["subscription_id", "seq"])
    op.create_index("ix_deliveries_worker", "deliveries", ["worker_id"])
    op.create_index("ix_deliveries_created", "deliveries", ["created_at"])

    op.create_table(
        "delivery_attempts",
        sa.Column("seq", SEQ, primary_key=True, autoincrement=True),
        sa.Column("delivery_id", sa.String(40), sa.ForeignKey("deliveries.id", ondelete="CASCADE"), nullable=False),
        sa.Column("attempted_at", TS, nullable=False),
        sa.Column("status_code", sa.Integer, nullable=True),
        sa.Column("error", sa.String(300), nullable=True),
        sa.Column("duration_ms", sa.Integer, nullable=False),
    )
    op.create_index("ix_delivery_attempts_delivery", "delivery_attempts", ["delivery_id", "seq"])

    op.create_table(
        "emails",
        sa.Column("seq", SEQ, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(40), nullable=False, unique=True),
        sa.Column("recipient_kind", sa.String(10), nullable=False),
        sa.Column("recipient_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("notification_ids", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", TS, nullable=True),
        sa.Column("claim", sa.String(40), nullable=True),
        sa.Column("last_error", sa.String(300), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("sent_at", TS, nullable=True),
    )
    op.create_index("ix_emails_due", "emails", ["status", "next_attempt_at"])
    op.create_index("ix_emails_recipient", "emails", ["recipient_kind", "recipient_id"])

    op.create_table(
        "posting_engagements",
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("engagement_id", sa.String(64), primary_key=True),
        sa.Column("posting_id", sa.String(64), nullable=False),
        sa.Column("worker_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_posting_engagements_posting", "posting_engagements", ["posting_id"])
    op.create_index("ix_posting_engagements_worker", "posting_engagements", ["worker_id"])

    op.create_table(
        "erased_workers",
        sa.Column("worker_id", sa.String(64), primary_key=True),
        sa.Column("erased_at", TS, nullable=False),
    )


def downgrade() -> None:
    for table in ("erased_workers", "posting_engagements", "emails", "delivery_attempts", "deliveries",
                  "subscriptions", "preferences", "notifications"):
        op.drop_table(table)
