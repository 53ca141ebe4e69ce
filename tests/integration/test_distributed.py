"""The distributed runtime: `shuxiang serve` per service, on PostgreSQL and a separate nats-server."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx

from shuxiang.events.nats_server import free_loopback_port
from tests.conftest import TEST_ALLIANCE, submission, wait_healthy, write_jsonl


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
    processes = [
        subprocess.Popen(
            [*shuxiang, "serve", name], env=env, stdout=(tmp_path / f"{name}.log").open("wb"), stderr=subprocess.STDOUT
        )
        for name in ("dedup", "dedup", "calendar", "web")  # two dedup replicas share one durable consumer
    ]
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
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
    assert all(p.returncode == 0 for p in processes), [(tmp_path / "web.log").read_text()]
