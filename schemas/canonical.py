"""Canonical events: what the dedup service publishes on ``shuxiang.canonical.<event>``.

Each event carries the whole canonical activity as it stands after the change
(a snapshot, not a delta), so consumers can upsert by ``id`` and ignore any
snapshot whose ``version`` is not newer than the one they hold.  That makes
every consumer idempotent and tolerant of redelivery.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from .submission import AwareDatetime, Category, LibraryId, Organizer, SessionOverride, Status, Venue


class CanonicalEventType(StrEnum):
    created = "created"
    updated = "updated"
    merged = "merged"
    cancelled = "cancelled"
    review_needed = "review-needed"


class SourceRef(BaseModel):
    """One member announcement merged into a canonical activity."""

    model_config = ConfigDict(extra="forbid")

    library_id: LibraryId
    source_ref: str
    revision: int = Field(ge=1)
    status: Status = Status.scheduled


class CanonicalActivity(BaseModel):
    """One real activity, however many members announced it."""

    model_config = ConfigDict(extra="forbid", title="CanonicalActivity", frozen=True)

    id: str = Field(description="stable id; the calendar UID is derived from it and never changes")
    version: int = Field(
        ge=1,
        description="raised on every visible change and whenever the set of announcements merged into it "
        "(sources' library_id, source_ref) changes: every version is published, and a consumer keeps the "
        "highest it has seen",
    )
    sequence: int | None = Field(
        None,
        ge=0,
        description="the iCalendar SEQUENCE: raised on every visible change only (an announcement joining or "
        "leaving without changing what it shows raises version, not this); absent from snapshots published "
        "before it, where it is version - 1",
    )
    status: Status
    title: str
    description: str | None = None
    category: Category
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    all_day: bool = False
    recurrence: str | None = None
    exdates: list[AwareDatetime] = Field(default_factory=list)
    overrides: list[SessionOverride] = Field(
        default_factory=list, description="sessions of the series moved or cancelled on their own"
    )
    venue: Venue
    organizers: list[Organizer] = Field(description="every credited library once, in its role")
    brand_id: str | None = None
    campaign_id: str | None = None
    featured: bool = False
    audience: str | None = None
    tags: list[str] = Field(default_factory=list)
    capacity: int | None = None
    registration_url: HttpUrl | None = None
    contact: str | None = None
    poster: str | None = Field(None, description="the poster's name, <sha256>.jpg, served at /posters/<name>")
    partners: list[str] = Field(default_factory=list, description="partners outside the alliance, by name")
    sources: list[SourceRef] = Field(description="the (library_id, source_ref) announcements merged into it")
    merged_into: str | None = Field(
        None,
        description="set on an activity found to be another one (a later announcement connected them): "
        "the id of the activity that holds its announcements now; this one stays cancelled",
    )
    created_at: AwareDatetime = Field(description="when it was first announced (broker time)")
    updated_at: AwareDatetime = Field(description="when it last changed visibly (broker time)")

    @property
    def source_keys(self) -> frozenset[tuple[str, str]]:
        """The announcements merged into it, as (library_id, source_ref): what attendance reports
        and credits are matched by."""
        return frozenset((s.library_id, s.source_ref) for s in self.sources)

    @property
    def ical_sequence(self) -> int:
        """The VEVENT's SEQUENCE: ``sequence``, or ``version - 1`` in a snapshot from before it."""
        return self.version - 1 if self.sequence is None else self.sequence

    @property
    def host_library_id(self) -> str:
        for org in self.organizers:
            if org.role == "host":
                return org.library_id
        return self.sources[0].library_id


class CanonicalEvent(BaseModel):
    """Published on ``shuxiang.canonical.<type>``; Nats-Msg-Id ``canon:<id>:<version>``."""

    model_config = ConfigDict(extra="forbid", title="CanonicalEvent", frozen=True)
    """Frozen: the projections of one process share each parsed event (services.projection.parse_canonical)."""

    type: CanonicalEventType
    activity: CanonicalActivity
    occurred_at: datetime

    def message_id(self) -> str:
        return f"canon:{self.activity.id}:{self.activity.version}"
