"""dedup: a postponement's original start, found by the posts that still give it; the partial
index of day-spanning rows holds postponements too (a re-announcement that does not say from when
is found by the posts of the weeks before)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 14:00:00

Rows stored before have no value (NULL): a re-announcement stored before is looked up by its
original date again only when a revision or ``shuxiang replay`` stores it again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "dedup_source",
        sa.Column(
            "moved_from",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="a postponement's original start, as its re-announcement states it",
        ),
    )
    op.drop_index("ix_dedup_source_spans_day", table_name="dedup_source")
    op.create_index(
        "ix_dedup_source_day_or_moved",
        "dedup_source",
        ["venue_key", "starts_at"],
        unique=False,
        postgresql_where=sa.text("(spans_day OR moved_from IS NOT NULL)"),
        sqlite_where=sa.text("(spans_day OR moved_from IS NOT NULL)"),
    )
    op.create_index(
        "ix_dedup_source_moved_from",
        "dedup_source",
        ["moved_from"],
        unique=False,
        postgresql_where=sa.text("moved_from IS NOT NULL"),
        sqlite_where=sa.text("moved_from IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_dedup_source_moved_from", table_name="dedup_source")
    op.drop_index("ix_dedup_source_day_or_moved", table_name="dedup_source")
    op.create_index(
        "ix_dedup_source_spans_day",
        "dedup_source",
        ["venue_key", "starts_at"],
        unique=False,
        postgresql_where=sa.text("spans_day"),
        sqlite_where=sa.text("spans_day"),
    )
    op.drop_column("dedup_source", "moved_from")
