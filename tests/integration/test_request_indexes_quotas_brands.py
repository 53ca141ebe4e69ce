"""The quotas' and brands' request paths read through indexes, on SQLite and PostgreSQL.

Every statement the quota page / API / report (``quota_report``), a library's drill-down, the
brands page (``brands_report``), a brand's page (``brand_entry``), the digests' quiet brands and
``/api/v1/brands/links`` run is captured as they run it, over tables seeded by SQL with 50,000
activities across ten years (and their credits, sources, monthly counts, sessions, reports), then
explained: on SQLite (``EXPLAIN QUERY PLAN``, no statistics) no bare ``SCAN`` of a seeded table; on
PostgreSQL (``EXPLAIN`` after ``ANALYZE``) no ``Seq Scan`` on one.  A plan that reads a whole
table grows with the years stored, whatever the page shows.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, event, insert

from shuxiang.alliance import Alliance, load_demo_alliance
from shuxiang.db import Databases
from shuxiang.services.brands import tables as brands
from shuxiang.services.brands.registry import load_registry
from shuxiang.services.brands.store import brand_entry, brands_gone_quiet, brands_report, entries_from_facts
from shuxiang.services.brands.tallies import rebuild, store_basis
from shuxiang.services.brands.tallies import tally_basis as brands_basis
from shuxiang.services.brands.web import list_links
from shuxiang.services.quotas import tables as quotas
from shuxiang.services.quotas.report import quota_report
from shuxiang.services.quotas.tally import tally_basis

ACTIVITIES = 50_000
YEARS = range(2017, 2027)
NOW = datetime(2026, 11, 20, tzinfo=UTC)
TODAY = date(2026, 11, 20)
BIG = {
    *(t.name for t in (quotas.quotas_activity, quotas.quotas_credit, quotas.quotas_source, quotas.quotas_report)),
    *(t.name for t in (quotas.quotas_count, quotas.quotas_month, quotas.quotas_uncounted)),
    *(t.name for t in (brands.brands_activity, brands.brands_occurrence, brands.brands_activity_library)),
    *(t.name for t in (brands.brands_source, brands.brands_attendance, brands.brands_session_attendance)),
}
"""The seeded tables: a plan may not read one of them whole."""
TALLIES = {brands.brands_day.name, brands.brands_month.name, brands.brands_basis.name}
"""The brands' kept tallies (derived from the seeded tables): the list of brands reads these only."""


