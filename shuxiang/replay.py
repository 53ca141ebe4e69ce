"""Rebuilding every projection from the SUBMISSIONS log (``shuxiang replay``).

The log is the source of truth.  Replay drops the tables of every rebuildable
service, deletes their durable consumers and the derived streams (CANONICAL and
what follows from it: a new stream also starts a new duplicate window, so the
re-derived events are not mistaken for duplicates), then runs those services
until the log is consumed again.  Handlers use the broker's message times and
deterministic ids, so the same log gives the same state.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from nats.js.errors import NotFoundError
from sqlalchemy import delete

from shuxiang.alliance import Alliance
from shuxiang.db import Databases, metadata
from shuxiang.events.broker import connect, stream_replicas
from shuxiang.events.progress import wait_until_processed
from shuxiang.events.streams import ALL_STREAMS, SUBMISSIONS_STREAM, ensure_streams
from shuxiang.events.tables import EVENT_TABLES, dead_letter, inbox, outbox
from shuxiang.services.plan import ServiceContext, ServicePlan
from shuxiang.settings import Settings

KEPT_STREAMS = {SUBMISSIONS_STREAM.name, "DIGESTS"}
"""Streams replay never touches: the log itself, and digest ticks (emails already sent stay sent)."""


def rebuildable_plans(context: ServiceContext) -> list[ServicePlan]:
    from shuxiang.runtime import SERVICE_BUILDERS

    return [plan for plan in (build(context) for build in SERVICE_BUILDERS.values()) if plan.rebuildable]


def reset_tables(databases: Databases, plans: list[ServicePlan]) -> None:
    """Drop and recreate the services' own tables; forget their inbox, outbox and dead letters."""
    for plan in plans:
        engine = databases.engine(plan.name)
        if databases.database_url is None:
            engine.dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(str(databases.data_dir / "db" / f"{plan.name}.sqlite3") + suffix).unlink(missing_ok=True)
            databases.create_tables(plan.name, plan.tables)
            continue
        own = [t for t in plan.tables if t not in EVENT_TABLES]
        metadata.drop_all(engine, tables=own)
        metadata.create_all(engine, tables=own)
        names = [spec.name for spec in plan.consumers]
        with engine.begin() as connection:
            connection.execute(delete(inbox).where(inbox.c.consumer.in_(names)))
            connection.execute(delete(dead_letter).where(dead_letter.c.consumer.in_(names)))
            connection.execute(delete(outbox).where(outbox.c.producer == plan.name))


async def reset_broker(js, plans: list[ServicePlan], replicas: int) -> None:
    for spec in ALL_STREAMS:
        if spec.name not in KEPT_STREAMS:
            try:
                await js.delete_stream(spec.name)
            except NotFoundError:
                pass
    for plan in plans:
        for consumer in plan.consumers:
            if consumer.stream.name in KEPT_STREAMS:
                try:
                    await js.delete_consumer(consumer.stream.name, consumer.name)
                except NotFoundError:
                    pass
    await ensure_streams(js, replicas=replicas)


class ServicesRunning(RuntimeError):
    """Services still consume the log: a replay would empty the tables under them."""


async def consumers_in_use(js, plans: list[ServicePlan], *, samples: int = 3, interval: float = 0.5) -> list[str]:
    """The durable consumers of ``plans`` that a running service is pulling from (a pull request
    waiting on it, in any of a few looks a moment apart: a busy service may be between two)."""
    used: set[str] = set()
    for look in range(samples):
        for plan in plans:
            for consumer in plan.consumers:
                try:
                    info = await js.consumer_info(consumer.stream.name, consumer.name)
                except NotFoundError:
                    continue
                if info.num_waiting:
                    used.add(consumer.name)
        if used or look == samples - 1:
            break
        await asyncio.sleep(interval)
    return sorted(used)


async def replay(
    settings: Settings,
    alliance: Alliance,
    *,
    timeout: float = 3600,
    on_progress: Callable[[str, int], None] | None = None,
) -> int:
    """Rebuild; returns the number of messages in the log."""
    from shuxiang.runtime import Runtime

    server = None
    if settings.embedded:
        from shuxiang.services.intake.nats_users import embedded_broker

        server = embedded_broker(settings.data_dir, alliance)
        await asyncio.to_thread(server.start)
        settings = settings.model_copy(update={"nats_url": server.url})
    databases = Databases(data_dir=settings.data_dir, database_url=settings.database_url)
    try:
        context = ServiceContext(settings=settings, alliance=alliance, databases=databases)
        plans = rebuildable_plans(context)
        connection = await connect(settings.nats_url)
        try:
            js = connection.jetstream()
            await ensure_streams(js, replicas=stream_replicas(connection, settings.stream_replicas))
            messages = (await js.stream_info(SUBMISSIONS_STREAM.name)).state.messages
            if server is None and (running := await consumers_in_use(js, plans)):
                # embedded: `up` is refused by the CLI first; distributed, the services are asked
                raise ServicesRunning(", ".join(running))
            await reset_broker(js, plans, stream_replicas(connection, settings.stream_replicas))
            await asyncio.to_thread(reset_tables, databases, plans)
            runtime = Runtime(settings=settings, alliance=alliance, services=[p.name for p in plans], web=False)
            await runtime.start()
            try:
                await wait_until_processed(js, timeout=timeout, on_progress=on_progress)
            finally:
                await runtime.stop()
        finally:
            await connection.close()
    finally:
        databases.dispose()
        if server is not None:
            await asyncio.to_thread(server.stop)
    return messages
