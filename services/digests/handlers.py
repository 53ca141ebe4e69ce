"""The digest-due handler: render the coordinator's digest once and record it for sending."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from email.utils import formataddr
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Connection, and_, case, exists, func, insert, select

from shuxiang.alliance import Alliance, Coordinator
from shuxiang.events.consumer import Delivery, Rejected, UnitOfWork, parse_payload
from shuxiang.events.dead_letters import DeadLetter
from shuxiang.i18n import both
from shuxiang.schemas import CanonicalActivity
from shuxiang.services.scheduler.messages import DigestDue

from .content import (
    LIST_LIMIT,
    UPCOMING_DAYS,
    Capped,
    Changes,
    Digest,
    QuietBrand,
    QuotaAtRisk,
    ScopedActivity,
    build_digest,
    campaign_window_ahead,
    scope_libraries,
)
from .render import compose, message_id
from .tables import digests_activity, digests_activity_library, digests_review, digests_sent

IDS_PER_STATEMENT = 500
"""Activities looked up by id at most this many to a statement."""


@dataclass(frozen=True)
class DigestConfig:
    alliance: Alliance
    sender_address: str | None = None
    """``SHUXIANG_MAIL_FROM``; None: the alliance's name, in the coordinator's language, at a
    placeholder address (:func:`sender_of`)."""
    dead_letters: Callable[[], Sequence[DeadLetter]] = tuple
    """Reads the services' dead letters (not a pure input: they live in other databases)."""
    quotas: Callable[[Sequence[str], datetime, str], Sequence[QuotaAtRisk]] = lambda libraries, now, language: ()
    """(libraries, as of, language) -> their annual targets at risk, from the quotas service."""
    quiet_brands: Callable[[Sequence[str], datetime, str], Sequence[QuietBrand]] = lambda libraries, now, language: ()
    """(libraries, as of, language) -> their brands gone quiet, from the brands service."""


def scoped_activities(connection: Connection, libraries: Sequence[str] | None) -> list[ScopedActivity]:
    """The projection's activities that credit a library in ``libraries`` (None: all), each
    flagged when a duplicate review of it is still open.

    Every activity of every year: what a digest once read.  :func:`digest_activities` reads only
    those a digest can show; this stays as the reference it is compared with (tests, bench)."""
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


def _open_reviews(connection: Connection) -> set[str]:
    """The activities with a duplicate review still open (the partial index of open reviews)."""
    return set(
        connection.scalars(
            select(digests_review.c.activity_id).where(
                digests_review.c.decided_at.is_(None), digests_review.c.activity_id.is_not(None)
            )
        )
    )


