"""A series with a moved and a cancelled session through the calendar service (real database):
the stored fragment carries the RECURRENCE-ID blocks, and the calendar page shows the sessions
as the feed does (the moved one at its time and venue, the cancelled one marked)."""

from __future__ import annotations

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
