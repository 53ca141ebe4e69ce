"""The intake service's tables: accounts, and each library's activities as last published."""

from sqlalchemy import Boolean, Column, Integer, String, Table, Text

from shuxiang.db import UTCDateTime, metadata

NAME = "intake"
"""The service's name: its database, its outbox's source (``service.py`` and ``pull.py`` both write)."""

intake_account = Table(
    "intake_account",
    metadata,
    Column("name", String(64), primary_key=True, comment="a member id or a coordinator id"),
    Column("kind", String(16), nullable=False, comment="library | coordinator"),
    Column("password_hash", Text, nullable=False, comment="argon2id"),
    Column("token_hash", String(64), nullable=True, unique=True, comment="sha256 of the API token (libraries)"),
    Column("session_epoch", Integer, nullable=False, default=0, comment="raised on reset: old sessions end"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

intake_activity = Table(
    "intake_activity",
    metadata,
    Column("library_id", String(64), primary_key=True),
    Column("source_ref", String(200), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("title", String(200), nullable=False),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("submission", Text, nullable=False, comment="the latest ActivitySubmission as JSON"),
    Column("channel", String(16), nullable=False, comment="form | api | broker (anything else published)"),
    Column("held", Boolean, nullable=True, comment="the last attendance report"),
    Column("participants", Integer, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
)

TABLES = (intake_account, intake_activity)
