"""The dedup service's tables: member announcements (sources), canonical activities, reviews.

A source row keeps, besides the latest submission, the normalised keys matching needs
(venue key, start, title key …) in plain columns, so candidates are indexed range queries
on (venue_key, starts_at) and comparing them parses no JSON (only the venue's room, when the
titles are alike enough for it to matter).  ``venue_key`` holds the *site* key since issue 18
(``s:`` / ``w:`` / ``u:`` and a library id, :class:`~.normalize.Site`); ``shuxiang replay``
rebuilds older rows' keys.
"""

from sqlalchemy import BigInteger, Column, Float, Index, Integer, String, Table, Text

from shuxiang.db import UTCDateTime, metadata

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
    Index("ix_dedup_source_venue_start", "venue_key", "starts_at"),
)

dedup_review = Table(
    "dedup_review",
    metadata,
    Column("id", String(64), primary_key=True, comment="derived from the pair of announcements"),
    Column("source_library", String(64), nullable=False),
    Column("source_ref", String(200), nullable=False),
    Column("other_library", String(64), nullable=False),
    Column("other_ref", String(200), nullable=False),
    Column("score", Float, nullable=True),
    Column("reason", String(200), nullable=False),
    Column("status", String(16), nullable=False, comment="pending | merge | apart"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("decided_at", UTCDateTime, nullable=True),
    Column("decided_by", String(64), nullable=True),
    Column("note", Text, nullable=True),
    Index("ix_dedup_review_status", "status", "created_at"),
    Index("ix_dedup_review_source", "source_library", "source_ref"),
    Index("ix_dedup_review_other", "other_library", "other_ref"),
)

TABLES = (dedup_activity, dedup_source, dedup_review)
