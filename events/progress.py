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


async def lag(js, streams: tuple[StreamSpec, ...] = (SUBMISSIONS_STREAM, CANONICAL_STREAM)) -> int | None:
    """Messages the furthest-behind consumer of ``streams`` has still to process (pending and
    unacked); None while a stream has no consumer attached."""
    furthest = 0
    for stream in streams:
        consumers = await js.consumers_info(stream.name)
        if not consumers:
            return None
        furthest = max(furthest, *(c.num_pending + c.num_ack_pending for c in consumers))
    return furthest


class ImportPacer:
    """Paces a bulk import by the consumers' lag, so that a post made meanwhile (the form, the API:
    one total log order, behind whatever is already in it) waits behind about :attr:`seconds` of
    work, not behind the rest of the import.

    The window is what the slowest consumer of SUBMISSIONS and CANONICAL processes in
    :attr:`seconds` (its drain rate, measured as the import goes), and never less than
    :attr:`floor`, four of dedup's batches of 512: a consumer holds the batch it applies, the one
    fetched behind it and the one being acknowledged, and must find a full batch when it fetches
    (with a floor of 1,024 an import of 10,000 lines took twice as long as unpaced, the same at
    2,048).  :meth:`room` says how many messages may go now: the window less the lag,
    in steps of at least :attr:`step`."""

    MEASURED_OVER = 0.2
    """Seconds over which the drain rate is measured."""

    def __init__(self, js, *, seconds: float = 0.5, floor: int = 2048, step: int = 512, most: int = 4096) -> None:
        self.js = js
        self.seconds = seconds
        self.floor, self.step, self.most = floor, step, most
        self.rate = floor / seconds
        """Messages the slowest consumer processes a second (an estimate, refined as it drains)."""
        self._last: tuple[float, int] | None = None
        self._published_since = 0

    def published(self, count: int) -> None:
        self._published_since += count

    @property
    def window(self) -> int:
        """Messages the consumers may have still to process when a post arrives."""
        return min(self.most, max(self.floor, int(self.rate * self.seconds)))

    async def room(self) -> int:
        """Messages that may be published now (waits, polling, until it is at least :attr:`step`)."""
        while True:
            try:
                behind = await lag(self.js)
            except Exception:  # noqa: BLE001 - a user that may not read consumers (a library's own): no pacing
                return self.most
            if behind is None:
                return self.most  # no consumer attached yet: nobody to be unfair to
            now = time.monotonic()
            if self._last is None:
                self._last, self._published_since = (now, behind), 0
            elif now - self._last[0] >= self.MEASURED_OVER:  # a shorter span is mostly noise
                drained = self._last[1] + self._published_since - behind
                if drained > 0:
                    self.rate = 0.5 * self.rate + 0.5 * drained / (now - self._last[0])
                self._last, self._published_since = (now, behind), 0
            allowed = self.window - behind
            if allowed >= self.step:
                return allowed
            await asyncio.sleep(0.02)


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
