"""Parallel bad logins against ``shuxiang up``: the runtime's peak memory and /healthz's latency.

Before issue 19: 40 parallel logins with unknown names took the process to 1.8 GB (argon2id,
64 MiB per check, one per thread-pool thread) and /healthz to 12 s.  Now password checks run
two at a time off the event loop.  ``python -m bench.login_storm --logins 40``
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.conftest import System


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def storm(base: str, logins: int) -> tuple[list[int], list[float], float]:
    async with httpx.AsyncClient(base_url=base, timeout=300) as client:
        page = await client.get("/submit/login")
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        started = time.perf_counter()
        tasks = [
            asyncio.ensure_future(
                client.post(
                    "/submit/login", data={"csrf_token": token, "username": f"nobody-{n}", "password": "x" * 100}
                )
            )
            for n in range(logins)
        ]
        health: list[float] = []
        while not all(t.done() for t in tasks):
            t0 = time.perf_counter()
            assert (await client.get("/healthz")).status_code == 200
            health.append(time.perf_counter() - t0)
            await asyncio.sleep(0.1)
        codes = [t.result().status_code for t in tasks]
        return codes, health, time.perf_counter() - started


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=40)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        system = System(Path(tmp) / "data")
        system.start()
        try:
            before = peak_rss_mb(system.process.pid)
            codes, health, took = asyncio.run(storm(system.url, args.logins))
            after = peak_rss_mb(system.process.pid)
        finally:
            system.stop()
    print(f"{args.logins} parallel bad logins in {took:.1f} s: {codes.count(401)} × 401, {codes.count(503)} × 503")
    print(f"peak RSS of the runtime: {before:.0f} MB before, {after:.0f} MB after")
    print(
        f"/healthz during the storm: {len(health)} calls, median {statistics.median(health) * 1000:.0f} ms, "
        f"max {max(health) * 1000:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
