"""The calendar on the web: ``/feeds/...`` (a thin ASGI app) and the calendar page at ``/``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
from fastapi import APIRouter, Request
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

from .activity_page import router as activity_router
from .asgi import FeedsApp
from .embed import router as embed_router
from .filters import parse_filters, where
from .search import audiences
from .service import feed_store
from .site import Site, brand_catalog
from .tables import calendar_entry

AGENDA_DAYS = 60
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
def calendar_page(request: Request, site: Site, view: str = "month", month: str | None = None) -> HTMLResponse:
    alliance, engine, catalog = site.alliance, site.engine, site.catalog
    lang = language(request)
    tz = alliance.tz
    today = datetime.now(tz).date()
    error = None
    brands = catalog.brands()
    filters, problems = parse_filters(request.query_params, alliance, brands)
    conditions = where(filters, alliance, engine.dialect.name, site.brand_links)
    first = today.replace(day=1)
    if month:
        try:
            asked = datetime.strptime(month, "%Y-%m").date()
        except ValueError:
            asked = None
        if asked is None or not MONTHS_FROM <= asked.year <= MONTHS_TO:
            error = in_both(
                "month must be YYYY-MM between {start} and {end} (got: {month})",
                start=MONTHS_FROM,
                end=MONTHS_TO,
                month=month,
            )
        else:
            first = asked
    view = "agenda" if view == "agenda" else "month"
    if view == "month":
        start = first - timedelta(days=first.weekday())
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        end = last + timedelta(days=7 - last.weekday())
    else:
        start, end = today, today + timedelta(days=AGENDA_DAYS)
    items = agenda_items(engine, alliance, lang, start, end, conditions)
    by_day: dict[date, list[AgendaItem]] = {}
    for item in items:
        by_day.setdefault(item.day, []).append(item)
    weeks = [[start + timedelta(days=7 * w + d) for d in range(7)] for w in range((end - start).days // 7)]
    prev_month = (first - timedelta(days=1)).replace(day=1)
    next_month = (first + timedelta(days=32)).replace(day=1)
    return render(
        request,
        "calendar/index.html",
        status_code=400 if error or problems else 200,
        problems=problems,
        filters=filters,
        filter_query=filters.query(),
        filter_feed=filters.feed_path(),
        choices={**filter_choices(alliance, brands, lang), "audience": audience_choices(engine, tz)},
        alliance_name=alliance.name_in(lang),
        view=view,
        error=error,
        today=today,
        first=first,
        weeks=weeks,
        by_day=by_day,
        agenda_days=sorted(by_day),
        month_label=format_skeleton("yMMMM", first, locale=locale_of(lang)),  # 2026年12月 / December 2026
        prev_month=prev_month.strftime("%Y-%m"),
        next_month=next_month.strftime("%Y-%m"),
        this_month=first.strftime("%Y-%m"),
        weekday_names=pgettext(lang, "a month's columns", "Mon Tue Wed Thu Fri Sat Sun").split(),
        weekdays_long=WEEKDAYS_LONG,
        groups=catalog.groups(lang),
        base=site.public_url,
        agenda_span=AGENDA_DAYS,
    )


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


def agenda_items(
    engine: Engine, alliance: Alliance, lang: str, first: date, end: date, conditions: Sequence = ()
) -> list[AgendaItem]:
    """Every occurrence of a stored activity on the local days ``[first, end)``, in time order
    (of those meeting ``conditions``, see :func:`.filters.where`)."""
    tz = alliance.tz
    start_at = datetime.combine(first, time(0), tz)
    end_at = datetime.combine(end, time(0), tz)
    c = calendar_entry.c
    query = select(c.snapshot).where(
        c.snapshot.is_not(None), c.starts_at < end_at, or_(c.until.is_(None), c.until > start_at), *conditions
    )
    with engine.connect() as connection:
        activities = [CanonicalActivity.model_validate_json(row.snapshot) for row in connection.execute(query)]
    labels = EventLabels(
        language="en" if lang == "en" else "zh-CN",
        library_names={m.id: m.name_in(lang) for m in alliance.members},
    )
    found: list[tuple[datetime, str, AgendaItem]] = []
    for activity in activities:
        for moment, shown in session_views(activity, tz, start_at, end_at):
            found.append((moment, activity.id, agenda_item(shown, moment, labels, tz)))
    found.sort(key=lambda f: (f[0], f[1]))
    return [f[2] for f in found]


def session_views(activity: CanonicalActivity, tz: ZoneInfo, start: datetime, end: datetime):
    """(local start, the activity as that session is) for each session in range, as the feed shows it:
    a moved session with its own time and venue, one cancelled on its own marked cancelled."""
    for session in sessions(activity, tz, start, end):
        yield session.starts_at.astimezone(tz), as_shown(activity, session)


def agenda_item(activity: CanonicalActivity, moment: datetime, labels: EventLabels, tz: ZoneInfo) -> AgendaItem:
    ends = moment + (activity.ends_at - activity.starts_at)
    when = gettext(labels.language, "All day")
    if not activity.all_day:
        when = f"{moment.astimezone(tz):%H:%M}–{ends.astimezone(tz):%H:%M}"
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
    )
