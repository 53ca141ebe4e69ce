"""The review queue: pairs of announcements the matcher was unsure about, and decisions.

A coordinator's decision is an event (``shuxiang.review.decided.<coordinator_id>`` in the
SUBMISSIONS stream), handled like a submission: stored on the pair, then the pair's
neighbourhood is re-grouped.  A replay of the log therefore reproduces every decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection, select

from shuxiang.alliance import Alliance
from shuxiang.events.consumer import Delivery, Rejected, UnitOfWork, check_subject, parse_payload
from shuxiang.i18n import N_, both, gettext
from shuxiang.schemas.submission import LOGGED, LibraryId

from .handlers import reconcile
from .normalize import VenueResolver
from .repository import DedupRepository, review_id
from .tables import ReviewFields, dedup_review, dedup_source

Decision = Literal["merge", "apart"]


class AnnouncementRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    library_id: LibraryId
    source_ref: str = Field(min_length=1, max_length=200)

    @property
    def key(self) -> tuple[str, str]:
        return (self.library_id, self.source_ref)


class ReviewDecision(BaseModel):
    """Published on ``shuxiang.review.decided.<coordinator_id>``."""

    model_config = ConfigDict(extra="forbid", title="ReviewDecision")

    source: AnnouncementRef
    other: AnnouncementRef
    decision: Decision = Field(description="merge: one activity; apart: two activities")
    coordinator_id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    note: str | None = Field(None, max_length=2000)

    @property
    def review_id(self) -> str:
        return review_id(self.source.key, self.other.key)

    def message_id(self) -> str:
        return f"decision:{self.review_id}:{self.decision}:{self.coordinator_id}"


class DecisionBody(BaseModel):
    """What the API takes to decide a review."""

    model_config = ConfigDict(extra="forbid")

    decision: Decision
    coordinator_id: str | None = Field(
        None, min_length=1, max_length=64, description="who decides: the account's own id (a different one is refused)"
    )
    note: str | None = Field(None, max_length=2000)


def parse_decision(delivery: Delivery, alliance: Alliance) -> ReviewDecision:
    decision = parse_payload(ReviewDecision, delivery)
    check_subject("coordinator_id", decision.coordinator_id, delivery)
    if alliance.coordinator(decision.coordinator_id) is None:
        raise Rejected(both('unknown coordinator "{coordinator}"', coordinator=decision.coordinator_id))
    if decision.source.key == decision.other.key:
        raise Rejected(both("a review needs two different announcements"))
    return decision


def handle_decision(
    delivery: Delivery, uow: UnitOfWork, *, alliance: Alliance, venues: VenueResolver | None = None
) -> None:
    """A coordinator decided a review: store it on the pair, then re-group around the pair."""
    decision = parse_decision(delivery, alliance)
    repo = DedupRepository(uow.connection, venues)
    repo.record_decision(
        {
            "id": decision.review_id,
            "source_library": decision.source.library_id,
            "source_ref": decision.source.source_ref,
            "other_library": decision.other.library_id,
            "other_ref": decision.other.source_ref,
            "score": None,
            "reason": "decided",
            "status": decision.decision,
            "created_at": delivery.timestamp,
            "decided_at": delivery.timestamp,
            "decided_by": decision.coordinator_id,
            "note": decision.note,
        }
    )
    seeds = [row for row in (repo.source(decision.source.key), repo.source(decision.other.key)) if row is not None]
    if seeds:
        reconcile(repo, uow, seeds, new_keys=frozenset(), at=delivery.timestamp)


# -- reading the queue ---------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    library_id: str
    source_ref: str
    title: str | None
    starts_at: datetime | None
    venue: str | None
    activity_id: str | None


REASONS = {
    "co-hosts: similar titles": N_("Same place or organisers naming each other, but the titles are only partly alike"),
    "unlinked libraries: similar titles": N_("Similar titles, but the libraries are unrelated and the place unclear"),
    "co-hosts: similar, but series and single dates differ": N_(
        "Alike, but one is a series and the other a single date"
    ),
    "unlinked libraries: similar, but series and single dates differ": N_(
        "Alike, but one is a series and the other a single date"
    ),
    "same library: near copy": N_("Entered twice by one library, with a slightly different title or time"),
    "decided": N_("Decided by a coordinator"),
}
"""Why a pair waits for a coordinator, in the page's language (the stored reason is the key)."""
_TWICE = "same library twice: "


