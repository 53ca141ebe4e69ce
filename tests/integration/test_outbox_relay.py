"""The outbox relay against a real nats-server and SQLite: what a batch committed is published in
order — from memory right after the batch, from the table after a failure or a restart — and the
rows of every consumer of the service are published, not only those written under its name."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import nats
import pytest
from sqlalchemy import func, select

from shuxiang.db import Databases
from shuxiang.events.consumer import UnitOfWork
from shuxiang.events.outbox import OutboxRelay
from shuxiang.events.publish import Publisher
from shuxiang.events.streams import CANONICAL_STREAM, canonical_subject, ensure_streams
from shuxiang.events.tables import EVENT_TABLES, outbox

SERVICE = "quotas"


def commit(engine, consumer: str, ids: range) -> list[dict]:
    """A batch of ``consumer`` writing events ``e<i>`` to the outbox; the rows it committed."""
    with engine.begin() as connection:
        uow = UnitOfWork(connection, consumer)
        for i in ids:
            uow.publish(canonical_subject("created"), f"e{i}", f'{{"n": {i}}}'.encode(), at=datetime.now(UTC))
        uow.flush_outbox()
    return uow.written


async def published(js) -> list[str]:
    count = (await js.stream_info(CANONICAL_STREAM.name)).state.messages
    return [(await js.get_msg(CANONICAL_STREAM.name, seq)).headers["Nats-Msg-Id"] for seq in range(1, count + 1)]


def left(engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(outbox))


@pytest.fixture
def engine(tmp_path: Path):
    databases = Databases(data_dir=tmp_path)
    databases.create_tables(SERVICE, EVENT_TABLES)
    yield databases.engine(SERVICE)
    databases.dispose()


async def test_a_services_relay_publishes_the_rows_of_each_of_its_consumers_in_order(nats_server, engine) -> None:
    connection = await nats.connect(nats_server.url)
    try:
        js = connection.jetstream()
        await ensure_streams(js)
        relay = OutboxRelay(SERVICE, engine, Publisher(js), consumers=[SERVICE, "quotas_reports"])
        commit(engine, SERVICE, range(0, 3))
        commit(engine, "quotas_reports", range(3, 5))  # a unit of work writes under its consumer's name
        assert await relay.flush() == 5  # at start: from the table
        assert await published(js) == [f"e{i}" for i in range(5)]
        assert left(engine) == 0

        # after batches: the rows they committed, as they are and in the order they committed
        # (two consumers of the service), then deleted
        relay.committed(commit(engine, "quotas_reports", range(5, 7)))
        relay.committed(commit(engine, SERVICE, range(7, 8)))
        assert await relay.flush(handed=True) == 3
        assert await published(js) == [f"e{i}" for i in range(8)]
        assert left(engine) == 0

        # rows written outside a batch (a scheduler's unit of work, another replica): the sweep
        commit(engine, SERVICE, range(8, 9))
        assert await relay.flush(handed=True) == 0  # nothing handed over
        assert await relay.flush() == 1
        assert await published(js) == [f"e{i}" for i in range(9)]
    finally:
        await connection.close()


async def test_after_a_failed_publish_what_was_left_goes_first(nats_server, engine) -> None:
    connection = await nats.connect(nats_server.url)
    try:
        js = connection.jetstream()
        await ensure_streams(js)
        relay = OutboxRelay(SERVICE, engine, Publisher(js), consumers=[SERVICE])
        assert await relay.flush() == 0

        closed = await nats.connect(nats_server.url)
        await closed.close()
        relay.publisher = Publisher(closed.jetstream())  # the broker away for this batch
        relay.committed(commit(engine, SERVICE, range(0, 2)))
        with pytest.raises(Exception):  # noqa: B017 - whatever a closed connection raises
            await relay.flush(handed=True)
        assert left(engine) == 2  # kept

        relay.publisher = Publisher(js)  # back: the next batch's rows wait for the ones left
        relay.committed(commit(engine, SERVICE, range(2, 4)))
        assert await relay.flush(handed=True) == 4
        assert await published(js) == ["e0", "e1", "e2", "e3"]
        assert left(engine) == 0
        relay.committed(commit(engine, SERVICE, range(4, 5)))
        assert await relay.flush(handed=True) == 1  # and from memory again
        assert await published(js) == ["e0", "e1", "e2", "e3", "e4"]
    finally:
        await connection.close()
