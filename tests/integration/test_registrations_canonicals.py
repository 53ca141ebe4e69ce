"""The registrations' projection of canonical activities takes a batch in few statements: an
activity arriving here has no places yet (sign-ups for it wait parked), so it costs its row and
nothing more — the batch's new rows inserted together — and the parked messages are looked up
for the whole batch at once (each statement is a round trip on PostgreSQL, where this projection
took a tenth of the pipeline's batch time)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from shuxiang.db import Databases
from shuxiang.events.consumer import Delivery, UnitOfWork
from shuxiang.services.registrations.handlers import RegistrationsContext, handle_canonicals
from shuxiang.services.registrations.keys import KeyStore
from shuxiang.services.registrations.tables import NAME, TABLES, registrations_activity

from .test_registrations_concurrency import canonical


def delivery(index: int, seq: int, version: int = 1, capacity: int | None = 30) -> Delivery:
    """A canonical event of activity ``index`` as the consumer receives it."""
    event = canonical(f"0193a1b2-c3d4-8e5f-8a6b-{index:012d}", capacity, version)  # type: ignore[arg-type]
    return Delivery(
        subject=f"shuxiang.canonical.{event.type.value}",
        data=event.model_dump_json().encode(),
        headers={},
        stream_seq=seq,
        timestamp=datetime.now(UTC),
    )


def test_a_batch_of_arriving_activities_costs_three_statements(tmp_path) -> None:
    databases = Databases(data_dir=tmp_path)
    databases.create_tables(NAME, TABLES)
    engine = databases.engine(NAME)
    here = RegistrationsContext(tz=ZoneInfo("Asia/Shanghai"), keys=KeyStore.of(databases))
    batch = [delivery(i, seq=i + 1) for i in range(40)]
    batch += [delivery(100, seq=41, capacity=None)]  # takes no sign-ups: not kept
    batch += [delivery(3, seq=42, version=2, capacity=12)]  # one of the batch, revised within it
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with engine.begin() as connection:
        handle_canonicals(here, batch, UnitOfWork(connection, "registrations-canonical"))
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 1  # every arrival's row in one executemany, the one revised within the batch as revised
    # the batch's lookups (kept versions, parked messages) and the rows: not a statement or four per arrival
    assert len([s for s in statements if s != "BEGIN IMMEDIATE"]) == 3, statements
    with engine.connect() as connection:
        kept = dict(
            connection.execute(sa.select(registrations_activity.c.activity_id, registrations_activity.c.capacity)).all()
        )
    assert len(kept) == 40 and kept["0193a1b2-c3d4-8e5f-8a6b-000000000003"] == 12
