"""Occurrences of an activity in a time range: what a calendar page shows.

Expands the RRULE in the zone's wall-clock time (as clients expand the feed's
``DTSTART;TZID=…``), drops EXDATEs, applies the sessions moved or cancelled on their own
(``overrides``, the feed's RECURRENCE-ID blocks) and keeps occurrences overlapping the range.

:func:`sessions` is the one reading of a series that the feed, the calendar page, quotas,
brands and digests share: a cancelled session is there with its status (the feed shows it
as cancelled; nothing counts it), a moved one is at its new time (and counts there).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from shuxiang.schemas import CanonicalActivity, SessionOverride, Status, Venue

MAX_SESSIONS = 5000
"""How far a rule is expanded to find the session a date names (about 100 years weekly)."""


@dataclass(frozen=True)
class Session:
    """One session of an activity as the feed shows it."""

    recurrence_id: datetime | None  # the start the rule gives it (None: not a series)
    starts_at: datetime
    ends_at: datetime
    status: Status
    venue: Venue
    override: SessionOverride | None = None

    @property
    def held(self) -> bool:
        """Not cancelled: the session counts."""
        return self.status is not Status.cancelled

    @property
    def cancelled_on_its_own(self) -> bool:
        """This session was cancelled by itself (not with its whole series)."""
        return self.override is not None and self.override.status is Status.cancelled


def _rule(activity: CanonicalActivity, tz: tzinfo):
    return rrulestr(activity.recurrence, dtstart=activity.starts_at.astimezone(tz))


def session_of(activity: CanonicalActivity, moment: datetime, tz: tzinfo) -> datetime | None:
    """The session (its start as the rule makes it, in ``tz``) that ``moment`` names, or None.

    The same instant, or the same wall-clock time in ``moment``'s own offset (a publisher that
    wrote every session with the series' winter offset still names its summer sessions).
    """
    if not activity.recurrence:
        return None
    rule = _rule(activity, tz)
    if activity.all_day:
        wanted_days = {moment.date(), moment.astimezone(tz).date()}
        latest = max(wanted_days)
        for index, candidate in enumerate(rule):
            if candidate.date() in wanted_days:
                return candidate
            if candidate.date() > latest or index >= MAX_SESSIONS:
                return None
        return None
    by_wall = moment.replace(tzinfo=None).replace(tzinfo=tz)
    latest = max(moment, by_wall) + timedelta(days=1)
    fallback = None
    for index, candidate in enumerate(rule):
        if candidate == moment:
            return candidate
        if candidate.replace(tzinfo=None) == by_wall.replace(tzinfo=None):
            fallback = candidate
        if candidate > latest or index >= MAX_SESSIONS:
            break
    return fallback


def _resolved(activity: CanonicalActivity, tz: tzinfo) -> tuple[set[datetime], dict[datetime, SessionOverride]]:
    """Exdates and overrides keyed by the session they name (dates naming none are left out)."""
    excluded = {s for s in (session_of(activity, d, tz) for d in activity.exdates) if s is not None}
    changed: dict[datetime, SessionOverride] = {}
    for override in activity.overrides:
        session = session_of(activity, override.recurrence_id, tz)
        if session is not None and session not in excluded:
            changed.setdefault(session, override)
    return excluded, changed


def held_session_changes(activity: CanonicalActivity, tz: tzinfo) -> tuple[list[datetime], list[datetime]]:
    """(rule sessions that do not happen where the rule puts them, starts of sessions moved elsewhere).

    The first list holds the excluded, the cancelled and the moved sessions' original starts;
    the second the new starts of the moved sessions still held.  What counting needs, and
    small enough to store beside a series' rule.
    """
    gone, moved = held_session_moves(activity, tz)
    return gone, [new for new, _ in moved]


def held_session_moves(
    activity: CanonicalActivity, tz: tzinfo
) -> tuple[list[datetime], list[tuple[datetime, datetime]]]:
    """:func:`held_session_changes` with each moved session's original start beside its new one
    (``(new, original)``, by new start): an attendance report names a session by its original start."""
    excluded, changed = _resolved(activity, tz)
    gone = set(excluded)
    moved = []
    for original, override in changed.items():
        if override.status is Status.cancelled:
            gone.add(original)
        elif override.starts_at is not None and override.starts_at != original:
            gone.add(original)
            moved.append((override.starts_at.astimezone(tz), original))
    return sorted(gone), sorted(moved)


def _session(activity: CanonicalActivity, original: datetime, override: SessionOverride | None) -> Session:
    length = activity.ends_at - activity.starts_at
    status = activity.status
    venue = activity.venue
    starts_at = original
    ends_at = original + length
    if override is not None:
        starts_at = override.starts_at or original
        ends_at = override.ends_at or starts_at + length
        venue = override.venue or venue
        if override.status is Status.cancelled:
            status = Status.cancelled
    return Session(original if activity.recurrence else None, starts_at, ends_at, status, venue, override)


def sessions(
    activity: CanonicalActivity, tz: ZoneInfo, start: datetime | None = None, end: datetime | None = None
) -> list[Session]:
    """The activity's sessions overlapping ``[start, end)`` (all when unbounded), in start order.

    Excluded sessions are gone; moved ones are at their new time (and may move into or out of
    the range); cancelled ones are there with ``status`` cancelled.
    """
    if not activity.recurrence:
        only = _session(activity, activity.starts_at.astimezone(tz), None)
        return [only] if _overlaps(only, start, end) else []
    excluded, changed = _resolved(activity, tz)
    rule = _rule(activity, tz)
    length = activity.ends_at - activity.starts_at
    # scan the rule from the range's start (minus one session's length), not from the series' first
    originals = iter(rule) if start is None else rule.xafter(start.astimezone(tz) - length, inc=True)
    found, scanned = [], set()
    for index, original in enumerate(originals):
        if index >= MAX_SESSIONS or (end is not None and original >= end):
            break
        scanned.add(original)
        if original not in excluded:
            found.append(_session(activity, original, changed.get(original)))
    # sessions moved into the range from outside the part of the rule scanned
    found += [
        _session(activity, original, override)
        for original, override in changed.items()
        if original not in scanned and original not in excluded
    ]
    return sorted((s for s in found if _overlaps(s, start, end)), key=lambda s: s.starts_at)


def excluded_sessions(
    activity: CanonicalActivity, tz: ZoneInfo, start: datetime | None = None, end: datetime | None = None
) -> list[Session]:
    """The rule's sessions an EXDATE takes away, overlapping ``[start, end)``, each as a cancelled
    session: what a reader who saw the series announced needs told (the feed says it with EXDATE,
    :func:`sessions` leaves them out, so nothing counts them)."""
    if not activity.recurrence or not activity.exdates:
        return []
    gone, _ = _resolved(activity, tz)
    length = activity.ends_at - activity.starts_at
    found = [
        Session(original, original, original + length, Status.cancelled, activity.venue) for original in sorted(gone)
    ]
    return [s for s in found if _overlaps(s, start, end)]


def _overlaps(session: Session, start: datetime | None, end: datetime | None) -> bool:
    if start is None and end is None:
        return True
    begins, ends = session.starts_at, session.ends_at
    if start is not None and end is not None and begins == ends:
        return start <= begins < end
    return (end is None or begins < end) and (start is None or ends > start)


def as_shown(activity: CanonicalActivity, session: Session) -> CanonicalActivity:
    """The activity as one of its sessions is: a moved one with its own times and venue, one
    cancelled on its own cancelled; the activity itself for a session the series does not change."""
    if session.override is None:
        return activity
    return activity.model_copy(
        update={
            "venue": session.venue,
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
            "status": session.status,
        }
    )


def occurrences(activity: CanonicalActivity, tz: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """Local start times of the sessions overlapping ``[start, end)`` (aware bounds).

    A session cancelled on its own is left out (a cancelled activity keeps its sessions: the
    page marks the whole activity).
    """
    return [s.starts_at.astimezone(tz) for s in sessions(activity, tz, start, end) if not s.cancelled_on_its_own]
