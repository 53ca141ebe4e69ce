"""Digests and the look-alike check read what they show, through indexes (issue 23).

* A digest read every activity of its scope, all years; it now reads the period's changes, the
  upcoming fortnight, the open reviews and the campaign windows ahead.  Its content must not
  move: on a projection spanning four years (series open-ended, ended, moved before their first
  session and far after their last, sessions cancelled on their own, campaigns, reviews, co-hosts,
  revisions), each coordinator's digest for several periods is the one computed from every
  activity, section by section and uncapped.
* With large tables (60,000 activities inserted by SQL), the statements these paths run — caught
  as they run — read every big table through an index: SQLite's EXPLAIN QUERY PLAN has no bare
  ``SCAN`` of one, PostgreSQL's EXPLAIN (after ANALYZE) no ``Seq Scan``.  The full read of
  before is explained too: the check does catch a scan.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, func, insert, select, text, update

from shuxiang.alliance import load_demo_alliance
from shuxiang.db import Databases, metadata
from shuxiang.events.consumer import ConsumerSpec, Delivery, process_batch
from shuxiang.events.streams import CANONICAL_STREAM, canonical_subject
from shuxiang.events.tables import EVENT_TABLES
from shuxiang.schemas import ActivitySubmission, CanonicalActivity, CanonicalEvent
from shuxiang.services.dedup.service import canonical_activities
from shuxiang.services.dedup.tables import TABLES as DEDUP_TABLES
from shuxiang.services.dedup.tables import dedup_activity
from shuxiang.services.digests.content import (
    Capped,
    build_digest,
    campaign_gaps,
    campaign_window_ahead,
    classify_changes,
    labels_for,
    scope_libraries,
    upcoming_lines,
)
from shuxiang.services.digests.handlers import (
    DigestConfig,
    digest_activities,
    digest_for,
    period_changes,
    scoped_activities,
)
from shuxiang.services.digests.projection import apply_canonicals, fill_session_spans, session_span
from shuxiang.services.digests.render import render_text
from shuxiang.services.digests.tables import (
    OPEN_ENDED,
    TABLES,
    digests_activity,
    digests_activity_library,
    digests_review,
)
from shuxiang.services.intake.lookalikes import canonical_lookalikes, lookalikes

ALLIANCE = load_demo_alliance()
TZ = ALLIANCE.tz
MEMBERS = [m.id for m in ALLIANCE.members]
CONFIG = DigestConfig(alliance=ALLIANCE, sender_address="digests@example.org")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


UNTIL = local(2026, 4, 13)  # a Monday: the reading month under way, the service week ahead
PERIODS = [
    (UNTIL - timedelta(days=7), UNTIL),
    (local(2026, 10, 12), local(2026, 10, 13)),  # a day; the reading festival ahead
    (local(2025, 8, 1), local(2025, 10, 1)),  # two months missed
    (local(2027, 3, 1), local(2027, 3, 8)),
]


# ============================================================================ the seeded projection


def _activity(
    aid: str,
    start: datetime,
    *,
    created: datetime,
    updated: datetime | None = None,
    version: int = 1,
    status: str = "scheduled",
    organizers: Sequence[str] = ("jn",),
    **fields,
) -> CanonicalActivity:
    return CanonicalActivity(
        id=aid,
        version=version,
        status=status,
        title=f"读书活动 {aid}",
        category="lecture",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        venue={"name": "报告厅"},
        organizers=[
            {"library_id": lib, "role": "host" if i == 0 else "co_organiser"} for i, lib in enumerate(organizers)
        ],
        sources=[{"library_id": organizers[0], "source_ref": aid, "revision": version}],
        created_at=created,
        updated_at=updated or created,
        **fields,
    )


def edge_cases() -> list[CanonicalActivity]:
    """Series whose sessions in the fortnight after UNTIL are not where their first start says."""
    long_ago = local(2023, 12, 1)
    return [
        # open-ended, begun years before: sessions in every window
        _activity("open-ended", local(2024, 1, 3, 19), created=long_ago, recurrence="FREQ=WEEKLY"),
        # begins after the window, its first session moved into it
        _activity(
            "moved-earlier",
            local(2026, 4, 28, 10),
            created=long_ago,
            recurrence="FREQ=WEEKLY;COUNT=6",
            overrides=[{"recurrence_id": local(2026, 4, 28, 10), "starts_at": local(2026, 4, 15, 10)}],
        ),
        # ended in 2025, its last session moved into the window
        _activity(
            "moved-later",
            local(2025, 1, 6, 15),
            created=long_ago,
            recurrence="FREQ=WEEKLY;COUNT=4",
            overrides=[{"recurrence_id": local(2025, 1, 27, 15), "starts_at": local(2026, 4, 16, 15)}],
        ),
        # through the window by UNTIL, one session cancelled on its own, one excluded
        _activity(
            "until",
            local(2026, 3, 2, 9),
            created=long_ago,
            recurrence="FREQ=WEEKLY;UNTIL=20260601T000000Z",
            exdates=[local(2026, 4, 13, 9)],
            overrides=[{"recurrence_id": local(2026, 4, 20, 9), "status": "cancelled"}],
            organizers=["tz", "jn"],
        ),
        # daily, ended just before the window
        _activity("ended", local(2026, 4, 1, 18), created=long_ago, recurrence="FREQ=DAILY;COUNT=12"),
        # cancelled as a whole: its sessions are not upcoming
        _activity(
            "cancelled-series",
            local(2026, 1, 5, 10),
            created=long_ago,
            updated=UNTIL - timedelta(days=2),
            version=2,
            status="cancelled",
            recurrence="FREQ=WEEKLY",
        ),
    ]


def random_activities(count: int, rng: random.Random) -> list[CanonicalActivity]:
    campaigns = [c.id for c in ALLIANCE.campaigns]
    brands = [b.id for b in ALLIANCE.brands]
    activities = []
    for i in range(count):
        start = local(2024, 1, 1, 8) + timedelta(days=rng.randrange(4 * 365), hours=rng.randrange(12))
        created = start - timedelta(days=rng.randrange(1, 90), minutes=rng.randrange(600))
        revised = rng.random() < 0.25
        updated = created + timedelta(days=rng.randrange(0, 60), minutes=rng.randrange(600)) if revised else created
        organizers = [rng.choice(MEMBERS)]
        if rng.random() < 0.15:
            organizers += [m for m in rng.sample(MEMBERS, 2) if m != organizers[0]]
        fields: dict = {}
        kind = rng.random()
        if kind < 0.03:
            fields["recurrence"] = f"FREQ=WEEKLY;COUNT={rng.randrange(3, 30)}"
        elif kind < 0.04:
            fields["recurrence"] = "FREQ=MONTHLY"
        elif kind < 0.05:
            fields["recurrence"] = f"FREQ=DAILY;COUNT={rng.randrange(2, 20)}"
        if "COUNT" in fields.get("recurrence", "") and rng.random() < 0.3:  # its second session moved
            second = start + timedelta(days=7 if "WEEKLY" in fields["recurrence"] else 1)
            fields["overrides"] = [
                {"recurrence_id": second, "starts_at": second + timedelta(days=rng.randrange(-20, 40))}
            ]
        if rng.random() < 0.1:
            fields["all_day"] = True
        activities.append(
            _activity(
                f"a{i:05d}",
                start,
                created=created,
                updated=updated,
                version=2 if revised else 1,
                status="cancelled" if rng.random() < 0.05 else "scheduled",
                organizers=organizers,
                brand_id=rng.choice(brands) if rng.random() < 0.14 else None,
                campaign_id=rng.choice(campaigns) if rng.random() < 0.25 else None,
                **fields,
            )
        )
    return activities


def store(engine: Engine, activities: list[CanonicalActivity], *, tz=TZ) -> None:
    spec = ConsumerSpec(
        name="digests-canonical",
        stream=CANONICAL_STREAM,
        filter_subject="x",
        handle_batch=partial(apply_canonicals, tz=tz),
    )
    deliveries = []
    for seq, activity in enumerate(activities, 1):
        canonical = CanonicalEvent(type="created", activity=activity, occurred_at=activity.updated_at)
        deliveries.append(
            Delivery(
                subject=canonical_subject("created"),
                data=canonical.model_dump_json().encode(),
                headers={"Nats-Msg-Id": f"{canonical.message_id()}:{seq}"},
                stream_seq=seq,
                timestamp=activity.updated_at,
            )
        )
    for start in range(0, len(deliveries), 500):
        process_batch(spec, engine, deliveries[start : start + 500])


def open_reviews(engine: Engine, activities: list[CanonicalActivity], rng: random.Random) -> None:
    rows = [
        {
            "review_id": f"r-{a.id}",
            "activity_id": a.id,
            "opened_at": a.created_at,
            "decided_at": None if rng.random() < 0.4 else a.created_at + timedelta(days=1),
        }
        for a in activities
        if rng.random() < 0.05
    ]
    with engine.begin() as connection:
        connection.execute(insert(digests_review), rows)


@pytest.fixture(scope="module")
def projection(tmp_path_factory) -> Iterator[Engine]:
    databases = Databases(data_dir=tmp_path_factory.mktemp("digests"))
    databases.create_tables("digests", TABLES + EVENT_TABLES)
    engine = databases.engine("digests")
    rng = random.Random(2023)
    activities = edge_cases() + random_activities(1500, rng)
    store(engine, activities)
    open_reviews(engine, activities, rng)
    yield engine
    databases.dispose()


# ============================================================================ the same digest


def sections(items, since, until, libraries, language):
    labels = labels_for(ALLIANCE, language)
    return (
        classify_changes(items, since, until),
        upcoming_lines(items, until, TZ, labels),
        sorted(i.activity.id for i in items if i.review_needed and i.activity.status == "scheduled"),
        campaign_gaps(ALLIANCE, libraries, items, until, labels),
    )


def assert_same_digests(engine: Engine) -> dict[str, int]:
    """Every coordinator, every period: the bounded digest is the full one.  Returns how many
    non-empty sections were compared, and how many activities each way read."""
    seen = {"new": 0, "changed": 0, "cancelled": 0, "upcoming": 0, "review": 0, "campaigns": 0}
    read = {"bounded": 0, "full": 0}
    for coordinator in ALLIANCE.coordinators:
        libraries = scope_libraries(ALLIANCE, coordinator)
        scope = None if coordinator.scope is None else libraries
        for since, until in PERIODS:
            with engine.connect() as connection:
                everything = scoped_activities(connection, scope)
                bounded = digest_for(connection, CONFIG, coordinator, period="p", since=since, until=until)
                windows = [(c.id, w) for c in ALLIANCE.campaigns if (w := _window(c, until))]
                items = digest_activities(connection, scope, since=since, until=until, tz=TZ, campaign_windows=windows)
            full = build_digest(ALLIANCE, coordinator, period="p", since=since, until=until, items=everything)
            assert bounded == full, (coordinator.id, since)
            assert render_text(bounded, TZ) == render_text(full, TZ)
            expected = sections(everything, since, until, libraries, coordinator.language)
            assert sections(items, since, until, libraries, coordinator.language) == expected, (coordinator.id, since)
            for name in seen:
                seen[name] += bool(getattr(full, name))
            read["bounded"] += len(items)
            read["full"] += len(everything)
    return seen | read


def _window(campaign, until):
    return campaign_window_ahead(campaign, until.astimezone(TZ).date())


def test_the_bounded_digest_is_the_one_computed_from_every_activity(projection: Engine) -> None:
    counts = assert_same_digests(projection)
    assert all(counts[name] >= 2 for name in ("new", "changed", "cancelled", "upcoming", "review", "campaigns")), counts
    assert counts["bounded"] * 3 < counts["full"], counts  # it read what it shows, not the years


def test_the_series_edge_cases_are_in_the_fortnight(projection: Engine) -> None:
    """The sessions the first start alone would miss are shown (and the cancelled ones are not)."""
    jn = ALLIANCE.coordinator("jn-tuiguang")
    with projection.connect() as connection:
        items = digest_activities(connection, scope_libraries(ALLIANCE, jn), since=UNTIL, until=UNTIL, tz=TZ)
    lines = upcoming_lines(items, UNTIL, TZ, labels_for(ALLIANCE, "zh-CN"))
    shown = {(line.id, line.when[:10]) for line in lines}
    for expected in [
        ("open-ended", "2026-04-15"),
        ("open-ended", "2026-04-22"),
        ("moved-earlier", "2026-04-15"),
        ("moved-later", "2026-04-16"),
    ]:
        assert expected in shown, (expected, sorted(shown))
    assert not {aid for aid, _ in shown} & {"until", "ended", "cancelled-series"}, shown  # excluded, cancelled


def test_session_spans() -> None:
    created = local(2026, 1, 1)
    moved = edge_cases()[1]
    assert session_span(moved, TZ) == (local(2026, 4, 15, 10), local(2026, 6, 2, 10))
    assert session_span(edge_cases()[0], TZ) == (local(2024, 1, 3, 19), OPEN_ENDED)
    assert session_span(edge_cases()[2], TZ) == (local(2025, 1, 6, 15), local(2026, 4, 16, 15))
    single = _activity("s", local(2026, 5, 1, 9), created=created)
    assert session_span(single, None) == (single.starts_at, single.starts_at)
    assert session_span(moved, None) == (None, None)  # a series' sessions are wall-clock times: no zone, unknown


def test_rows_without_a_span_are_read_until_filled(tmp_path: Path) -> None:
    """Rows stored before the spans (NULL) and series stored without the zone: the digest is
    still the full one; the service's fill gives them their spans, and it stays the same."""
    databases = Databases(data_dir=tmp_path)
    databases.create_tables("digests", TABLES + EVENT_TABLES)
    engine = databases.engine("digests")
    rng = random.Random(5)
    activities = edge_cases() + random_activities(600, rng)
    store(engine, activities[:300], tz=None)
    store(engine, activities[300:])
    open_reviews(engine, activities, rng)
    with engine.begin() as connection:
        connection.execute(
            update(digests_activity)
            .where(digests_activity.c.activity_id.like("a004%"))
            .values(first_start=None, last_start=None)
        )
        unknown = connection.scalar(select(func.count()).where(digests_activity.c.first_start.is_(None)))
    assert unknown > 100
    assert_same_digests(engine)
    assert fill_session_spans(engine, TZ, reader=databases.reader("digests"), batch=64) == unknown
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).where(digests_activity.c.first_start.is_(None))) == 0
        spans = dict(connection.execute(select(digests_activity.c.activity_id, digests_activity.c.last_start)).all())
    assert spans["open-ended"] == OPEN_ENDED and spans["moved-later"] == local(2026, 4, 16, 15)
    assert_same_digests(engine)
    databases.dispose()


