"""The dedup service: SUBMISSIONS in, CANONICAL out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from functools import partial

from sqlalchemy import Engine, select

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
