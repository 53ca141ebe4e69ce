"""What a reader narrows the calendar to: a library (with its branches), a category, a brand,
a campaign, an audience (as the activities announce it), words to search for.  One :class:`Filters` serves the calendar page, the embed
and the filtered feed (``/feeds/filter.ics?…``), so the feed a filtered page offers holds what
the page shows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from urllib.parse import urlencode

from sqlalchemy import select

from shuxiang.alliance import Alliance, Brand
from shuxiang.i18n import N_, gettext, in_both
from shuxiang.schemas import Category

from .catalog import BRANCHES, FeedCatalog, FeedRefusal
from .feeds import FeedSpec
from .search import MAX_QUERY, audience_ids, matching
from .tables import calendar_entry, calendar_entry_library

FILTER_FEED = "filter.ics"


@dataclass(frozen=True)
class Filters:
    library: str | None = None
    branches: bool = False
    category: str | None = None
    brand: str | None = None
    campaign: str | None = None
    audience: str | None = None
    q: str | None = None

    @property
    def active(self) -> bool:
        return any((self.library, self.category, self.brand, self.campaign, self.audience, self.q))

    def params(self) -> dict[str, str]:
        """The query parameters that give these filters (empty ones left out)."""
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "branches":
                if value and self.library:
                    out["include"] = BRANCHES
            elif value:
                out[f.name] = value
        return out

    def query(self, **extra: str) -> str:
        return urlencode({**self.params(), **{k: v for k, v in extra.items() if v}})

    def feed_path(self) -> str:
        """The feed that holds what these filters show: a plain one when a single filter is
        set (a library's, a category's…), else ``filter.ics`` with the filters as its query."""
        set_ = {k: v for k, v in self.params().items() if k != "include"}
        if not set_:
            return "alliance.ics"
        if len(set_) == 1 and not set_.keys() & {"q", "audience"}:
            ((kind, value),) = set_.items()
            if kind == "library":
                return f"libraries/{value}.ics" + (f"?include={BRANCHES}" if self.branches else "")
            return {"category": "categories", "brand": "brands", "campaign": "campaigns"}[kind] + f"/{value}.ics"
        return f"{FILTER_FEED}?{self.query()}"


def _library_words(alliance: Alliance, filters: Filters) -> str:
    name = alliance.member(filters.library or "").name
    return gettext("zh-CN", "{name} (with branches)").format(name=name) if filters.branches else name


def parse_filters(
    params: Mapping[str, str], alliance: Alliance, brands: Mapping[str, Brand]
) -> tuple[Filters, list[tuple[str, str]]]:
    """Filters from query parameters, and what was wrong with them ((zh, en) each; the wrong ones are dropped)."""
    problems: list[tuple[str, str]] = []

    def pick(name: str, known: Callable[[str], bool], msgid: str) -> str | None:
        value = (params.get(name) or "").strip()
        if not value:
            return None
        if not known(value):
            problems.append(in_both(msgid, value=value))
            return None
        return value

    library = pick("library", lambda v: alliance.member(v) is not None, N_("No such library: {value}"))
    include = (params.get("include") or params.get("branches") or "").strip()
    q = (params.get("q") or "").strip()[:MAX_QUERY] or None
    audience = (params.get("audience") or "").strip()[:200] or None  # free text as announced
    return (
        Filters(
            library=library,
            branches=bool(library) and include in (BRANCHES, "1", "on", "true"),
            category=pick("category", lambda v: v in Category.__members__, N_("No such category: {value}")),
            brand=pick("brand", lambda v: v in brands, N_("No such brand: {value}")),
            campaign=pick("campaign", lambda v: alliance.campaign(v) is not None, N_("No such campaign: {value}")),
            audience=audience,
            q=q,
        ),
        problems,
    )


def where(
    filters: Filters,
    alliance: Alliance,
    dialect: str,
    brand_links: Callable[[str], Sequence[str]] | None = None,
) -> list:
    """SQL conditions on ``calendar_entry`` for ``filters``."""
    c = calendar_entry.c
    out = []
    if filters.library:
        ids = alliance.subtree(filters.library) if filters.branches else [filters.library]
        credited = calendar_entry_library.c
        # tested on each row the page's time window chose (a probe of the (activity, library) key),
        # not by reading every activity of the libraries, all years
        out.append(
            select(credited.activity_id)
            .where(credited.activity_id == c.activity_id, credited.library_id.in_(ids))
            .exists()
        )
    if filters.category:
        out.append(c.category == filters.category)
    if filters.brand:
        out.append(c.activity_id.in_(brand_links(filters.brand)) if brand_links else c.brand_id == filters.brand)
    if filters.campaign:
        out.append(c.campaign_id == filters.campaign)
    if filters.audience:
        out.append(c.activity_id.in_(audience_ids(filters.audience)))
    if filters.q:
        out += matching(filters.q, dialect)
    return out


def filtered_spec(catalog: FeedCatalog, query: Mapping[str, str]) -> FeedSpec | FeedRefusal:
    """The spec of ``/feeds/filter.ics?library=…&include=branches&category=…&brand=…&campaign=…&q=…``."""
    alliance = catalog.alliance
    filters, problems = parse_filters(query, alliance, catalog.brands())
    if problems:
        return FeedRefusal(400, "；".join(p[0] for p in problems), "; ".join(p[1] for p in problems))
    if not filters.active:
        return FeedRefusal(
            400,
            *in_both("filter.ics needs at least one of library, category, brand, campaign, audience or q"),
        )
    words = [
        _library_words(alliance, filters) if filters.library else "",
        catalog.zh.category(filters.category) if filters.category else "",
        catalog.brands()[filters.brand].name if filters.brand else "",
        alliance.campaign(filters.campaign).name if filters.campaign else "",
        filters.audience or "",
        f"“{filters.q}”" if filters.q else "",
    ]
    name = f"{alliance.name} · " + " · ".join(w for w in words if w)
    return FeedSpec(
        key=f"{FILTER_FEED}?{filters.query()}",
        name=name,
        description=f"{name}\nActivities of {alliance.name_in('en')} matching {filters.query()}",
        library_ids=tuple(alliance.subtree(filters.library) if filters.branches else [filters.library])
        if filters.library
        else None,
        brand_id=filters.brand,
        category=filters.category,
        campaign_id=filters.campaign,
        audience=filters.audience,
        search=filters.q,
    )
