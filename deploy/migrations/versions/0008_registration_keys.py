"""registrations: data keys for crypto-shredding readers' data in the log; parked messages

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 08:00:00

One AES-256-GCM key per registration (services/registrations/keys.py).  The table is in no
service plan's tables, so ``shuxiang replay`` keeps it: replay opens the log's sealed sign-ups with
these keys, and an erased registration (its key deleted) comes back without its personal data.
``registrations_parked`` holds sign-up messages that came before their activity (as in a replay).
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

    op.create_table(
        "registrations_parked",
        sa.Column("seq", sa.BigInteger(), nullable=False, comment="the message's SUBMISSIONS sequence"),
        sa.Column("activity_id", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("headers", sa.Text(), nullable=False, comment="JSON: the message's headers (its Nats-Msg-Id)"),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column(
            "stored_at",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="the broker's time of the message: its 'now'",
        ),
        sa.PrimaryKeyConstraint("seq"),
        comment="Sign-up messages that came before their activity (a replay rebuilds CANONICAL while the "
        "sign-ups are already in the log): applied in log order when the activity arrives.",
    )
    op.create_index("registrations_parked_activity", "registrations_parked", ["activity_id", "seq"], unique=False)


def downgrade() -> None:
    op.drop_index("registrations_parked_activity", table_name="registrations_parked")
    op.drop_table("registrations_parked")
    op.drop_table("registrations_key")
