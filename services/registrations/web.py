"""Sign-up on the web: the form on the activity page, the JSON API, the reader's own status page
(its link is the self-service token: cancel from there), and the staff's check-in page.

Thin routes: a request is validated and bounded (:mod:`shuxiang.schemas.registration`), checked
against what the service knows (a past, cancelled or full session is said before publishing), then
published on ``shuxiang.registration.requested.<activity>``; the consumer decides in log order.
Sign-up and cancel are public (a reader has no account): the app-wide same-origin check refuses
them from other sites, and rate limits per address and per phone / e-mail keep them in bounds.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import Markup
from pydantic import AwareDatetime, BaseModel, Field, ValidationError
from sqlalchemy.exc import DBAPIError

from shuxiang.events.publish import PublishError
from shuxiang.events.streams import REGISTRATION
from shuxiang.i18n import N_, both, gettext, in_both
from shuxiang.pages import environment, language, render
from shuxiang.schemas.registration import (
    CODE_PATTERN,
    TOKEN_PATTERN,
    CheckIn,
    Rating,
    RegistrationCancel,
    RegistrationErasure,
    RegistrationRequest,
)
from shuxiang.services.deps import EventPublisher, Publisher, per_app
from shuxiang.services.intake.auth import Accounts, Signed, problem
from shuxiang.services.intake.security import SESSION_COOKIE, RateLimiter
from shuxiang.services.plan import ServiceContext

from . import store
from .handlers import REASONS
from .keys import KeyStore
from .tables import NAME

log = logging.getLogger(__name__)

PURPOSE = N_(
    "Your name and phone number (or e-mail) are used only to confirm this sign-up, remind you the day "
    "before, let you cancel and check you in; for nothing else, and given to no one else. They are "
    "erased {days} days after the activity (Personal Information Protection Law)."
)

NAME_CHARS, CONTACT_CHARS, SESSION_CHARS, COMMENT_CHARS = 40, 254, 64, 500
"""The form's bounds (as RegistrationRequest's and Rating's): longer is said by the field."""

ERASED = N_("this sign-up was erased: its link shows nothing any more, and nothing can be done with it")

PENDING = N_(
    "not decided yet: places go in order of arrival; your status page (or GET /api/v1/registrations/<token>) "
    "says in a moment whether you have one"
)
WAITLISTED = N_(
    "the session is full: you are on the waitlist and get a place, in order of sign-up, when someone cancels"
)

WAIT_FOR_DECISION = 3.0
"""Seconds the form and the API wait for the consumer's decision before saying it is pending."""


class RegistrationBody(BaseModel):
    """The API's sign-up body (the activity is in the path)."""

    name: str = Field(min_length=1, max_length=40)
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    session: AwareDatetime | None = Field(
        None,
        description="the session's start (as the activity page lists it; a moved session's original start "
        "works too): required for a series, omitted for a single activity",
    )
    lang: str = Field("zh-CN", pattern=r"^(zh-CN|en)$")


def _errors(exc: ValidationError) -> list[str]:
    """Each problem with its field, in both languages (our validators already say both)."""
    names = {"name": N_("name"), "phone": N_("phone"), "email": N_("e-mail"), "session": N_("session")}
    out = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else ""
        message = str(error["msg"]).removeprefix("Value error, ")
        kind = str(error.get("type", ""))
        if "/" not in message and field:
            label = names.get(field, field)
            zh, en = gettext("zh-CN", label), gettext("en", label)
            if field == "session":  # pydantic's words on a date a browser sent: not the reader's
                message = both("choose a session from the list")
            elif kind in ("missing", "string_too_short"):
                fill = N_("fill it in")
                message = f"{zh}：{gettext('zh-CN', fill)} / {en}: {fill}"
            elif kind == "string_too_long":
                limit = (error.get("ctx") or {}).get("max_length")
                template = N_("at most {max} characters")
                message = f"{zh}：{gettext('zh-CN', template).format(max=limit)} / {en}: {template.format(max=limit)}"
            else:
                message = f"{zh}：{message} / {en}: {message}"
        out.append(message)
    return out


def in_language(message: str, lang: str) -> str:
    """One language of a ``中文 / English`` message: a page speaks its reader's."""
    zh, mark, en = message.partition(" / ")
    return (en if lang == "en" else zh) if mark else message