def describe_reason(reason: str, language: str) -> str:
    """The stored reason in zh-CN, or English for ``language`` "en"; an unknown one as stored."""
    if reason.startswith(_TWICE):
        inner = describe_reason(reason[len(_TWICE) :], language)
        return gettext(language, "Another announcement of the same library differs: {inner}").format(inner=inner)
    return gettext(language, REASONS[reason]) if reason in REASONS else reason


class Review(ReviewFields):
    """A review as the API (``as_json``) and the page show it: the row, each side as announced."""

    model_config = ConfigDict(frozen=True)  # type: ignore[assignment]  # SQLModel types it as its own TypedDict of the same keys

    source: Side
    other: Side

    def reason_in(self, language: str) -> str:
        return describe_reason(self.reason, language)

    def as_json(self) -> dict:
        def side(s: Side) -> dict:
            return {
                "library_id": s.library_id,
                "source_ref": s.source_ref,
                "title": s.title,
                "starts_at": s.starts_at.isoformat() if s.starts_at else None,
                "venue": s.venue,
                "activity_id": s.activity_id,
            }

        return {
            "id": self.id,
            "status": self.status,
            "score": self.score,
            "reason": self.reason,
            "created_at": self.created_at.isoformat(),
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
            "decided_by": self.decided_by,
            "note": self.note,
            "source": side(self.source),
            "other": side(self.other),
        }


def _side(connection: Connection, library_id: str, source_ref: str) -> Side:
    row = connection.execute(
        select(
            dedup_source.c.title,
            dedup_source.c.starts_at,
            dedup_source.c.venue_key,
            dedup_source.c.activity_id,
            dedup_source.c.submission,
        ).where(dedup_source.c.library_id == library_id, dedup_source.c.source_ref == source_ref)
    ).first()
    if row is None:
        return Side(library_id, source_ref, None, None, None, None)
    from shuxiang.schemas import ActivitySubmission

    venue = ActivitySubmission.model_validate_json(row.submission, context=LOGGED).venue
    return Side(
        library_id, source_ref, row.title, row.starts_at, venue.name or str(venue.online_url or ""), row.activity_id
    )


def list_reviews(
    connection: Connection, *, status: str | None = "pending", limit: int = 100, offset: int = 0
) -> list[Review]:
    query = select(dedup_review).order_by(dedup_review.c.created_at, dedup_review.c.id).limit(limit).offset(offset)
    if status:
        query = query.where(dedup_review.c.status == status)
    return [_review(connection, row) for row in connection.execute(query).mappings()]


def get_review(connection: Connection, rid: str) -> Review | None:
    row = connection.execute(select(dedup_review).where(dedup_review.c.id == rid)).mappings().first()
    return _review(connection, row) if row else None


def _review(connection: Connection, row) -> Review:
    return Review(
        id=row["id"],
        source_library=row["source_library"],
        source_ref=row["source_ref"],
        other_library=row["other_library"],
        other_ref=row["other_ref"],
        status=row["status"],
        score=row["score"],
        reason=row["reason"],
        created_at=row["created_at"],
        decided_at=row["decided_at"],
        decided_by=row["decided_by"],
        note=row["note"],
        source=_side(connection, row["source_library"], row["source_ref"]),
        other=_side(connection, row["other_library"], row["other_ref"]),
    )


def decision_for(review: Review, body: DecisionBody) -> ReviewDecision:
    return ReviewDecision(
        source=AnnouncementRef(library_id=review.source.library_id, source_ref=review.source.source_ref),
        other=AnnouncementRef(library_id=review.other.library_id, source_ref=review.other.source_ref),
        decision=body.decision,
        coordinator_id=body.coordinator_id,
        note=body.note,
    )
