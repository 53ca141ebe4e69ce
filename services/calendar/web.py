"""The calendar on the web: ``/feeds/...`` (a thin ASGI app) and the calendar page at ``/``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Engine, or_, select
from starlette.types import ASGIApp, Receive, Scope, Send

from shuxiang.alliance import Alliance, Brand
from shuxiang.calendars import EventLabels
from shuxiang.calendars.recurrence import as_shown, sessions
from shuxiang.i18n import N_, gettext, in_both, locale_of, pgettext
from shuxiang.pages import language, render
from shuxiang.schemas import CanonicalActivity, Category, Status
from shuxiang.services.brands.service import NAME as BRANDS
from shuxiang.services.brands.store import linked_activity_ids
from shuxiang.services.plan import ServiceContext

from .activity_page import last_day, span_label
from .activity_page import router as activity_router
from .asgi import FeedsApp
from .embed import router as embed_router
from .filters import parse_filters, where
from .search import audiences
from .service import feed_store
from .site import Site, brand_catalog
from .tables import calendar_entry
from .window import SINGLE, decode_cursor, encode_cursor, rows_overlapping, single_sessions

AGENDA_DAYS = 60
"""The agenda covers 60 days from its first (today, or ``?from=``), a page at a time."""
AGENDA_PAGE = 100
"""Sessions on one page of the agenda (≈ 60 KB of HTML)."""
DAY_SHOWN = 4
"""Sessions a day of the month shows; the rest are behind a link to that day's agenda (a busy
alliance has 80 a day: all of them made the month 947 KB)."""
MONTHS_FROM, MONTHS_TO = 1950, 2200


class FeedsFirst:
    """Pure ASGI middleware: ``/feeds/…`` is answered by :class:`FeedsApp` before FastAPI's
    routing, dependency injection and response classes (a 304 costs microseconds)."""

    def __init__(self, app: ASGIApp, context: ServiceContext) -> None:
        self.app = app
        brands = context.databases.reader(BRANDS)
        store = feed_store(context, brand_links=lambda brand_id: linked_activity_ids(brands, brand_id))
        self.feeds = FeedsApp(brand_catalog(context), store)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/feeds/"):
            await self.feeds(scope, receive, send)
        else:
            await self.app(scope, receive, send)


router = APIRouter()
"""The calendar page at ``/`` and each activity's page (the feeds are served by :class:`FeedsFirst`)."""


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def calendar_page(
    request: Request,
    site: Site,
    view: str = "month",
    month: str | None = None,
    start: str | None = Query(None, alias="from"),
    after: str | None = None,
    before: str | None = None,
) -> HTMLResponse:
    """The month (at most :data:`DAY_SHOWN` activities a day, then a link to that day's agenda) or
    the agenda (:data:`AGENDA_PAGE` sessions a page, from ``from`` — a day, today by default — with
    links to the next and previous pages that keep the filters): what a page reads and sends is
    bounded by what it shows, whatever the size of the year."""
    alliance, engine, catalog = site.alliance, site.engine, site.catalog
    lang = language(request)
    tz = alliance.tz
    today = datetime.now(tz).date()
    errors: list[tuple[str, str]] = []
    brands = catalog.brands()
    filters, problems = parse_filters(request.query_params, alliance, brands)
    conditions = where(filters, alliance, engine.dialect.name, site.brand_links)
    first = today.replace(day=1)
    if month:
        asked = _parse(month, "%Y-%m")
        if asked is None:
            errors.append(
                in_both(
                    "month must be YYYY-MM between {start} and {end} (got: {month})",
                    start=MONTHS_FROM,
                    end=MONTHS_TO,
                    month=month,
                )
            )
        else:
            first = asked
    view = "agenda" if view == "agenda" else "month"
    agenda_from = today
    if start:
        asked = _parse(start, "%Y-%m-%d")
        if asked is None:
            errors.append(
                in_both(
                    "from must be a day YYYY-MM-DD between {start} and {end} (got: {day})",
                    start=MONTHS_FROM,
                    end=MONTHS_TO,
                    day=start,
                )
            )
        else:
            agenda_from = asked
    cursors: dict[str, tuple[datetime, str]] = {}
    for name, value in (("after", after), ("before", before)):
        if value:
            position = decode_cursor(value)
            if position is None:
                errors.append(in_both("{name} is not a position this page gave (got: {value})", name=name, value=value))
            else:
                cursors[name] = position
    by_day: dict[date, list[AgendaItem]] = {}
    more: dict[date, int] = {}
    weeks: list[list[date]] = []
    pages: dict[str, str] = {}
    if view == "month":
        grid_start = first - timedelta(days=first.weekday())
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        grid_end = last + timedelta(days=7 - last.weekday())
        by_day, counts = month_items(engine, alliance, lang, grid_start, grid_end, conditions, DAY_SHOWN)
        more = {day: count - len(by_day.get(day, ())) for day, count in counts.items()}
        weeks = [
            [grid_start + timedelta(days=7 * w + d) for d in range(7)] for w in range((grid_end - grid_start).days // 7)
        ]
    else:
        page = agenda_page(
            engine,
            alliance,
            lang,
            agenda_from,
            agenda_from + timedelta(days=AGENDA_DAYS),
            conditions,
            after=cursors.get("after"),
            before=None if "after" in cursors else cursors.get("before"),
        )
        for item in page.items:
            if item.day < agenda_from:  # under way as the agenda begins: listed on its first day
                item = replace(item, day=agenda_from, ongoing=True)
            by_day.setdefault(item.day, []).append(item)
        query = filters.query(view="agenda", lang=lang, **({"from": start} if start and not errors else {}))
        if page.next:
            pages["next"] = f"/?{query}&after={page.next}"
        if page.previous:
            pages["previous"] = f"/?{query}&before={page.previous}"
        if page.previous is not None or cursors:
            pages["first"] = f"/?{query}"
        # past the window on either side, as a window of its own (the filters kept)
        window_end = agenda_from + timedelta(days=AGENDA_DAYS)
        window_before = agenda_from - timedelta(days=AGENDA_DAYS)
        if not page.next and window_end.year <= MONTHS_TO:
            pages["later"] = "/?" + filters.query(view="agenda", lang=lang, **{"from": window_end.isoformat()})
        if not page.previous and window_before.year >= MONTHS_FROM:
            pages["earlier"] = "/?" + filters.query(view="agenda", lang=lang, **{"from": window_before.isoformat()})
    prev_month = (first - timedelta(days=1)).replace(day=1)
    next_month = (first + timedelta(days=32)).replace(day=1)
    return render(
        request,
        "calendar/index.html",
        status_code=400 if errors or problems else 200,
        problems=problems,
        filters=filters,
        filter_query=filters.query(),
        filter_feed=filters.feed_path(),
        choices={**filter_choices(alliance, brands, lang), "audience": audience_choices(engine, tz)},
        alliance_name=alliance.name_in(lang),
        view=view,
        error=errors[0] if errors else None,
        today=today,
        first=first,
        weeks=weeks,
        by_day=by_day,
        more=more,
        agenda_days=sorted(by_day),
        agenda_from=agenda_from,
        agenda_last=agenda_from + timedelta(days=AGENDA_DAYS - 1),
        pages=pages,
        month_label=format_skeleton("yMMMM", first, locale=locale_of(lang)),  # 2026年12月 / December 2026
        prev_month=prev_month.strftime("%Y-%m"),
        next_month=next_month.strftime("%Y-%m"),
        this_month=first.strftime("%Y-%m"),
        weekday_names=pgettext(lang, "a month's columns", "Mon Tue Wed Thu Fri Sat Sun").split(),
        weekdays_long=WEEKDAYS_LONG,
        alliance_feed=catalog.alliance_link(lang),
        base=site.public_url,
        agenda_span=AGENDA_DAYS,
    )


@router.get("/subscribe", response_class=HTMLResponse, include_in_schema=False)
def subscribe_page(request: Request, site: Site) -> HTMLResponse:
    """Every feed the alliance offers, the libraries' grouped by district (with its branches and
    service points): kept off the calendar page, which links here (321 members' links made
    an empty calendar page 250 KB)."""
    lang = language(request)
    return render(
        request,
        "calendar/subscribe.html",
        alliance_name=site.alliance.name_in(lang),
        groups=site.catalog.groups(lang),
        base=site.public_url,
    )


def _parse(text: str, pattern: str) -> date | None:
    try:
        day = datetime.strptime(text, pattern).date()
    except ValueError:
        return None
    return day if MONTHS_FROM <= day.year <= MONTHS_TO else None


router.include_router(activity_router)
router.include_router(embed_router)


WEEKDAYS_LONG = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)
"""The agenda's day headings (msgids: 星期一 … in zh_CN)."""


