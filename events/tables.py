"""Tables every consuming service has: inbox, outbox, dead letters."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
)

from shuxiang.db import UTCDateTime, metadata

inbox = Table(
    "inbox",
    metadata,
    Column("consumer", String(64), primary_key=True),
    Column("msg_id", String(400), primary_key=True),
    Column("stream_seq", BigInteger, nullable=False),
    Column("processed_at", UTCDateTime, nullable=False),
    comment="Messages a consumer has processed; written in the same transaction as their effects.",
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("producer", String(64), nullable=False, index=True),
    Column("msg_id", String(400), nullable=False, unique=True),
    Column("subject", String(255), nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    comment="Derived events waiting to be published; deleted once the broker has them.",
)

dead_letter = Table(
    "dead_letter",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("consumer", String(64), nullable=False, index=True),
    Column("subject", String(255), nullable=False),
    Column("stream_seq", BigInteger, nullable=True),
    Column("msg_id", String(400), nullable=True),
    Column("reason", Text, nullable=False),
    Column("message_time", UTCDateTime, nullable=True, comment="the broker's time of the message"),
    Column("headers", JSON, nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("replayed_at", UTCDateTime, nullable=True),
    comment="Messages that could not be processed, kept with the reason; replayable.",
)

EVENT_TABLES = (inbox, outbox, dead_letter)
