"""Feeds from the calendar service read back with four independent parsers — icalendar,
recurring-ical-events, vobject and Mozilla's ical.js (under node, as Thunderbird reads
them): the same events, the same start instants, updates and cancellations seen,
recurrence expanded the same way, Chinese text intact.

ical.js lives in tests/js (``npm ci --prefix tests/js``); without it these tests fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events
import vobject

from shuxiang.calendars import assemble_feed, render_override
from shuxiang.schemas import CanonicalActivity, Status
from tests.conftest import SHANGHAI
from tests.integration.test_calendar_feeds import CalendarHarness, activity

JS = Path(__file__).resolve().parents[1] / "js"
TRICKY = "读书会；「边城」, 沈从文\\湘西\n第二行：逗号,分号;反斜杠\\ 😀 与 𠀋"
HORIZON = timedelta(days=400)


def ical_js(feed: bytes, tmp_path: Path, until: datetime) -> dict:
    node = shutil.which("node")
    assert node, "node is not installed: these tests read feeds with Mozilla's ical.js under node"
    assert (JS / "node_modules" / "ical.js").is_dir(), "ical.js is missing: run `npm ci --prefix tests/js`"
    path = tmp_path / "feed.ics"
    path.write_bytes(feed)
    result = subprocess.run(
        [node, str(JS / "parse.mjs"), str(path), until.isoformat()],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "TZ": "UTC"},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def instant(moment: datetime | date) -> datetime:
    """An all-day date as midnight UTC (what ical.js gives for a DATE under TZ=UTC)."""
    if isinstance(moment, datetime):
        return moment
    return datetime.combine(moment, time(0), UTC)


def iso(moment: datetime | date) -> str:
    return instant(moment).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


# --- what each parser sees, in one shape ------------------------------------------------------
# {uid: (summary, status, sequence, start instant)} and {(uid, start instant): summary} for occurrences


def seen_by_icalendar(feed: bytes) -> dict:
    calendar = icalendar.Calendar.from_ical(feed)
    return {
        str(e["UID"]): (str(e["SUMMARY"]), str(e["STATUS"]), int(e["SEQUENCE"]), iso(e["DTSTART"].dt))
        for e in calendar.walk("VEVENT")
        if "RECURRENCE-ID" not in e
    }


def seen_by_vobject(feed: bytes) -> dict:
    calendar = vobject.readOne(feed.decode("utf-8"))
    return {
        e.uid.value: (e.summary.value, e.status.value, int(e.sequence.value), iso(e.dtstart.value))
        for e in calendar.vevent_list
        if not hasattr(e, "recurrence_id")
    }


def seen_by_ical_js(parsed: dict) -> dict:
    return {
        e["uid"]: (e["summary"], e["status"], e["sequence"], e["start"])
        for e in parsed["events"]
        if not e["recurrenceId"]
    }


def occurrences_by_recurring_ical_events(feed: bytes, start: datetime, end: datetime) -> dict:
    calendar = icalendar.Calendar.from_ical(feed)
    return {
        (str(e["UID"]), iso(e["DTSTART"].dt)): str(e["SUMMARY"])
        for e in recurring_ical_events.of(calendar).between(start, end)
    }


def occurrences_by_vobject(feed: bytes, start: datetime, end: datetime) -> dict:
    """vobject expands RRULE and EXDATE (it does not apply RECURRENCE-ID overrides)."""
    out = {}
    for event in vobject.readOne(feed.decode("utf-8")).vevent_list:
        if hasattr(event, "recurrence_id"):
            continue
        rules = event.getrruleset(addRDate=True)
        duration = instant(event.dtend.value) - instant(event.dtstart.value)
        moments = rules.between(start - duration, end, inc=True) if rules else [instant(event.dtstart.value)]
        for moment in map(instant, moments):
            if moment < end and moment + duration > start:
                out[(event.uid.value, iso(moment))] = event.summary.value
    return out


def occurrences_by_ical_js(parsed: dict, start: datetime, end: datetime) -> dict:
    out = {}
    for event in parsed["events"]:
        if event["recurrenceId"]:
            continue
        for occurrence in event.get("occurrences") or [event]:
            begins = datetime.fromisoformat(occurrence["start"].replace("Z", "+00:00"))
            ends = datetime.fromisoformat(occurrence["end"].replace("Z", "+00:00"))
            if begins < end and ends > start:
                out[(event["uid"], occurrence["start"])] = occurrence["summary"]
    return out


# --- the feeds -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> dict:
    """A mix of activities published through the calendar service, the alliance feed read once."""
    harness = CalendarHarness(tmp_path_factory.mktemp("parsers") / "data")
    try:
        revised = activity("revised", days=5, title="沽上讲堂：初稿标题")
        series_start = (datetime.now(SHANGHAI) - timedelta(days=14)).replace(hour=19, minute=0, second=0, microsecond=0)
        items = [
            activity("tricky", days=3, title=TRICKY, description=TRICKY * 4),
            revised,
            activity("called-off", days=9, host="tz", title="空中文化大讲堂：《墨子》导读"),
            activity(
                "weekly",
                title="快乐小板凳·周末绘本",
                starts_at=series_start,
                ends_at=series_start + timedelta(hours=1, minutes=30),
                recurrence="FREQ=WEEKLY;COUNT=10",
                exdates=[series_start + timedelta(weeks=3)],
            ),
            activity("monthly", days=-40, title="经典导读（每月）", recurrence="FREQ=MONTHLY;BYMONTHDAY=1,15"),
            activity("exhibition", days=20, hours=24 * 6, all_day=True, title="地方文献展读", category="exhibition"),
            activity("past", days=-30, title="上月的讲座"),
        ]
        harness.deliver(*items)
        harness.deliver(
            revised.model_copy(update={"version": 2, "title": "沽上讲堂：改在周日", "updated_at": datetime.now(UTC)}),
            items[2].model_copy(update={"version": 2, "status": Status.cancelled}),
        )
        feed = harness.get("/feeds/alliance.ics").content
    finally:
        harness.close()
    return {"feed": feed, "items": {a.id: a for a in items}, "series_start": series_start}


def test_four_parsers_see_the_same_events_starts_updates_and_cancellations(published: dict, tmp_path: Path) -> None:
    feed = published["feed"]
    items: dict[str, CanonicalActivity] = published["items"]
    now = datetime.now(UTC)
    by_js = ical_js(feed, tmp_path, now + HORIZON)
    views = {
        "icalendar": seen_by_icalendar(feed),
        "vobject": seen_by_vobject(feed),
        "ical.js": seen_by_ical_js(by_js),
    }
    expected_uids = {f"{i}@test.shuxiang" for i in items}
    for parser, seen in views.items():
        assert set(seen) == expected_uids, parser
        assert seen == views["icalendar"], f"{parser} differs from icalendar"
    seen = views["icalendar"]
    for activity_id, item in items.items():
        if not item.all_day and activity_id != "monthly":  # same instant: no eight-hour shift anywhere
            assert seen[f"{activity_id}@test.shuxiang"][3] == iso(item.starts_at), activity_id
    # a series starting off its rule starts at the rule's first occurrence (RFC 5545 leaves it undefined)
    monthly_start = datetime.fromisoformat(seen["monthly@test.shuxiang"][3].replace("Z", "+00:00"))
    assert monthly_start.astimezone(SHANGHAI).day in (1, 15)
    assert timedelta(0) <= monthly_start - items["monthly"].starts_at < timedelta(days=16)
    assert seen["revised@test.shuxiang"][:3] == ("沽上讲堂：改在周日", "CONFIRMED", 1)
    assert seen["called-off@test.shuxiang"][:3] == ("【已取消】空中文化大讲堂：《墨子》导读", "CANCELLED", 1)
    assert seen["tricky@test.shuxiang"][0] == TRICKY  # escaping, folding and UTF-8 intact
    tricky_js = next(e for e in by_js["events"] if e["uid"] == "tricky@test.shuxiang")
    assert tricky_js["description"].startswith(TRICKY * 4)
    assert by_js["calname"] == by_js["name"] == "测试阅读推广联盟"
    assert by_js["timezones"] == ["Asia/Shanghai"] and by_js["refreshInterval"] == "PT1H"
    exhibition = next(e for e in by_js["events"] if e["uid"] == "exhibition@test.shuxiang")
    assert exhibition["allDay"] is True


def test_four_parsers_expand_recurrence_the_same_way(published: dict, tmp_path: Path) -> None:
    feed = published["feed"]
    start = datetime.now(UTC) - timedelta(days=90)
    end = datetime.now(UTC) + HORIZON
    by_recurring = occurrences_by_recurring_ical_events(feed, start, end)
    by_vobject = occurrences_by_vobject(feed, start, end)
    by_js = occurrences_by_ical_js(ical_js(feed, tmp_path, end), start, end)
    assert by_recurring == by_vobject == by_js

    series_start = published["series_start"]
    weekly = sorted(s for uid, s in by_recurring if uid == "weekly@test.shuxiang")
    expected = [iso(series_start + timedelta(weeks=w)) for w in range(10) if w != 3]
    assert weekly == expected  # 10 sessions less the EXDATE, each at 19:00 in Shanghai
    monthly = [s for uid, s in by_recurring if uid == "monthly@test.shuxiang"]
    assert len(monthly) > 20  # open-ended: still there, expanded to the horizon


def test_overrides_are_read_the_same_way(published: dict, tmp_path: Path) -> None:
    """A moved and a cancelled session (RECURRENCE-ID) added to the stored series' fragment."""
    series: CanonicalActivity = published["items"]["weekly"]
    first = published["series_start"]
    moved = render_override(
        series,
        first + timedelta(weeks=5),
        tz=SHANGHAI,
        uid_domain="test.shuxiang",
        version=2,
        starts_at=first + timedelta(weeks=5, days=1, hours=-4),
        ends_at=first + timedelta(weeks=5, days=1, hours=-2),
        title="快乐小板凳·周末绘本（改到周日下午）",
    )
    dropped = render_override(
        series, first + timedelta(weeks=6), tz=SHANGHAI, uid_domain="test.shuxiang", version=2, status=Status.cancelled
    )
    calendar = icalendar.Calendar.from_ical(published["feed"])
    stored = next(e for e in calendar.walk("VEVENT") if str(e["UID"]) == "weekly@test.shuxiang").to_ical()
    feed = assemble_feed([stored, moved, dropped], name="覆盖测试", tz=SHANGHAI)

    start, end = first - timedelta(days=1), first + timedelta(weeks=12)
    by_recurring = occurrences_by_recurring_ical_events(feed, start, end)
    by_js = occurrences_by_ical_js(ical_js(feed, tmp_path, end), start, end)
    assert by_recurring == by_js
    assert by_recurring[("weekly@test.shuxiang", iso(first + timedelta(weeks=5, days=1, hours=-4)))] == (
        "快乐小板凳·周末绘本（改到周日下午）"
    )
    assert iso(first + timedelta(weeks=5)) not in {s for _, s in by_recurring}
    assert by_recurring[("weekly@test.shuxiang", iso(first + timedelta(weeks=6)))] == "【已取消】快乐小板凳·周末绘本"
    assert len(by_recurring) == 9
    # vobject reads the override blocks with their RECURRENCE-ID
    overrides = [e for e in vobject.readOne(feed.decode()).vevent_list if hasattr(e, "recurrence_id")]
    assert sorted(iso(e.recurrence_id.value) for e in overrides) == [
        iso(first + timedelta(weeks=5)),
        iso(first + timedelta(weeks=6)),
    ]