def filter_choices(alliance: Alliance, brands: Mapping[str, Brand], lang: str) -> dict[str, list[tuple[str, str]]]:
    """The options of the calendar page's filter form: (value, label) per filter."""
    labels = EventLabels(language="en" if lang == "en" else "zh-CN")
    libraries: list[tuple[str, str]] = []

    def visit(library_id: str, depth: int) -> None:  # tree order, branches indented under their library
        libraries.append((library_id, "\u3000" * depth + alliance.member(library_id).name_in(lang)))
        for child in alliance.children(library_id):
            visit(child, depth + 1)

    for member in alliance.members:
        if member.parent is None:
            visit(member.id, 0)
    return {
        "library": libraries,
        "category": [(c.value, labels.category(c.value)) for c in Category],
        "brand": [(b.id, b.name) for b in brands.values()],
        "campaign": [(c.id, c.name_in(lang)) for c in alliance.campaigns],
    }


def audience_choices(engine: Engine, tz: ZoneInfo) -> list[tuple[str, str]]:
    """The audiences of the activities ahead, as the filter's options."""
    with engine.connect() as connection:
        return [(a, a) for a in audiences(connection, datetime.now(tz))]


@dataclass(frozen=True)
class AgendaItem:
    activity_id: str
    day: date
    time: str
    title: str
    place: str
    host: str
    category: str
    cancelled: bool
    recurring: bool
    last: date | None = None
    """The last day of a session running over several days (an exhibition); None: within a day."""
    ongoing: bool = False
    """Begun before the first day listed (the agenda lists it there, as under way)."""

    def days(self, first: date, end: date) -> list[date]:
        """The days of ``[first, end)`` the session runs on."""
        start, stop = max(self.day, first), min(self.last or self.day, end - timedelta(days=1))
        return [start + timedelta(days=n) for n in range((stop - start).days + 1)]


