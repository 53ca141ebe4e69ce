"""Mail to readers: the confirmation (or waitlist place), the promotion from the waitlist, and a
reminder the day before — through the digests' transport (SMTP when ``SHUXIANG_SMTP_URL`` is set,
else ``.eml`` files in the outbox folder), never a second one; and the same as a short text
message to readers who left only a phone number (:mod:`.sms`: the HTTP gateway when
``SHUXIANG_SMS_URL`` is set, else ``.json`` files in the SMS outbox folder).

The consumer writes a ``registrations_mail`` row in the transaction that decides; this sender
(the service's background task, on every replica) claims rows with a conditional UPDATE, so two
replicas never send one mail twice, and sends them.  Reminders come from a scheduled check: every
minute, confirmed registrations whose session starts within the next day get a reminder row
(its id is the entry's, so the check may run on every replica, any number of times).  A reader who
left an e-mail address gets e-mail; one who left only a phone number gets a text (not the 满意度
question: that stays on the status page).

A message that could not be sent (the SMTP server or the SMS gateway down, refusing, timing out)
stays pending and is tried again after 30 s, 1, 2, 4 … minutes, at most 30 minutes apart, up to
``MAX_ATTEMPTS`` times (about four hours); after that, or when its news is stale (a reminder once
the session has begun, anything older than a day), it is kept with its last error, unsent.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from shuxiang.calendars.recurrence import Session
from shuxiang.i18n import N_, gettext
from shuxiang.schemas import CanonicalActivity
from shuxiang.services.digests.transport import MaybeSent, NotSent, Transport

from .handlers import CONFIRMED, called_off, place_of, session_now
from .sms import TEXTS as SMS_TEXTS
from .sms import SmsTransport, sms_text
from .tables import registrations_activity, registrations_entry, registrations_mail

log = logging.getLogger(__name__)

CLAIM_TIMEOUT = timedelta(minutes=10)
"""A claim older than this (its sender died mid-way) may be taken again."""
MAX_ATTEMPTS = 12
FIRST_RETRY = timedelta(seconds=30)
LAST_RETRY = timedelta(minutes=30)
REMIND_AHEAD = timedelta(days=1)
RATE_AFTER = timedelta(hours=3)
RATE_WITHIN = timedelta(days=2)
MAX_AGE = timedelta(days=1)
"""A mail row older than this is not sent: it was made by a replay of old sign-ups (readers were
mailed when they signed up), or it waited through a day-long outage and is no news any more."""

SUBJECTS = {
    "confirmed": N_("You have a place: {title}"),
    "waitlisted": N_("On the waitlist: {title}"),
    "promoted": N_("A place freed up for you: {title}"),
    "reminder": N_("See you tomorrow: {title}"),
    "rate": N_("How was it? {title}"),
    "moved": N_("New time: {title}"),
    "called_off": N_("Will not take place: {title}"),
}
LEADS = {
    "confirmed": N_("Hello {name}, your place is confirmed."),
    "waitlisted": N_(
        "Hello {name}, the session is full and you are on the waitlist; you will be told when a place frees up, in order of sign-up."
    ),
    "promoted": N_("Hello {name}, someone cancelled: the place is yours."),
    "reminder": N_("Hello {name}, a reminder of tomorrow's activity."),
    "rate": N_("Hello {name}, thank you for coming. How satisfied were you? One question, at the link below."),
    "moved": N_(
        "Hello {name}, the library changed this activity: it now takes place as below, and your sign-up goes with it."
    ),
    "called_off": N_("Hello {name}, the library cancelled this session: it will not take place. We are sorry."),
}
AS_IT_IS = ("reminder", "rate")
"""Kinds that are about the session taking place: not sent once it is called off."""


@dataclass
class ReaderMail:
    engine: Engine
    transport: Transport
    sender_address: str
    public_url: str
    tz: ZoneInfo
    sms: SmsTransport | None = None
    """Texts to phone-only readers (None: they get nothing but their status page)."""

    def remind(self, now: datetime) -> int:
        """Reminder rows for confirmed registrations with an e-mail (or a phone, when texts go out)
        whose session starts within a day; and, from three hours after the start until two days
        after, the 满意度 question (by e-mail)."""
        made = self._queue("reminder", now, now, now + REMIND_AHEAD)
        return made + self._queue("rate", now, now - RATE_WITHIN, now - RATE_AFTER)

    def _queue(self, kind: str, now: datetime, after: datetime, until: datetime) -> int:
        e, m = registrations_entry.c, registrations_mail.c
        reachable = (
            or_(e.email.is_not(None), e.phone.is_not(None))
            if self.sms is not None and kind in SMS_TEXTS
            else e.email.is_not(None)
        )
        with self.engine.begin() as connection:
            due = (
                connection.execute(
                    select(e.id)
                    .where(
                        e.state == CONFIRMED,
                        reachable,
                        func.coalesce(e.starts_at, e.session) > after,  # when it starts now (moved on its own)
                        func.coalesce(e.starts_at, e.session) <= until,
                        e.rating.is_(None),
                    )
                    .where(~select(m.id).where(m.id == e.id + f":{kind}").exists())
                )
                .scalars()
                .all()
            )
        made = 0
        for entry_id in due:
            try:
                with self.engine.begin() as connection:
                    connection.execute(
                        insert(registrations_mail).values(
                            id=f"{entry_id}:{kind}", entry_id=entry_id, kind=kind, created_at=now, attempts=0
                        )
                    )
                made += 1
            except IntegrityError:
                pass  # another replica made it
        return made

    def send_due(self, now: datetime, limit: int = 50) -> int:
        m = registrations_mail.c
        with self.engine.connect() as connection:
            pending = (
                connection.execute(
                    select(m.id)
                    .where(
                        m.sent_at.is_(None),
                        m.attempts < MAX_ATTEMPTS,
                        or_(m.claimed_at.is_(None), m.claimed_at < now - CLAIM_TIMEOUT),
                    )
                    .order_by(m.created_at)
                    .limit(limit)
                )
                .scalars()
                .all()
            )
        sent = 0
        for mail_id in pending:
            with self.engine.begin() as connection:
                claimed = connection.execute(
                    update(registrations_mail)
                    .where(
                        m.id == mail_id,
                        m.sent_at.is_(None),
                        or_(m.claimed_at.is_(None), m.claimed_at < now - CLAIM_TIMEOUT),
                    )
                    .values(claimed_at=now, attempts=m.attempts + 1)
                ).rowcount
            if claimed:
                sent += self._send(mail_id, now)
        return sent

    def _send(self, mail_id: str, now: datetime) -> int:
        m, e, a = registrations_mail.c, registrations_entry.c, registrations_activity.c
        with self.engine.connect() as connection:
            row = connection.execute(
                select(
                    m.kind,
                    m.created_at,
                    m.attempts,
                    e.id.label("entry_id"),
                    e.name,
                    e.email,
                    e.phone,
                    e.lang,
                    e.session,
                    e.starts_at,
                    e.code,
                    e.state,
                    e.token,
                    a.snapshot,
                )
                .select_from(
                    registrations_mail.join(registrations_entry, e.id == m.entry_id).join(
                        registrations_activity, a.activity_id == e.activity_id
                    )
                )
                .where(m.id == mail_id)
            ).first()
        outcome: dict = {"sent_at": now}
        texting = row is not None and not row.email and row.phone and self.sms is not None and row.kind in SMS_TEXTS
        if row is not None and row.created_at < now - MAX_AGE:
            outcome["error"] = "too old to send (made by a replay, or after a day's outage)"
        elif row is not None and row.kind == "reminder" and (row.starts_at or row.session) <= now:
            outcome["error"] = "too late: the session has begun"
        elif row is not None and row.kind in AS_IT_IS and self._called_off(row):
            outcome["error"] = "nothing to send: the session is called off"
        elif row is not None and (row.email or texting) and not (row.kind == "reminder" and row.state != CONFIRMED):
            try:
                if row.email:
                    where = self.transport.send(
                        self.sender_address,
                        row.email,
                        self.render(row, now),
                        coordinator_id="registrations",
                        period=mail_id.replace(":", "_"),
                    )
                else:
                    assert self.sms is not None  # texting
                    where = self.sms.send(row.phone, self.text(row), message_id=mail_id)
                outcome["error"] = None
                log.info("reader %s %s sent to %s", "mail" if row.email else "text", mail_id, where)
            except NotSent as exc:  # kept, and tried again after a pause
                outcome = {"claimed_at": now - CLAIM_TIMEOUT + retry_after(row.attempts), "error": str(exc)[:500]}
                log.warning("reader message %s not sent (attempt %d): %s", mail_id, row.attempts, exc)
            except MaybeSent as exc:
                outcome["error"] = f"maybe sent, not retried: {exc}"[:500]
        else:
            outcome["error"] = "nothing to send (no e-mail or phone, erased, or no longer confirmed)"
        with self.engine.begin() as connection:
            connection.execute(update(registrations_mail).where(m.id == mail_id).values(**outcome))
        return 1 if outcome.get("sent_at") and outcome.get("error") is None else 0

    def _session(self, row) -> tuple[CanonicalActivity, Session | None]:
        activity = CanonicalActivity.model_validate_json(row.snapshot)
        return activity, session_now(activity, row.session, self.tz)

    def _called_off(self, row) -> bool:
        return called_off(*self._session(row))

    def _starts(self, row) -> datetime:
        """When the session starts now (a series' session moved on its own keeps its key)."""
        _, session = self._session(row)
        return (session.starts_at if session is not None else row.session).astimezone(self.tz)

    def _where(self, row) -> str:
        """Where the session takes place now: a moved session's own venue (a series' override), else
        the activity's."""
        activity, session = self._session(row)
        return place_of(session.venue if session is not None else activity.venue)

    def text(self, row) -> str:
        """The text message of ``row`` (:mod:`.sms`: short, zh-CN or English)."""
        activity = CanonicalActivity.model_validate_json(row.snapshot)
        return sms_text(
            row.kind,
            row.lang,
            name=row.name or "",
            title=activity.title,
            when=self._starts(row).strftime("%m-%d %H:%M"),
            where=self._where(row),
            code=row.code,
            link=f"{self.public_url.rstrip('/')}/registrations/{row.token}{in_lang(row.lang)}" if row.token else "",
        )

    def render(self, row, now: datetime) -> bytes:
        activity = CanonicalActivity.model_validate_json(row.snapshot)
        lang = row.lang
        when = self._starts(row).strftime("%Y-%m-%d %H:%M")
        base = self.public_url.rstrip("/")
        own_page = f"{base}/registrations/{row.token}{in_lang(lang)}" if row.token else None
        words = {  # (the catalog extraction reads calls outside f-strings)
            "Activity": gettext(lang, "Activity"),
            "When": gettext(lang, "When"),
            "Where": gettext(lang, "Where"),
            "Check-in code (show it at the door)": gettext(lang, "Check-in code (show it at the door)"),
            "See or cancel your registration (your own link: do not forward it)": gettext(
                lang, "See or cancel your registration (your own link: do not forward it)"
            ),
            "The activity": gettext(lang, "The activity"),
        }
        lines = [
            gettext(lang, LEADS[row.kind]).format(name=row.name or ""),
            "",
            f"{words['Activity']}: {activity.title}",
            f"{words['When']}: {when}",
            f"{words['Where']}: {self._where(row)}",
        ]
        if row.kind not in ("waitlisted", "rate", "called_off"):
            lines.append(f"{words['Check-in code (show it at the door)']}: {row.code}")
        lines += [
            "",
            f"{words['See or cancel your registration (your own link: do not forward it)']}:",
            own_page or "",
            f"{words['The activity']}: {base}/activities/{activity.id}{in_lang(lang)}",
            "",
            gettext(lang, "Your name and contact are used only for this sign-up and erased after the activity."),
        ]
        message = EmailMessage()
        message["From"] = self.sender_address
        message["To"] = row.email
        message["Subject"] = gettext(lang, SUBJECTS[row.kind]).format(title=activity.title)
        message["Date"] = formatdate(now.timestamp(), localtime=False)
        message["Message-ID"] = make_msgid(domain="shuxiang.invalid")
        message["Auto-Submitted"] = "auto-generated"
        message.set_content("\n".join(lines), charset="utf-8", cte="quoted-printable")
        return message.as_bytes(policy=SMTP)  # CRLF line ends, as the transport writes them

    def pending(self) -> list[dict]:
        """Messages not sent yet or given up on (error set), oldest first: for operators and tests."""
        m = registrations_mail.c
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(m.id, m.kind, m.attempts, m.error, m.sent_at)
                .where(or_(m.sent_at.is_(None), m.error.is_not(None)))
                .order_by(m.created_at)
            )
            return [dict(row._mapping) for row in rows]

    async def run_forever(self, interval: float = 1.0, remind_every: float = 60.0) -> None:
        last_reminder = 0.0
        loop = asyncio.get_running_loop()
        while True:
            try:
                now = datetime.now(UTC)
                if loop.time() - last_reminder >= remind_every:
                    await asyncio.to_thread(self.remind, now)
                    last_reminder = loop.time()
                await asyncio.to_thread(self.send_due, now)
            except Exception:  # noqa: BLE001 - the sender keeps going; the database may be back soon
                log.exception("reader mail: a round failed")
            await asyncio.sleep(interval)


def in_lang(lang: str) -> str:
    """The query of a link in a reader's message: their pages open in the language they signed up in."""
    return "?lang=en" if lang == "en" else ""


def retry_after(attempts: int) -> timedelta:
    """The pause before the next try of a message tried ``attempts`` times: 30 s, doubling, ≤ 30 min."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LAST_RETRY)
