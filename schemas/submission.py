"""Wire contract v1: what member libraries publish.

These models are the public contract.  Publishers in any language validate
against the JSON Schema files generated from them (``schemas/json/``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    ValidationInfo,
    field_validator,
    model_validator,
)

from shuxiang.i18n import both

from .bounds import MAX_INT32, MAX_OCCURRENCES, MAX_PARTICIPANTS, check_series, sane_instant  # noqa: F401

SCHEMA_VERSION = 1

LIBRARY_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
"""Library ids are used as NATS subject tokens: lower-case ascii, digits, ``_``, ``-``."""

LibraryId = Annotated[str, Field(pattern=LIBRARY_ID_PATTERN, description="a member library's id")]


class Category(StrEnum):
    lecture = "lecture"
    reading_club = "reading_club"
    salon = "salon"
    exhibition = "exhibition"
    children = "children"
    parent_child = "parent_child"
    contest = "contest"
    training = "training"
    outreach = "outreach"
    screening = "screening"
    festival = "festival"
    digital = "digital"
    accessibility = "accessibility"
    other = "other"


class Status(StrEnum):
    scheduled = "scheduled"
    cancelled = "cancelled"


class Role(StrEnum):
    """A library's part in an activity, as the plans name them: 主办 host, 承办 organiser (it runs
    the activity for the host), 协办 co-organiser (it assists), 参与 participant.

    ``co_host`` is the v1 name, still accepted on the wire: it is read as ``co_organiser``
    (协办), the weaker of the two roles it could mean, so an old message never claims the
    承办 credit ("将5个以上活动延伸为承办形式") its sender did not state.  Canonical
    activities carry the new names only (:data:`V1_ROLES`)."""

    host = "host"
    organiser = "organiser"
    co_organiser = "co_organiser"
    participant = "participant"
    co_host = "co_host"


V1_ROLES = {Role.co_host: Role.co_organiser}
"""Role names of wire contract v1 and what they are read as."""


def current_role(role: Role) -> Role:
    """The role a v1 name stands for (``co_host`` → ``co_organiser``); other roles as they are."""
    return V1_ROLES.get(role, role)


def _aware_and_sane(value: datetime) -> datetime:
    """With a UTC offset, and within the years instants may have (:func:`sane_instant`): one
    validator, not two (every instant of every event parsed by every projection passes here)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(both("needs a UTC offset, e.g. 2026-04-23T14:00:00+08:00"))
    return sane_instant(value)


AwareDatetime = Annotated[datetime, AfterValidator(_aware_and_sane)]


def _written_as_text(value: object) -> object:
    """A member's instant is written as text: a number would be read as seconds since 1970 (an
    activity posted with ``"starts_at": 12345`` began in 1970, ran for 57 years and led every
    "upcoming" list)."""
    if isinstance(value, int | float):
        raise ValueError(both("a date and time is written as text, e.g. 2026-04-23T14:00:00+08:00, not as a number"))
    return value


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _without_control_characters(value: object) -> object:
    """Text without the control characters a paste or a script leaves (NUL, BEL, …): pages showed
    them raw, and PostgreSQL stores no NUL at all; tabs and line breaks stay."""
    if isinstance(value, str) and _CONTROL_CHARACTERS.search(value):
        return _CONTROL_CHARACTERS.sub("", value)
    return value


Clean = BeforeValidator(_without_control_characters)
"""For a member's free text: see :func:`_without_control_characters`."""

SubmittedDatetime = Annotated[datetime, BeforeValidator(_written_as_text), AfterValidator(_aware_and_sane)]
"""An instant a member sends (:class:`ActivitySubmission`): text with a UTC offset."""

_RRULE_PART = re.compile(r"^[A-Z]+=[A-Za-z0-9,+\-:]+$")


def _check_series(rrule: str, starts_at: datetime) -> None:
    """Daily to yearly, bounded in sessions and span, evaluated in bounded time (schemas/bounds.py)."""
    check_series(rrule, starts_at)


LOGGED = {"logged": True}
"""Validation context for a submission already in the log or stored from it (consumers, stores):
its sessions are not checked against its rule again.  Dates that name no session are ignored
downstream (``calendars.recurrence.session_of``), an off-rule start is rendered at the rule's first."""


def _check_sessions(submission: ActivitySubmission) -> None:
    """Start, excluded and changed sessions all on the series' rule (``sessions.py``)."""
    from .sessions import check_sessions

    check_sessions(
        submission.recurrence, submission.starts_at, submission.all_day, submission.exdates, submission.overrides
    )


class Venue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str | None, Clean] = Field(None, max_length=200, description="required unless online_url is given")
    address: Annotated[str | None, Clean] = Field(None, max_length=500)
    venue_id: str | None = Field(None, max_length=64, description="a venue id from the alliance directory")
    online_url: HttpUrl | None = None

    @model_validator(mode="after")
    def _named_unless_online(self) -> Venue:
        if not (self.name and self.name.strip()) and self.online_url is None:
            raise ValueError(both("a venue needs a name unless it is online (online_url)"))
        return self


class Organizer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    library_id: LibraryId
    role: Annotated[Role, AfterValidator(current_role)] = Field(
        description="host 主办, organiser 承办, co_organiser 协办, participant 参与; co_host (v1) is read as co_organiser"
    )