def _campaign_range(window: tuple[date, date], tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Instants around a window of local dates (a day either side: the exact test is the content's)."""
    start, end = window
    return (
        datetime.combine(start - timedelta(days=1), time(), tzinfo=tz),
        datetime.combine(end + timedelta(days=2), time(), tzinfo=tz),
    )


def digest_activities(
    connection: Connection,
    libraries: Sequence[str] | None,
    *,
    since: datetime,
    until: datetime,
    tz: ZoneInfo,
    campaign_windows: Iterable[tuple[str, tuple[date, date]]] = (),
    upcoming_days: int = UPCOMING_DAYS,
    with_changes: bool = True,
) -> list[ScopedActivity]:
    """What a digest for [since, until) can show of the activities crediting ``libraries`` (None:
    all), each read through an index and bounded by the digest, not by the years stored:

    * announced, changed or cancelled in the period (``created_at``, ``updated_at``);
    * scheduled with a session starting in the upcoming days after ``until``: a single one or a
      series starting in them (``first_start``), a series begun before with sessions left
      (``last_start``, a partial index of the activities with sessions at different times), and
      the rows whose span is not known yet (stored before it was kept);
    * scheduled and still waiting for a duplicate review;
    * scheduled in a campaign's window coming up (``campaign_id``, ``starts_at``).

    The digest's sections pick from these exactly what they would pick from every activity
    (:func:`scoped_activities`): each part holds all that its section can show.  Without
    ``with_changes`` the first part is left out (:func:`period_changes` reads it counted and cut)."""
    a = digests_activity.c
    upcoming_end = until + timedelta(days=upcoming_days)
    scheduled = a.status == "scheduled"
    changes: list[ColumnElement[bool]] = [
        (a.updated_at >= since) & (a.updated_at < until),
        (a.created_at >= since) & (a.created_at < until),
    ]
    parts: list[ColumnElement[bool]] = [
        *(changes if with_changes else ()),
        scheduled & (a.first_start >= until) & (a.first_start < upcoming_end),
        scheduled & (a.last_start > a.first_start) & (a.last_start >= until) & (a.first_start < until),
        scheduled & a.first_start.is_(None),
    ]
    for campaign_id, window in campaign_windows:
        low, high = _campaign_range(window, tz)
        parts.append(scheduled & (a.campaign_id == campaign_id) & (a.starts_at >= low) & (a.starts_at < high))
    scope = _scope(libraries)
    in_review = _open_reviews(connection)
    found: dict[str, ScopedActivity] = {}

    def read(rows) -> None:
        for row in rows:
            if row.activity_id not in found:
                activity = CanonicalActivity.model_validate_json(row.snapshot)
                found[row.activity_id] = ScopedActivity(activity, row.activity_id in in_review)

    for part in parts:
        read(connection.execute(select(a.activity_id, a.snapshot).where(part, *scope)))
    waiting = sorted(in_review - found.keys())
    for offset in range(0, len(waiting), IDS_PER_STATEMENT):
        ids = waiting[offset : offset + IDS_PER_STATEMENT]
        read(connection.execute(select(a.activity_id, a.snapshot).where(a.activity_id.in_(ids), scheduled, *scope)))
    return list(found.values())


def _scope(libraries: Sequence[str] | None) -> list[ColumnElement[bool]]:
    """The condition that an activity credits one of ``libraries`` (None: none, every activity)."""
    if libraries is None:
        return []
    credit = digests_activity_library.c
    a = digests_activity.c
    return [exists().where(credit.activity_id == a.activity_id, credit.library_id.in_(list(libraries)))]


def _first(connection: Connection, where: ColumnElement[bool], until: datetime, limit: int) -> tuple[list[str], int]:
    """(the first ``limit`` ids of what ``where`` selects, in a change section's order — still to
    come, soonest first, then past, latest first: ``_coming_first``'s — and how many it selects),
    in one statement: the database counts (a window over the rows) and keeps the first ones.

    Ids are ordered as Python's ``sorted`` orders them: by code point (SQLite's BINARY,
    PostgreSQL's "C" collation, whatever the database's own)."""
    a = digests_activity.c
    start = a.starts_at
    ident = a.activity_id.collate("C") if connection.dialect.name == "postgresql" else a.activity_id
    coming, past = start >= until, start < until
    rows = connection.execute(
        select(a.activity_id, func.count().over().label("total"))
        .where(where)
        .order_by(
            case((past, 1), else_=0),
            case((coming, start)).asc(),
            case((past, start)).desc(),
            case((coming, ident)).asc(),
            case((past, ident)).desc(),
        )
        .limit(limit)
    ).all()
    return [row.activity_id for row in rows], rows[0].total if rows else 0


def period_changes(
    connection: Connection,
    libraries: Sequence[str] | None,
    *,
    since: datetime,
    until: datetime,
    limit: int = LIST_LIMIT,
) -> Changes:
    """The period's new, changed and cancelled activities crediting ``libraries`` (None: all),
    as :func:`~.content.classify_changes` sorts them and ``Capped.of`` cuts them: one statement a
    section through the ``created_at``/``updated_at`` indexes, counted by the database, only the
    first ``limit`` of each read whole.  A bulk import puts every activity in one period: the
    digest shows 40 of them, and parsed all 77,000 to do so."""
    a = digests_activity.c
    updated = (a.updated_at >= since) & (a.updated_at < until)
    created = (a.created_at >= since) & (a.created_at < until)
    cancelled = (a.status == "cancelled") & updated  # cancelled wins, then new, then changed
    sections = {
        "new": created & ~cancelled,
        "changed": updated & (a.status == "scheduled") & ~created,
        "cancelled": cancelled,
    }
    scope: list[ColumnElement[bool]] = []
    if libraries is not None:  # the scope's activities once (the library index), not a probe per row and library
        credit = digests_activity_library.c
        scope.append(a.activity_id.in_(select(credit.activity_id).where(credit.library_id.in_(list(libraries)))))
    found: dict[str, tuple[list[str], int]] = {}
    for name, where in sections.items():
        ids, total = _first(connection, and_(where, *scope), until, limit)
        found[name] = (ids, max(0, total - limit))
    wanted = sorted({aid for ids, _ in found.values() for aid in ids})
    activities: dict[str, CanonicalActivity] = {}
    for offset in range(0, len(wanted), IDS_PER_STATEMENT):
        rows = connection.execute(
            select(a.activity_id, a.snapshot).where(a.activity_id.in_(wanted[offset : offset + IDS_PER_STATEMENT]))
        )
        activities.update((row.activity_id, CanonicalActivity.model_validate_json(row.snapshot)) for row in rows)
    return Changes(**{name: Capped([activities[aid] for aid in ids], more) for name, (ids, more) in found.items()})


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
    today = until.astimezone(alliance.tz).date()
    windows = [(c.id, window) for c in alliance.campaigns if (window := campaign_window_ahead(c, today)) is not None]
    scope = None if coordinator.scope is None else libraries
    items = digest_activities(
        connection, scope, since=since, until=until, tz=alliance.tz, campaign_windows=windows, with_changes=False
    )
    return build_digest(
        alliance,
        coordinator,
        period=period,
        since=since,
        until=until,
        items=items,
        changes=period_changes(connection, scope, since=since, until=until),
        dead_letters=config.dead_letters(),
        quotas=config.quotas(libraries, until, coordinator.language),
        quiet_brands=config.quiet_brands(libraries, until, coordinator.language),
        missed_periods=missed_periods,
    )


def placeholder_sender(alliance: Alliance, language: str = "zh-CN") -> str:
    """The alliance's name in ``language`` at an address that is nobody's (no SHUXIANG_MAIL_FROM)."""
    return formataddr((alliance.name_in(language), f"digests@{alliance.id}.shuxiang.invalid"))


def sender_of(config: DigestConfig, language: str) -> str:
    """Who a digest in ``language`` is from: an English digest came from 书香联盟（示例）."""
    return config.sender_address or placeholder_sender(config.alliance, language)


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
    message = compose(digest, tz=config.alliance.tz, sender=sender_of(config, digest.language), msg_id=msg_id, dated=at)
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
