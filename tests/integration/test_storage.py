"""The consumer machinery on real databases: SQLite (embedded) and PostgreSQL (distributed)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from shuxiang.alliance import load_alliance
from shuxiang.db import Databases
from shuxiang.events.consumer import Delivery, Outcome, process_batch
from shuxiang.events.tables import dead_letter, inbox, outbox
from shuxiang.services.dedup.service import build, canonical_activities
from shuxiang.services.plan import ServiceContext
from shuxiang.settings import Settings
from tests.conftest import TEST_ALLIANCE, submission


@pytest.fixture(params=["sqlite", "postgres"])
def databases(request, tmp_path: Path) -> Databases:
    if request.param == "sqlite":
        dbs = Databases(data_dir=tmp_path)
    else:
        from shuxiang.deploy.migrations import upgrade

        url = request.getfixturevalue("postgres_url")
        upgrade(url)
        dbs = Databases(data_dir=tmp_path, database_url=url)
    yield dbs
    dbs.dispose()


def deliver(body: dict | bytes, seq: int, *, subject_library: str | None = None) -> Delivery:
    data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    library = subject_library or (body["library_id"] if isinstance(body, dict) else "jn")
    msg_id = f"sub:{body['library_id']}:{body['source_ref']}:{body.get('revision', 1)}" if isinstance(body, dict) else None
    return Delivery(
        subject=f"shuxiang.activity.submitted.{library}", data=data,
        headers={"Nats-Msg-Id": msg_id} if msg_id else {}, stream_seq=seq,
        timestamp=datetime(2026, 11, 1, 8, 0, seq % 60, tzinfo=UTC),
    )


def test_batch_effects_inbox_outbox_and_dead_letters_commit_together(databases: Databases, tmp_path: Path) -> None:
    context = ServiceContext(settings=Settings(data_dir=tmp_path), alliance=load_alliance(TEST_ALLIANCE),
                             databases=databases)
    plan = build(context)
    if databases.database_url is None:
        databases.create_tables(plan.name, plan.tables)
    spec, engine = plan.consumers[0], databases.engine(plan.name)

    first = submission("jn", "s-1", start=datetime(2026, 12, 31, 23, 30, tzinfo=UTC).astimezone())
    revised = {**first, "revision": 2, "title": "沽上讲堂（改期）"}
    batch = [
        deliver(first, 1),
        deliver(revised, 2),
        deliver(first, 3),  # an older revision, re-sent
        deliver(b"{broken", 4),
        deliver(submission("tz", "s-2"), 5, subject_library="jn"),
    ]
    outcomes = process_batch(spec, engine, batch)
    assert outcomes == [Outcome.ACK, Outcome.ACK, Outcome.ACK, Outcome.TERM, Outcome.TERM]

    # Redelivery of the whole batch changes nothing.
    assert process_batch(spec, engine, batch) == [Outcome.ACK] * 5

    activities = list(canonical_activities(engine))
    assert [(a.title, a.version, a.sources[0].revision) for a in activities] == [("沽上讲堂（改期）", 2, 2)]
    assert activities[0].starts_at == datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # the instant survives storage
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(inbox)) == 4  # the re-sent one shares its id
        assert connection.scalar(select(func.count()).select_from(outbox)) == 2  # created + updated
        reasons = connection.scalars(select(dead_letter.c.reason).order_by(dead_letter.c.stream_seq)).all()
    assert reasons[0].startswith("不是有效的 JSON")
    assert "does not match the subject" in reasons[1]


def test_postgres_schema_matches_the_models(postgres_url: str) -> None:
    from alembic import command

    from shuxiang.deploy.migrations import alembic_config, upgrade

    upgrade(postgres_url)
    command.check(alembic_config(postgres_url))  # raises if the models need a new migration
