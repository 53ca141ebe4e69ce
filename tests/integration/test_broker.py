"""Publishing in atomic batches and pulling with our own pull requests, on a real nats-server."""

from __future__ import annotations

import asyncio
import json

import nats
import pytest
from nats.js.errors import APIError

from shuxiang.events.broker import PullRequests, consumer_config
from shuxiang.events.consumer import ConsumerSpec
from shuxiang.events.progress import ImportPacer
from shuxiang.events.publish import ATOMIC_BATCH, Publisher, PublishError
from shuxiang.events.streams import SUBMISSIONS_STREAM, SUBMITTED, ensure_streams, submitted_subject
from tests.conftest import submission


def messages(n: int, start: int = 0) -> list[tuple[str, str, bytes]]:
    return [
        (submitted_subject("jn"), f"sub:jn:m{i}:1", json.dumps(submission("jn", f"m{i}")).encode())
        for i in range(start, start + n)
    ]


async def stored(js) -> list[str]:
    """The message ids in SUBMISSIONS, in stream order."""
    subscription = await js.pull_subscribe(f"{SUBMITTED}.*", stream="SUBMISSIONS")
    ids = []
    while True:
        try:
            batch = await subscription.fetch(500, timeout=0.5)
        except (TimeoutError, nats.errors.TimeoutError):
            return ids
        ids += [m.headers["Nats-Msg-Id"] for m in batch]
        for m in batch:
            await m.ack()  # the ephemeral consumer holds at most 1,000 unacknowledged


@pytest.fixture
async def js(nats_server):
    connection = await nats.connect(nats_server.url)
    js = connection.jetstream()
    await ensure_streams(js)
    yield js
    await connection.close()


async def test_publish_many_stores_batches_once_in_order_and_retries_fall_back_to_one_by_one(js, monkeypatch) -> None:
    publisher = Publisher(js)
    one_by_one = []
    original = Publisher.publish

    async def counted(self, subject, msg_id, payload):
        one_by_one.append(msg_id)
        return await original(self, subject, msg_id, payload)

    monkeypatch.setattr(Publisher, "publish", counted)
    first = messages(2 * ATOMIC_BATCH + 10)
    assert await publisher.publish_many(first) == list(range(1, len(first) + 1))
    assert one_by_one == []  # every batch stored as one

    # a retry overlapping what is stored: the batch holding stored ids goes one by one
    again = messages(ATOMIC_BATCH, start=len(first) - 5)
    sequences = await publisher.publish_many(again)
    assert sequences[:5] == list(range(len(first) - 4, len(first) + 1))  # the duplicates' own sequences
    assert sequences[5:] == list(range(len(first) + 1, len(first) + ATOMIC_BATCH - 4))
    assert one_by_one == [msg_id for _, msg_id, _ in again]

    ids = await stored(js)
    expected = [msg_id for _, msg_id, _ in first] + [msg_id for _, msg_id, _ in again[5:]]
    assert ids == expected


async def test_a_refused_message_in_a_batch_names_its_subject_and_the_others_are_stored(js) -> None:
    batch = messages(5)
    too_big = ("shuxiang.activity.submitted.jn", "sub:jn:big:1", b"x" * (5 * 1024 * 1024))
    with pytest.raises(PublishError, match=r"shuxiang\.activity\.submitted\.jn"):
        await Publisher(js, attempts=1).publish_many([*batch[:2], too_big, *batch[2:]])
    assert sorted(await stored(js)) == sorted(msg_id for _, msg_id, _ in batch)


async def pulls_of(js, batch: int = 10, linger: float = 0.0) -> PullRequests:
    spec = ConsumerSpec(
        name="pull-test",
        stream=SUBMISSIONS_STREAM,
        filter_subject=f"{SUBMITTED}.*",
        handle=lambda delivery, uow: None,
        batch_size=batch,
    )
    await js.add_consumer(SUBMISSIONS_STREAM.name, consumer_config(spec))
    pulls = PullRequests(js._nc, SUBMISSIONS_STREAM.name, spec.name, batch, linger=linger)
    await pulls.start()
    return pulls


async def test_pull_requests_take_what_is_there_wait_for_more_and_give_back_the_rest(js) -> None:
    await Publisher(js).publish_many(messages(25))
    pulls = await pulls_of(js, batch=10)
    taken = []
    for _ in range(3):
        taken += [m.headers["Nats-Msg-Id"] for m in await pulls.fetch(5.0)]
    assert taken == [f"sub:jn:m{i}:1" for i in range(25)]  # 10, 10, then the 5 left

    assert await pulls.fetch(0.3) == []  # nothing there: empty after the wait

    # a message published during a long wait comes at once, not when the wait (or batch) is over
    waiting = asyncio.ensure_future(pulls.fetch(60.0))
    await asyncio.sleep(0.3)
    await Publisher(js).publish_many(messages(1, start=100))
    arrived = await asyncio.wait_for(waiting, 20)
    assert [m.headers["Nats-Msg-Id"] for m in arrived] == ["sub:jn:m100:1"]
    await arrived[0].ack()
    assert await pulls.stop() == []


