"""The intake's web routes: the member form at ``/submit`` and the JSON API under ``/api/v1/``.

Both build the same :class:`ActivitySubmission` and publish it on the library's own
subject (``shuxiang.activity.submitted.<library_id>``) with the app's publisher
(``app.state.publisher``).  A library acts only as itself: anything else is 403.

Two routers, plain functions asking for what they need (:mod:`shuxiang.services.deps`):
``pages`` (the form; a :class:`Problem` becomes a clear page in the visitor's language, and
the visitor's session cookie, with its CSRF token, is set on every page) and ``api`` (bearer
tokens of member libraries, :data:`~shuxiang.services.intake.auth.LibraryToken`; a problem is
``{"detail": …}``).  ``router`` holds both.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import quote
from uuid import uuid4

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from sqlalchemy import Engine

from shuxiang.admission import admission_problem
from shuxiang.alliance import Alliance
from shuxiang.events.publish import PublishError
from shuxiang.events.streams import reported_subject, submitted_subject
from shuxiang.i18n import N_, gettext, in_both
from shuxiang.pages import environment, language, render
from shuxiang.posters import MAX_BYTES, PosterRefused, Posters, posters_of
from shuxiang.schemas import ActivitySubmission, AttendanceReport, Status
from shuxiang.schemas.errors import InvalidPayload, parse_json_model
from shuxiang.services.deps import EventPublisher, Publisher, built, per_app
from shuxiang.services.plan import ServiceContext

from . import forms
from .accounts import Account, AccountStore
from .auth import LibraryToken
from .forms import find_session, form_field
from .imports import category_choices
from .lookalikes import canonical_lookalikes
from .posters import FORM_OVERHEAD, declared_too_large, poster_from_form, read_bounded
from .security import (
    CSRF_FIELD,
    SESSION_COOKIE,
    SESSION_MAX_AGE,
    Busy,
    Limits,
    Session,
    SessionCodec,
    csrf_ok,
    new_session,
    session_secret,
)
from .service import NAME
from .sessions import change_session, report_problem, series_sessions, session_key
from .sessions import message as session_message
from .store import StoredActivity, get_activity, list_activities, next_revision, record_submission


@dataclass
class Intake:
    """What the intake routes need: the alliance, the intake tables, accounts, sessions, limits."""

    context: ServiceContext
    engine: Engine
    reader: Engine
    accounts: AccountStore
    codec: SessionCodec
    limits: Limits = field(default_factory=Limits.default)

    @classmethod
    def from_context(cls, context: ServiceContext, limits: Limits | None = None) -> Intake:
        engine, reader = context.databases.engine(NAME), context.databases.reader(NAME)
        return cls(
            context=context,
            engine=engine,
            reader=reader,
            accounts=AccountStore(engine, reader),
            codec=SessionCodec(session_secret(context.settings.data_dir)),
            limits=limits or Limits.default(),
        )

    @property
    def alliance(self) -> Alliance:
        return self.context.alliance

    @property
    def secure_cookies(self) -> bool:
        return self.context.settings.public_url.startswith("https://")

    @property
    def posters(self) -> Posters:
        return posters_of(self.context)

    def feed_url(self, library_id: str) -> str:
        return f"/feeds/libraries/{quote(library_id)}.ics"

    def visible_libraries(self, account: Account) -> list[str] | None:
        """The libraries an account may see: a library itself; a coordinator its scope (None: all)."""
        if account.is_library:
            return [account.name]
        coordinator = next((c for c in self.alliance.coordinators if c.id == account.name), None)
        if coordinator is None:
            return []
        return None if coordinator.scope is None else self.alliance.subtree(coordinator.scope)


class Problem(HTTPException):
    """An HTTP problem with a clear message (zh / en): ``{"detail": "zh / en"}`` from the API, a page from the form."""

    def __init__(self, status: int, zh: str, en: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(status, zh if en is None else f"{zh} / {en}", headers=headers or {})
        self.status, self.zh, self.en = status, zh, en or zh


NOT_YOURS = N_("A library can publish, edit and cancel only its own activities")


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _limited(limiter, key: str) -> None:
    wait = limiter.hit(key)
    if wait is not None:
        seconds = int(wait) + 1
        raise Problem(
            429,
            *in_both("Too many attempts: try again in {seconds} s", seconds=seconds),
            {"Retry-After": str(seconds)},
        )


async def _publish(publisher: EventPublisher | None, subject: str, msg_id: str, payload: bytes) -> None:
    if publisher is None:
        raise Problem(503, *in_both("The broker is not available; try again later"))
    try:
        await publisher.publish(subject, msg_id, payload)
    except PublishError:
        raise Problem(503, *in_both("The broker did not acknowledge; try again later")) from None


def admission_errors(intake: Intake, submission: ActivitySubmission | None, lang: str) -> dict[str, str]:
    """What the alliance refuses in a well-formed submission, by form field (organizers that are not
    members, campaign credit: :mod:`shuxiang.admission`)."""
    refusal = admission_problem(intake.alliance, submission) if submission is not None else None
    return {form_field(refusal.field): refusal.text(lang)} if refusal else {}


async def publish_submission(
    publisher: EventPublisher | None, intake: Intake, submission: ActivitySubmission, channel: str
) -> None:
    """Publish on the library's own subject, then keep it as the library's latest revision.

    Refused (422, with the reason) when the alliance would not admit it: the same check the
    broker path applies (the dedup consumer dead-letters such a message)."""
    refusal = admission_problem(intake.alliance, submission)
    if refusal is not None:
        raise Problem(422, f"{refusal.field}: {refusal.zh}", f"{refusal.field}: {refusal.en}")
    await _publish(
        publisher,
        submitted_subject(submission.library_id),
        submission.message_id(),
        submission.model_dump_json().encode(),
    )
    with intake.engine.begin() as connection:
        record_submission(connection, submission, channel=channel, at=datetime.now(UTC))


# ============================================================================ routers and dependencies

IntakeDep = Annotated[Intake, Depends(per_app(Intake.from_context))]


@dataclass
class Visit:
    """Who is on the form pages: the session (a new one for a first visit) and its account, if signed in."""

    session: Session
    account: Account | None

    @property
    def member(self) -> Account:
        """The account of a signed-in visitor (what :data:`SignedIn` and :data:`LibraryVisit` give)."""
        assert self.account is not None
        return self.account


def visitor(request: Request, intake: IntakeDep) -> Visit:
    """The visitor of this request (kept on ``request.state`` for the problem page)."""
    found = getattr(request.state, "visit", None)
    if found is None:
        found = request.state.visit = Visit(*_session(request, intake))
    return found


Visitor = Annotated[Visit, Depends(visitor)]


def signed_in(request: Request, visit: Visitor, intake: IntakeDep) -> Visit:
    """A signed-in visitor; anyone else is sent to the login page (and back here after it)."""
    if visit.account is None:
        raise _Page(_login_redirect(request, intake, visit.session))
    return visit


SignedIn = Annotated[Visit, Depends(signed_in)]


def library_visit(visit: SignedIn) -> Visit:
    """A member library's staff: a coordinator's account looks, it does not publish."""
    if not visit.member.is_library:
        raise Problem(403, *in_both("A coordinator's account can look, not publish"))
    return visit


LibraryVisit = Annotated[Visit, Depends(library_visit)]


class PageRoute(APIRoute):
    """A form page: a :class:`Problem` becomes a clear page (with the visitor's session), a
    :class:`_Page` (the login redirect) its response."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def page_or_problem(request: Request) -> Response:
            try:
                return await handler(request)
            except _Page as page:
                return page.response
            except Problem as problem:
                intake = built(request.app, Intake.from_context)
                visit = getattr(request.state, "visit", None)
                if visit is None:
                    visit = Visit(*await run_in_threadpool(_session, request, intake))
                return _problem_page(request, intake, visit.session, visit.account, problem)

        return page_or_problem


pages = APIRouter(route_class=PageRoute, include_in_schema=False)
"""``/submit``: the member form (sessions and CSRF tokens of its own: :class:`Visit`)."""
api = APIRouter(tags=["intake"], default_response_class=JSONResponse)
"""``/api/v1/activities``, ``/api/v1/attendance``, ``/api/v1/posters``: member libraries' tokens."""


# ============================================================================ the form


class _Page(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


def _session(request: Request, intake: Intake) -> tuple[Session, Account | None]:
    session = intake.codec.load(request.cookies.get(SESSION_COOKIE))
    if session is None:
        return new_session(), None
    account = intake.accounts.get(session.account) if session.account else None
    if account is not None and account.session_epoch != session.epoch:
        return new_session(), None  # the password was reset: every old session ends
    return session, account


def _with_session(response: Response, intake: Intake, session: Session) -> Response:
    response.set_cookie(
        SESSION_COOKIE,
        intake.codec.dump(session),
        max_age=SESSION_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=intake.secure_cookies,
        path="/",
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:"
    )
    return response


def _page(request: Request, intake: Intake, session: Session, template: str, status: int = 200, **values) -> Response:
    lang = language(request)
    response = render(
        request,
        template,
        status_code=status,
        path_of=_activity_path,
        csrf_field=CSRF_FIELD,
        csrf=session.csrf,
        lang_q=f"?lang={lang}",
        **values,
    )
    return _with_session(response, intake, session)


def _problem_page(request: Request, intake: Intake, session: Session, account: Account | None, problem: Problem):
    response = _page(
        request, intake, session, "intake/problem.html", status=problem.status, account=account, problem=problem
    )
    response.headers.update(problem.headers or {})
    return response


def _redirect(url: str, intake: Intake, session: Session) -> Response:
    return _with_session(RedirectResponse(url, status_code=303), intake, session)


def _login_redirect(request: Request, intake: Intake, session: Session) -> Response:
    return _redirect(f"/submit/login?next={quote(request.url.path)}", intake, session)


async def _checked_form(request: Request, session: Session):
    if declared_too_large(request, MAX_BYTES + FORM_OVERHEAD):  # refused before a byte is parsed
        raise Problem(
            413,
            *in_both("Too large (a poster may have at most {mb} MB)", mb=MAX_BYTES // 1048576),
        )
    form = await request.form()
    if not csrf_ok(session, form.get(CSRF_FIELD) if isinstance(form.get(CSRF_FIELD), str) else None):
        raise Problem(
            403,
            *in_both("The form expired or did not come from this site: go back, reload and try again"),
        )
    return form


def _member_name(intake: Intake, library_id: str, lang: str) -> str:
    return intake.alliance.library_name(library_id, lang)


def _own_activity(intake: Intake, account: Account | None, library_id: str, source_ref: str) -> StoredActivity:
    if account is None or not account.is_library or account.name != library_id:
        raise Problem(403, *in_both(NOT_YOURS))
    with intake.reader.connect() as connection:
        stored = get_activity(connection, library_id, source_ref)
    if stored is None:
        raise Problem(404, *in_both("Your library has no activity {source_ref}", source_ref=source_ref))
    return stored


def _form_choices(intake: Intake, account: Account, lang: str) -> dict:
    alliance = intake.alliance
    return {
        "categories": list(category_choices(lang)),
        "brands": [(b.id, b.name) for b in alliance.brands],
        "campaigns": [(c.id, c.name_in(lang)) for c in alliance.campaigns],
        "members": [(m.id, _member_name(intake, m.id, lang)) for m in alliance.members if m.id != account.name],
        "audiences": [a.name for a in alliance.audiences if a.kind == "readers"],  # the alliance's vocabulary
    }


@pages.get("/submit")
async def dashboard(request: Request, visit: SignedIn, intake: IntakeDep):
    session, account = visit.session, visit.member
    lang = language(request)
    libraries = intake.visible_libraries(account)
    activities = await run_in_threadpool(list_activities, intake.reader, libraries)
    return _page(
        request,
        intake,
        session,
        "intake/dashboard.html",
        account=account,
        activities=activities,
        name_of=lambda lib: _member_name(intake, lib, lang),
        tz=intake.alliance.tz,
        feed_url=intake.feed_url(account.name) if account.is_library else None,
    )


@pages.get("/submit/login")
async def login_page(request: Request, visit: Visitor, intake: IntakeDep):
    session, account = visit.session, visit.account
    return _page(
        request,
        intake,
        session,
        "intake/login.html",
        account=account,
        username="",
        next=request.query_params.get("next", "/submit"),
        error=None,
    )


@pages.post("/submit/login")
async def login(request: Request, visit: Visitor, intake: IntakeDep):
    session = visit.session
    form = await _checked_form(request, session)
    username = str(form.get("username", "")).strip()[:64]
    password = str(form.get("password", ""))[:200]
    target = str(form.get("next", "/submit"))
    target = target if _local_path(target) else "/submit"
    _limited(intake.limits.login, f"{_client(request)}|{username}")
    try:
        found = await intake.limits.hashing.run(lambda: intake.accounts.authenticate(username, password))
    except Busy:
        raise Problem(
            503,
            *in_both("Too many logins at once: try again in a few seconds"),
            {"Retry-After": "5"},
        ) from None
    if found is None:
        lang = language(request)
        error = gettext(lang, "Wrong account name or password")
        return _page(
            request,
            intake,
            session,
            "intake/login.html",
            status=401,
            account=None,
            username=username,
            next=target,
            error=error,
        )
    return _redirect(target, intake, new_session(found.name, found.session_epoch))


@pages.post("/submit/logout")
async def logout(request: Request, visit: Visitor, intake: IntakeDep):
    session, account = visit.session, visit.account
    await _checked_form(request, session)
    if account is not None:  # server-side: the old cookie (a copy of it too) stops working now
        await run_in_threadpool(intake.accounts.end_sessions, account.name)
    return _redirect("/submit/login", intake, new_session())


def form_page(request, intake, session, account, *, values, errors, mode, stored=None, status=200):
    return _page(
        request,
        intake,
        session,
        "intake/form.html",
        status=status,
        account=account,
        values=values,
        errors=errors,
        mode=mode,
        stored=stored,
        **_form_choices(intake, account, language(request)),
        path=_activity_path(stored.library_id, stored.source_ref) if stored else None,
    )


@pages.get("/submit/new")
async def new_form(request: Request, visit: LibraryVisit, intake: IntakeDep):
    session, account = visit.session, visit.member
    return form_page(request, intake, session, account, values={"repeat": "none"}, errors={}, mode="new")


@pages.post("/submit/new")
async def create(request: Request, visit: LibraryVisit, intake: IntakeDep, bus: Publisher):
    session, account = visit.session, visit.member
    form = await _checked_form(request, session)
    _limited(intake.limits.submit, f"{_client(request)}|{account.name}")
    values = _form_values(form)
    poster_error = await poster_from_form(form, intake.posters, values, language(request))
    submission, errors = forms.submission_from_form(
        values,
        library_id=account.name,
        source_ref=f"web-{uuid4().hex[:12]}",
        revision=1,
        tz=intake.alliance.tz,
        lang=language(request),
        co_hosts=_co_hosts(intake, form),
        organisers=_co_hosts(intake, form, "organisers"),
    )
    errors = {**errors, "poster": poster_error} if poster_error else errors
    errors = errors or admission_errors(intake, submission, language(request))
    if errors:
        return form_page(request, intake, session, account, values=values, errors=errors, mode="new", status=422)
    await publish_submission(bus, intake, submission, "form")
    return _redirect(_activity_path(submission.library_id, submission.source_ref) + "?done=new", intake, session)


@pages.get("/submit/activities/{library_id}/{source_ref}")
async def view(request: Request, library_id: str, source_ref: str, visit: SignedIn, intake: IntakeDep):
    session, account = visit.session, visit.member
    visible = intake.visible_libraries(account)
    if visible is not None and library_id not in visible:
        raise Problem(403, *in_both("This library is outside what your account may see"))
    with intake.reader.connect() as connection:
        stored = get_activity(connection, library_id, source_ref)
    if stored is None:
        raise Problem(404, *in_both("No activity {source_ref}", source_ref=source_ref))
    similar = await run_in_threadpool(canonical_lookalikes, intake.context.databases, stored.submission)
    lang = language(request)
    return _page(
        request,
        intake,
        session,
        "intake/activity.html",
        account=account,
        stored=stored,
        s=stored.submission,
        tz=intake.alliance.tz,
        similar=similar,
        name_of=lambda lib: _member_name(intake, lib, lang),
        feed_url=intake.feed_url(library_id),
        done=request.query_params.get("done"),
        mine=account.is_library and account.name == library_id,
        path=_activity_path(library_id, source_ref),
        category_labels=dict(category_choices(lang)),
        describe_rule=forms.describe_rule,
    )


@pages.get("/submit/activities/{library_id}/{source_ref}/edit")
async def edit_form(request: Request, library_id: str, source_ref: str, visit: LibraryVisit, intake: IntakeDep):
    session, account = visit.session, visit.member
    stored = _own_activity(intake, account, library_id, source_ref)
    return form_page(
        request,
        intake,
        session,
        account,
        values=forms.form_from_submission(stored.submission, intake.alliance.tz),
        errors={},
        mode="edit",
        stored=stored,
    )


@pages.post("/submit/activities/{library_id}/{source_ref}/edit")
async def edit(
    request: Request, library_id: str, source_ref: str, visit: LibraryVisit, intake: IntakeDep, bus: Publisher
):
    session, account = visit.session, visit.member
    stored = _own_activity(intake, account, library_id, source_ref)
    form = await _checked_form(request, session)
    _limited(intake.limits.submit, f"{_client(request)}|{account.name}")
    values = _form_values(form)
    poster_error = await poster_from_form(form, intake.posters, values, language(request))
    with intake.reader.connect() as connection:
        revision = next_revision(connection, library_id, source_ref)
    submission, errors = forms.submission_from_form(
        values,
        library_id=library_id,
        source_ref=source_ref,
        revision=revision,
        tz=intake.alliance.tz,
        lang=language(request),
        co_hosts=_co_hosts(intake, form),
        previous=stored.submission,
        organisers=_co_hosts(intake, form, "organisers"),
    )
    errors = {**errors, "poster": poster_error} if poster_error else errors
    errors = errors or admission_errors(intake, submission, language(request))
    if errors:
        return form_page(
            request, intake, session, account, values=values, errors=errors, mode="edit", stored=stored, status=422
        )
    if stored.submission.status == Status.cancelled:
        submission = submission.model_copy(update={"status": Status.scheduled})
    await publish_submission(bus, intake, submission, "form")
    return _redirect(_activity_path(library_id, source_ref) + "?done=edit", intake, session)


@pages.post("/submit/activities/{library_id}/{source_ref}/cancel")
async def cancel(
    request: Request, library_id: str, source_ref: str, visit: LibraryVisit, intake: IntakeDep, bus: Publisher
):
    session, account = visit.session, visit.member
    stored = _own_activity(intake, account, library_id, source_ref)
    await _checked_form(request, session)
    _limited(intake.limits.submit, f"{_client(request)}|{account.name}")
    if stored.submission.status != Status.cancelled:
        with intake.reader.connect() as connection:
            revision = next_revision(connection, library_id, source_ref)
        await publish_submission(bus, intake, forms.cancelled(stored.submission, revision), "form")
    return _redirect(_activity_path(library_id, source_ref) + "?done=cancel", intake, session)


def report_page(request, intake, session, account, stored, values, errors, status=200):
    return _page(
        request,
        intake,
        session,
        "intake/report.html",
        status=status,
        account=account,
        stored=stored,
        s=stored.submission,
        values=values,
        errors=errors,
        tz=intake.alliance.tz,
        path=_activity_path(stored.library_id, stored.source_ref),
    )


@pages.get("/submit/activities/{library_id}/{source_ref}/report")
async def report_form(request: Request, library_id: str, source_ref: str, visit: LibraryVisit, intake: IntakeDep):
    session, account = visit.session, visit.member
    stored = _own_activity(intake, account, library_id, source_ref)
    values = {
        "held": "" if stored.held is None else ("yes" if stored.held else "no"),
        "participants": "" if stored.participants is None else str(stored.participants),
    }
    return report_page(request, intake, session, account, stored, values, {})


@pages.post("/submit/activities/{library_id}/{source_ref}/report")
async def report(
    request: Request, library_id: str, source_ref: str, visit: LibraryVisit, intake: IntakeDep, bus: Publisher
):
    session, account = visit.session, visit.member
    stored = _own_activity(intake, account, library_id, source_ref)
    form = await _checked_form(request, session)
    _limited(intake.limits.submit, f"{_client(request)}|{account.name}")
    values = _form_values(form)
    attendance, errors = forms.report_from_form(
        values,
        library_id=library_id,
        source_ref=source_ref,
        lang=language(request),
        series=stored.submission,
        tz=intake.alliance.tz,
    )
    if not errors:
        assert attendance is not None
        problem = report_problem(stored.submission, attendance, intake.alliance.tz, datetime.now(UTC))
        if problem:
            errors = {"held": problem[1] if language(request) == "en" else problem[0]}
    if errors:
        return report_page(request, intake, session, account, stored, values, errors, status=422)
    await publish_report(bus, intake, attendance)
    return _redirect(_activity_path(library_id, source_ref) + "?done=report", intake, session)


def _local_path(target: str) -> bool:
    """Whether a login's ``next`` is a page of this site (the review queue, the brand form, …), not another's."""
    # browsers drop tabs and newlines and read "\\" as "/": "/\t/evil.example" would be "//evil.example"
    return (
        target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and all(c.isprintable() and not c.isspace() for c in target)
    )


def _activity_path(library_id: str, source_ref: str) -> str:
    return f"/submit/activities/{quote(library_id, safe='')}/{quote(source_ref, safe='')}"


def _form_values(form) -> dict[str, object]:
    return {
        name: str(form.get(name, ""))[:20_000]
        for name in (*forms.FIELDS, "held", "participants", "notes", "report_url", "session")
    } | {"co_hosts": _raw_co_hosts(form), "organisers": _raw_co_hosts(form, "organisers")}


def _raw_co_hosts(form, name: str = "co_hosts") -> list[str]:
    return [str(v) for v in form.getlist(name)][:50]


def _co_hosts(intake: Intake, form, name: str = "co_hosts") -> list[str]:
    """The member libraries chosen in a multi-select: 协办 (co_hosts) or 承办 (organisers)."""
    known = intake.alliance.member_ids()
    return [library for library in _raw_co_hosts(form, name) if library in known]


def _check_session(intake: Intake, report: AttendanceReport) -> None:
    """422 for a report on a session its series (as intake knows it) does not have, or "held" for a
    session that has not begun."""
    with intake.reader.connect() as connection:
        stored = get_activity(connection, report.library_id, report.source_ref)
    problem = report_problem(stored.submission if stored else None, report, intake.alliance.tz, datetime.now(UTC))
    if problem:
        raise Problem(422, *problem)


async def publish_report(publisher: EventPublisher | None, intake: Intake, report: AttendanceReport) -> None:
    await _publish(
        publisher, reported_subject(report.library_id), report.message_id(), report.model_dump_json().encode()
    )
    from .store import record_report

    with intake.engine.begin() as connection:
        record_report(connection, report, at=datetime.now(UTC))


# ============================================================================ the JSON API


def _inline(schema: dict) -> dict:
    """A model's JSON Schema with its ``$defs`` inlined (OpenAPI resolves ``#`` against the whole document)."""
    defs = schema.pop("$defs", {})

    def resolve(node):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return resolve(copy.deepcopy(defs[ref.removeprefix("#/$defs/")]))
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    return resolve(schema)


def _body(model) -> dict:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _inline(model.model_json_schema())}},
        }
    }


