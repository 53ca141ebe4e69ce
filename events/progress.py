"""Waiting until the consumers have processed what was published (``publish --wait``)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.errors import ServiceUnavailableError

from .streams import CANONICAL_STREAM, SUBMISSIONS_STREAM, StreamSpec


async def _drained(js, stream: StreamSpec) -> tuple[bool, int]:
    """(every consumer of the stream has nothing pending or unacked, messages still pending)."""
    consumers = await js.consumers_info(stream.name)
    if not consumers:
        return False, -1
    pending = sum(c.num_pending + c.num_ack_pending for c in consumers)
    return pending == 0, pending


async def backlog(js, streams: tuple[StreamSpec, ...] = (SUBMISSIONS_STREAM, CANONICAL_STREAM)) -> int | None:
    """Messages of ``streams`` that some consumer has not processed yet; None while a stream has
    no consumer attached (the services are still starting, so nothing can be said)."""
    total = 0
    for stream in streams:
        _, pending = await _drained(js, stream)
        if pending < 0:
            return None
        total += pending
    return total


async def wait_until_processed(
    js,
    *,
    timeout: float = 300.0,
    on_progress: Callable[[str, int], None] | None = None,
    streams: tuple[StreamSpec, ...] = (SUBMISSIONS_STREAM, CANONICAL_STREAM),
) -> None:
    """Return once every consumer of each stream, in flow order, has acked everything
    stored in it.  Dedup publishes its canonical events before acking a submission, so
    when SUBMISSIONS is drained, CANONICAL already holds everything derived from it."""
    deadline = time.monotonic() + timeout
    for stream in streams:
        while True:
            try:
                done, pending = await _drained(js, stream)
            except (TimeoutError, NatsTimeoutError, NoRespondersError, ServiceUnavailableError):
                done, pending = False, -1  # a cluster electing a leader answers late: ask again
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{stream.name}: the broker did not answer within {timeout:.0f}s") from None
            if on_progress:
                on_progress(stream.name, pending)
            if done:
                break
            if time.monotonic() > deadline:
                what = "no consumer is attached" if pending < 0 else f"{pending} messages still pending"
                raise TimeoutError(f"{stream.name}: {what} after {timeout:.0f}s")
            await asyncio.sleep(0.05)
