"""Texts for people: the reader's language on preferences, and the read model of names notify
shows instead of ids (posting titles from `posting.upserted`, masked worker names from
`worker.upserted`) — services/notify/store.py `preferences.language`, `display_names`.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("preferences") as batch:
        batch.add_column(sa.Column("language", sa.String(5), nullable=False, server_default="zh"))
    op.create_table(
        "display_names",
        sa.Column("kind", sa.String(10), primary_key=True),  # posting | worker
        sa.Column("entity_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("display_names")
    with op.batch_alter_table("preferences") as batch:
        batch.drop_column("language")
