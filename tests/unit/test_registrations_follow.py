"""Which session a sign-up is for after the library changes the activity (registrations' session_now)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from shuxiang.calendars.recurrence import sessions
from shuxiang.schemas import CanonicalActivity
from shuxiang.services.registrations.handlers import session_key, session_now

SHANGHAI = ZoneInfo("Asia/Shanghai")


def series(hour: int, count: int = 4, **changes) -> CanonicalActivity:
    start = datetime(2027, 3, 6, hour, tzinfo=SHANGHAI)
    body = {
        "id": "0193a1b2-c3d4-8e5f-8a6b-7c8d9e0f1a2b",
        "version": 1,
        "status": "scheduled",
        "title": "周六亲子共读",
        "category": "parent_child",
        "starts_at": start,
        "ends_at": start + timedelta(hours=1),
        "recurrence": f"FREQ=WEEKLY;COUNT={count}",
        "venue": {"name": "少儿阅览区"},
        "organizers": [{"library_id": "jn", "role": "host"}],
        "capacity": 20,
        "sources": [{"library_id": "jn", "source_ref": "pc-1", "revision": 1}],
        "created_at": datetime(2027, 1, 1, tzinfo=UTC),
        "updated_at": datetime(2027, 1, 1, tzinfo=UTC),
    }
    return CanonicalActivity(**(body | changes))


def test_a_series_moved_to_another_hour_keeps_each_day_s_sign_ups_and_a_dropped_day_has_none() -> None:
    before = series(18)
    second = session_key(sessions(before, SHANGHAI)[1])
    assert session_now(before, second, SHANGHAI).starts_at == datetime(2027, 3, 13, 18, tzinfo=SHANGHAI)
    later = session_now(series(19), second, SHANGHAI)
    assert later.starts_at == datetime(2027, 3, 13, 19, tzinfo=SHANGHAI)  # the same Saturday, the new hour
    assert session_now(series(19, count=1), second, SHANGHAI) is None  # that Saturday is no session any more


def test_a_single_activity_moved_to_another_day_is_the_same_session() -> None:
    single = series(18, recurrence=None)
    key = session_key(sessions(single, SHANGHAI)[0])
    moved = series(10, recurrence=None, starts_at=datetime(2027, 3, 9, 10, tzinfo=SHANGHAI))
    moved = moved.model_copy(update={"ends_at": datetime(2027, 3, 9, 11, tzinfo=SHANGHAI)})
    assert session_now(moved, key, SHANGHAI).starts_at == datetime(2027, 3, 9, 10, tzinfo=SHANGHAI)
