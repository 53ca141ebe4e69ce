"""The intake service's tables: accounts, and each library's activities as last published."""

from datetime import datetime

from sqlalchemy import Boolean, Column, Index, Integer, String, Table, Text
from sqlmodel import Field, SQLModel

from shuxiang.db import TableModel, UTCDateTime, metadata, table_of

NAME = "intake"
"""The service's name: its database, its outbox's source (``service.py`` and ``pull.py`` both write)."""


class AccountFields(SQLModel):
    """Who an account is: the fields a row shares with :class:`~.accounts.Account` (what the web
    routes' ``Signed`` / ``Coordinator`` dependencies give)."""

    name: str = Field(
        max_length=64, sa_column=Column(String(64), primary_key=True, comment="a member id or a coordinator id")
    )
    kind: str = Field(max_length=16, sa_column=Column(String(16), nullable=False, comment="library | coordinator"))


class IntakeAccount(AccountFields, TableModel, table=True):
    """An account's row: one per member library and per coordinator (``shuxiang accounts add``)."""

    __tablename__ = "intake_account"

    password_hash: str = Field(sa_column=Column(Text, nullable=False, comment="argon2id"))
    token_hash: str | None = Field(
        None,
        sa_column=Column(String(64), nullable=True, unique=True, comment="sha256 of the API token (libraries)"),
    )
    session_epoch: int = Field(
        0, sa_column=Column(Integer, nullable=False, default=0, comment="raised on reset: old sessions end")
    )
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


intake_account = table_of(IntakeAccount)
"""The table itself, for Core statements."""

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
    # the dashboard's newest-starting activities of every library (the alliance office): read in
    # index order up to the page's limit instead of sorting every row of the table
    Index("ix_intake_activity_starts_at", "starts_at"),
)

TABLES = (intake_account, intake_activity)
