"""Quotas: the handler's cost per canonical event, and the report, on a SQLite file.

    .venv/bin/python -m bench.quotas_tally [--activities 5000]

Synthetic canonical events for the demo alliance (a year of activities, co-hosts, weekly
series, campaigns, featured ones, some revised), processed in batches of 256 through the
real consumer path (inbox, savepoints, outbox).  Baseline in the same run: the same
events through a handler that only upserts the facts (no re-evaluation of quota states).
Then the full report for the year (every member, every rule), against loading the facts
alone.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from shuxiang.alliance import load_demo_alliance
from shuxiang.db import make_engine, metadata
from shuxiang.events.consumer import ConsumerSpec, Delivery, process_batch
from shuxiang.events.streams import CANONICAL_STREAM, canonical_subject
from shuxiang.events.tables import EVENT_TABLES
from shuxiang.schemas import CanonicalActivity, CanonicalEvent, Status
from shuxiang.services.projection import newer_canonicals
from shuxiang.services.quotas.handlers import QuotasContext, apply_canonicals
from shuxiang.services.quotas.report import quota_report
from shuxiang.services.quotas.store import ACTIVITIES, load_facts, save_facts
from shuxiang.services.quotas.tables import TABLES

YEAR = 2026
NOW = datetime(2026, 11, 22, 4, tzinfo=UTC)


def synthetic_events(count: int, rng: random.Random) -> list[CanonicalEvent]:
    alliance = load_demo_alliance()
    members = [m.id for m in alliance.members]
    campaigns = [c.id for c in alliance.campaigns]
    events = []
    for i in range(count):
        host = rng.choice(members)
        start = datetime(YEAR, 1, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(365), hours=rng.randrange(12))
        organizers = [{"library_id": host, "role": "host"}]
        for other in rng.sample(members, k=rng.choice([0, 0, 0, 1, 2])):
            if other != host:
                organizers.append({"library_id": other, "role": rng.choice(["co_host", "participant"])})
        at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=i)
        activity = CanonicalActivity(
            id=f"act-{i}",
            version=1,
            status=Status.scheduled,
            title=f"活动 {i}",
            category=rng.choice(["lecture", "reading_club", "children", "training", "festival", "outreach"]),
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            recurrence="FREQ=WEEKLY;COUNT=8" if rng.random() < 0.03 else None,
            venue={"name": "报告厅"},
            organizers=organizers,
            campaign_id=rng.choice(campaigns) if rng.random() < 0.25 else None,
            featured=rng.random() < 0.1,
            tags=["大型系列"] if rng.random() < 0.02 else [],
            sources=[{"library_id": host, "source_ref": f"r{i}", "revision": 1}],
            created_at=at,
            updated_at=at,
        )
        events.append(CanonicalEvent(type="created", activity=activity, occurred_at=at))
    for event in rng.sample(events, k=count // 20):  # revisions: a new time or a cancellation
        activity = event.activity.model_copy(
            update={
                "version": 2,
                "status": rng.choice([Status.scheduled, Status.cancelled]),
                "starts_at": event.activity.starts_at + timedelta(days=1),
                "ends_at": event.activity.ends_at + timedelta(days=1),
            }
        )
        events.append(CanonicalEvent(type="updated", activity=activity, occurred_at=event.occurred_at))
    return events


def facts_only(tz, deliveries: list[Delivery], uow) -> None:
    """The baseline: the projection's upsert by version, without re-evaluating quota states."""
    save_facts(uow.connection, newer_canonicals(deliveries, uow.connection, ACTIVITIES), tz=tz)


def run(handler, events: list[CanonicalEvent], directory: Path, name: str) -> tuple[float, object]:
    engine = make_engine(f"sqlite:///{directory}/{name}.sqlite3")
    metadata.create_all(engine, tables=list(TABLES + EVENT_TABLES))
    spec = ConsumerSpec("quotas", CANONICAL_STREAM, "shuxiang.canonical.*", handle_batch=handler)
    deliveries = [
        Delivery(
            canonical_subject(e.type.value), e.model_dump_json().encode(), {"Nats-Msg-Id": e.message_id()}, seq, NOW
        )
        for seq, e in enumerate(events, start=1)
    ]
    began = time.perf_counter()
    for start in range(0, len(deliveries), 256):
        process_batch(spec, engine, deliveries[start : start + 256])
    return time.perf_counter() - began, engine


def median_ms(action, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=5000)
    args = parser.parse_args()
    alliance = load_demo_alliance()
    events = synthetic_events(args.activities, random.Random(423))
    with tempfile.TemporaryDirectory() as directory:
        base_seconds, base_engine = run(partial(facts_only, alliance.tz), events, Path(directory), "baseline")
        full_seconds, engine = run(partial(apply_canonicals, QuotasContext(alliance)), events, Path(directory), "full")
        rules = {m.id: alliance.rules_for(m.id) for m in alliance.members if alliance.rules_for(m.id)}

        def load() -> None:
            with engine.connect() as connection:
                load_facts(connection, YEAR, alliance.tz, libraries=rules)

        load()  # warm the page cache for both
        load_ms = median_ms(load)
        report_ms = median_ms(lambda: quota_report(engine, alliance, YEAR, NOW))
        base_engine.dispose()
        engine.dispose()
    n = len(events)
    print(
        f"`bench/quotas_tally.py --activities {args.activities}` ({datetime.now(UTC):%Y-%m-%d}, "
        f"{n:,} canonical events, SQLite file, batches of 256):\n"
    )
    print("| step | time | per event |\n|---|---:|---:|")
    print(f"| upsert facts only (baseline) | {base_seconds:,.1f} s | {1000 * base_seconds / n:.2f} ms |")
    print(
        f"| the handler: upsert + re-evaluate the libraries touched + outbox | {full_seconds:,.1f} s | "
        f"{1000 * full_seconds / n:.2f} ms |"
    )
    print(f"| load the year's facts (baseline) | {load_ms:,.0f} ms | |")
    print(f"| the full report: every member, every rule, {YEAR} | {report_ms:,.0f} ms | |")
    print(
        f"\nThe handler costs {full_seconds / base_seconds:.1f}× the bare upsert; "
        f"the report (load + tally + progress) {report_ms / load_ms:.1f}× loading the facts alone."
    )


if __name__ == "__main__":
    main()
