"""The quotas service: CANONICAL and attendance reports in, activity facts kept, quota progress read and published."""

from __future__ import annotations

from functools import partial

from sqlalchemy import Engine

from shuxiang.db import Databases
from shuxiang.events.consumer import ConsumerSpec
from shuxiang.events.streams import CANONICAL, CANONICAL_STREAM, REPORTED, SUBMISSIONS_STREAM, quota_subject
from shuxiang.events.tables import EVENT_TABLES
from shuxiang.schemas import AttendanceReport, CanonicalEvent
from shuxiang.services.plan import ServiceContext, ServicePlan

from .events import QuotaEvent
from .handlers import QuotasContext, apply_canonicals, apply_reports
from .tables import TABLES

NAME = "quotas"


def tallies_reader(databases: Databases) -> Engine:
    """A reader of the quotas' database for a command run beside the runtime (``Databases.current_reader``)."""
    return databases.current_reader(NAME, TABLES)


REPORTS_CONSUMER = "quotas_reports"


def build(context: ServiceContext) -> ServicePlan:
    quotas = QuotasContext(alliance=context.alliance)
    return ServicePlan(
        name=NAME,
        tables=TABLES + EVENT_TABLES,
        consumers=[
            ConsumerSpec(
                serialized_as=NAME,  # decisions read what other messages wrote
                name=NAME,
                stream=CANONICAL_STREAM,
                filter_subject=f"{CANONICAL}.*",
                handle_batch=partial(apply_canonicals, quotas),
                description="Canonical activities: their newest facts, from which quotas are tallied.",
                payload_schema=CanonicalEvent,
            ),
            ConsumerSpec(
                serialized_as=NAME,  # a report recounts what the activities' facts add
                name=REPORTS_CONSUMER,
                stream=SUBMISSIONS_STREAM,
                filter_subject=f"{REPORTED}.*",
                handle_batch=partial(apply_reports, quotas),
                description="Attendance reports: an activity reported as not held (未举办) no longer counts.",
                payload_schema=AttendanceReport,
            ),
        ],
        publishes=((quota_subject("{state}"), QuotaEvent),),
    )
