"""The distributed runtime: `shuxiang serve` per service, on PostgreSQL and a separate nats-server."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time

import httpx

from shuxiang.events.broker import connect
from shuxiang.events.nats_server import free_loopback_port
from shuxiang.events.streams import ALL_STREAMS
from tests.conftest import TEST_ALLIANCE, stop_processes, submission, wait_healthy, write_jsonl

from .faults import cluster_nodes


def test_services_as_separate_processes_on_postgres(nats_server, postgres_url, tmp_path) -> None:
    port = free_loopback_port()
    env = {
        **os.environ,
        "SHUXIANG_NATS_URL": nats_server.url,
        "SHUXIANG_DATABASE_URL": postgres_url,
        "SHUXIANG_PORT": str(port),
        "SHUXIANG_CONFIG": str(TEST_ALLIANCE),
        "SHUXIANG_DATA_DIR": str(tmp_path),
    }
    shuxiang = [sys.executable, "-m", "shuxiang"]
    subprocess.run([*shuxiang, "migrate"], env=env, check=True, capture_output=True, timeout=120)
    names = ("dedup", "dedup", "calendar", "web")  # two dedup replicas share one durable consumer
    logs = {f"{name}-{n}": tmp_path / f"{name}-{n}.log" for n, name in enumerate(names)}
    processes = {
        key: subprocess.Popen(
            [*shuxiang, "serve", name], env=env, stdout=logs[key].open("wb"), stderr=subprocess.STDOUT
        )
        for key, name in zip(logs, names, strict=True)
    }
    try:
        wait_healthy(f"http://127.0.0.1:{port}")
        items = [submission("jn", f"d-{n}", title=f"沽上讲堂 第{n}讲") for n in range(40)]
        items += [{**items[0], "revision": 2, "status": "cancelled"}]
        result = subprocess.run(
            [*shuxiang, "publish", str(write_jsonl(tmp_path / "s.jsonl", items)), "--wait"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        feed = httpx.get(f"http://127.0.0.1:{port}/feeds/libraries/jn.ics", timeout=10).content.decode()
        assert feed.count("BEGIN:VEVENT") == 40
        assert feed.count("STATUS:CANCELLED") == 1
        exported = subprocess.run(
            [*shuxiang, "export", "activities"], env=env, capture_output=True, text=True, timeout=60, check=True
        ).stdout.splitlines()
        assert len(exported) == 40
    finally:
        stop_processes(processes, logs)
    assert all(p.returncode == 0 for p in processes.values()), {k: logs[k].read_text()[-3000:] for k in logs}


EVERY_SERVICE = (
    "dedup",
    "calendar",
    "brands",
    "quotas",
    "digests",
    "scheduler",
    "intake",
    "registrations",
    "stats",
    "web",
)


def test_a_cold_start_of_the_whole_topology_on_a_cluster(postgres_url, tmp_path) -> None:
    """Every service via `serve`, started at once and BEFORE the three broker nodes (the nats-server
    of the wheel, clustered): none exits — each waits for the broker and for the cluster's JetStream
    leader —, the streams are replicated on all three nodes without SHUXIANG_STREAM_REPLICAS, and
    `shuxiang publish --wait` takes the comma-separated cluster URL that deploy/compose.yaml sets."""
    nodes = cluster_nodes(tmp_path)
    cluster_url = ",".join(node.url for node in nodes)
    port = free_loopback_port()
    env = {
        **os.environ,
        "SHUXIANG_NATS_URL": cluster_url,
        "SHUXIANG_DATABASE_URL": postgres_url,
        "SHUXIANG_PORT": str(port),
        "SHUXIANG_CONFIG": str(TEST_ALLIANCE),
        "SHUXIANG_DATA_DIR": str(tmp_path / "data"),
        "SHUXIANG_LOG_FORMAT": "json",
    }
    env.pop("SHUXIANG_STREAM_REPLICAS", None)
    shuxiang = [sys.executable, "-m", "shuxiang"]
    subprocess.run([*shuxiang, "migrate"], env=env, check=True, capture_output=True, timeout=120)
    logs = {name: tmp_path / f"{name}.log" for name in EVERY_SERVICE}
    processes = {
        name: subprocess.Popen(
            [*shuxiang, "serve", name], env=env, stdout=logs[name].open("wb"), stderr=subprocess.STDOUT
        )
        for name in EVERY_SERVICE
    }
    try:
        time.sleep(1.0)  # the services are up before any broker node is
        for node in nodes:  # (from this thread: a node stops with the thread that started it)
            node.start()
        wait_healthy(f"http://127.0.0.1:{port}", processes["web"], logs["web"], timeout=180)
        items = [submission("jn", f"cold-{n}", title=f"沽上讲堂 第{n}讲") for n in range(20)]
        result = subprocess.run(
            [*shuxiang, "publish", str(write_jsonl(tmp_path / "s.jsonl", items)), "--wait", "--timeout", "180"],
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        # --wait counts the consumers attached when it asks: a service still starting (creating its
        # consumer) has the whole log delivered once it is there
        deadline, events = time.monotonic() + 120, 0
        while events < 20 and time.monotonic() < deadline:
            feed = httpx.get(f"http://127.0.0.1:{port}/feeds/libraries/jn.ics", timeout=10).content.decode()
            events = feed.count("BEGIN:VEVENT")
            time.sleep(0.5)
        assert events == 20
        exited = {name: p.returncode for name, p in processes.items() if p.poll() is not None}
        assert not exited, {name: logs[name].read_text()[-2000:] for name in exited}
        replicas = asyncio.run(_stream_replicas(cluster_url))
        assert replicas == {spec.name: 3 for spec in ALL_STREAMS}
        for name in EVERY_SERVICE:  # what they said while waiting: JSON lines, no bare traceback
            for line in logs[name].read_text().splitlines():
                assert line.startswith("{"), (name, line)
    finally:
        try:
            stop_processes(processes, logs)
        finally:
            for node in nodes:
                node.stop()


async def _stream_replicas(url: str) -> dict[str, int]:
    connection = await connect(url)
    try:
        js = connection.jetstream()
        return {spec.name: (await js.stream_info(spec.name)).config.num_replicas for spec in ALL_STREAMS}
    finally:
        await connection.close()


def test_a_service_with_no_broker_says_so_in_one_line_and_exits(postgres_url, tmp_path) -> None:
    """No broker within SHUXIANG_START_TIMEOUT: one log line naming where it looked (not the password),
    exit status 1, no traceback."""
    env = {
        **os.environ,
        "SHUXIANG_NATS_URL": f"nats://shuxiang:secret@127.0.0.1:{free_loopback_port()},nats://127.0.0.1:{free_loopback_port()}",
        "SHUXIANG_DATABASE_URL": postgres_url,
        "SHUXIANG_CONFIG": str(TEST_ALLIANCE),
        "SHUXIANG_DATA_DIR": str(tmp_path / "data"),
        "SHUXIANG_START_TIMEOUT": "4",
        "SHUXIANG_LOG_FORMAT": "json",
    }
    shuxiang = [sys.executable, "-m", "shuxiang"]
    subprocess.run([*shuxiang, "migrate"], env=env, check=True, capture_output=True, timeout=120)
    result = subprocess.run([*shuxiang, "serve", "dedup"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    lines = [json.loads(line) for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert "Traceback" not in result.stdout + result.stderr
    last = lines[-1]
    assert last["level"] == "ERROR" and "127.0.0.1" in last["message"] and "secret" not in last["message"]


def test_serve_demo_gives_a_deployment_a_first_look(nats_server, postgres_url, tmp_path) -> None:
    """`serve all --demo` with no alliance file: the demo alliance, and its year of activities
    published once through the deployment's broker into PostgreSQL, feeds and all."""
    port = free_loopback_port()
    env = {
        **os.environ,
        "SHUXIANG_NATS_URL": nats_server.url,
        "SHUXIANG_DATABASE_URL": postgres_url,
        "SHUXIANG_PORT": str(port),
        "SHUXIANG_DATA_DIR": str(tmp_path / "data"),
    }
    env.pop("SHUXIANG_CONFIG", None)
    shuxiang = [sys.executable, "-m", "shuxiang"]
    subprocess.run([*shuxiang, "migrate"], env=env, check=True, capture_output=True, timeout=120)
    without = subprocess.run([*shuxiang, "serve", "dedup"], env=env, capture_output=True, text=True, timeout=60)
    assert without.returncode != 0 and "--demo" in without.stdout + without.stderr  # says what it needs
    log = tmp_path / "all.log"
    process = subprocess.Popen(
        [*shuxiang, "serve", "all", "--demo"], env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}", process, log)
        deadline, events = time.monotonic() + 240, 0
        while time.monotonic() < deadline and events < 100:
            feed = httpx.get(f"http://127.0.0.1:{port}/feeds/alliance.ics", timeout=10).content.decode()
            events = feed.count("BEGIN:VEVENT")
            time.sleep(1.0)
        assert events >= 100, log.read_text()[-3000:]
        assert process.poll() is None
    finally:
        stop_processes({"all": process}, {"all": log})