def _responses(*codes: int) -> dict:
    text = {
        401: "missing or invalid bearer token",
        403: "not the token's own library",
        404: "no such activity",
        413: "too large (bytes or pixels)",
        415: "not a JPEG, PNG or WebP image",
        422: "invalid body: where and what (zh / en)",
        429: "too many requests",
        503: "broker unavailable",
    }
    schema = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
    return {code: {"description": text[code], "content": {"application/json": {"schema": schema}}} for code in codes}


SUBMIT_RESULT = {
    "type": "object",
    "properties": {
        "library_id": {"type": "string"},
        "source_ref": {"type": "string"},
        "revision": {"type": "integer"},
        "status": {"type": "string"},
        "changed": {"type": "boolean"},
        "page": {"type": "string"},
        "feed": {"type": "string"},
        "lookalikes": {"type": "array", "items": {"type": "object"}},
    },
}


def _api_extra(model=None) -> dict:
    return {"security": [{"bearer": []}], **(_body(model) if model else {})}


OK = {"description": "published", "content": {"application/json": {"schema": SUBMIT_RESULT}}}
ERRORS = _responses(401, 403, 422, 429, 503)
ONE = "/api/v1/libraries/{library_id}/activities/{source_ref}"


async def _parsed(request: Request, model):
    try:
        return parse_json_model(model, await request.body())
    except InvalidPayload as exc:
        raise Problem(422, str(exc)) from None


