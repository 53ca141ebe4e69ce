"""CSV and ICS imports: pure parsing, no I/O."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from shuxiang.schemas import Category, Role, Status
from shuxiang.services.intake.imports import (
    Notice,
    detect_format,
    in_line_order,
    not_newer,
    parse_local_datetime,
    read_csv_reports,
    read_csv_submissions,
    read_ics_submissions,
    read_submissions,
    refusals,
)
from tests.conftest import DATA

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_csv_with_chinese_headers_reads_wall_times_in_the_alliance_zone() -> None:
    submissions, problems = read_csv_submissions(
        (DATA / "intake" / "plan.csv").read_text(encoding="utf-8"), "jn", SHANGHAI
    )
    assert problems == [
        "line 4: 开始时间: “2026-13-01 10:00”不是日期时间，应如 2026-04-23 14:00 / "
        '"2026-13-01 10:00" is not a date and time, e.g. 2026-04-23 14:00'
    ]
    lecture, reading = submissions
    assert (lecture.source_ref, lecture.title, lecture.category) == (
        "csv-gs-1",
        "沽上讲堂：津沽方言漫谈",
        Category.lecture,
    )
    assert lecture.starts_at.isoformat() == "2026-04-23T14:00:00+08:00"
    assert lecture.ends_at.isoformat() == "2026-04-23T16:00:00+08:00"  # a time alone: the same day
    assert lecture.featured is True and lecture.library_id == "jn"
    assert reading.recurrence == "FREQ=WEEKLY;COUNT=4"
    assert reading.category == Category.parent_child
    assert [(o.library_id, o.role) for o in reading.organizers] == [("jn", Role.host), ("jn-b1", Role.co_organiser)]


def test_csv_from_excel_in_gb18030_with_english_headers_and_other_zones() -> None:
    text = "title,starts_at,ends_at,venue,category,status\n读书会,2026-05-01 19:00,2026-05-01 21:00,书房,reading_club,已取消\n"
    fmt, submissions, problems = read_submissions(
        text.encode("gb18030"), "plan.csv", as_library="tz", tz=ZoneInfo("Asia/Urumqi")
    )
    assert (fmt, problems) == ("csv", [])
    [club] = submissions
    assert club.starts_at.isoformat() == "2026-05-01T19:00:00+06:00"
    assert club.status == Status.cancelled and club.category == Category.reading_club
    assert club.source_ref.startswith("csv-")
    again = read_csv_submissions(text, "tz", ZoneInfo("Asia/Urumqi"))[0][0]
    assert again.source_ref == club.source_ref  # the same row names the same activity


def test_csv_problems_name_the_line_and_the_column() -> None:
    text = (
        "标题,开始时间,结束时间,地点,颜色\n"
        ",2026-05-01 10:00,11:00,书房,红\n"
        "全天展览,2026-05-01,2026-05-03,展厅,\n"
        "没有结束,2026-05-01 10:00,,书房,\n"
        "报名,2026-05-01 10:00,11:00,书房,\n"
        "报名,2026-05-01 10:00,11:00,书房,\n"
    )
    submissions, problems = read_csv_submissions(text, "jn", SHANGHAI)
    assert problems[0].startswith("line 1: ") and "颜色" in problems[0]
    assert problems[1].startswith("line 2: title:")
    assert problems[2].startswith("line 4: 结束时间: 缺少此项")
    assert problems[3].startswith("line 6: ") and "line 5" in problems[3]
    exhibition = submissions[0]
    assert exhibition.all_day and exhibition.category == Category.exhibition
    assert exhibition.ends_at.isoformat() == "2026-05-04T00:00:00+08:00"  # the last day is inclusive
    assert read_csv_submissions("地点\n书房\n", "jn", SHANGHAI)[1][0].startswith("line 1: 表头缺少必需的列")


def test_ics_uids_become_source_refs_and_modifications_raise_the_revision() -> None:
    text = (DATA / "intake" / "member.ics").read_text(encoding="utf-8")
    submissions, problems = read_ics_submissions(text, "tz", SHANGHAI, default_venue="滕州市图书馆")
    assert problems == []
    lecture, day, series = submissions
    assert lecture.source_ref == "tz-2026-001@tzlib.example" and lecture.category == Category.lecture
    assert lecture.starts_at.isoformat() == "2026-04-23T09:00:00+08:00"
    assert day.all_day and day.venue.name == "滕州市图书馆" and day.revision == 1
    assert day.category == Category.accessibility
    assert series.starts_at.isoformat() == "2026-05-10T19:00:00+08:00"  # floating: the alliance's zone
    assert series.recurrence == "FREQ=WEEKLY;UNTIL=20260531T155959Z"

    later = text.replace("LAST-MODIFIED:20260301T080000Z", "LAST-MODIFIED:20260302T080000Z")
    assert read_ics_submissions(later, "tz", SHANGHAI)[0][0].revision > lecture.revision
    sequenced = text.replace("SEQUENCE:0", "SEQUENCE:3")
    assert read_ics_submissions(sequenced, "tz", SHANGHAI, "馆")[0][1].revision == 4


def test_ics_problems_are_named_and_the_rest_kept() -> None:
    calendar = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:x
BEGIN:VEVENT
DTSTART:20260501T100000Z
SUMMARY:no uid
END:VEVENT
BEGIN:VEVENT
UID:a@x
RECURRENCE-ID:20260508T100000Z
DTSTART:20260508T110000Z
SUMMARY:moved
END:VEVENT
BEGIN:VEVENT
UID:b@x
DTSTART:20260501T100000Z
DURATION:PT2H
STATUS:CANCELLED
SUMMARY:取消的讲座
LOCATION:报告厅
END:VEVENT
END:VCALENDAR
"""
    submissions, problems = read_ics_submissions(calendar.replace("\n", "\r\n"), "jn", SHANGHAI)
    assert problems[0].startswith("VEVENT 1: UID")
    assert problems[1].startswith("VEVENT 2 (UID a@x)") and "RECURRENCE-ID" in problems[1]
    [cancelled] = submissions
    assert cancelled.status == Status.cancelled and cancelled.starts_at == datetime.fromisoformat("2026-05-01T10:00Z")
    assert cancelled.ends_at == datetime.fromisoformat("2026-05-01T12:00Z")
    assert read_ics_submissions("not a calendar", "jn", SHANGHAI)[1][0].startswith("不是有效的 iCalendar")