def test_serve_and_migrate_say_in_one_line_what_is_wrong_with_the_database(postgres_url, tmp_path) -> None:
    """A database never migrated, one that does not exist, a port nobody answers on, a URL that is
    not PostgreSQL's: one line saying what is wrong and what to do (the password not shown), exit
    status 1 — not a 60-line traceback.  Then `migrate` says what it did."""
    from tests.conftest import POSTGRES_URL

    base = POSTGRES_URL.replace("postgresql://postgres@", "postgresql://postgres:hush@")
    env = {
        **os.environ,
        "SHUXIANG_NATS_URL": f"nats://127.0.0.1:{free_loopback_port()}",  # never reached: the database comes first
        "SHUXIANG_CONFIG": str(TEST_ALLIANCE),
        "SHUXIANG_DATA_DIR": str(tmp_path / "data"),
        "SHUXIANG_START_TIMEOUT": "30",
    }
    shuxiang = [sys.executable, "-m", "shuxiang"]
    cases = {
        postgres_url: "shuxiang migrate",
        base.rsplit("/", 1)[0] + "/shuxiang_no_such_database": "create the database",
        f"postgresql://postgres:hush@127.0.0.1:{free_loopback_port()}/test": "check SHUXIANG_DATABASE_URL",
        "mysql://someone:hush@127.0.0.1/test": "check SHUXIANG_DATABASE_URL",
    }
    runs = {}  # at once: each is a second or more of imports
    for url, advice in cases.items():
        for command in [["serve", "dedup"], ["serve", "web"]] + ([] if url == postgres_url else [["migrate"]]):
            runs[(url, *command)] = (
                advice,
                subprocess.Popen(
                    [*shuxiang, *command],
                    env={**env, "SHUXIANG_DATABASE_URL": url},
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                ),
            )
    for run, (advice, process) in runs.items():
        said, _ = process.communicate(timeout=60)
        assert process.returncode == 1, (run, said)
        assert "Traceback" not in said and len(said.strip().splitlines()) == 1, (run, said)
        assert advice in said and "hush" not in said, (run, said)

    created = subprocess.run(
        [*shuxiang, "migrate"],
        env={**env, "SHUXIANG_DATABASE_URL": postgres_url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert created.returncode == 0 and "created the schema up to revision 00" in created.stderr, created.stderr
    again = subprocess.run(
        [*shuxiang, "migrate"],
        env={**env, "SHUXIANG_DATABASE_URL": postgres_url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0 and "database is up to date" in again.stderr, again.stderr
