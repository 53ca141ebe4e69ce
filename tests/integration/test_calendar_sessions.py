"""A series with a moved and a cancelled session through the calendar service (real database):
the stored fragment carries the RECURRENCE-ID blocks, and the calendar page shows the sessions
as the feed does (the moved one at its time and venue, the cancelled one marked)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import icalendar

from tests.conftest import SHANGHAI
from tests.integration.test_calendar_feeds import CalendarHarness, activity


def test_the_feed_and_the_calendar_page_show_moved_and_cancelled_sessions(tmp_path: Path) -> None:
    harness = CalendarHarness(tmp_path / "data")
    try:
        first = (datetime.now(SHANGHAI) + timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
        moved_to = first + timedelta(weeks=1, days=1, hours=5)
        harness.deliver(
            activity(
                "weekly",
                title="快乐小板凳·周末绘本",
                starts_at=first,
                ends_at=first + timedelta(hours=1),
                recurrence="FREQ=WEEKLY;COUNT=3",
                overrides=[
                    {
                        "recurrence_id": first + timedelta(weeks=1),
                        "starts_at": moved_to,
                        "ends_at": moved_to + timedelta(hours=2),
                        "venue": {"name": "星空剧场"},
                    },
                    {"recurrence_id": first + timedelta(weeks=2), "status": "cancelled"},
                ],
            )
        )
        events = icalendar.Calendar.from_ical(harness.get("/feeds/alliance.ics").content).walk("VEVENT")
        assert sorted(str(e.get("RECURRENCE-ID").dt) if "RECURRENCE-ID" in e else "" for e in events) == [
            "",
            str(first + timedelta(weeks=1)),
            str(first + timedelta(weeks=2)),
        ]

        agenda = harness.get("/?view=agenda").text
        assert agenda.count("快乐小板凳·周末绘本") == 3
        assert "星空剧场" in agenda and f"{moved_to:%H:%M}–{moved_to + timedelta(hours=2):%H:%M}" in agenda
        assert agenda.count("【已取消】") == 1
    finally:
        harness.close()


def test_a_multi_day_activity_shows_on_every_day_it_runs_with_its_end_date(tmp_path: Path) -> None:
    """A three-week exhibition: in each month it overlaps, on each day it runs (calendars' month
    views); the agenda from a day it is under way lists it there, saying its end date; the embed
    lists an exhibition that has begun as under way, with its dates, not as if it happened on its first day."""
    harness = CalendarHarness(tmp_path / "data")
    try:
        opens = datetime(2026, 11, 29, 9, 0, tzinfo=SHANGHAI)
        now = datetime.now(SHANGHAI).replace(minute=0, second=0, microsecond=0)
        harness.deliver(
            activity(
                "show",
                title="津沽老照片展",
                category="exhibition",
                starts_at=opens,
                ends_at=datetime(2026, 12, 19, 17, 0, tzinfo=SHANGHAI),
            ),
            activity(
                "running",
                title="馆藏古籍展",
                category="exhibition",
                starts_at=now - timedelta(days=3),
                ends_at=now + timedelta(days=10),
            ),
            activity("soon", days=1, title="沽上讲堂"),
        )

        def days_showing(month: str, activity_id: str) -> set[str]:
            html = harness.get(f"/?month={month}").text
            cells = re.findall(r'data-day="([\d-]+)">(.*?)</td>', html, re.S)
            return {day for day, cell in cells if f"/activities/{activity_id}?" in cell}

        december = days_showing("2026-12", "show")
        assert {"2026-11-30", "2026-12-01", "2026-12-10", "2026-12-19"} <= december
        assert "2026-12-20" not in december and "2026-11-29" not in december  # Nov 29 is not in December's grid
        assert {"2026-11-29", "2026-11-30", "2026-12-06"} <= days_showing("2026-11", "show")
        assert "11-29 09:00 – 12-19 17:00" in harness.get("/?month=2026-12").text

        agenda = harness.get("/?view=agenda&from=2026-12-05").text
        heading = agenda.index("<h3>2026-12-05 星期六</h3>")
        row = agenda[agenda.index("/activities/show?", heading) - 400 : agenda.index("/activities/show?") + 300]
        assert "11-29 09:00 – 12-19 17:00" in row and "进行中" in row

        embed = harness.get("/embed/activities.html").text
        started = now - timedelta(days=3)
        assert f"{started:%m-%d} – {now + timedelta(days=10):%m-%d}" in embed
        assert embed.index("馆藏古籍展") < embed.index("沽上讲堂") and "进行中" in embed
        listed = {a["id"]: a for a in harness.get("/embed/activities.json").json()["activities"]}
        assert listed["running"]["ongoing"] is True and listed["soon"]["ongoing"] is False
    finally:
        harness.close()
