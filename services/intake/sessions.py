"""One session of a series, edited on its own in the member form: move it, cancel it, restore it.

The change is a new revision of the whole series with its ``overrides`` list updated, so
the API, the broker and the feed see the same thing as an edit of the series would: the
session keeps its RECURRENCE-ID (the start its rule gives it), a cancelled one stays in
calendars as cancelled, a moved one carries its new time and venue.  Editing the series
itself (``/edit``) carries these sessions along (``forms.carry_sessions``).

The routes live here, apart from ``web.py``'s, and use its page helpers; they ask for a
member library's own account exactly as the series' edit page does.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from pydantic import ValidationError

from shuxiang.calendars.recurrence import Session, session_of, sessions
from shuxiang.pages import environment
from shuxiang.schemas import ActivitySubmission, SessionOverride, Status

from . import forms
from .imports import TimeError, parse_local_datetime

MAX_LISTED = 200
"""Sessions listed on an activity's page (an open-ended series goes on for ever)."""

KEY_FORMAT = "%Y%m%dT%H%M"


def session_key(moment: datetime, tz: ZoneInfo) -> str:
    """The session's original start as a URL token in the alliance's wall time: ``20261212T1000``."""
    return moment.astimezone(tz).strftime(KEY_FORMAT)


def listed_sessions(submission: ActivitySubmission, tz: ZoneInfo) -> list[Session]:
    """The series' sessions as the feed shows them, the first ``MAX_LISTED`` (none for a single activity)."""
    if not submission.recurrence:
        return []
    return sessions(submission, tz)[:MAX_LISTED]  # type: ignore[arg-type]  # the same fields as a canonical


def series_sessions(submission: ActivitySubmission, tz: ZoneInfo) -> list[tuple[str, Session]]:
    """For the activity page (a template global): each listed session with its URL key."""
    return [(session_key(s.recurrence_id, tz), s) for s in listed_sessions(submission, tz) if s.recurrence_id]


def find_session(submission: ActivitySubmission, key: str, tz: ZoneInfo) -> Session | None:
    try:
        wanted = datetime.strptime(key, KEY_FORMAT).replace(tzinfo=tz)
    except ValueError:
        return None
    original = session_of(submission, wanted, tz)  # type: ignore[arg-type]
    if original is None or original.astimezone(tz).strftime(KEY_FORMAT) != key:
        return None
    return next((s for s in sessions(submission, tz) if s.recurrence_id == original), None)  # type: ignore[arg-type]


MESSAGES = {
    "gone": ("这一次活动不在系列中（可能已被排除）", "This session is not part of the series (it may have been excluded)"),
    "action": ("请选择要做的修改", "Choose what to change"),
}


def _message(key: str, lang: str) -> str:
    zh, en = MESSAGES[key]
    return en if lang == "en" else zh


def change_session(
    submission: ActivitySubmission, session: Session, form: Mapping[str, object], *, revision: int, tz: ZoneInfo,
    lang: str,
) -> tuple[ActivitySubmission | None, dict[str, str]]:
    """The series as the next revision with this session moved, cancelled or restored, or the problems by field."""
    action = str(form.get("action", "")).strip()
    original = session.recurrence_id
    assert original is not None
    kept = [o for o in submission.overrides if session_of(submission, o.recurrence_id, tz) != original]  # type: ignore[arg-type]
    errors: dict[str, str] = {}
    if action == "restore":
        overrides = kept
    elif action == "cancel":
        current = session.override
        overrides = [*kept, SessionOverride(
            recurrence_id=original, status=Status.cancelled,
            starts_at=current.starts_at if current else None, ends_at=current.ends_at if current else None,
            venue=current.venue if current else None,
        )]
    elif action == "move":
        starts_at = ends_at = None
        try:
            starts_at, _ = parse_local_datetime(str(form.get("starts_at", "")).strip(), tz)
        except TimeError:
            errors["starts_at"] = forms.message("starts_at", lang)
        try:
            day = starts_at.astimezone(tz).date() if starts_at else None
            ends_at, _ = parse_local_datetime(str(form.get("ends_at", "")).strip(), tz, day=day)
        except TimeError:
            errors["ends_at"] = forms.message("ends_at", lang)
        if starts_at and ends_at and ends_at < starts_at:
            errors["ends_at"] = forms.message("ends_before", lang)
        name = str(form.get("venue_name", "")).strip()
        venue = None
        if name and name != (submission.venue.name or ""):
            venue = {"name": name[:200]}
        if errors:
            return None, errors
        moved = {"recurrence_id": original}
        if starts_at != original or ends_at != original + (submission.ends_at - submission.starts_at):
            moved |= {"starts_at": starts_at, "ends_at": ends_at}
        if venue:
            moved["venue"] = venue
        overrides = [*kept, SessionOverride.model_validate(moved)] if len(moved) > 1 else kept
    else:
        return None, {"action": _message("action", lang)}
    try:
        changed = ActivitySubmission.model_validate(
            {**submission.model_dump(), "overrides": [o.model_dump() for o in overrides], "revision": revision}
        )
    except ValidationError as exc:
        return None, forms.field_errors(exc, lang)
    return changed, {}


