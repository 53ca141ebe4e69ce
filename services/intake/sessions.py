"""One session of a series, edited on its own in the member form: move it, cancel it, restore it.

The change is a new revision of the whole series with its ``overrides`` list updated, so
the API, the broker and the feed see the same thing as an edit of the series would: the
session keeps its RECURRENCE-ID (the start its rule gives it), a cancelled one stays in
calendars as cancelled, a moved one carries its new time and venue.  Editing the series
itself (``/edit``) carries these sessions along (``forms.carry_sessions``).

What a session is and how it changes lives here, pure; its page's routes are ``web.py``'s
(``add_session_routes``), which ask for a member library's own account exactly as the
series' edit page does.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from shuxiang.calendars.recurrence import Session, session_of, sessions
from shuxiang.i18n import N_, gettext, in_both
from shuxiang.schemas import ActivitySubmission, AttendanceReport, SessionOverride, Status

from . import forms
from .forms import KEY_FORMAT
from .imports import TimeError, parse_local_datetime

MAX_LISTED = 200
"""Sessions listed on an activity's page (an open-ended series goes on for ever)."""


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


MESSAGES = {
    "gone": N_("This session is not part of the series (it may have been excluded)"),
    "action": N_("Choose what to change"),
}


def message(key: str, lang: str) -> str:
    return gettext(lang, MESSAGES[key])


def change_session(
    submission: ActivitySubmission,
    session: Session,
    form: Mapping[str, object],
    *,
    revision: int,
    tz: ZoneInfo,
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
        overrides = [
            *kept,
            SessionOverride(
                recurrence_id=original,
                status=Status.cancelled,
                starts_at=current.starts_at if current else None,
                ends_at=current.ends_at if current else None,
                venue=current.venue if current else None,
            ),
        ]
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
        return None, {"action": message("action", lang)}
    try:
        changed = ActivitySubmission.model_validate(
            {**submission.model_dump(), "overrides": [o.model_dump() for o in overrides], "revision": revision}
        )
    except ValidationError as exc:
        return None, forms.field_errors(exc, lang)
    return changed, {}


def session_problem(
    stored: ActivitySubmission | None, recurrence_id: datetime | None, tz: ZoneInfo
) -> tuple[str, str] | None:
    """Why a report on one session cannot be (zh, en), or None: the activity known here has no such session."""
    if recurrence_id is None or stored is None:
        return None
    if not stored.recurrence:
        return in_both("recurrence_id: this activity does not repeat; report it as a whole (no recurrence_id)")
    if session_of(stored, recurrence_id, tz) is None:  # type: ignore[arg-type]
        when = recurrence_id.isoformat(timespec="minutes")
        return in_both(
            "recurrence_id: {when} is not a session of this series (it is the session's original start)", when=when
        )
    return None


def report_problem(
    stored: ActivitySubmission | None, report: AttendanceReport, tz: ZoneInfo, now: datetime
) -> tuple[str, str] | None:
    """Why an attendance report cannot be taken (zh, en), or None: a session the activity does not
    have (:func:`session_problem`), or "held" for one that has not begun (attendance counts toward the
    year's figures: it is reported once the session has taken place)."""
    problem = session_problem(stored, report.recurrence_id, tz)
    if problem or stored is None or report.held is not True:
        return problem
    if report.recurrence_id is not None:
        by_rule = session_of(stored, report.recurrence_id, tz) or report.recurrence_id  # type: ignore[arg-type]
        moved = [o.starts_at for o in stored.overrides if o.recurrence_id == by_rule and o.starts_at is not None]
        starts = moved[0] if moved else by_rule  # a session moved on its own: its own start
    else:
        starts = stored.starts_at  # a series reported as a whole: from its first session on
    if starts > now:
        return in_both(
            "held: the session starts {when}: report its attendance once it has taken place",
            when=starts.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
        )
    return None
