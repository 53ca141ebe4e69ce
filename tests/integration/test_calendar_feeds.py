"""The calendar service on a real database: canonical events through its consumer
(inbox, transaction), feeds through the real web front (FastAPI app + the thin
/feeds path): contents, windows, the 1 MB cap, validators and 304s, clear 404s,
and the calendar page."""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
from fastapi.testclient import TestClient

from shuxiang.alliance import load_alliance
from shuxiang.db import Databases
from shuxiang.events.consumer import Delivery, Outcome, process_batch
from shuxiang.schemas import CanonicalActivity, CanonicalEvent, Status
from shuxiang.schemas.canonical import CanonicalEventType
from shuxiang.services.brands import service as brands_service
from shuxiang.services.calendar import service as calendar_service
from shuxiang.services.calendar.catalog import FeedCatalog
from shuxiang.services.calendar.feeds import MAX_FEED_BYTES, STATE_CHECK_INTERVAL, FeedStore
from shuxiang.services.plan import ServiceContext
from shuxiang.settings import Settings
from shuxiang.web import create_app
from tests.conftest import SHANGHAI, TEST_ALLIANCE


def activity(
    activity_id: str, *, days: float = 7, hours: float = 2, host: str = "jn", **changes: Any
) -> CanonicalActivity:
    """A canonical activity starting ``days`` from now (on the hour, Shanghai time)."""
    start = (datetime.now(SHANGHAI) + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    fields: dict[str, Any] = {
        "id": activity_id,
        "version": 1,
        "status": "scheduled",
        "title": f"沽上讲堂：津沽方言漫谈（{activity_id}）",
        "description": "主讲：南开大学中文系教师。\n欢迎携带借书证入场；座位有限，先到先得。",
        "category": "lecture",
        "starts_at": start,
        "ends_at": start + timedelta(hours=hours),
        "venue": {"name": "报告厅", "address": "天津市津南区咸水沽镇", "venue_id": "jn-hall"},
        "organizers": [{"library_id": host, "role": "host"}],
        "sources": [{"library_id": host, "source_ref": activity_id, "revision": 1}],
        "created_at": datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
        "updated_at": datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
    }
    fields.update(changes)
    return CanonicalActivity.model_validate(fields)


class CalendarHarness:
    """The calendar service's consumer and the web front on one data dir (or PostgreSQL)."""

    def __init__(self, data_dir: Path, database_url: str | None = None, check_interval: float | None = None) -> None:
        self.databases = Databases(data_dir=data_dir, database_url=database_url)
        self.context = ServiceContext(
            settings=Settings(data_dir=data_dir, database_url=database_url, base_url="https://lib.example.org"),
            alliance=load_alliance(TEST_ALLIANCE),
            databases=self.databases,
        )
        self.plan = calendar_service.build(self.context)
        self.brands = brands_service.build(self.context)  # brand feeds follow the brands service's links
        for plan in (self.plan, self.brands):
            self.databases.create_tables(plan.name, plan.tables)
        self._seq = itertools.count(1)
        self.client = TestClient(create_app(self.context))

    def deliver(self, *items: CanonicalActivity, at: datetime | None = None) -> list[Outcome]:
        at = at or datetime.now(UTC)
        deliveries = []
        for item in items:
            event = CanonicalEvent(
                type=CanonicalEventType.cancelled if item.status == "cancelled" else CanonicalEventType.updated,
                activity=item,
                occurred_at=at,
            )
            deliveries.append(
                Delivery(
                    subject=f"shuxiang.canonical.{event.type.value}",
                    data=event.model_dump_json().encode(),
                    headers={"Nats-Msg-Id": event.message_id()},
                    stream_seq=next(self._seq),
                    timestamp=at,
                )
            )
        outcomes = process_batch(self.plan.consumers[0], self.databases.engine(self.plan.name), deliveries)
        process_batch(self.brands.consumers[0], self.databases.engine(self.brands.name), deliveries)
        time.sleep(STATE_CHECK_INTERVAL * 1.5)  # the web front re-reads the state token this often
        return outcomes

    def get(self, path: str, **headers: str):
        return self.client.get(path, headers=headers)

    def events(self, path: str = "/feeds/alliance.ics") -> dict[str, icalendar.Event]:
        response = self.get(path)
        assert response.status_code == 200, response.text
        return {str(e["UID"]).split("@")[0]: e for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")}

    def close(self) -> None:
        self.client.close()
        self.databases.dispose()


@pytest.fixture
def harness(tmp_path: Path):
    running = CalendarHarness(tmp_path / "data")
    yield running
    running.close()


# --- contents -------------------------------------------------------------------------------


def test_every_feed_holds_what_it_names(harness: CalendarHarness) -> None:
    harness.deliver(
        activity("jn-lecture", brand_id="gushang"),
        activity("branch-story", host="jn-sp1", category="children", title="快乐小板凳：绘本故事会"),
        activity(
            "tz-cohost",
            host="tz",
            title="空中文化大讲堂：《论语》导读",
            organizers=[{"library_id": "tz", "role": "host"}, {"library_id": "jn-b2", "role": "co_host"}],
        ),
        activity("month", host="central", campaign_id="reading-month", category="festival"),
    )
    assert set(harness.events()) == {"jn-lecture", "branch-story", "tz-cohost", "month"}
    assert set(harness.events("/feeds/libraries/jn.ics")) == {"jn-lecture"}
    assert set(harness.events("/feeds/libraries/jn.ics?include=branches")) == {
        "jn-lecture",
        "branch-story",
        "tz-cohost",
    }
    assert set(harness.events("/feeds/libraries/jn-b2.ics")) == {"tz-cohost"}  # credited co-host
    assert set(harness.events("/feeds/brands/gushang.ics")) == {"jn-lecture"}  # declared
    assert set(harness.events("/feeds/categories/children.ics")) == {"branch-story"}
    assert set(harness.events("/feeds/campaigns/reading-month.ics")) == {"month"}
    assert harness.events("/feeds/categories/exhibition.ics") == {}

    header = icalendar.Calendar.from_ical(harness.get("/feeds/libraries/jn.ics?include=branches").content)
    assert str(header["X-WR-CALNAME"]) == str(header["NAME"]) == "津南区图书馆（含分馆）"
    assert str(header["X-WR-TIMEZONE"]) == "Asia/Shanghai"
    assert str(header["URL"]) == "https://lib.example.org/feeds/libraries/jn.ics?include=branches"
    assert len(header.walk("VTIMEZONE")) == 1


def test_a_brand_feed_holds_the_sessions_the_brands_service_links(harness: CalendarHarness) -> None:
    harness.deliver(
        activity("declared", brand_id="gushang", title="公益讲座：海河下游的村落记忆"),
        activity("inferred", title="【沽上讲堂】葛沽宝辇花会的前世今生"),  # named in the title by its owner
        activity("unrelated", host="tz", title="沽上讲堂？滕州的读者也来听"),  # not the owner's subtree
    )
    assert set(harness.events("/feeds/brands/gushang.ics")) == {"declared", "inferred"}
    etag = harness.get("/feeds/brands/gushang.ics").headers["etag"]
    assert harness.get("/feeds/brands/gushang.ics", **{"If-None-Match": etag}).status_code == 304


def test_updates_replace_cancellations_show_and_old_versions_change_nothing(harness: CalendarHarness) -> None:
    first = activity("talk")
    harness.deliver(first)
    revised = first.model_copy(
        update={"version": 2, "title": "沽上讲堂：改期至周日", "updated_at": datetime(2026, 2, 1, tzinfo=UTC)}
    )
    harness.deliver(revised)
    event = harness.events()["talk"]
    assert str(event["SUMMARY"]) == "沽上讲堂：改期至周日"
    assert int(event["SEQUENCE"]) == 1
    assert event["DTSTAMP"].dt == event["LAST-MODIFIED"].dt == datetime(2026, 2, 1, tzinfo=UTC)  # at the change

    etag = harness.get("/feeds/alliance.ics").headers["etag"]
    assert harness.deliver(first) == [Outcome.ACK]  # an older version, e.g. redelivered out of order
    assert harness.get("/feeds/alliance.ics").headers["etag"] == etag
    assert str(harness.events()["talk"]["SUMMARY"]) == "沽上讲堂：改期至周日"

    cancelled = revised.model_copy(update={"version": 3, "status": Status.cancelled})
    harness.deliver(cancelled)
    event = harness.events()["talk"]
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]) == "【已取消】沽上讲堂：改期至周日"
    assert int(event["SEQUENCE"]) == 2


