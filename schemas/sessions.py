"""The sessions of a series: which dates a rule makes, and which of them are excluded or changed.

A series is an RRULE from its start (RFC 5545).  Every date a member names about its
sessions, an excluded one (``exdates``) or a moved or cancelled one
(``overrides[].recurrence_id``), must be one of the sessions the rule makes, and the
start must be the rule's first session: otherwise calendar apps disagree (RFC 5545 leaves
an off-rule DTSTART undefined) or silently ignore the date, and a member's "cancel the
26 December session" would mean nothing.

A date matches a session when it is the same instant, or the same wall-clock time in its
own offset: the rule is expanded here from the start's fixed UTC offset, while a zone with
daylight saving time writes its summer sessions with the summer offset (10:00-04:00 is the
New York session the rule calls 10:00-05:00).  All-day series match by date.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from shuxiang.i18n import both

if TYPE_CHECKING:  # annotations only: submission.py checks sessions with this module
    from .submission import SessionOverride

MAX_SESSIONS_CHECKED = 5000
"""How far an open-ended rule is expanded to find a named session (about 100 years weekly)."""


def _wall(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None)


def series_sessions(rrule: str, starts_at: datetime, *, until: datetime | None = None) -> Iterable[datetime]:
    """The rule's session starts from ``starts_at`` (fixed offset), up to ``until`` if open-ended."""
    from dateutil.rrule import rrulestr

    rule = rrulestr(rrule, dtstart=starts_at)
    for index, moment in enumerate(rule):
        if index >= MAX_SESSIONS_CHECKED or (until is not None and moment > until):
            return
        yield moment


class SessionIndex:
    """Which session of a series a date names, if any."""

    def __init__(self, rrule: str, starts_at: datetime, all_day: bool, named: Sequence[datetime]) -> None:
        latest = max(named, default=starts_at) + timedelta(days=2)
        self.sessions = list(series_sessions(rrule, starts_at, until=latest))
        self.all_day = all_day
        self._instants = set(self.sessions)
        self._walls = {_wall(s): s for s in self.sessions}
        self._days: dict[date, datetime] = {}
        for session in self.sessions:
            self._days.setdefault(session.date(), session)

    def find(self, moment: datetime) -> datetime | None:
        """The session (as the rule makes it) that ``moment`` names, or None."""
        if self.all_day:
            own = self._days.get(moment.date())
            return own or (self._days.get(moment.astimezone(self.sessions[0].tzinfo).date()) if self.sessions else None)
        if moment in self._instants:
            return next(s for s in self.sessions if s == moment)
        return self._walls.get(_wall(moment))


def _when(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")


def check_sessions(
    rrule: str | None,
    starts_at: datetime,
    all_day: bool,
    exdates: Sequence[datetime],
    overrides: Sequence[SessionOverride] = (),
) -> None:
    """Raise ``ValueError`` saying what is wrong when a series' dates do not fit its rule."""
    if not rrule:
        if exdates or overrides:
            raise ValueError(
                both("exdates and overrides need a recurrence: only a series has sessions to exclude or change")
            )
        return
    named = [*exdates, *(o.recurrence_id for o in overrides)]
    index = SessionIndex(rrule, starts_at, all_day, named)
    if not index.sessions or index.sessions[0] != starts_at:
        if index.sessions:
            raise ValueError(
                both(
                    "starts_at {start} is not a session of its own recurrence (its first session is {first}): start the series on its first session",
                    start=_when(starts_at),
                    first=_when(index.sessions[0]),
                )
            )
        raise ValueError(
            both(
                "starts_at {start} is not a session of its own recurrence: start the series on its first session",
                start=_when(starts_at),
            )
        )
    excluded = set()
    for moment in exdates:
        session = index.find(moment)
        if session is None:
            raise ValueError(
                both("exdates: {when} is not a session of this series (nothing to exclude there)", when=_when(moment))
            )
        excluded.add(session)
    changed = set()
    for override in overrides:
        session = index.find(override.recurrence_id)
        if session is None:
            raise ValueError(
                both(
                    "overrides: {when} is not a session of this series (recurrence_id is the session's original start)",
                    when=_when(override.recurrence_id),
                )
            )
        if session in excluded:
            raise ValueError(
                both("overrides: {when} is also in exdates; name a session once", when=_when(override.recurrence_id))
            )
        if session in changed:
            raise ValueError(both("overrides: {when} is listed twice", when=_when(override.recurrence_id)))
        changed.add(session)


def shift_sessions(
    moments: Iterable[datetime], old_start: datetime, new_start: datetime, tz: ZoneInfo
) -> list[datetime]:
    """Dates of sessions moved as the series' start moved: the same wall-clock shift in ``tz``.

    A series moved from Saturday 10:00 to Sunday 16:00 moves its excluded Saturday 10:00
    session to Sunday 16:00 too, so it still names the same session.
    """
    delta = _wall(new_start.astimezone(tz)) - _wall(old_start.astimezone(tz))
    return [(_wall(m.astimezone(tz)) + delta).replace(tzinfo=tz) for m in moments]
