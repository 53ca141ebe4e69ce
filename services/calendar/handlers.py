"""Calendar handlers: canonical events in, stored VEVENT fragments out."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from sqlalchemy import Connection, func, insert, literal, update

from shuxiang.calendars import EventLabels, render_vevent
from shuxiang.db import RowsByKey, UTCDateTime
from shuxiang.events.consumer import Delivery, UnitOfWork
from shuxiang.schemas import CanonicalActivity
from shuxiang.services.projection import newer_canonicals, organizer_rows

from .search import store_search
from .tables import calendar_entry, calendar_entry_library, calendar_state
from .window import span_class


@dataclass(frozen=True)
class CalendarContext:
    tz: ZoneInfo
    labels: EventLabels
    uid_domain: str
    page_base: str | None = None
    """The public site's address: every VEVENT's URL is its page, ``{page_base}/activities/{id}``."""

    def page_url(self, activity_id: str) -> str | None:
        return f"{self.page_base.rstrip('/')}/activities/{activity_id}" if self.page_base else None

    def vevent(self, activity: CanonicalActivity) -> bytes:
        """The activity's VEVENT (and its sessions' RECURRENCE-ID blocks) in these labels' language."""
        return render_vevent(
            activity,
            tz=self.tz,
            uid_domain=self.uid_domain,
            url=self.page_url(activity.id),
            labels=self.labels,
            image=f"{self.page_base.rstrip('/')}/posters/{activity.poster}"
            if self.page_base and activity.poster
            else None,
        )


def series_until(activity: CanonicalActivity, tz: ZoneInfo) -> datetime | None:
    """When the activity (or its last occurrence) ends; None for an open-ended series."""
    if not activity.recurrence:
        return activity.ends_at
    start = activity.starts_at.astimezone(tz)
    rule = rrulestr(activity.recurrence, dtstart=start)
    if rule._count is None and rule._until is None:  # noqa: SLF001 - dateutil keeps these private
        return None
    tail = deque(rule, maxlen=1)  # its last session (bounded: COUNT or UNTIL is set)
    last = tail[0] if tail else None
    length = activity.ends_at - activity.starts_at
    moved = [o.ends_at or o.starts_at + length for o in activity.overrides if o.starts_at is not None]
    return max([(last or start) + length, *moved])  # a session moved past the last one keeps it in the feed


ENTRIES = RowsByKey(calendar_entry, "activity_id")
ENTRY_LIBRARIES = RowsByKey(calendar_entry_library, "activity_id")


def apply_canonicals(context: CalendarContext, deliveries: list[Delivery], uow: UnitOfWork) -> None:
    """Store each activity's VEVENT, rendered once for its newest version in the batch."""
    connection: Connection = uow.connection
    rows: dict[str, dict] = {}
    new: set[str] = set()
    organizers: list[dict] = []
    searchable: dict[str, CanonicalActivity] = {}
    for newer in newer_canonicals(deliveries, connection, ENTRIES):
        activity = newer.event.activity
        if newer.new:
            new.add(activity.id)
        first = min([activity.starts_at, *(o.starts_at for o in activity.overrides if o.starts_at)])
        until = series_until(activity, context.tz)
        rows[activity.id] = {
            "version": activity.version,
            "status": activity.status.value,
            "starts_at": first,
            "until": until,
            "span_class": span_class(first, until, single=not activity.recurrence and not activity.overrides),
            "category": activity.category.value,
            "brand_id": activity.brand_id,
            "campaign_id": activity.campaign_id,
            "vevent": context.vevent(activity),
            "changed_at": activity.updated_at,
            "canonical_seq": newer.delivery.stream_seq,
            "snapshot": activity.model_dump_json().encode(),
        }
        organizers += organizer_rows(activity)
        searchable[activity.id] = activity
        uow.at_batch_end("calendar.state", StateBump).add(newer.delivery.timestamp)
    ENTRIES.store(connection, rows, new=new, children=[(ENTRY_LIBRARIES, organizers)])
    store_search(connection, list(searchable.values()))


@dataclass
class StateBump:
    """Raise the calendar's revision once per batch that changed something (as of its latest broker time)."""

    at: datetime | None = None

    def add(self, at: datetime) -> None:
        self.at = at if self.at is None else max(self.at, at)

    def finish(self, uow: UnitOfWork) -> None:
        if self.at is not None:
            bump_state(uow.connection, self.at)


def bump_state(connection: Connection, at: datetime) -> None:
    """Raise the calendar's revision: every cached feed assembled before is now stale."""
    # broker times of replicas' batches may arrive out of order: keep the latest
    latest = func.max if connection.dialect.name == "sqlite" else func.greatest
    changed = connection.execute(
        update(calendar_state)
        .where(calendar_state.c.id == 1)
        .values(
            revision=calendar_state.c.revision + 1,
            changed_at=latest(calendar_state.c.changed_at, literal(at, UTCDateTime), type_=UTCDateTime),
        )
    )
    if changed.rowcount == 0:
        connection.execute(insert(calendar_state).values(id=1, revision=1, changed_at=at))
