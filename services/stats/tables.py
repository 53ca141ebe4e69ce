"""The statistics service's tables: one narrow row per canonical activity, what the report counts.

Each row holds what :func:`~.figures.item_of` makes of the activity's newest version — its year
(of its first session, in the alliance's time zone), month, sessions in that year, outcome,
participants, category, campaign, brand, how many libraries it credits — and its child rows the
credited libraries in their roles, the audiences it counts under and its partners, each with the
year, so that the report reads only the years it asks for with an aggregate per view
(:mod:`.store`).  Attendance reports are kept per announcement (``stats_report``) and joined to
activities through ``stats_source``, as the quotas service does (:mod:`shuxiang.services.attendance`).
``stats_basis`` names what the rows were derived under (the time zone, the audience vocabulary).
"""

from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, String, Table, Text

from shuxiang.db import UTCDateTime, metadata
from shuxiang.services.attendance import session_report_table


def _counted() -> list[Column]:
    """The activity's year, outcome and participants, kept on each of its child rows too, so that a
    view of them is read from one index (outcome and participants change with its reports)."""
    return [
        Column("year", Integer, nullable=False),
        Column("outcome", String(16), nullable=False),
        Column("participants", Integer, nullable=False),
    ]


stats_activity = Table(
    "stats_activity",
    metadata,
    Column("activity_id", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("year", Integer, nullable=True, comment="of its first session, local; NULL: retired, or no session left"),
    Column("month", Integer, nullable=True),
    Column("sessions", Integer, nullable=False, comment="its sessions in that year (1 for a single activity)"),
    Column("status", String(16), nullable=False),
    Column("outcome", String(16), nullable=False, comment="held, unreported, not_held or cancelled"),
    Column("participants", Integer, nullable=False, comment="the largest attendance reported (0: none)"),
    Column("category", String(32), nullable=False),
    Column("campaign_id", String(64), nullable=False, comment="'' for none"),
    Column("brand_id", String(64), nullable=True),
    Column("libraries", Integer, nullable=False, comment="libraries credited (more than one: co-hosted)"),
    # every column an aggregate of the report reads: a year's rows straight from the index (PostgreSQL
    # chose to read the whole table for two years of ten through a narrower one)
    Index(
        "ix_stats_activity_year",
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
    ),
    comment="The newest version of each canonical activity, as the statistics report counts it.",
)

stats_credit = Table(
    "stats_credit",
    metadata,
    Column("activity_id", String(64), primary_key=True),
    Column("library_id", String(64), primary_key=True),
    Column("role", String(16), nullable=False),
    *_counted(),
    Index("ix_stats_credit_year", "year", "outcome", "library_id", "role", "participants"),
    Index("ix_stats_credit_library", "library_id", "year", "outcome", "role", "participants", "activity_id"),
    comment="Every library an activity credits, once, in its role (the figures by role and by library; a scope).",
)

stats_audience = Table(
    "stats_audience",
    metadata,
    Column("activity_id", String(64), primary_key=True),
    Column("audience", Text, primary_key=True, comment="an [[audiences]] id, or the free text without a vocabulary"),
    *_counted(),
    Index("ix_stats_audience_year", "year", "outcome", "audience", "participants", "activity_id"),
    comment="The audiences an activity counts under.",
)

stats_partner = Table(
    "stats_partner",
    metadata,
    Column("activity_id", String(64), primary_key=True),
    Column("partner", Text, primary_key=True),
    *_counted(),
    Index("ix_stats_partner_year", "year", "outcome", "partner", "participants", "activity_id"),
    comment="The partners outside the alliance an activity names.",
)

stats_source = Table(
    "stats_source",
    metadata,
    Column("activity_id", String(64), primary_key=True),
    Column("library_id", String(64), primary_key=True),
    Column("source_ref", String(200), primary_key=True),
    Index("ix_stats_source_ref", "library_id", "source_ref"),
    comment="The announcements an activity's newest version lists (joins reports to activities).",
)

stats_report = Table(
    "stats_report",
    metadata,
    Column("library_id", String(64), primary_key=True),
    Column("source_ref", String(200), primary_key=True),
    Column("held", Boolean, nullable=False),
    Column("participants", Integer, nullable=False),
    Column("stream_seq", BigInteger, nullable=False, comment="the report's place in the log: the latest wins"),
    comment="The latest attendance report of each announcement (a report may come before its activity).",
)

stats_session_report = session_report_table(
    "stats_session_report",
    "The latest attendance report of each session of a series reported on its own (recurrence_id).",
)

stats_basis = Table(
    "stats_basis",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False, comment="always 1: one row"),
    Column("basis", String(64), nullable=False, comment="the time zone and audience vocabulary (derivation_basis)"),
    Column("derived_at", UTCDateTime, nullable=False),
    comment="What the rows were derived under: the report reads them only while it is the alliance's.",
)

TABLES = (
    stats_activity,
    stats_credit,
    stats_audience,
    stats_partner,
    stats_source,
    stats_report,
    stats_session_report,
    stats_basis,
)
