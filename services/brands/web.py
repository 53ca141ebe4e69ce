"""HTTP for brands: the 一馆一品 page, each brand's page, the registry API.

Writes (registering a brand, correcting a link) are under ``/api/v1/brands`` and the
``/brands/new`` form, behind an account (``services/intake/auth.py``): a coordinator
registers brands of libraries inside its scope; a link is corrected by the brand's owning
library or a coordinator whose scope holds the activity's libraries.  Who acts is the
account, never a name in the body.  The figures and pages are public.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, tzinfo
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.routing import APIRoute
from pydantic import ValidationError
from sqlalchemy import Engine, select

from shuxiang.alliance import Alliance, Brand
from shuxiang.calendars import EventLabels
from shuxiang.events.streams import BRAND_DECIDED
from shuxiang.events.tables import dead_letter, inbox
from shuxiang.i18n import N_, both, gettext, in_both
from shuxiang.pages import language, problem_page, render
from shuxiang.schemas.errors import describe, said_in
from shuxiang.schemas.submission import Category
from shuxiang.services.deps import AllianceDep, EventPublisher, Publisher, per_app, reader_of
from shuxiang.services.intake.auth import Accounts, Auth, Coordinator, Signed, actor, problem
from shuxiang.services.intake.security import SESSION_COOKIE

from .charts import EMPTY, SHADES, HeatRow, heatmap, monthly_bars, yearly_spark
from .figures import BrandActivity
from .registry import (
    BrandCreate,
    LinkCorrected,
    LinkCorrection,
    RegistryError,
    check_correction,
    check_registration,
    registration_message_id,
)
from .service import DECISIONS_CONSUMER, NAME, local_today
from .store import BrandEntry, BrandsReport, brand_entry, brands_report
from .tables import brands_activity, brands_activity_library

CATEGORY_NAMES = {
    c.value: (EventLabels("zh-CN").category(c.value), EventLabels("en").category(c.value)) for c in Category
}
"""The calendar's names of categories (calendars.EventLabels), the ones the feeds and the other pages use."""
Today = Annotated[
    date | None,
    Query(
        ge=date(1949, 1, 1),
        le=date(2100, 12, 31),
        description="the day figures are computed for (default: today), 1949–2100",
    ),
]
"""Bounded: the pages chart every year from the first session to ``today`` (9999-12-31 made a 243 MB page)."""
STATUS_NAMES = {"active": N_("active"), "quiet": N_("quiet"), "lapsed": N_("lapsed")}


def _field(loc: tuple) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or "(" + both("request") + ")"


