"""The brands service (一馆一品): CANONICAL and attendance reports in, brand figures out."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

from shuxiang.alliance import Alliance
from shuxiang.events.consumer import ConsumerSpec
from shuxiang.events.streams import BRAND_DECIDED, CANONICAL, CANONICAL_STREAM, REPORTED, SUBMISSIONS_STREAM
from shuxiang.events.tables import EVENT_TABLES
from shuxiang.schemas import AttendanceReport, CanonicalEvent
from shuxiang.services.plan import ServiceContext, ServicePlan

from .handlers import BrandsContext, apply_canonicals, apply_decision, apply_reports
from .registry import BrandCreate
from .tables import TABLES

NAME = "brands"
REPORTS_CONSUMER = "brands_reports"
DECISIONS_CONSUMER = "brands_decisions"


def build(context: ServiceContext) -> ServicePlan:
    brands = BrandsContext(alliance=context.alliance)
    return ServicePlan(
        name=NAME,
        tables=TABLES + EVENT_TABLES,
        consumers=[
            ConsumerSpec(
                serialized_as=NAME,  # decisions read what other messages wrote
                name=NAME,
                stream=CANONICAL_STREAM,
                filter_subject=f"{CANONICAL}.*",
                handle_batch=partial(apply_canonicals, brands),
                description="Canonical activities: the newest version of each, its sessions and its brand link.",
                payload_schema=CanonicalEvent,
            ),
            ConsumerSpec(
                serialized_as=NAME,  # decisions read what other messages wrote
                name=REPORTS_CONSUMER,
                stream=SUBMISSIONS_STREAM,
                filter_subject=f"{REPORTED}.*",
                handle_batch=partial(apply_reports, brands),
                description="Attendance reports: held or not, and how many came, per announcement.",
                payload_schema=AttendanceReport,
            ),
            ConsumerSpec(
                serialized_as=NAME,  # decisions read what other messages wrote
                name=DECISIONS_CONSUMER,
                stream=SUBMISSIONS_STREAM,
                filter_subject=f"{BRAND_DECIDED}.*.*",
                handle=partial(apply_decision, brands),
                description="Brand decisions: registrations by coordinators, link corrections (so replay keeps them).",
                payload_schema=BrandCreate,
            ),
        ],
    )


def local_today(alliance: Alliance) -> date:
    """Today in the alliance's time zone (pages and reports pass it on; tests pass their own)."""
    return datetime.now(alliance.tz).date()
