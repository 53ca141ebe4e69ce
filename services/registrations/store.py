"""The registrations service's query functions: what the web front (and other services) may
read of its tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, case, func, select
from sqlalchemy.exc import DBAPIError

from shuxiang.calendars.recurrence import sessions
from shuxiang.schemas import CanonicalActivity, Status
from shuxiang.schemas.registration import SATISFIED, RegistrationRequest, token_hash

from .handlers import ACTIVE, CONFIRMED, WAITLISTED, called_off, place_of, refusal, session_key, session_now
from .tables import registrations_activity, registrations_entry, registrations_place

SESSIONS_OFFERED = 12
"""A series offers sign-up for this many sessions ahead."""


@dataclass(frozen=True)
class Offer:
    """One session a reader may sign up for, and how many places are left."""

    session: datetime
    starts_at: datetime
    left: int | None  # None: no limit


@dataclass(frozen=True)
class Signup:
    activity: CanonicalActivity
    capacity: int
    offers: list[Offer]


def signup_offer(reader: Engine, activity_id: str, now: datetime, tz: ZoneInfo) -> Signup | None:
    """What the activity page offers: the sessions ahead with their places left (None: no sign-up)."""
    a, p = registrations_activity.c, registrations_place.c
    with reader.connect() as connection:
        row = connection.execute(select(a.status, a.capacity, a.snapshot).where(a.activity_id == activity_id)).first()
        if row is None or row.capacity is None or row.status == Status.cancelled.value:
            return None
        activity = CanonicalActivity.model_validate_json(row.snapshot)
        ahead = [s for s in sessions(activity, tz, now, now + timedelta(days=400)) if s.held and s.starts_at > now]
        ahead = ahead[:SESSIONS_OFFERED]
        taken = dict(connection.execute(select(p.session, p.confirmed).where(p.activity_id == activity_id)).all())
    offers = []
    for s in ahead:
        key = session_key(s)
        offers.append(
            Offer(session=key, starts_at=s.starts_at.astimezone(tz), left=max(0, row.capacity - taken.get(key, 0)))
        )
    return Signup(activity=activity, capacity=row.capacity, offers=offers)


def precheck(reader: Engine, request: RegistrationRequest, now: datetime, tz: ZoneInfo) -> tuple[str | None, bool]:
    """The reason the consumer would refuse ``request`` (None: it would not), and whether its
    session is full now (the reader will be waitlisted): said before publishing."""
    p = registrations_place.c
    with reader.connect() as connection:
        reason, key = refusal(connection, request, now, tz)
        if reason is not None:
            return reason, False
        row = connection.execute(
            select(p.capacity, p.confirmed).where(p.activity_id == request.activity_id, p.session == key)
        ).first()
    return None, bool(row and row.capacity is not None and row.confirmed >= row.capacity)


@dataclass(frozen=True)
class Entry:
    activity_id: str
    session: datetime
    state: str
    reason: str | None
    name: str | None
    code: str
    position: int | None  # place on the waitlist (1: next)
    checked_in: bool
    title: str
    lang: str
    rating: int | None = None
    starts_at: datetime | None = None
    """When the session starts now (a series' session moved on its own keeps its key, ``session``)."""
    called_off: bool = False
    """The library cancelled the activity, or this session: it will not take place."""
    venue: str = ""
    """Where the session takes place now: a moved session's own venue, else the activity's."""
    erased: bool = False
    """Its name, contact and link were erased (the reader asked, or the retention window ended): the
    link shows nothing of it any more."""


def entry(reader: Engine, token: str, tz: ZoneInfo | None = None) -> Entry | None:
    """A registration by its self-service token (None: unknown, or not yet decided)."""
    e, a = registrations_entry.c, registrations_activity.c
    with reader.connect() as connection:
        row = connection.execute(select(registrations_entry).where(e.token_hash == token_hash(token))).first()
        if row is None:
            return None
        position = None
        if row.state == WAITLISTED:
            position = connection.execute(
                select(func.count())
                .select_from(registrations_entry)
                .where(
                    e.activity_id == row.activity_id, e.session == row.session, e.state == WAITLISTED, e.seq <= row.seq
                )
            ).scalar_one()
        snapshot = connection.execute(select(a.snapshot).where(a.activity_id == row.activity_id)).scalar()
    activity = CanonicalActivity.model_validate_json(snapshot) if snapshot else None
    now = session_now(activity, row.session, tz) if activity is not None and tz is not None else None
    return Entry(
        starts_at=now.starts_at if now is not None else row.session,
        called_off=activity is not None and tz is not None and called_off(activity, now),
        venue=place_of(now.venue if now is not None else activity.venue) if activity is not None else "",
        activity_id=row.activity_id,
        session=row.session,
        state=row.state,
        reason=row.reason,
        name=row.name,
        code=row.code,
        position=position,
        checked_in=row.checked_in_at is not None,
        title=activity.title if activity is not None else row.activity_id,
        lang=row.lang,
        rating=row.rating,
        erased=row.erased_at is not None,
    )


def by_code(reader: Engine, activity_id: str, code: str) -> tuple[str | None, bool] | None:
    """The name on a check-in code of this activity and whether it checked in (None: no such code)."""
    e = registrations_entry.c
    with reader.connect() as connection:
        row = connection.execute(
            select(e.name, e.checked_in_at).where(e.activity_id == activity_id, e.code == code, e.state.in_(ACTIVE))
        ).first()
    return None if row is None else (row.name, row.checked_in_at is not None)


def counts(reader: Engine, activity_id: str) -> dict[datetime, dict[str, int]]:
    """Per session: confirmed, waitlisted, checked in, walk-ins."""
    e, p = registrations_entry.c, registrations_place.c
    out: dict[datetime, dict[str, int]] = {}
    with reader.connect() as connection:
        for session, state, n in connection.execute(
            select(e.session, e.state, func.count())
            .where(e.activity_id == activity_id, e.state.in_(ACTIVE))
            .group_by(e.session, e.state)
        ):
            out.setdefault(session, _zero())[state] = n
        for session, n in connection.execute(
            select(e.session, func.count())
            .where(e.activity_id == activity_id, e.checked_in_at.is_not(None))
            .group_by(e.session)
        ):
            out.setdefault(session, _zero())["checked_in"] = n
        places = select(p.session, p.walk_ins).where(p.activity_id == activity_id)
        for session, walk_ins in connection.execute(places):
            out.setdefault(session, _zero())["walk_ins"] = walk_ins
    return out


def host_list(reader: Engine, activity_id: str) -> list[dict]:
    """The registrations of an activity for its organisers' staff: who, which session, in what
    state, checked in or not (erased entries show no name or contact)."""
    e = registrations_entry.c
    with reader.connect() as connection:
        rows = connection.execute(
            select(e.session, e.seq, e.state, e.name, e.phone, e.email, e.code, e.checked_in_at)
            .where(e.activity_id == activity_id, e.state.in_((*ACTIVE, "cancelled")))
            .order_by(e.session, e.seq)
        ).all()
    return [dict(row._mapping) for row in rows]


@dataclass(frozen=True)
class Satisfaction:
    """满意度 of some activities: ratings given, and how many were satisfied (4 or 5)."""

    rated: int
    satisfied: int

    @property
    def rate(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None

    def as_json(self) -> dict:
        return {"rated": self.rated, "satisfied": self.satisfied, "rate": self.rate}


def total(figures: dict[str, Satisfaction]) -> Satisfaction:
    return Satisfaction(
        rated=sum(f.rated for f in figures.values()), satisfied=sum(f.satisfied for f in figures.values())
    )


def satisfaction(reader: Engine, activity_ids: list[str] | None = None) -> dict[str, Satisfaction]:
    """Per activity (all, or those named), the readers' ratings: the figure the brands page and the
    plans' ≥ 90 % targets read."""
    e = registrations_entry.c
    query = (
        select(e.activity_id, func.count(), func.sum(case((e.rating >= SATISFIED, 1), else_=0)))
        .where(e.rating.is_not(None))
        .group_by(e.activity_id)
    )
    if activity_ids is not None:
        query = query.where(e.activity_id.in_(activity_ids))
    with reader.connect() as connection:
        return {a: Satisfaction(rated=n, satisfied=int(s or 0)) for a, n, s in connection.execute(query)}


def ratings_by_activity(reader: Engine) -> dict[str, tuple[int, int]]:
    """Activity id -> (ratings, satisfied ones) for every rated activity: what the statistics
    report reads (it owns no table).  A database without the registrations tables (a data dir from
    before sign-ups, or a service run alone) has nothing rated."""
    try:
        return {a: (s.rated, s.satisfied) for a, s in satisfaction(reader).items()}
    except DBAPIError:
        return {}


def _zero() -> dict[str, int]:
    return {"confirmed": 0, "waitlisted": 0, "checked_in": 0, "walk_ins": 0}


def host_of(reader: Engine, activity_id: str) -> CanonicalActivity | None:
    a = registrations_activity.c
    with reader.connect() as connection:
        snapshot = connection.execute(select(a.snapshot).where(a.activity_id == activity_id)).scalar()
    return CanonicalActivity.model_validate_json(snapshot) if snapshot else None


def now_utc() -> datetime:
    return datetime.now(UTC)


__all__ = [
    "CONFIRMED",
    "WAITLISTED",
    "Entry",
    "Offer",
    "Signup",
    "by_code",
    "counts",
    "entry",
    "host_of",
    "precheck",
    "signup_offer",
]
