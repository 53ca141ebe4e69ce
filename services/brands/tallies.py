"""The brands' kept tallies: per brand and local day (``brands_day``) and month (``brands_month``),
what its counted activities add up to, derived from the stored facts by the handlers.

Each batch collects the (brand, day) keys its messages may change — an activity's days and start
before and after a new version, a report's activity, a link moved from one brand to another — and
derives those days again from the facts when the batch ends (a recount from the stored state,
never an increment), then their months from the days.  ``brands_basis`` names what the tallies
were derived under (this derivation and the alliance's time zone); under another, the batch's end
derives every brand's days again, once — a data dir from a release that did not keep them, or an
alliance that moved zones.  The list of brands reads them while the basis is the alliance's
(:func:`.store.brands_report`) and derives its figures from every brand's activities otherwise.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, bindparam, delete, insert, or_, select

from shuxiang.alliance import Alliance
from shuxiang.db import KeptBasis, execute_many, keys_in, where_once
from shuxiang.events.consumer import UnitOfWork

from .facts import IDS_PER_STATEMENT, activities_of, by_ids
from .figures import Tally, day_tallies
from .tables import brands_activity, brands_basis, brands_day, brands_month, brands_occurrence, brands_source

DERIVATION = "brands-tallies-1"
"""Changes when what a tally holds or how it is derived changes: the next batch derives them again."""
RANGES_PER_STATEMENT = 200
Key = tuple[str, date]


def tally_basis(alliance: Alliance) -> str:
    return hashlib.sha256(f"{DERIVATION}|{alliance.tz.key}".encode()).hexdigest()


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """A local day as UTC instants [start, end)."""
    start = datetime.combine(day, time(), tz).astimezone(UTC)
    return start, datetime.combine(day + timedelta(days=1), time(), tz).astimezone(UTC)


def _ranges(days: Iterable[date], tz: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """The days as UTC ranges, consecutive days as one."""
    ranges: list[tuple[datetime, datetime]] = []
    for day in sorted(set(days)):
        start, end = day_bounds(day, tz)
        if ranges and ranges[-1][1] == start:
            ranges[-1] = (ranges[-1][0], end)
        else:
            ranges.append((start, end))
    return ranges


_STARTS = select(brands_activity.c.activity_id, brands_activity.c.brand_id, brands_activity.c.starts_at).where(
    brands_activity.c.activity_id.in_(bindparam("ids", expanding=True))
)
_SESSIONS = select(brands_occurrence.c.activity_id, brands_occurrence.c.starts_at).where(
    brands_occurrence.c.activity_id.in_(bindparam("ids", expanding=True))
)


def keys_of(
    connection: Connection, activity_ids: Iterable[str], tz: ZoneInfo, previous: Mapping[str, str | None] = {}
) -> set[Key]:
    """The (brand, day) keys these activities add to as stored now — their sessions' days and their
    start's — and under ``previous`` brands (an activity's brand before a relink) as well."""
    ids = sorted(set(activity_ids))
    days: dict[str, set[date]] = defaultdict(set)
    brands: dict[str, set[str]] = defaultdict(set)
    for activity_id, brand_id, starts_at in by_ids(connection, _STARTS, ids):
        days[activity_id].add(starts_at.astimezone(tz).date())
        if brand_id is not None:
            brands[activity_id].add(brand_id)
    for activity_id, brand_id in previous.items():
        if brand_id is not None:
            brands[activity_id].add(brand_id)
    linked = sorted(i for i in ids if brands.get(i))
    for activity_id, start in by_ids(connection, _SESSIONS, linked):
        days[activity_id].add(start.astimezone(tz).date())
    return {(brand_id, day) for i in linked for brand_id in brands[i] for day in days[i]}


def _in_ranges(column, ranges: list[tuple[datetime, datetime]]):
    return or_(*(and_(column >= start, column < end) for start, end in ranges))


def derive(connection: Connection, keys: set[Key], tz: ZoneInfo) -> None:
    """Derive these (brand, day) tallies again from the stored facts, and their months."""
    if not keys:
        return
    brand_ids = sorted({b for b, _ in keys})
    ranges = _ranges((d for _, d in keys), tz)
    ids: set[str] = set()
    for first in range(0, len(ranges), RANGES_PER_STATEMENT):
        chunk = ranges[first : first + RANGES_PER_STATEMENT]
        ids.update(  # the brands' sessions on those days (the sessions' index by start)
            connection.scalars(
                select(brands_occurrence.c.activity_id)
                .join(brands_activity, brands_activity.c.activity_id == brands_occurrence.c.activity_id)
                .where(_in_ranges(brands_occurrence.c.starts_at, chunk), brands_activity.c.brand_id.in_(brand_ids))
            )
        )
        ids.update(  # activities linked by inference that start on those days (the linked activities' index)
            connection.scalars(
                select(brands_activity.c.activity_id).where(
                    brands_activity.c.link.is_not(None),
                    brands_activity.c.link == "inferred",
                    _in_ranges(brands_activity.c.starts_at, chunk),
                    brands_activity.c.brand_id.in_(brand_ids),
                )
            )
        )
    found = day_tallies(activities_of(connection, sorted(ids), tz), tz, wanted=keys)
    execute_many(connection, _DELETE_DAY, [{"b": b, "d": d} for b, d in sorted(keys)])
    execute_many(connection, _INSERT_DAY, [_day_row(key, t) for key, t in sorted(found.items())])
    _derive_months(connection, {(b, d.year, d.month) for b, d in keys})


_DELETE_DAY = delete(brands_day).where(brands_day.c.brand_id == bindparam("b"), brands_day.c.day == bindparam("d"))
_INSERT_DAY = insert(brands_day)
_DELETE_MONTH = delete(brands_month).where(
    brands_month.c.brand_id == bindparam("b"),
    brands_month.c.year == bindparam("y"),
    brands_month.c.month == bindparam("m"),
)
_INSERT_MONTH = insert(brands_month)
_DAYS_OF_MONTH = select(brands_day).where(
    brands_day.c.brand_id == bindparam("b"), brands_day.c.day >= bindparam("first"), brands_day.c.day < bindparam("end")
)


def _derive_months(connection: Connection, months: set[tuple[str, int, int]]) -> None:
    """These (brand, year, month) sums again from their days."""
    rows = []
    for brand_id, year, month in sorted(months):
        total = Tally()
        end = date(year + (month == 12), month % 12 + 1, 1)
        for row in connection.execute(_DAYS_OF_MONTH, {"b": brand_id, "first": date(year, month, 1), "end": end}):
            total.add(tally_of(row))
        if not total.empty():
            rows.append({"brand_id": brand_id, "year": year, "month": month, **_values(total)})
    execute_many(connection, _DELETE_MONTH, [{"b": b, "y": y, "m": m} for b, y, m in sorted(months)])
    execute_many(connection, _INSERT_MONTH, rows)


def rebuild(connection: Connection, tz: ZoneInfo) -> int:
    """Every brand's tallies again from the stored facts (an earlier data dir, another zone), in
    chunks of activities; returns how many linked activities were read."""
    connection.execute(delete(brands_day))
    connection.execute(delete(brands_month))
    ids = list(
        connection.scalars(
            select(brands_activity.c.activity_id)
            .where(brands_activity.c.brand_id.is_not(None))
            .order_by(brands_activity.c.activity_id)
        )
    )
    days: dict[Key, Tally] = {}
    for first in range(0, len(ids), IDS_PER_STATEMENT * 5):
        for key, tally in day_tallies(
            activities_of(connection, ids[first : first + IDS_PER_STATEMENT * 5], tz), tz
        ).items():
            days.setdefault(key, Tally()).add(tally)
    months: dict[tuple[str, int, int], Tally] = {}
    for (brand_id, day), tally in days.items():
        months.setdefault((brand_id, day.year, day.month), Tally()).add(tally)
    execute_many(connection, _INSERT_DAY, [_day_row(key, t) for key, t in sorted(days.items())])
    execute_many(
        connection,
        _INSERT_MONTH,
        [{"brand_id": b, "year": y, "month": m, **_values(t)} for (b, y, m), t in sorted(months.items())],
    )
    return len(ids)


def _values(tally: Tally) -> dict[str, Any]:
    return {
        "sessions": tally.sessions,
        "editions": tally.editions,
        "participants": tally.participants,
        "reported": tally.reported,
        "inferred": tally.inferred,
        "first_start": tally.first_start,
        "first_title": tally.first_title,
        "last_start": tally.last_start,
        "libraries": sorted(tally.libraries),
        "venues": sorted(tally.venues),
    }


def _day_row(key: Key, tally: Tally) -> dict[str, Any]:
    return {"brand_id": key[0], "day": key[1], **_values(tally)}


def tally_of(row) -> Tally:
    return Tally(
        sessions=row.sessions,
        editions=row.editions,
        participants=row.participants,
        reported=row.reported,
        inferred=row.inferred,
        first_start=row.first_start,
        first_title=row.first_title,
        last_start=row.last_start,
        libraries=set(row.libraries),
        venues=set(row.venues),
    )


_KEPT = KeptBasis(brands_basis)


def stored_basis(connection: Connection) -> str | None:
    """What the kept tallies were derived under (None: never, or before it was kept)."""
    return _KEPT.stored(connection)


def store_basis(connection: Connection, basis: str, at: datetime) -> None:
    _KEPT.store(connection, basis, at)


def activities_of_announcements(connection: Connection, announcements: Iterable[tuple[str, str]]) -> set[str]:
    """The activities these (library_id, source_ref) announcements belong to, as stored."""
    clause, parameters = keys_in((brands_source.c.library_id, brands_source.c.source_ref), announcements)
    if not parameters:
        return set()
    return set(connection.scalars(where_once(_ACTIVITIES_OF_SOURCES, clause), parameters))


_ACTIVITIES_OF_SOURCES = select(brands_source.c.activity_id)


@dataclass
class Retally:
    """The (brand, day) keys a batch may have changed, derived again once when it ends: the keys
    collected before a change (old days, old brands) and the activities whose keys are read when it
    ends (as stored then).  Under another basis, every brand's tallies instead."""

    alliance: Alliance
    keys: set[Key] = field(default_factory=set)
    activities: set[str] = field(default_factory=set)
    at: datetime | None = None

    def add(self, at: datetime, keys: Iterable[Key] = (), activities: Iterable[str | None] = ()) -> None:
        self.keys.update(keys)
        self.activities.update(a for a in activities if a is not None)
        self.at = at if self.at is None else max(self.at, at)

    def finish(self, uow: UnitOfWork) -> None:
        connection: Connection = uow.connection
        tz = self.alliance.tz
        basis = tally_basis(self.alliance)
        if stored_basis(connection) != basis:
            rebuild(connection, tz)
            store_basis(connection, basis, self.at or datetime.now(UTC))
            return
        derive(connection, self.keys | keys_of(connection, self.activities, tz), tz)


def retally(uow: UnitOfWork, alliance: Alliance) -> Retally:
    """The batch's :class:`Retally`."""
    return uow.at_batch_end("brands.retally", lambda: Retally(alliance))
