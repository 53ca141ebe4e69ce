"""Publishing to JetStream with message ids, retried until the broker has it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from nats.errors import NoRespondersError, TimeoutError as NatsTimeoutError
from nats.js.errors import APIError, NoStreamResponseError, ServiceUnavailableError

log = logging.getLogger(__name__)

RETRYABLE = (NatsTimeoutError, NoRespondersError, NoStreamResponseError, ServiceUnavailableError,
             asyncio.TimeoutError, ConnectionError)
"""The broker away or JetStream not ready yet (a restart, a cluster electing a leader): try again
with the same message id, which the stream's duplicate window makes harmless."""


class PublishError(RuntimeError):
    pass


class Publisher:
    """Publishes with ``Nats-Msg-Id`` so the stream drops duplicates; a duplicate
    PubAck is success.  Transient failures are retried with the same id."""

    def __init__(self, js, *, attempts: int = 8, timeout: float = 5.0, concurrency: int = 256) -> None:
        self.js = js
        self.attempts = attempts
        self.timeout = timeout
        self._slots = asyncio.Semaphore(concurrency)

    async def publish(self, subject: str, msg_id: str, payload: bytes) -> int:
        """Publish one message; returns its stream sequence."""
        delay = 0.2
        async with self._slots:
            for attempt in range(1, self.attempts + 1):
                try:
                    ack = await self.js.publish(subject, payload, timeout=self.timeout,
                                                headers={"Nats-Msg-Id": msg_id})
                    return ack.seq
                except RETRYABLE as exc:
                    if attempt == self.attempts:
                        raise PublishError(f"{subject}: broker did not acknowledge after {attempt} tries: {exc!r}") from exc
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 5.0)
                except APIError as exc:
                    raise PublishError(f"{subject}: refused by the broker: {exc.description or exc}") from exc
        raise AssertionError("unreachable")

    async def publish_many(self, messages: Sequence[tuple[str, str, bytes]]) -> list[int]:
        """Publish concurrently (the broker fsyncs each; pipelining hides it)."""
        return list(await asyncio.gather(*(self.publish(s, i, p) for s, i, p in messages)))
