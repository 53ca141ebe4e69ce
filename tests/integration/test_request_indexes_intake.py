"""The intake dashboard (``/submit``) reads through indexes, on SQLite and PostgreSQL.

The alliance office sees every library's activities: the 500 newest-starting of a table seeded
with 30,000 (ten years of a demo alliance's members), captured as ``list_activities`` runs them
and explained as in test_request_indexes_quotas_brands: no bare ``SCAN`` / ``Seq Scan`` of the
table.  Without ``ix_intake_activity_starts_at`` the query sorted every row (with its submission's
JSON) on each visit: 160–310 ms at 100,000 submissions.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, insert

from shuxiang.alliance import load_demo_alliance
from shuxiang.db import Databases
from shuxiang.services.intake.store import list_activities
from shuxiang.services.intake.tables import TABLES, intake_activity

from .test_request_indexes_quotas_brands import full_reads, statements_of

ACTIVITIES = 30_000
BIG = {intake_activity.name}


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def seeded(request, tmp_path_factory) -> Iterator[tuple[Engine, list[str]]]:
    from tests.conftest import fresh_postgres_schema, submission

    members = [m.id for m in load_demo_alliance().members]
    schema = fresh_postgres_schema() if request.param == "postgres" else None
    url = next(schema) if schema is not None else None
    databases = Databases(data_dir=tmp_path_factory.mktemp("intake-indexes"), database_url=url)
    databases.create_tables("intake", TABLES)
    engine = databases.engine("intake")
    rng = random.Random(23)
    first = datetime(2017, 1, 1, 2, tzinfo=UTC)
    rows = []
    for i in range(ACTIVITIES):
        library, start = rng.choice(members), first + timedelta(hours=rng.randrange(10 * 365 * 24))
        body = json.dumps(submission(library, f"r-{i:06d}", title=f"活动 {i}", start=start), ensure_ascii=False)
        rows.append(
            {
                "library_id": library,
                "source_ref": f"r-{i:06d}",
                "revision": 1,
                "status": "scheduled",
                "title": f"活动 {i}",
                "starts_at": start,
                "submission": body,
                "channel": "broker",
                "updated_at": first,
            }
        )
    with engine.begin() as connection:
        connection.execute(insert(intake_activity), rows)
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
    yield engine, members
    databases.dispose()
    if schema is not None:
        next(schema, None)


def test_the_dashboard_of_every_library_reads_the_newest_through_the_index(seeded) -> None:
    engine, _ = seeded
    shown: list = []
    statements = statements_of(engine, lambda: shown.extend(list_activities(engine, None)), BIG)
    assert len(shown) == 500
    starts = [a.submission.starts_at for a in shown]
    assert starts == sorted(starts, reverse=True) and min(starts) > datetime(2026, 1, 1, tzinfo=UTC)
    assert full_reads(engine, statements, tables=BIG) == []