# ============================================================================ a bulk import's period


def bulk_period(rng: random.Random) -> list[CanonicalActivity]:
    """A period holding far more changes than a section lists (a bulk import's): starts shared by
    dozens (the ties are ordered by id), ids that collations order differently from code points
    (dashes, case, digits, a non-ASCII letter), coming and past, new, changed and cancelled."""
    since = UNTIL - timedelta(days=7)
    shared = [UNTIL + timedelta(days=3, hours=10), UNTIL - timedelta(days=40, hours=5)]
    spellings = ["x-{n}", "x{n}", "X_{n}", "x.{n}", "é{n}", "x-{n}-b", "{n}x"]
    activities = []
    for i in range(400):
        aid = rng.choice(spellings).format(n=rng.randrange(1000)) + f"-{i}"
        start = rng.choice(shared) if rng.random() < 0.5 else UNTIL + timedelta(hours=rng.randrange(-2000, 2000))
        old = rng.random() < 0.3  # announced before the period, changed or cancelled in it
        created = since - timedelta(days=30) if old else since + timedelta(minutes=rng.randrange(7 * 24 * 60))
        updated = created + timedelta(minutes=rng.randrange(60)) if rng.random() < 0.6 else created
        if old:
            updated = since + timedelta(minutes=rng.randrange(7 * 24 * 60))
        activities.append(
            _activity(
                aid,
                start,
                created=created,
                updated=updated if updated < UNTIL else created,
                version=2,
                status="cancelled" if rng.random() < 0.2 else "scheduled",
                organizers=[rng.choice(MEMBERS)],
            )
        )
    return activities


