"""iCalendar rendering: parse the output back with three independent parsers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
import vobject

from shuxiang.calendars import EventLabels, assemble_feed, render_override, render_vevent, vtimezone
from shuxiang.calendars.render import escape_text, fold_line
from shuxiang.schemas import CanonicalActivity

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
CST = timezone(timedelta(hours=8))
UTC = UTC

LABELS = EventLabels(
    library_names={"shlib": "上海图书馆", "pdlib": "浦东图书馆", "jalib": "静安区图书馆"},
    brand_names={"dongfang": "东方讲坛"},
)


def make_activity(**changes: Any) -> CanonicalActivity:
    fields: dict[str, Any] = {
        "id": "act-0001",
        "version": 1,
        "status": "scheduled",
        "title": "读书会：《平凡的世界》",
        "description": "一起读路遥。",
        "category": "reading_club",
        "starts_at": datetime(2026, 4, 23, 14, 0, tzinfo=CST),
        "ends_at": datetime(2026, 4, 23, 16, 0, tzinfo=CST),
        "venue": {"name": "上海图书馆东馆", "address": "浦东新区合欢路300号"},
        "organizers": [
            {"library_id": "shlib", "role": "host"},
            {"library_id": "pdlib", "role": "co_host"},
            {"library_id": "jalib", "role": "participant"},
        ],
        "sources": [{"library_id": "shlib", "source_ref": "sh-42", "revision": 1}],
        "created_at": datetime(2026, 3, 1, 9, 30, tzinfo=CST),
        "updated_at": datetime(2026, 3, 2, 10, 15, tzinfo=CST),
    }
    fields.update(changes)
    return CanonicalActivity.model_validate(fields)


def feed_of(*fragments: bytes, tz: ZoneInfo = SHANGHAI) -> bytes:
    return assemble_feed(fragments, name="书香联盟活动日历", tz=tz)


def events(feed: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(feed).walk("VEVENT"))


def physical_lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    return data[:-2].split(b"\r\n")


def unfold(data: bytes) -> bytes:
    return data.replace(b"\r\n ", b"")


# --- content lines -----------------------------------------------------------


def test_escape_text_escapes_specials_and_neutralises_line_breaks() -> None:
    assert escape_text("a\\b;c,d") == "a\\\\b\\;c\\,d"
    assert escape_text("一\r\n二\r三\n四") == "一\\n二\\n三\\n四"
    assert escape_text("C:\\New\x00\x1b\tok") == "C:\\\\New\tok"


@pytest.mark.parametrize("text", ["a" * 75, "a" * 76, "书" * 60, "a" + "书" * 40, "x😀" * 40, "ab\\n" * 40])
def test_fold_line_keeps_octets_characters_and_escapes_whole(text: str) -> None:
    line = f"SUMMARY:{text}".encode()
    folded = fold_line(line)
    for physical in physical_lines(folded):
        assert len(physical) <= 75
        physical.decode("utf-8")
        assert not physical.lstrip(b" ").endswith(b"\\") or physical.endswith(b"\\\\")
    assert unfold(folded) == line + b"\r\n"


# --- one event -----------------------------------------------------------------


def test_render_is_deterministic_crlf_and_one_block() -> None:
    activity = make_activity()
    first = render_vevent(activity, tz=SHANGHAI, labels=LABELS)
    assert first == render_vevent(make_activity(), tz=SHANGHAI, labels=LABELS)
    assert first.startswith(b"BEGIN:VEVENT\r\n") and first.endswith(b"END:VEVENT\r\n")
    assert b"\n" not in first.replace(b"\r\n", b"") and b"\r" not in first.replace(b"\r\n", b"")
    assert first.count(b"BEGIN:") == 1


def test_identity_sequence_and_stamps() -> None:
    (event,) = events(feed_of(render_vevent(make_activity(version=3), tz=SHANGHAI, uid_domain="lib.example.cn")))
    assert event["UID"] == "act-0001@lib.example.cn"
    assert event["SEQUENCE"] == 2
    assert event.decoded("DTSTAMP") == datetime(2026, 3, 2, 2, 15, tzinfo=UTC)
    assert event.decoded("LAST-MODIFIED") == datetime(2026, 3, 2, 2, 15, tzinfo=UTC)
    assert event.decoded("CREATED") == datetime(2026, 3, 1, 1, 30, tzinfo=UTC)
    assert event["STATUS"] == "CONFIRMED"
    assert event["CLASS"] == "PUBLIC" and event["TRANSP"] == "OPAQUE"


def test_sequence_counts_visible_changes_only() -> None:
    """A version raised only because an announcement joined (``sequence`` unchanged, dedup keeps
    ``updated_at``) renders the same bytes: subscribers see no revision.  A snapshot from before
    ``sequence`` renders ``version - 1``, as every VEVENT did."""
    first = make_activity(version=1, sequence=0)
    joined = first.model_copy(
        update={"version": 2, "sources": [*first.sources, {"library_id": "pdlib", "source_ref": "pd-7", "revision": 1}]}
    )
    assert render_vevent(joined, tz=SHANGHAI) == render_vevent(first, tz=SHANGHAI)
    (event,) = events(feed_of(render_vevent(make_activity(version=4, sequence=2), tz=SHANGHAI)))
    assert event["SEQUENCE"] == 2
    (event,) = events(feed_of(render_vevent(make_activity(version=4), tz=SHANGHAI)))
    assert event["SEQUENCE"] == 3


def test_start_instant_has_no_offset_shift_in_any_parser() -> None:
    # given in UTC on the wire; rendered in the alliance zone
    activity = make_activity(
        starts_at=datetime(2026, 4, 23, 6, tzinfo=UTC), ends_at=datetime(2026, 4, 23, 8, tzinfo=UTC)
    )
    fragment = render_vevent(activity, tz=SHANGHAI)
    assert b"DTSTART;TZID=Asia/Shanghai:20260423T140000\r\n" in fragment
    feed = feed_of(fragment)
    (event,) = events(feed)
    assert event.decoded("DTSTART") == datetime(2026, 4, 23, 14, tzinfo=CST)
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2026, 4, 23, 6, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 4, 23, 16, tzinfo=CST)
    parsed = vobject.readOne(feed.decode())
    assert parsed.vevent.dtstart.value == datetime(2026, 4, 23, 6, tzinfo=UTC)
    assert parsed.vevent.uid.value == "act-0001@shuxiang"


def test_cancelled_is_marked_in_status_and_summary() -> None:
    activity = make_activity(status="cancelled", version=2)
    (event,) = events(feed_of(render_vevent(activity, tz=SHANGHAI)))
    assert event["STATUS"] == "CANCELLED"
    assert event["SUMMARY"] == "【已取消】读书会：《平凡的世界》"
    assert event["SEQUENCE"] == 1
    assert event["TRANSP"] == "TRANSPARENT"  # a cancelled activity keeps no one's calendar busy
    english = render_vevent(activity, tz=SHANGHAI, labels=EventLabels(language="en"))
    (event,) = events(feed_of(english))
    assert event["SUMMARY"] == "[Cancelled] 读书会：《平凡的世界》"


def test_long_chinese_text_folds_at_75_octets_and_round_trips() -> None:
    title = "“书香上海”系列讲座：从《红楼梦》看明清江南的阅读生活、刻书业与藏书楼文化——暨第二十届读书节开幕式"
    description = "本次讲座由复旦大学古籍所教授主讲。" * 12 + "\n请提前二十分钟入场，凭读者证领取座位号。"
    fragment = render_vevent(make_activity(title=title, description=description), tz=SHANGHAI, labels=LABELS)
    lines = physical_lines(fragment)
    assert any(line.startswith(b" ") for line in lines)
    for line in lines:
        assert len(line) <= 75
        line.decode("utf-8")  # no multibyte character split across lines
    summary = next(line for line in physical_lines(unfold(fragment)) if line.startswith(b"SUMMARY:"))
    assert summary == f"SUMMARY:{title}".encode()
    feed = feed_of(fragment)
    (event,) = events(feed)
    assert event["SUMMARY"] == title
    assert str(event["DESCRIPTION"]).startswith(description + "\n\n主办：上海图书馆")
    assert vobject.readOne(feed.decode()).vevent.summary.value == title


def test_escaping_and_injection_attempt_stay_one_value() -> None:
    title = "Books; pens, and C:\\New\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil"
    fragment = render_vevent(make_activity(title=title, description="a;b,c\\d"), tz=SHANGHAI)
    starts = [line for line in physical_lines(unfold(fragment)) if line.startswith((b"BEGIN:", b"END:", b"UID:"))]
    assert starts == [b"BEGIN:VEVENT", b"UID:act-0001@shuxiang", b"END:VEVENT"]
    assert b"SUMMARY:Books\\; pens\\, and C:\\\\New\\nEND:VEVENT\\nBEGIN:VEVENT\\nUID:evil\r\n" in unfold(fragment)
    feed = feed_of(fragment)
    (event,) = events(feed)
    assert event["SUMMARY"] == title.replace("\r\n", "\n")
    assert event["UID"] == "act-0001@shuxiang"
    assert str(event["DESCRIPTION"]).startswith("a;b,c\\d\n\n")
    parsed = vobject.readOne(feed.decode())
    assert len(parsed.vevent_list) == 1
    assert parsed.vevent.summary.value == title.replace("\r\n", "\n")


def test_location_url_organizer_categories_description() -> None:
    activity = make_activity(brand_id="dongfang", registration_url="https://reg.example.cn/e/1?a=1,2")
    (event,) = events(feed_of(render_vevent(activity, tz=SHANGHAI, labels=LABELS)))
    assert event["LOCATION"] == "上海图书馆东馆，浦东新区合欢路300号"
    assert event["URL"] == "https://reg.example.cn/e/1?a=1,2"
    assert event["ORGANIZER"] == "urn:shuxiang:library:shlib"
    assert event["ORGANIZER"].params["CN"] == "上海图书馆"
    assert list(event["CATEGORIES"].cats) == ["读书会", "东方讲坛"]
    assert event["DESCRIPTION"] == (
        "一起读路遥。\n\n主办：上海图书馆\n协办：浦东图书馆\n参与：静安区图书馆\n报名：https://reg.example.cn/e/1?a=1,2"
    )
    explicit = render_vevent(activity, tz=SHANGHAI, url="https://shuxiang.example.cn/a/act-0001")
    (event,) = events(feed_of(explicit))
    assert event["URL"] == "https://shuxiang.example.cn/a/act-0001"


def test_english_labels_and_online_venue() -> None:
    labels = EventLabels(language="en", library_names={"shlib": "Shanghai Library"})
    activity = make_activity(
        venue={"online_url": "https://live.example.cn/room/9"},
        organizers=[{"library_id": "shlib", "role": "host"}, {"library_id": "pdlib", "role": "co_host"}],
        category="parent_child",
    )
    (event,) = events(feed_of(render_vevent(activity, tz=SHANGHAI, labels=labels)))
    assert event["LOCATION"] == "https://live.example.cn/room/9"
    assert event["CONFERENCE"] == "https://live.example.cn/room/9"
    assert list(event["CATEGORIES"].cats) == ["Parent-child reading"]
    assert event["DESCRIPTION"].endswith(
        "Host: Shanghai Library\nCo-organiser: pdlib\nOnline: https://live.example.cn/room/9"
    )


def test_all_day_event_uses_dates_with_exclusive_end() -> None:
    activity = make_activity(
        all_day=True,
        starts_at=datetime(2026, 4, 23, 0, tzinfo=CST),
        ends_at=datetime(2026, 4, 25, 23, 59, tzinfo=CST),
    )
    fragment = render_vevent(activity, tz=SHANGHAI)
    assert b"DTSTART;VALUE=DATE:20260423\r\n" in fragment and b"DTEND;VALUE=DATE:20260426\r\n" in fragment
    feed = feed_of(fragment)
    (event,) = events(feed)
    assert event.decoded("DTSTART") == date(2026, 4, 23) and event.decoded("DTEND") == date(2026, 4, 26)
    assert vobject.readOne(feed.decode()).vevent.dtend.value == date(2026, 4, 26)
    one_day = make_activity(all_day=True, ends_at=datetime(2026, 4, 23, 14, tzinfo=CST))
    (event,) = events(feed_of(render_vevent(one_day, tz=SHANGHAI)))
    assert event.decoded("DTEND") == date(2026, 4, 24)


# --- recurrence ----------------------------------------------------------------


def weekly_series(**changes: Any) -> CanonicalActivity:
    return make_activity(
        recurrence="FREQ=WEEKLY;COUNT=4",
        exdates=[datetime(2026, 4, 30, 6, tzinfo=UTC)],  # given in UTC: the 2nd Thursday, 14:00 local
        **changes,
    )


def test_weekly_series_with_exdate_expands_to_the_right_instants() -> None:
    fragment = render_vevent(weekly_series(), tz=SHANGHAI)
    assert b"RRULE:FREQ=WEEKLY;COUNT=4\r\n" in fragment
    assert b"EXDATE;TZID=Asia/Shanghai:20260430T140000\r\n" in fragment
    calendar = icalendar.Calendar.from_ical(feed_of(fragment))
    starts = [
        e.decoded("DTSTART") for e in recurring_ical_events.of(calendar).between(date(2026, 4, 1), date(2026, 6, 1))
    ]
    assert starts == [
        datetime(2026, 4, 23, 14, tzinfo=CST),
        datetime(2026, 5, 7, 14, tzinfo=CST),
        datetime(2026, 5, 14, 14, tzinfo=CST),
    ]
    assert [s.astimezone(UTC).hour for s in starts] == [6, 6, 6]


def test_rrule_until_is_rewritten_to_utc_or_date() -> None:
    timed = render_vevent(make_activity(recurrence="FREQ=WEEKLY;UNTIL=20260514"), tz=SHANGHAI)
    assert b"RRULE:FREQ=WEEKLY;UNTIL=20260514T155959Z\r\n" in timed
    calendar = icalendar.Calendar.from_ical(feed_of(timed))
    occurrences = recurring_ical_events.of(calendar).between(date(2026, 4, 1), date(2026, 7, 1))
    assert len(occurrences) == 4  # 23 Apr .. 14 May inclusive
    all_day = make_activity(all_day=True, recurrence="FREQ=DAILY;UNTIL=20260425T155959Z")
    assert b"RRULE:FREQ=DAILY;UNTIL=20260425\r\n" in render_vevent(all_day, tz=SHANGHAI)
    with pytest.raises(ValueError):
        render_vevent(make_activity(recurrence="FREQ=WEEKLY\r\nBEGIN:VEVENT"), tz=SHANGHAI)


def test_override_moves_one_occurrence() -> None:
    series = weekly_series()
    moved = render_override(
        series,
        datetime(2026, 5, 7, 14, tzinfo=CST),
        tz=SHANGHAI,
        title="读书会（改期）",
        starts_at=datetime(2026, 5, 8, 19, tzinfo=CST),
        ends_at=datetime(2026, 5, 8, 21, tzinfo=CST),
        version=2,
    )
    assert b"RECURRENCE-ID;TZID=Asia/Shanghai:20260507T140000\r\n" in moved
    assert b"RRULE" not in moved and b"EXDATE" not in moved
    feed = feed_of(render_vevent(series, tz=SHANGHAI), moved)
    assert {str(e["UID"]) for e in events(feed)} == {"act-0001@shuxiang"}
    calendar = icalendar.Calendar.from_ical(feed)
    found = recurring_ical_events.of(calendar).between(date(2026, 4, 1), date(2026, 6, 1))
    assert [(e.decoded("DTSTART"), str(e["SUMMARY"])) for e in found] == [
        (datetime(2026, 4, 23, 14, tzinfo=CST), "读书会：《平凡的世界》"),
        (datetime(2026, 5, 8, 19, tzinfo=CST), "读书会（改期）"),
        (datetime(2026, 5, 14, 14, tzinfo=CST), "读书会：《平凡的世界》"),
    ]
    assert found[1]["SEQUENCE"] == 1
    with pytest.raises(ValueError):
        render_override(make_activity(), datetime(2026, 4, 23, 14, tzinfo=CST), tz=SHANGHAI)
    with pytest.raises(ValueError):
        render_override(series, datetime(2026, 5, 7, 14, tzinfo=CST), tz=SHANGHAI, id="other")


# --- time zones and feeds --------------------------------------------------------


def test_shanghai_vtimezone_is_one_standard_at_plus_eight() -> None:
    (zone,) = icalendar.Calendar.from_ical(feed_of()).walk("VTIMEZONE")
    assert zone["TZID"] == "Asia/Shanghai"
    (standard,) = zone.subcomponents
    assert standard.name == "STANDARD"
    assert standard.decoded("TZOFFSETFROM") == standard.decoded("TZOFFSETTO") == timedelta(hours=8)


def test_dst_zone_vtimezone_and_instants() -> None:
    block = vtimezone(BERLIN, range(2025, 2028))
    zone = icalendar.Calendar.from_ical(block)
    assert {c.name for c in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    summer = make_activity(
        id="summer", starts_at=datetime(2026, 7, 1, 12, tzinfo=UTC), ends_at=datetime(2026, 7, 1, 13, tzinfo=UTC)
    )
    winter = make_activity(
        id="winter", starts_at=datetime(2026, 12, 1, 13, tzinfo=UTC), ends_at=datetime(2026, 12, 1, 14, tzinfo=UTC)
    )
    fragments = [render_vevent(a, tz=BERLIN) for a in (summer, winter)]
    assert b"DTSTART;TZID=Europe/Berlin:20260701T140000\r\n" in fragments[0]
    assert b"DTSTART;TZID=Europe/Berlin:20261201T140000\r\n" in fragments[1]
    feed = assemble_feed(fragments, name="Berlin", tz=BERLIN, years=range(2025, 2028))
    assert {str(e["UID"]): e.decoded("DTSTART").astimezone(UTC) for e in events(feed)} == {
        "summer@shuxiang": datetime(2026, 7, 1, 12, tzinfo=UTC),
        "winter@shuxiang": datetime(2026, 12, 1, 13, tzinfo=UTC),
    }
    parsed = vobject.readOne(feed.decode())
    assert [e.dtstart.value.astimezone(UTC).hour for e in parsed.vevent_list] == [12, 13]
    assert physical_lines(feed)  # CRLF-terminated


def test_feed_header_and_fragments_verbatim() -> None:
    fragments = [render_vevent(make_activity(id=f"act-{n}"), tz=SHANGHAI, labels=LABELS) for n in range(3)]
    feed = assemble_feed(
        fragments,
        name="书香联盟；全部活动, 2026",
        tz=SHANGHAI,
        description="上海市公共图书馆阅读推广联盟的全部活动",
        refresh=timedelta(minutes=30),
        url="https://shuxiang.example.cn/feeds/alliance.ics",
    )
    assert feed.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and feed.endswith(b"END:VEVENT\r\nEND:VCALENDAR\r\n")
    assert b"".join(fragments) in feed
    assert all(line == b"" or len(line) <= 75 for line in feed.split(b"\r\n"))
    assert b"\n" not in feed.replace(b"\r\n", b"")
    calendar = icalendar.Calendar.from_ical(feed)
    assert calendar["PRODID"] == "-//shuxiang//书香 阅读推广联盟//ZH"
    assert calendar["CALSCALE"] == "GREGORIAN" and calendar["METHOD"] == "PUBLISH"
    # NAME (RFC 7986) is TEXT, so the comma is escaped; icalendar 7 leaves NAME and X-WR-* raw
    assert "NAME:书香联盟；全部活动\\, 2026\r\n".encode() in feed
    assert "X-WR-CALNAME:书香联盟；全部活动\\, 2026\r\n".encode() in feed
    assert calendar["X-WR-TIMEZONE"] == "Asia/Shanghai"
    assert calendar["DESCRIPTION"] == calendar["X-WR-CALDESC"] == "上海市公共图书馆阅读推广联盟的全部活动"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Asia/Shanghai"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT30M\r\n" in feed and b"X-PUBLISHED-TTL:PT30M\r\n" in feed
    assert calendar["URL"] == calendar["SOURCE"] == "https://shuxiang.example.cn/feeds/alliance.ics"
    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == [f"act-{n}@shuxiang" for n in range(3)]
    parsed = vobject.readOne(feed.decode())
    assert parsed.contents["name"][0].value == parsed.x_wr_calname.value == "书香联盟；全部活动, 2026"
    assert len(parsed.vevent_list) == 3
    defaults = assemble_feed([], name="空", tz=SHANGHAI)
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in defaults and b"X-PUBLISHED-TTL:PT1H\r\n" in defaults
    assert b"URL" not in defaults and b"DESCRIPTION" not in defaults


def test_a_series_starts_at_its_rules_first_occurrence_so_every_client_agrees() -> None:
    # 2026-04-23 is a Thursday; the rule says the 1st and 15th of each month
    series = make_activity(recurrence="FREQ=MONTHLY;BYMONTHDAY=1,15;COUNT=3")
    event = events(feed_of(render_vevent(series, tz=SHANGHAI, labels=LABELS)))[0]
    assert event["DTSTART"].dt == datetime(2026, 5, 1, 14, 0, tzinfo=SHANGHAI)
    assert event["DTEND"].dt == datetime(2026, 5, 1, 16, 0, tzinfo=SHANGHAI)
    expanded = recurring_ical_events.of(icalendar.Calendar.from_ical(feed_of(render_vevent(series, tz=SHANGHAI))))
    starts = [
        e["DTSTART"].dt.date()
        for e in expanded.between(datetime(2026, 4, 1, tzinfo=CST), datetime(2027, 1, 1, tzinfo=CST))
    ]
    assert starts == [date(2026, 5, 1), date(2026, 5, 15), date(2026, 6, 1)]
    # a synchronized start is left as it is
    weekly = make_activity(recurrence="FREQ=WEEKLY;COUNT=3")
    assert events(feed_of(render_vevent(weekly, tz=SHANGHAI)))[0]["DTSTART"].dt == datetime(
        2026, 4, 23, 14, 0, tzinfo=SHANGHAI
    )


def test_an_override_without_new_times_keeps_its_occurrences_start() -> None:
    series = make_activity(recurrence="FREQ=WEEKLY;COUNT=4")
    third = datetime(2026, 5, 7, 14, 0, tzinfo=CST)
    block = render_override(series, third, tz=SHANGHAI, status="cancelled", version=2)
    event = events(feed_of(block))[0]
    assert event["DTSTART"].dt == event["RECURRENCE-ID"].dt == third
    assert event["DTEND"].dt == third + timedelta(hours=2)
    assert str(event["STATUS"]) == "CANCELLED"


def test_partners_outside_the_alliance_are_named_in_the_description() -> None:
    activity = make_activity(partners=["津南区实验小学", "区社科联"])
    (event,) = events(feed_of(render_vevent(activity, tz=SHANGHAI, labels=LABELS)))
    assert "合作单位：津南区实验小学、区社科联" in str(event["DESCRIPTION"])
