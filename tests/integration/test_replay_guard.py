"""A replay refuses to run under services that still consume the log (the distributed deployment:
`shuxiang replay` emptied the tables under the running `serve` processes — the public feeds went
empty for 40 s — and a running web front served a stale feed afterwards)."""

from __future__ import annotations

import asyncio
import json

import nats

from shuxiang.alliance import load_alliance
from shuxiang.db import Databases
from shuxiang.events.broker import consumer_config
from shuxiang.events.nats_server import EmbeddedNatsServer
from shuxiang.events.streams import ensure_streams
from shuxiang.replay import consumers_in_use, rebuildable_plans
from shuxiang.services.plan import ServiceContext
from shuxiang.settings import Settings
from tests.conftest import TEST_ALLIANCE


async def test_a_consumer_a_service_pulls_from_is_found_and_an_idle_one_is_not(tmp_path) -> None:
    server = EmbeddedNatsServer(tmp_path / "nats")
    server.start()
    databases = Databases(data_dir=tmp_path / "data")
    try:
        context = ServiceContext(Settings(data_dir=tmp_path / "data"), load_alliance(TEST_ALLIANCE), databases)
        plans = rebuildable_plans(context)
        spec = next(c for p in plans if p.name == "calendar" for c in p.consumers)
        connection = await nats.connect(server.url)
        js = connection.jetstream()
        await ensure_streams(js, replicas=1)
        await js.add_consumer(spec.stream.name, config=consumer_config(spec))
        assert await consumers_in_use(js, plans, samples=1) == []  # created, nobody pulling: a stopped service

        # a running service keeps a pull request open on its consumer
        inbox = connection.new_inbox()
        await connection.subscribe(inbox)
        await connection.publish(
            f"$JS.API.CONSUMER.MSG.NEXT.{spec.stream.name}.{spec.name}",
            json.dumps({"batch": 10, "expires": 30_000_000_000}).encode(),
            reply=inbox,
        )
        await connection.flush()
        await asyncio.sleep(0.2)
        assert await consumers_in_use(js, plans, samples=1) == [spec.name]
        await connection.close()
    finally:
        databases.dispose()
        server.stop()