def seed(engine: Engine, alliance: Alliance) -> None:
    """Ten years of a demo alliance's activities, as the handlers would have stored them (the
    values need not be consistent with one another: only their spread matters to a planner)."""
    rng = random.Random(23)
    members = [m.id for m in alliance.members]
    libraries = members + [f"partner-{i}" for i in range(40)]  # organisers outside the alliance too
    brand_ids = [b.id for b in alliance.brands] + ["unregistered-1", "unregistered-2"]
    rules = {m: [r.id for r in alliance.rules_for(m)] for m in members}
    rows: dict[str, list[dict]] = {name: [] for name in BIG}
    for i in range(ACTIVITIES):
        activity_id = f"a{i:06d}"
        year = YEARS[i * len(YEARS) // ACTIVITIES]
        start = datetime(year, 1, 1, 2, tzinfo=UTC) + timedelta(days=rng.randrange(365), hours=rng.randrange(10))
        series = rng.random() < 0.05
        open_ended = series and rng.random() < 0.05
        host = rng.choice(libraries)
        credited = {host: "host", **({rng.choice(libraries): "co_organiser"} if rng.random() < 0.1 else {})}
        status = "cancelled" if rng.random() < 0.03 else "scheduled"
        # listed as not counted: the cancelled, and (more than a real alliance reports: a table of
        # a few thousand rows PostgreSQL would rightly read whole) some reported not held
        outcome = "cancelled" if status == "cancelled" else ("not_held" if rng.random() < 0.15 else None)
        rows["quotas_activity"].append(
            {
                "activity_id": activity_id,
                "version": 1,
                "event_type": "created",
                "status": status,
                "title": f"活动 {i}",
                "category": rng.choice(["lecture", "reading_club", "children", "training", "festival"]),
                "featured": rng.random() < 0.2,
                "campaign_id": rng.choice([None, None, None, "reading-month"]),
                "tags": [],
                "audiences": [],
                "starts_at": start,
                "recurrence": "FREQ=WEEKLY" if open_ended else ("FREQ=WEEKLY;COUNT=6" if series else None),
                "exdates": [],
                "last_start": None if open_ended else start + timedelta(weeks=5 if series else 0),
                "updated_at": start - timedelta(days=20),
                "canonical_seq": i + 1,
            }
        )
        for library_id, role in credited.items():
            rows["quotas_credit"].append({"activity_id": activity_id, "library_id": library_id, "role": role})
            rows["brands_activity_library"].append({"activity_id": activity_id, "library_id": library_id, "role": role})
            for rule_id in rules.get(library_id, [])[:2]:
                rows["quotas_count"].append(
                    {
                        "activity_id": activity_id,
                        "library_id": library_id,
                        "rule_id": rule_id,
                        "year": year,
                        "month": start.month,
                        "n": 6 if series else 1,
                    }
                )
            if outcome is not None:
                rows["quotas_uncounted"].append(
                    {
                        "activity_id": activity_id,
                        "library_id": library_id,
                        "year": year,
                        "starts_at": start,
                        "role": role,
                        "outcome": outcome,
                        "title": f"活动 {i}",
                    }
                )
        source_ref = f"ref-{i}"
        rows["quotas_source"].append(
            {"activity_id": activity_id, "library_id": host, "source_ref": source_ref, "updated_at": start}
        )
        rows["brands_source"].append({"library_id": host, "source_ref": source_ref, "activity_id": activity_id})
        if start < NOW and rng.random() < 0.6:
            held = rng.random() < 0.97
            report = {"library_id": host, "source_ref": source_ref, "held": held, "participants": 40 if held else 0}
            rows["quotas_report"].append({**report, "stream_seq": i + 1})
            rows["brands_attendance"].append({**report, "notes": None, "reported_at": start, "stream_seq": i + 1})
        brand_id = rng.choice(brand_ids) if rng.random() < 0.14 else None
        rows["brands_activity"].append(
            {
                "activity_id": activity_id,
                "version": 1,
                "status": status,
                "title": f"活动 {i}",
                "category": "lecture",
                "starts_at": start,
                "ends_at": start + timedelta(hours=2),
                "series": series,
                "venue_key": f"v:{host}",
                "venue_name": None,
                "declared_brand_id": brand_id,
                "inferred_brand_id": None,
                "brand_id": brand_id,
                "link": rng.choice(["explicit", "explicit", "inferred", "corrected"]) if brand_id else None,
                "updated_at": start,
                "canonical_seq": i + 1,
            }
        )
        for k in range(6 if series else 1):
            session = start + timedelta(weeks=k)
            rows["brands_occurrence"].append({"activity_id": activity_id, "starts_at": session})
            if series and k < 2 and start < NOW:
                rows["brands_session_attendance"].append(
                    {
                        "library_id": host,
                        "source_ref": source_ref,
                        "recurrence_id": session,
                        "held": True,
                        "participants": 12,
                        "notes": None,
                        "reported_at": session,
                        "stream_seq": i + 1,
                    }
                )
    for library_id, rule_ids in rules.items():  # the monthly sums of every member's rules, every month
        rows["quotas_month"] += [
            {"library_id": library_id, "rule_id": rule_id, "year": year, "month": month, "n": rng.randrange(5)}
            for rule_id in rule_ids
            for year in YEARS
            for month in range(1, 13)
        ]
    tables = {t.name: t for t in (*quotas.TABLES, *brands.TABLES)}
    with engine.begin() as connection:
        for name, found in rows.items():
            for first in range(0, len(found), 5000):
                connection.execute(insert(tables[name]), found[first : first + 5000])
        connection.execute(insert(quotas.quotas_basis).values(id=1, basis=tally_basis(alliance), derived_at=NOW))
        rebuild(connection, alliance.tz)  # what the brands service's next batch derives, once
        store_basis(connection, brands_basis(alliance), NOW)
    if engine.dialect.name == "postgresql":  # what autovacuum does after a bulk load: statistics, visibility map
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def seeded(request, tmp_path_factory) -> Iterator[tuple[Engine, Alliance]]:
    from tests.conftest import fresh_postgres_schema

    alliance = load_demo_alliance()
    schema = fresh_postgres_schema() if request.param == "postgres" else None
    url = next(schema) if schema is not None else None
    databases = Databases(data_dir=tmp_path_factory.mktemp("indexes"), database_url=url)
    databases.create_tables("quotas", quotas.TABLES + brands.TABLES)  # one database for both, as on PostgreSQL
    engine = databases.engine("quotas")
    seed(engine, alliance)
    yield engine, alliance
    databases.dispose()
    if schema is not None:
        next(schema, None)


def statements_of(engine: Engine, call, tables: set[str] = BIG) -> list[tuple[str, object]]:
    """The statements ``call()`` runs on ``engine`` that read one of ``tables``, with their parameters."""
    found: list[tuple[str, object]] = []

    def grab(conn, cursor, statement, parameters, context, executemany) -> None:
        if re.search(r"\b(" + "|".join(tables) + r")\b", statement):
            found.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", grab)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", grab)
    assert found, "the call read none of the seeded tables"
    return found


