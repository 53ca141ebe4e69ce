"""The scheduler service: APScheduler checks which digests are due and fires them through the outbox.

Every replica runs the check (STARTUP_GRACE after start, then every CHECK_SECONDS); only
the holder of the database lease fires.  Firing a period and remembering it as fired is one
transaction with the outbox row of its message, so a crash never loses or repeats one.

A digest is a picture of the log, so the scheduler fires only once the consumers have caught
up with it: at start (a restart after downtime finds a backlog; ``up --demo`` publishes the
demo within its first seconds) the first digest would otherwise report every target at 0 %
and every activity still in the stream as missing.  While the SUBMISSIONS and CANONICAL
streams hold unprocessed messages the check waits, asking again every few seconds, for at
most CATCH_UP_LIMIT; a backlog that never drains (constant load, a stuck consumer) then
delays a digest by that much, not for ever.
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
from nats.errors import Error as NatsError
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from shuxiang.alliance import Alliance
from shuxiang.events.consumer import UnitOfWork
from shuxiang.events.progress import backlog
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
STARTUP_GRACE = 10.0
"""Seconds between start and the first check: what is published at start (the demo, a queued
import) is in the log by then, so the catch-up check sees it."""
CATCH_UP_POLL = 2.0
CATCH_UP_LIMIT = timedelta(minutes=15)
"""The longest a due digest waits for the consumers to catch up with the log."""
SETTLE = timedelta(seconds=60)
"""A period fires this long after its scheduled instant, so that changes published just before
it have reached the digests' projection when the digest is rendered."""


def fire_due_digests(
    engine: Engine, alliance: Alliance, holder: str, now: datetime, ttl: timedelta = LEASE_TTL
) -> list[DigestDue] | None:
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
                message = DigestDue(
                    coordinator_id=coordinator.id,
                    period=due.period.key,
                    due_at=due.period.due_at,
                    since=due.since,
                    missed_periods=due.missed,
                )
                values = {
                    "period": message.period,
                    "due_at": message.due_at,
                    "missed_periods": message.missed_periods,
                    "fired_at": now,
                }
                if coordinator.id in last:
                    connection.execute(
                        update(scheduler_fired)
                        .where(scheduler_fired.c.coordinator_id == coordinator.id)
                        .values(**values)
                    )
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


class CatchUp:
    """Whether the log has been processed far enough to build digests from it."""

    def __init__(self, js, limit: timedelta = CATCH_UP_LIMIT) -> None:
        self.js = js
        self.limit = limit
        self.waiting_since: datetime | None = None

    async def ready(self, now: datetime) -> bool:
        try:
            pending = None if self.js is None else await backlog(self.js)
        except (TimeoutError, OSError, NatsError) as exc:  # broker away: as good as a backlog
            log.warning("scheduler: cannot ask the broker for the consumers' backlog: %r", exc)
            pending = None
        if pending == 0 or self.js is None:
            if self.waiting_since is not None:
                log.info("scheduler: the consumers have caught up; digests go out")
            self.waiting_since = None
            return True
        if self.waiting_since is None:
            self.waiting_since = now
            log.info(
                "scheduler: waiting for the consumers to catch up (%s messages to process) before building digests",
                "?" if pending is None else pending,
            )
        if now - self.waiting_since >= self.limit:
            log.warning("scheduler: the consumers have not caught up in %s; digests go out anyway", self.limit)
            self.waiting_since = None
            return True
        return False


async def run_scheduler(
    context: ServiceContext,
    js=None,
    interval: float = CHECK_SECONDS,
    grace: float = STARTUP_GRACE,
    poll: float = CATCH_UP_POLL,
) -> None:
    """The background task: an AsyncIOScheduler job checking ``grace`` seconds after start and
    every ``interval`` seconds, and every ``poll`` seconds while the consumers catch up."""
    engine = context.databases.engine(NAME)
    holder = replica_id()
    leading = False
    catch_up = CatchUp(js)
    scheduler = AsyncIOScheduler(timezone=context.alliance.tz)

    async def check() -> None:
        nonlocal leading
        now = datetime.now(UTC)
        if not await catch_up.ready(now):
            scheduler.add_job(
                check,
                "date",
                run_date=now + timedelta(seconds=poll),
                id="digest-catch-up",
                replace_existing=True,
                misfire_grace_time=int(interval),
            )
            return
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

    scheduler.add_job(
        check,
        IntervalTrigger(seconds=interval),
        id="digest-check",
        next_run_time=datetime.now(UTC) + timedelta(seconds=grace),
        max_instances=1,
        coalesce=True,
        misfire_grace_time=int(interval),
    )
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