def _reason(reason: str) -> str:
    return f"{gettext('zh-CN', REASONS[reason])} / {REASONS[reason]}"


class Registrations:
    """What the routes share: the service's reader, the alliance's zone, the rate limits."""

    def __init__(self, context: ServiceContext) -> None:
        self.reader = context.databases.reader(NAME)
        self.tz = context.alliance.tz
        self.retention_days = context.alliance.registration_retention_days
        self.keys = KeyStore.of(context.databases)
        self.by_address = RateLimiter(30, 600)
        self.by_contact = RateLimiter(5, 600)

    def limited(self, request: Request, body: RegistrationRequest) -> str | None:
        address = request.client.host if request.client else "unknown"
        for limiter, key in ((self.by_address, address), (self.by_contact, body.phone or body.email or "")):
            wait = limiter.hit(f"{body.activity_id}|{key}" if limiter is self.by_contact else key)
            if wait is not None:
                seconds = int(wait) + 1
                return both("too many sign-ups: try again in {seconds} s", seconds=seconds)
        return None


async def _publish(publisher: EventPublisher | None, subject: str, msg_id: str, payload: bytes) -> None:
    if publisher is None:
        raise problem(503, *in_both("the broker is not available; try again later"))
    try:
        await publisher.publish(subject, msg_id, payload)
    except PublishError:
        raise problem(503, *in_both("the broker did not acknowledge; try again later")) from None


async def sign_up(
    request: Request, here: Registrations, publisher: EventPublisher | None, activity_id: str, fields: dict
) -> tuple[int, dict]:
    """Validate, check, limit, publish: (HTTP status, body) — the form and the API share it."""
    try:
        body = RegistrationRequest(activity_id=activity_id, token=secrets.token_urlsafe(32), **fields)
    except ValidationError as exc:
        return 422, {"errors": _errors(exc)}
    # who it is, as the log will say it (a keyed hash): "already registered" is checked on that
    person = await asyncio.to_thread(here.keys.person_key, body, datetime.now(UTC))
    body = body.model_copy(update={"person": person})
    reason, _full = store.precheck(here.reader, body, datetime.now(UTC), here.tz)
    if reason is not None:
        return refused_status(reason), {"errors": [_reason(reason)]}
    limited = here.limited(request, body)
    if limited:
        return 429, {"errors": [limited]}
    # the name and contact go to the log sealed under a key of this registration alone, stored first
    # (erasure deletes it: crypto-shredding, services/registrations/keys.py)
    wire = await asyncio.to_thread(here.keys.seal_request, body, datetime.now(UTC))
    await _publish(
        publisher, f"{REGISTRATION}.requested.{activity_id}", wire.message_id(), wire.model_dump_json().encode()
    )
    return 202, {
        "token": body.token,
        "status_url": f"/registrations/{body.token}" + ("?lang=en" if body.lang == "en" else ""),
        "expected": "pending",
        "notice": both(PENDING),
    }


def refused_status(reason: str) -> int:
    """The HTTP status of a sign-up refused for ``reason`` (before publishing, or by the consumer)."""
    return 404 if reason in ("unknown", "no_places") else 422 if reason == "choose_session" else 409


async def _decided(here: Registrations, token: str) -> store.Entry | None:
    """The consumer's decision, waited for a moment (it usually takes milliseconds)."""
    deadline = asyncio.get_running_loop().time() + WAIT_FOR_DECISION
    while True:
        found = store.entry(here.reader, token, here.tz)
        if found is not None or asyncio.get_running_loop().time() > deadline:
            return found
        await asyncio.sleep(0.05)


def signup_fragment(context: ServiceContext):
    """For the activity page: the sign-up form (None when the activity takes no sign-ups here)."""
    here = Registrations(context)

    def fragment(
        request: Request,
        activity_id: str,
        errors: list[str] | None = None,
        values: dict | None = None,
        field_errors: dict[str, str] | None = None,
    ) -> Markup | None:
        try:
            offer = store.signup_offer(here.reader, activity_id, datetime.now(UTC), here.tz)
        except DBAPIError as exc:  # the activity page stays up without its sign-up form
            log.warning("sign-up form of %s not shown: %s", activity_id, exc.orig)
            return None
        if offer is None:
            return None
        lang = language(request)
        html = (
            environment()
            .get_template("registrations/form.html")
            .render(
                request=request,
                lang=lang,
                offer=offer,
                errors=errors or [],
                values=values or {},
                field_errors=field_errors or {},
                purpose=gettext(lang, PURPOSE).format(days=here.retention_days),
            )
        )
        return Markup(html)  # rendered by our autoescaping environment

    return fragment


