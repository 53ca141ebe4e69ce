"""The quotas service through a real nats-server: canonical events in over JetStream,
quota events out on the QUOTAS stream, once per transition, across resends and a restart."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from shuxiang.alliance import load_alliance
from shuxiang.events.progress import wait_until_processed
from shuxiang.events.streams import CANONICAL_STREAM, QUOTAS_STREAM, canonical_subject
from shuxiang.runtime import Runtime
from shuxiang.schemas import CanonicalActivity, CanonicalEvent
from shuxiang.services.quotas.events import QuotaEvent
from shuxiang.services.quotas.report import quota_report
from shuxiang.settings import Settings

CONFIG = Path(__file__).parents[1] / "data" / "quotas" / "alliance.toml"


def event(activity_id: str, version: int, start: str, *, status: str = "scheduled", **fields) -> CanonicalEvent:
    starts_at = datetime.fromisoformat(start)
    at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=version)
    activity = CanonicalActivity(
        id=activity_id,
        version=version,
        status=status,
        title=activity_id,
        category=fields.pop("category", "lecture"),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        venue={"name": "报告厅"},
        organizers=fields.pop("organizers", [{"library_id": "jn", "role": "host"}]),
        sources=[{"library_id": "jn", "source_ref": activity_id, "revision": version}],
        created_at=at,
        updated_at=at,
        **fields,
    )
    kind = "created" if version == 1 else "cancelled" if status == "cancelled" else "updated"
    return CanonicalEvent(type=kind, activity=activity, occurred_at=at)


def messages(events: list[CanonicalEvent], suffix: str = "") -> list[tuple[str, str, bytes]]:
    return [(canonical_subject(e.type.value), e.message_id() + suffix, e.model_dump_json().encode()) for e in events]


async def quota_events(js) -> list[tuple[str, QuotaEvent]]:
    count = (await js.stream_info(QUOTAS_STREAM.name)).state.messages
    found = []
    for seq in range(1, count + 1):
        message = await js.get_msg(QUOTAS_STREAM.name, seq)
        found.append((message.headers["Nats-Msg-Id"], QuotaEvent.model_validate_json(message.data)))
    return found


async def run(settings: Settings, alliance, send=()) -> list[tuple[str, QuotaEvent]]:
    runtime = Runtime(settings=settings, alliance=alliance, services=["quotas"], web=False)
    await runtime.start()
    try:
        for batch in send:
            await runtime.publisher.publish_many(batch)
            await wait_until_processed(runtime.js, timeout=60, streams=(CANONICAL_STREAM,))
        await wait_until_processed(runtime.js, timeout=60, streams=(CANONICAL_STREAM,))
        published = await quota_events(runtime.js)
    finally:
        await runtime.stop()
    return published


def states(settings: Settings, alliance, year: int = 2026) -> dict[tuple[str, str], tuple[int, str]]:
    from shuxiang.db import Databases

    databases = Databases(data_dir=settings.data_dir)
    try:
        report = quota_report(databases.reader("quotas"), alliance, year, datetime.now(UTC))
    finally:
        databases.dispose()
    return {(lib.member.id, p.rule.id): (p.count, p.state.value) for lib in report.libraries for p in lib.rules}


async def test_quota_events_once_per_transition_through_nats(nats_server, tmp_path: Path) -> None:
    alliance = load_alliance(CONFIG)
    settings = Settings(data_dir=tmp_path / "data", nats_url=nats_server.url)
    training = event("training", 1, "2026-03-10T09:00:00+08:00", category="training", tags=["业务培训"])
    featured = event(
        "featured",
        1,
        "2026-01-10T14:00:00+08:00",
        featured=True,
        organizers=[{"library_id": "jn", "role": "host"}, {"library_id": "tz", "role": "co_host"}],
    )
    cancelled = event(
        "training", 2, "2026-03-10T09:00:00+08:00", category="training", tags=["业务培训"], status="cancelled"
    )

    first = await run(settings, alliance, send=[messages([training, featured])])
    ids = [msg_id for msg_id, _ in first]
    assert "quota:jn:training:2026:met" in ids
    # February has passed without one: 12 of 12 months is out of reach, which is not "at risk".
    assert not any(msg_id.startswith("quota:jn:featured-monthly:") for msg_id in ids)
    met = dict(first)["quota:jn:training:2026:met"]
    assert (met.type, met.library_name, met.attained, met.target) == ("met", "津南区图书馆", 1, 1)
    assert states(settings, alliance)[("jn", "training")] == (1, "met")
    assert states(settings, alliance)[("jn", "featured-monthly")] == (1, "not_met")
    assert states(settings, alliance)[("tz", "featured-monthly")] == (0, "not_met")  # a co-host is not the host

    # The same messages again (deduplicated by the broker), the same snapshots under new ids
    # (reach the handler, change nothing), and an older version after the newer one.
    again = await run(settings, alliance, send=[messages([training, featured]), messages([featured], ":resent")])
    assert again == first

    # Cancelling the training: a transition to at-risk, published once; then a restart.
    after = await run(settings, alliance, send=[messages([cancelled]), messages([training], ":late")])
    new = [msg_id for msg_id, _ in after[len(first) :]]
    assert new == ["quota:jn:training:2026:at-risk"]
    assert states(settings, alliance)[("jn", "training")] == (0, "at_risk")
    assert await run(settings, alliance) == after
    assert len({msg_id for msg_id, _ in after}) == len(after)

    # Rebuilt from CANONICAL (what `shuxiang replay` does to the projection): the same tallies,
    # and no transition published twice.
    before = states(settings, alliance)
    await rebuild_projection(settings, alliance)
    assert await run(settings, alliance) == after
    assert states(settings, alliance) == before


async def rebuild_projection(settings: Settings, alliance) -> None:
    import nats

    from shuxiang.db import Databases
    from shuxiang.replay import reset_tables
    from shuxiang.services.plan import ServiceContext
    from shuxiang.services.quotas.service import build

    databases = Databases(data_dir=settings.data_dir)
    plan = build(ServiceContext(settings=settings, alliance=alliance, databases=databases))
    reset_tables(databases, [plan])
    databases.dispose()
    connection = await nats.connect(settings.nats_url)
    try:
        await connection.jetstream().delete_consumer(CANONICAL_STREAM.name, "quotas")
    finally:
        await connection.close()


async def test_a_transition_an_attendance_report_makes_is_published(nats_server, tmp_path: Path) -> None:
    """A training reported as not held (未举办) no longer counts: the library's rule falls back to
    at-risk, and that transition reaches the QUOTAS stream like one a canonical event makes (the
    reports have a consumer of their own, whose outbox rows the quotas service's relay publishes)."""
    from shuxiang.events.streams import SUBMISSIONS_STREAM, reported_subject
    from shuxiang.schemas import AttendanceReport

    alliance = load_alliance(CONFIG)
    settings = Settings(data_dir=tmp_path / "data", nats_url=nats_server.url)
    training = event("training", 1, "2026-03-10T09:00:00+08:00", category="training", tags=["业务培训"])
    first = await run(settings, alliance, send=[messages([training])])
    assert "quota:jn:training:2026:met" in [msg_id for msg_id, _ in first]

    report = AttendanceReport(library_id="jn", source_ref="training", held=False, participants=0)
    runtime = Runtime(settings=settings, alliance=alliance, services=["quotas"], web=False)
    await runtime.start()
    try:
        await runtime.publisher.publish_many(
            [(reported_subject("jn"), report.message_id(), report.model_dump_json().encode())]
        )
        await wait_until_processed(runtime.js, timeout=60, streams=(SUBMISSIONS_STREAM,))
        for _ in range(50):  # the relay publishes right after the batch commits
            published = await quota_events(runtime.js)
            if len(published) > len(first):
                break
            await asyncio.sleep(0.1)
    finally:
        await runtime.stop()
    assert states(settings, alliance)[("jn", "training")] == (0, "at_risk")
    assert [msg_id for msg_id, _ in published[len(first) :]] == ["quota:jn:training:2026:at-risk"]
