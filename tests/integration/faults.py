"""Tools for fault tests: an in-process runtime, a load, a private PostgreSQL, the final-state check."""

from __future__ import annotations

import asyncio
import json
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import nats

from shuxiang.alliance import load_alliance
from shuxiang.events.nats_server import EmbeddedNatsServer, free_loopback_port
from shuxiang.events.progress import wait_until_processed
from shuxiang.events.publish import Publisher
from shuxiang.runtime import Runtime
from shuxiang.services.calendar.tables import calendar_entry
from shuxiang.services.dedup.service import canonical_activities
from shuxiang.settings import Settings
from tests.conftest import SHANGHAI, TEST_ALLIANCE, submission


def load(n: int, prefix: str = "f") -> list[dict]:
    start = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)
    libraries = ["jn", "jn-b1", "jn-b2", "tz", "central"]
    return [
        submission(
            libraries[i % 5],
            f"{prefix}-{i:05d}",
            title=f"阅读分享会 第{i}场",
            start=start + timedelta(minutes=30 * i),
            venue={"name": f"第{i % 7}活动室"},
        )
        for i in range(n)
    ]


async def publish_load(url: str | list[str], items: list[dict], *, pace: float = 0.0) -> None:
    """Publish with message ids through broker restarts: the Publisher retries with the same id."""
    servers = url if isinstance(url, list) else [url]
    connection = await nats.connect(servers=servers, max_reconnect_attempts=-1, reconnect_time_wait=0.2)
    publisher = Publisher(connection.jetstream(), attempts=60, timeout=2.0)
    try:
        for chunk in range(0, len(items), 50):
            part = items[chunk : chunk + 50]
            await publisher.publish_many(
                [
                    (
                        f"shuxiang.activity.submitted.{i['library_id']}",
                        f"sub:{i['library_id']}:{i['source_ref']}:1",
                        json.dumps(i, ensure_ascii=False).encode(),
                    )
                    for i in part
                ]
            )
            if pace:
                await asyncio.sleep(pace)
    finally:
        await connection.close()


def runtime(tmp_path: Path, nats_url: str, database_url: str | None = None, replicas: int = 1) -> Runtime:
    settings = Settings(
        data_dir=tmp_path / "data", nats_url=nats_url, database_url=database_url, stream_replicas=replicas
    )
    return Runtime(settings=settings, alliance=load_alliance(TEST_ALLIANCE), services=["dedup", "calendar"], web=False)


async def drained(url: str | list[str], timeout: float = 180) -> None:
    servers = url if isinstance(url, list) else [url]
    connection = await nats.connect(servers=servers)
    try:
        await wait_until_processed(connection.jetstream(), timeout=timeout)
    finally:
        await connection.close()


def assert_final_state(rt: Runtime, items: list[dict]) -> None:
    """Every accepted submission present exactly once, in dedup and in the calendar."""
    activities = list(canonical_activities(rt.databases.reader("dedup")))
    refs = [a.sources[0].source_ref for a in activities]
    assert len(refs) == len(set(refs)), "an activity was created twice"
    assert set(refs) == {i["source_ref"] for i in items}
    with rt.databases.reader("calendar").connect() as connection:
        entries = connection.execute(calendar_entry.select()).all()
    assert len(entries) == len(items)


class PrivatePostgres:
    """A PostgreSQL of our own (initdb in a temp dir), so a test may restart it."""

    def __init__(self) -> None:
        # not under pytest's tmp dir: that is private to root, and the server runs as postgres
        self.root = Path(tempfile.mkdtemp(prefix="shuxiang-pg-"))
        self.port = free_loopback_port()
        bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
        self.pg_ctl, self.initdb = str(bindir / "pg_ctl"), str(bindir / "initdb")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, *args: str) -> None:
        command = list(args)
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            shutil.chown(self.root, user.pw_uid, user.pw_gid)
        data = str(self.root / "data")
        self._as_postgres(self.initdb, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self._as_postgres(
            self.pg_ctl,
            "-D",
            data,
            "-l",
            str(self.root / "log"),
            "-w",
            "-o",
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=on",
            "start",
        )

    def restart(self) -> None:
        # with its log file again: without -l the new server would keep pg_ctl's stdout open
        self._as_postgres(
            self.pg_ctl, "-D", str(self.root / "data"), "-l", str(self.root / "log"), "-m", "fast", "-w", "restart"
        )

    def stop(self) -> None:
        self._as_postgres(self.pg_ctl, "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def wait_for(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        time.sleep(0.02)


def cluster_nodes(root: Path, count: int = 3) -> list[EmbeddedNatsServer]:
    """A JetStream cluster of ``count`` nodes on loopback, each routed to the others (not started)."""
    client_ports = [free_loopback_port() for _ in range(count)]
    route_ports = [free_loopback_port() for _ in range(count)]
    return [
        EmbeddedNatsServer(
            root / f"n{i}",
            port=client_ports[i],
            cluster={
                "name": f"n{i}",
                "port": route_ports[i],
                "routes": [p for j, p in enumerate(route_ports) if j != i],
            },
        )
        for i in range(count)
    ]
