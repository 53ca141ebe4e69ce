"""An activity's public page and its single-event .ics, through the real web front on a real
database: what a reader needs (sessions, venue and address, organisers in their roles, audience,
sanitised description, sign-up, add-to-calendar, share link), OpenGraph tags, both languages,
and every VEVENT's URL pointing at the page."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import icalendar
import pytest

from tests.conftest import SHANGHAI
from tests.integration.test_calendar_feeds import CalendarHarness, activity


@pytest.fixture
def harness(tmp_path: Path):
    running = CalendarHarness(tmp_path / "data")
    yield running
    running.close()


class Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.properties: dict[str, str] = {}
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "property" in attrs:
            self.properties[attrs["property"]] = attrs.get("content", "")
        if tag == "script":
            self.scripts += 1


def meta(html: str) -> Meta:
    parser = Meta()
    parser.feed(html)
    return parser


DESCRIPTION = (
    "<p>主讲：<strong>南开大学</strong>中文系教师。</p><script>alert('x')</script>"
    '<p onclick="steal()">欢迎<a href="javascript:alert(1)">携带</a>借书证，<a href="https://lib.example.org/rules">入馆须知</a></p>'
    '<img src="https://tracker.example.com/p.gif"><iframe src="https://evil.example.com"></iframe>'
)


def test_the_page_shows_what_a_reader_needs_in_chinese(harness: CalendarHarness) -> None:
    harness.deliver(
        activity(
            "talk",
            description=DESCRIPTION,
            audience="亲子家庭（6–12 岁）",
            registration_url="https://reg.example.cn/e/1",
            organizers=[{"library_id": "jn", "role": "host"}, {"library_id": "tz", "role": "co_host"}],
        )
    )
    response = harness.get("/activities/talk")
    assert response.status_code == 200
    html = response.text
    assert "沽上讲堂：津沽方言漫谈（talk）" in html
    assert "报告厅" in html
    assert "天津市津南区" in html
    assert re.search(r"津南区图书馆\s*<span[^>]*>（主办）", html)
    assert re.search(r"滕州市图书馆\s*<span[^>]*>（协办）", html)  # v1 co_host is read as 协办 (co_organiser)
    assert "亲子家庭（6–12 岁）" in html
    assert '<a class="button registration" href="https://reg.example.cn/e/1"' in html
    # limited formatting kept, everything dangerous gone
    assert "<strong>南开大学</strong>" in html
    assert 'href="https://lib.example.org/rules"' in html
    for bad in ("alert(", "onclick", "javascript:", "tracker.example.com", "<iframe", "evil.example.com"):
        assert bad not in html, bad
    assert meta(html).scripts == 0  # nothing on the page needs JavaScript
    assert 'href="/activities/talk.ics"' in html
    assert 'href="webcal://lib.example.org/feeds/libraries/jn.ics"' in html
    assert "<svg" in html and 'value="https://lib.example.org/activities/talk"' in html

    og = meta(html).properties
    assert og["og:title"] == "沽上讲堂：津沽方言漫谈（talk）"
    assert og["og:url"] == "https://lib.example.org/activities/talk"
    assert og["og:type"] == "website" and og["og:locale"] == "zh_CN"
    assert "津南区图书馆" in og["og:description"] and "主讲" in og["og:description"]
    assert "<strong>" not in og["og:description"]


def test_english_on_request(harness: CalendarHarness) -> None:
    harness.deliver(activity("talk", organizers=[{"library_id": "jn", "role": "host"}]))
    html = harness.get("/activities/talk?lang=en").text
    assert '<html lang="en">' in html
    assert "Jinnan District Library" in html and "(Host)" in html.replace("（", "(").replace("）", ")")
    assert "Add to my calendar" in html
    assert meta(html).properties["og:locale"] == "en_US"


def test_a_series_lists_its_sessions_and_a_cancelled_activity_says_so(harness: CalendarHarness) -> None:
    harness.deliver(
        activity("weekly", recurrence="FREQ=WEEKLY;COUNT=4"),
        activity("off", status="cancelled", registration_url="https://reg.example.cn/e/2"),
    )
    series = harness.get("/activities/weekly").text
    assert len(re.findall(r"<li class=\"\">\d{4}-\d\d-\d\d 星期", series)) == 4
    cancelled = harness.get("/activities/off").text
    assert "此活动已取消" in cancelled
    assert "reg.example.cn/e/2" not in cancelled  # no sign-up for what will not happen


def test_the_single_event_ics_and_every_feed_point_at_the_page(harness: CalendarHarness) -> None:
    harness.deliver(activity("talk"), activity("other"))
    response = harness.get("/activities/talk.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["UID"]).split("@")[0] for e in events] == ["talk"]
    assert str(events[0]["URL"]) == "https://lib.example.org/activities/talk"
    for uid, event in harness.events().items():
        assert str(event["URL"]) == f"https://lib.example.org/activities/{uid}"


def test_the_feeds_url_opens_the_page(harness: CalendarHarness) -> None:
    harness.deliver(activity("talk"))
    url = str(harness.events()["talk"]["URL"])
    page = harness.get(url.removeprefix("https://lib.example.org"))
    assert page.status_code == 200 and "（talk）" in page.text


@pytest.mark.parametrize("path", ["/activities/nope", "/activities/nope.ics"])
def test_an_unknown_activity_gets_a_clear_404(harness: CalendarHarness, path: str) -> None:
    response = harness.get(path)
    assert response.status_code == 404
    assert "日历中没有编号为 nope 的活动" in response.text


def test_a_poster_is_the_vevents_image(harness: CalendarHarness) -> None:
    poster = "ab" * 32 + ".jpg"
    harness.deliver(activity("talk", poster=poster), activity("plain"))
    events = harness.events()
    assert str(events["talk"]["IMAGE"]) == f"https://lib.example.org/posters/{poster}"
    assert events["talk"]["IMAGE"].params["FMTTYPE"] == "image/jpeg"
    assert "IMAGE" not in events["plain"]


def test_the_preview_text_is_escaped_once(harness: CalendarHarness) -> None:
    harness.deliver(activity("talk", description="父母 & 孩子 <b>一起</b> 读 <i>绘本</i>"))
    og = meta(harness.get("/activities/talk").text).properties["og:description"]
    assert og.endswith("父母 & 孩子 一起 读 绘本")  # the parser unescapes the attribute exactly once


def test_a_series_page_shows_each_sessions_own_venue_and_its_cancelled_sessions(harness: CalendarHarness) -> None:
    first = (datetime.now(SHANGHAI) + timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    moved_to = first + timedelta(weeks=1, hours=5)
    harness.deliver(
        activity(
            "weekly",
            starts_at=first,
            ends_at=first + timedelta(hours=1),
            recurrence="FREQ=WEEKLY;COUNT=4",
            exdates=[first + timedelta(weeks=3)],
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
    page = harness.get("/activities/weekly").text
    listed = re.findall(r"<li class=\"([^\"]*)\">(.*?)</li>", page.split('<ul class="sessions">')[1].split("</ul>")[0])
    assert len(listed) == 4, listed  # the one moved, the one cancelled, the one an EXDATE took away: all there
    assert "星空剧场" in listed[1][1] and f"{moved_to:%H:%M}–" in listed[1][1]
    assert "星空剧场" not in listed[0][1]  # the series' own venue is the page's "Where"
    for cls, text in (listed[2], listed[3]):
        assert "cancelled" in cls and "（已取消）" in text
    assert "cancelled" not in listed[0][0] + listed[1][0]
    english = harness.get("/activities/weekly?lang=en").text
    assert english.count("(cancelled)") == 2


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?view=agenda",
        "/activities/talk",
        "/activities/talk.ics",
        "/subscribe",
        "/embed/activities.html",
        "/embed/activities.json",
        "/feeds/alliance.ics",
    ],
)
def test_head_is_answered_wherever_get_is_with_its_headers_and_no_body(harness: CalendarHarness, path: str) -> None:
    harness.deliver(activity("talk"))
    got, head = harness.get(path), harness.client.head(path)
    assert got.status_code == 200 and head.status_code == 200, head.text
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    if "content-length" in got.headers and "/feeds/" not in path:
        assert head.headers["content-length"] == got.headers["content-length"]


def test_the_english_pages_add_to_calendar_gives_english_labels(harness: CalendarHarness) -> None:
    harness.deliver(activity("off", status="cancelled", organizers=[{"library_id": "jn", "role": "host"}]))
    html = harness.get("/activities/off?lang=en").text
    link = re.search(r'class="button secondary add-to-calendar" href="([^"]+)"', html).group(1)
    assert link == "/activities/off.ics?lang=en"
    event = icalendar.Calendar.from_ical(harness.get(link).content).walk("VEVENT")[0]
    assert str(event["SUMMARY"]).startswith("[Cancelled] ")
    assert "Host" in str(event["DESCRIPTION"]) and "主办" not in str(event["DESCRIPTION"])
    assert "Jinnan District Library" in str(event["DESCRIPTION"])
    assert str(event["URL"]) == "https://lib.example.org/activities/off"
    chinese = icalendar.Calendar.from_ical(harness.get("/activities/off.ics?lang=zh-CN").content).walk("VEVENT")[0]
    assert str(chinese["SUMMARY"]).startswith("【已取消】") and "主办" in str(chinese["DESCRIPTION"])
