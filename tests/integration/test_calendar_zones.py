"""A series with excluded, moved and cancelled sessions, rendered in four zones (one
without daylight saving, three with it, one of them southern), read back by four
independent parsers: Mozilla's ical.js (Thunderbird), libical (Evolution, many CalDAV
servers), icalendar + recurring-ical-events, and vobject.  All must see the same
occurrences at the same instants, with the same UIDs, RECURRENCE-IDs and statuses, and
those must be the sessions as the member scheduled them (10:00 local, every week).

Before the VTIMEZONE was written with yearly RRULEs, ical.js read only the first of the
multi-valued RDATE and put most New York sessions an hour off.

ical.js lives in tests/js (``npm ci --prefix tests/js``); libical is Debian's
``gir1.2-ical-3.0`` under the system ``python3-gi`` (``scripts/test-tools.sh``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
import vobject

from shuxiang.calendars import assemble_feed, render_vevent
from shuxiang.calendars import vtimezone as vtimezone_block
from tests.integration.test_calendar_feeds import activity
from tests.integration.test_calendar_parsers import ical_js, iso

LIBICAL = Path(__file__).resolve().parents[1] / "libical" / "parse.py"
ZONES = ["Asia/Shanghai", "America/New_York", "Europe/Berlin", "Australia/Sydney"]
WEEKS = 52
EXCLUDED, MOVED, CANCELLED = 3, 9, 11  # week numbers; 9 and 11 straddle March's changes
UID = "weekly@test.shuxiang"


def first_session(tz: ZoneInfo) -> datetime:
    return datetime(2027, 1, 9, 10, 0, tzinfo=tz)  # a Saturday


def feed_for(zone: str) -> tuple[bytes, dict]:
    """The series' feed in ``zone`` and the occurrences the member means, keyed by RECURRENCE-ID."""
    tz = ZoneInfo(zone)
    first = first_session(tz)
    sessions = [first + timedelta(weeks=w) for w in range(WEEKS)]  # wall-clock weeks: 10:00 local
    moved_to = (sessions[MOVED] + timedelta(days=1)).replace(hour=15)
    # the cancelled session named as a publisher with a fixed offset writes it (winter offset in summer)
    fixed = first.astimezone(timezone(first.utcoffset())) + timedelta(weeks=CANCELLED)
    series = activity(
        "weekly",
        title="快乐小板凳·周末绘本",
        starts_at=first,
        ends_at=first + timedelta(hours=1, minutes=30),
        recurrence=f"FREQ=WEEKLY;COUNT={WEEKS}",
        exdates=[sessions[EXCLUDED]],
        overrides=[
            {
                "recurrence_id": sessions[MOVED],
                "starts_at": moved_to,
                "ends_at": moved_to + timedelta(hours=2),
                "venue": {"name": "少儿阅览室", "address": "二楼"},
            },
            {"recurrence_id": fixed, "status": "cancelled"},
        ],
    )
    feed = assemble_feed([render_vevent(series, tz=tz, uid_domain="test.shuxiang")], name="时区测试", tz=tz)
    expected = {}
    for week, start in enumerate(sessions):
        if week == EXCLUDED:
            continue
        status = "CANCELLED" if week == CANCELLED else "CONFIRMED"
        begins = moved_to if week == MOVED else start
        expected[iso(start)] = (iso(begins), status)
    return feed, expected


WINDOW = (datetime(2027, 1, 1, tzinfo=UTC), datetime(2028, 2, 1, tzinfo=UTC))


def by_ical_js(feed: bytes, tmp_path: Path) -> dict:
    parsed = ical_js(feed, tmp_path, WINDOW[1])
    (master,) = [e for e in parsed["events"] if not e["recurrenceId"]]
    assert master["uid"] == UID
    return {o["recurrenceId"]: (o["start"], o["status"]) for o in master["occurrences"]}


