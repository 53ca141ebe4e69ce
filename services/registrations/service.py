"""The registrations service: sign-ups in, places and waitlists kept, check-ins out as attendance.

It consumes its own subjects (``shuxiang.registration.<kind>.<activity>``, in SUBMISSIONS) and
CANONICAL (each activity's capacity, status and sessions), all serialized under one name: a
request is decided against the places its predecessors left, in log order, on any number of
replicas.  It publishes the host's AttendanceReport when people check in, and mails readers
(confirmation, waitlist, promotion, the day-before reminder) through the digests' transport.
"""

from __future__ import annotations

import asyncio
from functools import partial

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from shuxiang.db import Databases
from shuxiang.events.consumer import ConsumerSpec
from shuxiang.events.streams import CANONICAL, CANONICAL_STREAM, REGISTRATION, REPORTED, SUBMISSIONS_STREAM
from shuxiang.events.tables import EVENT_TABLES
from shuxiang.schemas import AttendanceReport, CanonicalEvent
from shuxiang.schemas.registration import (
    CheckIn,
    Rating,
    RegistrationCancel,
    RegistrationErasure,
    RegistrationRequest,
)
from shuxiang.services.plan import ServiceContext, ServicePlan

from .handlers import (
    RegistrationsContext,
    handle_cancelled,
    handle_canonicals,
    handle_checked_in,
    handle_erased,
    handle_rated,
    handle_requested,
    held_back,
)
from .keys import KeyStore
from .mail import ReaderMail
from .sms import sms_transport_for
from .tables import NAME, TABLES


def reader_mail(context: ServiceContext) -> ReaderMail:
    """The digests' transport and sender address, for readers' mail; the SMS gateway (or the SMS
    outbox folder) for readers who left only a phone number."""
    from shuxiang.services.digests.service import sender_address
    from shuxiang.services.digests.transport import transport_for

    settings = context.settings
    return ReaderMail(
        engine=context.databases.engine(NAME),
        transport=transport_for(settings.smtp_url, settings.outbox_dir),
        sender_address=sender_address(context),
        public_url=settings.public_url,
        tz=context.alliance.tz,
        sms=sms_transport_for(settings.sms_url, settings.sms_token, settings.sms_outbox_dir),
    )


def registrations_reader(databases: Databases) -> Engine:
    """A reader of the registrations' database for a command run beside the runtime
    (``Databases.current_reader``: a data dir from before sign-ups gets the tables, empty)."""
    return databases.current_reader(NAME, TABLES)


def satisfaction_of(context: ServiceContext):
    """For other services' pages: ``(activity_ids) -> Satisfaction`` summed over those activities."""
    from . import store

    reader = context.databases.reader(NAME)

    def of(activity_ids: list[str]) -> store.Satisfaction:
        try:
            return store.total(store.satisfaction(reader, activity_ids))
        except DBAPIError:  # no registrations tables here (a page of a service run alone): nothing rated
            return store.Satisfaction(rated=0, satisfied=0)

    return of


async def background(context: ServiceContext, mail: ReaderMail, js) -> None:
    """Readers' mail, and the hourly retention job (which publishes its erasures)."""
    from shuxiang.events.publish import Publisher

    from .retention import retention_forever

    await asyncio.gather(
        mail.run_forever(),
        retention_forever(context.databases.engine(NAME), Publisher(js), context.alliance.registration_retention_days),
    )


def build(context: ServiceContext) -> ServicePlan:
    here = RegistrationsContext(tz=context.alliance.tz, keys=KeyStore.of(context.databases))
    mail = reader_mail(context)  # a bad SMTP or SMS gateway URL fails at start

    def spec(kind: str, handle, payload, description: str, name: str | None = None) -> ConsumerSpec:
        return ConsumerSpec(
            name=name or f"{NAME}-{kind}",
            stream=SUBMISSIONS_STREAM,
            filter_subject=f"{REGISTRATION}.{kind}.*",
            handle=partial(held_back(handle), here),
            payload_schema=payload,
            description=description,
            serialized_as=NAME,
        )  # decisions read the places earlier messages took

    return ServicePlan(
        name=NAME,
        tables=TABLES + EVENT_TABLES,
        consumers=[
            spec(
                "requested",
                handle_requested,
                RegistrationRequest,
                "Readers' sign-ups: confirmed while places last, then waitlisted, in log order.",
            ),
            spec(
                "cancelled",
                handle_cancelled,
                RegistrationCancel,
                "Readers' cancellations: the place goes to the first on the waitlist.",
            ),
            spec(
                "checked-in",
                handle_checked_in,
                CheckIn,
                "Check-ins and walk-ins at the door: the session's attendance, published as the host's report.",
                name=NAME,
            ),  # the service's outbox relay publishes what the consumer named like it writes
            spec("rated", handle_rated, Rating, "Readers' satisfaction ratings (满意度) after their session."),
            spec(
                "erased",
                handle_erased,
                RegistrationErasure,
                "Erasures (retention window ended, or the reader asked): names and contacts go, figures stay.",
            ),
            ConsumerSpec(
                name=f"{NAME}-canonical",
                stream=CANONICAL_STREAM,
                filter_subject=f"{CANONICAL}.*",
                handle_batch=partial(handle_canonicals, here),
                payload_schema=CanonicalEvent,
                description="Canonical activities: capacity, status and sessions of those that take sign-ups.",
                serialized_as=NAME,
            ),
        ],
        publishes=((f"{REPORTED}.{{library_id}}", AttendanceReport),),
        background=lambda js: background(context, mail, js),
    )