Here = Annotated[Registrations, Depends(per_app(Registrations))]
"""The routes' shared state, one per app (its rate limits count across requests)."""
Fragment = Annotated[Callable[..., Markup | None], Depends(per_app(signup_fragment))]

router = APIRouter()


@router.post("/activities/{activity_id}/register", response_class=HTMLResponse, include_in_schema=False)
async def register_form(
    request: Request,
    activity_id: str,
    here: Here,
    fragment: Fragment,
    bus: Publisher,
    name: Annotated[str, Form()] = "",
    contact: Annotated[str, Form()] = "",
    session: Annotated[str, Form()] = "",
    consent: Annotated[str, Form()] = "",
) -> Response:
    # no max_length on the Form fields: FastAPI would answer a long name with its own JSON 422 (in
    # English, echoing the input); the page says it by the field, in its language
    lang = language(request)
    fields: dict = {"name": name, "lang": "en" if lang == "en" else "zh-CN"}
    contact = contact.strip()
    fields["email" if "@" in contact else "phone"] = contact or None
    if session:
        fields["session"] = session
    too_long = {
        field: gettext(lang, "at most {max} characters").format(max=limit)
        for field, value, limit in (("name", name, NAME_CHARS), ("contact", contact, CONTACT_CHARS))
        if len(value.strip()) > limit
    }
    if len(session) > SESSION_CHARS:
        too_long["session"] = gettext(lang, "choose a session from the list")
    if too_long:
        status, result = 422, {"errors": []}
    elif not consent:
        status, result = (
            422,
            {"errors": [both("please read and accept how your data is used")]},
        )
    else:
        status, result = await sign_up(request, here, bus, activity_id, fields)
    if status != 202:
        errors = [in_language(e, lang) for e in result["errors"]]
        # what the reader typed comes back, within the form's bounds (never a page of it)
        values = {"name": name[:NAME_CHARS], "contact": contact[:CONTACT_CHARS]}
        form = fragment(request, activity_id, errors=errors, values=values, field_errors=too_long)
        errors += [] if form is not None else list(too_long.values())
        return render(
            request,
            "registrations/refused.html",
            status_code=status,
            errors=[] if form is not None else errors,  # said once: by the form, when there is one again
            form=form,
            activity_id=activity_id,
        )
    await _decided(here, result["token"])
    suffix = "?lang=en" if lang == "en" else ""
    return RedirectResponse(f"/registrations/{result['token']}{suffix}", status_code=303)


@router.post("/api/v1/activities/{activity_id}/registrations", status_code=202, tags=["registrations"])
async def register_api(
    request: Request, activity_id: str, body: Annotated[RegistrationBody, Body()], here: Here, bus: Publisher
) -> JSONResponse:
    """Sign up for an activity (a session of a series: ``session``, its start).  202 with the
    self-service ``token`` (keep it: it is the way to see and cancel the registration), its
    ``status_url``, and ``expected``: the decision, which the registrations service makes in log
    order — ``confirmed`` (a place) or ``waitlisted`` (with a ``notice``) once it is made, which is
    waited for up to 3 seconds (it usually takes milliseconds); ``pending`` when it is not made yet
    (sign-ups for the last places arriving together): nothing is promised, ask
    ``GET /api/v1/registrations/{token}`` (``state``) a moment later.  A sign-up the service refuses
    when deciding (the same reader's twin request, a session that just began) is answered as one
    refused beforehand: 404/409/422/429 with ``errors`` in zh-CN and English."""
    status, result = await sign_up(request, here, bus, activity_id, body.model_dump(exclude_none=True))
    if status != 202:
        return JSONResponse(result, status_code=status)
    decided = await _decided(here, result["token"])
    if decided is not None and decided.state == "refused" and decided.reason:
        return JSONResponse({"errors": [_reason(decided.reason)]}, status_code=refused_status(decided.reason))
    if decided is not None and decided.state in ("confirmed", "waitlisted"):
        result["expected"] = decided.state
        result["notice"] = both(WAITLISTED) if decided.state == "waitlisted" else None
    return JSONResponse(result, status_code=status)


