"""Waiting until the consumers have processed what was published (``publish --wait``)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

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


async def work_ahead(js) -> int | None:
    """Messages a post published now waits behind: what the furthest-behind consumer of SUBMISSIONS
    has still to process, plus what the furthest-behind consumer of CANONICAL has (the post's
    canonical event queues there after dedup); None while a stream has no consumer attached."""
    ahead = 0
    for stream in (SUBMISSIONS_STREAM, CANONICAL_STREAM):
        consumers = await js.consumers_info(stream.name)
        if not consumers:
            return None
        ahead += max(c.num_pending + c.num_ack_pending for c in consumers)
    return ahead


@dataclass(frozen=True)
class Window:
    """How much of an import may be ahead of a post: what the consumers get through in
    ``seconds`` at their measured rate, never less than ``floor`` nor more than ``most``,
    published in steps of at least ``step``."""

    seconds: float
    floor: int
    step: int
    most: int = 4096


SHARED = Window(seconds=0.2, floor=192, step=32)
"""While other members post: a post waits behind about 0.2 s of the import (the consumers take
whatever is there, so their batches shrink to it).  Measured at 30,000 lines with posts every
0.5 s (bench/freshness.py): p50 0.42 s, p99 0.93 s from post to feed against 5.84 / 7.69 s with
the wide window; the import ran 27 % slower (283 against 386 lines/s).  At 100,000 lines: p50 0.43 s,
p99 0.92–0.94 s, the import 256 lines/s against 508/s alone — the price of fairness."""
ALONE = Window(seconds=0.5, floor=3072, step=512, most=6144)
"""While nobody else posts: dedup's queue and the projections' together, about what each had on
its own before (four of dedup's batches of 512, so every consumer finds a full batch when it
fetches; with a floor of 1,024 an import of 10,000 lines alone took twice as long as unpaced).
30,000 lines alone: 604 lines/s against 681/s unpaced (the first 10 s shared included); 100,000:
508/s against 487/s.  An import into a stream quiet for 10 s already starts in this window."""


class ImportPacer:
    """Paces a bulk import by the work ahead of the consumers, so that a post made meanwhile (the
    form, the API: one total log order, behind whatever is already in it) waits behind a moment of
    the import, not behind the rest of it.

    The import starts in the :data:`SHARED` window and widens to :data:`ALONE` once SUBMISSIONS
    has had no message but its own for :attr:`QUIET_FOR` seconds — at once when its last message
    before the import is that old already (or it holds none); a message from anyone else (the
    stream grew by more than the import put in) narrows it again.  :meth:`room` says how many
    messages may go now: the window less the work ahead, in steps of at least the window's step."""

    MEASURED_OVER = 0.2
    """Seconds over which the drain rate and the others' posts are measured."""
    QUIET_FOR = 10.0
    """Seconds without anyone else's message before the import takes the wide window."""

    def __init__(self, js, *, shared: Window = SHARED, alone: Window = ALONE) -> None:
        self.js = js
        self.shared, self.alone = shared, alone
        self.rate = shared.floor / shared.seconds
        """Messages the consumers take through both streams a second (an estimate, refined as they drain)."""
        self.others_last_seen = time.monotonic()
        """When a message not from this import was last seen going into SUBMISSIONS (at start: now)."""
        self._last: tuple[float, int, int | None] | None = None
        self._published_since = 0

    def published(self, count: int) -> None:
        self._published_since += count

    @property
    def current(self) -> Window:
        """The window in force: shared while others post (and at first), alone after a quiet spell."""
        quiet = time.monotonic() - self.others_last_seen >= self.QUIET_FOR
        return self.alone if quiet else self.shared

    @property
    def window(self) -> int:
        """Messages the consumers may have still to process when a post arrives."""
        window = self.current
        return min(window.most, max(window.floor, int(self.rate * window.seconds)))

    async def _stream_last_seq(self) -> int | None:
        try:
            return (await self.js.stream_info(SUBMISSIONS_STREAM.name)).state.last_seq
        except Exception:  # noqa: BLE001 - a user that may not read the stream: taken as shared
            return None

    async def _quiet_already(self, last_seq: int | None) -> bool:
        """Whether SUBMISSIONS' last message (``last_seq``: :meth:`_stream_last_seq`, None when not
        known) went in :attr:`QUIET_FOR` seconds ago or more (by the broker's clock against ours),
        or it holds none: nobody has posted for a while."""
        if last_seq is None:
            return False
        if not last_seq:
            return True
        try:
            last = await self.js.get_msg(SUBMISSIONS_STREAM.name, seq=last_seq)
        except Exception:  # noqa: BLE001 - a user that may not read the stream, a message gone: not known
            return False
        return last.time is not None and (datetime.now(UTC) - last.time).total_seconds() >= self.QUIET_FOR

    async def room(self) -> int:
        """Messages that may be published now (waits, polling, until it is at least the step)."""
        while True:
            try:
                behind = await work_ahead(self.js)
            except Exception:  # noqa: BLE001 - a user that may not read consumers (a library's own): no pacing
                return self.shared.most
            if behind is None:
                return self.shared.most  # no consumer attached yet: nobody to be unfair to
            now = time.monotonic()
            if self._last is None:
                seq = await self._stream_last_seq()
                if await self._quiet_already(seq):  # nobody posted for a while before the import either
                    self.others_last_seen = now - self.QUIET_FOR
                self._last, self._published_since = (now, behind, seq), 0
            elif now - self._last[0] >= self.MEASURED_OVER:  # a shorter span is mostly noise
                then, behind_then, seq_then = self._last
                drained = behind_then + self._published_since - behind
                if drained > 0:
                    self.rate = 0.5 * self.rate + 0.5 * drained / (now - then)
                seq = await self._stream_last_seq()
                if seq is None or seq_then is None or seq - seq_then > self._published_since:
                    self.others_last_seen = now
                self._last, self._published_since = (now, behind, seq), 0
            allowed = self.window - behind
            if allowed >= self.current.step:
                return allowed
            await asyncio.sleep(self.pause(allowed))

    def pause(self, allowed: int) -> float:
        """Seconds until the consumers have probably drained what the next step needs (``allowed``:
        the room there is now, less than a step) at their measured rate: the work ahead is asked
        about once a step, not every :data:`POLL_LEAST` (each answer lists every consumer of both
        streams: asked every 20 ms, it was a fifth of the importer's CPU and 6–20 % of nats-server's
        in a 20,000-line import).  Never longer than half the window's seconds, so the consumers
        still have work when it ends."""
        window = self.current
        return min(window.seconds / 2, max(POLL_LEAST, (window.step - allowed) / self.rate))


POLL_LEAST = 0.02
"""The shortest pause of :meth:`ImportPacer.room` before it asks about the work ahead again."""


POLL_SECONDS = 0.05
"""How often :func:`wait_until_processed` asks the broker near the end of the work."""
POLL_SECONDS_BUSY = 0.5
"""How often it asks while much is pending (the consumers' info is ≈ 1 % of a process's time at 20 a
second, in the process waiting and in nats-server)."""
BUSY_PENDING = 2_000
"""Messages pending from which it asks at :data:`POLL_SECONDS_BUSY`: at least a second of work ahead."""


def poll_interval(pending: int) -> float:
    """Seconds to wait before asking again with ``pending`` messages left (-1: unknown yet)."""
    return POLL_SECONDS_BUSY if pending >= BUSY_PENDING else POLL_SECONDS


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
            await asyncio.sleep(poll_interval(pending))