def _own(account: Account, library_id: str) -> None:
    if library_id != account.name:
        raise Problem(403, *in_both(NOT_YOURS))


async def _upsert(
    request: Request,
    intake: Intake,
    bus: EventPublisher | None,
    account: Account,
    library_id: str | None,
    source_ref: str | None,
):
    submission: ActivitySubmission = await _parsed(request, ActivitySubmission)
    _own(account, submission.library_id)
    try:
        poster_stored = not submission.poster or await run_in_threadpool(intake.posters.exists, submission.poster)
    except PosterRefused as refused:  # the shared store did not answer
        raise Problem(refused.status, refused.zh, refused.en) from None
    if not poster_stored:
        raise Problem(
            422,
            *in_both(
                "poster: no such poster ({submission.poster}); upload it first with POST /api/v1/posters",
                submission=submission,
            ),
        )
    if library_id is not None:
        _own(account, library_id)
    if source_ref is not None and source_ref != submission.source_ref:
        raise Problem(
            422,
            *in_both("source_ref: does not match {source_ref} in the path", source_ref=source_ref),
        )
    if "/" in submission.source_ref:  # the activity's pages and API paths hold it: a "/" made it unreachable
        raise Problem(422, *in_both('source_ref: may not contain "/" (it is part of the activity\'s address)'))
    _limited(intake.limits.submit, f"{_client(request)}|{account.name}")
    with intake.reader.connect() as connection:
        stored = get_activity(connection, submission.library_id, submission.source_ref)
    changed = True
    if stored is not None:
        same = stored.submission.model_copy(update={"revision": submission.revision})
        if same == submission:
            submission, changed = stored.submission, False
        elif submission.revision <= stored.revision:
            submission = submission.model_copy(update={"revision": stored.revision + 1})
    if changed:
        await publish_submission(bus, intake, submission, "api")
    return JSONResponse(await _result(intake, submission, changed), status_code=201 if stored is None else 200)


