"""The outbox relay against a real nats-server and SQLite: the rows of every consumer of the
service are published, in the order they were committed, not only those written under its name;
a failed publish keeps them for the next flush."""

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


def commit(engine, consumer: str, ids: range) -> None:
    """A batch of ``consumer`` writing events ``e<i>`` to the outbox."""
    with engine.begin() as connection:
        uow = UnitOfWork(connection, consumer)
        for i in ids:
            uow.publish(canonical_subject("created"), f"e{i}", f'{{"n": {i}}}'.encode(), at=datetime.now(UTC))
        uow.flush_outbox()


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
        commit(engine, SERVICE, range(5, 6))
        assert await relay.flush() == 6
        assert await published(js) == [f"e{i}" for i in range(6)]
        assert left(engine) == 0
    finally:
        await connection.close()


async def test_after_a_failed_publish_what_was_left_goes_first(nats_server, engine) -> None:
    connection = await nats.connect(nats_server.url)
    try:
        js = connection.jetstream()
        await ensure_streams(js)
        closed = await nats.connect(nats_server.url)
        await closed.close()
        relay = OutboxRelay(SERVICE, engine, Publisher(closed.jetstream()), consumers=[SERVICE])  # broker away
        commit(engine, SERVICE, range(0, 2))
        with pytest.raises(Exception):  # noqa: B017 - whatever a closed connection raises
            await relay.flush()
        assert left(engine) == 2  # kept

        relay.publisher = Publisher(js)  # back: the next batch's rows after the ones left
        commit(engine, SERVICE, range(2, 4))
        assert await relay.flush() == 4
        assert await published(js) == ["e0", "e1", "e2", "e3"]
        assert left(engine) == 0
    finally:
        await connection.close()
