"""Digests: rendering one coordinator's digest from the projection, on a SQLite file.

    .venv/bin/python -m bench.digests_render [--activities 5000]

A year of synthetic canonical activities for the demo alliance (co-hosts, weekly series,
campaigns, brands, some cancelled), stored through the digests' own projection handler.
Then, median of 5, for the alliance office (every member) and for 津南 (a subtree):
the whole digest — scope query, sections, both templates and the MIME message — against
the baseline of the same run, loading and parsing the coordinator's activities alone.
Figures go to bench/README.md under "Coordinator digests".
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.readme import README, update_readme
from shuxiang.alliance import load_demo_alliance
from shuxiang.db import make_engine, metadata
from shuxiang.events.consumer import ConsumerSpec, Delivery, process_batch
from shuxiang.events.streams import CANONICAL_STREAM, canonical_subject
from shuxiang.events.tables import EVENT_TABLES
from shuxiang.schemas import CanonicalActivity, CanonicalEvent
from shuxiang.services.digests.content import scope_libraries
from shuxiang.services.digests.handlers import DigestConfig, digest_for, find_coordinator, scoped_activities
from shuxiang.services.digests.projection import apply_canonicals
from shuxiang.services.digests.render import compose, message_id
from shuxiang.services.digests.tables import TABLES

HEADING = "## Coordinator digests"
UNTIL = datetime(2026, 11, 23, 0, tzinfo=UTC)
SINCE = UNTIL - timedelta(days=7)


def synthetic_events(count: int, rng: random.Random) -> list[CanonicalEvent]:
    alliance = load_demo_alliance()
    members = [m.id for m in alliance.members]
    campaigns = [c.id for c in alliance.campaigns]
    brands = [b.id for b in alliance.brands]
    events = []
    for i in range(count):
        host = rng.choice(members)
        start = datetime(2026, 1, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(365), hours=rng.randrange(12))
        organizers = [{"library_id": host, "role": "host"}]
        for other in rng.sample(members, k=rng.choice([0, 0, 0, 1, 2])):
            if other != host:
                organizers.append({"library_id": other, "role": rng.choice(["co_host", "participant"])})
        created = SINCE - timedelta(days=rng.randrange(300)) if rng.random() < 0.9 else SINCE + timedelta(hours=i % 160)
        activity = CanonicalActivity(
            id=f"act-{i}",
            version=1,
            status="cancelled" if rng.random() < 0.03 else "scheduled",
            title=f"读书活动 {i}",
            category=rng.choice(["lecture", "reading_club", "children", "training", "outreach"]),
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            recurrence="FREQ=WEEKLY;COUNT=8" if rng.random() < 0.03 else None,
            venue={"name": "报告厅"},
            organizers=organizers,
            brand_id=rng.choice(brands) if rng.random() < 0.1 else None,
            campaign_id=rng.choice(campaigns) if rng.random() < 0.25 else None,
            sources=[{"library_id": host, "source_ref": f"s-{i}", "revision": 1}],
            created_at=created,
            updated_at=created,
        )
        events.append(CanonicalEvent(type="created", activity=activity, occurred_at=created))
    return events


def load_projection(engine, events: list[CanonicalEvent]) -> None:
    spec = ConsumerSpec(
        name="digests-canonical", stream=CANONICAL_STREAM, filter_subject="x", handle_batch=apply_canonicals
    )
    for start in range(0, len(events), 256):
        deliveries = [
            Delivery(
                subject=canonical_subject("created"),
                data=e.model_dump_json().encode(),
                headers={"Nats-Msg-Id": e.message_id()},
                stream_seq=start + n + 1,
                timestamp=e.occurred_at,
            )
            for n, e in enumerate(events[start : start + 256])
        ]
        process_batch(spec, engine, deliveries)


def median_ms(action, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def measure(engine, alliance, coordinator_id: str) -> tuple[float, float, int]:
    coordinator = find_coordinator(alliance, coordinator_id)
    config = DigestConfig(alliance=alliance, sender_address="digests@example.org")
    libraries = None if coordinator.scope is None else scope_libraries(alliance, coordinator)
    size = 0

    def baseline() -> None:
        with engine.connect() as connection:
            scoped_activities(connection, libraries)

    def whole() -> None:
        nonlocal size
        with engine.connect() as connection:
            digest = digest_for(connection, config, coordinator, period="2026-W48", since=SINCE, until=UNTIL)
        size = len(
            compose(
                digest,
                tz=alliance.tz,
                sender=config.sender_address,
                msg_id=message_id(alliance.id, coordinator.id, "2026-W48"),
            ).as_bytes()
        )

    return median_ms(baseline), median_ms(whole), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--activities", type=int, default=5000)
    args = parser.parse_args()
    alliance = load_demo_alliance()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'digests.sqlite3'}")
        metadata.create_all(engine, tables=[*TABLES, *EVENT_TABLES])
        load_projection(engine, synthetic_events(args.activities, random.Random(7)))
        rows = []
        for coordinator_id, label in (("lmb", "alliance office (every member)"), ("jn-tuiguang", "津南 (a subtree)")):
            baseline, whole, size = measure(engine, alliance, coordinator_id)
            rows.append(
                f"| {label} | {baseline:,.1f} ms | {whole:,.1f} ms | {whole / baseline:.1f}× | {size / 1024:,.0f} KB |"
            )
            print(rows[-1])
        engine.dispose()
    text = (
        f"`bench/digests_render.py --activities {args.activities}` ({date.today()}, median of 5):\n\n"
        "| one digest | load and parse the scope's activities (baseline) | whole digest: sections, "
        "templates, MIME | ratio | message size |\n|---|---:|---:|---:|---:|\n" + "\n".join(rows)
    )
    update_readme("digests_render", text, HEADING)
    print(f"written to {README}")


if __name__ == "__main__":
    main()
