"""quotas, stats: a series' sessions reported on their own (quotas_session_report, stats_session_report); a not-counted row per session

An AttendanceReport with recurrence_id reports one session of a series.  The quotas service kept
it as the report of the whole series: the last session reported decided whether every session
counted (a series of three dropped entirely when its second session was reported not held, and
counted again when the third was reported held).  Such reports are now kept per session, beside
the series' own report, and each session counts by its own report; quotas_uncounted lists each
session reported not held, so its key takes the session's start.

quotas_uncounted is derived (the tally format changed: the service's next batch derives it again
from the stored facts).  The session reports already in the log were stored as the series' reports:
`shuxiang replay` puts them where they belong.  The statistics service keeps them likewise
(stats_session_report; its derivation changed: the report reads the reference until a replay).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 01:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

UNCOUNTED_COMMENT = (
    "The activities credited to a library that count for none of its rules (reported not held, or "
    "cancelled; not merged away), and the sessions of a series reported not held on their own, rewritten "
    "with their facts: the reports list them without reading the year."
)
OLD_UNCOUNTED_COMMENT = (
    "The activities credited to a library that count for none of its rules (reported not held, or "
    "cancelled; not merged away), rewritten with their facts: the reports list them without reading the year."
)


def _uncounted(*, per_session: bool) -> None:
    op.create_table(
        "quotas_uncounted",
        sa.Column("activity_id", sa.String(length=64), nullable=False),
        sa.Column("library_id", sa.String(length=64), nullable=False),
        sa.Column(
            "starts_at",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="its first session's start, or the session's" if per_session else "its first session's start",
        ),
        sa.Column(
            "year",
            sa.Integer(),
            nullable=False,
            comment="of that start, in the alliance time zone"
            if per_session
            else "of its first session, in the alliance time zone",
        ),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False, comment="not_held or cancelled"),
        sa.Column("title", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("activity_id", "library_id", *(["starts_at"] if per_session else [])),
        comment=UNCOUNTED_COMMENT if per_session else OLD_UNCOUNTED_COMMENT,
    )
    op.create_index("ix_quotas_uncounted_year", "quotas_uncounted", ["library_id", "year"])


def upgrade() -> None:
    op.create_table(
        "quotas_session_report",
        sa.Column("library_id", sa.String(length=64), nullable=False),
        sa.Column("source_ref", sa.String(length=200), nullable=False),
        sa.Column(
            "recurrence_id",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="the session's original start (RECURRENCE-ID)",
        ),
        sa.Column("held", sa.Boolean(), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column(
            "stream_seq", sa.BigInteger(), nullable=False, comment="the report's place in the log: the latest wins"
        ),
        sa.PrimaryKeyConstraint("library_id", "source_ref", "recurrence_id"),
        comment="The latest attendance report of each session of a series reported on its own (recurrence_id): "
        "the session's attendance, beside the series' own report in quotas_report.",
    )
    op.create_table(
        "stats_session_report",
        sa.Column("library_id", sa.String(length=64), nullable=False),
        sa.Column("source_ref", sa.String(length=200), nullable=False),
        sa.Column(
            "recurrence_id",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="the session's original start (RECURRENCE-ID)",
        ),
        sa.Column("held", sa.Boolean(), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column(
            "stream_seq", sa.BigInteger(), nullable=False, comment="the report's place in the log: the latest wins"
        ),
        sa.PrimaryKeyConstraint("library_id", "source_ref", "recurrence_id"),
        comment="The latest attendance report of each session of a series reported on its own (recurrence_id).",
    )
    op.drop_index("ix_quotas_uncounted_year", table_name="quotas_uncounted")
    op.drop_table("quotas_uncounted")
    _uncounted(per_session=True)


def downgrade() -> None:
    op.drop_index("ix_quotas_uncounted_year", table_name="quotas_uncounted")
    op.drop_table("quotas_uncounted")
    _uncounted(per_session=False)
    op.drop_table("stats_session_report")
    op.drop_table("quotas_session_report")
