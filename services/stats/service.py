"""The statistics service (年度统计报告): CANONICAL and attendance reports in, one row per activity kept."""

from __future__ import annotations

from functools import partial

from sqlalchemy import Engine

from shuxiang.db import Databases
from shuxiang.events.consumer import ConsumerSpec
from shuxiang.events.streams import CANONICAL, CANONICAL_STREAM, REPORTED, SUBMISSIONS_STREAM
from shuxiang.events.tables import EVENT_TABLES
from shuxiang.schemas import AttendanceReport, CanonicalEvent
from shuxiang.services.plan import ServiceContext, ServicePlan

from .handlers import StatsContext, apply_canonicals, apply_reports
from .tables import TABLES

NAME = "stats"
REPORTS_CONSUMER = "stats_reports"


def stats_reader(databases: Databases) -> Engine:
    """A reader of the statistics' database for a command run beside the runtime
    (``Databases.current_reader``: a data dir from before this projection gets its tables, empty)."""
    return databases.current_reader(NAME, TABLES + EVENT_TABLES)


def build(context: ServiceContext) -> ServicePlan:
    stats = StatsContext(alliance=context.alliance)
    return ServicePlan(
        name=NAME,
        tables=TABLES + EVENT_TABLES,
        consumers=[
            ConsumerSpec(
                serialized_as=NAME,  # an activity reads the reports kept, a report the activities kept
                name=NAME,
                stream=CANONICAL_STREAM,
                filter_subject=f"{CANONICAL}.*",
                handle_batch=partial(apply_canonicals, stats),
                description="Canonical activities: the newest version of each, as the statistics report counts it.",
                payload_schema=CanonicalEvent,
            ),
            ConsumerSpec(
                serialized_as=NAME,
                name=REPORTS_CONSUMER,
                stream=SUBMISSIONS_STREAM,
                filter_subject=f"{REPORTED}.*",
                handle_batch=partial(apply_reports, stats),
                description="Attendance reports: held or not (未举办), and how many came, per announcement.",
                payload_schema=AttendanceReport,
            ),
        ],
    )