async def test_a_part_of_a_batch_waits_a_moment_for_the_rest(js) -> None:
    await Publisher(js).publish_many(messages(4))
    pulls = await pulls_of(js, batch=10, linger=3.0)
    fetching = asyncio.ensure_future(pulls.fetch(5.0))
    await asyncio.sleep(0.5)  # the four there are taken; the rest of the batch is waited for …
    await Publisher(js).publish_many(messages(6, start=4))
    taken = await asyncio.wait_for(fetching, 10)
    assert [m.headers["Nats-Msg-Id"] for m in taken] == [f"sub:jn:m{i}:1" for i in range(10)]  # … and comes in it
    await pulls.stop()


async def test_a_refused_pull_request_is_an_error(js) -> None:
    pulls = await pulls_of(js)
    await js.delete_consumer(SUBMISSIONS_STREAM.name, "pull-test")
    with pytest.raises(APIError):
        for _ in range(3):  # the first request may end before the deletion is everywhere
            await pulls.fetch(0.5)
    await pulls.stop()


async def test_the_import_pacer_reads_how_long_the_stream_has_been_quiet(js) -> None:
    """An import widens at once only when nobody has posted for the quiet spell: the broker's own
    time of SUBMISSIONS' last message says so (a new stream has been quiet all along)."""
    pacer = ImportPacer(js)

    async def quiet() -> bool:
        return await pacer._quiet_already(await pacer._stream_last_seq())  # noqa: SLF001

    assert await quiet()  # nothing in the stream yet
    await Publisher(js).publish_many(messages(3))
    assert not await quiet()  # a post a moment ago
    pacer.QUIET_FOR = 0.3
    await asyncio.sleep(0.5)
    assert await quiet()


async def test_a_lost_broker_is_said_once_and_its_return_once_without_tracebacks(nats_server, caplog) -> None:
    """`shuxiang publish` printed nats-py's "encountered error" with a traceback for every reconnect
    attempt while a node was away (docs/operations.md: one line when lost, one when back)."""
    import logging

    from shuxiang.events.broker import ConnectionReport, connect

    report = ConnectionReport("publish")
    with caplog.at_level(logging.DEBUG):
        connection = await connect(nats_server.url, name="publish", wait=10, report=report)
        try:
            publisher = Publisher(connection.jetstream())
            await ensure_streams(connection.jetstream())
            await asyncio.to_thread(nats_server.kill)
            await asyncio.sleep(2.5)  # a few reconnect attempts, each refused
            await asyncio.to_thread(nats_server.start)
            assert await publisher.publish(*messages(1)[0]) == 1  # published through the reconnected connection
        finally:
            await connection.close()
    said = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage().split(": ", 1)[1] for r in said] == [
        "与消息服务器断开，正在重连 / lost the broker, reconnecting",
        "已重新连接消息服务器 / reconnected to the broker",
    ], [r.getMessage() for r in said]
    assert not any(r.exc_info for r in caplog.records)


async def test_a_consumer_says_an_outage_once_and_its_end_once(caplog, monkeypatch) -> None:
    """While a cluster elected leaders every consumer logged "broker unavailable (APIError()),
    retrying" every 0.5 s (a service logged 83 such lines)."""
    import logging

    from shuxiang.events import broker
    from shuxiang.events.broker import PullConsumer

    monkeypatch.setattr(broker, "RETRY_SECONDS", 0.0)

    class Electing:
        refusals = 20

        async def fetch(self, wait: float) -> list:
            if self.refusals:
                self.refusals -= 1
                raise APIError(description="no leader")
            return []

    spec = ConsumerSpec(
        name="calendar-canonical",
        stream=SUBMISSIONS_STREAM,
        filter_subject=f"{SUBMITTED}.*",
        handle=lambda delivery, uow: None,
    )
    consumer = PullConsumer(None, spec, engine=None)  # type: ignore[arg-type]
    pulls = Electing()
    with caplog.at_level(logging.INFO):
        for _ in range(25):
            await consumer._fetch(pulls)  # noqa: SLF001 - the retry step of the consume loop
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert len(lines) == 2, lines
    assert "broker unavailable" in lines[0] and "consuming again" in lines[1]
