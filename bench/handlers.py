"""CPU per message of each service's handlers, without the broker (issue 23).

    python -m bench.handlers [--n 10000] [--seed 23] [--postgres postgresql://postgres@127.0.0.1:5432/test]

The realistic workload of bench/workload.py, every consumer of every service `shuxiang up` runs fed its
messages in log order, a batch at a time, through the consumers' own ``process_batch`` (inbox,
savepoints, outbox, commit) on SQLite: dedup over the submissions first, then each projection over
the canonical events dedup wrote to its outbox (and the attendance reports its consumers take).
Each consumer is timed by the CPU time of the thread that runs it, so the figures are what a
message costs the machine, not the wall clock of a shared one.

Baseline in the same run: the same batches through the same path with every handler a no-op
(``bench.pipeline.handlers_as_no_ops``) — the framework's share; the rest is the services' own
work.  The sum over all consumers, per submission, is the CPU the services need for one message
(nats-server and the consumers' pulls and acks come on top: bench.pipeline measures those).

With ``--postgres`` the same batches also run on PostgreSQL (a fresh schema), one consumer after
the other as a replay runs them, each timed by its thread's CPU and by the wall clock: the
difference is the database server's work and the round trips, which on SQLite are in the thread.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.progress import Progress, TimeElapsedColumn
from sqlalchemy import select

from bench.pipeline import handlers_as_no_ops, postgres_schema
from bench.readme import update_readme
from bench.workload import DEFAULT_SEED, describe, realistic_alliance
from bench.workload import messages as workload_messages
from shuxiang.db import Databases
from shuxiang.events.consumer import Delivery, process_batch
from shuxiang.events.streams import SUBMISSIONS_STREAM, subject_matches
from shuxiang.events.tables import outbox
from shuxiang.runtime import SERVICE_BUILDERS, tune_gc
from shuxiang.services.plan import ServiceContext
from shuxiang.settings import Settings


def deliveries_of(messages, at: datetime) -> list[Delivery]:
    """The messages as a consumer receives them, one millisecond apart from ``at``."""
    return [
        Delivery(
            subject=subject,
            data=payload,
            headers={"Nats-Msg-Id": msg_id},
            stream_seq=seq,
            timestamp=at + timedelta(milliseconds=seq),
        )
        for seq, (subject, msg_id, payload) in enumerate(messages, 1)
    ]


def run(
    workdir: Path, messages, seed: int, progress: Progress, database_url: str | None = None
) -> dict[str, tuple[int, float, float]]:
    """(messages, CPU seconds, wall seconds) of each consumer, dedup's first; on SQLite, or on
    PostgreSQL at ``database_url`` (its schema migrated already)."""
    settings = Settings(data_dir=workdir / "data", nats_url="nats://127.0.0.1:1", database_url=database_url)
    databases = Databases(data_dir=settings.data_dir, database_url=database_url)
    context = ServiceContext(settings, realistic_alliance(seed), databases)
    plans = [build(context) for build in SERVICE_BUILDERS.values()]  # every service `up` runs
    plans.sort(key=lambda plan: plan.name != "dedup")  # dedup first: it writes the canonical events
    if database_url is None:
        for plan in plans:
            databases.create_tables(plan.name, plan.tables)
    at = datetime.now(UTC) - timedelta(hours=1)
    submissions, canonical = deliveries_of(messages, at), []
    spent: dict[str, tuple[int, float, float]] = {}
    try:
        for plan in plans:
            engine = databases.engine(plan.name)
            for spec in plan.consumers:
                source = submissions if spec.stream.name == SUBMISSIONS_STREAM.name else canonical
                mine = [d for d in source if subject_matches(d.subject, spec.filter_subject)]
                if not mine:
                    continue
                task = progress.add_task(spec.name, total=len(mine))
                began, began_wall = time.thread_time(), time.perf_counter()
                for first in range(0, len(mine), spec.batch_size):
                    process_batch(spec, engine, mine[first : first + spec.batch_size])
                    progress.advance(task, min(spec.batch_size, len(mine) - first))
                spent[spec.name] = (len(mine), time.thread_time() - began, time.perf_counter() - began_wall)
            if plan.name == "dedup":
                with engine.connect() as connection:
                    rows = connection.execute(
                        select(outbox.c.subject, outbox.c.msg_id, outbox.c.payload).order_by(outbox.c.id)
                    ).all()
                canonical = deliveries_of([tuple(row) for row in rows], at)
    finally:
        databases.dispose()
    return spent


def per_message(spent: dict[str, tuple[int, float, float]], name: str, wall: bool = False) -> float:
    """µs of CPU (or of the wall clock) a message of one consumer (0 when it had none)."""
    count, cpu, elapsed = spent.get(name, (0, 0.0, 0.0))
    return (elapsed if wall else cpu) / count * 1e6 if count else 0.0


def readme_text(n: int, seed: int, workload: str, real: dict, floor: dict) -> str:
    rows = []
    for name, (count, seconds, _) in real.items():
        rows.append(
            f"| {name} | {count:,} | {seconds / count * 1e6:,.0f} | {per_message(floor, name):,.0f} "
            f"| {seconds / n * 1e6:,.0f} |"
        )
    total = sum(seconds for _, seconds, _ in real.values()) / n * 1e6
    total_floor = sum(seconds for _, seconds, _ in floor.values()) / n * 1e6
    return "\n".join(
        [
            f"`python -m bench.handlers --n {n}` ({datetime.now():%Y-%m-%d}; seed {seed}: {workload}).  Each "
            "consumer's batches through `process_batch` on SQLite, no broker; CPU time of the thread, µs:",
            "",
            "| consumer | messages | a message | of it the framework (no-op handlers) | a submission |",
            "|---|---:|---:|---:|---:|",
            *rows,
            f"| **all consumers** | | | | **{total:,.0f}** (framework {total_floor:,.0f}) |",
            "",
            f"So the services need ≈ {total / 1000:.2f} ms of CPU a submission here; at 2,000 submissions/s on two "
            "cores the whole machine (nats-server, pulls and acks included) has 1 ms.",
        ]
    )


def postgres_readme_text(n: int, seed: int, workload: str, spent: dict) -> str:
    rows = [
        f"| {name} | {count:,} | {cpu / count * 1e6:,.0f} | {wall / count * 1e6:,.0f} | {wall / n * 1e6:,.0f} |"
        for name, (count, cpu, wall) in spent.items()
    ]
    cpu = sum(c for _, c, _ in spent.values()) / n * 1e6
    wall = sum(w for _, _, w in spent.values()) / n * 1e6
    return "\n".join(
        [
            f"`python -m bench.handlers --n {n} --postgres …` ({datetime.now():%Y-%m-%d}; seed {seed}: {workload}).  "
            "The same batches on PostgreSQL (a fresh schema), one consumer after the other as a replay runs them; "
            "µs a message, the thread's CPU and the wall clock (the rest of the wall is the database server's "
            "work and the round trips):",
            "",
            "| consumer | messages | CPU | wall | wall a submission |",
            "|---|---:|---:|---:|---:|",
            *rows,
            f"| **all consumers** | | **{cpu:,.0f}** | | **{wall:,.0f}** |",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000, help="messages of the realistic workload")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the workload's seed (bench/workload.py)")
    parser.add_argument("--postgres", default=None, help="PostgreSQL URL: the same batches there too")
    args = parser.parse_args()
    messages = workload_messages(args.n, seed=args.seed, alliance=realistic_alliance(args.seed))
    workload = describe(messages)
    print(f"realistic workload: {workload}")
    tune_gc()  # as the runtime does
    with Progress(*Progress.get_default_columns(), TimeElapsedColumn(), transient=True) as progress:
        with tempfile.TemporaryDirectory(prefix="shuxiang-bench-") as workdir:
            real = run(Path(workdir) / "real", messages, args.seed, progress)
            with handlers_as_no_ops():
                floor = run(Path(workdir) / "floor", messages, args.seed, progress)
            if args.postgres:
                url, drop = postgres_schema(args.postgres)
                try:
                    on_postgres = run(Path(workdir) / "postgres", messages, args.seed, progress, url)
                finally:
                    drop()
    for name, (count, _, _) in real.items():
        print(
            f"  {name:26s} {count:7,d} messages  {per_message(real, name):7.0f} µs a message "
            f"(framework {per_message(floor, name):5.0f})"
        )
    total = sum(seconds for _, seconds, _ in real.values()) / args.n * 1e6
    print(f"  all consumers: {total:,.0f} µs a submission")
    update_readme("handlers", readme_text(args.n, args.seed, workload, real, floor), "## Pipeline throughput")
    if args.postgres:
        print("  on PostgreSQL (CPU / wall, µs a message):")
        for name in on_postgres:
            print(
                f"  {name:26s} {per_message(on_postgres, name):7.0f} / {per_message(on_postgres, name, wall=True):7.0f}"
            )
        update_readme(
            "handlers_postgres",
            postgres_readme_text(args.n, args.seed, workload, on_postgres),
            "## Pipeline throughput",
        )


if __name__ == "__main__":
    main()