def session_problem(stored: ActivitySubmission | None, recurrence_id: datetime | None, tz: ZoneInfo
                    ) -> tuple[str, str] | None:
    """Why a report on one session cannot be (zh, en), or None: the activity known here has no such session."""
    if recurrence_id is None or stored is None:
        return None
    if not stored.recurrence:
        return ("recurrence_id: 这不是重复活动，请报告整个活动（不填 recurrence_id）",
                "recurrence_id: this activity does not repeat; report it as a whole (no recurrence_id)")
    if session_of(stored, recurrence_id, tz) is None:  # type: ignore[arg-type]
        when = recurrence_id.isoformat(timespec="minutes")
        return (f"recurrence_id: {when} 不是这个系列中的一次活动（应为该次原定的开始时间）",
                f"recurrence_id: {when} is not a session of this series (it is the session's original start)")
    return None


def add_session_routes(router: APIRouter, intake) -> None:
    """``/submit/activities/{library_id}/{source_ref}/sessions/{key}``: one session's page and its change."""
    from . import web
    from .store import get_activity, next_revision

    tz = intake.alliance.tz
    environment().globals["series_sessions"] = series_sessions

    def prepare(request: Request, library_id: str, source_ref: str, key: str):
        session, account = web._session(request, intake)
        if account is None:
            raise web._Page(web._login_redirect(request, intake, session))
        if not account.is_library:
            raise web.Problem(403, "协调人账号只能查看，不能发布活动", "A coordinator's account can look, not publish")
        stored = web._own_activity(intake, account, library_id, source_ref)
        found = find_session(stored.submission, key, tz)
        if found is None:
            raise web.Problem(404, _message("gone", "zh-CN"), _message("gone", "en"))
        return session, account, stored, found

    def page(request, session, account, stored, found, values, errors, status=200):
        path = web._activity_path(stored.library_id, stored.source_ref)
        return web._page(
            request, intake, session, "intake/session.html", status=status, account=account, stored=stored,
            s=stored.submission, found=found, values=values, errors=errors, tz=tz, path=path,
            action_path=f"{path}/sessions/{session_key(found.recurrence_id, tz)}",
        )

    def guarded(handler):
        async def run(request: Request, library_id: str, source_ref: str, key: str):
            session, account = web._session(request, intake)
            try:
                return await handler(request, library_id, source_ref, key)
            except web.Problem as problem:
                return web._problem_page(request, intake, session, account, problem)
            except web._Page as redirect:
                return redirect.response
        return run

    @guarded
    async def show(request: Request, library_id: str, source_ref: str, key: str):
        session, account, stored, found = prepare(request, library_id, source_ref, key)
        values = {"starts_at": found.starts_at.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
                  "ends_at": found.ends_at.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
                  "venue_name": found.venue.name or ""}
        return page(request, session, account, stored, found, values, {})

    @guarded
    async def change(request: Request, library_id: str, source_ref: str, key: str):
        session, account, stored, found = prepare(request, library_id, source_ref, key)
        form = await web._checked_form(request, session)
        web._limited(intake.limits.submit, f"{web._client(request)}|{account.name}")
        values = {name: str(form.get(name, ""))[:500] for name in ("action", "starts_at", "ends_at", "venue_name")}
        with intake.reader.connect() as connection:
            revision = next_revision(connection, library_id, source_ref)
            stored = get_activity(connection, library_id, source_ref) or stored
        changed, errors = change_session(stored.submission, found, values, revision=revision, tz=tz,
                                         lang=web.language(request))
        if errors:
            return page(request, session, account, stored, found, values, errors, status=422)
        await web.publish_submission(request, intake, changed, "form")
        return web._redirect(
            web._activity_path(library_id, source_ref) + "?done=session", intake, session
        )

    html = {"include_in_schema": False}
    base = "/submit/activities/{library_id}/{source_ref}/sessions/{key}"
    router.add_api_route(base, show, methods=["GET"], **html)
    router.add_api_route(base, change, methods=["POST"], **html)
