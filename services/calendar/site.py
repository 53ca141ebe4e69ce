"""What the calendar's pages share, once per web app: the calendar's reader, the feed catalog
with every brand (the brands service's registry), the configured public address, the posters
and the registrations service's sign-up form — asked for by a route as ``site: Site``."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from markupsafe import Markup
from sqlalchemy import Engine

from shuxiang.alliance import Alliance, Brand
from shuxiang.posters import Posters, posters_of
from shuxiang.services.brands.registry import load_registry
from shuxiang.services.brands.service import NAME as BRANDS
from shuxiang.services.brands.store import linked_activity_ids
from shuxiang.services.deps import per_app
from shuxiang.services.plan import ServiceContext
from shuxiang.services.registrations.web import signup_fragment

from .catalog import FeedCatalog
from .handlers import CalendarContext
from .service import NAME, calendar_context


def brand_catalog(context: ServiceContext) -> FeedCatalog:
    """The feed catalog with every brand the brands service knows (file and registered)."""
    engine = context.databases.reader(BRANDS)

    def brands() -> dict[str, Brand]:
        with engine.connect() as connection:
            return load_registry(connection, context.alliance)

    return FeedCatalog(context.alliance, brands)


def site_url(context: ServiceContext) -> str | None:
    """The configured public address: the alliance's ``base_url``, else ``SHUXIANG_BASE_URL``."""
    base = context.alliance.base_url or context.settings.base_url
    return str(base).rstrip("/") if base else None


@dataclass(frozen=True)
class CalendarSite:
    alliance: Alliance
    engine: Engine
    """The calendar service's reader."""
    catalog: FeedCatalog
    brands_reader: Engine
    public_url: str
    site_url: str | None
    """The configured public address (None: the request's)."""
    posters: Posters | None
    signup: Callable[[Request, str], Markup | None] | None
    """The sign-up form of an activity that takes registrations (the registrations service's fragment)."""
    english: CalendarContext
    """How the calendar renders a VEVENT, with English labels: the English page's single-event .ics
    (the stored fragments are in Chinese, as the feeds are)."""

    @classmethod
    def from_context(cls, context: ServiceContext) -> CalendarSite:
        return cls(
            alliance=context.alliance,
            engine=context.databases.reader(NAME),
            catalog=brand_catalog(context),
            brands_reader=context.databases.reader(BRANDS),
            public_url=context.settings.public_url,
            site_url=site_url(context),
            posters=posters_of(context),
            signup=signup_fragment(context),
            english=calendar_context(context, "en"),
        )

    def brands(self) -> Mapping[str, Brand]:
        return self.catalog.brands()

    def brand_links(self, brand_id: str) -> Sequence[str]:
        return linked_activity_ids(self.brands_reader, brand_id)


Site = Annotated[CalendarSite, Depends(per_app(CalendarSite.from_context))]
