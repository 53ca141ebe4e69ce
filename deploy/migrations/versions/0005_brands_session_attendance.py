"""brands: attendance reported per session of a series (brands_session_attendance)

An AttendanceReport may name one session of a series (recurrence_id, its original start);
such reports are kept per session instead of replacing the series' own report.

Revision ID: 0005
Revises: 0004 (calendar search)
Create Date: 2026-12-05 05:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "brands_session_attendance",
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
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stream_seq", sa.BigInteger(), nullable=False, comment="the latest report of the session wins"),
        sa.PrimaryKeyConstraint("library_id", "source_ref", "recurrence_id"),
        comment="Attendance reports of one session of a series, per announcement.",
    )


def downgrade() -> None:
    op.drop_table("brands_session_attendance")
