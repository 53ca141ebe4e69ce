"""dedup: announcements that span a day (an exhibition entered all-day, by its date only, or for its
whole opening hours), found by the twins that give its opening hour

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 11:00:00

Rows stored before have no value (NULL): they are not looked up as day-spanning until a revision or
``shuxiang replay`` stores them again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "dedup_source",
        sa.Column(
            "spans_day",
            sa.Boolean(),
            nullable=True,
            comment="an all-day, date-only or day-long entry (an exhibition): its twins may start hours later",
        ),
    )
    op.create_index(
        "ix_dedup_source_spans_day",
        "dedup_source",
        ["venue_key", "starts_at"],
        unique=False,
        postgresql_where=sa.text("spans_day"),
        sqlite_where=sa.text("spans_day"),
    )


def downgrade() -> None:
    op.drop_index("ix_dedup_source_spans_day", table_name="dedup_source")
    op.drop_column("dedup_source", "spans_day")
