"""Running the dedup consumer against a real SQLite file, and reading back what it decided."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from sqlalchemy import Engine, select

from shuxiang.alliance import Alliance, load_alliance
from shuxiang.db import make_engine, metadata
from shuxiang.events.consumer import ConsumerSpec, Delivery, process_batch
from shuxiang.events.streams import SUBMISSIONS_STREAM, decided_subject, submitted_subject
from shuxiang.events.tables import EVENT_TABLES, outbox
from shuxiang.services.dedup.evaluation import sqlite_engine
from shuxiang.services.dedup.handlers import canonical_id
from shuxiang.services.dedup.normalize import VenueResolver
from shuxiang.services.dedup.service import CONSUMED, canonical_activities, handle
from shuxiang.services.dedup.tables import TABLES, dedup_review, dedup_source

TEST_ALLIANCE = Path(__file__).resolve().parents[1] / "data" / "alliance.toml"
EPOCH = datetime(2026, 3, 1, tzinfo=UTC)


def submission_delivery(body: dict, seq: int, *, msg_id: str | None = None) -> Delivery:
    msg_id = msg_id or f"sub:{body['library_id']}:{body['source_ref']}:{body.get('revision', 1)}"
    return Delivery(
        subject=submitted_subject(body["library_id"]),
        data=json.dumps(body).encode(),
        headers={"Nats-Msg-Id": msg_id},
        stream_seq=seq,
        timestamp=EPOCH + timedelta(seconds=seq),
    )


def decision_delivery(body: dict, seq: int) -> Delivery:
    return Delivery(
        subject=decided_subject(body["coordinator_id"]),
        data=json.dumps(body).encode(),
        headers={"Nats-Msg-Id": f"decision:{seq}"},
        stream_seq=seq,
        timestamp=EPOCH + timedelta(seconds=seq),
    )


@dataclass
class DedupRig:
    """The dedup consumer on a SQLite file: feed it messages, read its tables and outbox."""

    path: Path | None
    alliance: Alliance = field(default_factory=lambda: load_alliance(TEST_ALLIANCE))
    seq: int = 0
    database_url: str | None = None
    """PostgreSQL instead of a SQLite file."""

    def __post_init__(self) -> None:
        if self.database_url:
            self.engine: Engine = make_engine(self.database_url)
            metadata.create_all(self.engine, tables=[*TABLES, *EVENT_TABLES])
        else:
            self.engine = sqlite_engine(self.path)
        self.spec = ConsumerSpec(
            name="dedup",
            stream=SUBMISSIONS_STREAM,
            filter_subject=CONSUMED,
            handle_batch=partial(handle, venues=VenueResolver(self.alliance), alliance=self.alliance),
        )

    def deliver(self, *deliveries: Delivery) -> list:
        return process_batch(self.spec, self.engine, list(deliveries))

    def submit(self, *bodies: dict) -> list:
        out = []
        for body in bodies:
            self.seq += 1
            out += self.deliver(submission_delivery(body, self.seq))
        return out

    def decide(self, body: dict) -> list:
        self.seq += 1
        return self.deliver(decision_delivery(body, self.seq))

    def activities(self) -> list[dict]:
        return [a.model_dump(mode="json") for a in canonical_activities(self.engine)]

    def namers(self) -> dict[str, tuple[str, str]]:
        """Every announcement by the id of an activity it is (or would be) the first of:
        :func:`canonical_id` of its key and the sequence of its first message."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(dedup_source.c.library_id, dedup_source.c.source_ref, dedup_source.c.first_seq)
            ).all()
        return {canonical_id(*row): (row.library_id, row.source_ref) for row in rows}

    def own_id(self, library_id: str, source_ref: str) -> str:
        """The id of an activity this announcement is the first of."""
        return next(i for i, key in self.namers().items() if key == (library_id, source_ref))

    def activity_of(self, library_id: str, source_ref: str) -> dict:
        with self.engine.connect() as connection:
            activity_id = connection.scalar(
                select(dedup_source.c.activity_id).where(
                    dedup_source.c.library_id == library_id, dedup_source.c.source_ref == source_ref
                )
            )
        return next(a for a in self.activities() if a["id"] == activity_id)

    def events(self) -> list[tuple[str, dict]]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(outbox.c.subject, outbox.c.payload).order_by(outbox.c.id))
            return [(row.subject.rsplit(".", 1)[-1], json.loads(row.payload)) for row in rows]

    def reviews(self) -> list[dict]:
        with self.engine.connect() as connection:
            return [dict(r) for r in connection.execute(select(dedup_review)).mappings()]

    def close(self) -> None:
        self.engine.dispose()


def announcement(
    library_id: str,
    source_ref: str,
    *,
    title: str = "沽上讲堂：津沽方言漫谈",
    day: int = 10,
    hour: int = 14,
    minute: int = 0,
    venue: dict | None = None,
    organizers: list | None = None,
    **extra,
) -> dict:
    body = {
        "library_id": library_id,
        "source_ref": source_ref,
        "revision": 1,
        "title": title,
        "category": "lecture",
        "starts_at": f"2026-04-{day:02d}T{hour:02d}:{minute:02d}:00+08:00",
        "ends_at": f"2026-04-{day:02d}T{hour + 2:02d}:{minute:02d}:00+08:00",
        "venue": venue or {"name": "报告厅", "venue_id": "jn-hall"},
    }
    if organizers:
        body["organizers"] = [{"library_id": lib, "role": role} for lib, role in organizers]
    body.update(extra)
    return body
