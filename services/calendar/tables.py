"""The calendar service's tables: one stored VEVENT fragment per canonical activity."""

from sqlalchemy import BigInteger, Column, Index, Integer, LargeBinary, SmallInteger, String, Table

from shuxiang.db import UTCDateTime, metadata

calendar_entry = Table(
    "calendar_entry",
    metadata,
    Column("activity_id", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("until", UTCDateTime, nullable=True, comment="end of the last occurrence; NULL: open-ended series"),
    Column("category", String(32), nullable=False),
    Column("brand_id", String(64), nullable=True, index=True),
    Column("campaign_id", String(64), nullable=True, index=True),
    Column("vevent", LargeBinary, nullable=False, comment="the rendered VEVENT, CRLF, folded"),
    Column("changed_at", UTCDateTime, nullable=False),
    Column("canonical_seq", BigInteger, nullable=False, comment="CANONICAL stream sequence of the last change"),
    Column(
        "snapshot",
        LargeBinary,
        nullable=True,
        comment="the CanonicalActivity as JSON, for the calendar page (NULL only in rows stored before "
        "this column existed: `shuxiang replay` fills it)",
    ),
    Column(
        "span_class",
        SmallInteger,
        nullable=True,
        comment="how far its sessions may reach past starts_at: 0 one session within a day, 1 up to 32 days, "
        "2 up to 400 days, 3 longer or open-ended (services/calendar/window.py); NULL: stored before 0014",
    ),
    Index("ix_calendar_entry_starts_at", "starts_at"),
    Index("ix_calendar_entry_span", "span_class", "starts_at", "activity_id"),
    Index("ix_calendar_entry_until", "until"),
    Index("ix_calendar_entry_status_until", "status", "until"),
    Index("ix_calendar_entry_canonical_seq", "canonical_seq"),
)

calendar_entry_library = Table(
    "calendar_entry_library",
    metadata,
    Column("activity_id", String(64), primary_key=True),
    Column("library_id", String(64), primary_key=True, index=True),
    Column("role", String(16), nullable=False),
)

calendar_state = Table(
    "calendar_state",
    metadata,
    Column("id", Integer, primary_key=True, comment="always 1: one row"),
    Column("revision", BigInteger, nullable=False, comment="raised by every change to calendar_entry"),
    Column("changed_at", UTCDateTime, nullable=False, comment="broker time of the latest change"),
    comment="the calendar's state token: feeds cached under an older revision are stale",
)

TABLES = (calendar_entry, calendar_entry_library, calendar_state)
