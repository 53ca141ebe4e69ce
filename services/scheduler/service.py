"""The scheduler service: APScheduler checks which digests are due and fires them through the outbox.

Every replica runs the check (on start, then every CHECK_SECONDS); only the holder of
the database lease fires.  Firing a period and remembering it as fired is one
transaction with the outbox row of its message, so a crash never loses or repeats one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from datetime import UTC, datetime, timedelta
from functools import partial

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from shuxiang.alliance import Alliance
from shuxiang.events.consumer import UnitOfWork
from shuxiang.events.streams import DIGEST_DUE
from shuxiang.events.tables import EVENT_TABLES
from shuxiang.services.plan import ServiceContext, ServicePlan

from .lease import hold_lease, release_lease
from .messages import DigestDue
from .periods import due_now
from .tables import TABLES, scheduler_fired

log = logging.getLogger(__name__)

NAME = "scheduler"
CHECK_SECONDS = 30
LEASE_TTL = timedelta(seconds=3 * CHECK_SECONDS)
"""The holder renews on every check; a replica takes over after three missed checks."""
SETTLE = timedelta(seconds=60)
"""A period fires this long after its scheduled instant, so that changes published just before
it have reached the digests' projection when the digest is rendered."""


def fire_due_digests(engine: Engine, alliance: Alliance, holder: str, now: datetime,
                     ttl: timedelta = LEASE_TTL) -> list[DigestDue] | None:
    """Fire every coordinator's due period; None when another replica holds the lease."""
    try:
        with engine.begin() as connection:
            if not hold_lease(connection, holder, now, ttl):
                return None
            last = {row.coordinator_id: row.due_at for row in connection.execute(select(scheduler_fired))}
            uow = UnitOfWork(connection, NAME)
            fired = []
            for coordinator in alliance.coordinators:
                due = due_now(coordinator.schedule, alliance.tz, now - SETTLE, last.get(coordinator.id))
                if due is None:
                    continue
                message = DigestDue(coordinator_id=coordinator.id, period=due.period.key, due_at=due.period.due_at,
                                    since=due.since, missed_periods=due.missed)
                values = {"period": message.period, "due_at": message.due_at,
                          "missed_periods": message.missed_periods, "fired_at": now}
                if coordinator.id in last:
                    connection.execute(update(scheduler_fired)
                                       .where(scheduler_fired.c.coordinator_id == coordinator.id).values(**values))
                else:
                    connection.execute(insert(scheduler_fired).values(coordinator_id=coordinator.id, **values))
                uow.publish(DIGEST_DUE, message.message_id(), message.model_dump_json().encode(), at=now)
                fired.append(message)
            uow.flush_outbox()
            return fired
    except IntegrityError:
        return None  # another replica created the lease row at the same moment: it leads


def replica_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


async def run_scheduler(context: ServiceContext, interval: float = CHECK_SECONDS) -> None:
    """The background task: an AsyncIOScheduler job checking on start and every ``interval`` seconds."""
    engine = context.databases.engine(NAME)
    holder = replica_id()
    leading = False

    async def check() -> None:
        nonlocal leading
        try:
            fired = await asyncio.to_thread(fire_due_digests, engine, context.alliance, holder, datetime.now(UTC))
        except Exception as exc:  # database away: the next check tries again
            log.warning("scheduler: check failed, will retry: %r", exc)
            return
        if (fired is not None) != leading:
            leading = fired is not None
            log.info("scheduler: %s", "active (holds the lease)" if leading else "standby (another replica leads)")
        for message in fired or ():
            log.info("scheduler: digest due for %s, period %s", message.coordinator_id, message.period)

    scheduler = AsyncIOScheduler(timezone=context.alliance.tz)
    scheduler.add_job(check, IntervalTrigger(seconds=interval), id="digest-check", next_run_time=datetime.now(UTC),
                      max_instances=1, coalesce=True, misfire_grace_time=int(interval))
    scheduler.start()
    try:
        await asyncio.Event().wait()
    finally:
        scheduler.shutdown(wait=False)
        with contextlib.suppress(Exception):
            with engine.begin() as connection:
                release_lease(connection, holder, datetime.now(UTC))


def build(context: ServiceContext) -> ServicePlan:
    return ServicePlan(
        name=NAME,
        tables=TABLES + EVENT_TABLES,
        publishes=((DIGEST_DUE, DigestDue),),
        background=partial(run_scheduler, context),
        rebuildable=False,  # the lease and the periods fired are facts, not a projection of the log
    )