def by_libical(feed: bytes, tmp_path: Path) -> dict:
    python = "/usr/bin/python3"
    assert os.path.exists(python), "the system python3 (with python3-gi) reads feeds with libical"
    path = tmp_path / "feed.ics"
    path.write_bytes(feed)
    result = subprocess.run(
        [python, str(LIBICAL), str(path), WINDOW[0].isoformat(), WINDOW[1].isoformat()],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "TZ": "UTC"},
        check=False,
    )
    assert result.returncode == 0, f"libical (apt-get install python3-gi gir1.2-ical-3.0): {result.stderr}"
    # libical expands the master (RRULE, EXDATE); the detached sessions replace theirs by
    # RECURRENCE-ID, as Evolution does on top of it
    events = json.loads(result.stdout)["events"]
    assert {e["uid"] for e in events} == {UID}
    (master,) = [e for e in events if not e["recurrenceId"]]
    out = {o["start"]: (o["start"], master["status"]) for o in master["occurrences"]}
    for override in events:
        if override["recurrenceId"]:
            (occurrence,) = override["occurrences"]
            out[override["recurrenceId"]] = (occurrence["start"], override["status"])
    return out


def by_recurring_ical_events(feed: bytes) -> dict:
    calendar = icalendar.Calendar.from_ical(feed)
    out = {}
    for event in recurring_ical_events.of(calendar).between(*WINDOW):
        assert str(event["UID"]) == UID
        out[iso(event["RECURRENCE-ID"].dt)] = (iso(event["DTSTART"].dt), str(event["STATUS"]))
    return out


def by_vobject(feed: bytes) -> dict:
    """vobject expands RRULE and EXDATE; the override blocks replace sessions by RECURRENCE-ID."""
    events = vobject.readOne(feed.decode("utf-8")).vevent_list
    (master,) = [e for e in events if not hasattr(e, "recurrence_id")]
    out = {iso(m): (iso(m), master.status.value) for m in master.getrruleset(addRDate=True).between(*WINDOW, inc=True)}
    for override in events:
        if hasattr(override, "recurrence_id"):
            assert override.uid.value == master.uid.value == UID
            out[iso(override.recurrence_id.value)] = (iso(override.dtstart.value), override.status.value)
    return out


@pytest.mark.parametrize("zone", ZONES)
def test_four_parsers_agree_on_a_series_with_excluded_moved_and_cancelled_sessions(zone: str, tmp_path: Path) -> None:
    assert shutil.which("node"), "node reads feeds with ical.js"
    feed, expected = feed_for(zone)
    seen = {
        "ical.js": by_ical_js(feed, tmp_path),
        "libical": by_libical(feed, tmp_path),
        "recurring-ical-events": by_recurring_ical_events(feed),
        "vobject": by_vobject(feed),
    }
    for parser, occurrences in seen.items():
        wrong = {k: (v, expected.get(k)) for k, v in occurrences.items() if expected.get(k) != v}
        missing = expected.keys() - occurrences.keys()
        assert not wrong and not missing, (
            f"{zone}: {parser} differs: {sorted(wrong.items())[:3]} missing {sorted(missing)[:3]}"
        )
    assert len(expected) == WEEKS - 1
    blocks = {
        iso(e["RECURRENCE-ID"].dt): e for e in icalendar.Calendar.from_ical(feed).walk("VEVENT") if "RECURRENCE-ID" in e
    }
    tz = ZoneInfo(zone)
    moved, cancelled = (iso(first_session(tz) + timedelta(weeks=w)) for w in (MOVED, CANCELLED))
    assert set(blocks) == {moved, cancelled}
    assert str(blocks[moved]["LOCATION"]) == "少儿阅览室，二楼"
    assert str(blocks[cancelled]["TRANSP"]) == "TRANSPARENT" and str(blocks[cancelled]["SUMMARY"]).startswith(
        "【已取消】"
    )


@pytest.mark.parametrize(
    "zone", [*ZONES, "Asia/Jerusalem", "America/Sao_Paulo", "Australia/Lord_Howe", "Africa/Casablanca"]
)
def test_the_vtimezone_gives_zoneinfo_offsets_through_its_years_without_multi_valued_rdates(zone: str) -> None:
    tz = ZoneInfo(zone)
    vtimezone = icalendar.Calendar.from_ical(vtimezone_block(tz)).walk("VTIMEZONE")[0]
    assert not [part for part in vtimezone.subcomponents if "RDATE" in part]
    read = vtimezone.to_tz()
    moment, end = datetime(2000, 1, 1, 12, tzinfo=UTC), datetime(2040, 12, 31, tzinfo=UTC)
    while moment < end:  # every 29 hours: each day of the week and several hours of the day
        assert moment.astimezone(read).utcoffset() == moment.astimezone(tz).utcoffset(), (zone, moment)
        moment += timedelta(hours=29)
