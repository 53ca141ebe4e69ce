"""The stored facts of brand-linked activities, read by ids: each activity with its sessions,
credited libraries and attendance (:class:`~.figures.BrandActivity`), for a brand's page
(:mod:`.store`) and for deriving the kept tallies (:mod:`.tallies`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Row, and_, bindparam, select

from .figures import BrandActivity
from .tables import (
    brands_activity,
    brands_activity_library,
    brands_attendance,
    brands_occurrence,
    brands_session_attendance,
    brands_source,
)

IDS_PER_STATEMENT = 2000
_SESSIONS = select(brands_occurrence.c.activity_id, brands_occurrence.c.starts_at).where(
    brands_occurrence.c.activity_id.in_(bindparam("ids", expanding=True))
)
_LIBRARIES = select(brands_activity_library.c.activity_id, brands_activity_library.c.library_id).where(
    brands_activity_library.c.activity_id.in_(bindparam("ids", expanding=True))
)
_REPORTS = (
    select(brands_source.c.activity_id, brands_attendance.c.held, brands_attendance.c.participants)
    .join(
        brands_attendance,
        and_(
            brands_attendance.c.library_id == brands_source.c.library_id,
            brands_attendance.c.source_ref == brands_source.c.source_ref,
        ),
    )
    .where(brands_source.c.activity_id.in_(bindparam("ids", expanding=True)))
)
_SESSION_REPORTS = (
    select(
        brands_source.c.activity_id,
        brands_session_attendance.c.recurrence_id,
        brands_session_attendance.c.held,
        brands_session_attendance.c.participants,
    )
    .join(
        brands_session_attendance,
        and_(
            brands_session_attendance.c.library_id == brands_source.c.library_id,
            brands_session_attendance.c.source_ref == brands_source.c.source_ref,
        ),
    )
    .where(brands_source.c.activity_id.in_(bindparam("ids", expanding=True)))
)


def by_ids(connection: Connection, statement, ids: list[str]) -> Iterator[Any]:
    """The rows ``statement`` selects for these activity ids, a chunk of ids at a time."""
    for first in range(0, len(ids), IDS_PER_STATEMENT):
        yield from connection.execute(statement, {"ids": ids[first : first + IDS_PER_STATEMENT]})


def brand_activities(connection: Connection, brand_ids: Iterable[str]) -> dict[str, list[BrandActivity]]:
    """The activities linked to these brands, with their sessions, credited libraries and
    attendance, grouped by brand (each brand's in the order of their ids).  The activities come
    from the brand index (``ix_brands_activity_brand``), the rest by their ids (each table's index
    of activity ids): a brand's page reads that brand's rows only — a join from the brand's
    activities let PostgreSQL hash every session, credit and announcement of the alliance instead."""
    rows = list(connection.execute(select(brands_activity).where(brands_activity.c.brand_id.in_(list(brand_ids)))))
    grouped: dict[str, list[BrandActivity]] = defaultdict(list)
    for row, activity in _activities(connection, rows):
        grouped[row.brand_id].append(activity)
    return grouped


_ACTIVITIES = select(brands_activity).where(
    brands_activity.c.activity_id.in_(bindparam("ids", expanding=True)), brands_activity.c.brand_id.is_not(None)
)


def activities_of(connection: Connection, ids: list[str], tz: ZoneInfo) -> list[tuple[str, date, BrandActivity]]:
    """The activities of these ids that are linked to a brand: (brand id, local day of its start, activity)."""
    rows = list(by_ids(connection, _ACTIVITIES, ids))
    return [(row.brand_id, row.starts_at.astimezone(tz).date(), a) for row, a in _activities(connection, rows)]


def _activities(connection: Connection, rows: list[Row[Any]]) -> list[tuple[Row[Any], BrandActivity]]:
    """These activity rows with their sessions, credited libraries and attendance, in the order of
    their ids (which decides between two sessions at the same instant)."""
    rows = sorted(rows, key=lambda row: row.activity_id)
    ids = [row.activity_id for row in rows]
    starts: dict[str, list[datetime]] = defaultdict(list)
    for activity_id, start in by_ids(connection, _SESSIONS, ids):
        starts[activity_id].append(start)
    libraries: dict[str, set[str]] = defaultdict(set)
    for activity_id, library_id in by_ids(connection, _LIBRARIES, ids):
        libraries[activity_id].add(library_id)
    reports: dict[str, list[tuple[bool, int]]] = defaultdict(list)
    for activity_id, held, participants in by_ids(connection, _REPORTS, ids):
        reports[activity_id].append((held, participants))
    add_session_reports(connection, ids, reports)
    found = []
    for row in rows:
        held, participants = attendance(reports.get(row.activity_id, []))
        activity = BrandActivity(
            activity_id=row.activity_id,
            title=row.title,
            status=row.status,
            occurrences=tuple(sorted(starts.get(row.activity_id, []))),
            venue_key=row.venue_key,
            venue_name=row.venue_name,
            libraries=frozenset(libraries.get(row.activity_id, ())),
            link=row.link,
            held=held,
            participants=participants,
        )
        found.append((row, activity))
    return found


def add_session_reports(connection: Connection, ids: list[str], reports: dict[str, list[tuple[bool, int]]]) -> None:
    """A series reported session by session, and not as a whole: one report of the sessions' sum.

    Per session, co-hosts report the same audience (the largest figure); the series held if any
    session was.  A report on the whole series, when there is one, is what counts.
    """
    by_session: dict[str, dict[datetime, list[tuple[bool, int]]]] = defaultdict(lambda: defaultdict(list))
    for activity_id, when, held, participants in by_ids(connection, _SESSION_REPORTS, ids):
        by_session[activity_id][when].append((held, participants))
    for activity_id, sessions in by_session.items():
        if reports.get(activity_id):
            continue
        figures = [attendance(found) for found in sessions.values()]
        held = any(h for h, _ in figures)
        reports[activity_id].append((held, sum(p or 0 for h, p in figures if h)))


def attendance(reports: list[tuple[bool, int]]) -> tuple[bool | None, int | None]:
    """(held, participants) of an activity from its announcements' reports: co-hosts report
    the same audience, so the largest figure, not the sum."""
    if not reports:
        return None, None
    held = [participants for was_held, participants in reports if was_held]
    if not held:
        return False, None
    return True, max(held)