def _labels(alliance: Alliance, lang: str) -> EventLabels:
    return EventLabels(
        language="en" if lang == "en" else "zh-CN",
        library_names={m.id: m.name_in(lang) for m in alliance.members},
    )


Found = tuple[datetime, str, AgendaItem]
"""A session as a page lists it: its local start and activity id (the order), and its line."""


def _found(
    snapshots: Sequence[bytes], tz: ZoneInfo, start: datetime, end: datetime, labels: EventLabels
) -> list[Found]:
    """Every session of these stored activities overlapping ``[start, end)``."""
    out = []
    for snapshot in snapshots:
        activity = CanonicalActivity.model_validate_json(snapshot)
        for moment, shown in session_views(activity, tz, start, end):
            out.append((moment, activity.id, agenda_item(shown, moment, labels, tz)))
    return out


def month_items(
    engine: Engine, alliance: Alliance, lang: str, first: date, end: date, conditions: Sequence = (), per_day: int = 4
) -> tuple[dict[date, list[AgendaItem]], dict[date, int]]:
    """The first ``per_day`` sessions of each local day in ``[first, end)`` in time order, and how
    many each day has (of the activities meeting ``conditions``, see :func:`.filters.where`).

    Single sessions are counted from the index (start and id) and only the shown ones' snapshots
    read; series and spans are read through :func:`.window.rows_overlapping`."""
    tz = alliance.tz
    start_at, end_at = datetime.combine(first, time(0), tz), datetime.combine(end, time(0), tz)
    c = calendar_entry.c
    shown = [c.snapshot.is_not(None), *conditions]
    counts: Counter[date] = Counter()
    chosen: list[str] = []
    with engine.connect() as connection:
        singles = single_sessions([c.activity_id, c.starts_at], [c.starts_at >= start_at, c.starts_at < end_at, *shown])
        for row in connection.execute(singles):
            day = row.starts_at.astimezone(tz).date()
            counts[day] += 1
            if counts[day] <= per_day:
                chosen.append(row.activity_id)
        snapshots = list(connection.scalars(select(c.snapshot).where(c.activity_id.in_(chosen)))) if chosen else []
        spans = list(connection.scalars(rows_overlapping([c.snapshot], start_at, end_at, shown)))
    labels = _labels(alliance, lang)
    by_day: dict[date, list[Found]] = {}
    for found in _found(snapshots, tz, start_at, end_at, labels):
        by_day.setdefault(found[2].day, []).append(found)
    for found in _found(spans, tz, start_at, end_at, labels):
        for day in found[2].days(first, end):  # an exhibition: on every day it runs, as calendars' month views
            counts[day] += 1
            by_day.setdefault(day, []).append(found)
    return {day: [f[2] for f in sorted(items, key=_order)[:per_day]] for day, items in by_day.items()}, dict(counts)


def _order(found: Found) -> tuple[datetime, str]:
    return found[0], found[1]


@dataclass(frozen=True)
class AgendaPage:
    items: list[AgendaItem]
    next: str | None
    """The cursor of the next page (``?after=``); None: this is the last."""
    previous: str | None
    """The cursor of the page before (``?before=``); None: this is the first."""