def test_the_window_drops_old_and_past_cancelled_activities(harness: CalendarHarness) -> None:
    harness.deliver(
        activity("recent", days=-30),
        activity("too-old", days=-120),
        activity("past-cancelled", days=-2, status="cancelled"),
        activity("series-from-last-year", days=-400, recurrence="FREQ=MONTHLY"),
        activity("finished-series", days=-400, recurrence="FREQ=WEEKLY;COUNT=3"),
    )
    assert set(harness.events()) == {"recent", "series-from-last-year"}


def test_a_huge_alliance_feed_is_capped_under_1_mb_and_says_so(harness: CalendarHarness) -> None:
    essay = "《乡土中国》导读：差序格局、礼治秩序与长老统治；" * 90  # ~4.5 kB of Chinese per event
    items = [
        activity(f"big-{i:04d}", days=1 + i / 4, description=essay, title=f"《乡土中国》共读 第{i}期")
        for i in range(400)
    ]
    items.append(activity("lecture", brand_id="gushang"))
    harness.deliver(*items)
    library_feed = harness.get("/feeds/libraries/jn.ics")
    body = library_feed.content
    assert len(body) < MAX_FEED_BYTES
    calendar = icalendar.Calendar.from_ical(body)
    kept = calendar.walk("VEVENT")
    assert 100 < len(kept) < 401
    description = str(calendar["DESCRIPTION"])
    last_day = max(e["DTSTART"].dt for e in kept).date()
    assert "为使订阅小于 1 MB" in description and f"至 {last_day:%Y-%m-%d}" in description
    assert "To stay under 1 MB" in description
    # upcoming first: the kept events are the earliest ones, by whole days
    assert sorted(str(e["UID"]) for e in kept if "big-" in str(e["UID"])) == [
        f"big-{i:04d}@test.shuxiang" for i in range(len(kept) - 1)
    ]
    # a smaller feed of the same library is not capped
    small = icalendar.Calendar.from_ical(harness.get("/feeds/brands/gushang.ics").content)
    assert "1 MB" not in str(small["DESCRIPTION"])


