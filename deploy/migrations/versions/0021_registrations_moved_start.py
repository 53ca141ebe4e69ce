"""registrations: when a sign-up's session starts now (registrations_entry.starts_at)

A series' session moved on its own keeps its key (the start the rule gives it), so its sign-ups
stay its own; the day-before reminder and the rating question were timed by that key — a session
moved a day later got its "see you tomorrow" about 34 hours early.  The column holds the moved
start (NULL: the key is the start); the service fills it when the library moves the session.  Rows
of sessions moved before this migration are filled by the next change of their activity, or by
`shuxiang replay`.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 02:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "registrations_entry",
        sa.Column(
            "starts_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="when the session starts now, if not at its key (a series' session moved on its own): "
            "reminders go by it",
        ),
    )


def downgrade() -> None:
    op.drop_column("registrations_entry", "starts_at")
