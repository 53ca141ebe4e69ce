"""calendar: calendar_search, one searchable text per activity, with a pg_trgm GIN index

The calendar page's search box finds Chinese words (no spaces between them) by character
trigrams.  The table is filled here from the calendar's stored snapshots (embedded data dirs:
Databases.create_tables does the same through the table's info["fill"]); pg_trgm is a trusted
extension, installed here when missing.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 05:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_search",
        sa.Column("activity_id", sa.String(length=64), nullable=False),
        sa.Column(
            "body",
            sa.Text(),
            nullable=False,
            comment="what a search looks in: title, description, venue, audience, tags",
        ),
        sa.Column(
            "audience",
            sa.String(length=200),
            nullable=True,
            comment="as announced: the calendar page's audience filter",
        ),
        sa.PrimaryKeyConstraint("activity_id"),
        comment="one searchable text per calendar entry (SQLite: FTS5 trigram index; PostgreSQL: pg_trgm)",
    )
    op.create_index(op.f("ix_calendar_search_audience"), "calendar_search", ["audience"], unique=False)
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index(
        "ix_calendar_search_body_trgm",
        "calendar_search",
        ["body"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"body": "gin_trgm_ops"},
    )
    from shuxiang.services.calendar.search import fill_search

    fill_search(op.get_bind())


def downgrade() -> None:
    op.drop_index(
        "ix_calendar_search_body_trgm",
        table_name="calendar_search",
        postgresql_using="gin",
        postgresql_ops={"body": "gin_trgm_ops"},
    )
    op.drop_index(op.f("ix_calendar_search_audience"), table_name="calendar_search")
    op.drop_table("calendar_search")
