"""Feed contents and HTTP rules as pure functions: the window, the 1 MB cap, the catalog,
conditional requests, and occurrences for the calendar page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import format_datetime
from zoneinfo import ZoneInfo

import pytest

from shuxiang.alliance import load_alliance
from shuxiang.calendars.recurrence import occurrences
from shuxiang.services.calendar.asgi import not_modified
from shuxiang.services.calendar.catalog import FeedCatalog, FeedRefusal
from shuxiang.services.calendar.feeds import PAST_WINDOW, Entry, Feed, cap_note, select_entries
from tests.conftest import TEST_ALLIANCE
from tests.unit.test_calendars import make_activity

SHANGHAI = ZoneInfo("Asia/Shanghai")
CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 6, 15, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai


def entry(
    name: str,
    starts: datetime,
    hours: float = 2,
    *,
    status: str = "scheduled",
    size: int = 100,
    open_ended: bool = False,
) -> Entry:
    return Entry(
        activity_id=name,
        vevent=name.encode().ljust(size, b"x"),
        status=status,
        starts_at=starts,
        until=None if open_ended else starts + timedelta(hours=hours),
    )


# --- the window ------------------------------------------------------------------------


def test_window_keeps_90_days_back_and_everything_ahead_in_start_order() -> None:
    entries = [
        entry("ahead", NOW + timedelta(days=400)),
        entry("recent", NOW - timedelta(days=89)),
        entry("old", NOW - timedelta(days=91)),
        entry("series", NOW - timedelta(days=800), open_ended=True),
        entry("now", NOW - timedelta(hours=1)),
    ]
    selection = select_entries(entries, NOW, SHANGHAI, budget=10_000)
    assert [e.activity_id for e in selection.entries] == ["series", "recent", "now", "ahead"]
    assert selection.covers is None
    # the next change by time alone: "recent" leaves 90 days after it ended
    assert selection.expires_at == NOW - timedelta(days=89) + timedelta(hours=2) + PAST_WINDOW


def test_a_cancelled_activity_stays_until_it_is_past() -> None:
    entries = [
        entry("cancelled-ahead", NOW + timedelta(days=3), status="cancelled"),
        entry("cancelled-running", NOW - timedelta(hours=1), status="cancelled"),
        entry("cancelled-past", NOW - timedelta(days=2), status="cancelled"),
    ]
    selection = select_entries(entries, NOW, SHANGHAI, budget=10_000)
    assert [e.activity_id for e in selection.entries] == ["cancelled-running", "cancelled-ahead"]
    assert selection.expires_at == NOW + timedelta(hours=1)  # when the running one ends
    later = select_entries(entries, NOW + timedelta(hours=1), SHANGHAI, budget=10_000)
    assert [e.activity_id for e in later.entries] == ["cancelled-ahead"]


# --- the 1 MB cap ----------------------------------------------------------------------


def test_over_budget_the_past_is_cut_first_at_a_whole_day() -> None:
    past = [entry(f"p{i}", NOW - timedelta(days=i, hours=2)) for i in range(1, 31)]  # one a day
    ahead = [entry(f"a{i}", NOW + timedelta(days=i)) for i in range(1, 11)]
    selection = select_entries(past + ahead, NOW, SHANGHAI, budget=100 * 15)
    kept = {e.activity_id for e in selection.entries}
    assert {f"a{i}" for i in range(1, 11)} <= kept
    assert kept - {f"a{i}" for i in range(1, 11)} == {f"p{i}" for i in range(1, 6)}  # the 5 most recent days
    first, last = selection.covers
    assert last is None
    assert first == (NOW - timedelta(days=5, hours=2)).astimezone(SHANGHAI).date()
    assert sum(len(e.vevent) for e in selection.entries) <= 1500


def test_when_even_the_future_does_not_fit_the_horizon_is_cut_at_a_day_and_said() -> None:
    # three events a day for 20 days ahead; room for 10 events -> 3 whole days
    ahead = [entry(f"a{d}-{h}", NOW + timedelta(days=d, hours=h)) for d in range(1, 21) for h in (0, 1, 2)]
    selection = select_entries(ahead + [entry("past", NOW - timedelta(days=1))], NOW, SHANGHAI, budget=1000)
    assert len(selection.entries) == 9
    assert "past" not in {e.activity_id for e in selection.entries}
    first, last = selection.covers
    assert first == NOW.astimezone(SHANGHAI).date()
    assert last == (NOW + timedelta(days=3)).astimezone(SHANGHAI).date()
    assert selection.expires_at <= NOW + timedelta(hours=1)  # a capped feed is recomputed as time moves
    note = cap_note(selection.covers)
    assert "1 MB" in note and f"{last:%Y-%m-%d}" in note and "为使订阅小于" in note


# --- the catalog -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def catalog() -> FeedCatalog:
    return FeedCatalog(load_alliance(TEST_ALLIANCE))


def test_catalog_resolves_every_stable_path(catalog: FeedCatalog) -> None:
    assert catalog.resolve("alliance.ics").library_ids is None
    assert catalog.resolve("libraries/jn.ics").library_ids == ("jn",)
    subtree = catalog.resolve("libraries/jn.ics", "branches")
    assert set(subtree.library_ids) == {"jn", "jn-b1", "jn-b2", "jn-sp1"}
    assert subtree.key == "libraries/jn.ics?include=branches" and "含分馆" in subtree.name
    assert catalog.resolve("brands/gushang.ics").brand_id == "gushang"
    assert catalog.resolve("categories/children.ics").category == "children"
    assert "少儿阅读" in catalog.resolve("categories/children.ics").name
    assert catalog.resolve("campaigns/reading-month.ics").campaign_id == "reading-month"
    assert catalog.resolve("alliance.ics") is catalog.resolve("alliance.ics")  # built once


@pytest.mark.parametrize(
    ("path", "zh", "en"),
    [
        ("libraries/nope.ics", "没有这个图书馆：nope", "No such library in the alliance: nope"),
        ("brands/nope.ics", "没有这个活动品牌：nope", "No such brand"),
        ("categories/poetry.ics", "没有这个活动类别：poetry", "No such category: poetry"),
        ("campaigns/nope.ics", "没有这个联盟活动：nope", "No such alliance campaign"),
        ("libraries/jn", "没有这个订阅", "No such feed"),
        ("venues/jn-hall.ics", "没有这个订阅", "No such feed"),
        ("libraries/jn/x.ics", "没有这个订阅", "No such feed"),
    ],
)
def test_catalog_refuses_unknown_feeds_in_both_languages(catalog: FeedCatalog, path: str, zh: str, en: str) -> None:
    refusal = catalog.resolve(path)
    assert isinstance(refusal, FeedRefusal) and refusal.status == 404
    assert zh in refusal.text() and en in refusal.text()


def test_catalog_refuses_an_unknown_include(catalog: FeedCatalog) -> None:
    refusal = catalog.resolve("libraries/jn.ics", "everything")
    assert isinstance(refusal, FeedRefusal) and refusal.status == 400
    assert "branches" in refusal.zh and "everything" in refusal.en


def test_catalog_lists_every_feed_for_the_page(catalog: FeedCatalog) -> None:
    paths = [link.path for _, links in catalog.groups("zh-CN") for link in links]
    assert "alliance.ics" in paths and "brands/gushang.ics" in paths and "campaigns/reading-month.ics" in paths
    assert "libraries/jn.ics?include=branches" in paths and "libraries/jn-b2.ics?include=branches" not in paths
    assert len([p for p in paths if p.startswith("categories/")]) == 14
    link = next(link for _, links in catalog.groups("en") for link in links if link.path == "libraries/jn.ics")
    assert link.name == "Jinnan District Library"
    assert link.webcal_url("http://lib.example.org:8000") == "webcal://lib.example.org:8000/feeds/libraries/jn.ics"


# --- conditional requests ----------------------------------------------------------------

FEED = Feed(body=b"x", etag='"abc"', last_modified=datetime(2026, 6, 1, 8, 0, tzinfo=UTC), events=0, covers=None)


@pytest.mark.parametrize(
    ("if_none_match", "if_modified_since", "expected"),
    [
        (b'"abc"', None, True),
        (b'W/"abc"', None, True),
        (b'"old", "abc"', None, True),
        (b"*", None, True),
        (b'"old"', None, False),
        (b'"old"', format_datetime(datetime(2026, 7, 1, tzinfo=UTC), usegmt=True).encode(), False),  # INM wins
        (None, b"Mon, 01 Jun 2026 08:00:00 GMT", True),
        (None, b"Mon, 01 Jun 2026 07:59:59 GMT", False),
        (None, b"not a date", False),
        (None, None, False),
    ],
)
def test_not_modified_follows_rfc_9110(if_none_match, if_modified_since, expected) -> None:
    assert not_modified(FEED, if_none_match, if_modified_since) is expected


# --- occurrences for the calendar page -------------------------------------------------------


def test_occurrences_expand_in_local_time_without_exdates() -> None:
    series = make_activity(
        recurrence="FREQ=WEEKLY;COUNT=5",
        exdates=[datetime(2026, 4, 30, 14, 0, tzinfo=CST)],
    )
    found = occurrences(series, SHANGHAI, datetime(2026, 4, 1, tzinfo=CST), datetime(2026, 6, 1, tzinfo=CST))
    assert [d.date() for d in found] == [date(2026, 4, 23), date(2026, 5, 7), date(2026, 5, 14), date(2026, 5, 21)]
    assert all(d.hour == 14 for d in found)
    single = make_activity()
    assert occurrences(single, SHANGHAI, datetime(2026, 4, 23, 15, 0, tzinfo=CST), datetime(2026, 4, 24, tzinfo=CST))
    assert not occurrences(single, SHANGHAI, datetime(2026, 4, 24, tzinfo=CST), datetime(2026, 4, 25, tzinfo=CST))
