"""Which stored activities may have a session in a time range, found through an index.

An activity's row holds its first start (``starts_at``) and the end of its last session
(``until``).  "A session overlaps ``[start, end)``" is ``starts_at < end AND until > start``:
two ranges, and an index on either column still reads every row on one side of the range
(with 88,000 activities over three years, the whole past or the whole future).  So each row
also says how far its sessions may reach past its first start (``span_class``): a single
session within a day, up to a month (an exhibition), up to 400 days (a series), or longer
(an open-ended series).  Within a class the start is bounded on both sides,
``start - reach <= starts_at < end``, a range of the index ``(span_class, starts_at, …)``:
what one month's page reads is that month's rows and the few long ones reaching into it.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, or_, select, union_all
from sqlalchemy.sql import ColumnElement, Select

from .tables import calendar_entry

SPANS = (timedelta(days=1), timedelta(days=32), timedelta(days=400))
"""The reach of span classes 0, 1 and 2 (class 3: longer, or no end)."""
OPEN = len(SPANS)
SINGLE = 0
"""One session within a day, not a series and not moved: its session is ``starts_at`` itself."""


def span_class(starts_at: datetime, until: datetime | None, *, single: bool) -> int:
    """The class of a row: ``single`` when the activity is one session as announced (no rule, no
    override), the only kind in class 0 (its row's start is the session's)."""
    if until is None:
        return OPEN
    reach = until - starts_at
    for index in range(SINGLE if single else SINGLE + 1, len(SPANS)):
        if reach <= SPANS[index]:
            return index
    return OPEN


def overlapping(start: datetime, end: datetime) -> list[ColumnElement[bool]]:
    """One condition per span class on ``calendar_entry``: the rows with a session overlapping
    ``[start, end)``, each an index range (single sessions: only those that begin in it)."""
    c = calendar_entry.c
    parts: list[ColumnElement[bool]] = [and_(c.span_class == SINGLE, c.starts_at >= start, c.starts_at < end)]
    for index in range(SINGLE + 1, OPEN):
        reach = SPANS[index]
        parts.append(and_(c.span_class == index, c.starts_at >= start - reach, c.starts_at < end, c.until > start))
    for unbounded in (c.span_class == OPEN, c.span_class.is_(None)):  # NULL: stored before 0014, until replayed
        parts.append(and_(unbounded, c.starts_at < end, or_(c.until.is_(None), c.until > start)))
    return parts


def rows_overlapping(columns: Sequence, start: datetime, end: datetime, conditions: Sequence = ()) -> Select:
    """``columns`` of the rows with a session overlapping ``[start, end)`` meeting ``conditions``
    (every span class but single sessions: those are paged by :func:`single_sessions`)."""
    parts = overlapping(start, end)[1:]
    return union_all(*(select(*columns).where(part, *conditions) for part in parts))  # type: ignore[return-value]


def single_sessions(columns: Sequence, conditions: Sequence = ()) -> Select:
    """``columns`` of the single-session rows meeting ``conditions``, in (start, id) order: the
    index ``(span_class, starts_at, activity_id)`` read in order, so a LIMIT stops it."""
    c = calendar_entry.c
    return select(*columns).where(c.span_class == SINGLE, *conditions).order_by(c.starts_at, c.activity_id)


def encode_cursor(moment: datetime, activity_id: str) -> str:
    """An opaque position in (start, id) order: base64url of ``<UTC ISO>|<id>``."""
    raw = f"{moment.astimezone(UTC).isoformat()}|{activity_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str] | None:
    """The (moment, id) of :func:`encode_cursor`'s text; None when it is not one."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        when, _, activity_id = raw.partition("|")
        moment = datetime.fromisoformat(when)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        return None
    if moment.tzinfo is None or not activity_id:
        return None
    return moment, activity_id