def full_reads(
    engine: Engine, statements: list[tuple[str, object]], *, chosen: bool = True, tables: set[str] = BIG
) -> list[str]:
    """The plans' lines that read a seeded table whole.  ``chosen=False``: PostgreSQL's plan with
    sequential scans priced out (``enable_seqscan = off``), which still reads a table whole only
    when no index can answer the statement."""
    whole = []
    with engine.connect() as connection:
        if not chosen and connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET enable_seqscan = off")
        for statement, parameters in statements:
            if connection.dialect.name == "sqlite":
                plan = [row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
                whole += [line for line in plan if re.fullmatch(r"SCAN (\w+)", line) and line.split()[1] in tables]
            else:
                plan = [row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)]
                whole += [
                    line for line in plan if (m := re.search(r"Seq Scan on (\w+)", line)) and m.group(1) in tables
                ]
        connection.rollback()
    return whole


def test_the_quota_page_api_and_report_read_the_kept_tallies_through_indexes(seeded) -> None:
    engine, alliance = seeded
    report = []
    statements = statements_of(engine, lambda: report.append(quota_report(engine, alliance, 2026, NOW)))
    assert full_reads(engine, statements) == []
    assert any(p.count for lib in report[0].libraries for p in lib.rules)  # the seeded sums were read
    assert any(lib.not_counted for lib in report[0].libraries)
    # Nothing read activity by activity: the months' sums, the open-ended series and the list of
    # the activities that count for nobody (the recount read quotas_activity for the whole year).
    assert not any("quotas_count" in s for s, _ in statements)


def test_a_librarys_drill_down_reads_its_own_activities_through_indexes(seeded) -> None:
    engine, alliance = seeded
    library = alliance.brands[0].library_id
    statements = statements_of(engine, lambda: quota_report(engine, alliance, 2026, NOW, library=library, credits=True))
    assert full_reads(engine, statements) == []


