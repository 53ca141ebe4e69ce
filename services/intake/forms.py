"""The activity form: what a librarian types, as a submission, and every problem next to its field.

The form shows plain fields (wall times in the alliance's zone, a weekly/monthly
repeat with a count) and builds the same :class:`ActivitySubmission` the API and
the broker take, so the form, the API and the imports validate alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from shuxiang.calendars.recurrence import Session, session_of, sessions
from shuxiang.i18n import N_, gettext
from shuxiang.schemas import ActivitySubmission, AttendanceReport, Role, Status

from .imports import TimeError, parse_local_datetime

FIELDS = (
    "title",
    "category",
    "starts_at",
    "ends_at",
    "all_day",
    "venue_name",
    "venue_address",
    "online_url",
    "description",
    "repeat",
    "repeat_count",
    "recurrence_raw",
    "brand_id",
    "campaign_id",
    "featured",
    "audience",
    "capacity",
    "registration_url",
    "contact",
    "tags",
    "poster",
    "partners",
)
MAX_REPEAT = 100

MESSAGES: dict[str, tuple[str, str]] = {
    "title": N_("Enter a title (at most 200 characters)"),
    "category": N_("Choose a category"),
    "starts_at": N_("Enter the start, e.g. 2026-04-23 14:00"),
    "ends_at": N_("Enter the end, e.g. 2026-04-23 16:00"),
    "ends_before": N_("The end is before the start"),
    "venue_name": N_("Enter the venue, or an online link for an online activity"),
    "venue_address": N_("The address is too long (at most 500 characters)"),
    "online_url": N_("The online link should start with http:// or https://"),
    "registration_url": N_("The sign-up link should start with http:// or https://"),
    "description": N_("The description is too long (at most 20,000 characters)"),
    "repeat_count": N_("The number of sessions should be 2 to {max_repeat}"),
    "recurrence_raw": N_("The repeat rule is not valid"),
    "capacity": N_("Capacity should be a whole number, 0 or more"),
    "audience": N_("Too long (at most 200 characters)"),
    "contact": N_("Too long (at most 200 characters)"),
    "tags": N_("At most 30 tags of at most 50 characters"),
    "partners": N_("At most 20 partners of at most 100 characters"),
    "brand_id": N_("Choose a brand from the list"),
    "campaign_id": N_("Choose a campaign from the list"),
    "co_hosts": N_("The co-hosts are not valid"),
    "poster": N_("The poster is not valid: upload it again"),
    "participants": N_("Participants should be a whole number, 0 or more"),
    "held": N_("Say whether the activity was held"),
    "notes": N_("The notes are too long (at most 5,000 characters)"),
    "report_url": N_("The link should start with http:// or https://"),
    "session": N_("Choose a session from the list"),
    "off_rule": N_("The start is not a session of the repeat rule: start the series on its first session"),
    "sessions_lost": N_(
        "After this change these cancelled or moved sessions are no longer sessions of the series: {when}. Restore them first, or keep a repeat that still includes them"
    ),
}

_FIELD_OF_LOC = {
    "title": "title",
    "category": "category",
    "starts_at": "starts_at",
    "ends_at": "ends_at",
    "description": "description",
    "recurrence": "recurrence_raw",
    "exdates": "recurrence_raw",
    "overrides": "recurrence_raw",
    "registration_url": "registration_url",
    "capacity": "capacity",
    "audience": "audience",
    "contact": "contact",
    "tags": "tags",
    "poster": "poster",
    "partners": "partners",
    "brand_id": "brand_id",
    "campaign_id": "campaign_id",
    "organizers": "co_hosts",
    "participants": "participants",
    "held": "held",
    "notes": "notes",
    "report_url": "report_url",
}


def form_field(schema_field: str) -> str:
    """The form's field that shows an error about this field of the submission."""
    return _FIELD_OF_LOC.get(schema_field, schema_field)


_SIMPLE_RULE = re.compile(r"^FREQ=(WEEKLY|MONTHLY);COUNT=(\d+)$")
_TAG_SPLIT = re.compile(r"[,，、;；]+")


NOT_VALID = N_("Not valid")


