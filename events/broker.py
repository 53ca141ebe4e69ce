"""Connecting to NATS and running the services' durable pull consumers.

The consume loop is ours, on nats-py, not FastStream's batch subscriber: in
FastStream 0.7.8 that loop catches ``nats.errors.TimeoutError`` while nats-py
raises a plain ``asyncio.TimeoutError`` when a second fetch for a partly filled
batch times out, and the messages already fetched are dropped until their ack
wait expires (a minute of latency).  FastStream still describes the same
consumers for the AsyncAPI document (:func:`describe_consumers`).
"""

from __future__ import annotations

import asyncio
import logging

import nats
from nats.errors import ConnectionClosedError, NoServersError
from nats.js import api
from nats.js.errors import APIError, ServiceUnavailableError
from sqlalchemy import Engine

from .consumer import ConsumerRunner, ConsumerSpec

log = logging.getLogger(__name__)

ACK_WAIT_SECONDS = 10.0
"""After a crash, what the dead process had fetched is redelivered this much later; a
live consumer working on a slow batch extends it with in-progress acks."""
FETCH_WAIT_SECONDS = 1.0
"""A fetch returns as soon as one message is there; this only bounds an idle wait."""


async def connect(url: str | list[str], *, name: str = "shuxiang") -> nats.NATS:
    servers = url if isinstance(url, list) else [u.strip() for u in url.split(",")]
    return await nats.connect(
        servers=servers,
        name=name,
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.5,
        connect_timeout=5,
    )


def consumer_config(spec: ConsumerSpec) -> api.ConsumerConfig:
    return api.ConsumerConfig(
        durable_name=spec.name,
        filter_subject=spec.filter_subject,
        ack_policy=api.AckPolicy.EXPLICIT,
        ack_wait=ACK_WAIT_SECONDS,
        max_ack_pending=4 * spec.batch_size,
        deliver_policy=api.DeliverPolicy.ALL,
        description=spec.description or None,
    )


class PullConsumer:
    """One durable pull consumer (shared by every replica of its service)."""

    def __init__(self, js, spec: ConsumerSpec, engine: Engine, relay=None) -> None:
        self.js = js
        self.spec = spec
        self.runner = ConsumerRunner(spec, engine, relay)
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        subscription = await self.js.pull_subscribe(
            self.spec.filter_subject, durable=self.spec.name, stream=self.spec.stream.name,
            config=consumer_config(self.spec),
        )
        self._task = asyncio.create_task(self._consume(subscription), name=f"consume:{self.spec.name}")

    async def _fetch(self, subscription) -> list:
        """The next batch; empty after an idle wait or while the broker is away."""
        try:
            return await subscription.fetch(batch=self.spec.batch_size, timeout=FETCH_WAIT_SECONDS)
        except (TimeoutError, asyncio.TimeoutError, nats.errors.TimeoutError):
            return []
        except (ConnectionClosedError, NoServersError, ServiceUnavailableError, APIError) as exc:
            log.info("%s: broker unavailable (%r), retrying", self.spec.name, exc)
            await asyncio.sleep(0.5)
            return []

    async def _consume(self, subscription) -> None:
        """Fetch, apply, settle — overlapped: while a batch is applied on the batch thread, the
        next one is fetched and the one before is settled (its outbox published, then its
        messages acked).  Batches are applied and settled in log order, each settled only
        after it is stored."""
        fetching = asyncio.ensure_future(self._fetch(subscription))
        settling: asyncio.Future | None = None
        try:
            while True:
                messages = await fetching
                fetching = asyncio.ensure_future(self._fetch(subscription))
                if not messages:
                    continue
                try:
                    outcomes = await self.runner.apply(messages, waiting=fetching)
                    if settling is not None:
                        await settling
                    settling = None
                    if outcomes is not None:
                        settling = asyncio.ensure_future(self.runner.settle(messages, outcomes))
                except Exception:  # never let one batch end the loop: unacked messages come back after ack_wait
                    log.exception("%s: batch failed, its messages will be redelivered", self.spec.name)
                    await asyncio.sleep(0.5)
        finally:
            fetching.cancel()
            fetched = await asyncio.gather(fetching, return_exceptions=True)
            if isinstance(fetched[0], list):  # fetched but never applied: back to the broker now
                await asyncio.gather(*(m.nak() for m in fetched[0]), return_exceptions=True)
            if settling is not None:
                await asyncio.gather(settling, return_exceptions=True)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
