"""The quotas projection: writing activity facts by version, reading them back for a year."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, bindparam, exists, insert, or_, select

from shuxiang.db import RowsByKey
from shuxiang.schemas import CanonicalEvent

from .tables import quotas_activity, quotas_credit, quotas_source
from .tally import ActivityFacts, last_start, year_bounds

ACTIVITIES = RowsByKey(quotas_activity, "activity_id")
CREDITS = RowsByKey(quotas_credit, "activity_id")
SOURCES = RowsByKey(quotas_source, "activity_id")


def save_facts(connection: Connection, event: CanonicalEvent, *, tz: ZoneInfo, stream_seq: int,
               new: bool) -> tuple[ActivityFacts, datetime | None]:
    """Upsert the activity's facts, credits and sources as this version states them; returns the
    facts and last start as stored (merged away when it lists no announcement)."""
    activity = event.activity
    facts = ActivityFacts.of(activity, merged_away=not activity.sources)
    values = {
        "version": activity.version,
        "event_type": event.type.value,
        "status": activity.status.value,
        "title": activity.title,
        "category": activity.category.value,
        "featured": activity.featured,
        "campaign_id": activity.campaign_id,
        "tags": list(activity.tags),
        "starts_at": activity.starts_at,
        "recurrence": activity.recurrence,
        "exdates": [d.isoformat() for d in activity.exdates],
        "last_start": last_start(facts, tz),
        "updated_at": activity.updated_at,
        "canonical_seq": stream_seq,
    }
    key = activity.id
    if new:
        ACTIVITIES.insert(connection, key, values)
    else:
        ACTIVITIES.update(connection, key, values)
        CREDITS.delete(connection, key)
        SOURCES.delete(connection, key)
    credits = {o.library_id: o.role.value for o in activity.organizers}  # once per library
    if credits:
        connection.execute(
            insert(quotas_credit), [{"activity_id": key, "library_id": lib, "role": role} for lib, role in credits.items()]
        )
    sources = {(s.library_id, s.source_ref) for s in activity.sources}
    if sources:
        connection.execute(
            insert(quotas_source),
            [{"activity_id": key, "library_id": lib, "source_ref": ref, "updated_at": activity.updated_at}
             for lib, ref in sorted(sources)],
        )
    return facts, values["last_start"]


def _owns_a_source():
    """True when the activity lists an announcement no newer snapshot of another activity lists.

    An activity whose every announcement was taken over by a newer snapshot of another
    activity (a merge), or that lists none, has been merged away.  Ties on ``updated_at``
    go to the larger id, so the answer does not depend on the order events arrived in.
    """
    mine, other = quotas_source.alias("mine"), quotas_source.alias("other")
    taken = exists().where(
        other.c.library_id == mine.c.library_id,
        other.c.source_ref == mine.c.source_ref,
        other.c.activity_id != mine.c.activity_id,
        or_(
            other.c.updated_at > mine.c.updated_at,
            and_(other.c.updated_at == mine.c.updated_at, other.c.activity_id > mine.c.activity_id),
        ),
    )
    return exists().where(mine.c.activity_id == quotas_activity.c.activity_id, ~taken)


FACTS = (
    select(quotas_activity.c.activity_id, quotas_activity.c.version, quotas_activity.c.status,
           quotas_activity.c.title, quotas_activity.c.category, quotas_activity.c.featured,
           quotas_activity.c.campaign_id, quotas_activity.c.tags, quotas_activity.c.starts_at,
           quotas_activity.c.recurrence, quotas_activity.c.exdates, quotas_activity.c.last_start,
           _owns_a_source().label("live"), quotas_credit.c.library_id, quotas_credit.c.role)
    .join_from(quotas_activity, quotas_credit, quotas_credit.c.activity_id == quotas_activity.c.activity_id)
    .order_by(quotas_activity.c.activity_id, quotas_credit.c.library_id)
)
"""Activities with their credits and whether they are still their own (built once: handlers run it per event)."""
IN_YEAR = and_(quotas_activity.c.starts_at < bindparam("end"),
               or_(quotas_activity.c.last_start.is_(None), quotas_activity.c.last_start >= bindparam("start")))
FACTS_OF_ALL = FACTS.where(IN_YEAR)
FACTS_OF_LIBRARIES = FACTS.where(IN_YEAR, quotas_credit.c.library_id.in_(bindparam("libraries", expanding=True)))
FACTS_OF_ACTIVITIES = FACTS.where(quotas_activity.c.activity_id.in_(bindparam("ids", expanding=True)))


def _facts(rows) -> list[tuple[ActivityFacts, datetime | None]]:
    """One ActivityFacts per activity (rows come one per credit), with its last start."""
    grouped: dict[str, tuple[object, list[tuple[str, str]]]] = {}
    for row in rows:
        entry = grouped.get(row.activity_id)
        if entry is None:
            grouped[row.activity_id] = entry = (row, [])
        entry[1].append((row.library_id, row.role))
    return [
        (ActivityFacts(
            activity_id=row.activity_id, version=row.version, status=row.status, title=row.title,
            category=row.category, featured=row.featured, campaign_id=row.campaign_id, tags=tuple(row.tags),
            starts_at=row.starts_at, recurrence=row.recurrence,
            exdates=tuple(datetime.fromisoformat(d) for d in row.exdates), organizers=tuple(organizers),
            merged_away=not row.live,
        ), row.last_start)
        for row, organizers in grouped.values()
    ]


def load_facts(
    connection: Connection, year: int, tz: ZoneInfo, *, libraries: Iterable[str] | None = None
) -> list[ActivityFacts]:
    """The facts of every activity with an occurrence that may fall in ``year``, with the
    credits of ``libraries`` (all when None)."""
    start, end = year_bounds(year, tz)
    if libraries is None:
        rows = connection.execute(FACTS_OF_ALL, {"start": start, "end": end})
    else:
        rows = connection.execute(FACTS_OF_LIBRARIES, {"start": start, "end": end, "libraries": list(libraries)})
    return [facts for facts, _ in _facts(rows)]


def _partners_query():
    mine, other = quotas_source.alias("mine"), quotas_source.alias("other")
    return (
        select(other.c.activity_id).distinct()
        .join(mine, and_(mine.c.library_id == other.c.library_id, mine.c.source_ref == other.c.source_ref))
        .where(mine.c.activity_id == bindparam("activity_id"))
    )


PARTNERS = _partners_query()


def related_facts(connection: Connection, activity_id: str, *,
                  saved: tuple[ActivityFacts, datetime | None] | None = None) -> list[tuple[ActivityFacts, datetime | None]]:
    """The facts (and last start) of the activity and of every activity listing one of its
    announcements: the ones whose counting a change of this activity can change.  ``saved``:
    the activity's facts just stored, used as they are when no other activity shares an
    announcement with it (the common case: no second query)."""
    ids = sorted({activity_id, *connection.scalars(PARTNERS, {"activity_id": activity_id})})
    if saved is not None and ids == [activity_id]:
        return [saved]
    return _facts(connection.execute(FACTS_OF_ACTIVITIES, {"ids": ids}))
