"""quotas: the activities that count for nobody kept (quotas_uncounted), and the rules the tallies were derived under (quotas_basis); brands: linked activities by start

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 10:00:00

The quota page, the API and `quotas report` recounted the whole year from the activities' facts on
every request (0.05 → 0.94 → 2–3.4 s with 88,000 activities).  They now read the monthly sums
the handlers keep (quotas_month), the activities listed as not counted (quotas_uncounted, by
library and year) and, in quotas_basis, the rules those were derived under; quotas_month gets an
index by year, which a report of every library reads.  Nothing is filled
here: with no basis stored the reports recount as before, and the quotas service's next batch
derives both tables from the stored facts (services/quotas/handlers.py), once.

/api/v1/brands/links read every activity and sorted them to show the newest 200 linked ones: a
partial index of the linked activities by start (ix_brands_activity_linked) gives them in order.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "quotas_uncounted",
        sa.Column("activity_id", sa.String(length=64), nullable=False),
        sa.Column("library_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False, comment="of its first session, in the alliance time zone"),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False, comment="its first session's start"),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False, comment="not_held or cancelled"),
        sa.Column("title", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("activity_id", "library_id"),
        comment="The activities credited to a library that count for none of its rules (reported not held, or "
        "cancelled; not merged away), rewritten with their facts: the reports list them without reading the year.",
    )
    op.create_index("ix_quotas_uncounted_year", "quotas_uncounted", ["library_id", "year"], unique=False)
    op.create_table(
        "quotas_basis",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False, comment="always 1: one row"),
        sa.Column(
            "basis", sa.String(length=64), nullable=False, comment="sha-256 of the rules' counting terms (tally_basis)"
        ),
        sa.Column("derived_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        comment="The rules quotas_count, quotas_month and quotas_uncounted were derived under: reports read "
        "them while the alliance's rules count the same, and recount the year from the facts otherwise.",
    )
    op.create_index("ix_quotas_month_year", "quotas_month", ["year", "library_id"], unique=False)
    op.create_index(
        "ix_brands_activity_linked",
        "brands_activity",
        ["starts_at"],
        unique=False,
        sqlite_where=sa.text("link IS NOT NULL"),
        postgresql_where=sa.text("link IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_brands_activity_linked", table_name="brands_activity")
    op.drop_index("ix_quotas_month_year", table_name="quotas_month")
    op.drop_table("quotas_basis")
    op.drop_index("ix_quotas_uncounted_year", table_name="quotas_uncounted")
    op.drop_table("quotas_uncounted")
