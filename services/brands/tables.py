"""The brands service's tables.

Facts only, no counters: the brand registry's own entries (brands added through
the API; the alliance file's brands are read from the configuration), the
canonical activities as last seen (one row per activity, its newest version),
their occurrences, credited libraries and merged announcements, the attendance
reports, and the link corrections people made.  Every figure is derived from
these by queries and pure functions (:mod:`.figures`).
"""

from sqlalchemy import JSON, BigInteger, Boolean, Column, Index, Integer, String, Table, Text

from shuxiang.db import UTCDateTime, metadata

brands_registered = Table(
    "brands_registered",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("library_id", String(64), nullable=False),
    Column("since", Integer, nullable=True),
    Column("category", String(32), nullable=False),
    Column("description", Text, nullable=True),
    Column("keywords", JSON, nullable=False),
    Column("partners", JSON, nullable=False),
    Column("registered_by", String(64), nullable=False),
    Column("registered_at", UTCDateTime, nullable=False),
    comment="Brands added through the API or the web form (the alliance file's brands are not copied here).",
)

brands_activity = Table(
    "brands_activity",
    metadata,
    Column("activity_id", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("title", String(200), nullable=False),
    Column("category", String(32), nullable=False),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("ends_at", UTCDateTime, nullable=False),
    Column("series", Boolean, nullable=False, comment="recurs (RRULE)"),
    Column("venue_key", String(300), nullable=False, comment="venue id, else the normalised name, else 'online'"),
    Column("venue_name", String(200), nullable=True),
    Column("declared_brand_id", String(64), nullable=True, comment="brand_id as announced"),
    Column("inferred_brand_id", String(64), nullable=True, comment="from the title and the registry"),
    Column("brand_id", String(64), nullable=True, comment="the effective link (correction > declared > inferred)"),
    Column("link", String(16), nullable=True, comment="explicit | inferred | corrected"),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("canonical_seq", BigInteger, nullable=False),
    Index("ix_brands_activity_brand", "brand_id", "starts_at"),
)

brands_occurrence = Table(
    "brands_occurrence",
    metadata,
    Column("activity_id", String(64), primary_key=True),
    Column("starts_at", UTCDateTime, primary_key=True),
    comment="Each session of an activity: one row, or one per RRULE occurrence less EXDATEs.",
)

brands_activity_library = Table(
    "brands_activity_library",
    metadata,
    Column("activity_id", String(64), primary_key=True),
    Column("library_id", String(64), primary_key=True),
    Column("role", String(16), nullable=False),
)

brands_source = Table(
    "brands_source",
    metadata,
    Column("library_id", String(64), primary_key=True),
    Column("source_ref", String(200), primary_key=True),
    Column("activity_id", String(64), nullable=False, index=True),
    comment="Which canonical activity a member's announcement is merged into (from the snapshots' sources).",
)

brands_attendance = Table(
    "brands_attendance",
    metadata,
    Column("library_id", String(64), primary_key=True),
    Column("source_ref", String(200), primary_key=True),
    Column("held", Boolean, nullable=False),
    Column("participants", Integer, nullable=False),
    Column("notes", Text, nullable=True),
    Column("reported_at", UTCDateTime, nullable=False),
    Column("stream_seq", BigInteger, nullable=False, comment="the latest report wins"),
    comment="Attendance reports, per announcement (library_id, source_ref).",
)

brands_session_attendance = Table(
    "brands_session_attendance",
    metadata,
    Column("library_id", String(64), primary_key=True),
    Column("source_ref", String(200), primary_key=True),
    Column("recurrence_id", UTCDateTime, primary_key=True, comment="the session's original start (RECURRENCE-ID)"),
    Column("held", Boolean, nullable=False),
    Column("participants", Integer, nullable=False),
    Column("notes", Text, nullable=True),
    Column("reported_at", UTCDateTime, nullable=False),
    Column("stream_seq", BigInteger, nullable=False, comment="the latest report of the session wins"),
    comment="Attendance reports of one session of a series, per announcement.",
)

brands_correction = Table(
    "brands_correction",
    metadata,
    Column("activity_id", String(64), primary_key=True),
    Column("brand_id", String(64), nullable=True, comment="NULL: not a session of any brand"),
    Column("corrected_by", String(64), nullable=False, comment="the owning library or a coordinator"),
    Column("note", Text, nullable=True),
    Column("corrected_at", UTCDateTime, nullable=False),
    comment="A person's decision on an activity's brand; outlives later versions of the activity.",
)

TABLES = (
    brands_registered,
    brands_activity,
    brands_occurrence,
    brands_activity_library,
    brands_source,
    brands_attendance,
    brands_session_attendance,
    brands_correction,
)
