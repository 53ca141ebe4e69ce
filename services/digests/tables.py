"""The digests service's tables: its own projection of canonical activities, and the digests sent."""

from sqlalchemy import BigInteger, Column, Index, Integer, LargeBinary, String, Table, Text

from shuxiang.db import UTCDateTime, metadata

digests_activity = Table(
    "digests_activity",
    metadata,
    Column("activity_id", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("event_type", String(32), nullable=False, comment="the canonical event that brought this version"),
    Column("status", String(16), nullable=False),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("brand_id", String(64), nullable=True, index=True),
    Column("campaign_id", String(64), nullable=True, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("snapshot", Text, nullable=False, comment="the CanonicalActivity JSON of this version"),
    Column("canonical_seq", BigInteger, nullable=False),
    Index("ix_digests_activity_updated_at", "updated_at"),
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
    comment="Possible duplicates the dedup service asked a coordinator to review, open until decided.",
)

digests_sent = Table(
    "digests_sent",
    metadata,
    Column("coordinator_id", String(64), primary_key=True),
    Column("period", String(64), primary_key=True),
    Column(
        "status",
        String(16),
        nullable=False,
        comment="pending → sending → sent; failed (gave up); uncertain (crashed mid-send: never resent)",
    ),
    Column("recipient", String(320), nullable=False),
    Column("subject", String(500), nullable=False),
    Column("message_id", String(300), nullable=False, unique=True, comment="stable per coordinator and period"),
    Column("eml", LargeBinary, nullable=False, comment="the rendered message, sent byte for byte on every attempt"),
    Column("since", UTCDateTime, nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("claimed_at", UTCDateTime, nullable=True),
    Column("claimed_by", String(200), nullable=True),
    Column("sent_at", UTCDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_digests_sent_status", "status", "next_attempt_at"),
    comment="One row per coordinator and period: the at-most-once record of every digest.",
)

TABLES = (digests_activity, digests_activity_library, digests_review, digests_sent)