def test_a_series_split_by_a_calendar_app_and_an_unreadable_event_refuse_only_themselves() -> None:
    """Google's "this and following events" ends the series (UNTIL) and keeps its EXDATE and changed
    session past the end on the first part; Outlook writes RDATEs; a hand-edited DTSTART breaks."""
    calendar = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:x
BEGIN:VEVENT
UID:split@x
DTSTART;TZID=Asia/Shanghai:20270706T190000
DTEND;TZID=Asia/Shanghai:20270706T203000
RRULE:FREQ=WEEKLY;UNTIL=20270719T155959Z
EXDATE;TZID=Asia/Shanghai:20270803T190000
RDATE;TZID=Asia/Shanghai:20270130T100000
SUMMARY:经典诵读
LOCATION:报告厅
END:VEVENT
BEGIN:VEVENT
UID:split@x
RECURRENCE-ID;TZID=Asia/Shanghai:20270727T190000
DTSTART;TZID=Asia/Shanghai:20270728T190000
DTEND;TZID=Asia/Shanghai:20270728T203000
SUMMARY:经典诵读
END:VEVENT
BEGIN:VEVENT
UID:broken@x
DTSTART:2027-08-16 09:30
DTEND:20270816T113000
SUMMARY:手改的时间
LOCATION:报告厅
END:VEVENT
BEGIN:VEVENT
UID:fine@x
DTSTART;TZID=Asia/Shanghai:20270817T093000
DTEND;TZID=Asia/Shanghai:20270817T113000
SUMMARY:好好的讲座
LOCATION:报告厅
END:VEVENT
END:VCALENDAR
"""
    submissions, problems = read_ics_submissions(calendar.replace("\n", "\r\n"), "jn", SHANGHAI)
    series, fine = submissions
    assert (series.source_ref, series.exdates, series.overrides, fine.source_ref) == ("split@x", [], [], "fine@x")
    notices = [p for p in problems if isinstance(p, Notice)]
    assert len(notices) == 3 and all(p.startswith("VEVENT 1 (UID split@x)") for p in notices)
    assert {p.split(": ")[1] for p in notices} == {"EXDATE", "RECURRENCE-ID", "RDATE"}
    assert refusals(problems) == [
        'VEVENT 3 (UID broken@x): 有属性无法读取：DTSTART "2027-08-16 09:30" / '
        'a property cannot be read: DTSTART "2027-08-16 09:30"'
    ]


def test_formats_are_detected_and_csv_needs_a_library() -> None:
    assert detect_format("plan.CSV", "") == "csv"
    assert detect_format("calendar.ics", "") == "ics"
    assert detect_format("-", "BEGIN:VCALENDAR\r\n") == "ics"
    assert detect_format("-", '{"library_id": "jn"}') == "jsonl"
    assert detect_format("data.txt", "标题,开始时间") == "csv"
    assert detect_format("/dev/null", "") == "jsonl"  # nothing to publish, whatever the name
    with pytest.raises(ValueError, match="--as"):
        read_submissions("标题,开始时间\n".encode(), "plan.csv", as_library=None, tz=SHANGHAI)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-04-23 14:00", "2026-04-23T14:00:00+08:00"),
        ("2026/4/23 9:05", "2026-04-23T09:05:00+08:00"),
        ("2026年4月23日 14:30", "2026-04-23T14:30:00+08:00"),
        ("2026-04-23T14:00", "2026-04-23T14:00:00+08:00"),
        ("2026-04-23T14:00:00+00:00", "2026-04-23T14:00:00+00:00"),
        ("2026/4/23 下午2:00", "2026-04-23T14:00:00+08:00"),
        ("2026年4月23日（周四）下午2点半", "2026-04-23T14:30:00+08:00"),
        ("2026-04-23 14点30分", "2026-04-23T14:30:00+08:00"),
        ("2026-04-23 晚上7点", "2026-04-23T19:00:00+08:00"),
        ("2026-04-23 中午12:00", "2026-04-23T12:00:00+08:00"),
        ("2026-04-23 12:30 AM", "2026-04-23T00:30:00+08:00"),
        ("２０２６－０４－２３　１４：００", "2026-04-23T14:00:00+08:00"),
        ("46135.5833333333", "2026-04-23T14:00:00+08:00"),  # Excel's serial number of the cell
        ("46135", "2026-04-23T00:00:00+08:00"),
    ],
)
def test_wall_times_people_write(text: str, expected: str) -> None:
    assert parse_local_datetime(text, SHANGHAI)[0].isoformat() == expected


def test_a_time_that_cannot_be_read_is_quoted() -> None:
    with pytest.raises(ValueError, match='"2026-04-23 14" is not a date and time'):
        parse_local_datetime("2026-04-23 14", SHANGHAI)
    assert parse_local_datetime("下午4点", SHANGHAI, day=datetime(2026, 4, 23).date())[0].hour == 16


def test_a_time_alone_needs_a_day() -> None:
    with pytest.raises(ValueError):
        parse_local_datetime("14:00", SHANGHAI)
    with pytest.raises(ValueError):
        parse_local_datetime("2026-02-30 10:00", SHANGHAI)


def test_ics_values_beyond_what_storage_holds_are_named_not_crashed_on() -> None:
    calendar = "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:x",
            "BEGIN:VEVENT",
            "UID:big@x",
            "SEQUENCE:99999999999999999999",
            "DTSTART:20260501T100000Z",
            "DURATION:PT1H",
            "SUMMARY:讲座",
            "LOCATION:报告厅",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "UID:fast@x",
            "DTSTART:20260501T100000Z",
            "DURATION:PT1H",
            "SUMMARY:讲座",
            "LOCATION:报告厅",
            "RRULE:FREQ=SECONDLY",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "UID:far@x",
            "DTSTART:99990501T100000Z",
            "DURATION:PT1H",
            "SUMMARY:讲座",
            "LOCATION:报告厅",
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )
    submissions, problems = read_ics_submissions(calendar, "jn", SHANGHAI)
    assert submissions == [] and len(problems) == 3
    assert "revision" in problems[0] and "2147483647" in problems[0]
    assert "FREQ=SECONDLY" in problems[1]
    assert "2200" in problems[2]


def test_csv_cells_that_a_spreadsheet_would_run_are_written_as_text() -> None:
    import csv
    import io

    from shuxiang.spreadsheet import SafeWriter

    output = io.StringIO()
    SafeWriter(output).writerow(["=1+1", "+86 22", "-2", "@SUM(A1)", "\tx", "\rx", "讲座", 5, -3, None])
    assert next(csv.reader(io.StringIO(output.getvalue()))) == [
        "'=1+1",
        "'+86 22",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "讲座",
        "5",
        "-3",
        "",
    ]


def test_csv_partners_outside_the_alliance_and_the_plans_roles() -> None:
    text = (
        "标题,开始时间,结束时间,地点,承办馆,协办,合作单位\n"
        "读书会,2026-04-23 14:00,2026-04-23 16:00,报告厅,jn-b1,tz,津南区实验小学、Tianjin University\n"
    )
    [submission], problems = read_csv_submissions(text, "jn", ZoneInfo("Asia/Shanghai"))
    assert problems == []
    assert submission.partners == ["津南区实验小学", "Tianjin University"]
    assert [(o.library_id, o.role.value) for o in submission.organizers] == [
        ("jn", "host"),
        ("jn-b1", "organiser"),
        ("tz", "co_organiser"),
    ]


def test_csv_history_with_participants_becomes_attendance_reports() -> None:
    """Earlier editions of a brand imported with their participants: 好书伴我成长 "连续成功举办十届"."""
    text = (
        "标题,开始时间,结束时间,地点,品牌,参与人次,是否举办\n"
        '好书伴我成长·第一届,2007-05-12 09:00,2007-05-12 11:00,报告厅,jn-haoshu,"1,200",\n'
        "好书伴我成长·第二届,2008-05-10 09:00,2008-05-10 11:00,报告厅,jn-haoshu,,否\n"
        "好书伴我成长·第三届,2009-05-09 09:00,2009-05-09 11:00,报告厅,jn-haoshu,,\n"
        "好书伴我成长·第四届,2010-05-08 09:00,2010-05-08 11:00,报告厅,jn-haoshu,很多,\n"
    )
    tz = ZoneInfo("Asia/Shanghai")
    submissions, _ = read_csv_submissions(text, "jn", tz)
    reports, problems = read_csv_reports(text, "jn", tz)
    refs = {s.title: s.source_ref for s in submissions}
    assert [(r.source_ref, r.held, r.participants) for r in reports] == [
        (refs["好书伴我成长·第一届"], True, 1200),
        (refs["好书伴我成长·第二届"], False, 0),
    ]
    assert len(problems) == 1 and problems[0].startswith("line 5: 参与人次")


def test_a_template_s_header_below_its_title_and_columns_ignored_without_refusing() -> None:
    text = (
        "2027年津南区图书馆活动计划表,,,,\n"
        ",,,,\n"
        "活动名称*,活动时间（必填）,结束时间,活动地点,活动类型,备注\n"
        "少儿科普实验课,2027/3/6 下午2点,16:00,少儿阅览区,培训,需自带材料\n"
    )
    submissions, problems = read_csv_submissions(text, "jn", SHANGHAI)
    (lesson,) = submissions
    assert (lesson.title, lesson.starts_at.isoformat(), lesson.venue.name, lesson.category) == (
        "少儿科普实验课",
        "2027-03-06T14:00:00+08:00",
        "少儿阅览区",
        Category.training,
    )
    assert len(problems) == 1 and problems[0].startswith("line 3: ") and "备注" in problems[0]
    assert isinstance(problems[0], Notice) and refusals(problems) == []


def test_participants_as_written_and_a_bad_row_reported_once() -> None:
    text = (
        "标题,开始时间,结束时间,地点,参与人次\n"
        "读书会,2026-03-01 10:00,11:00,报告厅,约120人次\n"
        "故事会,2026-03-02 10:00,11:00,报告厅,-5\n"
        "坏行,2026-13-02 10:00,11:00,报告厅,30\n"
        "讲座,2026-03-04 10:00,11:00,报告厅,１５０\n"
    )
    reports, problems = read_csv_reports(text, "jn", SHANGHAI)
    assert [r.participants for r in reports] == [120, 150]
    assert problems == [
        'line 3: 参与人次: “-5”不是参与人次（应为 0 或正整数） / "-5" is not a number of participants (a whole number, 0 or more)'
    ]  # the bad row's time is read_csv_submissions' to report, once
    assert in_line_order(["line 10: b", "line 9: a", "source_ref x: c"]) == [
        "source_ref x: c",
        "line 9: a",
        "line 10: b",
    ]


def _row(title: str, start: str = "2026-04-23 14:00", revision: str = "") -> str:
    return f"编号,标题,开始时间,结束时间,地点,修订\nr-1,{title},{start},16:00,报告厅,{revision}\n"


def test_a_sheet_without_revisions_is_numbered_against_what_was_published() -> None:
    (first,), _ = read_csv_submissions(_row("读书会"), "jn", SHANGHAI, held=lambda keys: {})
    assert first.revision == 1
    held = {("jn", "r-1"): first.model_copy(update={"revision": 4})}
    asked = []

    def lookup(keys):
        asked.extend(keys)
        return held

    (same,), _ = read_csv_submissions(_row("读书会"), "jn", SHANGHAI, held=lookup)
    (moved,), _ = read_csv_submissions(_row("读书会", "2026-04-23 15:00"), "jn", SHANGHAI, held=lookup)
    (numbered_by_hand,), _ = read_csv_submissions(_row("读书会（改）", revision="4"), "jn", SHANGHAI, held=lookup)
    (history,), _ = read_csv_submissions(_row("读书会（初稿）", revision="2"), "jn", SHANGHAI, held=lookup)
    assert (same.revision, moved.revision, numbered_by_hand.revision, history.revision) == (4, 5, 4, 2)
    assert asked == [("jn", "r-1"), ("jn", "r-1")]  # a numbered row is not looked up
    kept, problems = not_newer([same, moved, numbered_by_hand, history], held)
    assert kept == [same, moved, history]  # an older revision is history: it changes nothing, no mistake
    assert problems == [
        "source_ref r-1: 修订号 4 已经发布过，内容却不同：请把修订号改为 5 以发布这一修改 / revision 4 is already "
        "published, saying something else: give it revision 5 to publish the change"
    ]


def test_a_sheet_names_libraries_campaigns_and_brands_as_the_form_shows_them() -> None:
    """A clerk writes 安康市图书馆 under 协办馆 and 暑期少儿阅读 under 联盟活动 — the form's names: the
    import said 'organizers[1].library_id: 格式不对' and '不是本联盟的联盟活动', and a refused campaign
    named the row by its source_ref, not its line."""
    from shuxiang.alliance import load_demo_alliance

    alliance = load_demo_alliance()
    text = (
        "标题,开始时间,结束时间,地点,协办馆,联盟活动,品牌\n"
        "暑期绘本共读,2026-07-18 10:00,2026-07-18 11:00,少儿阅览室,安康市图书馆、tz,暑期少儿阅读,沽上讲堂\n"
        "读书分享会,2026-07-19 10:00,2026-07-19 11:00,少儿阅览室,安康图书馆,,\n"
        "开学第一课,2026-09-12 10:00,2026-09-12 11:00,报告厅,,暑期少儿阅读,\n"
        "秋季讲座,2026-09-13 10:00,2026-09-13 11:00,报告厅,,,jn-haoshu\n"
    )
    submissions, problems = read_csv_submissions(text, "jn", SHANGHAI, alliance=alliance)
    first, autumn = submissions
    assert [(o.library_id, o.role) for o in first.organizers] == [
        ("jn", Role.host),
        ("ak", Role.co_organiser),
        ("tz", Role.co_organiser),
    ]
    assert (first.campaign_id, first.brand_id, autumn.brand_id) == ("summer-reading", "jn-gushang", "jn-haoshu")
    assert problems[0].startswith("line 3: 合办: “安康图书馆”不是本联盟的成员馆（请写成员馆的名称或编号） / ")
    assert problems[1].startswith("line 4: 联盟活动: 活动开始于 2026-09-12") and len(problems) == 2
    # without the alliance (no configuration saved), the cells are read as ids, as before
    assert read_csv_submissions(text, "jn", SHANGHAI)[0][0].campaign_id == "暑期少儿阅读"


def test_json_lines_name_every_refusal_by_line_and_keep_no_edit_silently() -> None:
    """A file giving one announcement's revision 1 twice, the second moved to 14:00: 'published 2'
    and the edit was gone (the consumers keep the first); the alliance's refusals were named by
    source_ref, ahead of the line-numbered problems."""
    import json

    from shuxiang.alliance import load_demo_alliance

    def line(ref: str, hour: int = 10, **extra) -> str:
        body = {
            "library_id": "jn",
            "source_ref": ref,
            "revision": 1,
            "title": "同修订号测试",
            "category": "lecture",
            "starts_at": f"2027-06-01T{hour}:00:00+08:00",
            "ends_at": f"2027-06-01T{hour + 1}:00:00+08:00",
            "venue": {"name": "报告厅"},
            **extra,
        }
        return json.dumps(body, ensure_ascii=False)

    text = "\n".join([line("a"), line("a"), line("a", 14), line("b", campaign_id="nope"), line("c", organizers=[])])
    fmt, submissions, problems = read_submissions(
        text.encode(), "f.jsonl", as_library=None, tz=SHANGHAI, alliance=load_demo_alliance()
    )
    assert [(s.source_ref, s.starts_at.hour) for s in submissions] == [("a", 10), ("c", 10)]
    assert [p.split(":", 1)[0] for p in problems] == ["line 3", "line 4"]
    assert "修订号 1 已在第 1 行出现" in problems[0] and "give this line revision 2" in problems[0]
    assert problems[1].startswith("line 4: campaign_id: “nope”") or "nope" in problems[1]