def agenda_page(
    engine: Engine,
    alliance: Alliance,
    lang: str,
    first: date,
    end: date,
    conditions: Sequence = (),
    *,
    after: tuple[datetime, str] | None = None,
    before: tuple[datetime, str] | None = None,
    size: int = AGENDA_PAGE,
) -> AgendaPage:
    """``size`` sessions of the local days ``[first, end)`` in (start, id) order: the first ones
    (with what is under way as ``first`` begins), those after the cursor ``after``, or those
    before ``before``.

    Single sessions are read in index order up to ``size + 1`` (a LIMIT); the rows of series and
    spans only up to where that page ends (the start of the one after it)."""
    tz = alliance.tz
    lo, hi = datetime.combine(first, time(0), tz), datetime.combine(end, time(0), tz)
    c = calendar_entry.c
    columns = [c.activity_id, c.starts_at, c.snapshot]
    shown = [c.snapshot.is_not(None), *conditions]
    bounded = [c.starts_at >= lo, c.starts_at < hi, *shown]
    labels = _labels(alliance, lang)
    if before is not None:
        moment, activity_id = before
        earlier = [c.starts_at <= moment, or_(c.starts_at < moment, c.activity_id < activity_id)]
        query = (
            select(*columns)
            .where(c.span_class == SINGLE, *bounded, *earlier)
            .order_by(c.starts_at.desc(), c.activity_id.desc())
            .limit(size + 1)
        )
        with engine.connect() as connection:
            singles = list(connection.execute(query))
            if len(singles) <= size:  # back at the start: the first page, as it is without a cursor
                return agenda_page(engine, alliance, lang, first, end, conditions, size=size)
            floor = singles[size].starts_at
            spans = list(connection.scalars(rows_overlapping([c.snapshot], floor, moment + TICK, shown)))
        found = _found([r.snapshot for r in singles], tz, lo, hi, labels) + [
            f for f in _found(spans, tz, floor, moment + TICK, labels) if floor <= f[0] and _order(f) < before
        ]
        page = sorted(found, key=_order)[-size:]
        return AgendaPage(
            [f[2] for f in page], next=encode_cursor(*_order(page[-1])), previous=encode_cursor(*_order(page[0]))
        )
    later = []
    if after is not None:
        moment, activity_id = after
        later = [c.starts_at >= moment, or_(c.starts_at > moment, c.activity_id > activity_id)]
    with engine.connect() as connection:
        singles = list(connection.execute(single_sessions(columns, [*bounded, *later]).limit(size + 1)))
        ceiling = singles[size].starts_at + TICK if len(singles) > size else hi
        floor = after[0] if after is not None else lo
        spans = list(connection.scalars(rows_overlapping([c.snapshot], floor, ceiling, shown)))
    found = _found([r.snapshot for r in singles], tz, lo, hi, labels) + [
        f for f in _found(spans, tz, floor, ceiling, labels) if after is None or _order(f) > after
    ]
    found.sort(key=_order)
    page = found[:size]
    return AgendaPage(
        [f[2] for f in page],
        next=encode_cursor(*_order(page[-1])) if len(found) > size else None,
        previous=encode_cursor(*_order(page[0])) if after is not None and page else None,
    )


TICK = timedelta(microseconds=1)


def session_views(activity: CanonicalActivity, tz: ZoneInfo, start: datetime, end: datetime):
    """(local start, the activity as that session is) for each session in range, as the feed shows it:
    a moved session with its own time and venue, one cancelled on its own marked cancelled."""
    for session in sessions(activity, tz, start, end):
        yield session.starts_at.astimezone(tz), as_shown(activity, session)


def agenda_item(activity: CanonicalActivity, moment: datetime, labels: EventLabels, tz: ZoneInfo) -> AgendaItem:
    local, ends = moment.astimezone(tz), (moment + (activity.ends_at - activity.starts_at)).astimezone(tz)
    span = span_label(local, ends, activity.all_day)
    when = gettext(labels.language, "All day")
    if span:
        when = span
    elif not activity.all_day:
        when = f"{local:%H:%M}–{ends:%H:%M}"
    venue = activity.venue
    place = venue.name or gettext(labels.language, "Online")
    return AgendaItem(
        activity_id=activity.id,
        day=moment.astimezone(tz).date(),
        time=when,
        title=activity.title,
        place=place,
        host=labels.library(activity.host_library_id),
        category=labels.category(activity.category),
        cancelled=activity.status == Status.cancelled,
        recurring=bool(activity.recurrence),
        last=last_day(local, ends, activity.all_day) if span else None,
    )
