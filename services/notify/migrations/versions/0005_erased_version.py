"""The version an erasure had (services/notify/store.py `erased_workers.version`), so a match found
for the person's newer profile lifts the marker even before notify has read that profile.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("erased_workers") as batch:
        batch.add_column(sa.Column("version", sa.BigInteger, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("erased_workers") as batch:
        batch.drop_column("version")