# --- HTTP -----------------------------------------------------------------------------------


def test_validators_304_head_and_any_accept(harness: CalendarHarness) -> None:
    harness.deliver(activity("a"))
    full = harness.get("/feeds/libraries/jn.ics", **{"Accept-Encoding": "gzip, br", "Accept": "application/json"})
    assert full.status_code == 200
    assert full.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "content-encoding" not in full.headers  # never compressed, whatever the client offers
    assert int(full.headers["content-length"]) == len(full.content)
    etag, modified = full.headers["etag"], full.headers["last-modified"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert "no-transform" in full.headers["cache-control"]
    assert full.content.startswith(b"BEGIN:VCALENDAR\r\n") and full.content.endswith(b"END:VCALENDAR\r\n")

    for headers in ({"If-None-Match": etag}, {"If-None-Match": f'"x", W/{etag}'}, {"If-Modified-Since": modified}):
        conditional = harness.get("/feeds/libraries/jn.ics", **headers)
        assert conditional.status_code == 304, headers
        assert conditional.content == b""
        assert conditional.headers["etag"] == etag
    assert (
        harness.get(
            "/feeds/libraries/jn.ics", **{"If-None-Match": '"other"', "If-Modified-Since": modified}
        ).status_code
        == 200
    )
    assert (
        harness.get("/feeds/libraries/jn.ics", **{"If-Modified-Since": "Thu, 01 Jan 2004 00:00:00 GMT"}).status_code
        == 200
    )
    assert harness.get("/feeds/libraries/jn.ics", **{"If-Modified-Since": "yesterday"}).status_code == 200

    head = harness.client.head("/feeds/libraries/jn.ics")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == etag and head.headers["content-length"] == str(len(full.content))
    assert harness.client.post("/feeds/libraries/jn.ics").status_code == 405


def test_a_change_gives_a_new_etag_and_a_later_last_modified(harness: CalendarHarness) -> None:
    harness.deliver(activity("a"), at=datetime(2026, 3, 1, 8, 0, tzinfo=UTC))
    before = harness.get("/feeds/alliance.ics")
    harness.deliver(activity("b"), at=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    after = harness.get("/feeds/alliance.ics", **{"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    assert after.headers["last-modified"] == "Mon, 02 Mar 2026 08:00:00 GMT"
    assert (
        harness.get("/feeds/alliance.ics", **{"If-Modified-Since": before.headers["last-modified"]}).status_code == 200
    )


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/feeds/libraries/nope.ics", ("联盟中没有这个图书馆：nope", "No such library in the alliance: nope")),
        ("/feeds/brands/nope.ics", ("没有这个活动品牌", "No such brand")),
        ("/feeds/categories/poetry.ics", ("没有这个活动类别", "No such category")),
        ("/feeds/campaigns/nope.ics", ("没有这个联盟活动", "No such alliance campaign")),
        ("/feeds/nope.ics", ("没有这个订阅", "No such feed")),
    ],
)
def test_unknown_feeds_get_a_clear_404(harness: CalendarHarness, path: str, words: tuple[str, str]) -> None:
    response = harness.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert all(w in response.text for w in words)


def test_feed_requests_are_counted_by_path_template(harness: CalendarHarness) -> None:
    harness.get("/feeds/libraries/jn.ics")
    harness.get("/feeds/libraries/tz.ics")
    metrics = harness.get("/metrics").text
    line = next(line for line in metrics.splitlines() if "/feeds/libraries/{id}.ics" in line and 'status="200"' in line)
    assert line.rstrip().endswith("2.0")


# --- the calendar page ----------------------------------------------------------------------


def test_the_calendar_page_shows_month_and_agenda_in_both_languages(harness: CalendarHarness) -> None:
    harness.deliver(
        activity("story", days=1, title="快乐小板凳：绘本《团圆》", host="jn-b1"),
        activity("off", days=2, title="经典导读：《论语》", host="tz", status="cancelled"),
        activity("weekly", days=3, title="我读书季·读书会", recurrence="FREQ=WEEKLY;COUNT=3"),
    )
    month = harness.get("/")
    assert month.status_code == 200
    assert "快乐小板凳：绘本《团圆》" in month.text and "【已取消】" in month.text
    assert "webcal://lib.example.org/feeds/alliance.ics" in month.text
    assert 'href="/subscribe?lang=zh-CN"' in month.text  # every other feed: on the subscribe page
    assert "feeds/libraries/" not in month.text
    feeds = harness.get("/subscribe")
    assert feeds.status_code == 200
    assert "https://lib.example.org/feeds/libraries/jn.ics?include=branches" in feeds.text
    assert "webcal://lib.example.org/feeds/brands/gushang.ics" in feeds.text
    assert "webcal://lib.example.org/feeds/campaigns/reading-month.ics" in feeds.text

    agenda = harness.get("/?view=agenda&lang=en")
    assert agenda.status_code == 200
    assert agenda.text.count("我读书季·读书会") == 3  # every occurrence of the series
    assert "[Cancelled]" in agenda.text and "Subscribe" in agenda.text and "Jinnan District Library" in agenda.text
    assert harness.get("/?month=2026-02").status_code == 200
    bad = harness.get("/?month=02-2026")
    assert bad.status_code == 400 and "YYYY-MM" in bad.text


# --- PostgreSQL -------------------------------------------------------------------------------


@pytest.mark.postgres
def test_feeds_on_postgresql(tmp_path: Path, postgres_url: str) -> None:
    running = CalendarHarness(tmp_path / "data", database_url=postgres_url)
    try:
        first = activity("pg", brand_id="gushang")
        running.deliver(first, activity("pg-old", days=-200))
        running.deliver(first.model_copy(update={"version": 2, "status": Status.cancelled}))
        events = running.events("/feeds/brands/gushang.ics")
        assert set(events) == {"pg"} and str(events["pg"]["STATUS"]) == "CANCELLED"
        etag = running.get("/feeds/alliance.ics").headers["etag"]
        assert running.get("/feeds/alliance.ics", **{"If-None-Match": etag}).status_code == 304
    finally:
        running.close()


def test_time_alone_moves_a_feed_on_with_a_new_etag_and_last_modified(harness: CalendarHarness) -> None:
    running = activity("running-cancelled", days=0, hours=1, status="cancelled")
    harness.deliver(running, activity("later", days=3), at=datetime(2026, 1, 10, tzinfo=UTC))
    clock = {"now": datetime.now(UTC)}
    store = FeedStore(
        harness.databases.reader(calendar_service.NAME),
        calendar_service.calendar_context(harness.context),
        url_base="https://lib.example.org",
        clock=lambda: clock["now"],
    )
    spec = FeedCatalog(harness.context.alliance).resolve("alliance.ics")
    before = store.feed(spec)
    assert before.events == 2
    assert store.feed(spec) is before  # cached: same state, nothing expired
    clock["now"] = running.ends_at + timedelta(minutes=1)
    after = store.feed(spec)  # the cached feed expired when the cancelled activity ended
    assert after.events == 1 and b"running-cancelled" not in after.body
    assert after.etag != before.etag
    assert after.last_modified == running.ends_at.astimezone(UTC).replace(microsecond=0)


def test_a_relinked_brand_feed_changes_with_a_later_last_modified(harness: CalendarHarness) -> None:
    harness.deliver(activity("one"), activity("two"), at=datetime(2026, 1, 10, tzinfo=UTC))
    links = ["one"]
    store = FeedStore(
        harness.databases.reader(calendar_service.NAME),
        calendar_service.calendar_context(harness.context),
        url_base="https://lib.example.org",
        check_interval=0,
        brand_links=lambda brand_id: links,
    )
    spec = FeedCatalog(harness.context.alliance).resolve("brands/gushang.ics")
    before = store.feed(spec)
    assert before.events == 1 and store.feed(spec) is before
    links.append("two")  # a coordinator corrected a link: the calendar's own state did not change
    after = store.feed(spec)
    assert after.events == 2 and after.etag != before.etag
    assert after.last_modified > before.last_modified
