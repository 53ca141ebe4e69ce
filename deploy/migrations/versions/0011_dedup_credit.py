"""dedup: who each announcement credits, by start (candidates found through the organisers both ways)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 14:30:00

Announcements stored before have no rows here: a post crediting them is found as before (by its
sites) until ``shuxiang replay`` stores them again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dedup_credit",
        sa.Column(
            "library_id",
            sa.String(64),
            primary_key=True,
            comment="a library the announcement credits besides its writer",
        ),
        sa.Column("starts_at", sa.DateTime(timezone=True), primary_key=True, comment="the announcement's start"),
        sa.Column("source_library", sa.String(64), primary_key=True),
        sa.Column("source_ref", sa.String(200), primary_key=True),
    )
    op.create_index("ix_dedup_credit_source", "dedup_credit", ["source_library", "source_ref"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_dedup_credit_source", table_name="dedup_credit")
    op.drop_table("dedup_credit")
