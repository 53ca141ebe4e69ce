"""An activity's public page, ``/activities/{id}``, and its single-event ``.ics``.

What a reader reached through a WeChat post, the culture cloud or a friend's link needs
on one page: when (every session ahead), where (venue and address), who (the credited
libraries in their roles), for whom, what (the description, limited formatting), how to
sign up, how to add it to a calendar, and a link with a QR code to pass on.  OpenGraph
tags give link previews in chat apps.  The page reads the calendar service's own stored
snapshot (``calendar_entry.snapshot``), never another service's tables.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

import nh3
import segno
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlalchemy import Engine, select

from shuxiang.alliance import Alliance
from shuxiang.calendars import EventLabels, assemble_feed
from shuxiang.calendars.recurrence import excluded_sessions
from shuxiang.calendars.recurrence import sessions as all_sessions
from shuxiang.i18n import N_, gettext
from shuxiang.pages import language, render
from shuxiang.schemas import CanonicalActivity, Status

from .site import Site
from .tables import calendar_entry

SESSIONS_SHOWN = 12
"""A series page lists this many sessions ahead (the .ics carries the whole rule)."""

DESCRIPTION_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "a", "blockquote", "h3", "h4"}
"""The formatting a description may keep: emphasis, lists, paragraphs and links (no images,
scripts, styles, iframes or forms: nh3 drops them with their content where dangerous)."""

_BLOCK = re.compile(r"<\s*/?\s*(p|br|ul|ol|li|blockquote|h3|h4|div)\b", re.IGNORECASE)


def stored_activity(engine: Engine, activity_id: str) -> tuple[CanonicalActivity, bytes] | None:
    """The calendar's stored snapshot of one activity and its VEVENT fragment; None if unknown."""
    c = calendar_entry.c
    with engine.connect() as connection:
        row = connection.execute(
            select(c.snapshot, c.vevent).where(c.activity_id == activity_id, c.snapshot.is_not(None))
        ).first()
    if row is None:
        return None
    return CanonicalActivity.model_validate_json(row.snapshot), row.vevent


def description_html(text: str | None) -> Markup:
    """The description as safe HTML: allowed tags kept, everything else removed by nh3.

    Text without block markup (what the member form sends, perhaps with <strong>) becomes
    paragraphs and line breaks; text laid out with <p>, lists… is cleaned as it is.
    """
    if not text or not text.strip():
        return Markup("")
    if not _BLOCK.search(text):  # plain text, maybe with inline emphasis: its line breaks are its layout
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
        text = "".join("<p>" + "<br>".join(p.split("\n")) + "</p>" for p in paragraphs)
    cleaned = nh3.clean(
        text,
        tags=DESCRIPTION_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow ugc",
    )
    return Markup(cleaned)  # sanitised by nh3 just above


def qr_svg(url: str, title: str) -> Markup:
    """The URL as a QR code, inline SVG (no script, no image request)."""
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(scale=4, border=2, title=title, dark="#1f2a37", light="#ffffff")
    return Markup(svg)  # segno's own SVG; it escapes the title


def public_base(site_url: str | None, request: Request) -> str:
    """The site's public address: the configured one (the alliance's ``base_url``, else
    ``SHUXIANG_BASE_URL``), else the one the request came to."""
    return (site_url or str(request.base_url)).rstrip("/")


def webcal(url: str) -> str:
    parts = urlsplit(url)
    return f"webcal://{parts.netloc}{parts.path}" + (f"?{parts.query}" if parts.query else "")


@dataclass(frozen=True)
class Session:
    date: str
    time: str
    past: bool
    cancelled: bool = False
    """Called off on its own (an override, or an EXDATE), the rest of the series held."""
    place: str | None = None
    """The session's own venue, where it differs from the activity's (a moved session)."""


def sessions(activity: CanonicalActivity, alliance: Alliance, lang: str, now: datetime) -> tuple[list[Session], bool]:
    """The sessions to list (a series: the next ones, or the last if all are past); whether more follow.

    As the feed and the agenda show them (:func:`~shuxiang.calendars.recurrence.sessions`): a moved
    session at its time with its own venue, one cancelled on its own — or taken away by an EXDATE —
    listed and marked cancelled, so that a reader who saw it announced learns it is off."""
    tz = alliance.tz
    if activity.recurrence:
        horizon = now + timedelta(days=3 * 366)
        ahead = sorted(
            all_sessions(activity, tz, now, horizon) + excluded_sessions(activity, tz, now, horizon),
            key=lambda s: s.starts_at,
        )
        if not ahead:
            ahead = all_sessions(activity, tz, activity.starts_at, now)[-1:]
        more = len(ahead) > SESSIONS_SHOWN
        chosen = ahead[:SESSIONS_SHOWN]
    else:
        chosen, more = all_sessions(activity, tz), False
    weekdays = [gettext(lang, day) for day in WEEKDAYS]
    out = []
    for session in chosen:
        local, end = session.starts_at.astimezone(tz), session.ends_at.astimezone(tz)
        day = f"{local:%Y-%m-%d} {weekdays[local.weekday()]}"
        if activity.all_day:
            last = last_day(local, end, all_day=True)
            span = gettext(lang, "All day")
            when = span if last == local.date() else f"{span} – {last:%Y-%m-%d}"
        elif end.date() == local.date():
            when = f"{local:%H:%M}–{end:%H:%M}"
        else:
            when = f"{local:%H:%M} – {end:%Y-%m-%d %H:%M}"
        own = session.venue != activity.venue
        out.append(
            Session(
                date=day,
                time=when,
                past=session.ends_at < now,
                cancelled=session.status is Status.cancelled and activity.status is not Status.cancelled,
                place=(session.venue.name or gettext(lang, "Online")) if own else None,
            )
        )
    return out, more


