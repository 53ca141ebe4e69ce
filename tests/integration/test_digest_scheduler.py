"""The scheduler against real databases: one active replica (lease), missed periods caught up once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, select

from shuxiang.alliance import load_alliance
from shuxiang.db import make_engine, metadata, sqlite_url
from shuxiang.events.tables import outbox
from shuxiang.services.scheduler.lease import hold_lease, lease_holder, release_lease
from shuxiang.services.scheduler.service import fire_due_digests
from shuxiang.services.scheduler.tables import TABLES, scheduler_fired

ALLIANCE = load_alliance(Path(__file__).parents[1] / "data" / "digests" / "alliance.toml")
TTL = timedelta(seconds=90)
# Monday 2026-11-23 10:00 in Shanghai: every coordinator of the test alliance has a period due
MONDAY = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path: Path) -> Engine:
    url = sqlite_url(tmp_path, "scheduler") if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    metadata.create_all(engine, tables=[*TABLES, outbox])
    yield engine
    engine.dispose()


def take(engine: Engine, holder: str, now: datetime) -> bool:
    with engine.begin() as connection:
        return hold_lease(connection, holder, now, TTL)


def test_only_one_replica_holds_the_lease_until_it_expires_or_is_released(engine: Engine) -> None:
    assert take(engine, "a", MONDAY)
    assert not take(engine, "b", MONDAY + timedelta(seconds=1))
    assert take(engine, "a", MONDAY + timedelta(seconds=60))  # renewed: now valid until +150 s
    assert not take(engine, "b", MONDAY + timedelta(seconds=120))
    assert take(engine, "b", MONDAY + timedelta(seconds=151))  # a stopped renewing: b takes over
    assert not take(engine, "a", MONDAY + timedelta(seconds=152))
    with engine.begin() as connection:
        release_lease(connection, "b", MONDAY + timedelta(seconds=160))
        assert lease_holder(connection, MONDAY + timedelta(seconds=160)) is None
    assert take(engine, "a", MONDAY + timedelta(seconds=161))


def fired_messages(engine: Engine) -> list[dict]:
    with engine.begin() as connection:
        rows = connection.execute(select(outbox.c.msg_id, outbox.c.payload).order_by(outbox.c.id)).all()
        connection.execute(delete(outbox))  # as the relay does once the broker has them
    return [{"msg_id": row.msg_id, **json.loads(row.payload)} for row in rows]


def test_each_period_fires_once_and_missed_periods_are_caught_up_once(engine: Engine) -> None:
    assert fire_due_digests(engine, ALLIANCE, "a", MONDAY, TTL) is not None
    first = fired_messages(engine)
    assert [(m["msg_id"], m["missed_periods"]) for m in first] == [
        ("digest:office:2026-W47", 0),
        ("digest:jn-office:2026-11-22", 0),
        ("digest:liaison:2026-W47", 0),
    ]
    # the same check again, and a check by a second replica, fire nothing more
    assert fire_due_digests(engine, ALLIANCE, "a", MONDAY + timedelta(minutes=1), TTL) == []
    assert fire_due_digests(engine, ALLIANCE, "b", MONDAY + timedelta(minutes=2), TTL) is None
    assert fired_messages(engine) == []

    # down from Monday until Thursday 09:00 local: the daily digest of Thursday fires once, covering Tue and Wed
    thursday = MONDAY + timedelta(days=3, hours=-1)
    fired = fire_due_digests(engine, ALLIANCE, "a", thursday, TTL)
    assert [(m.coordinator_id, m.period, m.missed_periods) for m in fired] == [("jn-office", "2026-11-25", 2)]
    (message,) = fired_messages(engine)
    assert message["since"] == "2026-11-23T00:00:00Z"  # Monday 08:00 local: nothing skipped
    assert fire_due_digests(engine, ALLIANCE, "a", thursday + timedelta(minutes=5), TTL) == []
    with engine.connect() as connection:
        periods = dict(connection.execute(select(scheduler_fired.c.coordinator_id, scheduler_fired.c.period)).all())
    assert periods == {"office": "2026-W47", "jn-office": "2026-11-25", "liaison": "2026-W47"}


def test_a_period_fires_a_minute_after_its_hour_so_late_changes_are_in_it(engine: Engine) -> None:
    fire_due_digests(engine, ALLIANCE, "a", MONDAY, TTL)
    fired_messages(engine)
    tuesday_eight = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
    assert fire_due_digests(engine, ALLIANCE, "a", tuesday_eight + timedelta(seconds=30), TTL) == []
    fired = fire_due_digests(engine, ALLIANCE, "a", tuesday_eight + timedelta(seconds=61), TTL)
    assert [(m.coordinator_id, m.period, m.due_at) for m in fired] == [("jn-office", "2026-11-23", tuesday_eight)]
