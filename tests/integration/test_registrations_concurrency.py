"""No double booking: 200 concurrent sign-ups for a session of 50 places give exactly 50
confirmed and 150 waitlisted — on SQLite and on PostgreSQL, with one and with two replicas of
the registrations service (``shuxiang serve registrations`` processes sharing the durable
consumers, a real nats-server) — and cancellations promote the waitlist in sign-up order."""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from shuxiang.events.broker import connect
from shuxiang.events.publish import Publisher
from shuxiang.events.streams import ensure_streams
from shuxiang.schemas import CanonicalActivity, CanonicalEvent
from shuxiang.schemas.registration import RegistrationCancel, RegistrationRequest
from tests.conftest import TEST_ALLIANCE, stop_processes

SHUXIANG = [sys.executable, "-m", "shuxiang"]
PLACES, READERS = 50, 200


def canonical(activity_id: str, capacity: int, version: int = 1) -> CanonicalEvent:
    start = (datetime.now(UTC) + timedelta(days=10)).replace(microsecond=0, second=0)
    activity = CanonicalActivity(
        id=activity_id,
        version=version,
        status="scheduled",
        title="沽上讲堂",
        category="lecture",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        venue={"name": "报告厅"},
        organizers=[{"library_id": "jn", "role": "host"}],
        capacity=capacity,
        sources=[{"library_id": "jn", "source_ref": "talk-1", "revision": 1}],
        created_at=datetime.now(UTC),
        updated_at=datetime.now(UTC),
    )
    return CanonicalEvent(type="created", activity=activity, occurred_at=datetime.now(UTC))


def states(engine: sa.Engine, activity_id: str) -> list[tuple[str, int, str]]:
    with engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                sa.text("SELECT state, seq, token_hash FROM registrations_entry WHERE activity_id = :a ORDER BY seq"),
                {"a": activity_id},
            )
        ]


def scalar(engine: sa.Engine, sql: str):
    with engine.connect() as connection:
        return connection.execute(sa.text(sql)).scalar()


def wait_for(check, timeout: float = 90.0):
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = check()
        except (sa.exc.OperationalError, sa.exc.ProgrammingError):  # tables not created yet
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("the registrations service did not decide in time")
        time.sleep(0.2)


async def publish_all(url: str, messages: list[tuple[str, str, bytes]]) -> None:
    nc = await connect(url)
    try:
        js = nc.jetstream()
        await ensure_streams(js)
        publisher = Publisher(js)
        await asyncio.gather(*(publisher.publish(*message) for message in messages))
    finally:
        await nc.drain()


@pytest.mark.parametrize(("database", "replicas"), [("sqlite", 1), ("sqlite", 2), ("postgres", 1), ("postgres", 2)])
def test_200_concurrent_sign_ups_for_50_places(database, replicas, nats_server, tmp_path, request) -> None:
    if database == "postgres":
        url = request.getfixturevalue("postgres_url")
    else:
        url = f"sqlite:///{tmp_path / 'registrations.sqlite3'}"
    env = {
        **os.environ,
        "SHUXIANG_NATS_URL": nats_server.url,
        "SHUXIANG_DATABASE_URL": url,
        "SHUXIANG_CONFIG": str(TEST_ALLIANCE),
        "SHUXIANG_DATA_DIR": str(tmp_path),
    }
    # the service's tables (migration 0006 is checked by test_storage; the shared test database's
    # pg_trgm, which the calendar's migration needs, may live outside this schema's search path)
    from shuxiang.db import make_engine, metadata
    from shuxiang.events.tables import EVENT_TABLES
    from shuxiang.services.registrations.tables import TABLES

    made = make_engine(url)
    metadata.create_all(made, tables=[*TABLES, *EVENT_TABLES])
    made.dispose()
    activity_id = "01234567-89ab-8def-8123-456789abcdef"
    event = canonical(activity_id, PLACES)
    asyncio.run(
        publish_all(
            nats_server.url,
            [("shuxiang.canonical.created", f"canon:{activity_id}:1", event.model_dump_json().encode())],
        )
    )
    logs = {f"replica-{n}": tmp_path / f"replica-{n}.log" for n in range(replicas)}
    processes = {
        name: subprocess.Popen(
            [*SHUXIANG, "serve", "registrations"], env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
        )
        for name, log in logs.items()
    }
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        wait_for(lambda: scalar(engine, "SELECT capacity FROM registrations_activity"))
        tokens = [secrets.token_urlsafe(32) for _ in range(READERS)]
        requests = [
            RegistrationRequest(activity_id=activity_id, name=f"读者{n}", phone=f"138{n:08d}", token=token)
            for n, token in enumerate(tokens)
        ]
        asyncio.run(
            publish_all(
                nats_server.url,
                [
                    (f"shuxiang.registration.requested.{activity_id}", r.message_id(), r.model_dump_json().encode())
                    for r in requests
                ],
            )
        )
        decided = wait_for(lambda: (rows := states(engine, activity_id)) and len(rows) == READERS and rows)
        assert [state for state, _, _ in decided].count("confirmed") == PLACES
        assert [state for state, _, _ in decided].count("waitlisted") == READERS - PLACES
        assert scalar(engine, "SELECT confirmed FROM registrations_place") == PLACES

        # three confirmed readers cancel: the first three of the waitlist, in sign-up order, get their places
        from shuxiang.schemas.registration import token_hash

        by_hash = {token_hash(token): token for token in tokens}
        confirmed = [by_hash[h] for state, _, h in decided if state == "confirmed"]
        waitlist = [h for state, _, h in decided if state == "waitlisted"]  # in seq order
        cancels = [RegistrationCancel(activity_id=activity_id, token=token) for token in confirmed[:3]]
        asyncio.run(
            publish_all(
                nats_server.url,
                [
                    (f"shuxiang.registration.cancelled.{activity_id}", c.message_id(), c.model_dump_json().encode())
                    for c in cancels
                ],
            )
        )
        after = wait_for(
            lambda: (rows := states(engine, activity_id)) and [s for s, _, _ in rows].count("cancelled") == 3 and rows
        )
        now_confirmed = {h for state, _, h in after if state == "confirmed"}
        assert len(now_confirmed) == PLACES
        assert set(waitlist[:3]) <= now_confirmed
        assert not set(waitlist[3:]) & now_confirmed
    finally:
        engine.dispose()
        stop_processes(processes, logs)
    assert all(p.returncode == 0 for p in processes.values()), {n: log.read_text()[-3000:] for n, log in logs.items()}