@api.post(
    "/api/v1/activities", status_code=201, responses={201: OK, **ERRORS}, openapi_extra=_api_extra(ActivitySubmission)
)
async def create_activity(request: Request, account: LibraryToken, intake: IntakeDep, bus: Publisher):
    """Publish an activity of the token's library (an ActivitySubmission).

    A new ``source_ref`` is created (201); a known one is revised (200): the revision is raised
    above the last one published when needed; the same content again changes nothing."""
    return await _upsert(request, intake, bus, account, None, None)


@api.put(
    "/api/v1/activities/{source_ref}",
    status_code=200,
    responses={200: OK, **ERRORS},
    openapi_extra=_api_extra(ActivitySubmission),
)
async def put_activity(request: Request, account: LibraryToken, source_ref: str, intake: IntakeDep, bus: Publisher):
    """Publish a revision of one of the token's library's activities."""
    return await _upsert(request, intake, bus, account, None, source_ref)


@api.put(ONE, status_code=200, responses={200: OK, **ERRORS}, openapi_extra=_api_extra(ActivitySubmission))
async def put_library_activity(
    request: Request, account: LibraryToken, library_id: str, source_ref: str, intake: IntakeDep, bus: Publisher
):
    """Like PUT /api/v1/activities/{source_ref}; 403 unless ``library_id`` is the token's."""
    return await _upsert(request, intake, bus, account, library_id, source_ref)


