"""Digest periods: which period is due, in the alliance's time zone, after downtime too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from shuxiang.alliance import Schedule
from shuxiang.services.scheduler.periods import due_now, period_at, previous_period

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEKLY = Schedule(every="week", weekday=0, hour=8)  # Mondays 08:00
DAILY = Schedule(every="day", hour=8)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def test_weekly_period_is_the_last_scheduled_monday_morning_named_by_the_week_it_covers() -> None:
    monday = local(2026, 11, 23, 8)  # Monday of ISO week 48: the digest covers week 47
    assert period_at(WEEKLY, SHANGHAI, monday).key == "2026-W47"
    assert period_at(WEEKLY, SHANGHAI, monday).due_at == monday.astimezone(UTC)
    assert period_at(WEEKLY, SHANGHAI, monday - timedelta(seconds=1)).key == "2026-W46"
    assert period_at(WEEKLY, SHANGHAI, local(2026, 11, 29, 23, 59)).key == "2026-W47"  # the Sunday after


def test_the_digest_sent_in_week_49_is_labelled_week_48() -> None:
    # reported: the period labelled 2026-W49 covered ISO week 48
    due = period_at(WEEKLY, SHANGHAI, local(2026, 11, 30, 8))
    since = previous_period(WEEKLY, SHANGHAI, due).due_at.astimezone(SHANGHAI)
    assert since.isocalendar()[:2] == (2026, 48)
    assert due.key == "2026-W48"


def test_daily_period_follows_local_time_not_utc() -> None:
    # 2026-11-22 23:30 UTC is 2026-11-23 07:30 in Shanghai: before the 08:00 digest of the 23rd
    instant = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    assert period_at(DAILY, SHANGHAI, instant).key == "2026-11-21"  # due on the 22nd, covering the 21st
    assert period_at(DAILY, SHANGHAI, instant + timedelta(minutes=30)).key == "2026-11-22"


def test_weekly_keys_across_new_year_use_iso_weeks() -> None:
    assert period_at(WEEKLY, SHANGHAI, local(2026, 12, 30, 12)).key == "2026-W52"  # due Mon 28 Dec
    assert period_at(WEEKLY, SHANGHAI, local(2027, 1, 4, 9)).key == "2026-W53"  # covers 28 Dec – 3 Jan
    assert period_at(WEEKLY, SHANGHAI, local(2027, 1, 11, 9)).key == "2027-W01"
    friday = Schedule(every="week", weekday=4, hour=9)
    assert period_at(friday, SHANGHAI, local(2027, 1, 1, 9)).key == "2026-W53"  # Fri 25 – Thu 31 Dec
    assert period_at(friday, SHANGHAI, local(2027, 1, 8, 9)).key == "2027-W01"  # Fri 1 – Thu 7 Jan


def test_previous_period_is_one_step_back() -> None:
    period = period_at(WEEKLY, SHANGHAI, local(2026, 11, 23, 8))
    assert previous_period(WEEKLY, SHANGHAI, period).due_at == local(2026, 11, 16, 8).astimezone(UTC)


def test_first_check_fires_the_current_period_covering_one_period_back() -> None:
    due = due_now(DAILY, SHANGHAI, local(2026, 11, 23, 9), None)
    assert due is not None
    assert due.period.key == "2026-11-22"
    assert due.since == local(2026, 11, 22, 8).astimezone(UTC)
    assert due.missed == 0


def test_same_period_is_never_fired_twice() -> None:
    fired = period_at(DAILY, SHANGHAI, local(2026, 11, 23, 9)).due_at
    assert due_now(DAILY, SHANGHAI, local(2026, 11, 23, 9, 30), fired) is None
    assert due_now(DAILY, SHANGHAI, local(2026, 11, 24, 7, 59), fired) is None
    assert due_now(DAILY, SHANGHAI, local(2026, 11, 24, 8), fired).period.key == "2026-11-23"


def test_after_downtime_the_latest_period_is_fired_once_covering_the_missed_ones() -> None:
    last = local(2026, 11, 20, 8).astimezone(UTC)
    due = due_now(DAILY, SHANGHAI, local(2026, 11, 23, 10), last)
    assert due is not None
    assert due.period.key == "2026-11-22"
    assert due.missed == 2  # the 21st and the 22nd
    assert due.since == last  # nothing skipped: the digest covers everything since the last one
    assert due_now(DAILY, SHANGHAI, local(2026, 11, 23, 10), due.period.due_at) is None


def test_other_time_zones_are_honoured() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    instant = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)  # 08:30 in Berlin, 15:30 in Shanghai
    assert period_at(DAILY, berlin, instant).due_at == datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
