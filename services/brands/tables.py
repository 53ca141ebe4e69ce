"""The brands service's tables.

Facts: the brand registry's own entries (brands added through the API; the alliance file's
brands are read from the configuration), the canonical activities as last seen (one row per
activity, its newest version), their occurrences, credited libraries and merged announcements,
the attendance reports, and the link corrections people made.  Every figure is derived from
these by queries and pure functions (:mod:`.figures`).

Kept tallies, derived from those facts by the handlers (:mod:`.tallies`) so that the list of
brands (/brands, /api/v1/brands, ``brands report``, the digests' quiet brands) reads a few rows
per brand and month rather than every brand's history: ``brands_day`` (per brand and local day)
and ``brands_month`` (its months' sums), and ``brands_basis``, what they were derived under.
"""

from datetime import datetime
from typing import Annotated

from pydantic import Field as PydanticField
from sqlalchemy import JSON, BigInteger, Boolean, Column, Date, Index, Integer, String, Table, Text, text
from sqlmodel import Field, SQLModel

from shuxiang.db import TableModel, UTCDateTime, metadata, table_of
from shuxiang.schemas.submission import LIBRARY_ID_PATTERN, Category

Slug = Annotated[str, PydanticField(pattern=LIBRARY_ID_PATTERN, max_length=64)]


class BrandFields(SQLModel):
    """A registered brand programme (一馆一品): the fields the API's body
    (:class:`~.registry.BrandCreate`) shares with the registry's row (:class:`BrandRegistered`)."""

    id: Slug = Field(
        description="lower-case ascii id, used in URLs and feeds, e.g. jn-gushang",
        sa_column=Column(String(64), primary_key=True),
    )
    name: str = Field(
        min_length=1,
        max_length=100,
        description="the brand's name, e.g. 沽上讲堂",
        sa_column=Column(String(100), nullable=False, unique=True),
    )
    library_id: Slug = Field(description="the owning member library", sa_column=Column(String(64), nullable=False))
    since: int | None = Field(
        None, ge=1949, le=2100, description="the year of the first edition", sa_column=Column(Integer, nullable=True)
    )
    category: Category = Field(sa_column=Column(String(32), nullable=False))
    description: str | None = Field(None, max_length=2000, sa_column=Column(Text, nullable=True))
    keywords: list[Annotated[str, PydanticField(min_length=1, max_length=50)]] = Field(
        default_factory=list, max_length=20, sa_column=Column(JSON, nullable=False)
    )
    partners: list[Slug] = Field(default_factory=list, max_length=50, sa_column=Column(JSON, nullable=False))
    registered_by: Slug | None = Field(
        None,
        description="the coordinator who registers it: set from the account (a body naming someone else is refused)",
        sa_column=Column(String(64), nullable=False),
    )


class BrandRegistered(BrandFields, TableModel, table=True):
    """A brand added through the API or the web form, as the brands service applied it."""

    __tablename__ = "brands_registered"
    __table_args__ = {
        "comment": "Brands added through the API or the web form (the alliance file's brands are not copied here)."
    }

    registered_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


brands_registered = table_of(BrandRegistered)
"""The table itself, for Core statements."""

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
    Index(  # /api/v1/brands/links: the newest linked activities, without reading (and sorting) the unlinked
        "ix_brands_activity_linked",
        "starts_at",
        sqlite_where=text("link IS NOT NULL"),
        postgresql_where=text("link IS NOT NULL"),
    ),
)

brands_occurrence = Table(
    "brands_occurrence",
    metadata,
    Column("activity_id", String(64), primary_key=True),
    Column("starts_at", UTCDateTime, primary_key=True),
    Index("ix_brands_occurrence_start", "starts_at"),  # the sessions of a day, to derive its tallies
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


def _tally_columns() -> list[Column]:
    """What a brand's counted activities add up to over a day (``brands_day``) or a month (``brands_month``)."""
    return [
        Column("sessions", Integer, nullable=False, comment="sessions of counted activities"),
        Column("editions", Integer, nullable=False, comment="counted activities whose first session is here"),
        Column("participants", Integer, nullable=False, comment="of those editions (reported figures)"),
        Column("reported", Integer, nullable=False, comment="editions with a participants figure"),
        Column("inferred", Integer, nullable=False, comment="activities linked by inference, by their start"),
        Column("first_start", UTCDateTime, nullable=True, comment="the earliest counted session"),
        Column("first_title", String(200), nullable=True, comment="its activity's title (ties: lowest id)"),
        Column("last_start", UTCDateTime, nullable=True, comment="the latest counted session"),
        Column("libraries", JSON, nullable=False, comment="credited libraries of the activities with a session here"),
        Column("venues", JSON, nullable=False, comment="their venues (name, else key)"),
    ]


brands_day = Table(
    "brands_day",
    metadata,
    Column("brand_id", String(64), primary_key=True),
    Column("day", Date, primary_key=True, comment="a local day in the alliance's time zone"),
    *_tally_columns(),
    comment="Per brand and local day, what its counted activities add up to (kept by the handlers).",
)

brands_month = Table(
    "brands_month",
    metadata,
    Column("brand_id", String(64), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("month", Integer, primary_key=True),
    *_tally_columns(),
    comment="Per brand and local month, the sums of its brands_day rows: the list of brands reads these.",
)

brands_basis = Table(
    "brands_basis",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False, comment="always 1: one row"),
    Column("basis", String(64), nullable=False, comment="the tallies' derivation and time zone (tally_basis)"),
    Column("derived_at", UTCDateTime, nullable=False),
    comment="What brands_day and brands_month were derived under: the list reads them while it is the "
    "alliance's, and derives the figures from the facts otherwise (the service's next batch derives them again).",
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
    brands_day,
    brands_month,
    brands_basis,
)
