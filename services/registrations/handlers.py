"""Plain handlers over a unit of work: who gets a place, who waits, who came.

Requests are decided in log order (the consumer is serialized), against the places of their
session; the database guards the count as well (:mod:`.tables`), so no order of arrival, no
second replica and no retried transaction confirms more people than there are places.  The
broker's time of each message is the handler's "now": a replay decides the same.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError
from sqlalchemy import Connection, func, insert, select, update

from shuxiang.calendars.recurrence import Session, sessions
from shuxiang.db import execute_many
from shuxiang.events.consumer import Delivery, Rejected, UnitOfWork, parse_payload
from shuxiang.events.streams import reported_subject
from shuxiang.i18n import N_, both
from shuxiang.schemas import AttendanceReport, CanonicalActivity, Status, Venue
from shuxiang.schemas.registration import (
    CheckIn,
    Rating,
    RegistrationCancel,
    RegistrationErasure,
    RegistrationRequest,
    checkin_code,
    token_hash,
)
from shuxiang.services.projection import parse_canonical

from .keys import KeyStore
from .tables import (
    registrations_activity,
    registrations_entry,
    registrations_mail,
    registrations_parked,
    registrations_place,
)

log = logging.getLogger(__name__)

CONFIRMED, WAITLISTED, CANCELLED, REFUSED = "confirmed", "waitlisted", "cancelled", "refused"
ACTIVE = (CONFIRMED, WAITLISTED)

REASONS = {
    "unknown": N_("there is no such activity, or it takes no sign-ups here"),
    "cancelled": N_("the activity is cancelled: no more sign-ups"),
    "past": N_("this session has already started or ended: sign-up is closed"),
    "no_session": N_("the activity has no such session"),
    "choose_session": N_(
        "the activity is a series: choose a session (the `session` field: the start of one of its sessions)"
    ),
    "duplicate": N_("you are already registered for this session (one registration per phone or e-mail)"),
    "no_places": N_("this activity takes no sign-ups here"),
}
"""Why a request is refused, in zh-CN and English (the web front checks the same beforehand)."""


@dataclass(frozen=True)
class RegistrationsContext:
    tz: ZoneInfo
    keys: KeyStore | None = None
    """The registrations' data keys (:mod:`.keys`): sealed sign-ups are opened with them, erasure
    deletes them.  None: sealed fields read as erased (a test of the figures alone)."""

    def personal(self, request: RegistrationRequest) -> dict[str, str | None]:
        if request.sealed is None or self.keys is None:
            return {"name": request.name, "phone": request.phone, "email": request.email}
        return self.keys.open_request(request)


def _activity(connection: Connection, activity_id: str):
    a = registrations_activity.c
    return connection.execute(select(a.status, a.capacity, a.snapshot).where(a.activity_id == activity_id)).first()


def find_session(activity: CanonicalActivity, wanted: datetime | None, tz: ZoneInfo) -> Session | None:
    """The session a request names: its original start (a series' RECURRENCE-ID) or its start;
    None for a single activity means the activity itself."""
    if not activity.recurrence:
        only = sessions(activity, tz)[0]
        return only if wanted is None or wanted == only.starts_at else None
    if wanted is None:
        return None
    around = sessions(activity, tz, wanted - timedelta(days=2), wanted + timedelta(days=2))
    return next((s for s in around if wanted in (s.recurrence_id, s.starts_at)), None)


def session_key(session: Session) -> datetime:
    """The stable key of a session: the start the rule gives it (a moved session keeps it)."""
    return (session.recurrence_id or session.starts_at).astimezone(UTC)


def moved_start(session: Session | None) -> datetime | None:
    """When a session starts, if not at its key (a series' session moved on its own); else None."""
    if session is None or session.starts_at.astimezone(UTC) == session_key(session):
        return None
    return session.starts_at.astimezone(UTC)


def refusal(
    connection: Connection, request: RegistrationRequest, now: datetime, tz: ZoneInfo
) -> tuple[str | None, datetime | None]:
    """Why ``request`` cannot have a place (None: it can), and its session key."""
    reason, session = refusal_and_session(connection, request, now, tz)
    return reason, None if session is None else session_key(session)


def refusal_and_session(
    connection: Connection, request: RegistrationRequest, now: datetime, tz: ZoneInfo
) -> tuple[str | None, Session | None]:
    """:func:`refusal`, with the session asked for itself (its key, and when it starts now)."""
    row = _activity(connection, request.activity_id)
    if row is None:
        return "unknown", None
    if row.capacity is None:
        return "no_places", None
    if row.status == Status.cancelled.value:
        return "cancelled", None
    activity = CanonicalActivity.model_validate_json(row.snapshot)
    if activity.recurrence and request.session is None:
        return "choose_session", None
    session = find_session(activity, request.session, tz)
    if session is None:
        return "no_session", None
    if session.status is Status.cancelled:
        return "cancelled", session
    if session.starts_at <= now:
        return "past", session
    key = session_key(session)
    e = registrations_entry.c
    taken = connection.execute(
        select(e.id).where(e.activity_id == request.activity_id, e.session == key, e.person_key == request.person_key())
    ).first()
    if taken is not None:
        return "duplicate", session
    return None, session


def _take_place(connection: Connection, activity_id: str, session: datetime, capacity: int | None) -> bool:
    """Raise the session's counter if a place is free, in this transaction; whether it was."""
    p = registrations_place.c
    exists = connection.execute(select(p.confirmed).where(p.activity_id == activity_id, p.session == session)).first()
    if exists is None:
        connection.execute(
            insert(registrations_place).values(
                activity_id=activity_id, session=session, capacity=capacity, confirmed=0, walk_ins=0
            )
        )
    taken = connection.execute(
        update(registrations_place)
        .where(p.activity_id == activity_id, p.session == session, (p.capacity.is_(None)) | (p.confirmed < p.capacity))
        .values(confirmed=p.confirmed + 1)
    )
    return taken.rowcount == 1


def _mail(connection: Connection, entry_id: str, kind: str, at: datetime, *, news: str = "") -> None:
    """A message of ``kind`` to the entry's reader, once (``news``: one per change, when the same
    kind of message may come again — a second move)."""
    m = registrations_mail.c
    key = f"{entry_id}:{kind}" + (f":{news}" if news else "")
    if connection.execute(select(m.id).where(m.id == key)).first() is None:
        connection.execute(
            insert(registrations_mail).values(id=key, entry_id=entry_id, kind=kind, created_at=at, attempts=0)
        )


def handle_requested(context: RegistrationsContext, delivery: Delivery, uow: UnitOfWork) -> None:
    """Confirmed while the session has places, else waitlisted; refused (with the reason kept
    for the reader's status page) when it cannot be had at all."""
    request = parse_payload(RegistrationRequest, delivery)
    connection, now = uow.connection, delivery.timestamp
    e = registrations_entry.c
    hashed = token_hash(request.token)
    if connection.execute(select(e.id).where(e.token_hash == hashed)).first() is not None:
        return  # the same sign-up again (a retried publish the broker no longer remembered)
    reason, session = refusal_and_session(connection, request, now, context.tz)
    key = None if session is None else session_key(session)
    entry_id = delivery.msg_id[:80]
    personal = context.personal(request)  # sealed: opened with its key; the key deleted: all None
    row = {
        "id": entry_id,
        "activity_id": request.activity_id,
        "session": key or now,
        "starts_at": moved_start(session),
        "person_key": None,
        "name": personal["name"],
        "phone": personal["phone"],
        "email": personal["email"],
        "lang": request.lang,
        "token_hash": hashed,
        "token": request.token,
        "code": checkin_code(request.token),
        "reason": reason,
        "seq": delivery.stream_seq,
        "requested_at": now,
        "decided_at": now,
    }
    if reason is not None:
        connection.execute(insert(registrations_entry).values(**row, state=REFUSED))
        return
    assert key is not None  # refusal() names the session whenever it does not refuse
    capacity = _activity(connection, request.activity_id).capacity
    state = CONFIRMED if _take_place(connection, request.activity_id, key, capacity) else WAITLISTED
    connection.execute(insert(registrations_entry).values(**{**row, "person_key": request.person_key()}, state=state))
    _mail(connection, entry_id, state, now)


def promote(connection: Connection, activity_id: str, session: datetime, now: datetime) -> int:
    """Give freed places to the waitlist, first come first served (lowest sequence first)."""
    e, p = registrations_entry.c, registrations_place.c
    promoted = 0
    while True:
        first = connection.execute(
            select(e.id)
            .where(e.activity_id == activity_id, e.session == session, e.state == WAITLISTED)
            .order_by(e.seq)
            .limit(1)
        ).first()
        if first is None:
            return promoted
        capacity = connection.execute(
            select(p.capacity).where(p.activity_id == activity_id, p.session == session)
        ).scalar()
        if not _take_place(connection, activity_id, session, capacity):
            return promoted
        connection.execute(update(registrations_entry).where(e.id == first.id).values(state=CONFIRMED, decided_at=now))
        _mail(connection, first.id, "promoted", now)
        promoted += 1


def handle_cancelled(context: RegistrationsContext, delivery: Delivery, uow: UnitOfWork) -> None:
    """The reader gives the place back: the first on the waitlist gets it."""
    cancel = parse_payload(RegistrationCancel, delivery)
    connection, now = uow.connection, delivery.timestamp
    e, p = registrations_entry.c, registrations_place.c
    entry = connection.execute(
        select(e.id, e.session, e.state).where(
            e.token_hash == token_hash(cancel.token), e.activity_id == cancel.activity_id
        )
    ).first()
    if entry is None or entry.state not in ACTIVE:
        return  # unknown, or cancelled already: nothing to give back
    connection.execute(
        update(registrations_entry).where(e.id == entry.id).values(state=CANCELLED, person_key=None, decided_at=now)
    )
    if entry.state == CONFIRMED:
        connection.execute(
            update(registrations_place)
            .where(p.activity_id == cancel.activity_id, p.session == entry.session, p.confirmed > 0)
            .values(confirmed=p.confirmed - 1)
        )
        promote(connection, cancel.activity_id, entry.session, now)


def handle_canonicals(context: RegistrationsContext, deliveries: list[Delivery], uow: UnitOfWork) -> None:
    """Keep capacity, status and sessions of activities that take sign-ups (or did); a larger
    capacity promotes the waitlist at once."""
    connection = uow.connection
    a, p = registrations_activity.c, registrations_place.c
    heads = [(delivery, _head(delivery)) for delivery in deliveries]
    # one query for the batch: most activities take no sign-ups, and a query each cost this
    # projection more than the calendar's whole rendering
    kept = dict(
        connection.execute(
            select(a.activity_id, a.version).where(a.activity_id.in_({head.id for _, head in heads}))
        ).all()
    )
    # sign-ups for an activity not kept here yet wait parked (held_back), so it has no places:
    # a new one needs its row and, when something waits for it, the parked messages — found for
    # the whole batch at once (each statement is a round trip on PostgreSQL)
    arriving = {head.id for _, head in heads if head.id not in kept and head.capacity is not None}
    q = registrations_parked.c
    waiting = (
        set(connection.scalars(select(q.activity_id).where(q.activity_id.in_(arriving)).distinct()))
        if arriving
        else set()
    )
    arrived: dict[str, dict] = {}  # new rows, inserted together (before anything reads them)
    for delivery, head in heads:
        held = kept.get(head.id)
        if held is None and head.capacity is None:
            continue  # takes no sign-ups here, never did: nothing to keep
        if held is not None and held >= head.version:
            continue
        activity = parse_canonical(delivery).activity  # one this service keeps: the whole event, validated
        kept[activity.id] = activity.version
        last = sessions(activity, context.tz)[-1].ends_at if not _open_ended(activity) else None
        values = {
            "activity_id": activity.id,
            "version": activity.version,
            "status": activity.status.value,
            "capacity": activity.capacity,
            "ends_at": last,
            "snapshot": activity.model_dump_json(),
        }
        if held is None or activity.id in arrived:  # not stored yet: no places, no waitlist to promote
            arrived[activity.id] = values
            if activity.id in waiting:  # its parked sign-ups take places now, on the stored row
                execute_many(connection, _INSERT_ACTIVITY, list(arrived.values()))
                arrived.clear()
                apply_parked(context, activity.id, uow)
            continue
        del values["activity_id"]
        before = connection.execute(select(a.snapshot).where(a.activity_id == activity.id)).scalar_one()
        follow_sessions(
            connection, CanonicalActivity.model_validate_json(before), activity, context.tz, delivery.timestamp
        )
        connection.execute(update(registrations_activity).where(a.activity_id == activity.id).values(**values))
        connection.execute(
            update(registrations_place).where(p.activity_id == activity.id).values(capacity=activity.capacity)
        )
        for (session,) in connection.execute(select(p.session).where(p.activity_id == activity.id)).all():
            promote(connection, activity.id, session, delivery.timestamp)
    execute_many(connection, _INSERT_ACTIVITY, list(arrived.values()))


_INSERT_ACTIVITY = insert(registrations_activity)


def session_now(activity: CanonicalActivity, key: datetime, tz: ZoneInfo) -> Session | None:
    """The session of ``activity`` a sign-up for ``key`` is for now: the same session (a series'
    session keeps its key when moved on its own), the only one of a single activity (moved: the
    same activity at its new time), or — the series' rule changed (every Saturday 18:00 → 19:00) —
    the one session on the same day; None when there is none (or no single one)."""
    if not activity.recurrence:
        return sessions(activity, tz)[0]
    same = find_session(activity, key, tz)
    if same is not None and session_key(same) == key:
        return same
    day = key.astimezone(tz).date()
    start = datetime.combine(day, time(0), tz)
    found = [
        s for s in sessions(activity, tz, start, start + timedelta(days=1)) if s.starts_at.astimezone(tz).date() == day
    ]
    return found[0] if len(found) == 1 else None


def called_off(activity: CanonicalActivity, session: Session | None) -> bool:
    """Whether a sign-up's session will not take place: the activity or the session cancelled, or
    no such session any more (:func:`session_now` found none)."""
    return activity.status is Status.cancelled or session is None or session.status is Status.cancelled


def place_of(venue: Venue) -> str:
    """A venue as a reader is told it (messages, status page): its name, or an online session's link."""
    return venue.name or str(venue.online_url or "")


def follow_sessions(
    connection: Connection, before: CanonicalActivity, after: CanonicalActivity, tz: ZoneInfo, now: datetime
) -> None:
    """Sign-ups follow their session when the library moves it, and their readers are told: of the
    new time or venue (``moved``), or that it will not take place (``called_off``: the activity or the session
    cancelled, or no session that day any more).  Until this, a moved activity kept its sign-ups at
    the old time: the readers came then, and the new time took as many again as it has places.
    (The caller then gives the session's freed places to its waitlist.)"""
    e = registrations_entry.c
    booked = connection.scalars(
        select(e.session).where(e.activity_id == after.id, e.state.in_(ACTIVE)).distinct()
    ).all()
    for key in booked:
        was = session_now(before, key, tz)
        if after.status is Status.cancelled:
            if before.status is not Status.cancelled:
                _tell(connection, after.id, key, "called_off", now, after.version)
            continue
        now_session = session_now(after, key, tz)
        if now_session is None or now_session.status is Status.cancelled:
            if was is not None and was.status is not Status.cancelled:
                _tell(connection, after.id, key, "called_off", now, after.version)
            continue
        moved_to = session_key(now_session)
        if moved_to != key:
            _move_sign_ups(connection, after.id, key, moved_to)
        if was is None or was.starts_at != now_session.starts_at or moved_to != key:
            connection.execute(  # reminders go by when it starts now (a series' session keeps its key)
                update(registrations_entry)
                .where(e.activity_id == after.id, e.session == moved_to)
                .values(starts_at=moved_start(now_session))
            )
        if (
            was is None
            or (was.starts_at, was.venue) != (now_session.starts_at, now_session.venue)
            or was.status is Status.cancelled
        ):
            _tell(connection, after.id, moved_to, "moved", now, after.version)


def _move_sign_ups(connection: Connection, activity_id: str, key: datetime, moved_to: datetime) -> None:
    """The sign-ups (and the counter of places) of session ``key`` to ``moved_to``.  A reader signed
    up for both keeps the one already there; places confirmed on both are all kept (as when a library
    lowers the capacity: nobody confirmed loses a place, and nobody new gets one until it frees)."""
    e, p = registrations_entry.c, registrations_place.c
    there = set(
        connection.scalars(
            select(e.person_key).where(e.activity_id == activity_id, e.session == moved_to, e.person_key.is_not(None))
        )
    )
    if there:
        twice = (e.activity_id == activity_id) & (e.session == key) & e.person_key.in_(there)
        confirmed_twice = connection.scalar(select(func.count()).where(twice, e.state == CONFIRMED)) or 0
        connection.execute(update(registrations_entry).where(twice).values(state=CANCELLED, person_key=None))
        if confirmed_twice:
            connection.execute(
                update(registrations_place)
                .where(p.activity_id == activity_id, p.session == key)
                .values(confirmed=p.confirmed - confirmed_twice)
            )
    connection.execute(
        update(registrations_entry).where(e.activity_id == activity_id, e.session == key).values(session=moved_to)
    )
    moving = connection.execute(
        select(p.capacity, p.confirmed, p.walk_ins).where(p.activity_id == activity_id, p.session == key)
    ).first()
    if moving is None:
        return
    connection.execute(registrations_place.delete().where(p.activity_id == activity_id, p.session == key))
    held = connection.execute(select(p.confirmed).where(p.activity_id == activity_id, p.session == moved_to)).first()
    if held is None:
        connection.execute(
            insert(registrations_place).values(
                activity_id=activity_id,
                session=moved_to,
                capacity=moving.capacity,
                confirmed=moving.confirmed,
                walk_ins=moving.walk_ins,
            )
        )
    else:
        connection.execute(
            update(registrations_place)
            .where(p.activity_id == activity_id, p.session == moved_to)
            .values(confirmed=p.confirmed + moving.confirmed, walk_ins=p.walk_ins + moving.walk_ins)
        )


def _tell(connection: Connection, activity_id: str, session: datetime, kind: str, now: datetime, version: int) -> None:
    """A ``kind`` message to every reader signed up (or waiting) for the session, once per version."""
    e = registrations_entry.c
    for entry_id in connection.scalars(
        select(e.id).where(e.activity_id == activity_id, e.session == session, e.state.in_(ACTIVE))
    ):
        _mail(connection, entry_id, kind, now, news=f"v{version}")


class _Kept(BaseModel):
    id: str
    version: int
    capacity: int | None = None


class _Head(BaseModel):
    """What decides whether a canonical event matters here (other fields are not read)."""

    activity: _Kept


def _head(delivery: Delivery) -> _Kept | CanonicalActivity:
    """The id, version and capacity of a canonical event's activity, without validating the rest:
    most activities take no sign-ups, and validating each whole event cost this projection
    more than the rest of its work (the main process, where it runs beside dedup, parses
    canonical events for it alone).  An event whose head is not readable is parsed in full,
    which says what is wrong (a dead letter)."""
    try:
        return _Head.model_validate_json(delivery.data).activity
    except ValidationError:
        return parse_canonical(delivery).activity


def _open_ended(activity: CanonicalActivity) -> bool:
    rule = (activity.recurrence or "").upper()
    return bool(rule) and "COUNT=" not in rule and "UNTIL=" not in rule


def attendance(connection: Connection, activity_id: str, session: datetime) -> int:
    """People who came to a session: registrations checked in, and walk-ins."""
    e, p = registrations_entry.c, registrations_place.c
    checked = connection.execute(
        select(func.count())
        .select_from(registrations_entry)
        .where(e.activity_id == activity_id, e.session == session, e.checked_in_at.is_not(None))
    ).scalar_one()
    walk_ins = (
        connection.execute(select(p.walk_ins).where(p.activity_id == activity_id, p.session == session)).scalar() or 0
    )
    return checked + walk_ins


def handle_checked_in(context: RegistrationsContext, delivery: Delivery, uow: UnitOfWork) -> None:
    """A code checked in, or the walk-ins counted: the session's attendance is published again as
    the host's AttendanceReport (so quotas and brands count the people who came)."""
    check = parse_payload(CheckIn, delivery)
    connection, now = uow.connection, delivery.timestamp
    e, p = registrations_entry.c, registrations_place.c
    row = _activity(connection, check.activity_id)
    if row is None:
        return
    activity = CanonicalActivity.model_validate_json(row.snapshot)
    if check.code is not None:
        entry = connection.execute(
            select(e.id, e.session, e.checked_in_at).where(
                e.activity_id == check.activity_id, e.code == check.code, e.state.in_(ACTIVE)
            )
        ).first()
        if entry is None:
            return  # the staff page said so before publishing
        if entry.checked_in_at is not None:
            return
        connection.execute(update(registrations_entry).where(e.id == entry.id).values(checked_in_at=now))
        key = entry.session
    else:
        session = find_session(activity, check.session, context.tz)
        if session is None:
            return
        key = session_key(session)
        place = select(p.session).where(p.activity_id == check.activity_id, p.session == key)
        if connection.execute(place).first() is None:
            connection.execute(
                insert(registrations_place).values(
                    activity_id=check.activity_id, session=key, capacity=row.capacity, confirmed=0, walk_ins=0
                )
            )
        connection.execute(
            update(registrations_place)
            .where(p.activity_id == check.activity_id, p.session == key)
            .values(walk_ins=check.walk_ins)
        )
    publish_attendance(uow, activity, key, attendance(connection, check.activity_id, key), now)


def publish_attendance(
    uow: UnitOfWork, activity: CanonicalActivity, session: datetime, people: int, now: datetime
) -> None:
    host = activity.host_library_id
    first = activity.sources[0] if activity.sources else None
    source = next((s for s in activity.sources if s.library_id == host), first)
    if source is None:
        return
    report = AttendanceReport(
        library_id=source.library_id,
        source_ref=source.source_ref,
        held=True,
        participants=people,
        notes=both("counted at check-in"),
        recurrence_id=session if activity.recurrence else None,
    )
    uow.publish(reported_subject(report.library_id), report.message_id(), report.model_dump_json().encode(), at=now)


PERSONAL = {"name": None, "phone": None, "email": None, "token": None, "comment": None}
"""The columns that are personal data; states, sessions, check-ins and counts stay (the figures)."""


def handle_erased(context: RegistrationsContext, delivery: Delivery, uow: UnitOfWork) -> None:
    """Erase names, contacts and self-service tokens: of one registration (the reader asked; it is
    cancelled too, since nobody could be told of a place any more) or of an activity's sessions
    that began before the cut-off (their retention window ended).  What was counted stays counted."""
    erasure = parse_payload(RegistrationErasure, delivery)
    connection, now = uow.connection, delivery.timestamp
    e, m = registrations_entry.c, registrations_mail.c
    where = [e.activity_id == erasure.activity_id, e.erased_at.is_(None)]
    if erasure.token is not None:
        where.append(e.token_hash == token_hash(erasure.token))
        entry = connection.execute(select(e.id, e.state).where(*where)).first()
        if entry is not None and entry.state in ACTIVE:
            cancel = RegistrationCancel(activity_id=erasure.activity_id, token=erasure.token)
            handle_cancelled(context, replace(delivery, data=cancel.model_dump_json().encode()), uow)
    else:
        where.append(e.session < erasure.before)
    found = connection.execute(select(e.id, e.token_hash).where(*where)).all()
    if not found:
        return
    erased = [row.id for row in found]
    if context.keys is not None:  # before the commit: should it fail, the redelivery erases the rows
        context.keys.shred([row.token_hash for row in found])
    connection.execute(update(registrations_entry).where(e.id.in_(erased)).values(**PERSONAL, erased_at=now))
    connection.execute(
        update(registrations_mail)
        .where(m.entry_id.in_(erased), m.sent_at.is_(None))
        .values(sent_at=now, error="erased before it was sent")
    )


def expired(connection: Connection, now: datetime, days: int) -> list[tuple[str, datetime]]:
    """(activity, cut-off) for activities holding personal data of sessions that began more than
    ``days`` days (and one more, for the session itself) before ``now``."""
    e = registrations_entry.c
    cutoff = now - timedelta(days=days + 1)
    found = connection.execute(
        select(e.activity_id).where(e.erased_at.is_(None), e.session < cutoff).group_by(e.activity_id)
    ).scalars()
    return [(activity_id, cutoff) for activity_id in found]


def handle_rated(context: RegistrationsContext, delivery: Delivery, uow: UnitOfWork) -> None:
    """A rating of a registration whose session has begun (a later one replaces it); others are
    ignored (the page offers the question only then)."""
    rating = parse_payload(Rating, delivery)
    comment = rating.comment
    if rating.sealed_comment is not None:
        keys = context.keys
        comment = keys.open_comment(rating.activity_id, rating.token, rating.sealed_comment) if keys else None
    e = registrations_entry.c
    uow.connection.execute(
        update(registrations_entry)
        .where(
            e.activity_id == rating.activity_id,
            e.token_hash == token_hash(rating.token),
            e.state.in_(ACTIVE),
            e.session <= delivery.timestamp,
        )
        .values(rating=rating.score, comment=comment or None, rated_at=delivery.timestamp)
    )


def _unknown(connection: Connection, activity_id: str) -> bool:
    a = registrations_activity.c
    return connection.execute(select(a.activity_id).where(a.activity_id == activity_id)).first() is None


def held_back(handler: Callable[[RegistrationsContext, Delivery, UnitOfWork], None]):
    """``handler`` for messages whose activity is known here; the others are parked in log order
    and applied when the activity arrives (:func:`apply_parked`).

    The web front refuses sign-ups for activities it does not know, so in normal running nothing
    waits.  A replay is different: it rebuilds CANONICAL from the log while the sign-ups, cancels
    and check-ins are already in SUBMISSIONS, so they would all reach this service before their
    activity and be refused as unknown.  Parked, they are decided in their own order at their own
    broker times once the activity is here: the same states as the first time."""

    def handle(context: RegistrationsContext, delivery: Delivery, uow: UnitOfWork) -> None:
        activity_id = delivery.subject.rsplit(".", 1)[-1]
        connection = uow.connection
        if not _unknown(connection, activity_id):
            handler(context, delivery, uow)
            return
        q = registrations_parked.c
        if connection.execute(select(q.seq).where(q.seq == delivery.stream_seq)).first() is None:
            connection.execute(
                insert(registrations_parked).values(
                    seq=delivery.stream_seq,
                    activity_id=activity_id,
                    subject=delivery.subject,
                    headers=json.dumps(delivery.headers),
                    payload=delivery.data,
                    stored_at=delivery.timestamp,
                )
            )

    return handle


def apply_parked(context: RegistrationsContext, activity_id: str, uow: UnitOfWork) -> int:
    """Apply, in log order, the messages that came before the activity; how many."""
    q = registrations_parked.c
    connection = uow.connection
    rows = connection.execute(select(registrations_parked).where(q.activity_id == activity_id).order_by(q.seq)).all()
    for row in rows:
        delivery = Delivery(
            subject=row.subject,
            data=bytes(row.payload),
            headers=json.loads(row.headers),
            stream_seq=row.seq,
            timestamp=row.stored_at,
        )
        handler = SUBMISSION_HANDLERS.get(row.subject.split(".")[2])
        if handler is None:
            continue
        try:
            handler(context, delivery, uow)
        except Rejected as exc:  # a message no handler would take: dropped, as its consumer would have
            log.warning("registrations: parked message %s refused: %s", row.seq, exc)
    if rows:
        connection.execute(registrations_parked.delete().where(q.activity_id == activity_id))
    return len(rows)


SUBMISSION_HANDLERS: dict[str, Callable[[RegistrationsContext, Delivery, UnitOfWork], None]] = {
    "requested": handle_requested,
    "cancelled": handle_cancelled,
    "checked-in": handle_checked_in,
    "rated": handle_rated,
    "erased": handle_erased,
}
"""The handlers of ``shuxiang.registration.<kind>.<activity>``, by kind."""
