"""The form as a submission, problems on the fields, sessions, rate limits and lookalikes: pure logic."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from shuxiang.schemas import ActivitySubmission, CanonicalActivity, Status
from shuxiang.services.intake import forms
from shuxiang.services.intake.lookalikes import lookalikes
from shuxiang.services.intake.security import RateLimiter, SessionCodec, csrf_ok, new_session

SHANGHAI = ZoneInfo("Asia/Shanghai")
GOOD = {
    "title": "沽上讲堂",
    "category": "lecture",
    "starts_at": "2026-04-23T14:00",
    "ends_at": "2026-04-23T16:00",
    "venue_name": "报告厅",
    "repeat": "weekly",
    "repeat_count": "4",
    "tags": "大型系列，讲座",
    "capacity": "80",
}


def build(values: dict, lang: str = "zh-CN", **options):
    return forms.submission_from_form(
        values, library_id="jn", source_ref="web-1", revision=1, tz=SHANGHAI, lang=lang, **options
    )


def test_a_good_form_is_a_submission_in_the_alliance_zone() -> None:
    submission, errors = build(GOOD, co_hosts=["tz"])
    assert errors == {}
    assert submission.starts_at.isoformat() == "2026-04-23T14:00:00+08:00"
    assert submission.recurrence == "FREQ=WEEKLY;COUNT=4"
    assert submission.tags == ["大型系列", "讲座"] and submission.capacity == 80
    assert [(o.library_id, o.role.value) for o in submission.organizers] == [("jn", "host"), ("tz", "co_organiser")]
    again = forms.form_from_submission(submission, SHANGHAI)
    assert build(again, co_hosts=again["co_hosts"])[0] == submission


def test_problems_sit_on_their_fields_in_plain_chinese() -> None:
    bad = {
        **GOOD,
        "title": " ",
        "ends_at": "2026-04-23T13:00",
        "venue_name": "",
        "repeat_count": "1",
        "registration_url": "www.example.org",
        "capacity": "-3",
    }
    submission, errors = build(bad)
    assert submission is None
    assert errors == {
        "title": "请填写活动标题（最多 200 字）",
        "ends_at": "结束时间不能早于开始时间",
        "repeat_count": "重复次数应为 2 到 100 之间的整数",
        "venue_name": "请填写活动地点；线上活动请填写线上链接",
        "registration_url": "报名链接应以 http:// 或 https:// 开头",
        "capacity": "人数上限应为 0 或正整数",
    }
    _, english = build({**GOOD, "starts_at": "soon"}, lang="en")
    assert english == {"starts_at": '"soon" is not a date and time, e.g. 2026-04-23 14:00'}  # typed, not missing
    _, unread = build({**GOOD, "starts_at": "2026-02-30T10:00"})
    assert unread == {"starts_at": "“2026-02-30T10:00”不是日期时间，应如 2026-04-23 14:00"}
    written, none = build({**GOOD, "starts_at": "２０２６－０４－２３ 下午2点", "ends_at": "16:00"})
    assert none == {} and written.starts_at.isoformat() == "2026-04-23T14:00:00+08:00"
    whole_day, none = build({**GOOD, "starts_at": "2026-12-20", "ends_at": "2026-12-20"})  # no 全天 ticked
    assert none == {} and whole_day.all_day and whole_day.ends_at - whole_day.starts_at == timedelta(days=1)
    _, missing = build({})
    assert set(missing) == {"title", "category", "starts_at", "ends_at", "venue_name"}


def test_all_day_and_online_activities() -> None:
    submission, errors = build(
        {
            **GOOD,
            "all_day": "1",
            "ends_at": "2026-04-24T00:00",
            "repeat": "none",
            "venue_name": "",
            "online_url": "https://live.example.org/1",
        }
    )
    assert errors == {}
    assert submission.all_day and submission.ends_at.isoformat() == "2026-04-25T00:00:00+08:00"
    assert str(submission.venue.online_url) == "https://live.example.org/1"
    assert forms.form_from_submission(submission, SHANGHAI)["ends_at"].startswith("2026-04-24")


def test_a_rule_the_form_does_not_make_is_kept_on_edit() -> None:
    submission, _ = build({**GOOD, "starts_at": "2026-04-25T14:00", "ends_at": "2026-04-25T16:00"})  # a Saturday
    custom = submission.model_copy(update={"recurrence": "FREQ=WEEKLY;BYDAY=SA,SU;COUNT=6"})
    values = forms.form_from_submission(custom, SHANGHAI)
    assert values["repeat"] == "custom"
    assert build(values)[0].recurrence == "FREQ=WEEKLY;BYDAY=SA,SU;COUNT=6"
    assert forms.describe_rule("FREQ=MONTHLY;COUNT=3", "zh-CN") == "每月一次，共 3 次"
    assert forms.cancelled(submission, 2).status == Status.cancelled


def test_attendance_report_form() -> None:
    report, errors = forms.report_from_form(
        {"held": "yes", "participants": "42"}, library_id="jn", source_ref="web-1", lang="zh-CN"
    )
    assert errors == {} and report.participants == 42 and report.held
    _, errors = forms.report_from_form(
        {"held": "", "participants": "-1"}, library_id="jn", source_ref="web-1", lang="zh-CN"
    )
    assert errors == {"held": "请选择活动是否举行", "participants": "参加人数应为 0 或正整数"}


def test_sessions_are_signed_and_csrf_tokens_compared() -> None:
    codec = SessionCodec("secret")
    session = new_session("jn", 2)
    cookie = codec.dump(session)
    assert codec.load(cookie) == session
    assert codec.load(cookie[:-2] + "xx") is None
    assert SessionCodec("another secret").load(cookie) is None
    assert codec.load("garbage") is None and codec.load(None) is None
    assert csrf_ok(session, session.csrf) and not csrf_ok(session, "x") and not csrf_ok(session, None)
    assert new_session().csrf != new_session().csrf


def test_rate_limits_count_per_key_within_the_window_and_forget_expired_keys(monkeypatch) -> None:
    now = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda: now[0])  # the limits library's clock
    limiter = RateLimiter(3, 60)
    assert [limiter.hit("1.2.3.4|jn") for _ in range(3)] == [None, None, None]
    assert 1 <= limiter.hit("1.2.3.4|jn") <= 120
    assert limiter.hit("1.2.3.4|tz") is None
    now[0] += 121  # two windows later
    assert limiter.hit("1.2.3.4|jn") is None
    for n in range(1000):
        limiter.hit(f"10.0.{n // 250}.{n % 250}|name{n}")
    assert limiter.keys() >= 1000
    now[0] += 10 * 60
    limiter.hit("one more")  # schedules the sweep of expired keys
    for _ in range(200):
        if limiter.keys() <= 2:
            break
        threading.Event().wait(0.01)
    assert limiter.keys() <= 2


def canonical(title: str, start: datetime, library: str, **extra) -> CanonicalActivity:
    return CanonicalActivity.model_validate(
        {
            "id": f"{library}-{title}",
            "version": 1,
            "status": "scheduled",
            "title": title,
            "category": "salon",
            "starts_at": start,
            "ends_at": start + timedelta(hours=2),
            "venue": extra.pop("venue", {"name": "报告厅"}),
            "organizers": [{"library_id": library, "role": "host"}],
            "sources": [{"library_id": library, "source_ref": "x", "revision": 1}],
            "created_at": start,
            "updated_at": start,
            **extra,
        }
    )


def test_lookalikes_are_other_libraries_activities_at_the_same_time_with_a_similar_title() -> None:
    start = datetime(2026, 4, 23, 14, tzinfo=SHANGHAI)
    mine = ActivitySubmission.model_validate(
        {
            "library_id": "jn",
            "source_ref": "s",
            "title": "读书月：红楼梦读书沙龙",
            "category": "salon",
            "starts_at": start,
            "ends_at": start + timedelta(hours=2),
            "venue": {"name": "报告厅"},
        }
    )
    activities = [
        canonical("4·23 读书月：《红楼梦》读书沙龙", start - timedelta(minutes=30), "tz"),
        canonical("读书月：红楼梦读书沙龙", start, "jn"),  # our own
        canonical("亲子绘本共读", start, "tz"),  # same hall name, another library's hall
        canonical("亲子绘本共读", start, "tz", venue={"name": "报告厅", "venue_id": "jn-hall"}, id="same-hall"),
        canonical("读书月：红楼梦读书沙龙", start + timedelta(hours=3), "tz"),  # another time
    ]
    found = lookalikes(sorted(activities, key=lambda a: a.starts_at), mine)
    assert [a.title for a in found] == ["4·23 读书月：《红楼梦》读书沙龙"]
    in_hall = mine.model_copy(update={"venue": mine.venue.model_copy(update={"venue_id": "jn-hall"})})
    assert [a.id for a in lookalikes(sorted(activities, key=lambda a: a.starts_at), in_hall)] == [
        "tz-4·23 读书月：《红楼梦》读书沙龙",
        "same-hall",
    ]


def test_a_login_goes_on_only_to_a_page_of_this_site() -> None:
    from shuxiang.services.intake.web import _local_path

    assert _local_path("/dedup/reviews") and _local_path("/brands/new?lang=en") and _local_path("/submit")
    for elsewhere in ("//evil.example", "/\\evil.example", "/\t/evil.example", "https://evil.example", ""):
        assert not _local_path(elsewhere), elsewhere


def test_the_form_tells_cheng_ban_from_xie_ban() -> None:
    """承办馆 and 协办馆 are two choices; one chosen in both organises; editing shows them where they were."""
    submission, errors = build(GOOD, organisers=["tz", "ak"], co_hosts=["ak", "jn-b1"])
    assert not errors
    assert [(o.library_id, o.role.value) for o in submission.organizers] == [
        ("jn", "host"),
        ("tz", "organiser"),
        ("ak", "organiser"),
        ("jn-b1", "co_organiser"),
    ]
    again = forms.form_from_submission(submission, SHANGHAI)
    assert again["organisers"] == ["tz", "ak"] and again["co_hosts"] == ["jn-b1"]