def assert_period_changes_are_the_sections(engine: Engine) -> None:
    since = UNTIL - timedelta(days=7)
    for coordinator in ALLIANCE.coordinators:
        scope = None if coordinator.scope is None else scope_libraries(ALLIANCE, coordinator)
        with engine.connect() as connection:
            everything = scoped_activities(connection, scope)
            changes = period_changes(connection, scope, since=since, until=UNTIL)
        new, changed, cancelled = classify_changes(everything, since, UNTIL)
        assert changes.new == Capped.of(new), coordinator.id
        assert changes.changed == Capped.of(changed), coordinator.id
        assert changes.cancelled == Capped.of(cancelled), coordinator.id
        if scope is None:  # the office sees every section cut, and ties at the cut
            assert changes.new.more > 100 and changes.changed.more > 0 and changes.cancelled.more > 0, changes
            listed = changes.new.items + changes.changed.items + changes.cancelled.items
            assert len({a.starts_at for a in listed}) < len(listed) - 20


def test_a_period_of_many_changes_lists_the_first_of_each_section_on_sqlite(tmp_path: Path) -> None:
    databases = Databases(data_dir=tmp_path)
    databases.create_tables("digests", TABLES + EVENT_TABLES)
    store(databases.engine("digests"), bulk_period(random.Random(9)))
    assert_period_changes_are_the_sections(databases.engine("digests"))
    databases.dispose()


