"""calendar: how far each activity's sessions reach past its first start (span_class), an index
of (span_class, starts_at, activity_id) and one of until

The calendar page, its agenda and the embed asked for rows with ``starts_at < end AND until >
start``: read through the index of starts_at, every activity before the month (with 88,000
activities over three years, the whole past).  With the span class each part of the question is
one index range, ``span_class = k AND starts_at >= start - reach(k) AND starts_at < end``
(services/calendar/window.py).  The feeds' window (``until >= now - 90 days``) gets the index of
until, and their last departure (the latest ``until`` of a status) one of (status, until).  Existing rows are classed here from their columns and snapshot, so no replay is needed
(embedded data dirs get the column empty: those rows are read as open-ended until replayed).

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-05 19:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "calendar_entry",
        sa.Column(
            "span_class",
            sa.SmallInteger(),
            nullable=True,
            comment="how far its sessions may reach past starts_at: 0 one session within a day, 1 up to 32 days, "
            "2 up to 400 days, 3 longer or open-ended (services/calendar/window.py); NULL: stored before 0014",
        ),
    )
    # the classes of services/calendar/window.py's span_class: single = no rule and no override
    op.execute(
        """
        UPDATE calendar_entry SET span_class = CASE
            WHEN until IS NULL OR snapshot IS NULL THEN 3
            WHEN until - starts_at <= interval '1 day'
                 AND (convert_from(snapshot, 'UTF8')::jsonb ->> 'recurrence') IS NULL
                 AND coalesce(convert_from(snapshot, 'UTF8')::jsonb -> 'overrides', '[]') IN ('[]', 'null')
                THEN 0
            WHEN until - starts_at <= interval '32 days' THEN 1
            WHEN until - starts_at <= interval '400 days' THEN 2
            ELSE 3
        END
        """
    )
    op.create_index(
        "ix_calendar_entry_span", "calendar_entry", ["span_class", "starts_at", "activity_id"], unique=False
    )
    op.create_index("ix_calendar_entry_until", "calendar_entry", ["until"], unique=False)
    op.create_index("ix_calendar_entry_status_until", "calendar_entry", ["status", "until"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_calendar_entry_status_until", table_name="calendar_entry")
    op.drop_index("ix_calendar_entry_until", table_name="calendar_entry")
    op.drop_index("ix_calendar_entry_span", table_name="calendar_entry")
    op.drop_column("calendar_entry", "span_class")
