"""Series whose dates keep their meaning: a start on its own rule, excluded and changed
sessions that name real sessions, and edits of the series' time that carry them along."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from shuxiang.schemas import ActivitySubmission, SessionOverride, Venue
from shuxiang.services.intake import forms

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
FIRST = datetime(2026, 12, 5, 10, 0, tzinfo=SHANGHAI)  # a Saturday


def series(**changes) -> ActivitySubmission:
    body = {
        "library_id": "jn",
        "source_ref": "weekly",
        "title": "快乐小板凳",
        "category": "children",
        "starts_at": FIRST,
        "ends_at": FIRST + timedelta(hours=1),
        "recurrence": "FREQ=WEEKLY;COUNT=6",
        "venue": {"name": "少儿阅览室"},
    }
    return ActivitySubmission.model_validate({**body, **changes})


def refused(**changes) -> str:
    with pytest.raises(ValidationError) as caught:
        series(**changes)
    return str(caught.value)


def test_a_start_that_is_not_on_its_own_rule_is_refused_not_moved() -> None:
    text = refused(recurrence="FREQ=WEEKLY;BYDAY=SU;COUNT=4")
    assert "not a session of its own recurrence" in text and "2026-12-06T10:00" in text


def test_excluded_and_changed_dates_must_name_sessions() -> None:
    assert "exdates: 2026-12-12T16:00" in refused(exdates=[FIRST + timedelta(weeks=1, hours=6)])
    assert "overrides: 2026-12-13T10:00" in refused(overrides=[{"recurrence_id": FIRST + timedelta(days=8)}])
    assert "need a recurrence" in refused(recurrence=None, exdates=[FIRST])
    assert "listed twice" in refused(
        overrides=[{"recurrence_id": FIRST}, {"recurrence_id": FIRST, "status": "cancelled"}]
    )
    assert "also in exdates" in refused(exdates=[FIRST], overrides=[{"recurrence_id": FIRST}])
    ok = series(
        exdates=[FIRST + timedelta(weeks=2)],
        overrides=[
            {"recurrence_id": FIRST + timedelta(weeks=1), "status": "cancelled"},
            {"recurrence_id": FIRST + timedelta(weeks=3), "starts_at": FIRST + timedelta(weeks=3, days=1)},
        ],
    )
    assert [o.status for o in ok.overrides] == ["cancelled", "scheduled"]


def test_a_summer_session_in_a_daylight_saving_zone_matches_by_its_wall_time() -> None:
    first = datetime(2027, 3, 6, 10, 0, tzinfo=NEW_YORK)
    summer = datetime(2027, 3, 20, 10, 0, tzinfo=NEW_YORK)  # 10:00 EDT, -04:00; the rule says 10:00 -05:00
    ok = series(
        starts_at=first.isoformat(), ends_at=(first + timedelta(hours=1)).isoformat(), exdates=[summer.isoformat()]
    )
    assert ok.exdates[0].utcoffset() == timedelta(hours=-4)


GOOD = {
    "title": "快乐小板凳",
    "category": "children",
    "starts_at": "2026-12-05T10:00",
    "ends_at": "2026-12-05T11:00",
    "venue_name": "少儿阅览室",
    "repeat": "weekly",
    "repeat_count": "6",
}


def edit(previous: ActivitySubmission, **values):
    return forms.submission_from_form(
        {**GOOD, **values},
        library_id="jn",
        source_ref="weekly",
        revision=2,
        tz=SHANGHAI,
        lang="zh-CN",
        previous=previous,
    )


def test_changing_the_series_time_carries_its_excluded_and_moved_sessions_along() -> None:
    previous = series(
        exdates=[FIRST + timedelta(weeks=3)],
        overrides=[
            {"recurrence_id": FIRST + timedelta(weeks=1), "status": "cancelled"},
            {
                "recurrence_id": FIRST + timedelta(weeks=2),
                "starts_at": FIRST + timedelta(weeks=2, days=1),
                "venue": {"name": "报告厅"},
            },
        ],
    )
    later, errors = edit(previous, starts_at="2026-12-05T16:00", ends_at="2026-12-05T17:00")
    assert errors == {}
    assert later.exdates == [FIRST + timedelta(weeks=3, hours=6)]
    assert [o.recurrence_id for o in later.overrides] == [
        FIRST + timedelta(weeks=1, hours=6),
        FIRST + timedelta(weeks=2, hours=6),
    ]
    assert later.overrides[0].status == "cancelled"
    assert later.overrides[1].starts_at == FIRST + timedelta(weeks=2, days=1)  # moved: keeps where it was moved to
    # a day later as well: still the same sessions, a day later
    sunday, errors = edit(previous, starts_at="2026-12-06T10:00", ends_at="2026-12-06T11:00")
    assert errors == {} and sunday.exdates == [FIRST + timedelta(weeks=3, days=1)]


def test_a_rule_change_that_drops_a_cancelled_session_asks_first() -> None:
    previous = series(overrides=[{"recurrence_id": FIRST + timedelta(weeks=4), "status": "cancelled"}])
    submission, errors = edit(previous, repeat_count="3")
    assert submission is None
    assert "2027-01-02 10:00" in errors["repeat_count"] and "请先恢复" in errors["repeat_count"]
    _, errors = forms.submission_from_form(
        {**GOOD, "repeat_count": "3"},
        library_id="jn",
        source_ref="weekly",
        revision=2,
        tz=SHANGHAI,
        lang="en",
        previous=previous,
    )
    assert "Restore them first" in errors["repeat_count"]
    # a longer series keeps it
    longer, errors = edit(previous, repeat_count="8")
    assert errors == {} and longer.overrides == previous.overrides


def test_a_start_off_the_rule_is_shown_on_the_start_field() -> None:
    submission, errors = forms.submission_from_form(
        {**GOOD, "repeat": "custom", "recurrence_raw": "FREQ=WEEKLY;BYDAY=SU;COUNT=4"},
        library_id="jn",
        source_ref="weekly",
        revision=1,
        tz=SHANGHAI,
        lang="zh-CN",
    )
    assert submission is None and "第一次活动" in errors["starts_at"]


def test_an_override_needs_its_end_after_its_start() -> None:
    with pytest.raises(ValidationError):
        SessionOverride(recurrence_id=FIRST, starts_at=FIRST, ends_at=FIRST - timedelta(hours=1))


SERIES_ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:x
BEGIN:VEVENT
UID:weekly@jnlib.example
SEQUENCE:0
DTSTART;TZID=Asia/Shanghai:20261205T100000
DTEND;TZID=Asia/Shanghai:20261205T110000
RRULE:FREQ=WEEKLY;COUNT=6
EXDATE;TZID=Asia/Shanghai:20261226T100000
SUMMARY:快乐小板凳
LOCATION:少儿阅览室
END:VEVENT
BEGIN:VEVENT
UID:weekly@jnlib.example
SEQUENCE:2
RECURRENCE-ID;TZID=Asia/Shanghai:20261212T100000
DTSTART;TZID=Asia/Shanghai:20261213T150000
DTEND;TZID=Asia/Shanghai:20261213T170000
SUMMARY:快乐小板凳（改到周日）
LOCATION:报告厅
END:VEVENT
BEGIN:VEVENT
UID:weekly@jnlib.example
SEQUENCE:1
RECURRENCE-ID;TZID=Asia/Shanghai:20261219T100000
DTSTART;TZID=Asia/Shanghai:20261219T100000
DTEND;TZID=Asia/Shanghai:20261219T110000
STATUS:CANCELLED
SUMMARY:快乐小板凳
LOCATION:少儿阅览室
END:VEVENT
END:VCALENDAR
"""


