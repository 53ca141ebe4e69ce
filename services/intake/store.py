"""Each library's activities as last published, for the form's lists and the next revision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, insert, select, update

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


def record_submission(connection: Connection, submission: ActivitySubmission, *, channel: str, at: datetime) -> bool:
    """Keep the submission if it is newer than the one held; True if it was."""
    held = connection.execute(
        select(intake_activity.c.revision).where(
            intake_activity.c.library_id == submission.library_id,
            intake_activity.c.source_ref == submission.source_ref,
        )
    ).scalar()
    values = {
        "revision": submission.revision,
        "status": submission.status.value,
        "title": submission.title,
        "starts_at": submission.starts_at,
        "submission": submission.model_dump_json(),
        "updated_at": at,
    }
    if held is None:
        connection.execute(
            insert(intake_activity).values(
                library_id=submission.library_id, source_ref=submission.source_ref, channel=channel, **values
            )
        )
        return True
    if submission.revision <= held:
        return False
    connection.execute(
        update(intake_activity)
        .where(
            intake_activity.c.library_id == submission.library_id,
            intake_activity.c.source_ref == submission.source_ref,
        )
        .values(**values)
    )
    return True


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
