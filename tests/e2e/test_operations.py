"""Operators' view: health, metrics, dead letters on a page, and replaying them after a fix;
stopping while the demo is being processed; the embedded broker dying under a running ``up``."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

import httpx

from shuxiang.events.nats_server import free_loopback_port
from tests.conftest import System, submission, write_jsonl


def test_health_and_metrics_report_consumers_and_requests(system: System, tmp_path) -> None:
    system.start()
    system.cli("publish", str(write_jsonl(tmp_path / "a.jsonl", [submission("jn", "m-1")])), "--wait")
    assert httpx.get(f"{system.url}/healthz").json() == {"status": "ok", "database": "ok", "broker": "ok"}
    httpx.get(f"{system.url}/feeds/alliance.ics")
    metrics = httpx.get(f"{system.url}/metrics").text
    assert 'shuxiang_messages_processed_total{consumer="dedup"} 1.0' in metrics
    assert 'shuxiang_consumer_pending{consumer="dedup",kind="pending",stream="SUBMISSIONS"} 0.0' in metrics
    assert 'shuxiang_http_requests_total{route="/feeds/alliance.ics",status="200"} 1.0' in metrics


def test_metrics_count_the_worker_processes_consumers_too(system: System, tmp_path) -> None:
    """With ``up --processes 2`` the projections run in a worker process: /metrics counts what
    they processed as well as what ``up``'s own consumers did."""
    system.start("--processes", "2")
    two = [submission("jn", "w-1"), submission("jn", "w-2", title="绘本共读", category="children")]
    system.cli("publish", str(write_jsonl(tmp_path / "a.jsonl", two)), "--wait")
    expected = [
        f'shuxiang_messages_processed_total{{consumer="{name}"}} 2.0' for name in ("dedup", "calendar", "quotas")
    ]
    deadline = time.monotonic() + 15  # a worker writes its counts every COUNTS_SECONDS
    while not all(line in (metrics := httpx.get(f"{system.url}/metrics").text) for line in expected):
        assert time.monotonic() < deadline, metrics
        time.sleep(0.3)
    assert 'shuxiang_messages_dead_lettered_total{consumer="calendar"} 0.0' in metrics
    assert system.stop() == 0
    assert not list((system.data_dir / "worker-counts").glob("*.json"))  # removed with the workers


def test_poison_message_is_shown_and_replayed_after_the_config_is_fixed(system: System, tmp_path) -> None:
    system.start()
    stranger = submission("new-lib", "n-1", title="<script>alert(1)</script> 新馆开放日")
    refused = system.cli("publish", str(write_jsonl(tmp_path / "a.jsonl", [stranger])), "--wait", check=False)
    assert refused.returncode == 1 and '"new-lib" is not a member' in refused.stderr  # said before the broker
    # a member's own system publishes straight to the broker: the consumer keeps it as a dead letter
    asyncio.run(publish_raw(system.nats_url(), stranger))
    system.cli("publish", "/dev/null", "--wait")
    letters = httpx.get(f"{system.url}/api/v1/dead-letters", headers=system.bearer()).json()
    assert len(letters) == 1 and "new-lib" in letters[0]["reason"]
    page = httpx.get(f"{system.url}/dead-letters", headers=system.bearer()).text
    assert "new-lib" in page and "死信" in page
    assert system.stop(signal.SIGTERM) == 0

    # the fix: the new member joins the alliance
    config = system.data_dir / "alliance.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + '\n[[members]]\nid = "new-lib"\nname = "新区图书馆"\n'
        'tier = "district"\nparent = "central"\n',
        encoding="utf-8",
    )
    result = system.cli("dlq", "replay")
    assert "processed 1" in result.stderr
    system.start()
    system.cli("publish", "/dev/null", "--wait")
    assert [a["sources"][0]["library_id"] for a in system.export()] == ["new-lib"]
    page = httpx.get(f"{system.url}/dead-letters?lang=en", headers=system.bearer()).text
    assert "replayed" in page and "&lt;script&gt;" not in page  # the reason names the library, not the title
    assert "<script>alert" not in httpx.get(f"{system.url}/dead-letters", headers=system.bearer()).text


async def publish_raw(url: str, body: dict) -> None:
    import json

    import nats

    from shuxiang.events.publish import Publisher
    from shuxiang.events.streams import submitted_subject

    connection = await nats.connect(url)
    try:
        msg_id = f"sub:{body['library_id']}:{body['source_ref']}:{body.get('revision', 1)}"
        payload = json.dumps(body, ensure_ascii=False).encode()
        await Publisher(connection.jetstream()).publish_many([(submitted_subject(body["library_id"]), msg_id, payload)])
    finally:
        await connection.close()


