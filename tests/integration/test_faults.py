"""Faults during a load (issue 9): each run ends with every accepted submission present once.

Loopback only, bounded in time.  Marked slow: `.ci/run` runs them (the whole suite).
"""

from __future__ import annotations

import asyncio
import sys

import pytest
from sqlalchemy import func, select

from shuxiang.alliance import load_alliance
from shuxiang.deploy.migrations import upgrade
from shuxiang.events.nats_server import EmbeddedNatsServer
from shuxiang.runtime import Runtime
from shuxiang.services.dedup.tables import dedup_source
from shuxiang.settings import Settings
from tests.conftest import TEST_ALLIANCE
from tests.integration.faults import (
    PrivatePostgres,
    assert_final_state,
    cluster_nodes,
    drained,
    load,
    publish_load,
    runtime,
)

pytestmark = pytest.mark.slow


def processed(rt) -> int:
    with rt.databases.reader("dedup").connect() as connection:
        return connection.scalar(select(func.count()).select_from(dedup_source))


async def until(predicate, timeout: float = 60) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_nats_server_restart_during_a_load(tmp_path) -> None:
    server = EmbeddedNatsServer(tmp_path / "nats")
    server.start()
    rt = runtime(tmp_path, server.url)
    items = load(1500)
    try:
        await rt.start()
        publishing = asyncio.create_task(publish_load(server.url, items, pace=0.01))
        await until(lambda: processed(rt) >= 200)
        await asyncio.to_thread(server.stop)  # the broker goes away mid-load …
        await asyncio.sleep(1.0)
        await asyncio.to_thread(server.start)  # … and comes back on the same port and store
        await asyncio.wait_for(publishing, 120)
        await drained(server.url)
        assert_final_state(rt, items)
    finally:
        await rt.stop()
        server.stop()


async def test_cluster_node_killed_and_brought_back_during_a_load(tmp_path) -> None:
    nodes = cluster_nodes(tmp_path)
    for node in nodes:
        node.start()
    urls = [node.url for node in nodes]
    rt = runtime(tmp_path, ",".join(urls), replicas=3)
    items = load(1200, prefix="c")
    try:
        for _ in range(100):  # the cluster elects its JetStream meta leader
            try:
                await rt.start()
                break
            except Exception:
                await rt.stop()
                rt = runtime(tmp_path, ",".join(urls), replicas=3)
                await asyncio.sleep(0.3)
        publishing = asyncio.create_task(publish_load(urls, items, pace=0.01))
        await until(lambda: processed(rt) >= 200)
        await asyncio.to_thread(nodes[0].kill)  # SIGKILL one node mid-load
        await asyncio.sleep(2.0)
        await asyncio.to_thread(nodes[0].start)
        await asyncio.wait_for(publishing, 180)
        await drained(urls)
        assert_final_state(rt, items)
    finally:
        await rt.stop()
        for node in nodes:
            node.stop()


async def test_postgres_restart_during_a_load(tmp_path) -> None:
    postgres = PrivatePostgres()
    await asyncio.to_thread(postgres.start)
    server = EmbeddedNatsServer(tmp_path / "nats")
    server.start()
    await asyncio.to_thread(upgrade, postgres.url)
    rt = runtime(tmp_path, server.url, database_url=postgres.url)
    items = load(1500, prefix="p")
    try:
        await rt.start()
        publishing = asyncio.create_task(publish_load(server.url, items, pace=0.01))
        await until(lambda: processed(rt) >= 200)
        await asyncio.to_thread(postgres.restart)  # consumers fail their commit, nak, and retry
        await asyncio.wait_for(publishing, 120)
        await drained(server.url)
        assert_final_state(rt, items)
    finally:
        await rt.stop()
        server.stop()
        await asyncio.to_thread(postgres.stop)


async def test_a_worker_process_that_does_not_start_stops_the_start_and_says_which(
    tmp_path, nats_server, monkeypatch
) -> None:
    """``up --processes 2`` starts only once its worker's consumers are attached; a worker that exits
    instead makes the start fail with its services named, not hang or report 'ready'."""
    monkeypatch.setattr(sys, "executable", "/bin/false")  # the worker command exits with 1 at once
    settings = Settings(data_dir=tmp_path / "data", nats_url=nats_server.url)
    started = Runtime(
        settings=settings, alliance=load_alliance(TEST_ALLIANCE), services=["dedup", "calendar"], web=False, processes=2
    )
    try:
        with pytest.raises(RuntimeError, match=r"worker process for calendar exited with 1"):
            await started.start()
    finally:
        await started.stop()
    assert not started.workers