async def _cancel(
    request: Request, intake: Intake, bus: EventPublisher | None, account: Account, library_id: str, source_ref: str
):
    _own(account, library_id)
    _limited(intake.limits.submit, f"{_client(request)}|{account.name}")
    with intake.reader.connect() as connection:
        stored = get_activity(connection, library_id, source_ref)
        revision = next_revision(connection, library_id, source_ref)
    if stored is None:
        raise Problem(404, *in_both("your library has no activity {source_ref}", source_ref=source_ref))
    changed = stored.submission.status != Status.cancelled
    submission = forms.cancelled(stored.submission, revision) if changed else stored.submission
    if changed:
        await publish_submission(bus, intake, submission, "api")
    return JSONResponse(await _result(intake, submission, changed))


@api.delete(
    "/api/v1/activities/{source_ref}",
    status_code=200,
    responses={200: OK, **_responses(401, 403, 404, 429, 503)},
    openapi_extra=_api_extra(),
)
async def delete_activity(request: Request, account: LibraryToken, source_ref: str, intake: IntakeDep, bus: Publisher):
    """Cancel one of the token's library's activities (published as a cancelled revision)."""
    return await _cancel(request, intake, bus, account, account.name, source_ref)


@api.delete(
    ONE, status_code=200, responses={200: OK, **_responses(401, 403, 404, 429, 503)}, openapi_extra=_api_extra()
)
async def delete_library_activity(
    request: Request, account: LibraryToken, library_id: str, source_ref: str, intake: IntakeDep, bus: Publisher
):
    """Like DELETE /api/v1/activities/{source_ref}; 403 unless ``library_id`` is the token's."""
    return await _cancel(request, intake, bus, account, library_id, source_ref)


