"""Consuming with JetStream: explicit acks, an idempotent inbox, dead letters.

A service's handler is a plain function ``handle(delivery, uow)`` — or, for the busy
consumers, ``handle_batch(deliveries, uow)`` over a whole batch: it reads and writes the
service's tables through the unit of work and adds derived events to the outbox.  This
module does everything around it, per batch of messages:

1. take the consumer's serialization lock, if it has one (:attr:`ConsumerSpec.serialized_as`);
2. skip messages already in the inbox (a redelivery changes nothing);
3. run the handler over the batch's new messages (at once and without savepoints; when it
   raises, the batch is applied again one message at a time, a savepoint around each);
4. a message the handler rejects (:class:`Rejected`: invalid, or a mismatch)
   goes to the dead-letter table with its reason and is terminated;
   an unexpected error is retried with backoff, then dead-lettered;
5. finish the work handlers left for the end of the batch (:meth:`UnitOfWork.at_batch_end`);
6. commit the effects, the inbox rows, dead letters and outbox rows together;
7. publish the outbox, then ack.  A failed commit (database down) naks the
   whole batch with a delay, so nothing is acked that was not stored.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from pydantic import BaseModel
from sqlalchemy import Connection, Engine, insert, select, text
from sqlalchemy.exc import DBAPIError, OperationalError

from shuxiang.db import execute_many
from shuxiang.i18n import both
from shuxiang.memos import burst_dict
from shuxiang.schemas.errors import InvalidPayload, parse_json_model
from shuxiang.schemas.submission import LOGGED

from .ids import foreign_id, inbox_key
from .streams import StreamSpec, library_of
from .tables import dead_letter, inbox, outbox

if TYPE_CHECKING:
    from nats.aio.msg import Msg

    from .outbox import OutboxRelay

log = logging.getLogger(__name__)

MAX_HANDLER_ATTEMPTS = 5
"""An unexpected handler error is retried this many times before the message is dead-lettered."""


class Rejected(Exception):
    """The message can never be processed as it is: dead-letter it with this reason."""


M = TypeVar("M", bound=BaseModel)


def parse_payload(model: type[M], delivery: Delivery) -> M:
    """The message's JSON body as ``model``; :class:`Rejected` (a dead letter saying what is
    wrong and where) when it is not one."""
    try:
        return parse_json_model(model, delivery.data, LOGGED)  # in the log: accepted once, replays alike
    except InvalidPayload as exc:
        raise Rejected(str(exc)) from None


def check_subject(field: str, value: str | None, delivery: Delivery) -> None:
    """:class:`Rejected` unless ``value`` (the payload's ``field``) is the library or coordinator the
    message's subject names (its last token): a member publishes only on its own subjects."""
    named = library_of(delivery.subject)
    if value != named:
        raise Rejected(
            both(
                '{field} "{value}" does not match the subject {subject} (library "{named}")',
                field=field,
                value=value,
                subject=delivery.subject,
                named=named,
            )
        )


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message as a handler sees it."""

    subject: str
    data: bytes
    headers: dict[str, str]
    stream_seq: int
    timestamp: datetime
    """When the broker stored the message: the deterministic 'now' of its effects."""
    num_delivered: int = 1

    @property
    def msg_id(self) -> str:
        """The id the inbox remembers it by (one naming another library gets a key of its own: events/ids.py)."""
        raw = self.headers.get("Nats-Msg-Id")
        return inbox_key(self.subject, raw, self.stream_seq) if raw else f"seq:{self.stream_seq}"

    @property
    def foreign_id(self) -> str | None:
        """Why this message's id may not be used on its subject, if it names another library."""
        return foreign_id(self.subject, self.headers.get("Nats-Msg-Id"))

    @classmethod
    def from_msg(cls, msg: Msg) -> Delivery:
        """The delivery a JetStream message is: sequence, broker time and delivery count read from
        its ack subject (``$JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<ns>
        .<pending>``, or with domain and account hash after ``$JS.ACK``) as nats-py reads them,
        without its metadata objects (this runs for every message of every consumer)."""
        tokens = msg.reply.split(".")
        first = 4 if len(tokens) == 9 else 6
        if len(tokens) < 9 or tokens[0] != "$JS" or tokens[1] != "ACK":
            raise ValueError(f"not a JetStream delivery: reply subject {msg.reply!r}")
        return cls(
            subject=msg.subject,
            data=msg.data,
            headers=dict(msg.headers) if msg.headers else {},
            stream_seq=int(tokens[first + 1]),
            timestamp=datetime.fromtimestamp(int(tokens[first + 3]) / 1_000_000_000.0, UTC),
            num_delivered=int(tokens[first]),
        )


class BatchEnd(Protocol):
    """Work a handler leaves for the end of its batch (:meth:`UnitOfWork.at_batch_end`)."""

    def finish(self, uow: UnitOfWork) -> None: ...


B = TypeVar("B", bound=BatchEnd)


class UnitOfWork:
    """One transaction of one service: its tables, its inbox and its outbox."""

    def __init__(self, connection: Connection, consumer: str) -> None:
        self.connection = connection
        self.consumer = consumer
        self._outbox: list[dict[str, Any]] = []
        self._batch_end: dict[str, BatchEnd] = {}

    def at_batch_end(self, key: str, factory: Callable[[], B]) -> B:
        """The batch's accumulator under ``key``, made by ``factory`` on first use; its
        ``finish(uow)`` runs once, after the batch's last message and before the commit.

        For work many messages of a batch share — re-counting a library's quotas — done once
        per batch instead of once per message.  A message that is set aside (dead letter,
        retry) may leave its part in the accumulator: finishing must be a recount from the
        stored state, never an increment."""
        if key not in self._batch_end:
            self._batch_end[key] = factory()
        return self._batch_end[key]  # type: ignore[return-value]

    def finish_batch(self) -> None:
        pending, self._batch_end = self._batch_end, {}
        for accumulator in pending.values():
            accumulator.finish(self)

    def publish(self, subject: str, msg_id: str, payload: bytes, *, at: datetime) -> None:
        """Add a derived event to the outbox (published after commit)."""
        self._outbox.append(
            {"producer": self.consumer, "msg_id": msg_id, "subject": subject, "payload": payload, "created_at": at}
        )

    def outbox_mark(self) -> int:
        return len(self._outbox)

    def discard_outbox_since(self, mark: int) -> None:
        """Forget events added by a message whose effects were rolled back."""
        del self._outbox[mark:]

    def flush_outbox(self) -> int:
        rows, self._outbox = self._outbox, []
        if rows:
            # Two versions of one event in one batch collapse to their msg_id: keep the last.
            unique = {row["msg_id"]: row for row in rows}
            existing = set(self.connection.scalars(select(outbox.c.msg_id).where(outbox.c.msg_id.in_(list(unique)))))
            fresh = [row for key, row in unique.items() if key not in existing]
            execute_many(self.connection, _INSERT_OUTBOX, fresh)
        return len(rows)


_INSERT_OUTBOX = insert(outbox)
_INSERT_INBOX = insert(inbox)


class Outcome(Enum):
    ACK = "ack"
    TERM = "term"
    NAK = "nak"


UNACKED_BATCHES = 4
"""Batches a consumer may hold unacknowledged (:attr:`ConsumerSpec.max_ack_pending`)."""


@dataclass
class ConsumerSpec:
    """What a service consumes and the plain function that handles it."""

    name: str
    """The durable consumer name; replicas of a service share it."""
    stream: StreamSpec
    filter_subject: str
    handle: Callable[[Delivery, UnitOfWork], None] | None = None
    """Handles one message."""
    handle_batch: Callable[[list[Delivery], UnitOfWork], None] | None = None
    """Handles the new messages of a batch together, in log order, with the same effects as one
    after another (batch-wide reads and writes: a statement per batch, not per message).  A
    consumer sets this or :attr:`handle`; when a batch raises, each message is applied alone."""
    description: str = ""
    payload_schema: Any = None
    batch_size: int = 512
    serialized_as: str | None = None
    """Batches of the consumers (and their replicas) that share this name are applied one after
    another (on PostgreSQL, a transaction-scoped advisory lock on it; SQLite has one writer anyway):
    for handlers whose decisions read what other messages wrote (dedup's grouping, re-evaluated
    quota and brand states).  Replicas of them add availability, not parallelism; consumers whose
    messages touch only their own rows leave it None."""

    @property
    def max_ack_pending(self) -> int:
        """Messages the broker lets this consumer hold unacknowledged: a batch being applied, the
        one fetched behind it and the one being settled, with room to spare."""
        return UNACKED_BATCHES * self.batch_size

    def __post_init__(self) -> None:
        if (self.handle is None) == (self.handle_batch is None):
            raise ValueError(f"consumer {self.name}: give handle or handle_batch (one of them)")

    def apply(self, deliveries: list[Delivery], uow: UnitOfWork) -> None:
        """Run the handler over these messages (in log order)."""
        if self.handle_batch is not None:
            self.handle_batch(deliveries, uow)
            return
        handle = self.handle
        assert handle is not None  # __post_init__: one of handle and handle_batch is given
        for delivery in deliveries:
            handle(delivery, uow)


_PARSED = burst_dict(limit=2 * UNACKED_BATCHES * ConsumerSpec.batch_size)
"""Messages parsed by one consumer of the process, kept for its others (by model and body): at
least as many as one consumer may have unacknowledged (``max_ack_pending``, 2,048), so a consumer
a batch or two behind still finds them (a memo at its limit lets its older half go: twice that
keeps 2,048 at least)."""


def parse_shared(model: type[M], delivery: Delivery) -> M:
    """:func:`parse_payload`, once per process for the consumers that read the same messages
    (dedup and intake each announcement, the projections each canonical event): the first to
    parse one leaves it for the others.  The model is shared: its readers do not change it."""
    key = (model, delivery.data)
    parsed = _PARSED.get(key)
    if parsed is None:
        parsed = parse_payload(model, delivery)
        _PARSED.remember(key, parsed)  # the oldest goes first: the others are past it
    return parsed


def _is_transient(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated)


class _IsolateMessages(Exception):
    """A handler failed in the fast path: redo the batch with a savepoint per message."""


def process_batch(spec: ConsumerSpec, engine: Engine, deliveries: Sequence[Delivery]) -> list[Outcome]:
    """Apply one batch in one transaction; returns what to do with each message.

    The common case — every message handled — hands the batch's new messages to the handler
    at once, without savepoints.  When it raises, the whole transaction is rolled back and the
    batch is applied again one message at a time, each in a savepoint, so that only the
    failing one is set aside.
    """
    try:
        return _apply_batch(spec, engine, deliveries, isolate=False)
    except _IsolateMessages:
        return _apply_batch(spec, engine, deliveries, isolate=True)


def _apply_batch(spec: ConsumerSpec, engine: Engine, deliveries: Sequence[Delivery], *, isolate: bool) -> list[Outcome]:
    now = datetime.now(UTC)
    with engine.begin() as connection:
        if spec.serialized_as and connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": spec.serialized_as})
        uow = UnitOfWork(connection, spec.name)
        seen = set(
            connection.scalars(
                select(inbox.c.msg_id).where(
                    inbox.c.consumer == spec.name, inbox.c.msg_id.in_([d.msg_id for d in deliveries])
                )
            )
        )
        fresh: dict[str, Delivery] = {}  # a message id twice in one batch is handled once
        for delivery in deliveries:
            if delivery.msg_id not in seen:
                fresh.setdefault(delivery.msg_id, delivery)
        outcomes = {msg_id: Outcome.ACK for msg_id in fresh}
        for msg_id, delivery in list(fresh.items()):
            reason = delivery.foreign_id
            if reason is not None:  # refused before any handler sees it: it may not shadow another's
                _dead_letter(connection, spec.name, delivery, reason, now)
                outcomes[msg_id] = Outcome.TERM
        applicable = {msg_id: d for msg_id, d in fresh.items() if outcomes[msg_id] is Outcome.ACK}
        if not isolate:
            try:
                spec.apply(list(applicable.values()), uow)
            except Exception as exc:
                if _is_transient(exc):
                    raise
                raise _IsolateMessages from exc
        else:
            for delivery in applicable.values():
                outcomes[delivery.msg_id] = _apply_alone(spec, uow, delivery, now)
        uow.finish_batch()
        processed = [
            {"consumer": spec.name, "msg_id": msg_id, "stream_seq": fresh[msg_id].stream_seq, "processed_at": now}
            for msg_id, outcome in outcomes.items()
            if outcome is not Outcome.NAK
        ]
        execute_many(connection, _INSERT_INBOX, processed)
        uow.flush_outbox()
    # a redelivery, or a second copy in this batch, is acked: its message id has been handled
    return [outcomes[d.msg_id] if fresh.get(d.msg_id) is d else Outcome.ACK for d in deliveries]


def _apply_alone(spec: ConsumerSpec, uow: UnitOfWork, delivery: Delivery, now: datetime) -> Outcome:
    """One message in a savepoint: applied, dead-lettered, or left for a retry."""
    connection = uow.connection
    savepoint = connection.begin_nested()
    outbox_mark = uow.outbox_mark()
    try:
        spec.apply([delivery], uow)
    except Exception as exc:
        if _is_transient(exc):
            raise
        savepoint.rollback()
        uow.discard_outbox_since(outbox_mark)
        if isinstance(exc, Rejected):
            _dead_letter(connection, spec.name, delivery, str(exc), now)
            return Outcome.TERM
        if delivery.num_delivered < MAX_HANDLER_ATTEMPTS:
            log.warning(
                "%s: message %s failed (attempt %d), will retry: %r",
                spec.name,
                delivery.msg_id,
                delivery.num_delivered,
                exc,
            )
            return Outcome.NAK
        log.error(
            "%s: message %s failed %d times, dead-lettering: %r",
            spec.name,
            delivery.msg_id,
            delivery.num_delivered,
            exc,
        )
        _dead_letter(
            connection,
            spec.name,
            delivery,
            both("failed {n} times", n=delivery.num_delivered) + f": {exc!r}",
            now,
        )
        return Outcome.TERM
    savepoint.commit()
    return Outcome.ACK


def _dead_letter(connection: Connection, consumer: str, delivery: Delivery, reason: str, now: datetime) -> None:
    log.warning("%s: dead letter %s on %s: %s", consumer, delivery.msg_id, delivery.subject, reason[:500])
    connection.execute(
        insert(dead_letter).values(
            consumer=consumer,
            subject=delivery.subject,
            stream_seq=delivery.stream_seq,
            msg_id=delivery.headers.get("Nats-Msg-Id"),
            reason=reason,
            message_time=delivery.timestamp,
            headers=delivery.headers,
            payload=delivery.data,
            received_at=now,
        )
    )


def retry_delay(num_delivered: int) -> float:
    """Backoff for naks: 0.5 s, 1 s, 2 s … capped at 30 s."""
    return min(30.0, 0.5 * 2 ** max(0, num_delivered - 1))


_BATCH_WORKER = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="batches")
"""Every consumer of a process applies its batches on this one thread.  The handlers are Python
code holding the GIL; with a thread per batch, each one waited for the GIL again after every
SQLite call (bench/pipeline.py: 139 submissions/s with a thread per batch, 223/s with one)."""