def test_an_ics_import_keeps_moved_and_cancelled_sessions_of_a_series() -> None:
    from shuxiang.services.intake.imports import read_ics_submissions

    submissions, problems = read_ics_submissions(SERIES_ICS.replace("\n", "\r\n"), "jn", SHANGHAI)
    assert problems == []
    (series_,) = submissions
    assert series_.exdates == [FIRST + timedelta(weeks=3)]
    moved, cancelled = series_.overrides
    assert moved.recurrence_id == FIRST + timedelta(weeks=1) and moved.status == "scheduled"
    assert moved.starts_at == FIRST + timedelta(weeks=1, days=1, hours=5) and moved.venue.name == "报告厅"
    assert cancelled.recurrence_id == FIRST + timedelta(weeks=2) and cancelled.status == "cancelled"
    assert cancelled.starts_at is None and cancelled.venue is None
    assert series_.revision == 3  # the newest of the series' blocks (SEQUENCE 2)


def test_one_session_is_moved_cancelled_and_restored_on_its_own() -> None:
    from shuxiang.services.intake.forms import find_session
    from shuxiang.services.intake.sessions import change_session, series_sessions

    submission = series()
    keys = [key for key, _ in series_sessions(submission, SHANGHAI)]
    assert keys[:2] == ["20261205T1000", "20261212T1000"] and len(keys) == 6
    second = find_session(submission, "20261212T1000", SHANGHAI)
    moved, errors = change_session(
        submission,
        second,
        {"action": "move", "starts_at": "2026-12-13T15:00", "ends_at": "2026-12-13T16:00", "venue_name": "报告厅"},
        revision=2,
        tz=SHANGHAI,
        lang="zh-CN",
    )
    assert errors == {} and moved.revision == 2
    (override,) = moved.overrides
    assert override.recurrence_id == FIRST + timedelta(weeks=1) and override.venue.name == "报告厅"
    # cancelling the moved session keeps where it went; restoring drops the override
    session = find_session(moved, "20261212T1000", SHANGHAI)
    assert session.starts_at == FIRST + timedelta(weeks=1, days=1, hours=5)
    gone, _ = change_session(moved, session, {"action": "cancel"}, revision=3, tz=SHANGHAI, lang="zh-CN")
    assert gone.overrides[0].status == "cancelled" and gone.overrides[0].starts_at == session.starts_at
    back, _ = change_session(
        gone,
        find_session(gone, "20261212T1000", SHANGHAI),
        {"action": "restore"},
        revision=4,
        tz=SHANGHAI,
        lang="zh-CN",
    )
    assert back.overrides == []
    _, errors = change_session(
        submission,
        second,
        {"action": "move", "starts_at": "2026-12-13T15:00", "ends_at": "2026-12-13T14:00"},
        revision=2,
        tz=SHANGHAI,
        lang="en",
    )
    assert errors == {"ends_at": "The end is before the start"}
    assert find_session(submission, "20261212T1100", SHANGHAI) is None  # not a session of the rule


