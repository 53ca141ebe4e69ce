"""The dedup service's tables: member announcements (sources), canonical activities, reviews.

A source row keeps, besides the latest submission, the normalised keys matching needs
(venue key, start, title key …) in plain columns, so candidates are indexed range queries
on (venue_key, starts_at) and comparing them parses no JSON (only the venue's room, when the
titles are alike enough for it to matter).  ``venue_key`` holds the *site* key since issue 18
(``s:`` / ``w:`` / ``u:`` and a library id, :class:`~.normalize.Site`); ``shuxiang replay``
rebuilds older rows' keys.
"""

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Column, Float, Index, Integer, String, Table, Text, text
from sqlmodel import Field, SQLModel

from shuxiang.db import TableModel, UTCDateTime, metadata, table_of

dedup_activity = Table(
    "dedup_activity",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("snapshot", Text, nullable=False, comment="the CanonicalActivity as JSON"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_dedup_activity_starts_at", "starts_at"),
)

dedup_source = Table(
    "dedup_source",
    metadata,
    Column("library_id", String(64), primary_key=True),
    Column("source_ref", String(200), primary_key=True),
    Column("activity_id", String(64), nullable=False, index=True),
    Column("revision", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("submission", Text, nullable=False, comment="the latest ActivitySubmission as JSON"),
    Column("stream_seq", BigInteger, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("first_seq", BigInteger, nullable=False, comment="stream sequence of its first message: arrival order"),
    Column("venue_key", String(300), nullable=False, comment="v:<venue_id> | n:<cleaned name> | online"),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("ends_at", UTCDateTime, nullable=False),
    Column("title", String(200), nullable=False),
    Column("title_key", String(400), nullable=False, comment="the normalised title"),
    Column("books", Text, nullable=False, comment="works named in 《》, normalised, '|'-separated"),
    Column("episode", String(16), nullable=True),
    Column("category", String(32), nullable=False),
    Column("credits", Text, nullable=False, comment="library:role,… as the announcement credits them"),
    Column("recurrence", String(500), nullable=True),
    Column(
        "spans_day",
        Boolean,
        nullable=True,
        comment="an all-day, date-only or day-long entry (an exhibition): its twins may start hours later",
    ),
    Column(
        "moved_from",
        UTCDateTime,
        nullable=True,
        comment="a postponement's original start, as its re-announcement states it",
    ),
    Index("ix_dedup_source_venue_start", "venue_key", "starts_at"),
    Index(
        "ix_dedup_source_day_or_moved",
        "venue_key",
        "starts_at",
        sqlite_where=text("(spans_day OR moved_from IS NOT NULL)"),
        postgresql_where=text("(spans_day OR moved_from IS NOT NULL)"),
    ),
    Index(
        "ix_dedup_source_moved_at",
        "venue_key",
        "starts_at",
        sqlite_where=text("moved_from IS NOT NULL"),
        postgresql_where=text("moved_from IS NOT NULL"),
    ),
    Index(
        "ix_dedup_source_moved_from",
        "moved_from",
        sqlite_where=text("moved_from IS NOT NULL"),
        postgresql_where=text("moved_from IS NOT NULL"),
    ),
)

dedup_credit = Table(
    "dedup_credit",
    metadata,
    Column("library_id", String(64), primary_key=True, comment="a library the announcement credits besides its writer"),
    Column("starts_at", UTCDateTime, primary_key=True, comment="the announcement's start"),
    Column("source_library", String(64), primary_key=True),
    Column("source_ref", String(200), primary_key=True),
    Index("ix_dedup_credit_source", "source_library", "source_ref"),
)
"""Who each announcement credits, by start: a co-host's post that lists nobody finds the host's
post that credits it, wherever either is held (the organisers as a graph, looked up both ways)."""


class ReviewFields(SQLModel):
    """A pair of announcements waiting for a coordinator, or decided: the fields the review's
    row (:class:`DedupReview`) shares with the API's and the page's :class:`~.reviews.Review`."""

    id: str = Field(sa_column=Column(String(64), primary_key=True, comment="derived from the pair of announcements"))
    source_library: str = Field(sa_column=Column(String(64), nullable=False))
    source_ref: str = Field(sa_column=Column(String(200), nullable=False))
    other_library: str = Field(sa_column=Column(String(64), nullable=False))
    other_ref: str = Field(sa_column=Column(String(200), nullable=False))
    score: float | None = Field(None, sa_column=Column(Float, nullable=True))
    reason: str = Field(sa_column=Column(String(200), nullable=False))
    status: str = Field(sa_column=Column(String(16), nullable=False, comment="pending | merge | apart"))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    decided_at: datetime | None = Field(None, sa_column=Column(UTCDateTime, nullable=True))
    decided_by: str | None = Field(None, sa_column=Column(String(64), nullable=True))
    note: str | None = Field(None, sa_column=Column(Text, nullable=True))


class DedupReview(ReviewFields, TableModel, table=True):
    """A review's row: the pair, the matcher's reason (or "decided"), the coordinator's decision."""

    __tablename__ = "dedup_review"
    __table_args__ = (
        Index("ix_dedup_review_status", "status", "created_at"),
        Index("ix_dedup_review_source", "source_library", "source_ref"),
        Index("ix_dedup_review_other", "other_library", "other_ref"),
    )


dedup_review = table_of(DedupReview)
"""The table itself, for Core statements (the batch repository writes reviews with the sources)."""

TABLES = (dedup_activity, dedup_source, dedup_credit, dedup_review)
