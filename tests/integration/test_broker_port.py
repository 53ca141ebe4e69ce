"""The embedded broker keeps its port across restarts (README: "the broker keeps its port"), also
after ``up`` was killed with clients connected — the way a member's system keeps its URL."""

from __future__ import annotations

import logging
import signal
import socket
import time

import nats

from shuxiang.events.nats_server import EmbeddedNatsServer


async def test_the_broker_comes_back_on_its_port_after_it_was_killed_with_clients_connected(tmp_path) -> None:
    first = EmbeddedNatsServer(tmp_path / "nats")
    first.start()
    clients = [await nats.connect(first.url, max_reconnect_attempts=0, allow_reconnect=False) for _ in range(3)]
    for client in clients:
        await client.flush()
    first.process.send_signal(signal.SIGKILL)  # as when `up` is killed: its connections linger in TIME_WAIT
    first.process.wait()
    for client in clients:
        await client.close()
    time.sleep(0.2)
    again = EmbeddedNatsServer(tmp_path / "nats")
    try:
        assert again.port == first.port  # a plain bind failed on the lingering connections: a new port every time
        again.start()
        client = await nats.connect(again.url)
        await client.close()
    finally:
        again.stop()


def test_a_port_another_program_listens_on_is_left_and_said(tmp_path, caplog) -> None:
    (tmp_path / "nats").mkdir()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        (tmp_path / "nats" / "port").write_text(str(port))
        with caplog.at_level(logging.WARNING):
            moved = EmbeddedNatsServer(tmp_path / "nats")
    assert moved.port != port
    assert f"the broker's port {port} is taken by another program" in caplog.text
