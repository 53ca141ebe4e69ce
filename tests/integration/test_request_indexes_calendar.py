"""Every statement the calendar's request paths run is answered from indexes, on a large table.

60,000 activities (three years to two months ahead: single sessions, exhibitions, weekly
series, a few open-ended series) are inserted by SQL into the calendar's and dedup's tables;
then the pages, the agenda's next page, searches, the subscribe page, an activity's page,
the embed, the feeds and the activities API are requested through the real web front, every
SELECT they send is recorded, and each is explained: on SQLite no ``SCAN`` of a big table
(EXPLAIN QUERY PLAN), on PostgreSQL (after ANALYZE) no ``Seq Scan`` of one.  The pages also
stay small: what they send is bounded by what they show, not by the 60,000.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, insert, text

from shuxiang.services.calendar.search import calendar_search, search_row
from shuxiang.services.calendar.tables import calendar_entry, calendar_entry_library, calendar_state
from shuxiang.services.calendar.window import encode_cursor, span_class
from shuxiang.services.dedup import service as dedup_service
from shuxiang.services.dedup.tables import dedup_activity
from tests.integration.test_calendar_feeds import CalendarHarness, activity

ROWS = 60_000
BIG = ("calendar_entry", "calendar_entry_library", "calendar_search", "dedup_activity")
CATEGORIES = ("lecture", "reading_club", "children", "exhibition", "salon", "training")


def seed(harness: CalendarHarness) -> list[str]:
    """ROWS activities in the calendar's and dedup's tables (by SQL); their ids."""
    rng = random.Random(23)
    members = [m.id for m in harness.context.alliance.members]
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    entries, libraries, texts, canonical = [], [], [], []
    for i in range(ROWS):
        starts = now - timedelta(days=1030) + timedelta(minutes=rng.randrange(0, 1090 * 24 * 60, 30))
        kind = rng.random()
        changes: dict = {"starts_at": starts, "ends_at": starts + timedelta(hours=2)}
        if kind < 0.05:
            changes["recurrence"] = f"FREQ=WEEKLY;COUNT={rng.randint(4, 20)}"
        elif kind < 0.08:
            changes["ends_at"] = starts + timedelta(days=rng.randint(3, 30))
        elif kind < 0.0803:
            changes["recurrence"] = "FREQ=MONTHLY"  # open-ended
        host = rng.choice(members)
        item = activity(
            f"act-{i:06d}",
            host=host,
            title=f"{'读书会' if i % 3 else '绘本共读'}·第{i}期",
            category=rng.choice(CATEGORIES),
            audience=rng.choice((None, "亲子家庭", "老年读者")),
            **changes,
        )
        if item.recurrence == "FREQ=MONTHLY":
            until = None
        elif item.recurrence:
            until = item.starts_at + timedelta(weeks=int(item.recurrence.rsplit("=", 1)[1]))
        else:
            until = item.ends_at
        snapshot = item.model_dump_json()
        entries.append(
            {
                "activity_id": item.id,
                "version": 1,
                "status": "scheduled",
                "starts_at": item.starts_at,
                "until": until,
                "span_class": span_class(item.starts_at, until, single=not item.recurrence),
                "category": item.category.value,
                "brand_id": None,
                "campaign_id": None,
                "vevent": f"BEGIN:VEVENT\r\nUID:{item.id}@t\r\nSUMMARY:{item.title}\r\nEND:VEVENT\r\n".encode(),
                "changed_at": now,
                "canonical_seq": i + 1,
                "snapshot": snapshot.encode(),
            }
        )
        libraries.append({"activity_id": item.id, "library_id": host, "role": "host"})
        texts.append(search_row(item))
        canonical.append(
            {
                "id": item.id,
                "version": 1,
                "status": "scheduled",
                "starts_at": item.starts_at,
                "snapshot": snapshot,
                "created_at": now,
                "updated_at": now,
            }
        )
    calendar = harness.databases.engine("calendar")
    with calendar.begin() as connection:
        connection.execute(insert(calendar_entry), entries)
        connection.execute(insert(calendar_entry_library), libraries)
        connection.execute(insert(calendar_search), texts)
        connection.execute(insert(calendar_state).values(id=1, revision=1, changed_at=now - timedelta(hours=1)))
    dedup = harness.databases.engine(dedup_service.NAME)
    with dedup.begin() as connection:
        connection.execute(insert(dedup_activity), canonical)
    for engine in {calendar, dedup}:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    return [e["activity_id"] for e in entries]


class Recorder:
    """The SELECTs sent to any engine, with their parameters and the engine that ran them."""

    def __init__(self) -> None:
        self.statements: list[tuple[Engine, str, object]] = []

    def __call__(self, connection, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")) and any(t in statement for t in BIG):
            self.statements.append((connection.engine, statement, parameters))


def plans(statements: list[tuple[Engine, str, object]]) -> list[tuple[str, list[str]]]:
    out = []
    for engine, statement, parameters in statements:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
                out.append((statement, [row[3] for row in rows]))
            else:
                rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).all()
                out.append((statement, [row[0] for row in rows]))
    return out


def full_reads(statement: str, plan: list[str], dialect: str) -> list[str]:
    """The lines of a plan that read a big table whole: a table scan, (SQLite) an index read
    from end to end with no LIMIT to stop it (with one, it is keyset paging's ordered read), or an
    index of starts reads from the first activity ever up to a window's end."""
    tables = "|".join(BIG)
    if dialect == "sqlite":
        whole = re.compile(rf"^SCAN ({tables})$")
        ordered = re.compile(rf"^SCAN ({tables}) USING (COVERING )?INDEX")
        # an index read from the first start up to the window's end: every activity before it
        before_end = re.compile(r"USING (COVERING )?INDEX \w+ \(starts_at<\?\)$")
        limited = re.search(r"\bLIMIT\b", statement) is not None
        return [
            line
            for line in plan
            if whole.match(line) or (ordered.match(line) and not limited) or before_end.search(line)
        ]
    pattern = re.compile(rf"Seq Scan on ({tables})\b|Index Cond: \(starts_at < [^)]*\)$")
    return [line for line in plan if pattern.search(line)]


def exercise(harness: CalendarHarness, ids: list[str]) -> dict[str, int]:
    """Every request path of the calendar and the activities API; the size of each answer."""
    sizes = {}
    paths = [
        "/",
        "/?view=agenda",
        "/?view=agenda&q=读书",  # two characters: tested row by row on the window's rows
        "/?view=agenda&q=绘本共读",  # in the trigram index
        "/?view=agenda&library=jn&include=branches",
        "/?view=agenda&category=lecture&audience=老年读者",
        "/?month=2025-03&category=children",
        "/subscribe",
        f"/activities/{ids[ROWS // 2]}",
        f"/activities/{ids[ROWS // 2]}.ics",
        "/embed/activities.json?limit=20",
        "/embed/activities.html?library=jn&days=300",
        "/feeds/alliance.ics",
        "/feeds/libraries/jn.ics",
        "/feeds/categories/lecture.ics",
        "/feeds/filter.ics?q=第4242期",
        "/api/v1/activities?limit=50",
        "/api/v1/activities?offset=5000&limit=10",
    ]
    for path in paths:
        response = harness.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        sizes[path] = len(response.content)
    agenda = harness.get("/?view=agenda").text
    following = re.search(r'class="next" rel="next" href="([^"]+)"', agenda)
    assert following, "a busy agenda has a next page"
    second = harness.get(following.group(1).replace("&amp;", "&"))
    assert second.status_code == 200
    sizes["agenda page 2"] = len(second.content)
    first = harness.get("/api/v1/activities?limit=50")
    cursor = first.headers["x-next-cursor"]
    page = harness.get(f"/api/v1/activities?limit=50&cursor={cursor}")
    assert page.status_code == 200 and len(page.json()) == 50
    assert page.json()[0]["id"] not in {a["id"] for a in first.json()}
    assert first.headers["link"].endswith(f'cursor={cursor}>; rel="next"')
    starts = [a["starts_at"] for a in first.json() + page.json()]
    assert starts == sorted(starts, key=datetime.fromisoformat)  # one (start, id) order across pages
    skipped = harness.get("/api/v1/activities?offset=50&limit=50").json()
    assert [a["id"] for a in skipped] == [a["id"] for a in page.json()]
    far = harness.get("/api/v1/activities?offset=100000")
    assert far.status_code == 422 and "offset" in far.text
    assert harness.get("/api/v1/activities?cursor=bm9wZQ").status_code == 422
    latest = max(datetime.fromisoformat(a["starts_at"]) for a in harness.get("/api/v1/activities?limit=5").json())
    near_end = encode_cursor(datetime.now(UTC) + timedelta(days=59), "0")
    tail = harness.get(f"/api/v1/activities?limit=1000&cursor={near_end}")
    assert (
        tail.status_code == 200 and 0 < len(tail.json()) < 1000 and "link" not in tail.headers
    )  # the last page says no next
    assert latest < datetime.fromisoformat(tail.json()[0]["starts_at"])
    return sizes


def check(harness: CalendarHarness) -> None:
    ids = seed(harness)
    recorder = Recorder()
    event.listen(Engine, "before_cursor_execute", recorder)
    try:
        sizes = exercise(harness, ids)
    finally:
        event.remove(Engine, "before_cursor_execute", recorder)
    dialect = harness.databases.engine("calendar").dialect.name
    explained = plans(recorder.statements)
    assert len(explained) >= 20, len(explained)
    seen = " ".join(statement for statement, _ in explained)
    for table in BIG:
        assert table in seen, table  # each big table was asked, so each was checked
    bad = [(statement, reads) for statement, plan in explained if (reads := full_reads(statement, plan, dialect))]
    assert not bad, "\n\n".join(f"{reads}\n{statement[:400]}" for statement, reads in bad)
    # what the pages send is bounded by what they show (about 55 activities a day here)
    for path in ("/", "/?view=agenda", "agenda page 2", "/subscribe"):
        assert sizes[path] < 200_000, (path, sizes[path])


@pytest.fixture
def sqlite_harness(tmp_path: Path):
    running = CalendarHarness(tmp_path / "data")
    plan = dedup_service.build(running.context)
    running.databases.create_tables(plan.name, plan.tables)
    yield running
    running.close()


def test_the_calendar_request_paths_use_indexes_on_sqlite(sqlite_harness: CalendarHarness) -> None:
    check(sqlite_harness)


@pytest.mark.postgres
def test_the_calendar_request_paths_use_indexes_on_postgresql(tmp_path: Path, postgres_url: str) -> None:
    running = CalendarHarness(tmp_path / "data", database_url=postgres_url)
    try:
        plan = dedup_service.build(running.context)
        running.databases.create_tables(plan.name, plan.tables)
        check(running)
    finally:
        running.close()
