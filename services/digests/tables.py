"""The digests service's tables: its own projection of canonical activities, and the digests sent."""

from datetime import UTC, datetime

from sqlalchemy import BigInteger, Column, Index, Integer, LargeBinary, String, Table, Text, text
from sqlmodel import Field

from shuxiang.db import TableModel, UTCDateTime, metadata, table_of

OPEN_ENDED = datetime(9999, 12, 31, tzinfo=UTC)
"""``last_start`` of a series without end (no COUNT or UNTIL): after every digest's window."""

digests_activity = Table(
    "digests_activity",
    metadata,
    Column("activity_id", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("event_type", String(32), nullable=False, comment="the canonical event that brought this version"),
    Column("status", String(16), nullable=False),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("brand_id", String(64), nullable=True, index=True),
    Column("campaign_id", String(64), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("snapshot", Text, nullable=False, comment="the CanonicalActivity JSON of this version"),
    Column("canonical_seq", BigInteger, nullable=False),
    Column(
        "first_start",
        UTCDateTime,
        nullable=True,
        comment="the earliest start of any of its sessions (a session moved earlier included); "
        "NULL: not yet known (a row stored before this column, or a series stored without the zone)",
    ),
    Column(
        "last_start",
        UTCDateTime,
        nullable=True,
        comment="the latest start of any of its sessions; 9999-12-31 for a series without end; NULL as first_start",
    ),
    Index("ix_digests_activity_updated_at", "updated_at"),
    Index("ix_digests_activity_created_at", "created_at"),
    Index("ix_digests_activity_first_start", "first_start"),  # also the rows not yet known (IS NULL)
    Index(
        "ix_digests_activity_series_last_start",
        "last_start",
        sqlite_where=text("last_start > first_start"),
        postgresql_where=text("last_start > first_start"),
    ),  # only the activities with sessions at different times: a series (5 %), not every single one
    Index("ix_digests_activity_campaign_start", "campaign_id", "starts_at"),
    comment="Newest version of every canonical activity, as the digests read them.",
)

digests_activity_library = Table(
    "digests_activity_library",
    metadata,
    Column("activity_id", String(64), primary_key=True),
    Column("library_id", String(64), primary_key=True, index=True),
    Column("role", String(16), nullable=False),
)

digests_review = Table(
    "digests_review",
    metadata,
    Column("review_id", String(400), primary_key=True, comment="from the review-needed event's message id"),
    Column("activity_id", String(64), nullable=True, index=True),
    Column("opened_at", UTCDateTime, nullable=True),
    Column("decided_at", UTCDateTime, nullable=True, comment="a coordinator's decision (shuxiang.review.decided.*)"),
    Index(
        "ix_digests_review_open",
        "activity_id",
        sqlite_where=text("decided_at IS NULL"),
        postgresql_where=text("decided_at IS NULL"),
    ),
    comment="Possible duplicates the dedup service asked a coordinator to review, open until decided.",
)


class DigestSent(TableModel, table=True):
    """One row per coordinator and period: the at-most-once record of every digest (the due handler
    writes it, the sender claims and sends it, ``shuxiang digest`` reports it)."""

    __tablename__ = "digests_sent"
    __table_args__ = (
        Index("ix_digests_sent_status", "status", "next_attempt_at"),
        {"comment": "One row per coordinator and period: the at-most-once record of every digest."},
    )

    coordinator_id: str = Field(sa_column=Column(String(64), primary_key=True))
    period: str = Field(sa_column=Column(String(64), primary_key=True))
    status: str = Field(
        sa_column=Column(
            String(16),
            nullable=False,
            comment="pending → sending → sent; failed (gave up); uncertain (crashed mid-send: never resent)",
        )
    )
    recipient: str = Field(sa_column=Column(String(320), nullable=False))
    subject: str = Field(sa_column=Column(String(500), nullable=False))
    message_id: str = Field(
        sa_column=Column(String(300), nullable=False, unique=True, comment="stable per coordinator and period")
    )
    eml: bytes = Field(
        sa_column=Column(
            LargeBinary, nullable=False, comment="the rendered message, sent byte for byte on every attempt"
        )
    )
    since: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    due_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    attempts: int = Field(0, sa_column=Column(Integer, nullable=False, default=0))
    next_attempt_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    claimed_at: datetime | None = Field(None, sa_column=Column(UTCDateTime, nullable=True))
    claimed_by: str | None = Field(None, sa_column=Column(String(200), nullable=True))
    sent_at: datetime | None = Field(None, sa_column=Column(UTCDateTime, nullable=True))
    last_error: str | None = Field(None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


digests_sent = table_of(DigestSent)
"""The table itself, for Core statements (the sender's claims are conditional UPDATEs)."""

TABLES = (digests_activity, digests_activity_library, digests_review, digests_sent)
