"""brands: the kept tallies per brand and day / month (brands_day, brands_month), what they were derived under (brands_basis), the sessions by start

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 12:00:00

/brands, /api/v1/brands, `brands report` and the digests' quiet brands derived every brand's
figures from all of its activities, sessions, credits and reports on every request (≈ 0.35–0.4 s
at 100,000 submissions, growing with the years).  They now read a row per brand and month
(brands_month) and the days of the current month (brands_day), which the brands handlers keep;
brands_basis names what those were derived under.  Nothing is filled here: with no basis stored
the list derives its figures from the activities as before, and the brands service's next batch
derives the tallies from the stored facts (services/brands/tallies.py), once.  The handlers find a
day's sessions through ix_brands_occurrence_start.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def _tally_columns() -> list[sa.Column]:
    return [
        sa.Column("sessions", sa.Integer(), nullable=False, comment="sessions of counted activities"),
        sa.Column("editions", sa.Integer(), nullable=False, comment="counted activities whose first session is here"),
        sa.Column("participants", sa.Integer(), nullable=False, comment="of those editions (reported figures)"),
        sa.Column("reported", sa.Integer(), nullable=False, comment="editions with a participants figure"),
        sa.Column("inferred", sa.Integer(), nullable=False, comment="activities linked by inference, by their start"),
        sa.Column("first_start", sa.DateTime(timezone=True), nullable=True, comment="the earliest counted session"),
        sa.Column(
            "first_title", sa.String(length=200), nullable=True, comment="its activity's title (ties: lowest id)"
        ),
        sa.Column("last_start", sa.DateTime(timezone=True), nullable=True, comment="the latest counted session"),
        sa.Column(
            "libraries", sa.JSON(), nullable=False, comment="credited libraries of the activities with a session here"
        ),
        sa.Column("venues", sa.JSON(), nullable=False, comment="their venues (name, else key)"),
    ]


def upgrade() -> None:
    op.create_table(
        "brands_day",
        sa.Column("brand_id", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False, comment="a local day in the alliance's time zone"),
        *_tally_columns(),
        sa.PrimaryKeyConstraint("brand_id", "day"),
        comment="Per brand and local day, what its counted activities add up to (kept by the handlers).",
    )
    op.create_table(
        "brands_month",
        sa.Column("brand_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("month", sa.Integer(), autoincrement=False, nullable=False),
        *_tally_columns(),
        sa.PrimaryKeyConstraint("brand_id", "year", "month"),
        comment="Per brand and local month, the sums of its brands_day rows: the list of brands reads these.",
    )
    op.create_table(
        "brands_basis",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False, comment="always 1: one row"),
        sa.Column(
            "basis", sa.String(length=64), nullable=False, comment="the tallies' derivation and time zone (tally_basis)"
        ),
        sa.Column("derived_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        comment="What brands_day and brands_month were derived under: the list reads them while it is the "
        "alliance's, and derives the figures from the facts otherwise (the service's next batch derives them again).",
    )
    op.create_index("ix_brands_occurrence_start", "brands_occurrence", ["starts_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_brands_occurrence_start", table_name="brands_occurrence")
    op.drop_table("brands_basis")
    op.drop_table("brands_month")
    op.drop_table("brands_day")
