"""Digest periods: pure arithmetic on a coordinator's schedule in the alliance time zone.

A period is named by what it covers, not by when it is sent: a digest due on Monday
2026-11-30 08:00 covers the week before, so it is ``2026-W48`` (the ISO week of the last
day it covers, the day before the due date; a Friday schedule covers Friday to Thursday,
four of its seven days in the Thursday's week).  A daily digest due on 2026-11-24 covers
the day before: ``2026-11-23``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from shuxiang.alliance import Schedule

MAX_COUNTED_MISSES = 10_000
"""Stop counting missed periods after this many (years of downtime): the number is only reported."""


@dataclass(frozen=True, order=True)
class Period:
    due_at: datetime
    """The scheduled instant (aware, UTC)."""
    key: str


def _step(schedule: Schedule) -> timedelta:
    return timedelta(days=7 if schedule.every == "week" else 1)


def _period_on(schedule: Schedule, tz: ZoneInfo, day: date) -> Period:
    due_at = datetime.combine(day, time(schedule.hour), tzinfo=tz).astimezone(UTC)
    covered = day - timedelta(days=1)
    if schedule.every == "week":
        year, week, _ = covered.isocalendar()
        return Period(due_at, f"{year}-W{week:02d}")
    return Period(due_at, covered.isoformat())


def period_at(schedule: Schedule, tz: ZoneInfo, instant: datetime) -> Period:
    """The latest period whose scheduled instant is at or before ``instant``."""
    local = instant.astimezone(tz)
    day = local.date()
    if schedule.every == "week":
        day -= timedelta(days=(day.weekday() - schedule.weekday) % 7)
    period = _period_on(schedule, tz, day)
    if period.due_at > instant:
        period = _period_on(schedule, tz, day - _step(schedule))
    return period


def previous_period(schedule: Schedule, tz: ZoneInfo, period: Period) -> Period:
    return _period_on(schedule, tz, period.due_at.astimezone(tz).date() - _step(schedule))


@dataclass(frozen=True)
class Due:
    """What the scheduler fires for one coordinator now."""

    period: Period
    since: datetime
    missed: int


def due_now(schedule: Schedule, tz: ZoneInfo, now: datetime, last_fired_at: datetime | None) -> Due | None:
    """The period to fire now, or None.

    ``last_fired_at`` is the scheduled instant of the last period fired for the
    coordinator.  After downtime only the latest due period is fired, once, covering
    everything since the last one (missed periods are caught up, not skipped and not
    repeated as a burst of stale mails).  A coordinator never fired before gets the
    current period, covering one period back.
    """
    current = period_at(schedule, tz, now)
    if last_fired_at is None:
        return Due(current, previous_period(schedule, tz, current).due_at, 0)
    if current.due_at <= last_fired_at:
        return None
    missed = 0
    earlier = previous_period(schedule, tz, current)
    while earlier.due_at > last_fired_at and missed < MAX_COUNTED_MISSES:
        missed += 1
        earlier = previous_period(schedule, tz, earlier)
    return Due(current, last_fired_at, missed)
