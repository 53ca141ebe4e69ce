"""The registrations service's tables (prefix ``registrations_``).

``registrations_activity`` is what the service knows of each canonical activity that takes
sign-ups (its capacity, status and sessions, from CANONICAL).  ``registrations_place`` is the
guard against double booking: one row per session holding its capacity and the number of
confirmed places, raised only by ``UPDATE … SET confirmed = confirmed + 1 WHERE confirmed <
capacity`` in the transaction that confirms — two replicas, or two transactions of one, cannot
both take the last place (PostgreSQL re-checks the condition on the row it waited for; SQLite
has one writer).  ``registrations_entry`` holds each sign-up; the unique (activity, session,
person) key refuses a second registration of one person, whatever the order of arrival.
"""

from sqlalchemy import BigInteger, Column, Index, Integer, LargeBinary, String, Table, Text, UniqueConstraint

from shuxiang.db import UTCDateTime, metadata

NAME = "registrations"

registrations_activity = Table(
    "registrations_activity",
    metadata,
    Column("activity_id", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("capacity", Integer, nullable=True, comment="places per session (None: no sign-up here)"),
    Column("ends_at", UTCDateTime, nullable=True, comment="the last session's end (None: an open-ended series)"),
    Column("snapshot", Text, nullable=False, comment="the canonical activity, JSON (its sessions, host, title)"),
    comment="Canonical activities as last seen, for their places, status and sessions.",
)

registrations_place = Table(
    "registrations_place",
    metadata,
    Column("activity_id", String(64), primary_key=True),
    Column("session", UTCDateTime, primary_key=True, comment="the session's start"),
    Column("capacity", Integer, nullable=True),
    Column("confirmed", Integer, nullable=False, comment="confirmed places taken: the guard's counter"),
    Column("walk_ins", Integer, nullable=False, server_default="0", comment="people let in without a registration"),
    comment="Places per session: the counter a confirmation raises in its own transaction.",
)

registrations_entry = Table(
    "registrations_entry",
    metadata,
    Column("id", String(80), primary_key=True, comment="the request's message id"),
    Column("activity_id", String(64), nullable=False),
    Column("session", UTCDateTime, nullable=False),
    Column(
        "starts_at",
        UTCDateTime,
        nullable=True,
        comment="when the session starts now, if not at its key (a series' session moved on its own): reminders go by it",
    ),
    Column(
        "person_key",
        String(64),
        nullable=True,
        comment="sha256 of activity and contact; NULL once cancelled or refused",
    ),
    Column("name", String(40), nullable=True, comment="personal data: erased after the retention window"),
    Column("phone", String(16), nullable=True, comment="personal data"),
    Column("email", String(254), nullable=True, comment="personal data"),
    Column("lang", String(8), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True, comment="what the status page is looked up by"),
    Column("token", String(64), nullable=True, comment="personal data: for the mail's self-service link"),
    Column("code", String(8), nullable=False),
    Column("state", String(16), nullable=False, comment="confirmed, waitlisted, cancelled or refused"),
    Column("reason", String(32), nullable=True, comment="why refused"),
    Column("seq", BigInteger, nullable=False, comment="the request's SUBMISSIONS sequence: the waitlist's order"),
    Column("requested_at", UTCDateTime, nullable=False),
    Column("decided_at", UTCDateTime, nullable=False),
    Column("checked_in_at", UTCDateTime, nullable=True),
    Column("erased_at", UTCDateTime, nullable=True),
    Column("rating", Integer, nullable=True, comment="满意度: 1 (very dissatisfied) to 5 (very satisfied)"),
    Column("comment", String(500), nullable=True, comment="the reader's optional comment (erased with the contact)"),
    Column("rated_at", UTCDateTime, nullable=True),
    UniqueConstraint("activity_id", "session", "person_key", name="registrations_entry_one_per_person"),
    Index("registrations_entry_queue", "activity_id", "session", "state", "seq"),
    Index("registrations_entry_code", "activity_id", "code"),
    comment="Sign-ups: one per person and session, in log order.",
)

registrations_mail = Table(
    "registrations_mail",
    metadata,
    Column("id", String(120), primary_key=True, comment="entry id and kind: each mail once"),
    Column("entry_id", String(80), nullable=False),
    Column("kind", String(16), nullable=False, comment="confirmed, waitlisted, promoted, reminder"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("claimed_at", UTCDateTime, nullable=True),
    Column("sent_at", UTCDateTime, nullable=True),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("error", Text, nullable=True),
    Index("registrations_mail_pending", "sent_at", "created_at"),
    comment="Mail to readers, written in the consumer's transaction and sent by the background sender.",
)

registrations_parked = Table(
    "registrations_parked",
    metadata,
    Column("seq", BigInteger, primary_key=True, comment="the message's SUBMISSIONS sequence"),
    Column("activity_id", String(64), nullable=False),
    Column("subject", String(255), nullable=False),
    Column("headers", Text, nullable=False, comment="JSON: the message's headers (its Nats-Msg-Id)"),
    Column("payload", LargeBinary, nullable=False),
    Column("stored_at", UTCDateTime, nullable=False, comment="the broker's time of the message: its 'now'"),
    Index("registrations_parked_activity", "activity_id", "seq"),
    comment="Sign-up messages that came before their activity (a replay rebuilds CANONICAL while the "
    "sign-ups are already in the log): applied in log order when the activity arrives.",
)

TABLES = (registrations_activity, registrations_place, registrations_entry, registrations_mail, registrations_parked)

KEYS = "registrations-keys"
"""The key store's database name: its own SQLite file (``db/registrations-keys.sqlite3``), which
``shuxiang replay`` keeps (it deletes and rebuilds ``registrations.sqlite3``); on PostgreSQL a
table of the shared database that is in no plan's tables, so replay does not drop it."""

registrations_key = Table(
    "registrations_key",
    metadata,
    Column("key_id", String(64), primary_key=True, comment="the registration's token hash"),
    Column("activity_id", String(64), nullable=False),
    Column("data_key", LargeBinary, nullable=False, comment="AES-256-GCM key of the sign-up's personal fields"),
    Column("created_at", UTCDateTime, nullable=False),
    comment="Crypto-shredding: one data key per registration; erasure deletes it, and the log's copy "
    "of the name and contact can no longer be read (docs/privacy.md).  Not rebuilt by replay.",
)

KEY_TABLES = (registrations_key,)