def test_ctrl_c_while_the_demo_is_processed_stops_cleanly(tmp_path) -> None:
    data_dir, log = tmp_path / "data", tmp_path / "up.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "shuxiang",
            "up",
            "--demo",
            "--data-dir",
            str(data_dir),
            "--port",
            str(free_loopback_port()),
        ],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while "published; processing" not in log.read_text(encoding="utf-8"):
            assert process.poll() is None and time.monotonic() < deadline, log.read_text(encoding="utf-8")
            time.sleep(0.02)
        process.send_signal(signal.SIGINT)
        try:
            assert process.wait(60) == 0
        except subprocess.TimeoutExpired:  # what it is stuck on: every thread's stack (SIGUSR1)
            process.send_signal(signal.SIGUSR1)
            time.sleep(2)
            raise AssertionError(log.read_text(encoding="utf-8")[-20000:]) from None
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    printed = log.read_text(encoding="utf-8")
    assert "Traceback" not in printed and "exception" not in printed.lower(), printed
    assert "stopped before the demo was processed" in printed and printed.rstrip().endswith("已停止 / stopped"), printed


def test_up_restarts_its_embedded_broker_when_it_dies(system: System, tmp_path) -> None:
    """The embedded nats-server killed under a running ``up``: up restarts it on its port and
    store, says so in one line, and what is published next is processed — nothing accepted
    before is lost, and no traceback is printed for the reconnect attempts."""
    system.start()
    system.cli("publish", str(write_jsonl(tmp_path / "a.jsonl", [submission("jn", "k-1")])), "--wait")
    killed = system.nats_pid()
    assert killed is not None
    os.kill(killed, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while system.nats_pid() in (None, killed):
        assert time.monotonic() < deadline, system.log.read_text(encoding="utf-8")[-3000:]
        time.sleep(0.2)
    second = submission("jn", "k-2", title="绘本共读", category="children")
    system.cli("publish", str(write_jsonl(tmp_path / "b.jsonl", [second])), "--wait")
    assert sorted(a["sources"][0]["source_ref"] for a in system.export()) == ["k-1", "k-2"]
    assert httpx.get(f"{system.url}/healthz").json()["broker"] == "ok"
    assert system.stop() == 0
    log = system.log.read_text(encoding="utf-8")
    assert "the embedded nats-server exited with -9: restarting it" in log
    assert "the embedded nats-server is back on" in log
    assert "Traceback" not in log, log[-3000:]


def test_up_refuses_a_port_out_of_range_or_in_use_before_starting_anything(tmp_path) -> None:
    """`up --port 99999` started the nats-server and the worker, then printed a traceback
    (OverflowError); a busy port was "web failed: 3" after uvicorn's plain-text line in JSON mode."""
    import socket

    up = [sys.executable, "-m", "shuxiang", "up", "--demo"]
    env = {**os.environ, "SHUXIANG_LOG_FORMAT": "json"}
    out_of_range = subprocess.run(
        [*up, "--data-dir", str(tmp_path / "a"), "--port", "99999"], env=env, capture_output=True, text=True, timeout=60
    )
    assert out_of_range.returncode == 2 and "1<=x<=65535" in out_of_range.stderr, out_of_range.stderr
    assert not (tmp_path / "a" / "nats").exists()  # nothing started

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = subprocess.run(
            [*up, "--data-dir", str(tmp_path / "b"), "--port", str(port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    said = busy.stdout + busy.stderr
    assert busy.returncode == 1, said
    assert f"port {port} is in use (another shuxiang or program?)" in said, said
    assert "Traceback" not in said and "Errno" not in said and len(said.strip().splitlines()) == 1, said
    assert not (tmp_path / "b" / "nats").exists()  # the broker was not started first


def test_a_post_answers_503_within_seconds_while_the_broker_does_not_answer(system: System) -> None:
    """With the broker down a post waited out eight tries of 5 s (56 s, at the edge of a proxy's
    60 s): it answers 503 with the bilingual message within WEB_PUBLISH_SECONDS."""
    from shuxiang.events.publish import WEB_PUBLISH_SECONDS

    system.start()
    as_jn = system.bearer("jn")
    nats_pid = system.nats_pid()
    assert nats_pid is not None
    os.kill(nats_pid, signal.SIGSTOP)  # there, but answering nothing (a killed one is restarted at once)
    try:
        began = time.monotonic()
        answer = httpx.post(
            system.url + "/api/v1/activities", json=submission("jn", "while-away"), headers=as_jn, timeout=120
        )
        took = time.monotonic() - began
    finally:
        os.kill(nats_pid, signal.SIGCONT)
    assert answer.status_code == 503, answer.text
    assert "try again later" in answer.json()["detail"] and "请稍后再试" in answer.json()["detail"]
    assert WEB_PUBLISH_SECONDS - 1 < took < WEB_PUBLISH_SECONDS + 3, took
