"""intake: an index on intake_activity.starts_at (the dashboard of a coordinator of every library)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 23:30:00

`/submit` lists the 500 newest-starting activities an account may see.  For the alliance office
(every library) that was an ORDER BY starts_at over the whole table: every row, with its
submission's JSON, read and sorted on each visit (≈ 160–310 ms at 100,000 submissions, growing
with the years).  With this index it reads the first 500 entries of the index.  A library's
own dashboard keeps reading its rows through the primary key.
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_intake_activity_starts_at", "intake_activity", ["starts_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_intake_activity_starts_at", table_name="intake_activity")