def last_day(starts_at: datetime, ends_at: datetime, all_day: bool) -> date:
    """The local day a session ends on (``starts_at``/``ends_at`` in the zone shown): an all-day
    session's end is the midnight after its last day, which is not a day it runs; a timed session of
    less than a day is its first day's (an evening's reading till 00:30 is that evening's — the month
    put it in the next day's cell too, where that day's agenda did not list it)."""
    if all_day and ends_at > starts_at and ends_at.time() == time(0):
        return (ends_at - timedelta(days=1)).date()
    if not all_day and ends_at - starts_at < timedelta(days=1):
        return starts_at.date()
    return ends_at.date()


def span_label(starts_at: datetime, ends_at: datetime, all_day: bool) -> str | None:
    """``11-29 09:00 – 12-19 17:00`` (all day: ``11-29 – 12-19``) for a session running over more
    than one day, None for one within a day (local times)."""
    last = last_day(starts_at, ends_at, all_day)
    if last <= starts_at.date():
        return None
    if all_day:
        return f"{starts_at:%m-%d} – {last:%m-%d}"
    return f"{starts_at:%m-%d %H:%M} – {ends_at:%m-%d %H:%M}"


WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"), N_("Sunday"))
"""A session's day (星期一 … in zh_CN), as the calendar's agenda says it."""


def address(activity: CanonicalActivity, alliance: Alliance) -> str | None:
    """The venue's address: as announced, else the alliance's venue directory, else the host's."""
    if activity.venue.address and activity.venue.address.strip():
        return activity.venue.address.strip()
    venue = alliance.venue(activity.venue.venue_id) if activity.venue.venue_id else None
    if venue and venue.address:
        return venue.address
    host = alliance.member(activity.host_library_id)
    return host.address if host and activity.venue.name and not activity.venue.online_url else None


router = APIRouter()
"""The page and the .ics of each activity (:class:`~.site.CalendarSite`: the brands by id, the
configured public address, the sign-up form of an activity that takes registrations)."""


def missing(request: Request, alliance: Alliance, activity_id: str) -> HTMLResponse:
    lang = language(request)
    return render(
        request,
        "calendar/activity_missing.html",
        status_code=404,
        alliance_name=alliance.name_in(lang),
        activity_id=activity_id,
    )


@router.get("/activities/{activity_id}.ics", include_in_schema=False)
def activity_ics(request: Request, activity_id: str, site: Site) -> Response:
    found = stored_activity(site.engine, activity_id)
    if found is None:
        return missing(request, site.alliance, activity_id)
    activity, vevent = found
    if language(request) == "en":  # the stored fragment has the feeds' Chinese labels
        vevent = site.english.vevent(activity)
    body = assemble_feed(
        [vevent],
        name=activity.title,
        tz=site.alliance.tz,
        url=f"{public_base(site.site_url, request)}/activities/{activity.id}.ics",
    )
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{activity.id}.ics"'},
    )


@router.get("/activities/{activity_id}", response_class=HTMLResponse, include_in_schema=False)
def activity_page(request: Request, activity_id: str, site: Site) -> HTMLResponse:
    found = stored_activity(site.engine, activity_id)
    if found is None:
        return missing(request, site.alliance, activity_id)
    activity, _ = found
    alliance, posters, signup = site.alliance, site.posters, site.signup
    members = {m.id: m for m in alliance.members}
    lang = language(request)
    labels = EventLabels(
        language="en" if lang == "en" else "zh-CN",
        library_names={m.id: m.name_in(lang) for m in alliance.members},
    )
    base = public_base(site.site_url, request)
    url = f"{base}/activities/{activity.id}"
    shown, more = sessions(activity, alliance, lang, datetime.now(alliance.tz))
    host = activity.host_library_id
    organisers = [
        (labels.library(o.library_id), labels.words.roles.get(o.role, o.role), o.library_id in members)
        for o in activity.organizers
    ]
    brand = site.brands().get(activity.brand_id) if activity.brand_id else None
    campaign = alliance.campaign(activity.campaign_id) if activity.campaign_id else None
    size = posters.size(activity.poster) if posters and activity.poster else None
    plain = html.unescape(nh3.clean(activity.description or "", tags=set())).strip()  # text: Jinja escapes it
    summary = plain[:150] + ("…" if len(plain) > 150 else "")
    return render(
        request,
        "calendar/activity.html",
        alliance_name=alliance.name_in(lang),
        activity=activity,
        cancelled=activity.status == Status.cancelled,
        category=labels.category(activity.category),
        sessions=shown,
        more_sessions=more,
        series=bool(activity.recurrence),
        place=activity.venue.name,
        address=address(activity, alliance),
        online_url=str(activity.venue.online_url) if activity.venue.online_url else None,
        organisers=organisers,
        host_name=labels.library(host),
        brand_name=brand.name if brand else None,
        brand_id=brand.id if brand else None,
        campaign_name=campaign.name_in(lang) if campaign else None,
        description=description_html(activity.description),
        summary=summary,
        url=url,
        ics_url=f"/activities/{activity.id}.ics" + ("?lang=en" if lang == "en" else ""),
        webcal_url=webcal(f"{base}/feeds/libraries/{host}.ics"),
        library_feed=f"/feeds/libraries/{host}.ics",
        qr=qr_svg(url, activity.title),
        og_locale="en_US" if lang == "en" else "zh_CN",
        poster_url=f"{base}/posters/{activity.poster}" if size else None,
        poster_width=size[0] if size else None,
        poster_height=size[1] if size else None,
        signup=signup(request, activity.id) if signup and activity.status != Status.cancelled else None,
    )
