"""The dedup service: SUBMISSIONS in, CANONICAL out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from functools import partial

from sqlalchemy import Engine, or_, select

from shuxiang.alliance import Alliance
from shuxiang.db import Databases
from shuxiang.events.consumer import ConsumerSpec, Delivery, UnitOfWork
from shuxiang.events.streams import CANONICAL, REVIEW_DECIDED, SUBMISSIONS_STREAM, SUBMITTED
from shuxiang.events.tables import EVENT_TABLES
from shuxiang.schemas import ActivitySubmission, CanonicalActivity, CanonicalEvent
from shuxiang.services.plan import ServiceContext, ServicePlan

from .handlers import handle_submissions
from .normalize import VenueResolver
from .reviews import handle_decision
from .tables import TABLES, dedup_activity

NAME = "dedup"
CONSUMED = "shuxiang.>"
"""Everything in SUBMISSIONS: announcements and review decisions (attendance reports are skipped)."""


def handle(deliveries: list[Delivery], uow: UnitOfWork, *, venues: VenueResolver, alliance: Alliance) -> None:
    """Announcements and review decisions, in log order (the announcements between two
    decisions handled together)."""
    announcements: list[Delivery] = []
    for delivery in deliveries:
        if delivery.subject.startswith(f"{SUBMITTED}."):
            announcements.append(delivery)
        elif delivery.subject.startswith(f"{REVIEW_DECIDED}."):
            handle_submissions(announcements, uow, venues=venues)
            announcements = []
            handle_decision(delivery, uow, alliance=alliance, venues=venues)
    handle_submissions(announcements, uow, venues=venues)


def build(context: ServiceContext) -> ServicePlan:
    return ServicePlan(
        name=NAME,
        tables=TABLES + EVENT_TABLES,
        consumers=[
            ConsumerSpec(
                serialized_as=NAME,  # decisions read what other messages wrote
                name=NAME,
                stream=SUBMISSIONS_STREAM,
                filter_subject=CONSUMED,
                handle_batch=partial(handle, venues=VenueResolver(context.alliance), alliance=context.alliance),
                description="Member announcements, deduplicated into canonical activities, and coordinators' "
                "review decisions (one consumer: a replay applies them in log order).",
                payload_schema=ActivitySubmission,
            ),
        ],
        publishes=((f"{CANONICAL}.{{event}}", CanonicalEvent),),
    )


def canonical_reader(databases: Databases) -> Engine:
    """A reader of dedup's database for a command run beside the runtime (``Databases.current_reader``)."""
    return databases.current_reader(NAME, TABLES)


def canonical_activities(
    engine: Engine, *, chunk: int = 2000, starting: tuple[datetime, datetime] | None = None
) -> Iterator[CanonicalActivity]:
    """Every canonical activity, in start order (streamed, not loaded at once); with ``starting``
    (earliest, latest), only those starting from one to the other, both included (a range of the
    index of starts).

    Retired ids (an activity whose announcements all joined another one) are left out:
    they were published as cancelled and describe nothing any more."""
    query = select(dedup_activity.c.snapshot).order_by(dedup_activity.c.starts_at, dedup_activity.c.id)
    if starting is not None:
        query = query.where(dedup_activity.c.starts_at >= starting[0], dedup_activity.c.starts_at <= starting[1])
    with engine.connect() as connection:
        result = connection.execution_options(yield_per=chunk).execute(query)
        for snapshot in result.scalars():
            activity = CanonicalActivity.model_validate_json(snapshot)
            if activity.sources:
                yield activity


RETIRED = '"sources":[]'
"""How a retired id's stored snapshot says it (``model_dump_json``: compact, and ``sources`` is the
only field of that name)."""


def canonical_page(
    engine: Engine, *, after: tuple[datetime, str] | None = None, offset: int = 0, limit: int = 100
) -> tuple[list[tuple[datetime, str, CanonicalActivity]], bool]:
    """Up to ``limit`` canonical activities in (start, id) order after the position ``after``
    (skipping ``offset`` of them first), each with its position, and whether more follow.

    Keyset paging: each statement is a range of ``ix_dedup_activity_starts_at`` with a LIMIT, so
    a page costs what it returns (plus ``offset``), not every activity before it.  Retired ids
    are left out, as in :func:`canonical_activities`."""
    c = dedup_activity.c
    chunk = min(offset + limit + 1, 2000)
    out: list[tuple[datetime, str, CanonicalActivity]] = []
    skipped = 0
    with engine.connect() as connection:
        while True:
            query = select(c.id, c.starts_at, c.snapshot).order_by(c.starts_at, c.id).limit(chunk)
            if after is not None:
                query = query.where(c.starts_at >= after[0], or_(c.starts_at > after[0], c.id > after[1]))
            rows = connection.execute(query).all()
            for row in rows:
                if RETIRED in row.snapshot:  # not parsed to be skipped (≈ 30 µs a row)
                    continue
                if skipped < offset:
                    skipped += 1
                    continue
                if len(out) == limit:
                    return out, True
                out.append((row.starts_at, row.id, CanonicalActivity.model_validate_json(row.snapshot)))
            if len(rows) < chunk:
                return out, False
            after = (rows[-1].starts_at, rows[-1].id)
