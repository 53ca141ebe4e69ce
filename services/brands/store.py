"""Queries: a brand's figures, from its stored facts (a brand's page) or from the kept tallies
(the list of brands)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, Engine, bindparam, inspect, select
from sqlalchemy.exc import DBAPIError

from shuxiang.alliance import Alliance, Brand

from .facts import brand_activities
from .figures import ACTIVE, BrandActivity, BrandFigures, Coverage, Tally, brand_figures, coverage, figures_of_tallies
from .registry import load_registry, registered_brands
from .tables import brands_activity, brands_day, brands_month
from .tallies import stored_basis, tally_basis, tally_of


@dataclass(frozen=True)
class BrandEntry:
    brand: Brand
    origin: str
    """"config" (the alliance file) or "registered" (through the API)."""
    figures: BrandFigures
    activities: tuple[BrandActivity, ...]
    """A brand's page's entry (:func:`brand_entry`) lists them; the list's (:func:`brands_report`) does not."""


@dataclass(frozen=True)
class BrandsReport:
    today: date
    entries: tuple[BrandEntry, ...]
    coverage: Coverage

    def entry(self, brand_id: str) -> BrandEntry | None:
        return next((e for e in self.entries if e.brand.id == brand_id), None)


def brands_report(engine: Engine, alliance: Alliance, today: date) -> BrandsReport:
    """Every brand with its figures (not its activities), and the alliance's 一馆一品 coverage:
    from the kept tallies (a row per brand and month, and the days of ``today``'s month), or, while
    they are not derived under the alliance's basis, from the registry's brands' activities read
    through the brand index (an activity linked to no brand, or to an id the registry does not
    hold, is not read)."""
    tallied = _tallied(engine, alliance)
    with engine.connect() as connection:
        registry = load_registry(connection, alliance)
        entries = _listed(connection, alliance, list(registry.values()), today, tallied=tallied)
    figures_by_id = {e.brand.id: e.figures for e in entries}
    return BrandsReport(
        today=today, entries=tuple(entries), coverage=coverage(alliance, list(registry.values()), figures_by_id)
    )


def brand_entry(engine: Engine, alliance: Alliance, brand_id: str, today: date) -> BrandEntry | None:
    """One brand with its figures and activities, from its own rows only (a brand's page): the same
    entry as :func:`brands_report`'s, without the other brands'.  None when the registry has no such brand."""
    with engine.connect() as connection:
        brand = load_registry(connection, alliance).get(brand_id)
        if brand is None:
            return None
        [entry] = entries_from_facts(connection, alliance, [brand], today)
    return entry


def entries_from_facts(
    connection: Connection, alliance: Alliance, brands: list[Brand], today: date
) -> list[BrandEntry]:
    """These brands' entries: their activities (by the brand index), figures and origin."""
    registered = {brand.id for brand, _ in registered_brands(connection)}
    activities = brand_activities(connection, [brand.id for brand in brands])
    entries = []
    for brand in brands:
        own = activities.get(brand.id, [])
        figures = brand_figures(
            brand.id,
            own,
            today=today,
            tz=alliance.tz,
            quiet_after_days=alliance.quiet_after_days,
            lapsed_after_days=alliance.lapsed_after_days,
        )
        origin = "registered" if brand.id in registered and alliance.brand(brand.id) is None else "config"
        entries.append(BrandEntry(brand=brand, origin=origin, figures=figures, activities=tuple(own)))
    return entries


def _listed(
    connection: Connection, alliance: Alliance, brands: list[Brand], today: date, *, tallied: bool
) -> list[BrandEntry]:
    """These brands' entries without their activities: from the kept tallies when they are derived
    under the alliance's basis (``tallied``), from the activities otherwise."""
    if not tallied:
        return [
            BrandEntry(brand=e.brand, origin=e.origin, figures=e.figures, activities=())
            for e in entries_from_facts(connection, alliance, brands, today)
        ]
    ids = [brand.id for brand in brands]
    months: dict[str, dict[tuple[int, int], Tally]] = {i: {} for i in ids}
    for row in connection.execute(_MONTHS, {"ids": ids}):
        months[row.brand_id][(row.year, row.month)] = tally_of(row)
    days: dict[str, dict[date, Tally]] = {i: {} for i in ids}
    first = today.replace(day=1)
    end = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    for row in connection.execute(_DAYS, {"ids": ids, "first": first, "end": end}):
        days[row.brand_id][row.day] = tally_of(row)
    registered = {brand.id for brand, _ in registered_brands(connection)}
    entries = []
    for brand in brands:
        figures = figures_of_tallies(
            brand.id,
            months[brand.id],
            days[brand.id],
            today=today,
            tz=alliance.tz,
            quiet_after_days=alliance.quiet_after_days,
            lapsed_after_days=alliance.lapsed_after_days,
        )
        origin = "registered" if brand.id in registered and alliance.brand(brand.id) is None else "config"
        entries.append(BrandEntry(brand=brand, origin=origin, figures=figures, activities=()))
    return entries


_MONTHS = select(brands_month).where(brands_month.c.brand_id.in_(bindparam("ids", expanding=True)))
_DAYS = select(brands_day).where(
    brands_day.c.brand_id.in_(bindparam("ids", expanding=True)),
    brands_day.c.day >= bindparam("first"),
    brands_day.c.day < bindparam("end"),
)


def _tallied(engine: Engine, alliance: Alliance) -> bool:
    """Whether the kept tallies are derived under the alliance's basis (a data dir whose tables
    predate them, read without creating them, has none)."""
    try:
        with engine.connect() as connection:
            return stored_basis(connection) == tally_basis(alliance)
    except DBAPIError:
        return False


def linked_activity_ids(engine: Engine, brand_id: str) -> list[str]:
    """The canonical activities linked to ``brand_id`` — declared, inferred from the title or
    corrected — for a brand's feed (``/feeds/brands/{id}.ics``)."""
    with engine.connect() as connection:
        return list(
            connection.scalars(
                select(brands_activity.c.activity_id)
                .where(brands_activity.c.brand_id == brand_id)
                .order_by(brands_activity.c.starts_at, brands_activity.c.activity_id)
            )
        )


def brands_gone_quiet(
    engine: Engine, alliance: Alliance, today: date, libraries: Iterable[str] | None = None
) -> list[BrandEntry]:
    """The brands of ``libraries`` (None: all) that are quiet or lapsed as of ``today``, by the same
    figures as /brands, so a digest and the brands page never disagree on a brand's status.
    Nothing when the brands service has no data yet."""
    if not inspect(engine).has_table(brands_activity.name):
        return []
    wanted = None if libraries is None else set(libraries)
    tallied = _tallied(engine, alliance)
    with engine.connect() as connection:
        brands = [b for b in load_registry(connection, alliance).values() if wanted is None or b.library_id in wanted]
        entries = _listed(connection, alliance, brands, today, tallied=tallied)  # only these libraries' brands' rows
    return [entry for entry in entries if entry.figures.status != ACTIVE]
