"""Publishing to JetStream with message ids, retried until the broker has it."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from nats.errors import MaxPayloadError, NoRespondersError
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.errors import APIError, NoStreamResponseError, ServiceUnavailableError

from .ids import reclaimed, subject_owner
from .streams import stream_of

log = logging.getLogger(__name__)

ATOMIC_BATCH = 512
"""Messages per atomic batch: the broker stores a batch with one write (with
``sync_interval: always``, one fsync instead of one per message)."""

RETRYABLE = (
    NatsTimeoutError,
    NoRespondersError,
    NoStreamResponseError,
    ServiceUnavailableError,
    asyncio.TimeoutError,
    ConnectionError,
)
"""The broker away or JetStream not ready yet (a restart, a cluster electing a leader): try again
with the same message id, which the stream's duplicate window makes harmless."""


class PublishError(RuntimeError):
    pass


WEB_PUBLISH_SECONDS = 10.0
"""How long a post of the form or the API waits at most for the broker's acknowledgement before
it answers 503 (docs/operations.md).  Unbounded, the publisher's eight tries of 5 s each and their
pauses made a post wait 56 s while the broker was down — at the edge of a proxy's 60 s and of a
member's patience.  A cluster electing a new stream leader after a node died takes a few seconds,
so this keeps most of that (a poster upload, a bigger body, waits 15 s)."""


T = TypeVar("T")


class Publisher:
    """Publishes with ``Nats-Msg-Id`` so the stream drops duplicates; a duplicate
    PubAck is success.  Transient failures are retried with the same id."""

    def __init__(
        self,
        js,
        *,
        attempts: int = 8,
        timeout: float = 5.0,
        concurrency: int = 256,
        within: float | None = None,
        reads_streams: bool = True,
    ) -> None:
        self.js = js
        self.reads_streams = reads_streams
        """False for a user that may publish but not read the streams (a library's own NATS user):
        a duplicate is then taken as success without asking the broker for the original, a request
        it would refuse (and answer only by timing out, 5 s a duplicate)."""
        self.attempts = attempts
        self.timeout = timeout
        self.within = within
        """Seconds all the tries of one publish may take together (None: ``attempts`` tries of
        ``timeout``): a web request's bound, :data:`WEB_PUBLISH_SECONDS`."""
        self._slots = asyncio.Semaphore(concurrency)

    async def _until_acknowledged(self, what: str, send: Callable[[], Awaitable[T]]) -> T:
        """``send()`` again (backing off) while the broker is away; ``what`` names the message or
        batch in the error when it never answers."""
        delay = 0.2
        loop = asyncio.get_running_loop()
        deadline = None if self.within is None else loop.time() + self.within
        for attempt in range(1, self.attempts + 1):
            try:
                async with asyncio.timeout_at(deadline):  # not wait_for: see events/broker.py cancel_and_wait
                    return await send()
            except RETRYABLE as exc:
                if attempt == self.attempts or (deadline is not None and loop.time() + delay >= deadline):
                    raise PublishError(f"{what}: broker did not acknowledge after {attempt} tries: {exc!r}") from exc
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
        raise AssertionError("unreachable")

    async def publish(self, subject: str, msg_id: str, payload: bytes) -> int:
        """Publish one message; returns its stream sequence."""

        async def send(msg_id: str = msg_id, reclaim: bool = True) -> int:
            ack = await self.js.publish(subject, payload, timeout=self.timeout, headers={"Nats-Msg-Id": msg_id})
            if ack.duplicate and reclaim and subject_owner(subject) is not None and await self._squatted(ack, subject):
                fresh = reclaimed(msg_id, payload)
                log.warning("%s: message id %s was taken on another subject; publishing as %s", subject, msg_id, fresh)
                return await send(fresh, reclaim=False)
            return ack.seq

        async with self._slots:
            try:
                return await self._until_acknowledged(subject, send)
            except APIError as exc:
                raise PublishError(f"{subject}: refused by the broker: {exc.description or exc}") from exc
            except MaxPayloadError:
                raise PublishError(
                    f"{subject}: {len(payload):,} bytes, more than the broker takes ({self.js._nc.max_payload:,})"
                ) from None  # noqa: SLF001

    async def _squatted(self, ack, subject: str) -> bool:
        """Whether the message the broker kept under our id was published on another subject
        (events/ids.py).  A publisher that may not read the stream (a library's own NATS user)
        cannot tell, and takes the duplicate as success, as before."""
        if not self.reads_streams:
            return False
        try:
            original = await self.js._nc.jsm().get_msg(ack.stream, ack.seq)  # noqa: SLF001
        except Exception as exc:  # noqa: BLE001 - no permission, or the message is gone: cannot tell
            log.debug("cannot check the original of a duplicate (%s #%s): %r", ack.stream, ack.seq, exc)
            return False
        return original.subject != subject

    async def publish_many(self, messages: Sequence[tuple[str, str, bytes]]) -> list[int]:
        """Publish in order; returns each message's stream sequence.

        Consecutive messages of one stream go as atomic batches (JetStream 2.12's
        ``Nats-Batch-Id``): stored all together or not at all, acknowledged once.  A batch the
        broker does not take as a batch — it holds one of its message ids already (a retry
        after a lost acknowledgement), or it refuses a message — is published again message
        by message, where a duplicate is success and a refusal names its subject."""
        sequences: list[int] = []
        for stream, grouped in itertools.groupby(messages, key=lambda message: stream_of(message[0])):
            group = list(grouped)
            for start in range(0, len(group), ATOMIC_BATCH):
                batch = group[start : start + ATOMIC_BATCH]
                stored = await self._publish_atomic(batch) if stream is not None and len(batch) > 1 else None
                if stored is None:
                    stored = await asyncio.gather(*(self.publish(s, i, p) for s, i, p in batch))
                sequences += stored
        return sequences

    async def _publish_atomic(self, batch: Sequence[tuple[str, str, bytes]]) -> list[int] | None:
        """The batch's sequences once the broker stored it as one; None when it did not take it as
        a batch (publish it message by message)."""
        nc = self.js._nc  # noqa: SLF001 - core publishes; nats-py's JetStream API has no batch publish

        async def send():
            batch_id = uuid.uuid4().hex  # a batch cut short by a lost connection is abandoned by the broker
            for number, (subject, msg_id, payload) in enumerate(batch, 1):
                headers = {"Nats-Batch-Id": batch_id, "Nats-Batch-Sequence": str(number), "Nats-Msg-Id": msg_id}
                if number < len(batch):
                    await nc.publish(subject, payload, headers=headers)
                else:
                    headers["Nats-Batch-Commit"] = "1"
                    return await nc.request(subject, payload, timeout=self.timeout, headers=headers)

        try:
            reply = await self._until_acknowledged(f"{batch[-1][0]} (a batch of {len(batch)})", send)
        except MaxPayloadError:
            return None  # never committed: the broker drops the unfinished batch
        try:
            answer = json.loads(reply.data)
        except ValueError:
            return None
        if "error" in answer or answer.get("count") != len(batch) or "seq" not in answer:
            log.debug(
                "batch of %d not taken as one (%s): publishing one by one", len(batch), answer.get("error", answer)
            )
            return None
        return list(range(answer["seq"] - len(batch) + 1, answer["seq"] + 1))
