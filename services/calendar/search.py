"""Search over the calendar's activities: Chinese text has no spaces between words, so the
index is of character trigrams, not words.

``calendar_search`` holds one text per activity (title, description without markup, venue,
address, audience, tags), written with its calendar entry.  SQLite indexes it with an FTS5
``trigram`` table kept in step by triggers; PostgreSQL with a ``pg_trgm`` GIN index (when the
extension cannot be installed, ``ILIKE`` still finds the same rows, by reading the table).
A word of three or more characters is looked up in the index; a shorter one (``读书``, two
characters: trigrams cannot hold it, and SQLite's trigram table finds nothing for it) is
matched with ``LIKE`` on the text of each activity the page's time window chose (a probe by
primary key a row), not over every activity's text.
"""

from __future__ import annotations

import html
import logging
import re
from datetime import datetime, timedelta
from typing import Any

import nh3
from sqlalchemy import (
    DDL,
    Column,
    Connection,
    Index,
    String,
    Table,
    Text,
    delete,
    event,
    func,
    insert,
    select,
    text,
    union_all,
)
from sqlalchemy.schema import SchemaItem
from sqlalchemy.sql import ColumnElement, Select
from sqlalchemy.sql.ddl import BaseDDLElement

from shuxiang.db import execute_many, metadata
from shuxiang.schemas import CanonicalActivity

from .tables import calendar_entry
from .window import overlapping

log = logging.getLogger(__name__)

SEARCH_ROWS_PER_STATEMENT = 500
"""Rows of one INSERT into ``calendar_search``: 3 parameters a row, well under SQLite's 32,766."""
MAX_TERMS = 5
MAX_QUERY = 100
"""Characters of a search kept (a longer one is cut): enough for any title."""


def fill_search(connection: Connection) -> None:
    """A data dir from before search: index what the calendar already holds."""
    c = calendar_entry.c
    rows = [
        search_row(CanonicalActivity.model_validate_json(row.snapshot))
        for row in connection.execute(select(c.activity_id, c.snapshot).where(c.snapshot.is_not(None)))
    ]
    _insert_rows(connection, rows)


calendar_search = Table(
    "calendar_search",
    metadata,
    Column("activity_id", String(64), primary_key=True),
    Column("body", Text, nullable=False, comment="what a search looks in: title, description, venue, audience, tags"),
    Column(
        "audience", String(200), nullable=True, index=True, comment="as announced: the calendar page's audience filter"
    ),
    comment="one searchable text per calendar entry (SQLite: FTS5 trigram index; PostgreSQL: pg_trgm)",
    info={"fill": fill_search},
)

_INSERT_SEARCH = insert(calendar_search)