@api.get(ONE, status_code=200, responses={200: OK, **_responses(401, 403, 404)}, openapi_extra=_api_extra())
async def get_library_activity(
    request: Request, account: LibraryToken, library_id: str, source_ref: str, intake: IntakeDep
):
    """The activity as last published (403 unless ``library_id`` is the token's)."""
    _own(account, library_id)
    with intake.reader.connect() as connection:
        stored = get_activity(connection, library_id, source_ref)
    if stored is None:
        raise Problem(404, *in_both("your library has no activity {source_ref}", source_ref=source_ref))
    return JSONResponse(stored.submission.model_dump(mode="json"))


@api.post(
    "/api/v1/attendance",
    status_code=202,
    responses={202: OK, **_responses(401, 403, 404, 422, 429, 503)},
    openapi_extra=_api_extra(AttendanceReport),
)
async def attendance(request: Request, account: LibraryToken, intake: IntakeDep, bus: Publisher):
    """Report attendance after an activity (an AttendanceReport of the token's library)."""
    report: AttendanceReport = await _parsed(request, AttendanceReport)
    _own(account, report.library_id)
    with intake.reader.connect() as connection:  # only for an announcement of the library's own
        announced = get_activity(connection, report.library_id, report.source_ref)
    if announced is None:
        raise Problem(
            404,
            *in_both("your library announced no activity {report.source_ref}: no attendance for it", report=report),
        )
    await run_in_threadpool(_check_session, intake, report)
    _limited(intake.limits.submit, f"{_client(request)}|{account.name}")
    await publish_report(bus, intake, report)
    return JSONResponse(
        {"library_id": report.library_id, "source_ref": report.source_ref, "accepted": True}, status_code=202
    )


