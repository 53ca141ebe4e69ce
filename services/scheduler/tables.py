"""The scheduler's tables: the leadership lease and the last period fired per coordinator."""

from sqlalchemy import Column, Integer, String, Table

from shuxiang.db import UTCDateTime, metadata

scheduler_lease = Table(
    "scheduler_lease",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("holder", String(200), nullable=False, comment="the replica that fires digests until expires_at"),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("renewed_at", UTCDateTime, nullable=False),
    comment="One row per lease: only its holder fires digests; renewed on every check.",
)

scheduler_fired = Table(
    "scheduler_fired",
    metadata,
    Column("coordinator_id", String(64), primary_key=True),
    Column("period", String(64), nullable=False, comment="the last period fired, e.g. 2026-W48"),
    Column("due_at", UTCDateTime, nullable=False, comment="its scheduled instant"),
    Column("missed_periods", Integer, nullable=False, default=0),
    Column("fired_at", UTCDateTime, nullable=False),
    comment="The last digest period fired per coordinator; written with the outbox row of its message.",
)

TABLES = (scheduler_lease, scheduler_fired)
