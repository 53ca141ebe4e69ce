"""digests: each activity's span of session starts, and the indexes a digest reads its period by

Revision ID: 0015
Revises: 0012
Create Date: 2026-12-05 18:40:00

A digest read every activity of its scope, all years, to pick the period's changes, the next
fortnight's sessions, the open reviews and the campaign windows coming up.  It now reads each
through an index: ``created_at`` (with ``updated_at``'s), ``first_start`` and a partial index
of ``last_start`` over the activities whose sessions start at different times (series), the
open reviews (partial), and (``campaign_id``, ``starts_at``) instead of ``campaign_id`` alone.

Rows stored before have no span (NULL): every digest reads them as before until the digests
service, at its next start, fills them from their snapshots (it knows the alliance's zone, in
which a series' sessions fall).
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "digests_activity",
        sa.Column(
            "first_start",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="the earliest start of any of its sessions (a session moved earlier included); "
            "NULL: not yet known (a row stored before this column, or a series stored without the zone)",
        ),
    )
    op.add_column(
        "digests_activity",
        sa.Column(
            "last_start",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="the latest start of any of its sessions; 9999-12-31 for a series without end; NULL as first_start",
        ),
    )
    op.create_index("ix_digests_activity_created_at", "digests_activity", ["created_at"], unique=False)
    op.create_index("ix_digests_activity_first_start", "digests_activity", ["first_start"], unique=False)
    op.create_index(
        "ix_digests_activity_series_last_start",
        "digests_activity",
        ["last_start"],
        unique=False,
        sqlite_where=sa.text("last_start > first_start"),
        postgresql_where=sa.text("last_start > first_start"),
    )
    op.drop_index(op.f("ix_digests_activity_campaign_id"), table_name="digests_activity")
    op.create_index(
        "ix_digests_activity_campaign_start", "digests_activity", ["campaign_id", "starts_at"], unique=False
    )
    op.create_index(
        "ix_digests_review_open",
        "digests_review",
        ["activity_id"],
        unique=False,
        sqlite_where=sa.text("decided_at IS NULL"),
        postgresql_where=sa.text("decided_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_digests_review_open", table_name="digests_review")
    op.drop_index("ix_digests_activity_campaign_start", table_name="digests_activity")
    op.create_index(op.f("ix_digests_activity_campaign_id"), "digests_activity", ["campaign_id"], unique=False)
    op.drop_index("ix_digests_activity_series_last_start", table_name="digests_activity")
    op.drop_index("ix_digests_activity_first_start", table_name="digests_activity")
    op.drop_index("ix_digests_activity_created_at", table_name="digests_activity")
    op.drop_column("digests_activity", "last_start")
    op.drop_column("digests_activity", "first_start")
