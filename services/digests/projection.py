"""The digests' own projections: canonical activities (newest version of each) and the
duplicate reviews still open."""

from __future__ import annotations

import logging
from collections import deque
from datetime import datetime
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from sqlalchemy import Connection, Engine, bindparam, insert, select, update

from shuxiang.calendars.recurrence import MAX_SESSIONS
from shuxiang.db import RowsByKey, execute_many
from shuxiang.events.consumer import Delivery, UnitOfWork
from shuxiang.schemas import CanonicalActivity, CanonicalEventType
from shuxiang.schemas.errors import InvalidPayload, parse_json_model
from shuxiang.services.dedup.reviews import ReviewDecision
from shuxiang.services.projection import Newer, newer_canonicals, organizer_rows, parse_canonical

from .tables import OPEN_ENDED, digests_activity, digests_activity_library, digests_review

log = logging.getLogger(__name__)

ACTIVITIES = RowsByKey(digests_activity, "activity_id")
ACTIVITY_LIBRARIES = RowsByKey(digests_activity_library, "activity_id")


def session_span(activity: CanonicalActivity, tz: ZoneInfo | None) -> tuple[datetime | None, datetime | None]:
    """(earliest, latest) start of the activity's sessions, as ``sessions(activity, tz)`` makes them:
    every session an upcoming list could show starts between the two.

    The earliest counts a session moved before the series' first; the latest is the rule's last
    session or a later moved one, :data:`OPEN_ENDED` for a series without COUNT or UNTIL (or with
    more sessions than :data:`MAX_SESSIONS`).  A series' sessions are the zone's wall-clock times,
    so without ``tz`` (or with a rule that does not parse) a series is (None, None): not known,
    read by every digest as before."""
    if not activity.recurrence:
        return activity.starts_at, activity.starts_at
    if tz is None:
        return None, None
    moved = [o.starts_at for o in activity.overrides if o.starts_at is not None]
    first = min([activity.starts_at, *moved])
    try:
        rule = rrulestr(activity.recurrence, dtstart=activity.starts_at.astimezone(tz))
    except (ValueError, TypeError):
        return None, None
    if getattr(rule, "_count", None) is None and getattr(rule, "_until", None) is None:
        return first, OPEN_ENDED  # dateutil keeps COUNT and UNTIL private (an rruleset has neither)
    tail: deque[datetime] = deque(maxlen=1)
    for index, start in enumerate(rule):
        if index >= MAX_SESSIONS:
            return first, OPEN_ENDED
        tail.append(start)
    return first, max([*tail, activity.starts_at, *moved])


def apply_canonicals(deliveries: list[Delivery], uow: UnitOfWork, *, tz: ZoneInfo | None = None) -> None:
    """Keep the newest version of each activity (a batch's events together: one read of the
    versions held, a statement per table); a review-needed event also opens a review.

    ``tz``: the alliance's zone, in which a series' sessions are known (without it a series'
    span is left unknown, and every digest reads it)."""
    connection = uow.connection
    for delivery in deliveries:
        event = parse_canonical(delivery)
        if event.type == CanonicalEventType.review_needed:
            open_review(connection, delivery.msg_id, event.activity.id, delivery.timestamp)
    store_activities(connection, newer_canonicals(deliveries, connection, ACTIVITIES), tz)


def store_activities(connection: Connection, changed: list[Newer], tz: ZoneInfo | None = None) -> None:
    rows = {}
    for newer in changed:
        activity: CanonicalActivity = newer.event.activity
        first_start, last_start = session_span(activity, tz)
        rows[activity.id] = {
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
            "first_start": first_start,
            "last_start": last_start,
        }
    ACTIVITIES.store(
        connection,
        rows,
        new={newer.activity_id for newer in changed if newer.new},
        children=[(ACTIVITY_LIBRARIES, [row for newer in changed for row in organizer_rows(newer.event.activity)])],
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


_UNKNOWN_SPANS = (
    select(digests_activity.c.activity_id, digests_activity.c.version, digests_activity.c.snapshot)
    .where(digests_activity.c.first_start.is_(None))
    .order_by(digests_activity.c.activity_id)
)
_FILL_SPAN = (
    update(digests_activity)
    .where(
        digests_activity.c.activity_id == bindparam("k_id"),
        digests_activity.c.version == bindparam("k_version"),
        digests_activity.c.first_start.is_(None),
    )
    .values(first_start=bindparam("first"), last_start=bindparam("last"))
)


def fill_session_spans(engine: Engine, tz: ZoneInfo, *, reader: Engine | None = None, batch: int = 500) -> int:
    """Give the rows stored before ``first_start``/``last_start`` existed (or without the zone)
    their spans, a batch at a time; returns how many it computed.

    The digests service runs it once at start, beside its consumers: a batch is read and
    computed through ``reader`` (SQLite: no write lock meanwhile), then written in a short
    transaction.  A row a newer version replaced meanwhile is left as that version stored it
    (the update names the version read)."""
    filled, after = 0, ""
    while True:
        with (reader or engine).connect() as connection:
            rows = connection.execute(_UNKNOWN_SPANS.where(digests_activity.c.activity_id > after).limit(batch)).all()
        if not rows:
            break
        after = rows[-1].activity_id
        spans = []
        for row in rows:
            first_start, last_start = session_span(CanonicalActivity.model_validate_json(row.snapshot), tz)
            if first_start is not None:
                spans.append(
                    {"k_id": row.activity_id, "k_version": row.version, "first": first_start, "last": last_start}
                )
        with engine.begin() as connection:
            execute_many(connection, _FILL_SPAN, spans)
        filled += len(spans)
    if filled:
        log.info("digests: the session spans of %d activities stored before them filled", filled)
    return filled