def test_the_brand_pages_and_the_links_read_through_indexes(seeded) -> None:
    """On SQLite every statement from an index.  PostgreSQL, with these tables a few hundred pages
    each, rightly hashes brands_attendance whole (30,000 rows) rather than probe it 450 times for
    one brand: for a brand's page what is asserted there is that an index answers each statement
    (the plan with sequential scans priced out reads no table whole), and that a brand's own
    sessions and credits come from their indexes.  The list of brands and the quiet brands read
    the kept tallies only (a row per brand and month, the days of this month): no statement of
    theirs touches an activity's table, as chosen."""
    engine, alliance = seeded
    brand = alliance.brands[0]
    for call in (
        lambda: brand_entry(engine, alliance, brand.id, TODAY),
        lambda: list_links(reader=engine, link=None, brand_id=None, limit=200),
        lambda: list_links(reader=engine, link="inferred", brand_id=None, limit=200),
        lambda: list_links(reader=engine, link=None, brand_id=brand.id, limit=200),
    ):
        assert full_reads(engine, statements_of(engine, call), chosen=False) == []
    own = statements_of(engine, lambda: brand_entry(engine, alliance, brand.id, TODAY))
    sessions_and_credits = [(s, p) for s, p in own if re.search(r"FROM brands_(occurrence|activity_library)\b", s)]
    assert len(sessions_and_credits) == 2
    assert full_reads(engine, sessions_and_credits) == []
    links = statements_of(engine, lambda: list_links(reader=engine, link=None, brand_id=None, limit=200))
    assert full_reads(engine, links) == []
    for call in (
        lambda: brands_report(engine, alliance, TODAY),
        lambda: brands_gone_quiet(engine, alliance, TODAY, [brand.library_id]),
    ):
        statements = statements_of(engine, call, tables=BIG | TALLIES)
        read = {t for s, _ in statements if not s.startswith("PRAGMA") for t in re.findall(r"\b(brands_\w+)\b", s)}
        assert read <= TALLIES | {"brands_registered"}  # (PRAGMA: whether the brands have a table yet)
        # brands_day (a row per brand and day: it grows with the years) through its key, as chosen;
        # brands_month is what the list shows (every brand's months): PostgreSQL may read it whole,
        # but an index answers it
        # (brands_basis: one row)
        assert full_reads(engine, statements, tables={brands.brands_day.name}) == []
        assert (
            full_reads(engine, statements, tables={brands.brands_day.name, brands.brands_month.name}, chosen=False)
            == []
        )


def test_a_brands_page_is_its_entry_in_the_list(seeded) -> None:
    """brand_entry reads one brand's rows and gives the figures brands_report gives it among all
    (from the kept tallies: the figures derived from every brand's activities, as of several days);
    the quiet brands of some libraries are those of the list."""
    engine, alliance = seeded
    everything = brands_report(engine, alliance, TODAY)
    for brand in alliance.brands[:4]:
        entry = brand_entry(engine, alliance, brand.id, TODAY)
        assert entry is not None and entry.activities
        assert (entry.brand, entry.origin, entry.figures) == (brand, *_listed(everything, brand.id))
    with engine.connect() as connection:
        registry = list(load_registry(connection, alliance).values())
    for day in (TODAY, date(2017, 1, 1), date(2020, 2, 29), date(2024, 12, 31), date(2026, 11, 30), date(2027, 6, 1)):
        with engine.connect() as connection:
            expected = [e.figures for e in entries_from_facts(connection, alliance, registry, day)]
        assert [e.figures for e in brands_report(engine, alliance, day).entries] == expected, day
    assert sum(f.sessions_total for f in expected) > 1000
    assert brand_entry(engine, alliance, "unregistered-1", TODAY) is None  # linked rows, but no such brand
    libraries = sorted({b.library_id for b in alliance.brands})[:3]
    quiet = brands_gone_quiet(engine, alliance, TODAY, libraries)
    assert quiet == [e for e in everything.entries if e.figures.status != "active" and e.brand.library_id in libraries]


def _listed(report, brand_id: str) -> tuple:
    entry = report.entry(brand_id)
    return entry.origin, entry.figures