@api.post(
    "/api/v1/posters",
    status_code=201,
    responses={201: OK, **_responses(401, 403, 413, 415, 422, 429)},
    openapi_extra=_api_extra(),
)
async def upload_poster(request: Request, account: LibraryToken, intake: IntakeDep):
    """Upload a poster: the image itself as the body (Content-Type image/jpeg, image/png or
    image/webp; at most 8 MB and 40 megapixels).  It is re-encoded as a JPEG without metadata,
    at most 1600 px a side, and named by its content: put the returned ``poster`` in a
    submission.  The same image again gives the same name (200 instead of 201)."""
    if not account.is_library:
        raise Problem(403, *in_both("A coordinator's account can look, not upload"))
    _limited(intake.limits.submit, f"{_client(request)}|{account.name}")
    try:
        data = await read_bounded(request)
        poster = await run_in_threadpool(intake.posters.add, data, content_type=request.headers.get("content-type"))
    except PosterRefused as refused:
        raise Problem(refused.status, refused.zh, refused.en) from None
    return JSONResponse(
        {"poster": poster.name, "url": f"/posters/{poster.name}", "width": poster.width, "height": poster.height},
        status_code=201 if poster.created else 200,
    )


async def _result(intake: Intake, submission: ActivitySubmission, changed: bool) -> dict:
    similar = await run_in_threadpool(canonical_lookalikes, intake.context.databases, submission)  # off the loop
    return {
        "library_id": submission.library_id,
        "source_ref": submission.source_ref,
        "revision": submission.revision,
        "status": submission.status.value,
        "changed": changed,
        "page": _activity_path(submission.library_id, submission.source_ref),
        "feed": intake.feed_url(submission.library_id),
        "lookalikes": [
            {
                "id": a.id,
                "title": a.title,
                "starts_at": a.starts_at.isoformat(),
                "libraries": sorted({s.library_id for s in a.sources}),
            }
            for a in similar
        ],
    }


