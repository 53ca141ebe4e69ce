"""The outbox relay: publishes derived events written in a service's transactions."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from sqlalchemy import Engine, delete, select

from .publish import ATOMIC_BATCH, Publisher
from .tables import outbox

log = logging.getLogger(__name__)


class OutboxRelay:
    """Publishes a producer's outbox rows in order, then deletes them.

    Called right after each batch commits (so derived events are in the broker
    before the source message is acked) and by a periodic sweep that picks up
    whatever a crash or a broker outage left behind.  Every row carries its
    Nats-Msg-Id, so publishing a row twice is harmless.
    """

    def __init__(
        self,
        producer: str,
        engine: Engine,
        publisher: Publisher,
        *,
        chunk: int = ATOMIC_BATCH,
        reader: Engine | None = None,
        consumers: Sequence[str] = (),
    ) -> None:
        self.producer = producer
        self.producers = sorted({producer, *consumers})
        """Whose rows it publishes: the service's, and those of its consumers' batches (a unit of
        work writes its rows under its consumer's name)."""
        self.engine = engine
        self.reader = reader or engine
        """Reads go through a reader engine: on SQLite they then never wait for the write lock."""
        self.publisher = publisher
        self.chunk = chunk
        self._lock = asyncio.Lock()

    def _pending(self) -> list[tuple[int, str, str, bytes]]:
        with self.reader.connect() as connection:
            rows = connection.execute(
                select(outbox.c.id, outbox.c.msg_id, outbox.c.subject, outbox.c.payload)
                .where(outbox.c.producer.in_(self.producers))
                .order_by(outbox.c.id)
                .limit(self.chunk)
            )
            return [tuple(row) for row in rows]

    def _delete(self, ids: list[int]) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(outbox).where(outbox.c.id.in_(ids)))

    async def flush(self) -> int:
        """Publish everything pending; returns how many were published."""
        total = 0
        async with self._lock:
            while True:
                rows = await asyncio.to_thread(self._pending)
                if not rows:
                    return total
                await self.publisher.publish_many([(subject, msg_id, payload) for _, msg_id, subject, payload in rows])
                await asyncio.to_thread(self._delete, [row[0] for row in rows])
                total += len(rows)

    async def sweep_forever(self, interval: float = 1.0) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await self.flush()
            except Exception as exc:  # broker or database away: try again next round
                log.warning("outbox %s: publish failed, will retry: %r", self.producer, exc)
