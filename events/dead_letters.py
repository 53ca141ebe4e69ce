"""Dead letters across the services' databases: listing them, and re-processing them after a fix."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, inspect, select, update

from shuxiang.db import Databases

from .consumer import ConsumerSpec, Delivery, Outcome, process_batch
from .tables import dead_letter, inbox


@dataclass(frozen=True)
class DeadLetter:
    id: int
    consumer: str
    subject: str
    stream_seq: int | None
    msg_id: str | None
    reason: str
    message_time: datetime | None
    headers: dict
    payload: bytes
    received_at: datetime
    replayed_at: datetime | None

    @property
    def key(self) -> str:
        """``consumer:id`` — unique across the services (each numbers the dead letters of its own
        database: dedup's #1 and intake's #1 are two letters)."""
        return f"{self.consumer}:{self.id}"

    def summary(self) -> dict:
        return {
            "id": self.id,
            "key": self.key,
            "consumer": self.consumer,
            "subject": self.subject,
            "stream_seq": self.stream_seq,
            "msg_id": self.msg_id,
            "reason": self.reason,
            "received_at": self.received_at.isoformat(),
            "replayed_at": self.replayed_at.isoformat() if self.replayed_at else None,
            "payload_bytes": len(self.payload),
        }

    def delivery(self) -> Delivery:
        return Delivery(
            subject=self.subject,
            data=self.payload,
            headers=dict(self.headers),
            stream_seq=self.stream_seq or 0,
            timestamp=self.message_time or self.received_at,
        )


def _engines(databases: Databases, services: Iterable[str]) -> list[tuple[str, Engine]]:
    """(service, engine) once per distinct database that has a dead-letter table."""
    seen, out = set(), []
    for service in services:
        engine = databases.reader(service)
        key = str(engine.url)
        if key in seen or not inspect(engine).has_table(dead_letter.name):
            continue
        seen.add(key)
        out.append((service, engine))
    return out


def list_dead_letters(
    databases: Databases, services: Iterable[str], *, limit: int = 100, include_replayed: bool = True
) -> list[DeadLetter]:
    """Newest first, from the databases of ``services`` (``shuxiang.services.CONSUMING_SERVICES``)."""
    letters: list[DeadLetter] = []
    for _, engine in _engines(databases, services):
        query = select(dead_letter).order_by(dead_letter.c.id.desc()).limit(limit)
        if not include_replayed:
            query = query.where(dead_letter.c.replayed_at.is_(None))
        with engine.connect() as connection:
            letters += [DeadLetter(**row._mapping) for row in connection.execute(query)]
    letters.sort(key=lambda letter: letter.received_at, reverse=True)
    return letters[:limit]


def replay_dead_letter(engine: Engine, spec: ConsumerSpec, letter: DeadLetter) -> Outcome:
    """Run the consumer's handler on a dead letter again (after a fix).

    Its inbox entry is removed first so the message counts as new; if it fails again it
    becomes a new dead letter.  Either way the old one is marked replayed.
    """
    delivery = letter.delivery()
    with engine.begin() as connection:
        connection.execute(delete(inbox).where(inbox.c.consumer == spec.name, inbox.c.msg_id == delivery.msg_id))
    [outcome] = process_batch(spec, engine, [delivery])
    with engine.begin() as connection:
        connection.execute(
            update(dead_letter).where(dead_letter.c.id == letter.id).values(replayed_at=datetime.now(UTC))
        )
    return outcome