@pytest.mark.postgres
def test_a_period_of_many_changes_lists_the_first_of_each_section_on_postgresql(
    postgres_url: str, tmp_path: Path
) -> None:
    databases = Databases(data_dir=tmp_path, database_url=postgres_url)
    engine = databases.engine("digests")
    metadata.create_all(engine, tables=[*TABLES, *EVENT_TABLES])
    with engine.begin() as connection:  # a database made with a language's collation (the test one is C.UTF-8)
        connection.execute(
            text('ALTER TABLE digests_activity ALTER COLUMN activity_id TYPE varchar(64) COLLATE "en-US-x-icu"')
        )
    store(engine, bulk_period(random.Random(9)))
    assert_period_changes_are_the_sections(engine)
    databases.dispose()


# ============================================================================ indexes, with large tables

BIG_TABLES = ("digests_activity", "digests_activity_library", "digests_review", "dedup_activity")
ROWS = 60_000
PARTIAL_SCANS = ("ix_digests_review_open",)
"""A partial index read whole is bounded by what it holds (the reviews still open), not the table."""


def _snapshot(template: str, aid: str, start: datetime, created: datetime, status: str) -> str:
    return (
        template.replace("@ID@", aid)
        .replace("@START@", start.isoformat())
        .replace("@END@", (start + timedelta(hours=2)).isoformat())
        .replace("@CREATED@", created.isoformat())
        .replace("@STATUS@", status)
    )


