"""registrations: data keys for crypto-shredding readers' data in the log

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 08:00:00

One AES-256-GCM key per registration (services/registrations/keys.py).  The table is in no
service plan's tables, so ``shuxiang replay`` keeps it: replay opens the log's sealed sign-ups with
these keys, and an erased registration (its key deleted) comes back without its personal data.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registrations_key",
        sa.Column("key_id", sa.String(length=64), nullable=False, comment="the registration's token hash"),
        sa.Column("activity_id", sa.String(length=64), nullable=False),
        sa.Column(
            "data_key", sa.LargeBinary(), nullable=False, comment="AES-256-GCM key of the sign-up's personal fields"
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_id"),
        comment="Crypto-shredding: one data key per registration; erasure deletes it, and the log's copy "
        "of the name and contact can no longer be read (docs/privacy.md).  Not rebuilt by replay.",
    )


def downgrade() -> None:
    op.drop_table("registrations_key")
