"""Brands handlers: canonical activities and attendance reports in, stored facts out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, bindparam, delete, insert, select

from shuxiang.alliance import Alliance
from shuxiang.calendars.recurrence import sessions
from shuxiang.db import RowsByKey, execute_many
from shuxiang.events.consumer import Delivery, Rejected, UnitOfWork, check_subject, parse_payload
from shuxiang.i18n import both
from shuxiang.schemas import AttendanceReport, CanonicalActivity
from shuxiang.services.attendance import LatestReports
from shuxiang.services.projection import newer_canonicals, organizer_rows

from .linking import BrandMatcher, announcers_of, effective_link
from .registry import (
    BrandCreate,
    LinkCorrected,
    RegistryError,
    corrections_of,
    load_registry,
    register_brand,
    store_correction,
)
from .tables import (
    brands_activity,
    brands_activity_library,
    brands_attendance,
    brands_occurrence,
    brands_session_attendance,
    brands_source,
)
from .tallies import activities_of_announcements, keys_of, retally

SERIES_HORIZON = timedelta(days=3 * 366)
"""An open-ended series is counted this far ahead of its first session."""
MAX_SESSIONS = 1000


@dataclass(frozen=True)
class BrandsContext:
    alliance: Alliance

    @property
    def tz(self) -> ZoneInfo:
        return self.alliance.tz


def occurrences(activity: CanonicalActivity, tz: ZoneInfo) -> list[datetime]:
    """The sessions' start instants (UTC) as the feed shows them: one, or the RRULE's occurrences
    less EXDATEs and less the sessions cancelled on their own, a moved session at its new start."""
    start = activity.starts_at.astimezone(tz)
    if not activity.recurrence:
        return [start.astimezone(UTC)]
    shown = sessions(activity, tz, None, start + SERIES_HORIZON + timedelta(seconds=1))
    return sorted({s.starts_at.astimezone(UTC) for s in shown if not s.cancelled_on_its_own})[:MAX_SESSIONS]


def venue_key(activity: CanonicalActivity) -> str:
    venue = activity.venue
    if venue.venue_id:
        return f"id:{venue.venue_id}"
    if venue.name and venue.name.strip():
        return "name:" + "".join(venue.name.split())
    return "online"


ACTIVITIES = RowsByKey(brands_activity, "activity_id")
OCCURRENCES = RowsByKey(brands_occurrence, "activity_id")
ACTIVITY_LIBRARIES = RowsByKey(brands_activity_library, "activity_id")


def apply_canonicals(context: BrandsContext, deliveries: list[Delivery], uow: UnitOfWork) -> None:
    """Keep the newest version of each canonical activity, its sessions and its brand link."""
    connection: Connection = uow.connection
    changed = newer_canonicals(deliveries, connection, ACTIVITIES)
    if not changed:
        return
    at = max(n.delivery.timestamp for n in changed)
    # the days and brands the stored versions add to, before they are replaced
    retally(uow, context.alliance).add(
        at, keys_of(connection, [n.activity_id for n in changed if not n.new], context.tz)
    )
    registry = load_registry(connection, context.alliance)
    matcher = BrandMatcher.of(registry.values(), context.alliance)
    corrections = corrections_of(connection, [n.activity_id for n in changed])
    rows: dict[str, dict] = {}
    sessions: list[dict] = []
    organizers: list[dict] = []
    for newer in changed:
        activity = newer.event.activity
        declared = activity.brand_id
        announcers = announcers_of(activity)
        inferred = matcher.infer(activity.title, announcers)
        brand_id, link = effective_link(
            declared=declared,
            inferred=inferred,
            correction=corrections.get(activity.id),
            known=registry,
            libraries=announcers,
        )
        rows[activity.id] = {
            "version": activity.version,
            "status": activity.status.value,
            "title": activity.title,
            "category": activity.category.value,
            "starts_at": activity.starts_at,
            "ends_at": activity.ends_at,
            "series": bool(activity.recurrence),
            "venue_key": venue_key(activity),
            "venue_name": activity.venue.name
            or (str(activity.venue.online_url) if activity.venue.online_url else None),
            "declared_brand_id": declared,
            "inferred_brand_id": inferred,
            "brand_id": brand_id,
            "link": link,
            "updated_at": activity.updated_at,
            "canonical_seq": newer.delivery.stream_seq,
        }
        # a series whose every occurrence is excluded has no sessions
        sessions += [{"activity_id": activity.id, "starts_at": s} for s in occurrences(activity, context.tz)]
        organizers += organizer_rows(activity)
    ACTIVITIES.store(
        connection,
        rows,
        new={n.activity_id for n in changed if n.new},
        children=[(OCCURRENCES, sessions), (ACTIVITY_LIBRARIES, organizers)],
    )
    losing = _store_sources(connection, [n.event.activity for n in changed])
    retally(uow, context.alliance).add(at, activities=[*rows, *losing])


_SOURCES_OF = select(brands_source.c.library_id, brands_source.c.source_ref, brands_source.c.activity_id).where(
    brands_source.c.activity_id.in_(bindparam("ids", expanding=True))
)
_DELETE_SOURCE = delete(brands_source).where(
    brands_source.c.library_id == bindparam("l"), brands_source.c.source_ref == bindparam("r")
)
_INSERT_SOURCE = insert(brands_source)


def _store_sources(connection: Connection, activities: list[CanonicalActivity]) -> set[str]:
    """The announcements merged into each activity; one that moved to another activity (a split)
    follows it.  The same as storing them activity by activity, in this order.  Returns the
    activities outside these that lost an announcement (and its attendance reports) to them."""
    known: dict[str, set[tuple[str, str]]] = {a.id: set() for a in activities}
    for row in connection.execute(_SOURCES_OF, {"ids": list(known)}):
        known[row.activity_id].add((row.library_id, row.source_ref))
    stale: set[tuple[str, str]] = set()  # rows deleted so far
    claimed: dict[tuple[str, str], str] = {}  # rows inserted so far (each after deleting its key)
    for activity in activities:
        current = activity.source_keys
        mine = known[activity.id] - stale
        # gone from this activity, or claimed before by the activity it left: either way the old row goes
        for key in (mine - current) | (current - mine):
            stale.add(key)
            claimed.pop(key, None)
        for key in current - mine:
            claimed[key] = activity.id
    taken = sorted(set(claimed) - {key for keys in known.values() for key in keys})
    losing = activities_of_announcements(connection, taken)
    execute_many(
        connection, _DELETE_SOURCE, [{"l": library_id, "r": source_ref} for library_id, source_ref in sorted(stale)]
    )
    execute_many(
        connection,
        _INSERT_SOURCE,
        [
            {"library_id": library_id, "source_ref": source_ref, "activity_id": activity_id}
            for (library_id, source_ref), activity_id in sorted(claimed.items())
        ],
    )
    return losing - set(known)


def parse_report(context: BrandsContext, delivery: Delivery) -> AttendanceReport:
    """Validate an attendance report against its subject and the alliance; :class:`Rejected` says why not."""
    report = parse_payload(AttendanceReport, delivery)
    check_subject("library_id", report.library_id, delivery)
    if context.alliance.member(report.library_id) is None:
        raise Rejected(both('library_id "{library_id}" is not a member of the alliance', library_id=report.library_id))
    if not report.held and report.participants > 0:
        raise Rejected(
            both("held=false but participants={n}: a session not held has no participants", n=report.participants)
        )
    return report


def apply_reports(context: BrandsContext, deliveries: list[Delivery], uow: UnitOfWork) -> None:
    """Store attendance reports for their announcements (a series' session beside the series' own
    report); the latest report of each wins, by stream sequence.

    Reports are kept by (library_id, source_ref) and joined to canonical activities through
    the snapshots' sources when figures are derived, so a report may arrive before the
    canonical activity it belongs to.
    """
    connection: Connection = uow.connection
    whole: list[tuple[tuple, dict]] = []
    sessions_of: list[tuple[tuple, dict]] = []
    for delivery in deliveries:
        report = parse_report(context, delivery)
        values = {
            "held": report.held,
            "participants": report.participants,
            "notes": report.notes,
            "reported_at": delivery.timestamp,
            "stream_seq": delivery.stream_seq,
        }
        if report.recurrence_id is None:
            whole.append(((report.library_id, report.source_ref), values))
        else:  # one session of a series: kept beside the series' own report
            sessions_of.append(((report.library_id, report.source_ref, report.recurrence_id.astimezone(UTC)), values))
    changed = _ATTENDANCE.keep(connection, whole) | {
        key[:2] for key in _SESSION_ATTENDANCE.keep(connection, sessions_of)
    }
    retally(uow, context.alliance).add(
        max(delivery.timestamp for delivery in deliveries), activities=activities_of_announcements(connection, changed)
    )


_ATTENDANCE = LatestReports(brands_attendance, ("library_id", "source_ref"))
_SESSION_ATTENDANCE = LatestReports(brands_session_attendance, ("library_id", "source_ref", "recurrence_id"))


def apply_decision(context: BrandsContext, delivery: Delivery, uow: UnitOfWork) -> None:
    """A coordinator registered a brand, or someone corrected an activity's brand (checked when
    made; re-checked here against the registry as it stands in log order)."""
    kind = delivery.subject.split(".")[2] if delivery.subject.count(".") >= 3 else ""
    models: dict[str, type[BrandCreate] | type[LinkCorrected]] = {"registered": BrandCreate, "corrected": LinkCorrected}
    model = models.get(kind)
    if model is None:
        raise Rejected(both("unknown brand decision subject {subject}", subject=delivery.subject))
    decision = parse_payload(model, delivery)
    if isinstance(decision, BrandCreate):
        check_subject("registered_by", decision.registered_by, delivery)
    else:
        check_subject("corrected_by", decision.corrected_by, delivery)
    relinked: dict[str, str | None] = {}  # activity → its brand before
    try:
        if isinstance(decision, BrandCreate):
            register_brand(uow.connection, context.alliance, decision, delivery.timestamp, relinked=relinked)
        else:
            store_correction(uow.connection, context.alliance, decision, delivery.timestamp, relinked=relinked)
    except RegistryError as exc:
        raise Rejected(exc.message) from None
    retally(uow, context.alliance).add(delivery.timestamp, keys_of(uow.connection, relinked, context.tz, relinked))
