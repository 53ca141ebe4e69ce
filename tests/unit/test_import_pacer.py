"""The import pacer (events/progress.py): a bulk import goes at the consumers' pace, so a post made
meanwhile waits behind a moment of it.  Pure logic over a broker stand-in that drains at a rate."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

from shuxiang.events.progress import ImportPacer


class DrainingBroker:
    """Consumers of SUBMISSIONS and CANONICAL that process ``rate`` messages a second."""

    def __init__(self, rate: float, attached: bool = True) -> None:
        self.rate = rate
        self.attached = attached
        self.pending = 0.0
        self.at = time.monotonic()
        self.most_behind = 0

    def publish(self, count: int) -> None:
        self._drain()
        self.pending += count
        self.most_behind = max(self.most_behind, int(self.pending))

    def _drain(self) -> None:
        now = time.monotonic()
        self.pending = max(0.0, self.pending - self.rate * (now - self.at))
        self.at = now

    async def consumers_info(self, stream: str):
        if not self.attached:
            return []
        self._drain()
        return [SimpleNamespace(num_pending=int(self.pending), num_ack_pending=0)]


async def _import(broker: DrainingBroker, total: int, pacer: ImportPacer) -> None:
    sent = 0
    while sent < total:
        part = min(total - sent, await pacer.room())
        broker.publish(part)
        pacer.published(part)
        sent += part


def test_a_paced_import_keeps_the_consumers_a_moment_behind() -> None:
    broker = DrainingBroker(rate=6000)
    pacer = ImportPacer(broker, seconds=0.3, floor=400, step=100, most=2000)
    asyncio.run(_import(broker, 8000, pacer))
    # never more than the window ahead of the consumers (0.3 s of their rate, at most 2,000)
    assert broker.most_behind <= 2000
    assert pacer.rate > 2000, "the drain rate is learnt as the import goes"
    assert pacer.window > 400


def test_a_slow_consumer_gets_a_short_queue() -> None:
    broker = DrainingBroker(rate=500)
    pacer = ImportPacer(broker, seconds=0.3, floor=400, step=100, most=2000)
    asyncio.run(_import(broker, 1500, pacer))
    assert broker.most_behind <= 400  # the floor: 0.3 s of 500/s is less


def test_no_consumer_attached_no_pacing() -> None:
    broker = DrainingBroker(rate=0, attached=False)
    pacer = ImportPacer(broker, seconds=0.3, floor=400, step=100, most=2000)
    assert asyncio.run(pacer.room()) == 2000
