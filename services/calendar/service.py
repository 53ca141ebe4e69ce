"""The calendar service: CANONICAL in, VEVENT fragments stored, feeds served."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from shuxiang.calendars import EventLabels
from shuxiang.events.consumer import ConsumerSpec
from shuxiang.events.streams import CANONICAL, CANONICAL_STREAM
from shuxiang.events.tables import EVENT_TABLES
from shuxiang.schemas import CanonicalEvent
from shuxiang.services.plan import ServiceContext, ServicePlan

from .feeds import FeedStore
from .handlers import CalendarContext, apply_canonicals
from .search import TABLES as SEARCH_TABLES
from .tables import TABLES

NAME = "calendar"


def calendar_context(context: ServiceContext, language: str = "zh-CN") -> CalendarContext:
    alliance = context.alliance
    names = {m.id: m.name_in(language) for m in alliance.members}
    brands = {b.id: b.name for b in alliance.brands}
    return CalendarContext(
        tz=alliance.tz,
        labels=EventLabels(language=language, library_names=names, brand_names=brands),
        uid_domain=f"{alliance.id}.shuxiang",
        # Only a configured address: each fragment is stored, and a process's own host and port
        # (`replay` runs on the default one) would make the same log give different feeds.
        # A changed address shows in feeds after `shuxiang replay`.
        page_base=str(alliance.base_url) if alliance.base_url else context.settings.base_url,
    )


def build(context: ServiceContext) -> ServicePlan:
    return ServicePlan(
        name=NAME,
        tables=TABLES + SEARCH_TABLES + EVENT_TABLES,
        consumers=[
            ConsumerSpec(
                name=NAME,
                stream=CANONICAL_STREAM,
                filter_subject=f"{CANONICAL}.*",
                handle_batch=partial(apply_canonicals, calendar_context(context)),
                description="Canonical activities: rendered once per version into stored VEVENTs.",
                payload_schema=CanonicalEvent,
            )
        ],
    )


def feed_store(context: ServiceContext, *, brand_links: Callable[[str], Sequence[str]] | None = None) -> FeedStore:
    return FeedStore(
        context.databases.reader(NAME),
        calendar_context(context),
        url_base=context.settings.public_url,
        brand_links=brand_links,
    )