@router.get("/api/v1/registrations/{token}", tags=["registrations"])
def registration_api(token: str, here: Here) -> JSONResponse:
    """The registration's state: confirmed, waitlisted (with ``position``), cancelled, refused (``reason``)."""
    found = store.entry(here.reader, token, here.tz) if _token_ok(token) else None
    if found is None:
        return JSONResponse({"errors": [both("no such registration (or not decided yet)")]}, status_code=404)
    if found.erased:
        return JSONResponse({"state": "erased", "errors": [both(ERASED)]}, status_code=410)
    return JSONResponse(
        {
            "activity_id": found.activity_id,
            "session": found.session.isoformat(),
            "state": found.state,
            "starts_at": (found.starts_at or found.session).isoformat(),
            "called_off": found.called_off,
            "position": found.position,
            "code": found.code,
            "checked_in": found.checked_in,
            "reason": _reason(found.reason) if found.reason else None,
        }
    )


@router.get("/registrations/{token}", response_class=HTMLResponse, include_in_schema=False)
def registration_page(request: Request, token: str, here: Here) -> Response:
    found = store.entry(here.reader, token, here.tz) if _token_ok(token) else None
    if found is None:
        return render(
            request,
            "registrations/status.html",
            status_code=404 if not _token_ok(token) else 200,
            entry=None,
            token=token,
            pending=_token_ok(token),
        )
    if found.erased:
        return _gone(request, found)
    if found.lang == "en" and not (request.query_params.get("lang") or request.cookies.get("lang")):
        # a reader who signed up in English, on a link without the language (older mail): in English
        rated = "&rated=1" if request.query_params.get("rated") == "1" else ""
        return RedirectResponse(f"/registrations/{token}?lang=en{rated}", status_code=303)
    return _status_page(request, here, found, token)


def _status_page(
    request: Request,
    here: Registrations,
    found: store.Entry,
    token: str,
    *,
    status_code: int = 200,
    rating_errors: dict[str, str] | None = None,
    comment: str = "",
) -> HTMLResponse:
    """The reader's page of ``found`` (with what was wrong in the rating they sent, if anything)."""
    lang = language(request)
    return render(
        request,
        "registrations/status.html",
        status_code=status_code,
        entry=found,
        token=token,
        pending=False,
        session=(found.starts_at or found.session).astimezone(here.tz),
        can_rate=found.state == "confirmed" and found.session <= datetime.now(UTC),
        rated=request.query_params.get("rated") == "1",
        reason=gettext(lang, REASONS[found.reason]) if found.reason else None,
        qr=qr_svg(found.code, found.title) if found.state == "confirmed" else None,  # the waitlist: no code yet
        rating_errors=rating_errors or {},
        comment=comment,
    )


@router.post("/registrations/{token}/cancel", include_in_schema=False)
async def cancel(request: Request, token: str, here: Here, bus: Publisher) -> Response:
    found = store.entry(here.reader, token, here.tz) if _token_ok(token) else None
    if found is None:
        return render(request, "registrations/status.html", status_code=404, entry=None, token=token, pending=False)
    if found.erased:
        return _gone(request, found)
    message = RegistrationCancel(activity_id=found.activity_id, token=token)
    await _publish(
        bus,
        f"{REGISTRATION}.cancelled.{found.activity_id}",
        message.message_id(),
        message.model_dump_json().encode(),
    )
    for _ in range(60):  # show the cancellation done, if the consumer is quick (it usually is)
        now = store.entry(here.reader, token, here.tz)
        if now is None or now.state == "cancelled":
            break
        await asyncio.sleep(0.05)
    suffix = "?lang=en" if language(request) == "en" else ""
    return RedirectResponse(f"/registrations/{token}{suffix}", status_code=303)


