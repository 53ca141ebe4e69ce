"""stats: a projection of its own — one row per canonical activity (stats_activity) with its credits, audiences and partners by year, the attendance reports per announcement (stats_report, stats_source), what the rows were derived under (stats_basis)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 23:00:00

/stats, /api/v1/stats and `stats report` parsed every canonical activity (dedup's snapshots) and
every activity's attendance (the quotas service's) on each request: 2.6–4.0 s at 100,000
submissions, growing with the years.  The statistics service now consumes CANONICAL and the
attendance reports itself and keeps, per activity, what the report counts (its year, month,
sessions in the year, outcome, participants, category, campaign, brand, credited libraries), so
a report is an aggregate per view over the rows of the years asked for.

Nothing is filled here.  The service's durable consumers (``stats`` on CANONICAL, ``stats_reports``
on SUBMISSIONS) are new, and a new durable consumer reads its stream from the start (both streams
keep every message: limits retention with no age or size limit), so the projection fills itself
once the upgraded release runs ``shuxiang serve stats`` (the compose file's ``stats`` service).
Until its first batch has stored stats_basis the report computes its figures from the activities
as before (same figures, slower); it reads the rows once the basis is the alliance's.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def _counted() -> list[sa.Column]:
    """The activity's year, outcome and participants, on each of its child rows too."""
    return [
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "stats_activity",
        sa.Column("activity_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "year",
            sa.Integer(),
            nullable=True,
            comment="of its first session, local; NULL: retired, or no session left",
        ),
        sa.Column("month", sa.Integer(), nullable=True),
        sa.Column(
            "sessions", sa.Integer(), nullable=False, comment="its sessions in that year (1 for a single activity)"
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False, comment="held, unreported, not_held or cancelled"),
        sa.Column("participants", sa.Integer(), nullable=False, comment="the largest attendance reported (0: none)"),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("campaign_id", sa.String(length=64), nullable=False, comment="'' for none"),
        sa.Column("brand_id", sa.String(length=64), nullable=True),
        sa.Column("libraries", sa.Integer(), nullable=False, comment="libraries credited (more than one: co-hosted)"),
        sa.PrimaryKeyConstraint("activity_id"),
        comment="The newest version of each canonical activity, as the statistics report counts it.",
    )
    op.create_index(
        "ix_stats_activity_year",
        "stats_activity",
        [
            "year",
            "outcome",
            "libraries",
            "month",
            "category",
            "campaign_id",
            "brand_id",
            "sessions",
            "participants",
            "activity_id",
        ],
        unique=False,
    )
    op.create_table(
        "stats_credit",
        sa.Column("activity_id", sa.String(length=64), nullable=False),
        sa.Column("library_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        *_counted(),
        sa.PrimaryKeyConstraint("activity_id", "library_id"),
        comment="Every library an activity credits, once, in its role (the figures by role and by library; a scope).",
    )
    op.create_index(
        "ix_stats_credit_year", "stats_credit", ["year", "outcome", "library_id", "role", "participants"], unique=False
    )
    op.create_index(
        "ix_stats_credit_library",
        "stats_credit",
        ["library_id", "year", "outcome", "role", "participants", "activity_id"],
        unique=False,
    )
    op.create_table(
        "stats_audience",
        sa.Column("activity_id", sa.String(length=64), nullable=False),
        sa.Column(
            "audience", sa.Text(), nullable=False, comment="an [[audiences]] id, or the free text without a vocabulary"
        ),
        *_counted(),
        sa.PrimaryKeyConstraint("activity_id", "audience"),
        comment="The audiences an activity counts under.",
    )
    op.create_index(
        "ix_stats_audience_year",
        "stats_audience",
        ["year", "outcome", "audience", "participants", "activity_id"],
        unique=False,
    )
    op.create_table(
        "stats_partner",
        sa.Column("activity_id", sa.String(length=64), nullable=False),
        sa.Column("partner", sa.Text(), nullable=False),
        *_counted(),
        sa.PrimaryKeyConstraint("activity_id", "partner"),
        comment="The partners outside the alliance an activity names.",
    )
    op.create_index(
        "ix_stats_partner_year",
        "stats_partner",
        ["year", "outcome", "partner", "participants", "activity_id"],
        unique=False,
    )
    op.create_table(
        "stats_source",
        sa.Column("activity_id", sa.String(length=64), nullable=False),
        sa.Column("library_id", sa.String(length=64), nullable=False),
        sa.Column("source_ref", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("activity_id", "library_id", "source_ref"),
        comment="The announcements an activity's newest version lists (joins reports to activities).",
    )
    op.create_index("ix_stats_source_ref", "stats_source", ["library_id", "source_ref"], unique=False)
    op.create_table(
        "stats_report",
        sa.Column("library_id", sa.String(length=64), nullable=False),
        sa.Column("source_ref", sa.String(length=200), nullable=False),
        sa.Column("held", sa.Boolean(), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column(
            "stream_seq", sa.BigInteger(), nullable=False, comment="the report's place in the log: the latest wins"
        ),
        sa.PrimaryKeyConstraint("library_id", "source_ref"),
        comment="The latest attendance report of each announcement (a report may come before its activity).",
    )
    op.create_table(
        "stats_basis",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False, comment="always 1: one row"),
        sa.Column(
            "basis",
            sa.String(length=64),
            nullable=False,
            comment="the time zone and audience vocabulary (derivation_basis)",
        ),
        sa.Column("derived_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        comment="What the rows were derived under: the report reads them only while it is the alliance's.",
    )


def downgrade() -> None:
    op.drop_table("stats_basis")
    op.drop_table("stats_report")
    op.drop_index("ix_stats_source_ref", table_name="stats_source")
    op.drop_table("stats_source")
    op.drop_index("ix_stats_partner_year", table_name="stats_partner")
    op.drop_table("stats_partner")
    op.drop_index("ix_stats_audience_year", table_name="stats_audience")
    op.drop_table("stats_audience")
    op.drop_index("ix_stats_credit_library", table_name="stats_credit")
    op.drop_index("ix_stats_credit_year", table_name="stats_credit")
    op.drop_table("stats_credit")
    op.drop_index("ix_stats_activity_year", table_name="stats_activity")
    op.drop_table("stats_activity")