def seed_large(databases: Databases) -> None:
    """ROWS activities over three years in the digests' and dedup's tables, inserted by SQL."""
    template = json.dumps(
        _activity("@ID@", local(2026, 1, 1), created=local(2026, 1, 1)).model_dump(mode="json")
        | {
            "starts_at": "@START@",
            "ends_at": "@END@",
            "created_at": "@CREATED@",
            "updated_at": "@CREATED@",
            "status": "@STATUS@",
        },
        ensure_ascii=False,
    )
    rng = random.Random(60)
    activities, credits, reviews, dedup = [], [], [], []
    campaigns = [c.id for c in ALLIANCE.campaigns]
    for i in range(ROWS):
        aid = f"b{i:06d}"
        start = local(2025, 1, 1, 8) + timedelta(days=rng.randrange(3 * 365), minutes=15 * rng.randrange(48))
        created = start - timedelta(days=rng.randrange(1, 90))
        status = "cancelled" if rng.random() < 0.03 else "scheduled"
        series = rng.random() < 0.05
        last = (start + timedelta(weeks=rng.randrange(2, 30))) if series else start
        snapshot = _snapshot(template, aid, start, created, status)
        activities.append(
            {
                "activity_id": aid,
                "version": 1,
                "event_type": "created",
                "status": status,
                "starts_at": start,
                "brand_id": None,
                "campaign_id": rng.choice(campaigns) if rng.random() < 0.2 else None,
                "created_at": created,
                "updated_at": created,
                "snapshot": snapshot,
                "canonical_seq": i + 1,
                "first_start": start,
                "last_start": OPEN_ENDED if series and rng.random() < 0.2 else last,
            }
        )
        for lib in {rng.choice(MEMBERS) for _ in range(rng.choice((1, 1, 1, 2, 3)))}:
            credits.append({"activity_id": aid, "library_id": lib, "role": "host"})
        if rng.random() < 0.2:
            reviews.append(
                {
                    "review_id": f"r{i}",
                    "activity_id": aid,
                    "opened_at": created,
                    "decided_at": None if rng.random() < 0.02 else created + timedelta(days=2),
                }
            )
        dedup.append(
            {
                "id": aid,
                "version": 1,
                "status": status,
                "starts_at": start,
                "snapshot": snapshot,
                "created_at": created,
                "updated_at": created,
            }
        )
    with databases.engine("digests").begin() as connection:
        connection.execute(insert(digests_activity), activities)
        connection.execute(insert(digests_activity_library), credits)
        connection.execute(insert(digests_review), reviews)
    with databases.engine("dedup").begin() as connection:
        connection.execute(insert(dedup_activity), dedup)