@router.post("/registrations/{token}/rate", include_in_schema=False)
async def rate(
    request: Request,
    token: str,
    here: Here,
    bus: Publisher,
    score: Annotated[str, Form()] = "",
    comment: Annotated[str, Form()] = "",
) -> Response:
    """满意度: one question after the session, and an optional comment.  (No max_length on the
    Form fields: FastAPI would answer with its own JSON 422; the page says it by the field.)"""
    found = store.entry(here.reader, token, here.tz) if _token_ok(token) else None
    if found is None:
        return render(request, "registrations/status.html", status_code=404, entry=None, token=token, pending=False)
    if found.erased:
        return _gone(request, found)
    lang = language(request)
    if found.state != "confirmed" or found.session > datetime.now(UTC):
        return render(
            request,
            "registrations/refused.html",
            status_code=409,
            activity_id=found.activity_id,
            form=None,
            heading=gettext(lang, "Rating not accepted"),
            token=token,
            errors=[gettext(lang, "only confirmed readers can rate, once the session has begun")],
        )
    comment = comment.strip()
    rating_errors = {}
    if score.strip() not in ("1", "2", "3", "4", "5"):
        rating_errors["score"] = gettext(lang, "choose one of the five answers")
    if len(comment) > COMMENT_CHARS:
        rating_errors["comment"] = gettext(lang, "at most {max} characters").format(max=COMMENT_CHARS)
    if rating_errors:
        return _status_page(
            request, here, found, token, status_code=422, rating_errors=rating_errors, comment=comment[:COMMENT_CHARS]
        )
    message = Rating(activity_id=found.activity_id, token=token, score=int(score), comment=comment or None)
    if message.comment:  # sealed under the registration's key, as its name and contact
        sealed = here.keys.seal_comment(message.activity_id, token, message.comment)
        message = message.model_copy(update={"comment": None, "sealed_comment": sealed})
    await _publish(
        bus,
        f"{REGISTRATION}.rated.{found.activity_id}",
        message.message_id(),
        message.model_dump_json().encode(),
    )
    return RedirectResponse(f"/registrations/{token}?rated=1" + ("&lang=en" if lang == "en" else ""), status_code=303)


@router.post("/registrations/{token}/erase", include_in_schema=False)
async def erase(request: Request, token: str, here: Here, bus: Publisher) -> Response:
    """The reader's erase request (个人信息保护法 第四十七条): the registration is cancelled and its
    name, contact and link erased; only the counts it made stay."""
    found = store.entry(here.reader, token, here.tz) if _token_ok(token) else None
    if found is None:
        return render(request, "registrations/status.html", status_code=404, entry=None, token=token, pending=False)
    if found.erased:
        return _gone(request, found)
    message = RegistrationErasure(activity_id=found.activity_id, token=token)
    await _publish(
        bus,
        f"{REGISTRATION}.erased.{found.activity_id}",
        message.message_id(),
        message.model_dump_json().encode(),
    )
    for _ in range(60):  # the link dead by the time the reader is told so, if the consumer is quick (it usually is)
        now = store.entry(here.reader, token, here.tz)
        if now is None or now.erased:
            break
        await asyncio.sleep(0.05)
    return render(request, "registrations/erased.html", activity_id=found.activity_id, gone=False)


def _gone(request: Request, found: store.Entry) -> HTMLResponse:
    """An erased registration's link: 410, a plain page saying so and nothing of the registration;
    cancelling, rating or erasing it again is refused by the same page."""
    return render(request, "registrations/erased.html", status_code=410, activity_id=found.activity_id, gone=True)


@router.get("/activities/{activity_id}/registrations.csv", include_in_schema=False)
def host_list(activity_id: str, who: Signed, auth: Accounts, here: Here) -> Response:
    """The list at the door, as CSV: only for the staff of the organising libraries (or a
    coordinator in scope); cells a spreadsheet would run are quoted (shuxiang.spreadsheet)."""
    import io

    from shuxiang.spreadsheet import SafeWriter

    _staff_activity(here, auth, who, activity_id)
    out = io.StringIO()
    writer = SafeWriter(out, bom=True)  # a download: Excel opens it
    writer.writerow(["session", "seq", "state", "name", "phone", "email", "code", "checked_in_at"])
    for row in store.host_list(here.reader, activity_id):
        writer.writerow(
            [
                row["session"].astimezone(here.tz).isoformat(),
                row["seq"],
                row["state"],
                row["name"] or "",
                row["phone"] or "",
                row["email"] or "",
                row["code"],
                row["checked_in_at"].astimezone(here.tz).isoformat() if row["checked_in_at"] else "",
            ]
        )
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="registrations-{activity_id}.csv"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/activities/{activity_id}/check-in", response_class=HTMLResponse, include_in_schema=False)
def check_in_page(request: Request, activity_id: str, who: Signed, auth: Accounts, here: Here) -> HTMLResponse:
    activity = _staff_activity(here, auth, who, activity_id)
    return _check_in(request, here, activity, auth, message=None, status=200)


