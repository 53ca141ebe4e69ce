"""Occurrences of an activity in a time range: what a calendar page shows.

Expands the RRULE in the zone's wall-clock time (as clients expand the feed's
``DTSTART;TZID=…``), drops EXDATEs and keeps occurrences overlapping the range.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from shuxiang.schemas import CanonicalActivity


def occurrences(activity: CanonicalActivity, tz: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """Local start times of the occurrences overlapping ``[start, end)`` (aware bounds)."""
    first = activity.starts_at.astimezone(tz)
    duration = activity.ends_at - activity.starts_at
    if activity.recurrence:
        rule = rrulestr(activity.recurrence, dtstart=first)
        candidates = rule.between(start.astimezone(tz) - duration, end.astimezone(tz), inc=True)
    else:
        candidates = [first]
    if activity.all_day:
        skipped = {d.astimezone(tz).date() for d in activity.exdates}
        kept = [c for c in candidates if c.date() not in skipped]
    else:
        skipped_instants = set(activity.exdates)
        kept = [c for c in candidates if c not in skipped_instants]
    return [c for c in kept if c < end and c + duration > start or (duration.total_seconds() == 0 and start <= c < end)]
