"""The intake service: its tables, and a consumer that keeps each library's list of activities
up to date with everything it published (form, API, imports, its own system)."""

from __future__ import annotations

from shuxiang.events.consumer import ConsumerSpec, Delivery, Rejected, UnitOfWork, parse_shared
from shuxiang.events.streams import REPORTED, SUBMISSIONS_STREAM, SUBMITTED, library_of
from shuxiang.events.tables import EVENT_TABLES
from shuxiang.schemas import ActivitySubmission, AttendanceReport
from shuxiang.services.plan import ServiceContext, ServicePlan

from .pull import pull_forever
from .store import record_report, record_submissions
from .tables import NAME, TABLES


def _parse(model, delivery: Delivery):
    """The message, or None for one that is invalid or names another library than its subject: such a
    message is not the library's activity, and the dedup service keeps it as a dead letter with the reason
    (one dead letter per bad message is enough).  Parsed once for both (``parse_shared``)."""
    try:
        message = parse_shared(model, delivery)
    except Rejected:
        return None
    return message if message.library_id == library_of(delivery.subject) else None


def handle_submitted(deliveries: list[Delivery], uow: UnitOfWork) -> None:
    """A newer revision replaces the one held; an older or equal one changes nothing (a batch's
    announcements read and written together: one look-up and at most two statements)."""
    parsed = ((_parse(ActivitySubmission, delivery), delivery.timestamp) for delivery in deliveries)
    record_submissions(uow.connection, [(s, at) for s, at in parsed if s is not None], channel="broker")


def handle_reported(delivery: Delivery, uow: UnitOfWork) -> None:
    report = _parse(AttendanceReport, delivery)
    if report is not None:
        record_report(uow.connection, report, at=delivery.timestamp)


def build(context: ServiceContext) -> ServicePlan:
    return ServicePlan(
        name=NAME,
        tables=TABLES + EVENT_TABLES,
        consumers=[
            ConsumerSpec(
                name=f"{NAME}-submitted",
                stream=SUBMISSIONS_STREAM,
                filter_subject=f"{SUBMITTED}.*",
                handle_batch=handle_submitted,
                payload_schema=ActivitySubmission,
                description="Every library's announcements: the list the form shows and edits.",
            ),
            ConsumerSpec(
                name=f"{NAME}-reported",
                stream=SUBMISSIONS_STREAM,
                filter_subject=f"{REPORTED}.*",
                handle=handle_reported,
                payload_schema=AttendanceReport,
                description="Attendance reports, shown on the library's activity pages.",
            ),
        ],
        publishes=((f"{SUBMITTED}.{{library_id}}", ActivitySubmission),),
        rebuildable=False,  # accounts are facts of their own, not a projection of the log
        background=lambda js: pull_forever(context.databases.engine(NAME), context.alliance),
    )
