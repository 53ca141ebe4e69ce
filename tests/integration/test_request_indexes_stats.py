"""The statistics report's request path reads through indexes, on SQLite and PostgreSQL.

Every statement the report's figures run over the service's own rows (``figures_if_derived``: the
alliance, a member's subtree, a member alone; a year and a plan period, each with the period
before; readers' ratings) is captured as it runs, over tables seeded by SQL with 50,000 activities
across ten years (their credits, audiences, partners), then explained: on SQLite (``EXPLAIN QUERY
PLAN``) no bare ``SCAN`` of a seeded table; on PostgreSQL (``EXPLAIN`` after ``ANALYZE``) no ``Seq
Scan`` on one.  A plan that reads a whole table grows with the years stored, whatever the report
asks for.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from functools import partial

import pytest
from sqlalchemy import Engine, insert

from shuxiang.alliance import Alliance, load_demo_alliance
from shuxiang.db import Databases
from shuxiang.services.stats import tables as stats
from shuxiang.services.stats.handlers import KEPT, derivation_basis
from shuxiang.services.stats.store import figures_if_derived

from .test_request_indexes_quotas_brands import NOW, full_reads, statements_of

ACTIVITIES = 50_000
YEARS = range(2017, 2027)
BIG = {t.name for t in (stats.stats_activity, stats.stats_credit, stats.stats_audience, stats.stats_partner)}
"""The seeded tables: a plan may not read one of them whole."""


def seed(engine: Engine, alliance: Alliance) -> list[str]:
    """Ten years of a demo alliance's activities as the handlers store them (only the values'
    spread matters to a planner); returns the ids of some activities readers rated."""
    rng = random.Random(23)
    members = [m.id for m in alliance.members]
    brands = [b.id for b in alliance.brands]
    audiences = [a.id for a in alliance.audiences] or ["少年儿童"]
    rows: dict[str, list[dict]] = {name: [] for name in BIG}
    rated = []
    for i in range(ACTIVITIES):
        activity_id = f"a{i:06d}"
        year = YEARS[i * len(YEARS) // ACTIVITIES]
        host = rng.choice(members)
        credited = {host: "host", **({rng.choice(members): "co_organiser"} if rng.random() < 0.15 else {})}
        cancelled = rng.random() < 0.03
        retired = rng.random() < 0.01
        outcome = "cancelled" if cancelled else rng.choice(["held", "held", "unreported", "not_held"])
        counted = {"activity_id": activity_id, "year": year, "outcome": outcome, "participants": rng.randrange(200)}
        rows["stats_activity"].append(
            {
                "activity_id": activity_id,
                "version": 1,
                "year": None if retired else year,
                "month": None if retired else rng.randint(1, 12),
                "sessions": 6 if rng.random() < 0.05 else 1,
                "status": "cancelled" if cancelled else "scheduled",
                "outcome": outcome,
                "participants": counted["participants"],
                "category": rng.choice(["lecture", "reading_club", "children", "training", "festival"]),
                "campaign_id": rng.choice(["", "", "", "reading-month"]),
                "brand_id": rng.choice(brands) if brands and rng.random() < 0.14 else None,
                "libraries": len(credited),
            }
        )
        if retired:
            continue
        rows["stats_credit"] += [{**counted, "library_id": lib, "role": role} for lib, role in credited.items()]
        rows["stats_audience"].append({**counted, "audience": rng.choice(audiences)})
        if rng.random() < 0.2:
            rows["stats_partner"].append({**counted, "partner": f"学校{rng.randrange(50)}"})
        if year == 2026 and rng.random() < 0.05:
            rated.append(activity_id)
    tables = {t.name: t for t in stats.TABLES}
    with engine.begin() as connection:
        for name, found in rows.items():
            for first in range(0, len(found), 5000):
                connection.execute(insert(tables[name]), found[first : first + 5000])
        KEPT.store(connection, derivation_basis(alliance), NOW)
    if engine.dialect.name == "postgresql":  # what autovacuum does after a bulk load: statistics, visibility map
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    return rated


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def seeded(request, tmp_path_factory) -> Iterator[tuple[Engine, Alliance, list[str]]]:
    from tests.conftest import fresh_postgres_schema

    alliance = load_demo_alliance()
    schema = fresh_postgres_schema() if request.param == "postgres" else None
    url = next(schema) if schema is not None else None
    databases = Databases(data_dir=tmp_path_factory.mktemp("stats-indexes"), database_url=url)
    databases.create_tables("stats", stats.TABLES)
    engine = databases.engine("stats")
    rated = seed(engine, alliance)
    yield engine, alliance, rated
    databases.dispose()
    if schema is not None:
        next(schema, None)


def _append(found: list, *args) -> None:
    found.append(figures_if_derived(*args))


def test_the_report_reads_the_years_it_asks_for_through_indexes(seeded) -> None:
    engine, alliance, rated = seeded
    basis = derivation_basis(alliance)
    ratings = {activity_id: (3, 2) for activity_id in rated}
    member = next(m.id for m in alliance.members if alliance.children(m.id))
    scopes = [None, set(alliance.subtree(member)), {member}]
    for scope in scopes:
        for periods in ([[2026], [2025]], [[2021, 2022, 2023, 2024, 2025], [2016, 2017, 2018, 2019, 2020]]):
            found: list = []
            statements = statements_of(engine, partial(_append, found, engine, basis, scope, periods, ratings), BIG)
            assert found[0] is not None and found[0][0].activities and found[0][0].by_library
            # a plan period and the one before span all ten years seeded: PostgreSQL rightly reads
            # the table whole then; an index answers each statement all the same (sequential scans
            # priced out), and a year and the one before are read through the indexes as chosen
            chosen = len(periods[0]) == 1
            assert full_reads(engine, statements, chosen=chosen, tables=BIG) == [], (scope, periods)
    [now, _] = figures_if_derived(engine, basis, None, [[2026], [2025]], ratings)
    assert 0 < now.rated < 3 * len(rated) and now.rated_by_library  # the counted ones of them
    assert now.activities < ACTIVITIES // 5