class ClearErrorsRoute(APIRoute):
    """A 422 that says what is wrong and where, in Chinese and English, without echoing input."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def clear_errors(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                if request.method in ("GET", "HEAD") and not request.url.path.startswith("/api/"):
                    lang = language(request)
                    said = "; ".join(f"{_field(tuple(e['loc']))}: {said_in(e, lang)}" for e in exc.errors())
                    return problem_page(request, 422, said)
                problems = [{"field": _field(tuple(e["loc"])), "message": e["msg"]} for e in exc.errors()]
                text = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
                return JSONResponse(
                    {"detail": both("invalid request: {problems}", problems=text), "errors": problems}, status_code=422
                )

        return clear_errors


BrandsReader = Annotated[Engine, Depends(reader_of(NAME))]


def _satisfaction_of(context):
    from shuxiang.services.registrations.service import satisfaction_of

    return satisfaction_of(context)


Satisfaction = Annotated[Callable[[list[str]], Any], Depends(per_app(_satisfaction_of))]
"""``satisfaction(activity_ids)``: readers' 满意度 of those activities (the registrations service's)."""

router = APIRouter(route_class=ClearErrorsRoute)


def rated(satisfaction, entry) -> dict | None:
    found = satisfaction([a.activity_id for a in entry.activities]) if satisfaction else None
    return found.as_json() if found and found.rated else None


def report(reader: Engine, alliance: Alliance, today: date | None) -> BrandsReport:
    return brands_report(reader, alliance, today or local_today(alliance))


# -- JSON API ----------------------------------------------------------------------


@router.get("/api/v1/brands", tags=["brands"])
def list_brands(reader: BrandsReader, alliance: AllianceDep, today: Today = None):
    """Every brand (the alliance file's and registered ones) with its figures, and the 一馆一品 coverage."""
    result = report(reader, alliance, today)
    cov = result.coverage
    return {
        "today": result.today.isoformat(),
        "brands": [_brand_json(e, alliance.tz) for e in result.entries],
        "coverage": {
            "members_without_brand": list(cov.members_without_brand),
            "heads_without_brand": list(cov.heads_without_brand),
            "active": list(cov.active),
            "quiet": list(cov.quiet),
            "lapsed": list(cov.lapsed),
        },
    }


@router.post("/api/v1/brands", tags=["brands"], status_code=201)
async def create_brand(
    body: BrandCreate, who: Coordinator, auth: Accounts, reader: BrandsReader, alliance: AllianceDep, bus: Publisher
) -> JSONResponse:
    """Register a brand of a library inside the coordinator's scope (``registered_by``: the account).
    The decision is logged in SUBMISSIONS and applied by the brands service: 201 once applied."""
    body = _registering(body, who, auth)
    try:
        await _decide(
            bus,
            reader,
            alliance,
            lambda c: check_registration(c, alliance, body),
            brand_subject("registered", body.registered_by),
            registration_message_id(body),
            body.model_dump_json().encode(),
        )
    except RegistryError as exc:
        return _problem(exc.status, exc.message)
    except TimeoutError:
        return JSONResponse({"detail": both(ACCEPTED)}, status_code=202)
    return JSONResponse(
        body.brand().model_dump(mode="json"), status_code=201, headers={"Location": f"/api/v1/brands/{body.id}"}
    )


@router.get("/api/v1/brands/links", tags=["brands"])
def list_links(
    reader: BrandsReader,
    link: str | None = Query(None, pattern="^(explicit|inferred|corrected)$"),
    brand_id: str | None = None,
    limit: int = Query(200, ge=1, le=2000),
) -> list[dict]:
    """Activities and the brand they are linked to, e.g. ``?link=inferred`` to review inferred links."""
    query = select(
        brands_activity.c.activity_id,
        brands_activity.c.title,
        brands_activity.c.starts_at,
        brands_activity.c.brand_id,
        brands_activity.c.link,
        brands_activity.c.declared_brand_id,
        brands_activity.c.inferred_brand_id,
    ).where(brands_activity.c.link.is_not(None))
    if link:
        query = query.where(brands_activity.c.link == link)
    if brand_id:
        query = query.where(brands_activity.c.brand_id == brand_id)
    query = query.order_by(brands_activity.c.starts_at.desc()).limit(limit)
    with reader.connect() as connection:
        return [{**row._asdict(), "starts_at": row.starts_at.isoformat()} for row in connection.execute(query)]


@router.put("/api/v1/brands/links/{activity_id}", tags=["brands"])
async def put_link(
    activity_id: str,
    body: LinkCorrection,
    who: Signed,
    auth: Accounts,
    reader: BrandsReader,
    alliance: AllianceDep,
    bus: Publisher,
) -> JSONResponse:
    """Correct an activity's brand (the brand's owning library — linking only an activity it hosts or
    co-organises, unlinking any from its brand — or a coordinator whose scope holds the activity's
    libraries); later versions keep it.  ``corrected_by``: the account."""
    body = body.model_copy(update={"corrected_by": actor(who, body.corrected_by, "corrected_by")})
    event = LinkCorrected(**body.model_dump(), activity_id=activity_id, decided_at=datetime.now(UTC))
    previous: list[str | None] = []

    def check(connection) -> None:
        check_correction(connection, alliance, activity_id, body)
        libraries = connection.scalars(
            select(brands_activity_library.c.library_id).where(brands_activity_library.c.activity_id == activity_id)
        ).all()
        if who.is_library and body.brand_id is not None and who.name not in libraries:  # another's activity
            raise RegistryError(
                403,
                both(
                    "activity {id} is not one of your library's (it neither hosts nor co-organises it): "
                    "a coordinator may link it",
                    id=activity_id,
                ),
            )
        if not who.is_library and not auth.in_scope(who, *libraries):
            raise RegistryError(403, both("activity {id} is outside your scope", id=activity_id))
        previous.append(
            connection.scalar(select(brands_activity.c.brand_id).where(brands_activity.c.activity_id == activity_id))
        )

    try:
        await _decide(
            bus,
            reader,
            alliance,
            check,
            brand_subject("corrected", body.corrected_by),
            event.message_id(),
            event.model_dump_json().encode(),
        )
    except RegistryError as exc:
        return _problem(exc.status, exc.message)
    except TimeoutError:
        return JSONResponse({"detail": both(ACCEPTED)}, status_code=202)
    return JSONResponse(
        {
            "activity_id": activity_id,
            "brand_id": body.brand_id,
            "link": "corrected",
            "previous_brand_id": previous[0],
        }
    )


@router.get("/api/v1/brands/{brand_id}", tags=["brands"])
def get_brand(
    brand_id: str, reader: BrandsReader, alliance: AllianceDep, satisfaction: Satisfaction, today: Today = None
):
    """One brand with its figures and its activities (sessions held and scheduled)."""
    entry = brand_entry(reader, alliance, brand_id, today or local_today(alliance))
    if entry is None:
        return _problem(404, both("no such brand: {id}", id=brand_id))
    activities = sorted(entry.activities, key=lambda a: a.occurrences[0] if a.occurrences else NEVER)
    return {
        **_brand_json(entry, alliance.tz),
        "satisfaction": rated(satisfaction, entry),
        "activities": [_activity_json(a, alliance.tz) for a in activities],
    }


# -- pages -------------------------------------------------------------------------


@router.get("/brands", include_in_schema=False)
def brands_page(request: Request, reader: BrandsReader, alliance: AllianceDep, today: Today = None):
    result = report(reader, alliance, today)
    lang = language(request)
    first, last = _year_span(result.today, result.entries)
    entries = sorted(result.entries, key=lambda e: _member_order(alliance, e.brand.library_id))
    q = _query(lang, today)
    rows = [
        HeatRow(
            label=e.brand.name,
            href=f"/brands/{e.brand.id}?{q}",
            held=e.figures.held_per_month,
            scheduled=e.figures.scheduled_per_month,
        )
        for e in entries
    ]
    return render(
        request,
        "brands/index.html",
        report=result,
        entries=entries,
        coverage=result.coverage,
        heat=heatmap(rows, first, last, lang=lang),
        sparks={e.brand.id: yearly_spark(e.figures.held_per_month, first, last) for e in entries},
        first_year=first,
        last_year=last,
        q=q,
        shades=SHADES,
        empty_shade=EMPTY,
        **_helpers(alliance, lang),
    )


@router.get("/brands/new", include_in_schema=False)
def new_brand_form(request: Request, who: Coordinator, auth: Accounts, alliance: AllianceDep):
    return _form(request, alliance, auth, who, values={}, errors=[])


@router.post("/brands/new", include_in_schema=False)
async def new_brand_submit(
    request: Request, who: Coordinator, auth: Accounts, reader: BrandsReader, alliance: AllianceDep, bus: Publisher
):
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    values = {key: items[-1].strip() for key, items in form.items() if items}
    data: dict[str, Any] = {
        k: values.get(k) or None for k in ("id", "name", "library_id", "since", "category", "description")
    }
    data["keywords"] = _split(values.get("keywords", ""))
    data["partners"] = [p for p in form.get("partners", []) if p]
    data = {k: v for k, v in data.items() if v not in (None, [])}
    try:
        body = _registering(BrandCreate.model_validate(data), who, auth)
    except ValidationError as exc:
        return _form(request, alliance, auth, who, values=values, errors=describe(exc).split("; "), status=422)
    except HTTPException as exc:
        return _form(request, alliance, auth, who, values=values, errors=[str(exc.detail)], status=exc.status_code)
    try:
        await _decide(
            bus,
            reader,
            alliance,
            lambda c: check_registration(c, alliance, body),
            brand_subject("registered", body.registered_by),
            registration_message_id(body),
            body.model_dump_json().encode(),
        )
    except RegistryError as exc:
        return _form(request, alliance, auth, who, values=values, errors=[exc.message], status=exc.status)
    except TimeoutError:
        return _form(
            request, alliance, auth, who, values=values, errors=[gettext(language(request), ACCEPTED)], status=202
        )
    return RedirectResponse(f"/brands/{body.id}?lang={language(request)}", status_code=303)


@router.get("/brands/{brand_id}", include_in_schema=False)
def brand_page(
    request: Request,
    brand_id: str,
    reader: BrandsReader,
    alliance: AllianceDep,
    satisfaction: Satisfaction,
    today: Today = None,
):
    day = today or local_today(alliance)
    lang = language(request)
    entry = brand_entry(reader, alliance, brand_id, day)  # its own rows, not every brand's
    if entry is None:
        return render(request, "brands/missing.html", status_code=404, brand_id=brand_id)
    first, last = _year_span(day, [entry])
    held, upcoming = _sessions(entry, day, alliance)
    per_year = _per_year(entry, first, last, day, alliance)
    return render(
        request,
        "brands/brand.html",
        entry=entry,
        brand=entry.brand,
        figures=entry.figures,
        today=day,
        held=held,
        upcoming=upcoming[:12],
        per_year=per_year,
        chart=monthly_bars(entry.figures.held_per_month, entry.figures.scheduled_per_month, first, last, lang=lang),
        satisfaction=rated(satisfaction, entry),
        **_helpers(alliance, lang),
    )


ACCEPTED = N_("accepted: it is being applied, reload in a moment")
DECIDED_WAIT_SECONDS = 10.0


def brand_subject(kind: str, actor: str) -> str:
    return f"{BRAND_DECIDED}.{kind}.{actor}"


async def _decide(
    publisher: EventPublisher | None,
    reader,
    alliance: Alliance,
    check: Callable[[Any], None],
    subject: str,
    msg_id: str,
    payload: bytes,
) -> None:
    """Check a decision against the registry, log it in SUBMISSIONS, and wait until the brands
    service has applied it (read your writes).  A :class:`RegistryError` says why it was refused
    (here, or by the handler: its dead letter's reason); ``TimeoutError`` if it is still pending."""

    def checked() -> None:
        with reader.connect() as connection:
            check(connection)

    await asyncio.to_thread(checked)
    if publisher is None:
        raise RegistryError(503, both("the broker is not available here; try again later"))
    await publisher.publish(subject, msg_id, payload)
    deadline = time.monotonic() + DECIDED_WAIT_SECONDS
    while time.monotonic() < deadline:
        outcome = await asyncio.to_thread(_outcome, reader, msg_id)
        if outcome is not None:
            if outcome:
                raise RegistryError(409, outcome)
            return
        await asyncio.sleep(0.05)
    raise TimeoutError(msg_id)


def _outcome(reader, msg_id: str) -> str | None:
    """None while the decision is pending; "" once applied; the reason if it was refused."""
    with reader.connect() as connection:
        done = connection.scalar(
            select(inbox.c.msg_id).where(inbox.c.consumer == DECISIONS_CONSUMER, inbox.c.msg_id == msg_id)
        )
        if done is None:
            return None
        reason = connection.scalar(
            select(dead_letter.c.reason).where(
                dead_letter.c.consumer == DECISIONS_CONSUMER, dead_letter.c.msg_id == msg_id
            )
        )
    return reason or ""


NEVER = datetime.min.replace(tzinfo=UTC)
"""Sorts activities without a session (every occurrence excluded) first."""


def _query(lang: str, today: date | None) -> str:
    """The query string links carry: the language, and the day figures are computed for if one was asked."""
    return f"lang={lang}" + (f"&today={today.isoformat()}" if today else "")


def _problem(status: int, message: str) -> JSONResponse:
    return JSONResponse({"detail": message}, status_code=status)


def _brand_json(entry: BrandEntry, tz: tzinfo) -> dict:
    figures = entry.figures.summary(tz)
    return {**entry.brand.model_dump(mode="json"), "origin": entry.origin, "figures": figures}


def _activity_json(activity: BrandActivity, tz: tzinfo) -> dict:
    return {
        "activity_id": activity.activity_id,
        "title": activity.title,
        "status": activity.status,
        "sessions": [s.astimezone(tz).isoformat() for s in activity.occurrences],
        "venue": activity.venue_name,
        "libraries": sorted(activity.libraries),
        "link": activity.link,
        "held": activity.held,
        "participants": activity.participants,
        "counted": activity.counts(),
    }


def _split(text: str) -> list[str]:
    for separator in "，、,;；\n":
        text = text.replace(separator, " ")
    return [word for word in text.split() if word]


def _member_order(alliance: Alliance, library_id: str) -> int:
    ids = [m.id for m in alliance.members]
    return ids.index(library_id) if library_id in ids else len(ids)


def _year_span(today: date, entries: Sequence[BrandEntry]) -> tuple[int, int]:
    """The years the charts show: from the first session on record to this year (or the last scheduled)."""
    years = [y for e in entries for y, _ in (*e.figures.held_per_month, *e.figures.scheduled_per_month)]
    first = min(years, default=today.year)
    last = max([today.year, *years])
    return min(first, today.year - 1), last


def _per_year(entry: BrandEntry, first: int, last: int, today: date, alliance: Alliance) -> list[dict]:
    """Year by year, newest first: sessions held and scheduled, editions held, participants."""
    held = entry.figures.held_per_month
    firsts = [(min(a.occurrences).astimezone(alliance.tz).date(), a) for a in entry.activities if a.counts()]
    rows = []
    for year in range(last, first - 1, -1):
        editions = [a for day, a in firsts if day.year == year and day <= today]
        rows.append(
            {
                "year": year,
                "sessions": sum(held.get((year, m), 0) for m in range(1, 13)),
                "scheduled": sum(entry.figures.scheduled_per_month.get((year, m), 0) for m in range(1, 13)),
                "editions": len(editions),
                "participants": sum(a.participants or 0 for a in editions),
            }
        )
    return rows


def _sessions(entry: BrandEntry, today: date, alliance: Alliance) -> tuple[list[dict], list[dict]]:
    """Each session (one row per occurrence), held newest first and scheduled soonest first;
    cancelled activities are listed among the held, marked and not counted."""
    tz = alliance.tz
    held, upcoming = [], []
    for activity in entry.activities:
        for index, start in enumerate(activity.occurrences):
            local = start.astimezone(tz)
            row = {"activity": activity, "start": local, "number": index + 1, "of": len(activity.occurrences)}
            (held if local.date() <= today else upcoming).append(row)
    held.sort(key=lambda r: r["start"], reverse=True)
    upcoming.sort(key=lambda r: r["start"])
    return held, upcoming


def _registering(body: BrandCreate, who, auth: Auth) -> BrandCreate:
    """The registration as the coordinator's own, of a library inside its scope."""
    body = body.model_copy(update={"registered_by": actor(who, body.registered_by, "registered_by")})
    if not auth.in_scope(who, body.library_id):
        raise problem(403, *in_both("{body.library_id} is outside your scope", body=body))
    return body


def _form(request: Request, alliance: Alliance, auth: Auth, who, *, values: dict, errors: list[str], status: int = 200):
    session = auth.codec.load(request.cookies.get(SESSION_COOKIE))
    coordinator = alliance.coordinator(who.name)
    members = [m for m in alliance.members if auth.in_scope(who, m.id)]
    return render(
        request,
        "brands/new.html",
        status_code=status,
        values=values,
        errors=errors,
        categories=list(Category),
        members=members,
        csrf=session.csrf if session else "",
        who=coordinator.name if coordinator else who.name,
        **_helpers(alliance, language(request)),
    )


def _helpers(alliance: Alliance, lang: str) -> dict:
    def library_name(library_id: str) -> str:
        return alliance.library_name(library_id, lang)

    def category_name(category: str) -> str:
        zh, en = CATEGORY_NAMES.get(str(category), (str(category), str(category)))
        return en if lang == "en" else zh

    def status_name(status: str) -> str:
        return gettext(lang, STATUS_NAMES[status])

    def brand_of(brand: Brand) -> str:
        return library_name(brand.library_id)

    return {
        "library_name": library_name,
        "category_name": category_name,
        "status_name": status_name,
        "brand_owner": brand_of,
        "tz": alliance.tz,
    }