def unreadable_time(text: str, lang: str) -> str:
    """What the form says of a time it cannot read: the text as typed, and how to write it."""
    return gettext(lang, '"{value}" is not a date and time, e.g. {example}').format(
        value=text, example="2026-04-23 14:00"
    )


def message(field: str, lang: str) -> str:
    text = gettext(lang, MESSAGES.get(field, NOT_VALID))
    return text.replace("{max_repeat}", str(MAX_REPEAT))


def _value(form: Mapping[str, object], name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def field_errors(exc: ValidationError, lang: str, *, repeat_field: str = "repeat_count") -> dict[str, str]:
    """Each pydantic error as a plain message on the form field it is about."""
    errors: dict[str, str] = {}
    for error in exc.errors(include_input=False, include_url=False):
        loc = [str(p) for p in error["loc"] if not str(p).startswith("function-")]
        text = error["msg"]
        if not loc:
            if "ends_at is before" in text:
                field = "ends_before"
            elif "not a session of its own recurrence" in text:
                field = "off_rule"
            elif "recurrence" in text:
                field = repeat_field
            elif "organizers" in text:
                field = "co_hosts"
            else:
                field = "title"
        elif loc[0] == "venue":
            field = {"online_url": "online_url", "address": "venue_address"}.get(
                loc[1] if len(loc) > 1 else "", "venue_name"
            )
        else:
            field = _FIELD_OF_LOC.get(loc[0], "title")
        target = {"ends_before": "ends_at", "off_rule": "starts_at"}.get(field, field)
        errors.setdefault(target, message(field, lang))
    return errors


def rule_from_form(form: Mapping[str, object]) -> tuple[str | None, str | None]:
    """(RRULE, problem field): a weekly or monthly repeat with a count, or the rule kept from before."""
    repeat = _value(form, "repeat")
    if repeat in ("", "none"):
        return None, None
    if repeat == "custom":
        return _value(form, "recurrence_raw") or None, None
    if repeat not in ("weekly", "monthly"):
        return None, "repeat_count"
    try:
        count = int(_value(form, "repeat_count"))
    except ValueError:
        return None, "repeat_count"
    if not 2 <= count <= MAX_REPEAT:
        return None, "repeat_count"
    return f"FREQ={repeat.upper()};COUNT={count}", None


def submission_from_form(
    form: Mapping[str, object],
    *,
    library_id: str,
    source_ref: str,
    revision: int,
    tz: ZoneInfo,
    lang: str,
    co_hosts: list[str] | None = None,
    previous: ActivitySubmission | None = None,
    organisers: list[str] | None = None,
) -> tuple[ActivitySubmission | None, dict[str, str]]:
    """The submission the form describes, or the problems by field (nothing published then)."""
    errors: dict[str, str] = {}
    all_day = bool(_value(form, "all_day"))
    start = end = None
    start_text = _value(form, "starts_at")
    try:
        start, date_only = parse_local_datetime(start_text, tz)
    except TimeError:
        errors["starts_at"] = unreadable_time(start_text, lang) if start_text else message("starts_at", lang)
    else:
        all_day = all_day or date_only  # a date without a time is the whole day, not a midnight moment
    end_text = _value(form, "ends_at")
    if start is not None and all_day:
        start = start.astimezone(tz).replace(hour=0, minute=0, second=0)
    if end_text:
        try:
            end, _ = parse_local_datetime(end_text, tz, day=start.astimezone(tz).date() if start else None)
        except TimeError:
            errors["ends_at"] = unreadable_time(end_text, lang)
        else:
            if all_day:
                end = end.astimezone(tz).replace(hour=0, minute=0, second=0) + timedelta(days=1)
    elif start is not None and all_day:
        end = start + timedelta(days=1)
    elif start is not None:
        errors["ends_at"] = message("ends_at", lang)
    if start is not None and end is not None and end < start:
        errors["ends_at"] = message("ends_before", lang)
    rule, problem = rule_from_form(form)
    if problem:
        errors[problem] = message(problem, lang)
    venue = {
        "name": _value(form, "venue_name") or None,
        "address": _value(form, "venue_address") or None,
        "online_url": _value(form, "online_url") or None,
    }
    if previous and previous.venue.venue_id and previous.venue.name == venue["name"]:
        venue["venue_id"] = previous.venue.venue_id
    capacity = _value(form, "capacity")
    body: dict = {
        "library_id": library_id,
        "source_ref": source_ref,
        "revision": revision,
        "title": _value(form, "title"),
        "description": _value(form, "description") or None,
        "category": _value(form, "category") or None,
        "starts_at": start,
        "ends_at": end,
        "all_day": all_day,
        "recurrence": rule,
        "exdates": [],
        "overrides": [],
        "venue": {k: v for k, v in venue.items() if v is not None},
        "brand_id": _value(form, "brand_id") or None,
        "campaign_id": _value(form, "campaign_id") or None,
        "featured": bool(_value(form, "featured")),
        "audience": _value(form, "audience") or None,
        "capacity": capacity or None,
        "registration_url": _value(form, "registration_url") or None,
        "contact": _value(form, "contact") or None,
        "poster": _value(form, "poster") or None,
        "tags": [t.strip() for t in _TAG_SPLIT.split(_value(form, "tags")) if t.strip()],
        "partners": [t.strip() for t in _TAG_SPLIT.split(_value(form, "partners")) if t.strip()],
        "organizers": _organizers(library_id, organisers or [], co_hosts or []),
    }
    if previous and rule and start is not None and not errors:
        lost = carry_sessions(body, previous, tz)
        if lost:
            when = "、".join(m.astimezone(tz).strftime("%Y-%m-%d %H:%M") for m in lost)
            errors[problem_field(form)] = message("sessions_lost", lang).format(when=when)
            return None, errors
    try:
        submission = ActivitySubmission.model_validate(body)
    except ValidationError as exc:
        for field, text in field_errors(exc, lang).items():
            errors.setdefault(field, text)
        return None, errors
    if errors:
        return None, errors
    return submission, {}


def problem_field(form: Mapping[str, object]) -> str:
    return "recurrence_raw" if _value(form, "repeat") == "custom" else "repeat_count"


def carry_sessions(body: dict, previous: ActivitySubmission, tz: ZoneInfo) -> list:
    """Move the series' excluded and changed sessions along with its start; return those that no longer fit.

    Changing a series from Saturday 10:00 to Saturday 16:00 moves its cancelled 10:00
    sessions to 16:00 too (the same wall-clock shift), so they stay cancelled instead of
    naming nothing and coming back.  A moved session keeps the time it was moved to.  When
    the new rule no longer makes a session that was excluded or changed, nothing is
    published: the member is asked to restore it first (the dates are returned).
    """
    if not previous.recurrence or not (previous.exdates or previous.overrides):
        return []
    from shuxiang.schemas.sessions import SessionIndex, shift_sessions

    old, new = previous.starts_at, body["starts_at"]
    exdates = shift_sessions(previous.exdates, old, new, tz)
    ids = shift_sessions([o.recurrence_id for o in previous.overrides], old, new, tz)
    overrides = [o.model_copy(update={"recurrence_id": rid}) for o, rid in zip(previous.overrides, ids, strict=True)]
    try:
        index = SessionIndex(body["recurrence"], new, bool(body["all_day"]), [*exdates, *ids])
    except (ValueError, TypeError):
        return []  # the rule itself is wrong: the model's validation says so on its field
    lost = [m for m in [*exdates, *ids] if index.find(m) is None]
    body["exdates"], body["overrides"] = exdates, overrides
    return lost


def _organizers(library_id: str, organisers: list[str], co_hosts: list[str]) -> list[dict]:
    """The submitter hosts (主办); the libraries chosen as 承办 organise, those chosen as 协办 assist
    (one chosen in both lists organises)."""
    roles = {other: "organiser" for other in organisers if other != library_id}
    roles.update({other: "co_organiser" for other in co_hosts if other != library_id and other not in roles})
    if not roles:
        return []
    return [{"library_id": library_id, "role": "host"}] + [
        {"library_id": lib, "role": role} for lib, role in roles.items()
    ]


def form_from_submission(submission: ActivitySubmission, tz: ZoneInfo) -> dict[str, object]:
    """The form's fields for editing a submission."""
    start = submission.starts_at.astimezone(tz)
    end = submission.ends_at.astimezone(tz)
    if submission.all_day:
        end = end - timedelta(days=1) if end.time().isoformat() == "00:00:00" and end > start else end
    form: dict[str, object] = {
        "title": submission.title,
        "category": submission.category.value,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": end.strftime("%Y-%m-%dT%H:%M"),
        "all_day": "1" if submission.all_day else "",
        "venue_name": submission.venue.name or "",
        "venue_address": submission.venue.address or "",
        "online_url": str(submission.venue.online_url) if submission.venue.online_url else "",
        "description": submission.description or "",
        "brand_id": submission.brand_id or "",
        "campaign_id": submission.campaign_id or "",
        "featured": "1" if submission.featured else "",
        "audience": submission.audience or "",
        "capacity": "" if submission.capacity is None else str(submission.capacity),
        "registration_url": str(submission.registration_url) if submission.registration_url else "",
        "contact": submission.contact or "",
        "tags": "，".join(submission.tags),
        "repeat": "none",
        "poster": submission.poster or "",
        "partners": "，".join(submission.partners),
        "co_hosts": [
            o.library_id
            for o in submission.organizers
            if o.library_id != submission.library_id and o.role != Role.organiser
        ],
        "organisers": [o.library_id for o in submission.organizers if o.role == Role.organiser],
    }
    if submission.recurrence:
        simple = _SIMPLE_RULE.match(submission.recurrence)
        if simple:
            form["repeat"], form["repeat_count"] = simple[1].lower(), simple[2]
        else:
            form["repeat"], form["recurrence_raw"] = "custom", submission.recurrence
    return form


def describe_rule(rule: str, lang: str) -> str:
    """``weekly, 4 sessions`` (in ``lang``) for the rules the form makes; other rules as written."""
    simple = _SIMPLE_RULE.match(rule)
    if not simple:
        return rule
    if simple[1] == "WEEKLY":
        return gettext(lang, "weekly, {count} sessions").format(count=simple[2])
    return gettext(lang, "monthly, {count} sessions").format(count=simple[2])


def cancelled(submission: ActivitySubmission, revision: int) -> ActivitySubmission:
    """The same activity, cancelled, as the next revision."""
    return submission.model_copy(update={"status": Status.cancelled, "revision": revision})


KEY_FORMAT = "%Y%m%dT%H%M"
"""A session of a series in a URL: its original start in the alliance's wall time, ``20261212T1000``."""


def find_session(submission: ActivitySubmission, key: str, tz: ZoneInfo) -> Session | None:
    try:
        wanted = datetime.strptime(key, KEY_FORMAT).replace(tzinfo=tz)
    except ValueError:
        return None
    original = session_of(submission, wanted, tz)  # type: ignore[arg-type]
    if original is None or original.astimezone(tz).strftime(KEY_FORMAT) != key:
        return None
    return next((s for s in sessions(submission, tz) if s.recurrence_id == original), None)  # type: ignore[arg-type]


def report_from_form(
    form: Mapping[str, object],
    *,
    library_id: str,
    source_ref: str,
    lang: str,
    series: ActivitySubmission | None = None,
    tz: ZoneInfo | None = None,
) -> tuple[AttendanceReport | None, dict[str, str]]:
    """The report the form describes; for a series, ``session`` (a session's key) reports that session only."""
    held = _value(form, "held")
    recurrence_id = None
    if series is not None and series.recurrence and tz is not None and _value(form, "session"):
        found = find_session(series, _value(form, "session"), tz)
        if found is None:
            return None, {"session": message("session", lang)}
        recurrence_id = found.recurrence_id
    body = {
        "library_id": library_id,
        "source_ref": source_ref,
        "held": {"yes": True, "no": False}.get(held),
        "participants": _value(form, "participants") or (0 if held == "no" else None),
        "notes": _value(form, "notes") or None,
        "report_url": _value(form, "report_url") or None,
        "recurrence_id": recurrence_id,
    }
    try:
        return AttendanceReport.model_validate(body), {}
    except ValidationError as exc:
        return None, field_errors(exc, lang)
