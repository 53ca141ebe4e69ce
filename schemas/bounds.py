"""Bounds on what may be published: a message a consumer would choke on is refused before it
reaches the broker (the form, the API, CSV and ICS imports and the consumers all validate with
the models of ``schemas/``, so they share these).

Why each bound (the attacks of issue 19): an open-ended ``FREQ=SECONDLY`` series made one month
page take 3.5 GB; validating ``FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30;COUNT=2`` (no such day: the
rule engine searches up to year 9999) froze a process 6.8 s; year 9999, or year 1 at +14:00, and
integers past what a column holds were accepted, published, then failed in every consumer.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from shuxiang.i18n import both

MIN_YEAR, MAX_YEAR = 1900, 2200
"""Instants outside these years, in their own offset or in UTC, are refused."""
MAX_INT32 = 2**31 - 1
"""What an ``Integer`` column holds on PostgreSQL: revisions (an ICS ``SEQUENCE`` + 1, or
LAST-MODIFIED in seconds since 2020: until 2088)."""
MAX_PARTICIPANTS = 10_000_000
"""Participants of one activity, capacity of one venue: far above any real one (the largest in
the plans: 40,000 pupils over ten years of a series)."""

FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
MAX_OCCURRENCES = 1000
MAX_SERIES_YEARS = 20
"""A series that ends holds at most MAX_OCCURRENCES sessions within MAX_SERIES_YEARS of its start; an
open-ended one (it goes on for ever: the calendar pages and feeds show it as a series) is allowed."""
_RULE_PARTS = frozenset(
    {
        "FREQ",
        "INTERVAL",
        "COUNT",
        "UNTIL",
        "BYDAY",
        "BYMONTHDAY",
        "BYMONTH",
        "BYYEARDAY",
        "BYWEEKNO",
        "BYSETPOS",
        "WKST",
    }
)
_CYCLE_YEARS = 400
"""The Gregorian calendar repeats every 400 years (146,097 days: whole weeks, the same leap years)."""
_UNTIL = re.compile(r"^(\d{4})(\d{4}(T\d{6}Z?)?)$")


def sane_instant(value: datetime) -> datetime:
    """An aware instant between MIN_YEAR and MAX_YEAR, in its own offset and in UTC."""
    if MIN_YEAR < value.year < MAX_YEAR:  # an offset moves the year by one at most: inside either way
        return value
    try:
        utc = value.astimezone(UTC)
    except (OverflowError, ValueError):
        utc = None
    if utc is None or not (MIN_YEAR <= value.year <= MAX_YEAR and MIN_YEAR <= utc.year <= MAX_YEAR):
        raise ValueError(both("must be between the years {first} and {last}", first=MIN_YEAR, last=MAX_YEAR))
    return value


def check_series(rrule: str, starts_at: datetime) -> None:
    """A series daily to yearly: with COUNT or UNTIL at most MAX_OCCURRENCES sessions ending within
    MAX_SERIES_YEARS of ``starts_at``; open-ended, at least two sessions in its first
    MAX_SERIES_YEARS (so a page or feed of any later month finds its sessions quickly); evaluated
    in bounded time whatever the rule.

    The rule engine (dateutil) looks for a next session until it finds one or reaches the year
    9999, so a rule with no session left (30 February) costs seconds per evaluation.  It is
    evaluated here on the same calendar 400·k years later, close to 9999, where that search
    ends after at most about 400 years of periods (≲ 0.5 s for a daily rule, far less for the
    others), and what it finds maps back exactly."""
    from dateutil.rrule import rrulestr

    parts = dict(part.partition("=")[::2] for part in rrule.split(";"))
    freq = parts.get("FREQ")
    if freq not in FREQUENCIES:
        raise ValueError(
            both("recurrence: FREQ={freq} is not allowed: a series repeats DAILY, WEEKLY, MONTHLY or YEARLY", freq=freq)
        )
    unknown = sorted(set(parts) - _RULE_PARTS)
    if unknown:
        raise ValueError(
            both("recurrence: {parts} not allowed (sessions start at the activity's time)", parts=", ".join(unknown))
        )
    open_ended = "COUNT" not in parts and "UNTIL" not in parts
    count = _small_int(parts, "COUNT", 10**8)
    if count is not None and count > MAX_OCCURRENCES:
        raise ValueError(
            both("recurrence: COUNT={count}: more than {most} occurrences", count=count, most=MAX_OCCURRENCES)
        )
    _small_int(parts, "INTERVAL", 366 * MAX_SERIES_YEARS)
    shift = _CYCLE_YEARS * ((9999 - MAX_SERIES_YEARS - 2 - starts_at.year) // _CYCLE_YEARS)
    if "UNTIL" in parts:
        until = _UNTIL.match(parts["UNTIL"])
        if until is None:
            raise ValueError(both("recurrence: UNTIL must be a date or a UTC time, e.g. 20261231T160000Z"))
        parts["UNTIL"] = f"{int(until[1]) + shift:04d}{until[2]}"
    start = starts_at.replace(year=starts_at.year + shift)
    try:
        rule = rrulestr(";".join(f"{k}={v}" for k, v in parts.items()), dtstart=start)
    except (ValueError, TypeError) as exc:
        raise ValueError(
            both(
                "recurrence: not a valid RRULE for this start ({reason}); UNTIL must be UTC, e.g. 20261231T160000Z",
                reason=exc,
            )
        ) from None
    limit = start + timedelta(days=366 * MAX_SERIES_YEARS)
    found, last = 0, None
    for session in rule:
        if session > limit:
            if open_ended:
                break
            raise ValueError(
                both("recurrence: sessions more than {years} years after the start", years=MAX_SERIES_YEARS)
            )
        found, last = found + 1, session
        if open_ended and found == 2:
            return  # goes on for ever, at least one session per MAX_SERIES_YEARS (the calendar repeats)
        if found > MAX_OCCURRENCES:
            raise ValueError(both("recurrence: more than {most} occurrences", most=MAX_OCCURRENCES))
    if last is None:
        raise ValueError(
            both(
                "recurrence: the rule gives no session within {years} years (e.g. a day no month has)",
                years=MAX_SERIES_YEARS,
            )
        )
    if open_ended:
        raise ValueError(f"recurrence: sessions more than {MAX_SERIES_YEARS} years apart")
    if count is not None and found < count:
        raise ValueError(
            both(
                "recurrence: only {found} of COUNT={count} sessions within {years} years",
                found=found,
                count=count,
                years=MAX_SERIES_YEARS,
            )
        )
    if count is None:  # UNTIL: evaluating stops at the first candidate after it, which must come soon
        del parts["UNTIL"]
        following = rrulestr(";".join(f"{k}={v}" for k, v in parts.items()), dtstart=start).after(last)
        if following is None or following > limit + timedelta(days=366 * MAX_SERIES_YEARS):
            raise ValueError(f"recurrence: sessions more than {MAX_SERIES_YEARS} years apart")


def _small_int(parts: dict[str, str], name: str, most: int) -> int | None:
    if name not in parts:
        return None
    value = parts[name]
    if not value.isdigit() or not 1 <= int(value[:8]) <= most or len(value) > 8:
        raise ValueError(both("recurrence: {name} must be a whole number from 1 to {most}", name=name, most=most))
    return int(value)
