"""The calendar page as a reader uses it: navigation to every section, entries that link to
their page and name the host, filters (library with branches, category, brand, campaign), a
search box that finds Chinese words (SQLite FTS5 trigram, PostgreSQL pg_trgm), and the feed of
the filtered view."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
from sqlalchemy import inspect, select, text

from shuxiang.db import metadata
from tests.conftest import SHANGHAI
from tests.integration.test_calendar_feeds import CalendarHarness, activity


@pytest.fixture
def harness(tmp_path: Path):
    running = CalendarHarness(tmp_path / "data")
    yield running
    running.close()


def shown(harness: CalendarHarness, query: str = "") -> set[str]:
    """The activity ids the agenda view links to."""
    response = harness.get(f"/?view=agenda&{query}")
    assert response.status_code == 200, response.text
    return set(re.findall(r'href="/activities/([^"?]+)\?lang=', response.text))


def deliver_sample(harness: CalendarHarness) -> None:
    harness.deliver(
        activity("jn-talk", title="沽上讲堂：津沽方言漫谈", brand_id="gushang"),
        activity(
            "branch-story",
            host="jn-sp1",
            category="children",
            title="快乐小板凳：绘本故事会",
            description="适合 3–6 岁儿童和家长",
        ),
        activity(
            "tz-club", host="tz", category="reading_club", title="经典导读：《论语》读书会", campaign_id="reading-month"
        ),
    )


def test_home_links_every_section_and_every_entry_to_its_page_with_its_host(harness: CalendarHarness) -> None:
    deliver_sample(harness)
    html = harness.get("/?view=agenda").text
    for path in ("/brands", "/quotas", "/submit", "/dedup/reviews", "/docs"):
        assert f'href="{path}' in html, path
    assert re.search(r'<a href="/activities/tz-club\?lang=zh-CN">经典导读：《论语》读书会</a>', html)
    row = html[html.index("/activities/tz-club") :]
    assert row[: row.index("</tr>")].count("滕州市图书馆") == 1  # the host
    month = harness.get("/").text
    assert 'href="/activities/jn-talk?lang=zh-CN"' in month and '<span class="host">津南区图书馆</span>' in month


def test_filters_by_library_with_branches_category_brand_and_campaign(harness: CalendarHarness) -> None:
    deliver_sample(harness)
    assert shown(harness) == {"jn-talk", "branch-story", "tz-club"}
    assert shown(harness, "library=jn") == {"jn-talk"}
    assert shown(harness, "library=jn&include=branches") == {"jn-talk", "branch-story"}
    assert shown(harness, "category=children") == {"branch-story"}
    assert shown(harness, "brand=gushang") == {"jn-talk"}
    assert shown(harness, "campaign=reading-month") == {"tz-club"}
    assert shown(harness, "library=jn&include=branches&category=lecture") == {"jn-talk"}
    bad = harness.get("/?view=agenda&library=nowhere&category=opera")
    assert bad.status_code == 400
    assert "没有这个图书馆：nowhere" in bad.text and "没有这个活动类别：opera" in bad.text


@pytest.mark.parametrize(
    ("words", "found"),
    [
        ("读书", {"tz-club"}),  # two characters: shorter than a trigram
        ("绘本", {"branch-story"}),
        ("津沽方言", {"jn-talk"}),  # four: through the trigram index
        ("儿童", {"branch-story"}),  # in the description
        ("论语 导读", {"tz-club"}),  # every word must be there
        ("论语 绘本", set()),
        ("天津市津南区", {"jn-talk", "branch-story", "tz-club"}),  # the address
        ("100%", set()),
    ],
)
def test_search_finds_chinese_words_on_sqlite(harness: CalendarHarness, words: str, found: set[str]) -> None:
    deliver_sample(harness)
    assert shown(harness, f"q={words}") == found


@pytest.mark.postgres
def test_search_finds_a_two_character_chinese_word_on_postgresql(tmp_path: Path, postgres_url: str) -> None:
    running = CalendarHarness(tmp_path / "data", database_url=postgres_url)
    try:
        deliver_sample(running)
        assert shown(running, "q=读书") == {"tz-club"}
        assert shown(running, "q=绘本故事") == {"branch-story"}
        assert shown(running, "q=读书&library=jn") == set()
        engine = running.databases.engine("calendar")
        assert "ix_calendar_search_body_trgm" in {i["name"] for i in inspect(engine).get_indexes("calendar_search")}
    finally:
        running.close()


def test_a_changed_activity_is_found_by_its_new_words_only(harness: CalendarHarness) -> None:
    first = activity("talk", title="沽上讲堂：津沽方言漫谈")
    harness.deliver(first)
    harness.deliver(first.model_copy(update={"version": 2, "title": "沽上讲堂：运河文化"}))
    assert shown(harness, "q=运河") == {"talk"}
    assert shown(harness, "q=方言漫谈") == set()


def test_the_filtered_view_offers_its_own_feed(harness: CalendarHarness) -> None:
    deliver_sample(harness)
    html = harness.get("/?view=agenda&library=jn&include=branches&q=绘本").text
    feed = unquote(re.search(r'class="filtered-ics" href="(/feeds/[^"]+)"', html).group(1).replace("&amp;", "&"))
    assert feed.startswith("/feeds/filter.ics?")
    assert set(harness.events(feed)) == {"branch-story"}
    assert 'href="webcal://lib.example.org/feeds/filter.ics?' in html
    # a single filter offers the plain feed
    single = harness.get("/?view=agenda&category=children").text
    assert 'class="filtered-ics" href="/feeds/categories/children.ics"' in single
    assert set(harness.events("/feeds/filter.ics?library=jn&include=branches")) == {"jn-talk", "branch-story"}
    assert harness.get("/feeds/filter.ics").status_code == 400
    assert harness.get("/feeds/filter.ics?library=nowhere").status_code == 400


def test_replay_rebuilds_the_search_index(harness: CalendarHarness) -> None:
    deliver_sample(harness)
    engine = harness.databases.engine("calendar")
    metadata.drop_all(engine, tables=list(harness.plan.tables))  # what `shuxiang replay` does
    harness.databases.create_tables("calendar", harness.plan.tables)
    harness.deliver(activity("again", title="快乐小板凳：手工课"))
    assert shown(harness, "q=小板凳") == {"again"}
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM calendar_search_fts")) == 1


def test_a_data_dir_from_before_search_is_indexed_when_it_starts(harness: CalendarHarness) -> None:
    from shuxiang.services.calendar.search import calendar_search

    deliver_sample(harness)
    engine = harness.databases.engine("calendar")
    calendar_search.drop(engine)  # as an older release left it
    harness.databases.create_tables("calendar", harness.plan.tables)
    assert shown(harness, "q=读书") == {"tz-club"} and shown(harness, "q=绘本故事") == {"branch-story"}


def test_filter_by_audience_as_announced(harness: CalendarHarness) -> None:
    harness.deliver(
        activity("story", audience="3–6 岁儿童和家长"),
        activity("story-2", days=8, audience="3–6 岁儿童和家长"),
        activity("elderly", audience="老年读者"),
        activity("anyone"),
        activity("old", days=-30, audience="过去的人群"),
    )
    html = harness.get("/?view=agenda").text
    options = re.findall(
        r'<option value="([^"]*)"',
        html[html.index('id="audience"') : html.index("</select>", html.index('id="audience"'))],
    )
    assert options == ["", "3–6 岁儿童和家长", "老年读者"]  # most frequent first; only audiences ahead
    assert shown(harness, "audience=3–6 岁儿童和家长") == {"story", "story-2"}
    assert shown(harness, "audience=老年读者&library=jn") == {"elderly"}
    page = harness.get("/?view=agenda&audience=老年读者").text
    feed = unquote(re.search(r'class="filtered-ics" href="(/feeds/[^"]+)"', page).group(1).replace("&amp;", "&"))
    assert feed.startswith("/feeds/filter.ics?audience=")
    assert set(harness.events(feed)) == {"elderly"}


def test_a_batch_of_more_rows_than_one_insert_takes_is_searchable_row_by_row(harness: CalendarHarness) -> None:
    """The search rows go to SQLite in statements of SEARCH_ROWS_PER_STATEMENT (the FTS5 trigger
    is costly row by row): every row of a larger batch is indexed, each under its own text."""
    from shuxiang.services.calendar.search import SEARCH_ROWS_PER_STATEMENT, matching
    from shuxiang.services.calendar.tables import calendar_entry

    def matching_ids(words: str, dialect: str):
        return select(calendar_entry.c.activity_id).where(*matching(words, dialect))

    count = 2 * SEARCH_ROWS_PER_STATEMENT + 1
    harness.deliver(*(activity(f"a{i}", title=f"绘本共读 编号{i:04d}号", days=1 + i / 100) for i in range(count)))
    engine = harness.databases.engine("calendar")
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM calendar_search_fts")) == count
        for i in (0, SEARCH_ROWS_PER_STATEMENT - 1, SEARCH_ROWS_PER_STATEMENT, count - 1):
            assert set(connection.scalars(matching_ids(f"编号{i:04d}号", "sqlite"))) == {f"a{i}"}
        assert len(set(connection.scalars(matching_ids("绘本共读", "sqlite")))) == count


def test_the_agenda_is_paged_with_links_that_keep_the_filters_and_the_month_caps_each_day(
    harness: CalendarHarness,
) -> None:
    """230 lectures and a weekly series over three days: the agenda shows AGENDA_PAGE sessions a
    page; following "later" then "earlier" walks every session once, in order, keeping the
    filter; a day of the month shows DAY_SHOWN and links to that day's agenda for the rest."""
    from shuxiang.services.calendar.web import AGENDA_PAGE, DAY_SHOWN

    many = [activity(f"l{i:03d}", days=1 + i / 100, hours=0.5, title=f"讲座{i:03d}") for i in range(230)]
    series = activity("weekly", days=1.5, title="周末读书会", recurrence="FREQ=WEEKLY;COUNT=3")
    other = activity("kids", days=1.2, title="绘本时间", category="children")
    harness.deliver(*many, series, other)

    def shown(html: str) -> list[str]:
        return re.findall(r'<a href="/activities/([\w-]+)\?lang=', html)

    def link(html: str, kind: str) -> str | None:
        found = re.search(rf'class="{kind}"(?: rel="\w+")? href="([^"]+)"', html)
        return found.group(1).replace("&amp;", "&") if found else None

    pages, html = [], harness.get("/?view=agenda&category=lecture").text
    while True:
        pages.append(shown(html))
        assert len(html.encode()) < 100_000
        following = link(html, "next")
        if following is None:
            break
        assert "category=lecture" in following
        html = harness.get(following).text
    assert [len(p) for p in pages] == [AGENDA_PAGE, AGENDA_PAGE, 233 - 2 * AGENDA_PAGE]
    walked = [a for p in pages for a in p]
    lectures = [a for a in walked if a != "weekly"]
    assert lectures == [f"l{i:03d}" for i in range(230)]  # in time order, none twice, none left out
    assert walked.count("weekly") == 3 and "kids" not in walked
    back = harness.get(link(html, "previous")).text
    assert shown(back) == pages[1]
    assert shown(harness.get(link(back, "previous")).text) == pages[0]
    assert harness.get("/?view=agenda&after=nonsense").status_code == 400

    # the day of the 116th lecture: the lectures (one every 14.4 minutes from a day on) fill all of
    # it at any hour the test runs ("tomorrow" held only the few before midnight late in the evening)
    busy_day = (datetime.now(SHANGHAI) + timedelta(days=1 + 115 / 100)).date()
    month = harness.get(f"/?month={busy_day:%Y-%m}").text
    cell = re.search(rf'data-day="{busy_day.isoformat()}">(.*?)</td>', month, re.S).group(1)
    assert len(shown_in_month := re.findall(r'href="/activities/([\w-]+)\?', cell)) == DAY_SHOWN, shown_in_month
    more = re.search(r'class="more" href="([^"]+)">还有 (\d+) 场', cell)
    assert more and int(more.group(2)) > 0
    day_agenda = harness.get(more.group(1).replace("&amp;", "&")).text
    assert shown(day_agenda)[:DAY_SHOWN] == shown_in_month


