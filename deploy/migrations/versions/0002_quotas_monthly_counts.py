"""quotas: what each activity adds to a library's rule by month (quotas_count)

A recount sums these rows instead of re-reading every activity of the year.  Existing
deployments fill the table with `shuxiang replay` (docs/operations.md, "Upgrading").

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 21:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "quotas_count",
        sa.Column("activity_id", sa.String(length=64), nullable=False),
        sa.Column("library_id", sa.String(length=64), nullable=False),
        sa.Column("rule_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False, comment="1-12, in the alliance time zone"),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("activity_id", "library_id", "rule_id", "year", "month"),
        comment="What each counting activity adds to a library's rule, by month (derived from the facts when they change; open-ended series are tallied from their facts instead): a recount sums these.",
    )
    op.create_index("ix_quotas_count_library_year", "quotas_count", ["library_id", "year"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_quotas_count_library_year", table_name="quotas_count")
    op.drop_table("quotas_count")
