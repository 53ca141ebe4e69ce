"""The digest-due handler: render the coordinator's digest once and record it for sending."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select

from shuxiang.alliance import Alliance, Coordinator
from shuxiang.events.consumer import Delivery, Rejected, UnitOfWork, parse_payload
from shuxiang.events.dead_letters import DeadLetter
from shuxiang.i18n import both
from shuxiang.schemas import CanonicalActivity
from shuxiang.services.scheduler.messages import DigestDue

from .content import Digest, QuietBrand, QuotaAtRisk, ScopedActivity, build_digest, scope_libraries
from .render import compose, message_id
from .tables import digests_activity, digests_activity_library, digests_review, digests_sent


@dataclass(frozen=True)
class DigestConfig:
    alliance: Alliance
    sender_address: str
    dead_letters: Callable[[], Sequence[DeadLetter]] = tuple
    """Reads the services' dead letters (not a pure input: they live in other databases)."""
    quotas: Callable[[Sequence[str], datetime, str], Sequence[QuotaAtRisk]] = lambda libraries, now, language: ()
    """(libraries, as of, language) -> their annual targets at risk, from the quotas service."""
    quiet_brands: Callable[[Sequence[str], datetime, str], Sequence[QuietBrand]] = lambda libraries, now, language: ()
    """(libraries, as of, language) -> their brands gone quiet, from the brands service."""


def scoped_activities(connection: Connection, libraries: Sequence[str] | None) -> list[ScopedActivity]:
    """The projection's activities that credit a library in ``libraries`` (None: all), each
    flagged when a duplicate review of it is still open."""
    query = select(digests_activity.c.activity_id, digests_activity.c.snapshot)
    if libraries is not None:
        credited = select(digests_activity_library.c.activity_id).where(
            digests_activity_library.c.library_id.in_(list(libraries))
        )
        query = query.where(digests_activity.c.activity_id.in_(credited))
    in_review = set(
        connection.scalars(
            select(digests_review.c.activity_id).where(
                digests_review.c.decided_at.is_(None), digests_review.c.activity_id.is_not(None)
            )
        )
    )
    return [
        ScopedActivity(CanonicalActivity.model_validate_json(row.snapshot), row.activity_id in in_review)
        for row in connection.execute(query)
    ]


def digest_for(
    connection: Connection,
    config: DigestConfig,
    coordinator: Coordinator,
    *,
    period: str,
    since: datetime,
    until: datetime,
    missed_periods: int = 0,
) -> Digest:
    alliance = config.alliance
    libraries = scope_libraries(alliance, coordinator)
    return build_digest(
        alliance,
        coordinator,
        period=period,
        since=since,
        until=until,
        items=scoped_activities(connection, None if coordinator.scope is None else libraries),
        dead_letters=config.dead_letters(),
        quotas=config.quotas(libraries, until, coordinator.language),
        quiet_brands=config.quiet_brands(libraries, until, coordinator.language),
        missed_periods=missed_periods,
    )


def find_coordinator(alliance: Alliance, coordinator_id: str) -> Coordinator | None:
    return next((c for c in alliance.coordinators if c.id == coordinator_id), None)


def record_digest(connection: Connection, config: DigestConfig, due: DigestDue, at: datetime) -> bool:
    """Render and record the digest as ``pending``; False if this coordinator and period has one already."""
    coordinator = find_coordinator(config.alliance, due.coordinator_id)
    if coordinator is None:
        raise Rejected(both("coordinator_id: {id} is not in the alliance configuration", id=repr(due.coordinator_id)))
    exists = connection.scalar(
        select(digests_sent.c.status).where(
            digests_sent.c.coordinator_id == coordinator.id, digests_sent.c.period == due.period
        )
    )
    if exists is not None:
        return False
    digest = digest_for(
        connection,
        config,
        coordinator,
        period=due.period,
        since=due.since,
        until=due.due_at,
        missed_periods=due.missed_periods,
    )
    msg_id = message_id(config.alliance.id, coordinator.id, due.period)
    message = compose(digest, tz=config.alliance.tz, sender=config.sender_address, msg_id=msg_id)
    connection.execute(
        insert(digests_sent).values(
            coordinator_id=coordinator.id,
            period=due.period,
            status="pending",
            recipient=coordinator.email,
            subject=str(message["Subject"]),
            message_id=msg_id,
            eml=message.as_bytes(),
            since=due.since,
            due_at=due.due_at,
            attempts=0,
            next_attempt_at=at,
            created_at=at,
        )
    )
    return True


def handle_due(config: DigestConfig, delivery: Delivery, uow: UnitOfWork) -> None:
    """``shuxiang.digest.due``: one digest per coordinator and period, however often the message comes."""
    due = parse_payload(DigestDue, delivery)
    record_digest(uow.connection, config, due, delivery.timestamp)
