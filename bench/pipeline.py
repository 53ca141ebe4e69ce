"""Throughput of the whole pipeline against raw nats-py, in one run (issues 9 and 23).

    python -m bench.pipeline [--n 20000] [--processes 1,2,3] [--postgres postgresql://postgres@127.0.0.1:5432/test] [--seed 23]

The workload is the realistic alliance of bench/workload.py, for every figure: 321 members in a
tree (20 district/county libraries), 30 brands, the demo's campaigns and quota rules; N messages
over three years in the order members publish them — announcements (~10 % of the activities
co-hosted and announced by each co-host, ~5 % weekly series, ~14 % brand-linked), revisions
(~6 %: moved, retitled, cancelled) and attendance reports.  (Until issue 23 it published one
library's plain rows over the demo's 30 members, which flattered every stage.)

1. baseline: raw nats-py pull-and-ack of the same N messages from the same kind of
   embedded nats-server (fsync on every write);
2. embedded: N submissions already in SUBMISSIONS, then every service `shuxiang up` runs
   (dedup, intake, calendar, brands, quotas, digests, …) started on SQLite — in one process, and spread over
   2 and 3 processes as `shuxiang up --processes N` does; timed from the start until every
   consumer of SUBMISSIONS and CANONICAL has acked everything (the same measure as
   `publish --wait`);
3. the same on PostgreSQL (a fresh schema each), at the same numbers of processes, when
   --postgres is given (the distributed deployment runs its services in processes of their own);
4. the framework's floor: the embedded run in one process with every handler a no-op (dedup
   passing each announcement or revision on as one canonical event, as it mostly does): the same
   deliveries, inboxes, outboxes, relays and acks, none of the services' own work — what is left
   of the target for the matcher and the projections.
Reports messages/s (announcements, revisions and reports alike), the ratio to the baseline and the process's peak memory, and writes
them into bench/README.md (section "Pipeline throughput").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import nats
from nats.js import api
from rich.progress import Progress, TimeElapsedColumn

from bench.readme import update_readme
from bench.workload import DEFAULT_SEED, describe, realistic_alliance
from bench.workload import messages as workload_messages
from shuxiang.events.nats_server import EmbeddedNatsServer
from shuxiang.events.progress import wait_until_processed
from shuxiang.events.publish import Publisher
from shuxiang.events.streams import SUBMISSIONS_STREAM, ensure_streams

RESULTS = Path(__file__).parent / "results"


async def fill(url: str, messages) -> None:
    connection = await nats.connect(url)
    js = connection.jetstream()
    await ensure_streams(js)
    publisher = Publisher(js)
    for chunk in range(0, len(messages), 1000):
        await publisher.publish_many(messages[chunk : chunk + 1000])
    await connection.close()


async def baseline(workdir: Path, messages) -> float:
    """Raw nats-py: pull 256 at a time and ack each, the floor any consumer pays."""
    server = EmbeddedNatsServer(workdir / "baseline")
    server.start()
    try:
        await fill(server.url, messages)
        connection = await nats.connect(server.url)
        js = connection.jetstream()
        subscription = await js.pull_subscribe(
            "shuxiang.activity.>",  # announcements and attendance reports, as the workload has both
            durable="raw",
            stream=SUBMISSIONS_STREAM.name,
            config=api.ConsumerConfig(ack_policy=api.AckPolicy.EXPLICIT),
        )
        began, seen = time.perf_counter(), 0
        while seen < len(messages):
            for message in await subscription.fetch(batch=256, timeout=5):
                await message.ack()
                seen += 1
        await connection.flush()
        elapsed = time.perf_counter() - began
        await connection.close()
        return len(messages) / elapsed
    finally:
        server.stop()


async def pipeline(
    workdir: Path, messages, database_url: str | None, processes: int = 1, seed: int = DEFAULT_SEED
) -> tuple[float, list[str]]:
    """Submissions per second through every service ``shuxiang up`` runs (in ``processes``
    processes, as ``up --processes`` does; the web front aside), and the services' names.  Until the
    fourteenth session only the rebuildable ones ran here: intake's and the digests' consumers of
    every message, which ``up`` runs too, were left out."""
    from shuxiang.runtime import SERVICE_BUILDERS, Runtime, tune_gc
    from shuxiang.settings import Settings

    server = EmbeddedNatsServer(workdir / "nats")
    server.start()
    try:
        await fill(server.url, messages)
        settings = Settings(data_dir=workdir / "data", nats_url=server.url, database_url=database_url)
        alliance = realistic_alliance(seed)
        names = list(SERVICE_BUILDERS)  # as `up` runs them
        runtime = Runtime(settings=settings, alliance=alliance, services=names, web=False, processes=processes)
        connection = await nats.connect(server.url)
        tune_gc()  # as `up` does (this process is up's main one here)
        began = time.perf_counter()
        await runtime.start()
        with Progress(*Progress.get_default_columns(), TimeElapsedColumn(), transient=True) as progress:
            task = progress.add_task("draining", total=None)

            def report(stream: str, pending: int) -> None:
                progress.update(task, description=f"{stream}: {max(pending, 0):,} pending")

            await wait_until_processed(connection.jetstream(), timeout=3600, on_progress=report)
        elapsed = time.perf_counter() - began
        await runtime.stop()
        await connection.close()
        return len(messages) / elapsed, names
    finally:
        server.stop()


@contextmanager
def handlers_as_no_ops():
    """Every consumer's handler replaced by one doing nothing, but dedup's: it passes each
    announcement (or revision) on as one canonical event, so that every projection still gets its
    deliveries.  For the framework's floor (this process only: run it with one process)."""
    from shuxiang.events.consumer import ConsumerSpec
    from shuxiang.events.streams import SUBMITTED, canonical_subject

    def apply(spec: ConsumerSpec, deliveries, uow) -> None:
        if spec.name == "dedup":
            for delivery in deliveries:
                if delivery.subject.startswith(f"{SUBMITTED}."):
                    uow.publish(
                        canonical_subject("activity"), f"floor:{delivery.msg_id}", delivery.data, at=delivery.timestamp
                    )

    real = ConsumerSpec.apply
    ConsumerSpec.apply = apply
    try:
        yield
    finally:
        ConsumerSpec.apply = real