def test_the_agenda_pages_on_past_its_window_both_ways_and_an_empty_search_says_where_it_looked(
    harness: CalendarHarness,
) -> None:
    """The agenda holds 60 days: its last page links to the 60 days after, its first to the 60
    days before, both keeping the filters; a search matching only outside the window says it
    looked only there and links on, rather than a bare "no activities"."""
    april = datetime(2026, 4, 10, 10, 0, tzinfo=SHANGHAI)
    june = datetime(2026, 6, 10, 10, 0, tzinfo=SHANGHAI)
    harness.deliver(
        activity("april", title="春日读书会", starts_at=april, ends_at=april + timedelta(hours=2)),
        activity("june", title="好饿的毛毛虫绘本共读", starts_at=june, ends_at=june + timedelta(hours=2)),
    )

    def link(html: str, kind: str) -> str | None:
        found = re.search(rf'class="{kind}"(?: rel="\w+")? href="([^"]+)"', html)
        return unquote(found.group(1).replace("&amp;", "&")) if found else None

    html = harness.get("/?view=agenda&from=2026-04-01&category=lecture").text
    assert "/activities/april?" in html and "/activities/june?" not in html
    later, earlier = link(html, "later"), link(html, "earlier")
    assert later and "from=2026-05-31" in later and "category=lecture" in later
    assert earlier and "from=2026-01-31" in earlier and "category=lecture" in earlier
    assert "/activities/june?" in harness.get(later).text
    default = harness.get("/?view=agenda").text
    assert link(default, "later") and link(default, "earlier")

    searched = harness.get("/?view=agenda&from=2026-04-01&q=毛毛虫").text
    assert "暂无活动" in searched and "只查找了 2026-04-01 至 2026-05-30 的活动" in searched
    onwards = link(searched, "later")
    assert onwards and "q=毛毛虫" in onwards and "/activities/june?" in harness.get(onwards).text


@pytest.mark.parametrize(
    "path",
    [
        "/?view=agenda&from=2026-04-01&category=lecture&q=读书",
        "/?view=month&month=2026-12&library=jn&include=branches",
        "/activities/jn-talk",
        "/subscribe",
    ],
)
def test_the_language_switch_keeps_the_page_and_its_query(harness: CalendarHarness, path: str) -> None:
    deliver_sample(harness)
    for asked, other in (("zh-CN", "en"), ("en", "zh-CN")):
        html = harness.get(f"{path}{'&' if '?' in path else '?'}lang={asked}").text
        switch = re.search(r'<span class="lang">(.*?)</span>', html, re.S).group(1)
        links = {unquote(h.replace("&amp;", "&")) for h in re.findall(r'href="([^"]+)"', switch)}
        assert links == {f"{path}{'&' if '?' in path else '?'}lang={code}" for code in (asked, other)}
