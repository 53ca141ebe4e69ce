"""The quotas service: CANONICAL in, activity facts kept, quota progress read and published."""

from __future__ import annotations

from functools import partial

from shuxiang.events.consumer import ConsumerSpec
from shuxiang.events.streams import CANONICAL, CANONICAL_STREAM, quota_subject
from shuxiang.events.tables import EVENT_TABLES
from shuxiang.schemas import CanonicalEvent
from shuxiang.services.plan import ServiceContext, ServicePlan

from .events import QuotaEvent
from .handlers import QuotasContext, apply_canonicals
from .tables import TABLES

NAME = "quotas"


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
        ],
        publishes=((quota_subject("{state}"), QuotaEvent),),
    )
