"""Queries: the stored facts a brand's figures are derived from."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Row, and_, bindparam, inspect, select

from shuxiang.alliance import Alliance, Brand

from .figures import ACTIVE, BrandActivity, BrandFigures, Coverage, brand_figures, coverage
from .registry import load_registry, registered_brands
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


def _by_ids(connection: Connection, statement, ids: list[str]) -> Iterator[Row[Any]]:
    """The rows ``statement`` selects for these activity ids, a chunk of ids at a time."""
    for first in range(0, len(ids), IDS_PER_STATEMENT):
        yield from connection.execute(statement, {"ids": ids[first : first + IDS_PER_STATEMENT]})


def brand_activities(connection: Connection, brand_ids: Iterable[str]) -> dict[str, list[BrandActivity]]:
    """The activities linked to these brands, with their sessions, credited libraries and
    attendance, grouped by brand.  The activities come from the brand index
    (``ix_brands_activity_brand``), the rest by their ids (each table's index of activity ids): a
    brand's page reads that brand's rows only — a join from the brand's activities let
    PostgreSQL hash every session, credit and announcement of the alliance instead."""
    rows = connection.execute(select(brands_activity).where(brands_activity.c.brand_id.in_(list(brand_ids)))).all()
    ids = sorted(row.activity_id for row in rows)
    starts: dict[str, list[datetime]] = defaultdict(list)
    for activity_id, start in _by_ids(connection, _SESSIONS, ids):
        starts[activity_id].append(start)
    libraries: dict[str, set[str]] = defaultdict(set)
    for activity_id, library_id in _by_ids(connection, _LIBRARIES, ids):
        libraries[activity_id].add(library_id)
    reports: dict[str, list[tuple[bool, int]]] = defaultdict(list)
    for activity_id, held, participants in _by_ids(connection, _REPORTS, ids):
        reports[activity_id].append((held, participants))
    add_session_reports(connection, ids, reports)
    grouped: dict[str, list[BrandActivity]] = defaultdict(list)
    for row in rows:
        held, participants = attendance(reports.get(row.activity_id, []))
        grouped[row.brand_id].append(
            BrandActivity(
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
        )
    return grouped


def add_session_reports(connection: Connection, ids: list[str], reports: dict[str, list[tuple[bool, int]]]) -> None:
    """A series reported session by session, and not as a whole: one report of the sessions' sum.

    Per session, co-hosts report the same audience (the largest figure); the series held if any
    session was.  A report on the whole series, when there is one, is what counts.
    """
    by_session: dict[str, dict[datetime, list[tuple[bool, int]]]] = defaultdict(lambda: defaultdict(list))
    for activity_id, when, held, participants in _by_ids(connection, _SESSION_REPORTS, ids):
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


@dataclass(frozen=True)
class BrandEntry:
    brand: Brand
    origin: str
    """"config" (the alliance file) or "registered" (through the API)."""
    figures: BrandFigures
    activities: tuple[BrandActivity, ...]


@dataclass(frozen=True)
class BrandsReport:
    today: date
    entries: tuple[BrandEntry, ...]
    coverage: Coverage

    def entry(self, brand_id: str) -> BrandEntry | None:
        return next((e for e in self.entries if e.brand.id == brand_id), None)


def brands_report(engine: Engine, alliance: Alliance, today: date) -> BrandsReport:
    """Every brand with its figures, and the alliance's 一馆一品 coverage: the registry's brands'
    activities read through the brand index (an activity linked to no brand, or to an id the
    registry does not hold, is not read)."""
    with engine.connect() as connection:
        registry = load_registry(connection, alliance)
        entries = _entries(connection, alliance, list(registry.values()), today)
    figures_by_id = {e.brand.id: e.figures for e in entries}
    return BrandsReport(
        today=today, entries=tuple(entries), coverage=coverage(alliance, list(registry.values()), figures_by_id)
    )


def brand_entry(engine: Engine, alliance: Alliance, brand_id: str, today: date) -> BrandEntry | None:
    """One brand with its figures and activities, from its own rows only (a brand's page): the same
    entry as :func:`brands_report`'s, without the other brands'.  None when the registry has no such brand."""
    with engine.connect() as connection:
        brand = load_registry(connection, alliance).get(brand_id)
        if brand is None:
            return None
        [entry] = _entries(connection, alliance, [brand], today)
    return entry


def _entries(connection: Connection, alliance: Alliance, brands: list[Brand], today: date) -> list[BrandEntry]:
    """These brands' entries: their activities (by the brand index), figures and origin."""
    registered = {brand.id for brand, _ in registered_brands(connection)}
    activities = brand_activities(connection, [brand.id for brand in brands])
    entries = []
    for brand in brands:
        own = activities.get(brand.id, [])
        figures = brand_figures(
            brand.id,
            own,
            today=today,
            tz=alliance.tz,
            quiet_after_days=alliance.quiet_after_days,
            lapsed_after_days=alliance.lapsed_after_days,
        )
        origin = "registered" if brand.id in registered and alliance.brand(brand.id) is None else "config"
        entries.append(BrandEntry(brand=brand, origin=origin, figures=figures, activities=tuple(own)))
    return entries


def linked_activity_ids(engine: Engine, brand_id: str) -> list[str]:
    """The canonical activities linked to ``brand_id`` — declared, inferred from the title or
    corrected — for a brand's feed (``/feeds/brands/{id}.ics``)."""
    with engine.connect() as connection:
        return list(
            connection.scalars(
                select(brands_activity.c.activity_id)
                .where(brands_activity.c.brand_id == brand_id)
                .order_by(brands_activity.c.starts_at, brands_activity.c.activity_id)
            )
        )


def brands_gone_quiet(
    engine: Engine, alliance: Alliance, today: date, libraries: Iterable[str] | None = None
) -> list[BrandEntry]:
    """The brands of ``libraries`` (None: all) that are quiet or lapsed as of ``today``, by the same
    figures as /brands, so a digest and the brands page never disagree on a brand's status.
    Nothing when the brands service has no data yet."""
    if not inspect(engine).has_table(brands_activity.name):
        return []
    wanted = None if libraries is None else set(libraries)
    with engine.connect() as connection:
        brands = [b for b in load_registry(connection, alliance).values() if wanted is None or b.library_id in wanted]
        entries = _entries(connection, alliance, brands, today)  # only these libraries' brands' rows
    return [entry for entry in entries if entry.figures.status != ACTIVE]
