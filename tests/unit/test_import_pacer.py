"""The import pacer (events/progress.py): a bulk import goes at the consumers' pace, so a post made
meanwhile waits behind a moment of it — a short moment while others post, a longer one (at the
consumers' full speed) once nobody else has for a while.  Pure logic over a broker stand-in that
drains at a rate."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from shuxiang.events.progress import ImportPacer, Window
from shuxiang.events.streams import CANONICAL_STREAM, SUBMISSIONS_STREAM

SHARED = Window(seconds=0.3, floor=400, step=100, most=2000)
ALONE = Window(seconds=0.3, floor=1200, step=300, most=2000)


class DrainingBroker:
    """SUBMISSIONS and CANONICAL with consumers that process ``rate`` messages a second: what is
    pending waits in SUBMISSIONS, ``canonical_behind`` more in CANONICAL."""

    def __init__(
        self, rate: float, attached: bool = True, canonical_behind: int = 0, last_post_ago: float | None = 0.0
    ) -> None:
        """``last_post_ago``: seconds since the last message went into SUBMISSIONS before the
        import (None: the stream holds none)."""
        self.rate = rate
        self.attached = attached
        self.canonical_behind = canonical_behind
        self.pending = 0.0
        self.at = time.monotonic()
        self.most_behind = 0
        self.last_seq = 0 if last_post_ago is None else 41
        self.last_at = None if last_post_ago is None else datetime.now(UTC) - timedelta(seconds=last_post_ago)
        self.asked = 0
        self.idle = 0.0
        """Seconds the consumers had nothing to do after draining what they had been given."""

    def publish(self, count: int) -> None:
        self._drain()
        self.pending += count
        self.last_seq += count
        self.last_at = datetime.now(UTC)
        self.most_behind = max(self.most_behind, int(self.pending) + self.canonical_behind)

    def _drain(self) -> None:
        now = time.monotonic()
        left = self.pending - self.rate * (now - self.at)
        if self.pending > 0:  # it had work, and ran out of it before now
            self.idle += max(0.0, -left) / self.rate
        self.pending = max(0.0, left)
        self.at = now

    async def consumers_info(self, stream: str):
        if not self.attached:
            return []
        self.asked += 1
        self._drain()
        behind = {SUBMISSIONS_STREAM.name: int(self.pending), CANONICAL_STREAM.name: self.canonical_behind}[stream]
        return [
            SimpleNamespace(num_pending=behind, num_ack_pending=0),
            SimpleNamespace(num_pending=0, num_ack_pending=0),
        ]

    async def stream_info(self, stream: str):
        assert stream == SUBMISSIONS_STREAM.name
        return SimpleNamespace(state=SimpleNamespace(last_seq=self.last_seq))

    async def get_msg(self, stream: str, seq: int):
        assert (stream, seq) == (SUBMISSIONS_STREAM.name, self.last_seq)
        return SimpleNamespace(seq=seq, time=self.last_at)


async def _import(broker: DrainingBroker, total: int, pacer: ImportPacer, during=None, windows=None) -> None:
    """Publish ``total`` messages as the pacer allows; ``during(sent)`` runs between two parts, and
    ``windows`` gets the window in force for each part."""
    sent, windows = 0, windows if windows is not None else []
    while sent < total:
        part = min(total - sent, await pacer.room())
        windows.append(pacer.window)
        broker.publish(part)
        pacer.published(part)
        sent += part
        if during:
            during(sent)


def test_a_paced_import_keeps_the_consumers_a_moment_behind() -> None:
    broker = DrainingBroker(rate=6000)
    pacer = ImportPacer(broker, shared=SHARED, alone=ALONE)
    asyncio.run(_import(broker, 8000, pacer))
    # never more than the window ahead of the consumers (0.3 s of their rate, at most 2,000)
    assert broker.most_behind <= 2000
    assert pacer.rate > 2000, "the drain rate is learnt as the import goes"
    assert pacer.window > 400


def test_the_pacer_asks_about_the_work_ahead_about_once_a_step_and_the_consumers_never_wait() -> None:
    # alone from the start: 1,200 messages ahead, steps of 300 at 2,000 a second — a step every 0.15 s
    broker = DrainingBroker(rate=2000, last_post_ago=60.0)
    pacer = ImportPacer(broker, shared=SHARED, alone=ALONE)
    pacer.rate = broker.rate
    began = time.monotonic()
    asyncio.run(_import(broker, 6000, pacer))
    steps = (6000 - ALONE.floor) / ALONE.step
    # two questions (SUBMISSIONS, CANONICAL) a poll: polled every 20 ms it asked ≈ 2 × 8 a step
    assert broker.asked <= 2 * 3 * (steps + 1), (broker.asked, steps)
    assert broker.idle == 0.0, "the consumers always had work ahead of them"
    assert time.monotonic() - began < 6000 / 2000 + 0.5


def test_a_slow_consumer_gets_a_short_queue() -> None:
    broker = DrainingBroker(rate=500)
    pacer = ImportPacer(broker, shared=SHARED, alone=ALONE)
    asyncio.run(_import(broker, 1500, pacer))
    assert broker.most_behind <= 400  # the floor: 0.3 s of 500/s is less


def test_what_waits_in_canonical_counts_as_work_ahead() -> None:
    """A post waits behind dedup's queue and then behind the projections': both count."""
    broker = DrainingBroker(rate=500, canonical_behind=250)
    pacer = ImportPacer(broker, shared=SHARED, alone=ALONE)
    asyncio.run(_import(broker, 1500, pacer))
    assert broker.most_behind <= 400  # 250 in CANONICAL leave 150 for SUBMISSIONS


def test_an_import_alone_widens_after_a_quiet_spell_and_narrows_when_someone_posts() -> None:
    broker = DrainingBroker(rate=3000)  # shared: 0.3 s of it is 900, under the wide floor
    pacer = ImportPacer(broker, shared=SHARED, alone=ALONE)
    pacer.QUIET_FOR = 0.5
    posted_after: list[int] = []  # how many parts had gone when the member posted

    def another_member_posts(sent: int) -> None:
        if sent >= 4000 and not posted_after:  # well after the quiet spell: the window is wide by now
            broker.publish(1)  # a form post: in the stream, not from the import
            posted_after.append(len(windows))

    windows: list[int] = []
    asyncio.run(_import(broker, 7000, pacer, during=another_member_posts, windows=windows))
    assert windows[0] < ALONE.floor, "at first: the shared window"
    assert max(windows) >= ALONE.floor, "alone, after a quiet spell: the wide window"
    after_the_post = windows[posted_after[0] :]
    assert any(w < ALONE.floor for w in after_the_post), "then the import narrows again"


def test_an_import_into_a_stream_quiet_for_a_while_is_wide_from_the_start() -> None:
    """Nobody has posted for longer than the quiet spell (or the stream is new): no reason to wait it out again."""
    for last_post_ago in (60.0, None):
        broker = DrainingBroker(rate=3000, last_post_ago=last_post_ago)
        pacer = ImportPacer(broker, shared=SHARED, alone=ALONE)
        windows: list[int] = []
        asyncio.run(_import(broker, 3000, pacer, windows=windows))
        assert windows[0] >= ALONE.floor, f"last post {last_post_ago} s ago: wide at once"
    broker = DrainingBroker(rate=3000, last_post_ago=2.0)  # someone posted 2 s ago
    pacer = ImportPacer(broker, shared=SHARED, alone=ALONE)
    windows = []
    asyncio.run(_import(broker, 3000, pacer, windows=windows))
    assert max(windows) < ALONE.floor, "a post a moment ago: the shared window"


def test_no_consumer_attached_no_pacing() -> None:
    broker = DrainingBroker(rate=0, attached=False)
    pacer = ImportPacer(broker, shared=SHARED, alone=ALONE)
    assert asyncio.run(pacer.room()) == 2000