class ConsumerRunner:
    """Thin async shell around :func:`process_batch` for one consumer."""

    def __init__(self, spec: ConsumerSpec, engine: Engine, relay: OutboxRelay | None = None) -> None:
        self.spec = spec
        self.engine = engine
        self.relay = relay
        self.processed = 0
        self.dead_lettered = 0

    async def apply(
        self, messages: Sequence[Msg], *, heartbeat: float = 3.0, waiting: asyncio.Future | None = None
    ) -> list[Outcome] | None:
        """Apply a batch on the batch thread; what to do with each message, or None when the
        batch was not stored (its messages are nak'ed for redelivery).  ``waiting``: the fetch of
        the next batch, whose messages are kept from redelivery too while this one runs."""
        deliveries = [Delivery.from_msg(m) for m in messages]
        loop = asyncio.get_running_loop()
        work = asyncio.ensure_future(
            loop.run_in_executor(_BATCH_WORKER, process_batch, self.spec, self.engine, deliveries)
        )
        try:
            # A slow batch (a busy database) tells the broker it is still at it, so the
            # messages are not redelivered to another replica in the meantime.
            while not work.done():
                await asyncio.wait([work], timeout=heartbeat)
                if not work.done():
                    waiting_messages = _result_or_empty(waiting)
                    await asyncio.gather(
                        *(m.in_progress() for m in [*messages, *waiting_messages]), return_exceptions=True
                    )
            return work.result()
        except Exception as exc:
            log.warning("%s: batch of %d not stored, naking for redelivery: %r", self.spec.name, len(messages), exc)
            for message, delivery in zip(messages, deliveries, strict=True):
                await message.nak(delay=retry_delay(delivery.num_delivered))
            return None

    async def settle(self, messages: Sequence[Msg], outcomes: Sequence[Outcome]) -> None:
        """After a batch is stored: publish the outbox, then ack (or term, or nak) each message."""
        if self.relay is not None:
            try:
                await self.relay.flush()
            except Exception as exc:  # the events are committed in the outbox: the sweep publishes them later
                log.warning("%s: outbox not published yet, the sweep will retry: %r", self.spec.name, exc)
        for message, outcome in zip(messages, outcomes, strict=True):
            if outcome is Outcome.ACK:
                await message.ack()
                self.processed += 1
            elif outcome is Outcome.TERM:
                await message.term()
                self.dead_lettered += 1
            else:
                await message.nak(delay=retry_delay(message.metadata.num_delivered))


def _result_or_empty(future: asyncio.Future | None) -> list:
    if future is None or not future.done() or future.cancelled() or future.exception() is not None:
        return []
    return future.result()
