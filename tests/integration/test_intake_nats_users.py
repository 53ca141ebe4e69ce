"""The generated per-library NATS users, loaded by a real nats-server: a library publishes only as itself."""

from __future__ import annotations

import asyncio
import subprocess
import time
from pathlib import Path

import nats
import pytest
from nats.errors import TimeoutError as NatsTimeout

from shuxiang.alliance import load_alliance
from shuxiang.events.nats_server import free_loopback_port, nats_server_binary
from shuxiang.events.publish import Publisher, PublishError
from shuxiang.events.streams import SUBMISSIONS_STREAM, ensure_streams, reported_subject, submitted_subject
from shuxiang.services.intake.nats_users import existing_hashes, inbox_prefix, write_users_config
from tests.conftest import TEST_ALLIANCE


@pytest.fixture
def secured_nats(tmp_path: Path):
    """nats-server with JetStream and the users `shuxiang accounts nats-config` writes."""
    alliance = load_alliance(TEST_ALLIANCE)
    passwords = write_users_config(alliance, tmp_path / "users.conf")
    port = free_loopback_port()
    (tmp_path / "nats-server.conf").write_text(
        f'host: 127.0.0.1\nport: {port}\njetstream {{ store_dir: "{tmp_path / "js"}" }}\ninclude "users.conf"\n'
    )
    process = subprocess.Popen(
        [str(nats_server_binary()), "-c", str(tmp_path / "nats-server.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            import socket

            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.05)
    yield port, passwords
    process.terminate()
    process.wait(10)


async def connect_as(port: int, user: str, password: str, **options):
    errors: list[Exception] = []

    async def on_error(exc: Exception) -> None:
        errors.append(exc)

    connection = await nats.connect(
        f"nats://127.0.0.1:{port}",
        user=user,
        password=password,
        error_cb=on_error,
        connect_timeout=5,
        allow_reconnect=False,
        **options,
    )
    return connection, errors


async def test_a_library_publishes_on_its_own_subjects_and_not_on_another_librarys(secured_nats) -> None:
    port, passwords = secured_nats
    service, _ = await connect_as(port, "shuxiang", passwords["shuxiang"])
    await ensure_streams(service.jetstream())
    jn, jn_errors = await connect_as(port, "jn", passwords["jn"], inbox_prefix=inbox_prefix("jn"))
    try:
        publisher = Publisher(jn.jetstream(), attempts=1, timeout=2)
        seq = await publisher.publish(submitted_subject("jn"), "sub:jn:a:1", b'{"own": true}')
        assert seq == 1
        assert await publisher.publish(reported_subject("jn"), "rep:jn:a", b'{"own": true}') == 2

        with pytest.raises(PublishError):
            await publisher.publish(submitted_subject("tz"), "sub:tz:forged:1", b'{"forged": true}')
        with pytest.raises(PublishError):
            await publisher.publish(reported_subject("tz"), "rep:tz:forged", b'{"forged": true}')
        await jn.publish(submitted_subject("tz"), b"core publish, no ack")  # dropped by the server too
        await jn.flush()
        await asyncio.sleep(0.3)
        violations = [str(e).lower() for e in jn_errors]
        assert 'permissions violation for publish to "shuxiang.activity.submitted.tz"' in violations[0]
        assert any("reported.tz" in v for v in violations)

        # nor may it read the stream or another library's replies
        with pytest.raises(NatsTimeout):
            await jn.jetstream(timeout=1).stream_info(SUBMISSIONS_STREAM.name)
        await asyncio.sleep(0.2)
        assert any("$js.api.stream.info" in str(e).lower() for e in jn_errors), jn_errors
        info = await service.jetstream().stream_info(SUBMISSIONS_STREAM.name)
        assert info.state.messages == 2  # only jn's own two messages
        last = await service.jetstream().get_last_msg(SUBMISSIONS_STREAM.name, submitted_subject("jn"))
        assert last.data == b'{"own": true}'
    finally:
        await jn.close()
        await service.close()


async def test_a_wrong_password_is_refused(secured_nats) -> None:
    port, passwords = secured_nats
    with pytest.raises(nats.errors.Error, match="Authorization Violation"):
        await connect_as(port, "jn", passwords["tz"])


def test_regenerating_keeps_passwords_and_resets_only_what_is_asked(tmp_path: Path) -> None:
    alliance = load_alliance(TEST_ALLIANCE)
    path = tmp_path / "users.conf"
    first = write_users_config(alliance, path)
    assert set(first) == {"shuxiang", *alliance.member_ids()}
    before = existing_hashes(path)
    assert write_users_config(alliance, path) == {}
    assert existing_hashes(path) == before
    again = write_users_config(alliance, path, {"jn"})
    assert set(again) == {"jn"}
    after = existing_hashes(path)
    assert after["jn"] != before["jn"] and {k: v for k, v in after.items() if k != "jn"} == {
        k: v for k, v in before.items() if k != "jn"
    }
    text = path.read_text()
    assert 'publish: {allow: ["shuxiang.activity.submitted.jn", "shuxiang.activity.reported.jn"]}' in text
    assert first["jn"] not in text  # only hashes are written


def test_up_keeps_its_users_and_makes_a_new_runtime_password_when_it_is_lost(tmp_path: Path) -> None:
    from shuxiang.services.intake.nats_users import PASSWORDS_FILE, USERS_FILE, embedded_users

    alliance = load_alliance(TEST_ALLIANCE)
    first = embedded_users(tmp_path, alliance)
    assert set(first) == {"shuxiang", *alliance.member_ids()}
    assert oct((tmp_path / PASSWORDS_FILE).stat().st_mode)[-3:] == "600"
    assert oct((tmp_path / USERS_FILE).stat().st_mode)[-3:] == "600"
    hashes = existing_hashes(tmp_path / USERS_FILE)
    assert embedded_users(tmp_path, alliance) == first and existing_hashes(tmp_path / USERS_FILE) == hashes
    (tmp_path / PASSWORDS_FILE).unlink()  # lost: the runtime must still get in, with a new password
    again = embedded_users(tmp_path, alliance)
    assert again["shuxiang"] != first["shuxiang"]
    assert existing_hashes(tmp_path / USERS_FILE)["shuxiang"] != hashes["shuxiang"]


@pytest.mark.parametrize("user", ["jn", "nobody"])
async def test_a_refused_login_ends_the_start_wait_at_once_naming_the_user(secured_nats, user) -> None:
    """docs/operations.md: "a refused login ends the wait at once" — a wrong password or an unknown
    user waited out the whole SHUXIANG_START_TIMEOUT and was then said as no broker answering."""
    from shuxiang.events.broker import BrokerNotReady, connect

    port, _ = secured_nats
    began = time.monotonic()
    with pytest.raises(BrokerNotReady) as refused:
        await connect(f"nats://{user}:wrong@127.0.0.1:{port}", name="test", wait=60)
    assert time.monotonic() - began < 5
    said = str(refused.value)
    assert f"refused the credentials of user {user}" in said and "wrong" not in said


def test_a_library_publishes_with_its_own_user_unpaced_and_is_told_what_it_may_not_do(secured_nats, tmp_path) -> None:
    """deploy/nats/README.md: `shuxiang publish --as jn` with jn's own NATS user.  It printed
    permission errors (and took 16 s for 2 lines), `--wait` repeated them every 5 s for 300 s and
    then said the broker did not answer, and without `--as` it hung 68 s and ended in tracebacks."""
    import os
    import sys

    from tests.conftest import submission, write_jsonl

    port, passwords = secured_nats

    async def make_streams() -> int:
        service, _ = await connect_as(port, "shuxiang", passwords["shuxiang"])
        try:
            await ensure_streams(service.jetstream())
            return (await service.jetstream().stream_info(SUBMISSIONS_STREAM.name)).state.messages
        finally:
            await service.close()

    asyncio.run(make_streams())
    lines = write_jsonl(tmp_path / "jn.jsonl", [submission("jn", "own-1"), submission("jn", "own-2")])
    env = {
        **os.environ,
        "SHUXIANG_NATS_URL": f"nats://jn:{passwords['jn']}@127.0.0.1:{port}",
        "SHUXIANG_CONFIG": str(TEST_ALLIANCE),
        "SHUXIANG_DATA_DIR": str(tmp_path / "data"),
    }

    def publish(*options: str) -> tuple[int, str, float]:
        began = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "shuxiang", "publish", str(lines), *options],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        said = done.stdout + done.stderr
        assert "Traceback" not in said and "ermissions violation" not in said, said
        return done.returncode, said, time.monotonic() - began

    status, said, took = publish("--as", "jn", "--wait")
    assert status == 1 and "--wait" in said and "credentials" in said and "jn" in said, said
    assert took < 15, took
    assert asyncio.run(make_streams()) == 0  # said before anything was published

    status, said, took = publish("--as", "jn")
    assert status == 0 and "published 2, refused 0" in said, said
    assert took < 15, took
    status, said, _ = publish("--as", "jn")  # again: duplicates are success, without asking for the originals
    assert status == 0 and "published 2, refused 0" in said, said
    assert asyncio.run(make_streams()) == 2

    status, said, took = publish()
    assert status == 1 and "--as jn" in said, said
    assert took < 15, took
