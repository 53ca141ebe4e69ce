"""quotas: quotas_month changed by each activity's change of counts, months summing to 0 kept out

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 12:00:00

quotas_month was re-summed from quotas_count for every month a batch touched (a DELETE and an
INSERT … SELECT over an OR of hundreds of cells a batch: the largest part of the quotas
projection's statements).  It is now changed by exactly what an activity's rows of quotas_count
changed by, read before and after in the same transaction, and a month whose sum falls to 0 has
no row (a month without a row reads as 0, as before).  This drops the rows 0003 and the old
re-summing left at 0, so that the table is what a recount (``month_sums``) gives, and says so in
the table's comment.
"""

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

NEW_COMMENT = (
    "quotas_count summed per library, rule and month: each row changed by what an activity's rows of "
    "quotas_count changed by, in the same transaction, so a recount reads twelve rows per rule, not the year's activities."
)
OLD_COMMENT = (
    "quotas_count summed per library, rule and month: each row re-summed from quotas_count whenever one of its rows "
    "changes (never incremented), so a recount reads twelve rows per rule, not the year's activities."
)


def upgrade() -> None:
    op.execute("DELETE FROM quotas_month WHERE n = 0")
    op.create_table_comment("quotas_month", NEW_COMMENT, existing_comment=OLD_COMMENT)


def downgrade() -> None:
    op.create_table_comment("quotas_month", OLD_COMMENT, existing_comment=NEW_COMMENT)
