"""Each library's activities as last published, for the form's lists and the next revision."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, bindparam, insert, select, update

from shuxiang.db import execute_many, keys_in
from shuxiang.schemas import ActivitySubmission, AttendanceReport
from shuxiang.schemas.submission import LOGGED

from .tables import intake_activity


@dataclass(frozen=True)
class StoredActivity:
    library_id: str
    source_ref: str
    revision: int
    status: str
    submission: ActivitySubmission
    channel: str
    held: bool | None
    participants: int | None
    updated_at: datetime


def _stored(row) -> StoredActivity:
    return StoredActivity(
        library_id=row.library_id,
        source_ref=row.source_ref,
        revision=row.revision,
        status=row.status,
        submission=ActivitySubmission.model_validate_json(row.submission, context=LOGGED),
        channel=row.channel,
        held=row.held,
        participants=row.participants,
        updated_at=row.updated_at,
    )


def get_activity(connection: Connection, library_id: str, source_ref: str) -> StoredActivity | None:
    row = connection.execute(
        select(intake_activity).where(
            intake_activity.c.library_id == library_id, intake_activity.c.source_ref == source_ref
        )
    ).first()
    return _stored(row) if row else None


def list_activities(engine: Engine, library_ids: list[str] | None, *, limit: int = 500) -> list[StoredActivity]:
    """The newest-starting activities of these libraries (None: every library)."""
    query = select(intake_activity).order_by(intake_activity.c.starts_at.desc()).limit(limit)
    if library_ids is not None:
        query = query.where(intake_activity.c.library_id.in_(library_ids))
    with engine.connect() as connection:
        return [_stored(row) for row in connection.execute(query)]


HELD_KEYS_PER_QUERY = 500


def held_submissions(
    connection: Connection, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], ActivitySubmission]:
    """What each of these (library, source_ref) last published, as intake holds it."""
    keys = sorted(set(keys))
    held: dict[tuple[str, str], ActivitySubmission] = {}
    for first in range(0, len(keys), HELD_KEYS_PER_QUERY):
        where, parameters = keys_in(
            (intake_activity.c.library_id, intake_activity.c.source_ref), keys[first : first + HELD_KEYS_PER_QUERY]
        )
        query = select(intake_activity.c.library_id, intake_activity.c.source_ref, intake_activity.c.submission)
        for row in connection.execute(query.where(where), parameters):
            held[(row.library_id, row.source_ref)] = ActivitySubmission.model_validate_json(
                row.submission, context=LOGGED
            )
    return held


_HELD_REVISIONS = select(intake_activity.c.library_id, intake_activity.c.source_ref, intake_activity.c.revision)
_INSERT_ACTIVITY = insert(intake_activity)
_UPDATE_ACTIVITY = (
    update(intake_activity)
    .where(
        intake_activity.c.library_id == bindparam("k_library"),
        intake_activity.c.source_ref == bindparam("k_ref"),
    )
    .values(
        {name: bindparam(name) for name in ("revision", "status", "title", "starts_at", "submission", "updated_at")}
    )
)


def record_submissions(
    connection: Connection, submissions: Sequence[tuple[ActivitySubmission, datetime]], *, channel: str
) -> set[tuple[str, str]]:
    """Keep each submission that is newer than the one held, as if recorded one after another in
    this order (an equal or older revision changes nothing): one read and at most two statements
    for the whole list.  Returns the (library, source_ref) keys whose row changed; a new row takes
    ``channel``, a newer revision keeps the channel its first announcement came by."""
    newest: dict[tuple[str, str], tuple[ActivitySubmission, datetime]] = {}
    for submission, at in submissions:
        key = (submission.library_id, submission.source_ref)
        if key not in newest or submission.revision > newest[key][0].revision:
            newest[key] = (submission, at)
    if not newest:
        return set()
    where, parameters = keys_in((intake_activity.c.library_id, intake_activity.c.source_ref), newest)
    held = {
        (row.library_id, row.source_ref): row.revision
        for row in connection.execute(_HELD_REVISIONS.where(where), parameters)
    }
    inserts, updates = [], []
    for (library_id, source_ref), (submission, at) in newest.items():
        values = {
            "revision": submission.revision,
            "status": submission.status.value,
            "title": submission.title,
            "starts_at": submission.starts_at,
            "submission": submission.model_dump_json(),
            "updated_at": at,
        }
        revision = held.get((library_id, source_ref))
        if revision is None:
            inserts.append({"library_id": library_id, "source_ref": source_ref, "channel": channel, **values})
        elif submission.revision > revision:
            updates.append({"k_library": library_id, "k_ref": source_ref, **values})
    execute_many(connection, _INSERT_ACTIVITY, inserts)
    execute_many(connection, _UPDATE_ACTIVITY, updates)
    return {(row["library_id"], row["source_ref"]) for row in inserts} | {
        (row["k_library"], row["k_ref"]) for row in updates
    }


def record_submission(connection: Connection, submission: ActivitySubmission, *, channel: str, at: datetime) -> bool:
    """Keep the submission if it is newer than the one held; True if it was."""
    return bool(record_submissions(connection, [(submission, at)], channel=channel))


def record_report(connection: Connection, report: AttendanceReport, *, at: datetime) -> bool:
    """Keep the attendance report on the activity it is about; False if intake does not know it.

    A report on one session of a series (``recurrence_id``) does not replace the series' own
    figures here (the brands service keeps it per session).
    """
    if report.recurrence_id is not None:
        return False
    result = connection.execute(
        update(intake_activity)
        .where(
            intake_activity.c.library_id == report.library_id,
            intake_activity.c.source_ref == report.source_ref,
        )
        .values(held=report.held, participants=report.participants, updated_at=at)
    )
    return result.rowcount > 0


def next_revision(connection: Connection, library_id: str, source_ref: str) -> int:
    held = connection.execute(
        select(intake_activity.c.revision).where(
            intake_activity.c.library_id == library_id, intake_activity.c.source_ref == source_ref
        )
    ).scalar()
    return 1 if held is None else held + 1