class SessionOverride(BaseModel):
    """One session of a series changed on its own: moved (time, venue) or cancelled.

    ``recurrence_id`` is the session's original start as the rule makes it (the iCalendar
    RECURRENCE-ID); the session keeps it however often it moves.  A cancelled session
    stays in the calendar as cancelled (``STATUS:CANCELLED``) rather than disappearing.
    """

    model_config = ConfigDict(extra="forbid", title="SessionOverride")

    recurrence_id: SubmittedDatetime = Field(description="the session's original start, as the series' rule makes it")
    status: Status = Status.scheduled
    starts_at: SubmittedDatetime | None = Field(None, description="the new start; the original when omitted")
    ends_at: SubmittedDatetime | None = Field(
        None, description="the new end; the start plus the series' length when omitted"
    )
    venue: Venue | None = Field(None, description="the session's venue when it differs from the series'")

    @model_validator(mode="after")
    def _ordered(self) -> SessionOverride:
        if self.ends_at is not None and self.ends_at < (self.starts_at or self.recurrence_id):
            raise ValueError(both("overrides: ends_at is before the session's start"))
        return self


class ActivitySubmission(BaseModel):
    """One member's announcement of one activity, in one revision.

    Published on ``shuxiang.activity.submitted.<library_id>``.
    """

    model_config = ConfigDict(extra="forbid", title="ActivitySubmission")

    library_id: LibraryId = Field(description="the submitting member; must equal the subject's last token")
    source_ref: str = Field(min_length=1, max_length=200, description="the member's own id for the activity")
    revision: int = Field(1, ge=1, le=MAX_INT32, description="a higher revision replaces a lower one")
    status: Status = Status.scheduled
    title: Annotated[str, Clean] = Field(min_length=1, max_length=200)
    description: Annotated[str | None, Clean] = Field(None, max_length=20_000)
    category: Category
    starts_at: SubmittedDatetime
    ends_at: SubmittedDatetime
    all_day: bool = False
    recurrence: str | None = Field(
        None, max_length=500, description="an RFC 5545 RRULE value, e.g. FREQ=WEEKLY;COUNT=8"
    )
    exdates: list[SubmittedDatetime] = Field(default_factory=list, max_length=500)
    overrides: list[SessionOverride] = Field(
        default_factory=list, max_length=500, description="sessions of the series moved or cancelled on their own"
    )
    venue: Venue
    organizers: list[Organizer] = Field(default_factory=list, max_length=50)
    brand_id: str | None = Field(None, max_length=64)
    campaign_id: str | None = Field(None, max_length=64)
    featured: bool = False
    audience: Annotated[str | None, Clean] = Field(None, max_length=200)
    tags: list[Annotated[str, Clean, Field(min_length=1, max_length=50)]] = Field(default_factory=list, max_length=30)
    capacity: int | None = Field(None, ge=0, le=MAX_PARTICIPANTS)
    registration_url: HttpUrl | None = None
    contact: Annotated[str | None, Clean] = Field(None, max_length=200)
    poster: str | None = Field(
        None,
        pattern=r"^[0-9a-f]{64}\.jpg$",
        description="a poster uploaded with POST /api/v1/posters: its name, <sha256>.jpg",
    )
    partners: list[Annotated[str, Clean, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list,
        max_length=20,
        description="partners outside the alliance, by name: schools, universities, 社科联, 科协, communities",
    )

    @field_validator("title")
    @classmethod
    def _title_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError(both("the title is empty"))
        return value

    @field_validator("recurrence")
    @classmethod
    def _rrule_shape(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.removeprefix("RRULE:")
        parts = value.split(";")
        if not any(p.startswith("FREQ=") for p in parts) or not all(_RRULE_PART.match(p) for p in parts):
            raise ValueError(both("not an RFC 5545 RRULE (expected e.g. FREQ=WEEKLY;COUNT=8)"))
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ActivitySubmission:
        if self.ends_at < self.starts_at:
            raise ValueError(both("ends_at is before starts_at"))
        if self.recurrence:
            _check_series(self.recurrence, self.starts_at)
        roles = {}
        for org in self.organizers:
            if org.library_id in roles:
                raise ValueError(both("organizers lists {library} twice", library=org.library_id))
            roles[org.library_id] = org.role
        return self

    @model_validator(mode="after")
    def _sessions_fit_the_rule(self, info: ValidationInfo) -> ActivitySubmission:
        """Refused at every door (form, API, imports, CLI); not for a message already in the log
        (``context=LOGGED``): it was accepted once, and a replay must give the same state."""
        if not (info.context and info.context.get("logged")):
            _check_sessions(self)
        return self

    def credited(self) -> list[Organizer]:
        """The organizers with the submitter included (as host unless listed otherwise)."""
        if any(o.library_id == self.library_id for o in self.organizers):
            return list(self.organizers)
        return [Organizer(library_id=self.library_id, role=Role.host), *self.organizers]

    def message_id(self) -> str:
        """The Nats-Msg-Id: the content identity of this revision."""
        return f"sub:{self.library_id}:{self.source_ref}:{self.revision}"


class AttendanceReport(BaseModel):
    """After the event: was it held, how many came.

    Published on ``shuxiang.activity.reported.<library_id>``.
    """

    model_config = ConfigDict(extra="forbid", title="AttendanceReport")

    library_id: LibraryId
    source_ref: str = Field(min_length=1, max_length=200)
    held: bool
    participants: int = Field(ge=0, le=MAX_PARTICIPANTS)
    notes: str | None = Field(None, max_length=5_000)
    report_url: HttpUrl | None = None
    recurrence_id: AwareDatetime | None = Field(
        None, description="for a series: the session reported on (its original start); omitted: the whole series"
    )

    def message_id(self) -> str:
        session = f":{self.recurrence_id.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}" if self.recurrence_id else ""
        return f"rep:{self.library_id}:{self.source_ref}{session}:{self.held}:{self.participants}"
