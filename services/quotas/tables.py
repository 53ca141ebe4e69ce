"""The quotas service's tables: the facts of each canonical activity, newest version only.

Tallies are never stored as counters: they are derived from these facts
(:func:`shuxiang.services.quotas.tally.tally`) — what each activity adds to a rule by month
(``quotas_count``, summed in ``quotas_month``) and the activities listed as not counted
(``quotas_uncounted``) are rewritten from an activity's facts whenever they change, and
``quotas_basis`` names the rules they were derived under.  ``quotas_state`` only remembers
the last state published per library, rule and year, so each transition is published once.
"""

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Connection,
    Index,
    Insert,
    Integer,
    String,
    Table,
    Text,
    func,
    insert,
    select,
)

from shuxiang.db import UTCDateTime, metadata
from shuxiang.services.attendance import session_report_table

quotas_activity = Table(
    "quotas_activity",
    metadata,
    Column("activity_id", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("event_type", String(16), nullable=False, comment="the canonical event that brought this version"),
    Column("status", String(16), nullable=False),
    Column("title", Text, nullable=False),
    Column("category", String(32), nullable=False),
    Column("featured", Boolean, nullable=False),
    Column("campaign_id", String(64), nullable=True),
    Column("tags", JSON, nullable=False),
    Column("audiences", JSON, nullable=True, comment="the [[audiences]] ids its audience text names, when stored"),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("recurrence", String(500), nullable=True),
    Column("exdates", JSON, nullable=False, comment="ISO 8601 instants of cancelled occurrences"),
    Column("last_start", UTCDateTime, nullable=True, comment="start of the last occurrence; NULL: open-ended"),
    Column("updated_at", UTCDateTime, nullable=False, comment="the snapshot's updated_at (broker time)"),
    Column("canonical_seq", BigInteger, nullable=False),
    Index("ix_quotas_activity_starts_at", "starts_at"),
    Index("ix_quotas_activity_open_ended", "last_start", "starts_at"),  # last_start IS NULL: the open-ended series
)

quotas_credit = Table(
    "quotas_credit",
    metadata,
    Column("activity_id", String(64), primary_key=True),
    Column("library_id", String(64), primary_key=True, index=True),
    Column("role", String(16), nullable=False),
    comment="Every library credited by the newest version of an activity, once, in its role.",
)

quotas_source = Table(
    "quotas_source",
    metadata,
    Column("activity_id", String(64), primary_key=True),
    Column("library_id", String(64), primary_key=True),
    Column("source_ref", String(200), primary_key=True),
    Column("updated_at", UTCDateTime, nullable=False, comment="the listing snapshot's updated_at"),
    Index("ix_quotas_source_ref", "library_id", "source_ref"),
    comment="The announcements an activity's newest version lists; one listed by a newer snapshot of "
    "another activity has been merged into that one.",
)

quotas_report = Table(
    "quotas_report",
    metadata,
    Column("library_id", String(64), primary_key=True),
    Column("source_ref", String(200), primary_key=True),
    Column("held", Boolean, nullable=False),
    Column("participants", Integer, nullable=False),
    Column("stream_seq", BigInteger, nullable=False, comment="the report's place in the log: the latest wins"),
    comment="The latest attendance report of each announcement: held (举办) or not (未举办), and how many came. "
    "Joined to activities through quotas_source, so a report may come before its activity.",
)

quotas_session_report = session_report_table(
    "quotas_session_report",
    "The latest attendance report of each session of a series reported on its own (recurrence_id): "
    "the session's attendance, beside the series' own report in quotas_report.",
)

quotas_state = Table(
    "quotas_state",
    metadata,
    Column("library_id", String(64), primary_key=True),
    Column("rule_id", String(64), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("state", String(16), nullable=False),
    Column("attained", Integer, nullable=False),
    Column("target", Integer, nullable=False),
    Column("changed_at", UTCDateTime, nullable=False),
    comment="The last evaluated state per library, rule and year: what was published.",
)

quotas_count = Table(
    "quotas_count",
    metadata,
    Column("activity_id", String(64), primary_key=True),
    Column("library_id", String(64), primary_key=True),
    Column("rule_id", String(64), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("month", Integer, primary_key=True, comment="1-12, in the alliance time zone"),
    Column("n", Integer, nullable=False),
    Index("ix_quotas_count_month", "library_id", "rule_id", "year", "month"),
    comment="What each counting activity adds to a library's rule, by month (derived from the facts when they "
    "change; open-ended series are tallied from their facts instead): a recount sums these.",
)

quotas_month = Table(
    "quotas_month",
    metadata,
    Column("library_id", String(64), primary_key=True),
    Column("rule_id", String(64), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("month", Integer, primary_key=True, comment="1-12, in the alliance time zone"),
    Column("n", Integer, nullable=False),
    Index("ix_quotas_month_year", "year", "library_id"),  # a report reads one year of many libraries
    comment="quotas_count summed per library, rule and month: each row changed by what an activity's rows of "
    "quotas_count changed by, in the same transaction, so a recount reads twelve rows per rule, not the year's activities.",
)

MONTH = (quotas_count.c.library_id, quotas_count.c.rule_id, quotas_count.c.year, quotas_count.c.month)


quotas_uncounted = Table(
    "quotas_uncounted",
    metadata,
    Column("activity_id", String(64), primary_key=True),
    Column("library_id", String(64), primary_key=True),
    Column("starts_at", UTCDateTime, primary_key=True, comment="its first session's start, or the session's"),
    Column("year", Integer, nullable=False, comment="of that start, in the alliance time zone"),
    Column("role", String(16), nullable=False),
    Column("outcome", String(16), nullable=False, comment="not_held or cancelled"),
    Column("title", Text, nullable=False),
    Index("ix_quotas_uncounted_year", "library_id", "year"),
    comment="The activities credited to a library that count for none of its rules (reported not held, or "
    "cancelled; not merged away), and the sessions of a series reported not held on their own, rewritten "
    "with their facts: the reports list them without reading the year.",
)

quotas_basis = Table(
    "quotas_basis",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False, comment="always 1: one row"),
    Column("basis", String(64), nullable=False, comment="sha-256 of the rules' counting terms (tally_basis)"),
    Column("derived_at", UTCDateTime, nullable=False),
    comment="The rules quotas_count, quotas_month and quotas_uncounted were derived under: reports read "
    "them while the alliance's rules count the same, and recount the year from the facts otherwise.",
)


def month_sums() -> Insert:
    """INSERT into quotas_month the sums of quotas_count per library, rule and month, but those that
    are 0 (a month that sums to 0 has no row: ``shuxiang.services.quotas.store.add_to_months``)."""
    return insert(quotas_month).from_select(
        ["library_id", "rule_id", "year", "month", "n"],
        select(*MONTH, func.sum(quotas_count.c.n)).group_by(*MONTH).having(func.sum(quotas_count.c.n) != 0),
    )


def fill_month_sums(connection: Connection) -> None:
    """quotas_month for a data dir from before it (what migration 0003 does on PostgreSQL)."""
    connection.execute(month_sums())


quotas_month.info["fill"] = fill_month_sums  # shuxiang.db.Databases.create_tables

TABLES = (
    quotas_activity,
    quotas_credit,
    quotas_source,
    quotas_report,
    quotas_session_report,
    quotas_state,
    quotas_count,
    quotas_month,
    quotas_uncounted,
    quotas_basis,
)