# ============================================================================ one session of a series

environment().globals["series_sessions"] = series_sessions


def _session_of(intake: Intake, account: Account | None, library_id: str, source_ref: str, key: str):
    """``/submit/activities/{library_id}/{source_ref}/sessions/{key}``: the library's own activity and its session."""
    stored = _own_activity(intake, account, library_id, source_ref)
    found = find_session(stored.submission, key, intake.alliance.tz)
    if found is None:
        raise Problem(404, session_message("gone", "zh-CN"), session_message("gone", "en"))
    return stored, found


def session_page(request, intake, session, account, stored, found, values, errors, status=200):
    tz = intake.alliance.tz
    path = _activity_path(stored.library_id, stored.source_ref)
    return _page(
        request,
        intake,
        session,
        "intake/session.html",
        status=status,
        account=account,
        stored=stored,
        s=stored.submission,
        found=found,
        values=values,
        errors=errors,
        tz=tz,
        path=path,
        action_path=f"{path}/sessions/{session_key(found.recurrence_id, tz)}",
    )


@pages.get("/submit/activities/{library_id}/{source_ref}/sessions/{key}")
async def show(request: Request, library_id: str, source_ref: str, key: str, visit: LibraryVisit, intake: IntakeDep):
    session, account = visit.session, visit.member
    stored, found = _session_of(intake, account, library_id, source_ref, key)
    tz = intake.alliance.tz
    values = {
        "starts_at": found.starts_at.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": found.ends_at.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
        "venue_name": found.venue.name or "",
    }
    return session_page(request, intake, session, account, stored, found, values, {})


@pages.post("/submit/activities/{library_id}/{source_ref}/sessions/{key}")
async def change(
    request: Request,
    library_id: str,
    source_ref: str,
    key: str,
    visit: LibraryVisit,
    intake: IntakeDep,
    bus: Publisher,
):
    session, account = visit.session, visit.member
    stored, found = _session_of(intake, account, library_id, source_ref, key)
    form = await _checked_form(request, session)
    _limited(intake.limits.submit, f"{_client(request)}|{account.name}")
    values = {name: str(form.get(name, ""))[:500] for name in ("action", "starts_at", "ends_at", "venue_name")}
    with intake.reader.connect() as connection:
        revision = next_revision(connection, library_id, source_ref)
        stored = get_activity(connection, library_id, source_ref) or stored
    changed, errors = change_session(
        stored.submission, found, values, revision=revision, tz=intake.alliance.tz, lang=language(request)
    )
    if errors:
        return session_page(request, intake, session, account, stored, found, values, errors, status=422)
    await publish_submission(bus, intake, changed, "form")
    return _redirect(_activity_path(library_id, source_ref) + "?done=session", intake, session)


router = APIRouter()
"""The intake's routes: the form's pages, then the API."""
router.include_router(pages)
router.include_router(api)
