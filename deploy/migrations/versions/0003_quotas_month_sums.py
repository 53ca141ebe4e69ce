"""quotas: quotas_count summed per library, rule and month (quotas_month)

A recount read every quotas_count row of the touched libraries' year, each batch: the cost
grew with the year.  quotas_month holds those sums, each re-summed when one of its months'
counts changes; this migration fills it from quotas_count, so no replay is needed (embedded
data dirs: shuxiang.db.Databases.create_tables does the same, through the table's info["fill"]).  The index
on quotas_count now serves re-summing one month (library, rule, year, month); a new one on
quotas_activity finds the open-ended series (last_start NULL) without reading the year.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 01:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "quotas_month",
        sa.Column("library_id", sa.String(length=64), nullable=False),
        sa.Column("rule_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False, comment="1-12, in the alliance time zone"),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("library_id", "rule_id", "year", "month"),
        comment="quotas_count summed per library, rule and month: each row re-summed from quotas_count whenever one of its rows changes (never incremented), so a recount reads twelve rows per rule, not the year's activities.",
    )
    op.drop_index("ix_quotas_count_library_year", table_name="quotas_count")
    op.create_index("ix_quotas_count_month", "quotas_count", ["library_id", "rule_id", "year", "month"], unique=False)
    op.create_index("ix_quotas_activity_open_ended", "quotas_activity", ["last_start", "starts_at"], unique=False)
    op.execute(
        "INSERT INTO quotas_month (library_id, rule_id, year, month, n) "
        "SELECT library_id, rule_id, year, month, sum(n) FROM quotas_count GROUP BY library_id, rule_id, year, month"
    )


def downgrade() -> None:
    op.drop_index("ix_quotas_activity_open_ended", table_name="quotas_activity")
    op.drop_index("ix_quotas_count_month", table_name="quotas_count")
    op.create_index("ix_quotas_count_library_year", "quotas_count", ["library_id", "year"], unique=False)
    op.drop_table("quotas_month")
