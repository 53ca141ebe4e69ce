"""quotas: the latest attendance report of each announcement (quotas_report); audiences

Also quotas_activity.audiences: the alliance's [[audiences]] an activity's free-text audience
names, for quota rules by audience (NULL for rows from before: a replay fills them).

An activity reported as not held (未举办) was still credited.  The quotas service now consumes
attendance reports too and keeps the latest per announcement; the reports already in the log
reach this table by `shuxiang replay` (the quotas tables are a projection of the log).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 05:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "quotas_report",
        sa.Column("library_id", sa.String(length=64), nullable=False),
        sa.Column("source_ref", sa.String(length=200), nullable=False),
        sa.Column("held", sa.Boolean(), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column(
            "stream_seq", sa.BigInteger(), nullable=False, comment="the report's place in the log: the latest wins"
        ),
        sa.PrimaryKeyConstraint("library_id", "source_ref"),
        comment="The latest attendance report of each announcement: held (举办) or not (未举办), and how many came. Joined to activities through quotas_source, so a report may come before its activity.",
    )

    op.add_column(
        "quotas_activity",
        sa.Column(
            "audiences", sa.JSON(), nullable=True, comment="the [[audiences]] ids its audience text names, when stored"
        ),
    )


def downgrade() -> None:
    op.drop_column("quotas_activity", "audiences")
    op.drop_table("quotas_report")
