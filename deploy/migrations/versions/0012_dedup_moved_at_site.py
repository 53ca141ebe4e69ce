"""dedup: moved announcements by site and start (postponements looked up weeks either way)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 16:55:00

A partial index of the postponed rows only, by (venue_key, starts_at): an announcement looks for
the postponements it may be one with at its own site up to six weeks either way (re-announcements
that do not say from when, originals called off as 【延期】) without reading the day-spanning rows of
those weeks.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_dedup_source_moved_at",
        "dedup_source",
        ["venue_key", "starts_at"],
        unique=False,
        sqlite_where=sa.text("moved_from IS NOT NULL"),
        postgresql_where=sa.text("moved_from IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_dedup_source_moved_at", table_name="dedup_source")
