"""One replica of each service against two, on PostgreSQL: what a second machine adds (issue 23).

    python -m bench.replicas [--n 20000] [--postgres postgresql://postgres@127.0.0.1:5432/test]

The distributed deployment in miniature: a nats-server, a fresh PostgreSQL schema (``shuxiang
migrate``), and every rebuildable service (dedup, calendar, quotas, brands, registrations, stats) as its
own ``shuxiang serve SERVICE`` process, as the compose file runs them.

1. baseline: raw nats-py pull + ack of the same messages (``bench.pipeline.baseline``);
2. one replica of each service, every process pinned to one core (``taskset -c 0``): one machine;
3. two replicas of each, the first set pinned to core 0 and the second to core 1: a second
   machine beside the first (they share the broker and the database, as machines would).

Each run starts its processes, waits until their durable consumers are attached, then publishes
the realistic workload's first N messages (bench/workload.py: the 321-member alliance) and is timed
from the first publish until every consumer of SUBMISSIONS and CANONICAL has acked everything.
The figures go to stdout and to bench/README.md (section "Replicas").
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import nats
from rich.progress import Progress, TimeElapsedColumn

from bench.pipeline import baseline, postgres_schema
from bench.readme import update_readme
from bench.workload import DEFAULT_SEED, describe, realistic_alliance, write_alliance
from bench.workload import messages as workload_messages
from shuxiang.events.nats_server import EmbeddedNatsServer
from shuxiang.events.progress import wait_until_processed
from shuxiang.events.publish import Publisher
from shuxiang.events.streams import ensure_streams

SERVICES = ("dedup", "calendar", "quotas", "brands", "registrations", "stats")


def expected_consumers(alliance) -> set[tuple[str, str]]:
    """(stream, durable) of every consumer the services attach."""
    from shuxiang.db import Databases
    from shuxiang.runtime import SERVICE_BUILDERS
    from shuxiang.services.plan import ServiceContext
    from shuxiang.settings import Settings

    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(data_dir=Path(scratch))
        context = ServiceContext(settings, alliance, Databases(data_dir=Path(scratch)))
        return {
            (spec.stream.name, spec.name) for name in SERVICES for spec in SERVICE_BUILDERS[name](context).consumers
        }


async def run(workdir: Path, messages, database_url: str, config: Path, replicas: int, alliance) -> float:
    server = EmbeddedNatsServer(workdir / "nats")
    server.start()
    processes: list[subprocess.Popen] = []
    try:
        env = {
            **os.environ,
            "SHUXIANG_NATS_URL": server.url,
            "SHUXIANG_DATABASE_URL": database_url,
            "SHUXIANG_CONFIG": str(config),
            "SHUXIANG_DATA_DIR": str(workdir / "data"),
        }
        connection = await nats.connect(server.url)
        js = connection.jetstream()
        await ensure_streams(js)
        for replica in range(replicas):
            for service in SERVICES:
                log = (workdir / f"{service}-{replica}.log").open("wb")
                command = ["taskset", "-c", str(replica), sys.executable, "-m", "shuxiang", "serve", service]
                processes.append(subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT))
        expected = expected_consumers(alliance)
        deadline = time.monotonic() + 180
        while True:
            attached = set()
            for stream in {stream for stream, _ in expected}:
                attached |= {(stream, info.name) for info in await js.consumers_info(stream)}
            if expected <= attached:
                break
            exited = [p.args for p in processes if p.poll() is not None]
            if exited or time.monotonic() > deadline:
                raise SystemExit(f"services did not start: exited {exited}, missing {expected - attached}")
            await asyncio.sleep(0.2)
        began = time.perf_counter()
        publisher = Publisher(js)
        with Progress(*Progress.get_default_columns(), TimeElapsedColumn(), transient=True) as progress:
            task = progress.add_task("publishing and draining", total=None)
            for chunk in range(0, len(messages), 1000):
                await publisher.publish_many(messages[chunk : chunk + 1000])

            def report(stream: str, pending: int) -> None:
                progress.update(task, description=f"{stream}: {max(pending, 0):,} pending")

            await wait_until_processed(js, timeout=7200, on_progress=report)
        elapsed = time.perf_counter() - began
        await connection.close()
        return len(messages) / elapsed
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        server.stop()


def readme_text(results: dict) -> str:
    raw = results["raw_nats_py_per_s"]
    one, two = results["one_replica_per_s"], results["two_replicas_per_s"]
    return "\n".join(
        [
            f"`python -m bench.replicas --n {results['n']}` ({results['date'][:10]}, load average "
            f"{results['load']:.1f}).  PostgreSQL, one nats-server, every rebuildable service "
            f"({', '.join(SERVICES)}) as its own `shuxiang serve` process; the realistic workload of "
            f"bench/workload.py (seed {results['seed']}): {results['workload']}.",
            "",
            "| run | messages/s | of raw |",
            "|---|---:|---:|",
            f"| raw nats-py pull + ack (baseline) | {raw:,.0f} | 1 |",
            f"| one replica of each, all on core 0 (`taskset -c 0`): one machine | {one:,.0f} | {one / raw:.3f} |",
            f"| two replicas of each, one set on core 0, one on core 1: a second machine | {two:,.0f} | "
            f"{two / raw:.3f} |",
            "",
            f"A second replica set adds {two / one - 1:+.0%}.",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args()
    if shutil.which("taskset") is None:
        raise SystemExit("taskset (util-linux) is needed to pin the replicas to cores")
    alliance = realistic_alliance(args.seed)
    messages = workload_messages(args.n, seed=args.seed, alliance=alliance)
    workdir = Path(tempfile.mkdtemp(prefix="shuxiang-replicas-"))
    results: dict = {
        "n": args.n,
        "seed": args.seed,
        "workload": describe(messages),
        "date": datetime.now().isoformat(timespec="seconds"),
    }
    try:
        config = write_alliance(workdir / "alliance.toml", args.seed)
        print(f"realistic workload: {results['workload']}")
        results["raw_nats_py_per_s"] = asyncio.run(baseline(workdir, messages))
        print(f"  raw nats-py pull+ack: {results['raw_nats_py_per_s']:8.0f} msg/s")
        for replicas, key in ((1, "one_replica_per_s"), (2, "two_replicas_per_s")):
            url, drop = postgres_schema(args.postgres)
            try:
                rate = asyncio.run(run(workdir / f"r{replicas}", messages, url, config, replicas, alliance))
            finally:
                drop()
            results[key] = rate
            print(f"  {replicas} replica(s) of each service: {rate:8.0f} messages/s")
        results["load"] = os.getloadavg()[0]
        if not args.no_readme:
            update_readme("replicas", readme_text(results), "## Replicas")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
