"""The digests' own projections: canonical activities (newest version of each) and the
duplicate reviews still open."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update

from shuxiang.db import RowsByKey
from shuxiang.events.consumer import Delivery, UnitOfWork
from shuxiang.schemas import CanonicalActivity, CanonicalEventType
from shuxiang.schemas.errors import InvalidPayload, parse_json_model
from shuxiang.services.dedup.reviews import ReviewDecision
from shuxiang.services.projection import Newer, newer_canonicals, organizer_rows, parse_canonical

from .tables import digests_activity, digests_activity_library, digests_review

ACTIVITIES = RowsByKey(digests_activity, "activity_id")
ACTIVITY_LIBRARIES = RowsByKey(digests_activity_library, "activity_id")


def apply_canonical(delivery: Delivery, uow: UnitOfWork) -> None:
    """Keep the newest version of the activity; a review-needed event also opens a review."""
    event = parse_canonical(delivery)
    if event.type == CanonicalEventType.review_needed:
        open_review(uow.connection, delivery.msg_id, event.activity.id, delivery.timestamp)
    for newer in newer_canonicals([delivery], uow.connection, ACTIVITIES):  # an older or equal version: none
        store_activity(uow.connection, newer)


def store_activity(connection: Connection, newer: Newer) -> None:
    activity: CanonicalActivity = newer.event.activity
    values = {
        "version": activity.version,
        "event_type": newer.event.type.value,
        "status": activity.status.value,
        "starts_at": activity.starts_at,
        "brand_id": activity.brand_id,
        "campaign_id": activity.campaign_id,
        "created_at": activity.created_at,
        "updated_at": activity.updated_at,
        "snapshot": activity.model_dump_json(),
        "canonical_seq": newer.delivery.stream_seq,
    }
    ACTIVITIES.store(
        connection,
        {activity.id: values},
        new={activity.id} if newer.new else (),
        children=[(ACTIVITY_LIBRARIES, organizer_rows(activity))],
    )


def _review_id(msg_id: str) -> str:
    """``review:<id>`` (dedup's message id for a review-needed event) → ``<id>``."""
    return msg_id.removeprefix("review:")


def open_review(connection: Connection, msg_id: str, activity_id: str, at) -> None:
    review_id = _review_id(msg_id)
    known = connection.execute(
        select(digests_review.c.activity_id).where(digests_review.c.review_id == review_id)
    ).first()
    if known is None:
        connection.execute(insert(digests_review).values(review_id=review_id, activity_id=activity_id, opened_at=at))
    elif known.activity_id is None:  # the decision came first (independent consumers): it stays decided
        connection.execute(
            update(digests_review)
            .where(digests_review.c.review_id == review_id)
            .values(activity_id=activity_id, opened_at=at)
        )


def apply_decision(delivery: Delivery, uow: UnitOfWork) -> None:
    """A coordinator decided a review (``shuxiang.review.decided.*``): it no longer waits.

    An invalid decision is the dedup service's to dead-letter; here it is ignored.
    """
    try:
        decision = parse_json_model(ReviewDecision, delivery.data)
    except InvalidPayload:
        return
    connection = uow.connection
    review_id = decision.review_id
    updated = connection.execute(
        update(digests_review)
        .where(digests_review.c.review_id == review_id, digests_review.c.decided_at.is_(None))
        .values(decided_at=delivery.timestamp)
    )
    if (
        updated.rowcount == 0
        and connection.scalar(select(digests_review.c.review_id).where(digests_review.c.review_id == review_id)) is None
    ):
        connection.execute(insert(digests_review).values(review_id=review_id, decided_at=delivery.timestamp))
