"""Publishing in atomic batches, on a real nats-server."""

from __future__ import annotations

import json

import nats
import pytest

from shuxiang.events.publish import ATOMIC_BATCH, Publisher, PublishError
from shuxiang.events.streams import SUBMITTED, ensure_streams, submitted_subject
from tests.conftest import submission


def messages(n: int, start: int = 0) -> list[tuple[str, str, bytes]]:
    return [(submitted_subject("jn"), f"sub:jn:m{i}:1", json.dumps(submission("jn", f"m{i}")).encode())
            for i in range(start, start + n)]


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