def postgres_schema(url: str) -> tuple[str, callable]:
    import sqlalchemy as sa

    from shuxiang.deploy.migrations import upgrade

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        # the calendar's search needs pg_trgm, kept in public (as the tests keep it): created in the
        # bench's schema it would go with that schema, under any other user of the database
        if connection.scalar(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")) is None:
            connection.execute(sa.text("CREATE EXTENSION pg_trgm SCHEMA public"))
    scoped = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema},public"
    upgrade(scoped)

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))

    return scoped, drop


def readme_text(results: dict, services: list[str]) -> str:
    raw = results["raw_nats_py_per_s"]
    rows = [f"| raw nats-py pull + ack (baseline) | {raw:,.0f} | 1 |"]
    for processes, rate in results["embedded_per_s"].items():
        rows.append(
            f"| whole pipeline, embedded (SQLite), `up --processes {processes}` | {rate:,.0f} | {rate / raw:.3f} |"
        )
    for processes, rate in results.get("postgres_per_s", {}).items():
        rows.append(f"| whole pipeline, PostgreSQL, `up --processes {processes}` | {rate:,.0f} | {rate / raw:.3f} |")
    if "floor_per_s" in results:
        floor = results["floor_per_s"]
        rows.append(
            f"| the framework's floor: embedded, one process, every handler a no-op | {floor:,.0f} | {floor / raw:.3f} |"
        )
    load = os.getloadavg()[0]
    return "\n".join(
        [
            f"`python -m bench.pipeline --n {results['n']}` ({results['date'][:10]}, load average {load:.1f}; "
            f"services: {', '.join(services)}).  The realistic workload of bench/workload.py (seed {results['seed']}): "
            f"the 321-member alliance, {results['workload']}, in the order members publish them:",
            "",
            "| run | messages/s | of raw |",
            "|---|---:|---:|",
            *rows,
            "",
            f"Peak memory of the benchmark process (all runs): {results['peak_rss_mb']:.0f} MB; of its largest child "
            f"(a worker process or a nats-server): {results['peak_child_rss_mb']:.0f} MB.  "
            f"Target: ≥ 2,000 submissions/s on this workload, embedded and on PostgreSQL; best here "
            f"{max(results['embedded_per_s'].values()):,.0f}/s embedded"
            + (
                f", {max(results['postgres_per_s'].values()):,.0f}/s on PostgreSQL."
                if results.get("postgres_per_s")
                else "."
            )
            + (
                f"  With every handler a no-op the same deliveries run at {results['floor_per_s']:,.0f}/s: "
                "the rest of each message's time is the services' own work (matching, projections)."
                if "floor_per_s" in results
                else ""
            ),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--postgres", default=None, help="PostgreSQL URL for the distributed-storage run")
    parser.add_argument(
        "--processes",
        default="1,2,3",
        help="the embedded runs: processes to spread the services over (as `up --processes`)",
    )
    parser.add_argument("--no-floor", action="store_true", help="leave out the framework's floor (handlers as no-ops)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the workload's seed (bench/workload.py)")
    args = parser.parse_args()
    messages = workload_messages(args.n, seed=args.seed, alliance=realistic_alliance(args.seed))
    workdir = Path(tempfile.mkdtemp(prefix="shuxiang-bench-"))
    results = {
        "n": args.n,
        "seed": args.seed,
        "workload": describe(messages),
        "date": datetime.now().isoformat(timespec="seconds"),
    }
    try:
        print(f"realistic workload: {results['workload']}")
        results["raw_nats_py_per_s"] = asyncio.run(baseline(workdir, messages))
        print(f"  raw nats-py pull+ack:   {results['raw_nats_py_per_s']:8.0f} msg/s")
        results["embedded_per_s"] = {}
        for processes in [int(p) for p in args.processes.split(",")]:
            rate, services = asyncio.run(
                pipeline(workdir / f"embedded-{processes}", messages, None, processes, args.seed)
            )
            results["embedded_per_s"][processes] = rate
            print(
                f"  pipeline, embedded, {processes} process(es): {rate:8.0f} messages/s "
                f"({rate / results['raw_nats_py_per_s']:.2f} of raw)"
            )
        if args.postgres:
            results["postgres_per_s"] = {}
            for processes in [int(p) for p in args.processes.split(",")]:
                url, drop = postgres_schema(args.postgres)
                try:
                    rate, _ = asyncio.run(pipeline(workdir / f"pg-{processes}", messages, url, processes, args.seed))
                finally:
                    drop()
                results["postgres_per_s"][processes] = rate
                print(
                    f"  pipeline, PostgreSQL, {processes} process(es): {rate:8.0f} messages/s "
                    f"({rate / results['raw_nats_py_per_s']:.2f} of raw)"
                )
        if not args.no_floor:
            with handlers_as_no_ops():
                results["floor_per_s"], _ = asyncio.run(pipeline(workdir / "floor", messages, None, 1, args.seed))
            print(
                f"  framework floor (handlers as no-ops, 1 process): {results['floor_per_s']:8.0f} messages/s "
                f"({results['floor_per_s'] / results['raw_nats_py_per_s']:.2f} of raw)"
            )
        results["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        results["peak_child_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"  peak memory (this process, all runs): {results['peak_rss_mb']:.0f} MB; "
            f"largest child (worker, nats-server): {results['peak_child_rss_mb']:.0f} MB"
        )
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "pipeline.json").write_text(json.dumps(results, indent=2))
        update_readme("pipeline", readme_text(results, services), "## Pipeline throughput")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