@contextmanager
def statements(engine: Engine) -> Iterator[list[tuple[str, object]]]:
    """The SQL an engine runs meanwhile, with its parameters."""
    caught: list[tuple[str, object]] = []

    def catch(conn, cursor, statement, parameters, context, executemany) -> None:
        caught.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", catch)
    try:
        yield caught
    finally:
        event.remove(engine, "before_cursor_execute", catch)


def sqlite_scans(engine: Engine, statement: str, parameters) -> list[str]:
    with engine.connect() as connection:
        plan = [row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
    return [
        detail
        for detail in plan
        if re.match(rf"SCAN ({'|'.join(BIG_TABLES)})\b", detail)
        and not any(f"INDEX {index}" in detail for index in PARTIAL_SCANS)
    ]


def postgres_scans(engine: Engine, statement: str, parameters) -> list[str]:
    with engine.connect() as connection:
        plan = [row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)]
    return [line for line in plan if re.search(rf"Seq Scan on ({'|'.join(BIG_TABLES)})\b", line)]


POST = ActivitySubmission.model_validate(
    {
        "library_id": "tz",
        "source_ref": "p1",
        "title": "读书活动",
        "category": "lecture",
        "starts_at": local(2026, 4, 15, 10).isoformat(),
        "ends_at": local(2026, 4, 15, 12).isoformat(),
        "venue": {"name": "报告厅"},
        "organizers": [{"library_id": "tz", "role": "host"}],
    }
)
"""Another library's post, in the hour of some of the seeded activities."""


def request_paths(databases: Databases) -> dict[str, Callable[[], object]]:
    """The paths under test: the digests of the alliance office and of a district, as the
    scheduled and the preview digests compute them, and the look-alike check of a post."""
    office, district = ALLIANCE.coordinator("lmb"), ALLIANCE.coordinator("jn-tuiguang")

    def digest(coordinator) -> object:
        with databases.reader("digests").connect() as connection:
            return digest_for(connection, CONFIG, coordinator, period="p", since=UNTIL - timedelta(days=7), until=UNTIL)

    return {
        "office digest": partial(digest, office),
        "district digest": partial(digest, district),
        "look-alikes": partial(canonical_lookalikes, databases, POST),
    }


def assert_indexed(databases: Databases, scans: Callable[[Engine, str, object], list[str]]) -> None:
    for name, path in request_paths(databases).items():
        service = "dedup" if name == "look-alikes" else "digests"
        engine = databases.reader(service)
        with statements(engine) as caught:
            result = path()
        assert result, name  # the paths found something: their plans are the ones used
        assert caught, name
        for statement, parameters in caught:
            assert not scans(engine, statement, parameters), (name, statement, scans(engine, statement, parameters))
    engine = databases.reader("digests")
    with statements(engine) as caught, engine.connect() as connection:
        scoped_activities(connection, None)  # what a digest read before: the check sees its scan
    assert any(scans(engine, statement, parameters) for statement, parameters in caught)


def test_the_request_paths_read_large_tables_through_indexes_on_sqlite(tmp_path: Path) -> None:
    databases = Databases(data_dir=tmp_path)
    databases.create_tables("digests", TABLES + EVENT_TABLES)
    databases.create_tables("dedup", DEDUP_TABLES)
    seed_large(databases)
    assert_indexed(databases, sqlite_scans)
    # the look-alikes of a post within its hour are those the check found scanning every activity
    found = canonical_lookalikes(databases, POST)
    assert found == lookalikes(canonical_activities(databases.reader("dedup")), POST)
    assert len(found) >= 2
    databases.dispose()


@pytest.mark.postgres
def test_the_request_paths_read_large_tables_through_indexes_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    databases = Databases(data_dir=tmp_path, database_url=postgres_url)
    engine = databases.engine("digests")
    metadata.create_all(engine, tables=[*TABLES, *DEDUP_TABLES])
    seed_large(databases)
    with engine.begin() as connection:
        for table in BIG_TABLES:
            connection.execute(text(f"ANALYZE {table}"))
    assert_indexed(databases, postgres_scans)
    databases.dispose()