def test_brands_digests_quotas_and_the_page_count_sessions_as_the_feed_shows_them() -> None:
    from datetime import UTC

    from shuxiang.calendars.recurrence import occurrences as page_sessions
    from shuxiang.schemas import CanonicalActivity
    from shuxiang.services.brands.handlers import occurrences as brand_sessions
    from shuxiang.services.digests.content import occurrences as digest_sessions
    from shuxiang.services.quotas.tally import ActivityFacts, occurrences_between

    moved_to = FIRST + timedelta(weeks=3, days=8)  # the 26 December session, moved to 3 January: a new month and year
    activity = CanonicalActivity.model_validate(
        {
            **series().model_dump(exclude={"library_id", "source_ref", "revision"}),
            "id": "weekly",
            "version": 2,
            "status": "scheduled",
            "exdates": [FIRST + timedelta(weeks=5)],
            "overrides": [
                {"recurrence_id": FIRST + timedelta(weeks=1), "status": "cancelled"},
                {
                    "recurrence_id": FIRST + timedelta(weeks=3),
                    "starts_at": moved_to,
                    "ends_at": moved_to + timedelta(hours=1),
                },
            ],
            "organizers": [{"library_id": "jn", "role": "host"}],
            "sources": [{"library_id": "jn", "source_ref": "weekly", "revision": 2}],
            "created_at": FIRST,
            "updated_at": FIRST,
        }
    )
    held = [FIRST, FIRST + timedelta(weeks=2), FIRST + timedelta(weeks=4), moved_to]
    assert brand_sessions(activity, SHANGHAI) == [h.astimezone(UTC) for h in held]
    year_start, next_year = datetime(2026, 1, 1, tzinfo=SHANGHAI), datetime(2028, 1, 1, tzinfo=SHANGHAI)
    assert digest_sessions(activity, SHANGHAI, year_start, next_year) == held
    assert page_sessions(activity, SHANGHAI, year_start, next_year) == held
    facts = ActivityFacts.of(activity, tz=SHANGHAI)
    in_2026 = list(occurrences_between(facts, SHANGHAI, year_start, datetime(2027, 1, 1, tzinfo=SHANGHAI)))
    in_2027 = list(occurrences_between(facts, SHANGHAI, datetime(2027, 1, 1, tzinfo=SHANGHAI), next_year))
    assert in_2026 == held[:2] and in_2027 == held[2:]  # the moved session counts in its new year

    from shuxiang.calendars import EventLabels
    from shuxiang.services.digests.content import ScopedActivity, upcoming_lines

    moved_venue = activity.model_copy(
        update={
            "overrides": [
                activity.overrides[0],
                activity.overrides[1].model_copy(update={"venue": Venue(name="报告厅")}),
            ]
        }
    )
    lines = upcoming_lines([ScopedActivity(moved_venue)], FIRST - timedelta(days=1), SHANGHAI, EventLabels(), days=40)
    assert [line.venue for line in lines] == ["少儿阅览室", "少儿阅览室", "少儿阅览室", "报告厅"]  # the moved one last


