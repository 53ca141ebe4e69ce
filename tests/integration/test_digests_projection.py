"""The digests' projection of canonical events, a batch at a time through the consumers' own
``process_batch`` on SQLite and PostgreSQL: the same end state as one event after another."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy import select

from shuxiang.db import Databases
from shuxiang.events.consumer import ConsumerSpec, Delivery, Outcome, process_batch
from shuxiang.events.streams import CANONICAL_STREAM, canonical_subject
from shuxiang.events.tables import EVENT_TABLES
from shuxiang.schemas import CanonicalEvent
from shuxiang.services.digests.projection import apply_canonicals
from shuxiang.services.digests.tables import TABLES, digests_activity, digests_activity_library, digests_review
from tests.integration.test_digest_delivery import canonical

T0 = datetime(2026, 4, 1, 2, tzinfo=UTC)
SPEC = ConsumerSpec(
    name="digests-canonical",
    stream=CANONICAL_STREAM,
    filter_subject="x",
    handle_batch=partial(apply_canonicals, tz=ZoneInfo("Asia/Shanghai")),
)


def event(
    aid: str, version: int, organizers: list[str], *, kind: str = "created", title: str = "读书会"
) -> CanonicalEvent:
    """``canonical`` of the digest tests, at ``version``, of ``kind``, with these organizers (the first hosts)."""
    data = canonical(aid, organizers[0], title, T0, T0 + timedelta(days=7)).model_dump(mode="json")
    data["type"] = kind
    data["activity"].update(
        version=version,
        organizers=[{"library_id": lib, "role": "host" if i == 0 else "co_host"} for i, lib in enumerate(organizers)],
        sources=[{"library_id": lib, "source_ref": f"{aid}-{lib}", "revision": 1} for lib in organizers],
    )
    return CanonicalEvent.model_validate(data)


def deliveries(*events: tuple[str, CanonicalEvent]) -> list[Delivery]:
    return [
        Delivery(
            subject=canonical_subject(e.type.value),
            data=e.model_dump_json().encode(),
            headers={"Nats-Msg-Id": msg_id},
            stream_seq=seq,
            timestamp=T0,
        )
        for seq, (msg_id, e) in enumerate(events, 1)
    ]


def test_a_batch_keeps_the_newest_version_of_each_activity_and_opens_its_reviews(databases: Databases) -> None:
    databases.create_tables("digests", TABLES + EVENT_TABLES)
    engine = databases.engine("digests")
    batch = deliveries(
        ("a:1", event("a", 1, ["jn"])),
        ("a:3", event("a", 3, ["jn", "tz"], kind="updated", title="读书会（改）")),
        ("a:2", event("a", 2, ["jn"], kind="updated")),  # older, later in the log
        ("b:1", event("b", 1, ["tz"])),
        ("review:r1", event("b", 1, ["tz"], kind="review-needed")),
    )
    assert process_batch(SPEC, engine, batch) == [Outcome.ACK] * 5
    process_batch(SPEC, engine, deliveries(("a:2", event("a", 2, ["jn"], kind="updated"))))  # an older one alone
    with engine.connect() as connection:
        versions = dict(connection.execute(select(digests_activity.c.activity_id, digests_activity.c.version)).all())
        organizers = connection.execute(
            select(digests_activity_library.c.activity_id, digests_activity_library.c.library_id).order_by(
                digests_activity_library.c.activity_id, digests_activity_library.c.library_id
            )
        ).all()
        reviews = connection.execute(select(digests_review.c.review_id, digests_review.c.activity_id)).all()
    assert versions == {"a": 3, "b": 1}
    assert [tuple(row) for row in organizers] == [("a", "jn"), ("a", "tz"), ("b", "tz")]
    assert [tuple(row) for row in reviews] == [("r1", "b")]
