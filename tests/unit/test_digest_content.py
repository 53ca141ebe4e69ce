"""What a digest says and how it is encoded: pure functions, no I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from zoneinfo import ZoneInfo

from shuxiang.alliance import load_alliance
from shuxiang.events.dead_letters import DeadLetter
from shuxiang.schemas import CanonicalActivity
from shuxiang.services.digests.content import (
    QuietBrand,
    QuotaAtRisk,
    ScopedActivity,
    build_digest,
    classify_changes,
)
from shuxiang.services.digests.render import compose, message_id, render_html, render_text

ALLIANCE = load_alliance(Path(__file__).parents[1] / "data" / "digests" / "alliance.toml")
SHANGHAI = ZoneInfo("Asia/Shanghai")
UNTIL = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # Monday 08:00 in Shanghai
SINCE = UNTIL - timedelta(days=7)
INJECTION = '<script>alert("x")</script>\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:forged'


def coordinator(cid: str):
    return next(c for c in ALLIANCE.coordinators if c.id == cid)


def activity(
    aid: str,
    library: str = "jn",
    *,
    starts: datetime,
    created: datetime,
    updated: datetime | None = None,
    status: str = "scheduled",
    title: str | None = None,
    **extra,
) -> ScopedActivity:
    review = extra.pop("review", False)
    body = {
        "id": aid,
        "version": 1,
        "status": status,
        "title": title or f"活动 {aid}",
        "category": "lecture",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "venue": {"name": "报告厅"},
        "organizers": [{"library_id": library, "role": "host"}],
        "sources": [{"library_id": library, "source_ref": aid, "revision": 1}],
        "created_at": created.isoformat(),
        "updated_at": (updated or created).isoformat(),
        **extra,
    }
    return ScopedActivity(CanonicalActivity.model_validate(body), review)


def test_changes_are_classified_by_broker_time_within_the_period() -> None:
    later = UNTIL + timedelta(days=3)
    items = [
        activity("new", starts=later, created=SINCE + timedelta(hours=1)),
        activity("old", starts=later, created=SINCE - timedelta(days=30)),
        activity("changed", starts=later, created=SINCE - timedelta(days=30), updated=SINCE + timedelta(days=2)),
        activity(
            "gone",
            starts=later,
            created=SINCE - timedelta(days=30),
            updated=SINCE + timedelta(days=2),
            status="cancelled",
        ),
        activity(
            "born-and-gone",
            starts=later,
            created=SINCE + timedelta(days=1),
            updated=SINCE + timedelta(days=2),
            status="cancelled",
        ),
        activity("next-period", starts=later, created=UNTIL),
        activity(  # a branch's lecture found to be jn's: retired into it, not called off
            "merged",
            starts=later,
            created=SINCE + timedelta(days=1),
            updated=SINCE + timedelta(days=2),
            status="cancelled",
            merged_into="changed",
        ),
    ]
    new, changed, cancelled = classify_changes(items, SINCE, UNTIL)
    assert [a.id for a in new] == ["new"]
    assert [a.id for a in changed] == ["changed"]
    assert sorted(a.id for a in cancelled) == ["born-and-gone", "gone"]


def test_upcoming_expands_series_and_stops_after_fourteen_days() -> None:
    weekly = activity(
        "series",
        starts=UNTIL - timedelta(days=7) + timedelta(hours=3),
        created=SINCE - timedelta(days=60),
        recurrence="FREQ=WEEKLY;COUNT=10",
    )
    far = activity("far", starts=UNTIL + timedelta(days=20), created=SINCE - timedelta(days=60))
    digest = build_digest(
        ALLIANCE, coordinator("office"), period="2026-W48", since=SINCE, until=UNTIL, items=[weekly, far]
    )
    assert [line.when for line in digest.upcoming.items] == ["2026-11-23 周一 11:00", "2026-11-30 周一 11:00"]


def test_campaign_gaps_name_the_members_in_scope_with_nothing_registered() -> None:
    alliance = ALLIANCE.model_copy(
        update={
            "campaigns": [
                ALLIANCE.campaigns[0].model_copy(
                    update={
                        "starts_on": UNTIL.date() + timedelta(days=10),
                        "ends_on": UNTIL.date() + timedelta(days=40),
                    }
                ),
            ]
        }
    )
    registered = activity("c1", "jn-b1", starts=UNTIL + timedelta(days=12), created=SINCE, campaign_id="reading-month")
    digest = build_digest(
        alliance, coordinator("jn-office"), period="2026-11-23", since=SINCE, until=UNTIL, items=[registered]
    )
    (gap,) = digest.campaigns
    assert (gap.registered, gap.members) == (1, 4)  # jn and its three members
    assert gap.missing.items == ["津南区图书馆", "津南区农家书屋（双桥河镇）", "津南区图书馆八里台分馆"]
    assert gap.starts_in_days == 10


def test_quiet_brands_are_shown_as_the_brands_service_reports_them() -> None:
    quiet = [QuietBrand(name="枫叶杯书画大赛", library="津南区图书馆", last_session="2026-08-25", days_quiet=90)]
    digest = build_digest(
        ALLIANCE,
        coordinator("jn-office"),
        period="2026-11-22",
        since=SINCE,
        until=UNTIL,
        items=[activity("f1", starts=UNTIL - timedelta(days=90), created=SINCE, brand_id="fengye")],
        quiet_brands=quiet,
    )
    assert digest.quiet_brands.items == quiet
    assert "「枫叶杯书画大赛」 津南区图书馆: 上次活动 2026-08-25，已 90 天" in render_text(digest, SHANGHAI)
    # the digest has no notion of its own: without the brands service's word, no brand is called quiet
    assert not build_digest(
        ALLIANCE,
        coordinator("jn-office"),
        period="2026-11-22",
        since=SINCE,
        until=UNTIL,
        items=[activity("f1", starts=UNTIL - timedelta(days=90), created=SINCE, brand_id="fengye")],
    ).quiet_brands


def dead_letter(subject: str, reason: str = "title: 太长") -> DeadLetter:
    return DeadLetter(
        id=1,
        consumer="dedup",
        subject=subject,
        stream_seq=7,
        msg_id="m",
        reason=reason,
        message_time=SINCE,
        headers={},
        payload=b"{}",
        received_at=SINCE,
        replayed_at=None,
    )


def test_dead_letters_are_scoped_to_the_coordinators_members() -> None:
    letters = [dead_letter("shuxiang.activity.submitted.tz"), dead_letter("shuxiang.activity.submitted.jn-b2")]
    office = build_digest(
        ALLIANCE, coordinator("office"), period="p", since=SINCE, until=UNTIL, items=[], dead_letters=letters
    )
    jn = build_digest(
        ALLIANCE, coordinator("jn-office"), period="p", since=SINCE, until=UNTIL, items=[], dead_letters=letters
    )
    assert len(office.dead_letters) == 2
    assert [x.subject for x in jn.dead_letters.items] == ["shuxiang.activity.submitted.jn-b2"]


def sample_digest(cid: str = "office"):
    items = [
        activity("x", starts=UNTIL + timedelta(days=2), created=SINCE + timedelta(hours=5), title=INJECTION),
        activity(
            "d",
            starts=UNTIL + timedelta(days=3),
            created=SINCE + timedelta(hours=6),
            title="沽上讲堂：津沽方言漫谈",
            review=True,
        ),
    ]
    return build_digest(
        ALLIANCE,
        coordinator(cid),
        period="2026-W48",
        since=SINCE,
        until=UNTIL,
        items=items,
        quotas=[QuotaAtRisk(library="津南区图书馆", rule="每月一个特色活动", done=3, minimum=12)],
        quiet_brands=[
            QuietBrand("枫叶杯书画大赛", "津南区图书馆", None, None),
            QuietBrand("空中文化大讲堂", "滕州市图书馆", "2026-06-01", 175),
        ],
    )


def test_injected_markup_and_ical_in_titles_come_out_escaped() -> None:
    digest = sample_digest()
    html = render_html(digest, SHANGHAI)
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    text = render_text(digest, SHANGHAI)
    assert not any(line.startswith(("BEGIN:", "END:", "SUMMARY:")) for line in text.splitlines())
    assert '<script>alert("x")</script> END:VEVENT BEGIN:VEVENT SUMMARY:forged' in text


def test_progress_bars_are_plain_tables_without_scripts_or_images() -> None:
    html = render_html(sample_digest(), SHANGHAI)
    assert 'width="25%"' in html and 'width="75%"' in html  # 3 of 12
    for forbidden in ("<script", "<img", "url(", "http://", "https://", "<link", "@import"):
        assert forbidden not in html.lower(), forbidden


def test_message_is_multipart_alternative_with_utf8_parts_and_an_encoded_chinese_subject() -> None:
    digest = sample_digest()
    msg_id = message_id(ALLIANCE.id, "office", "2026-W48")
    raw = compose(digest, tz=SHANGHAI, sender="书香 <digests@example.org>", msg_id=msg_id).as_bytes()
    assert raw.isascii()  # headers RFC 2047-encoded, bodies base64
    head = raw.split(b"\r\n\r\n", 1)[0].decode()
    assert "Subject: =?utf-8?" in head
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"] == "测试阅读推广联盟 · 周报 2026-W48（4 项待处理）"
    assert parsed["Message-ID"] == "<digest.office.2026-W48@test.shuxiang.invalid>"
    assert parsed.get_content_type() == "multipart/alternative"
    plain, html = parsed.get_payload()
    assert (plain.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    assert plain.get_content_charset() == html.get_content_charset() == "utf-8"
    assert "沽上讲堂：津沽方言漫谈" in plain.get_content()
    assert "沽上讲堂：津沽方言漫谈" in html.get_content()
    assert "待审核的疑似重复活动" in html.get_content()


def test_english_coordinator_gets_english() -> None:
    digest = sample_digest("liaison")
    text = render_text(digest, SHANGHAI)
    assert text.startswith("Test Reading Alliance · Weekly digest 2026-W48")
    assert "The next 14 days" in text and "周报" not in text


def test_text_part_puts_each_target_at_risk_on_its_own_line() -> None:
    quotas = [
        QuotaAtRisk(library="津南区图书馆", rule="每月一个特色活动", done=3, minimum=12, expected=10),
        QuotaAtRisk(library="滕州市图书馆", rule="培训1次以上", done=0, minimum=1, expected=1),
        QuotaAtRisk(library="安康市图书馆", rule="承办5个以上", done=1, minimum=5),
    ]
    digest = build_digest(
        ALLIANCE, coordinator("office"), period="2026-W48", since=SINCE, until=UNTIL, items=[], quotas=quotas
    )
    text = render_text(digest, SHANGHAI)
    lines = [line for line in text.splitlines() if line.startswith("- ") and "/" in line and "%" in line]
    assert len(lines) == 3, text
    assert lines[0].startswith("- 滕州市图书馆 · 培训1次以上: 0 / 1") and lines[0].endswith("(按进度应达 1)")
    assert lines[1].startswith("- 安康市图书馆 · 承办5个以上: 1 / 5")


def test_targets_that_can_no_longer_be_met_have_their_own_heading_not_at_risk() -> None:
    """A monthly target with six months missed cannot reach 12 of 12: the digest said it was "at
    risk"; it is listed apart (the coordinator reports it upward) and is not a thing to act on."""
    quotas = [
        QuotaAtRisk(library="滕州市图书馆", rule="培训1次以上", done=0, minimum=1, expected=1),
        QuotaAtRisk(library="安康市图书馆", rule="每月一个特色活动", done=5, minimum=12, out_of_reach=True, missed=6),
    ]
    digest = build_digest(
        ALLIANCE, coordinator("office"), period="2026-W48", since=SINCE, until=UNTIL, items=[], quotas=quotas
    )
    assert [q.rule for q in digest.quotas.items] == ["培训1次以上"]
    assert [q.rule for q in digest.quotas_out_of_reach.items] == ["每月一个特色活动"]
    assert digest.attention == 1
    text = render_text(digest, SHANGHAI)
    at_risk, _, out_of_reach = text.partition("== 本年度已无法达标的指标 (1) ==")
    assert "每月一个特色活动" not in at_risk and "培训1次以上" in at_risk
    assert "- 安康市图书馆 · 每月一个特色活动: 5 / 12" in out_of_reach and "(已错过 6)" in out_of_reach
    assert "本年度已无法达标的指标" in render_html(digest, SHANGHAI)
    english = build_digest(
        ALLIANCE, coordinator("liaison"), period="2026-W48", since=SINCE, until=UNTIL, items=[], quotas=quotas
    )
    assert "Annual targets that can no longer be met this year (1)" in render_text(english, SHANGHAI)


def test_targets_at_risk_and_out_of_reach_are_listed_each_under_its_heading() -> None:
    """A target behind the pace and one a past month already decided: the first with what the pace
    asks, the second with the months missed, in both parts of the mail."""
    digest = build_digest(
        ALLIANCE,
        coordinator("office"),
        period="2026-W48",
        since=SINCE,
        until=UNTIL,
        items=[],
        quotas=[
            QuotaAtRisk(library="津南区图书馆", rule="承办读书月活动2个以上", done=1, minimum=2, expected=2),
            QuotaAtRisk(
                library="滕州市图书馆", rule="每月一个特色活动", done=5, minimum=12, out_of_reach=True, missed=6
            ),
        ],
    )
    html, text = render_html(digest, SHANGHAI), render_text(digest, SHANGHAI)
    at_risk, out_of_reach = html.index("年度指标进度落后"), html.index("本年度已无法达标的指标")
    assert at_risk < html.index("承办读书月活动2个以上") < out_of_reach < html.index("每月一个特色活动")
    assert "1 / 2" in html and "5 / 12" in html and "已错过 6" in html.replace("</span>", "")
    assert "承办读书月活动2个以上" in text and "每月一个特色活动" in text