def test_the_report_form_reports_one_session_of_a_series() -> None:
    submission = series()
    report, errors = forms.report_from_form(
        {"held": "yes", "participants": "25", "session": "20261212T1000"},
        library_id="jn",
        source_ref="weekly",
        lang="zh-CN",
        series=submission,
        tz=SHANGHAI,
    )
    assert errors == {} and report.recurrence_id == FIRST + timedelta(weeks=1)
    assert report.message_id() == "rep:jn:weekly:20261212T020000Z:True:25"
    whole, _ = forms.report_from_form(
        {"held": "yes", "participants": "25"},
        library_id="jn",
        source_ref="weekly",
        lang="zh-CN",
        series=submission,
        tz=SHANGHAI,
    )
    assert whole.recurrence_id is None and whole.message_id() == "rep:jn:weekly:True:25"  # v1 ids unchanged
    _, errors = forms.report_from_form(
        {"held": "yes", "participants": "1", "session": "20261213T1000"},
        library_id="jn",
        source_ref="weekly",
        lang="en",
        series=submission,
        tz=SHANGHAI,
    )
    assert errors == {"session": "Choose a session from the list"}


def test_a_message_already_in_the_log_is_not_refused_for_its_sessions() -> None:
    """Replays give the same state: what the broker accepted before these checks still parses."""
    from shuxiang.events.consumer import Delivery, parse_payload

    stale = series(exdates=[FIRST + timedelta(weeks=1)]).model_dump(mode="json")
    stale["starts_at"], stale["ends_at"] = "2026-12-05T16:00:00+08:00", "2026-12-05T17:00:00+08:00"  # series moved
    delivery = Delivery(
        subject="shuxiang.activity.submitted.jn",
        data=json.dumps(stale).encode(),
        headers={},
        stream_seq=1,
        timestamp=FIRST,
    )
    logged = parse_payload(ActivitySubmission, delivery)
    assert logged.exdates == [FIRST + timedelta(weeks=1)]
    with pytest.raises(ValidationError):  # at the door, the same body is refused with the reason
        ActivitySubmission.model_validate(stale)


def test_a_long_open_ended_series_still_has_its_sessions_this_month() -> None:
    from shuxiang.calendars.recurrence import occurrences
    from shuxiang.schemas import CanonicalActivity

    since = datetime(2010, 1, 1, 9, 0, tzinfo=SHANGHAI)  # daily for 17 years: more than 5,000 sessions before
    activity = CanonicalActivity.model_validate(
        {
            **series(starts_at=since, ends_at=since + timedelta(hours=1), recurrence="FREQ=DAILY").model_dump(
                exclude={"library_id", "source_ref", "revision"}
            ),
            "id": "daily",
            "version": 1,
            "status": "scheduled",
            "organizers": [{"library_id": "jn", "role": "host"}],
            "sources": [{"library_id": "jn", "source_ref": "daily", "revision": 1}],
            "created_at": since,
            "updated_at": since,
        }
    )
    december = occurrences(
        activity, SHANGHAI, datetime(2026, 12, 1, tzinfo=SHANGHAI), datetime(2027, 1, 1, tzinfo=SHANGHAI)
    )
    assert len(december) == 31 and december[0] == datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)
