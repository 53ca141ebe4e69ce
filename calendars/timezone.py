"""VTIMEZONE blocks that every client reads alike: yearly RRULEs, never multi-valued RDATEs.

icalendar's ``Timezone.from_tzinfo`` puts all of a zone's yearly changes in one
multi-valued RDATE, and Mozilla's ical.js (Thunderbird) reads only its first value: for
America/New_York, 33 of 51 weekly occurrences came out an hour off.  Here the zone's
transitions are found from ``zoneinfo`` itself and written the way the tz database's
own converters (vzic, tzurl) write them: one STANDARD or DAYLIGHT per run of years that
follows one rule (``RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU``), checked by expanding the
rule again; a change that follows no rule gets a sub-component of its own with a single
DTSTART.  ical.js, libical, dateutil (icalendar, recurring-ical-events, vobject) all read
both forms.

DTSTART is the local time *before* the change, in TZOFFSETFROM (RFC 5545 §3.6.5):
02:00 for New York's spring change, not the 03:00 icalendar writes.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class _State:
    offset: timedelta
    name: str
    daylight: bool


@dataclass(frozen=True)
class _Change:
    before: _State
    after: _State
    local: datetime  # naive wall time before the change (in ``before.offset``)

    @property
    def shape(self) -> tuple:
        return (self.before, self.after, self.local.month, self.local.weekday(), self.local.time())

    def by_day(self) -> set[str]:
        """The BYDAY values naming this date's weekday in its month: ``2SU``, ``-1SU``."""
        day, weekday = self.local.day, _WEEKDAYS[self.local.weekday()]
        names = {f"{(day - 1) // 7 + 1}{weekday}"}
        if day + 7 > calendar.monthrange(self.local.year, self.local.month)[1]:
            names.add(f"-1{weekday}")
        return names


def _state(tz: ZoneInfo, moment: datetime) -> _State:
    local = moment.astimezone(tz)
    return _State(local.utcoffset() or timedelta(0), local.tzname() or "", bool(local.dst()))


def _changes(tz: ZoneInfo, start: datetime, end: datetime) -> list[_Change]:
    """Every change of offset, name or DST flag in ``[start, end)``, to the second.

    A daily scan finds the day (no zone changes twice within 24 hours), bisection the second.
    """
    found: list[_Change] = []
    step = timedelta(days=1)
    moment, state = start, _state(tz, start)
    while moment < end:
        following = min(moment + step, end)
        after = _state(tz, following)
        if after != state:
            low, high = moment, following
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if _state(tz, middle) == state:
                    low = middle
                else:
                    high = middle
            local = (high + state.offset).replace(tzinfo=None)
            found.append(_Change(state, after, local))
            state = after
        moment = following
    return found


def _offset(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{seconds:02d}" if seconds else "")


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def _rule(run: list[_Change], by_day: str, open_ended: bool) -> str | None:
    """The yearly RRULE producing exactly ``run`` (and on, if ``open_ended``), or None."""
    first, final = run[0], run[-1]
    rule = f"FREQ=YEARLY;BYMONTH={first.local.month};BYDAY={by_day}"
    wanted = [c.local for c in run]
    if open_ended:
        got = list(islice(rrulestr(rule, dtstart=first.local), len(wanted)))
    else:
        got = list(rrulestr(f"{rule};UNTIL={_stamp(final.local)}", dtstart=first.local))
        rule += f";UNTIL={_stamp(final.local - final.before.offset)}Z"  # RFC 5545: UNTIL in UTC here
    return rule if got == wanted else None


def _runs(changes: list[_Change]) -> list[tuple[list[_Change], str | None]]:
    """Changes grouped into yearly runs of one shape and one BYDAY (the name), or alone (None)."""
    groups: list[tuple[list[_Change], set[str]]] = []
    for change in changes:
        for run, names in groups:
            tail = run[-1]
            if tail.shape == change.shape and change.local.year == tail.local.year + 1 and names & change.by_day():
                run.append(change)
                names &= change.by_day()
                break
        else:
            groups.append(([change], change.by_day()))
    return [(run, min(names) if len(run) > 1 else None) for run, names in groups]


def _component(change: _Change, rule: str | None) -> list[str]:
    kind = "DAYLIGHT" if change.after.daylight else "STANDARD"
    lines = [f"BEGIN:{kind}", f"DTSTART:{_stamp(change.local)}"]
    if rule:
        lines.append(f"RRULE:{rule}")
    lines += [
        f"TZNAME:{change.after.name}",
        f"TZOFFSETFROM:{_offset(change.before.offset)}",
        f"TZOFFSETTO:{_offset(change.after.offset)}",
        f"END:{kind}",
    ]
    return lines


def vtimezone_lines(tz: ZoneInfo, years: range) -> list[str]:
    """The VTIMEZONE of ``tz`` for ``years`` as content lines (ASCII, none longer than 75 octets)."""
    start = datetime(years.start, 1, 1, tzinfo=tz).astimezone(UTC)
    end = datetime(years[-1] + 1, 1, 1, tzinfo=tz).astimezone(UTC)
    changes = _changes(tz, start, end)
    initial = _state(tz, start)
    lines = [
        "BEGIN:VTIMEZONE",
        f"TZID:{tz.key}",
        f"COMMENT:This timezone only works from {years.start}-01-01 to {years[-1] + 1}-01-01.",
    ]
    # the state in force when the range opens, so a time before the first change is defined too
    opening = _Change(initial, initial, (start + initial.offset).replace(tzinfo=None))
    lines += _component(opening, None)
    runs = _runs(changes)
    # a run that reaches the last year of the range is the zone's current rule: keep it open-ended
    final_year = years[-1]
    for run, by_day in runs:
        rule = None
        if by_day is not None:
            still_in_force = run[-1].local.year == final_year
            rule = _rule(run, by_day, open_ended=still_in_force)
        if rule is None:
            for change in run:
                lines += _component(change, None)
        else:
            lines += _component(run[0], rule)
    lines.append("END:VTIMEZONE")
    return lines
