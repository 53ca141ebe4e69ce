"""“Looks like an activity another library already posted”: the same time, and a similar title or the same venue."""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable
from datetime import timedelta

from rapidfuzz import fuzz
from sqlalchemy.exc import SQLAlchemyError

from shuxiang.schemas import ActivitySubmission, CanonicalActivity, Status

log = logging.getLogger(__name__)

SAME_TIME = timedelta(hours=1)
SIMILAR_TITLE = 75


def _normal(text: str | None) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text or "").lower() if ch.isalnum())


def title_similarity(a: str, b: str) -> float:
    left, right = _normal(a), _normal(b)
    if not left or not right:
        return 0.0
    return max(fuzz.ratio(left, right), 0.9 * fuzz.partial_ratio(left, right))


def lookalikes(
    activities: Iterable[CanonicalActivity], submission: ActivitySubmission, *, limit: int = 5
) -> list[CanonicalActivity]:
    """Scheduled canonical activities of other libraries that start within an hour of this one and have
    a similar title or the same venue (by the venue directory's id) (``activities`` in start order, as ``canonical_activities`` gives them)."""
    found: list[CanonicalActivity] = []
    earliest, latest = submission.starts_at - SAME_TIME, submission.starts_at + SAME_TIME
    for activity in activities:
        if activity.starts_at < earliest:
            continue
        if activity.starts_at > latest:
            break
        if activity.status != Status.scheduled:
            continue
        libraries = {source.library_id for source in activity.sources}
        if submission.library_id in libraries or not libraries:
            continue
        # a name like 报告厅 is every library's hall: only the directory's venue id says it is the same place
        same_venue = bool(submission.venue.venue_id) and submission.venue.venue_id == activity.venue.venue_id
        if same_venue or title_similarity(submission.title, activity.title) >= SIMILAR_TITLE:
            found.append(activity)
            if len(found) >= limit:
                break
    return found


def canonical_lookalikes(databases, submission: ActivitySubmission) -> list[CanonicalActivity]:
    """:func:`lookalikes` over the dedup service's canonical activities starting within an hour of
    the submission's start (read-only, through dedup's read function and its index of starts; none
    if unreadable).  Blocking: web handlers call it in a worker thread."""
    from shuxiang.services.dedup.service import NAME, canonical_activities

    window = (submission.starts_at - SAME_TIME, submission.starts_at + SAME_TIME)
    try:
        return lookalikes(canonical_activities(databases.reader(NAME), starting=window), submission)
    except (SQLAlchemyError, ValueError) as exc:
        log.info("lookalike check skipped: %r", exc)
        return []