@router.post("/activities/{activity_id}/check-in", response_class=HTMLResponse, include_in_schema=False)
async def check_in(
    request: Request,
    activity_id: str,
    who: Signed,
    auth: Accounts,
    here: Here,
    bus: Publisher,
    code: Annotated[str, Form(max_length=40)] = "",
    walk_ins: Annotated[str, Form(max_length=12)] = "",
    session: Annotated[str, Form(max_length=64)] = "",
) -> HTMLResponse:
    activity = _staff_activity(here, auth, who, activity_id)
    lang = language(request)
    typed = code.strip().upper().replace(" ", "").replace("-", "")
    try:
        if walk_ins.strip():
            message = CheckIn(activity_id=activity_id, walk_ins=int(walk_ins), by=who.name, session=session or None)
            text = gettext(lang, "walk-ins recorded: {message.walk_ins}").format(message=message)
        else:
            message = CheckIn(activity_id=activity_id, code=typed, by=who.name)
            found = store.by_code(here.reader, activity_id, typed)
            if found is None:
                return _check_in(
                    request,
                    here,
                    activity,
                    auth,
                    status=404,
                    message=gettext(lang, "code {typed} is no registration of this activity").format(typed=typed),
                )
            text = (
                gettext(lang, "{found[0]} had checked in already").format(found=found)
                if found[1]
                else gettext(lang, "{found[0]} checked in").format(found=found)
            )
    except (ValidationError, ValueError):
        return _check_in(
            request,
            here,
            activity,
            auth,
            status=422,
            message=gettext(lang, "a code is 8 letters or digits (A–Z, 2–7); walk-ins a whole number ≥ 0"),
        )
    await _publish(
        bus,
        f"{REGISTRATION}.checked-in.{activity_id}",
        message.message_id(),
        message.model_dump_json().encode(),
    )
    return _check_in(request, here, activity, auth, message=text, status=200)


def qr_svg(text: str, title: str) -> Markup:
    """The check-in code as a QR code, inline SVG (segno, as the activity page's share link)."""
    import segno

    code = segno.make(text, error="m", micro=False)
    return Markup(code.svg_inline(scale=5, border=2, title=title, dark="#1f2a37", light="#ffffff"))  # segno escapes


def _token_ok(token: str) -> bool:
    import re

    return re.fullmatch(TOKEN_PATTERN.strip("^$"), token) is not None


def _staff_activity(here: Registrations, auth, who, activity_id: str):
    """The activity, for the staff of a library that organises it (or a coordinator in scope)."""
    activity = store.host_of(here.reader, activity_id)
    if activity is None:
        raise problem(404, *in_both("no such activity, or it takes no sign-ups here"))
    organisers = {o.library_id for o in activity.organizers}
    if who.is_library and who.name not in organisers:
        raise problem(403, *in_both("only the organising libraries' staff may check people in"))
    if not who.is_library and not auth.in_scope(who, activity.host_library_id):
        raise problem(403, *in_both("this activity is outside your scope"))
    return activity


def _check_in(
    request: Request, here: Registrations, activity, auth, *, message: str | None, status: int
) -> HTMLResponse:
    session = auth.codec.load(request.cookies.get(SESSION_COOKIE))
    counts = store.counts(here.reader, activity.id)
    rows = [(session.astimezone(here.tz), figures) for session, figures in sorted(counts.items())]
    return render(
        request,
        "registrations/check_in.html",
        status_code=status,
        activity=activity,
        message=message,
        rows=rows,
        code_pattern=CODE_PATTERN.strip("^$"),
        csrf=session.csrf if session else "",
    )