_SQLITE_FTS = [
    (
        "CREATE VIRTUAL TABLE IF NOT EXISTS calendar_search_fts USING fts5("
        "body, content='calendar_search', content_rowid='rowid', tokenize='trigram')"
    ),
    (
        "CREATE TRIGGER IF NOT EXISTS calendar_search_ai AFTER INSERT ON calendar_search BEGIN "
        "INSERT INTO calendar_search_fts(rowid, body) VALUES (new.rowid, new.body); END"
    ),
    (
        "CREATE TRIGGER IF NOT EXISTS calendar_search_ad AFTER DELETE ON calendar_search BEGIN "
        "INSERT INTO calendar_search_fts(calendar_search_fts, rowid, body) VALUES ('delete', old.rowid, old.body); END"
    ),
    (
        "CREATE TRIGGER IF NOT EXISTS calendar_search_au AFTER UPDATE ON calendar_search BEGIN "
        "INSERT INTO calendar_search_fts(calendar_search_fts, rowid, body) VALUES ('delete', old.rowid, old.body); "
        "INSERT INTO calendar_search_fts(rowid, body) VALUES (new.rowid, new.body); END"
    ),
]
for _statement in _SQLITE_FTS:
    event.listen(calendar_search, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
# `shuxiang replay` drops and recreates the table: the index of the old rows goes with it
event.listen(
    calendar_search, "before_drop", DDL("DROP TABLE IF EXISTS calendar_search_fts").execute_if(dialect="sqlite")
)


def _trigram_ready(
    ddl: BaseDDLElement,
    target: SchemaItem | str,
    bind: Connection | None,
    tables: list[Table] | None = None,
    state: Any = None,
    **_: Any,
) -> bool:
    """PostgreSQL: install pg_trgm if it is not (a trusted extension: the database's owner may);
    True when its operator class is usable here.  Without it ILIKE still works, reading the table.
    (No connection — DDL compiled to text — cannot install it either.)"""
    if bind is None or bind.dialect.name != "postgresql":
        return False
    try:
        with bind.begin_nested():
            bind.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except Exception as exc:  # noqa: BLE001 - no right to install extensions: search still works
        log.warning("pg_trgm unavailable (%s): calendar search reads the table", exc.__class__.__name__)
    visible = "SELECT count(*) FROM pg_opclass WHERE opcname = 'gin_trgm_ops' AND pg_opclass_is_visible(oid)"
    return bool(bind.scalar(text(visible)))


Index(
    "ix_calendar_search_body_trgm",
    calendar_search.c.body,
    postgresql_using="gin",
    postgresql_ops={"body": "gin_trgm_ops"},
).ddl_if(callable_=_trigram_ready)


def search_text(activity: CanonicalActivity) -> str:
    """What a search looks in, for one activity."""
    venue = activity.venue
    # the description as a reader sees it (nh3 only when there is one: a call costs ≈ 8 µs, even on "")
    description = html.unescape(nh3.clean(activity.description, tags=set())) if activity.description else ""
    parts = [
        activity.title,
        description,
        venue.name or "",
        venue.address or "",
        activity.audience or "",
        " ".join(activity.tags),
    ]
    return "\n".join(p.strip() for p in parts if p and p.strip())


def search_row(activity: CanonicalActivity) -> dict:
    audience = (activity.audience or "").strip() or None
    return {"activity_id": activity.id, "body": search_text(activity), "audience": audience}


def store_search(connection: Connection, activities: list[CanonicalActivity]) -> None:
    """Replace the search texts of ``activities`` (in the consumer's transaction)."""
    if not activities:
        return
    ids = [a.id for a in activities]
    connection.execute(delete(calendar_search).where(calendar_search.c.activity_id.in_(ids)))
    _insert_rows(connection, [search_row(a) for a in activities])


def _insert_rows(connection: Connection, rows: list[dict]) -> None:
    """The rows in a few statements.  On PostgreSQL one ``COPY`` (:func:`~shuxiang.db.execute_many`;
    row by row the trigram index's inserts came with a statement each).  On SQLite, statements of
    many rows, not one a row: the FTS5 index, kept by the insert trigger, writes out what it holds
    at the end of every statement (a trigger runs in a statement savepoint), so row by row
    (executemany) it wrote and merged a segment a row: ``store_search`` took ≈ 35 µs a row, ≈ 10 µs
    in statements of many rows (the benchmark's activities, bench/README.md "Pipeline throughput")."""
    if connection.dialect.name != "sqlite":
        execute_many(connection, _INSERT_SEARCH, rows)  # a COPY on PostgreSQL
        return
    for start in range(0, len(rows), SEARCH_ROWS_PER_STATEMENT):
        part = rows[start : start + SEARCH_ROWS_PER_STATEMENT]
        values = ", ".join(["(?, ?, ?)"] * len(part))
        parameters = tuple(v for row in part for v in (row["activity_id"], row["body"], row["audience"]))
        connection.exec_driver_sql(
            f"INSERT INTO calendar_search (activity_id, body, audience) VALUES {values}", parameters
        )


def terms(query: str) -> list[str]:
    """The words of a search box's text (whitespace separates them), at most ``MAX_TERMS``."""
    return [t for t in re.split(r"\s+", query.strip()[:MAX_QUERY]) if t][:MAX_TERMS]


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def matching(query: str, dialect: str) -> list[ColumnElement[bool]]:
    """Conditions on ``calendar_entry``: its activity's text holds every word of ``query``.

    A word the trigram index can find (three characters or more; on PostgreSQL when pg_trgm is
    there) is looked up in it; a shorter one is tested on the text of each row the rest of the
    query chose (a correlated EXISTS: one primary-key probe of ``calendar_search`` a row), never
    by reading every activity's text."""
    out: list[ColumnElement[bool]] = []
    c, entry = calendar_search.c, calendar_entry.c
    for index, word in enumerate(terms(query)):
        if len(word) >= 3 and dialect == "sqlite":
            phrase = '"' + word.replace('"', '""') + '"'
            in_index = text(
                f"calendar_search.rowid IN (SELECT rowid FROM calendar_search_fts WHERE calendar_search_fts MATCH :w{index})"
            )
            out.append(entry.activity_id.in_(select(c.activity_id).where(in_index.bindparams(**{f"w{index}": phrase}))))
        elif len(word) >= 3 and dialect == "postgresql":
            out.append(entry.activity_id.in_(select(c.activity_id).where(c.body.ilike(_like(word), escape="\\"))))
        else:
            like = c.body.ilike if dialect == "postgresql" else c.body.like
            out.append(
                select(c.activity_id).where(c.activity_id == entry.activity_id, like(_like(word), escape="\\")).exists()
            )
    return out


TABLES = (calendar_search,)


def audience_ids(audience: str) -> Select:
    """The ids of activities announced for exactly this audience."""
    return select(calendar_search.c.activity_id).where(calendar_search.c.audience == audience)


AUDIENCE_DAYS = 90
"""The audience filter offers the audiences of the activities of the next 90 days."""


def audiences(connection: Connection, since: datetime, most: int = 30) -> list[str]:
    """The audiences the activities of the next :data:`AUDIENCE_DAYS` are announced for, the most
    frequent first (read through the window's index ranges, then by primary key)."""
    c, e = calendar_search.c, calendar_entry.c
    until = since + timedelta(days=AUDIENCE_DAYS)
    # each window row's audience by primary key (a scalar subquery: a join would let PostgreSQL
    # hash the whole of calendar_search for a few thousand rows)
    audience = select(c.audience).where(c.activity_id == e.activity_id).scalar_subquery()
    ahead = union_all(
        *(select(audience.label("audience")).where(part) for part in overlapping(since, until))
    ).subquery()
    query = (
        select(ahead.c.audience)
        .where(ahead.c.audience.is_not(None))
        .group_by(ahead.c.audience)
        .order_by(func.count().desc(), ahead.c.audience)
        .limit(most)
    )
    return list(connection.scalars(query))
