"""The calendar on members' own websites: upcoming activities as a small HTML page for an
``<iframe>`` (or, with ``?bare=1``, the bare fragment for a server-side include) and as
read-only JSON with CORS for sites that draw their own.

Many member libraries' sites are run by a county IT office that allows an iframe or an
include but no third-party script, so the HTML needs no JavaScript.  Both take the calendar
page's filters (``library``, ``include=branches``, ``category``, ``brand``, ``campaign``, ``q``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import Engine

from shuxiang.alliance import Alliance
from shuxiang.calendars import EventLabels
from shuxiang.calendars.recurrence import occurrences
from shuxiang.i18n import gettext
from shuxiang.pages import environment, language
from shuxiang.schemas import CanonicalActivity, Status

from .activity_page import last_day, public_base, span_label
from .filters import parse_filters, where
from .site import CalendarSite, Site
from .tables import calendar_entry
from .window import SINGLE, SPANS, rows_overlapping, single_sessions

DEFAULT_LIMIT, MAX_LIMIT = 10, 50
DEFAULT_DAYS, MAX_DAYS = 60, 366
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET", "Vary": "Accept-Language"}
CACHE = {"Cache-Control": "public, max-age=300"}
"""Five minutes: an embed is fetched by every visitor of a member's site."""


def upcoming(
    engine: Engine, alliance: Alliance, conditions: Sequence, now: datetime, days: int, limit: int
) -> list[tuple[datetime, CanonicalActivity]]:
    """The next ``limit`` sessions (start, activity) ending after ``now`` within ``days``: single
    sessions read in index order up to ``limit``, series and spans up to where those end
    (:mod:`.window`), not every activity before ``now + days``."""
    end = now + timedelta(days=days)
    c = calendar_entry.c
    shown = [c.snapshot.is_not(None), *conditions]
    singles = single_sessions(
        [c.snapshot, c.starts_at], [c.starts_at >= now - SPANS[SINGLE], c.starts_at < end, c.until > now, *shown]
    ).limit(limit)
    with engine.connect() as connection:
        rows = list(connection.execute(singles))
        ceiling = rows[-1].starts_at + timedelta(microseconds=1) if len(rows) == limit else end
        spans = list(connection.scalars(rows_overlapping([c.snapshot], now, ceiling, shown)))
    stored = [CanonicalActivity.model_validate_json(snapshot) for snapshot in [r.snapshot for r in rows] + spans]
    found = [(moment, a) for a in stored for moment in occurrences(a, alliance.tz, now, end)]
    found.sort(key=lambda f: (f[0], f[1].id))
    return found[:limit]


def _span(moment: datetime, activity: CanonicalActivity, tz) -> tuple[datetime, str | None]:
    """A session's local start, and ``11-29 – 12-19`` when it runs over several days (an exhibition
    listed under its first day looked as if it happened then)."""
    start = moment.astimezone(tz)
    ends = (moment + (activity.ends_at - activity.starts_at)).astimezone(tz)
    span = span_label(start, ends, activity.all_day)
    return start, span and f"{start:%m-%d} – {last_day(start, ends, activity.all_day):%m-%d}"


def _bounded(raw: str | None, default: int, most: int) -> int:
    try:
        return max(1, min(int(raw), most)) if raw else default
    except ValueError:
        return default


router = APIRouter()


def select_sessions(request: Request, site: CalendarSite):
    alliance, engine = site.alliance, site.engine
    params = request.query_params
    filters, problems = parse_filters(params, alliance, site.brands())
    conditions = where(filters, alliance, engine.dialect.name, site.brand_links)
    now = datetime.now(alliance.tz)
    days = _bounded(params.get("days"), DEFAULT_DAYS, MAX_DAYS)
    limit = _bounded(params.get("limit"), DEFAULT_LIMIT, MAX_LIMIT)
    return filters, problems, upcoming(engine, alliance, conditions, now, days, limit)


def labels(alliance: Alliance, lang: str) -> EventLabels:
    return EventLabels(
        language="en" if lang == "en" else "zh-CN",
        library_names={m.id: m.name_in(lang) for m in alliance.members},
    )


@router.get("/embed/activities.html", response_class=HTMLResponse, include_in_schema=False)
def embed_html(request: Request, site: Site) -> HTMLResponse:
    lang = language(request)
    words = labels(site.alliance, lang)
    filters, problems, sessions = select_sessions(request, site)
    base = public_base(site.site_url, request)
    tz = site.alliance.tz
    now = datetime.now(tz)
    rows = [
        {
            "url": f"{base}/activities/{a.id}?lang={lang}",
            "day": span or f"{start:%m-%d}",
            "time": "" if span else gettext(lang, "All day") if a.all_day else f"{start:%H:%M}",
            "ongoing": moment < now,
            "title": a.title,
            "host": words.library(a.host_library_id),
            "place": a.venue.name or gettext(lang, "Online"),
            "cancelled": a.status == Status.cancelled,
        }
        for moment, a in sessions
        for start, span in [_span(moment, a, tz)]
    ]
    html = (
        environment()
        .get_template("calendar/embed.html")
        .render(
            lang=lang,
            rows=rows,
            problems=problems,
            bare=request.query_params.get("bare") == "1",
            more_url=f"{base}/?view=agenda&lang={lang}&{filters.query()}",
            alliance_name=site.alliance.name_in(lang),
        )
    )
    # made to be framed by members' sites: no X-Frame-Options, links open outside the frame
    return HTMLResponse(html, status_code=400 if problems else 200, headers={**CACHE, **CORS})


@router.get("/embed/activities.json", tags=["activities"])
def embed_json(request: Request, site: Site) -> JSONResponse:
    """Upcoming sessions for members' websites: read-only, any origin (CORS), the calendar
    page's filters (``library``, ``include=branches``, ``category``, ``brand``, ``campaign``,
    ``q``), ``limit`` (≤ 50) and ``days`` ahead (≤ 366)."""
    lang = language(request)
    words = labels(site.alliance, lang)
    filters, problems, sessions = select_sessions(request, site)
    if problems:
        return JSONResponse(
            {"error": [p[1] if lang == "en" else p[0] for p in problems]}, status_code=400, headers=CORS
        )
    base = public_base(site.site_url, request)
    tz = site.alliance.tz
    now = datetime.now(tz)
    items = [
        {
            "id": a.id,
            "title": a.title,
            "starts_at": moment.astimezone(tz).isoformat(),
            "ends_at": (moment + (a.ends_at - a.starts_at)).astimezone(tz).isoformat(),
            "all_day": a.all_day,
            "ongoing": moment < now,
            "status": a.status.value,
            "category": a.category.value,
            "category_name": words.category(a.category),
            "host": {"library_id": a.host_library_id, "name": words.library(a.host_library_id)},
            "venue": {"name": a.venue.name, "address": a.venue.address},
            "audience": a.audience,
            "registration_url": str(a.registration_url) if a.registration_url else None,
            "url": f"{base}/activities/{a.id}",
            "poster": f"{base}/posters/{a.poster}" if a.poster else None,
        }
        for moment, a in sessions
    ]
    return JSONResponse({"activities": items, "feed": f"{base}/feeds/{filters.feed_path()}"}, headers={**CACHE, **CORS})
