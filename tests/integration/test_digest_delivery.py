"""Digests against a real SMTP server (aiosmtpd), a real nats-server and real SQLite.

One mail per coordinator and period whatever the broker does (the due message twice,
the scheduler restarted mid-period); SMTP failures retried with backoff; an interrupted
or ambiguous send never repeated; STARTTLS and authentication.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import func, select, update

from shuxiang.alliance import load_alliance
from shuxiang.db import make_engine, metadata, sqlite_url
from shuxiang.events.nats_server import free_loopback_port
from shuxiang.events.progress import wait_until_processed
from shuxiang.events.streams import CANONICAL_STREAM, DIGEST_DUE, canonical_subject, decided_subject
from shuxiang.runtime import Runtime
from shuxiang.schemas import CanonicalEvent, CanonicalEventType
from shuxiang.services.dedup.repository import review_id
from shuxiang.services.dedup.reviews import ReviewDecision
from shuxiang.services.digests.handlers import DigestConfig, record_digest
from shuxiang.services.digests.sender import DigestSender
from shuxiang.services.digests.tables import TABLES, digests_activity, digests_review, digests_sent
from shuxiang.services.digests.transport import SmtpConfig, SmtpTransport
from shuxiang.services.scheduler.messages import DigestDue
from shuxiang.services.scheduler.tables import scheduler_fired, scheduler_lease
from shuxiang.settings import Settings

ALLIANCE = load_alliance(Path(__file__).parents[1] / "data" / "digests" / "alliance.toml")
SENDER = "书香 <digests@example.org>"


class Mailbox:
    """An aiosmtpd handler keeping what it accepted; ``refuse`` 451s the next N messages."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.logins: list[str] = []
        self.refuse = 0
        self.attempts = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.attempts += 1
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 mailbox busy, try again later"
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 2.0.0 queued"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m, rcpt in zip(self.messages, self.recipients, strict=True) if address in rcpt]


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    port = free_loopback_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


async def eventually(check: Callable[[], bool], timeout: float = 30.0, what: str = "condition") -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await asyncio.to_thread(check):
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


def canonical(aid: str, library: str, title: str, created: datetime, starts: datetime) -> CanonicalEvent:
    return CanonicalEvent.model_validate(
        {
            "type": "created",
            "occurred_at": created.isoformat(),
            "activity": {
                "id": aid,
                "version": 1,
                "status": "scheduled",
                "title": title,
                "category": "reading_club",
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=2)).isoformat(),
                "venue": {"name": "阅览室"},
                "organizers": [{"library_id": library, "role": "host"}],
                "sources": [{"library_id": library, "source_ref": aid, "revision": 1}],
                "created_at": created.isoformat(),
                "updated_at": created.isoformat(),
            },
        }
    )


def sent_rows(source) -> list:
    """The digests_sent rows, from an engine or a runtime's digests database."""
    engine = source if hasattr(source, "connect") else source.databases.engine("digests")
    with engine.connect() as connection:
        return connection.execute(select(digests_sent).order_by(digests_sent.c.coordinator_id)).all()


async def settled(runtime: Runtime) -> bool:
    """Every due message processed and every recorded digest out of the sender's hands."""
    info = await runtime.js.consumer_info("DIGESTS", "digests")
    rows = await asyncio.to_thread(sent_rows, runtime)
    return info.num_pending == 0 and info.num_ack_pending == 0 and all(r.status == "sent" for r in rows)


async def wait_settled(runtime: Runtime, timeout: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await settled(runtime):
        if loop.time() > deadline:
            raise AssertionError("digests did not settle")
        await asyncio.sleep(0.1)


def settings(tmp_path: Path, nats_url: str, smtp_port: int) -> Settings:
    return Settings(
        data_dir=tmp_path / "data", nats_url=nats_url, smtp_url=f"smtp://127.0.0.1:{smtp_port}", mail_from=SENDER
    )


async def test_due_message_delivered_twice_sends_one_mail_per_coordinator_and_period_in_scope(
    nats_server, mailbox, tmp_path
) -> None:
    box, port = mailbox
    runtime = Runtime(
        settings=settings(tmp_path, nats_server.url, port), alliance=ALLIANCE, services=["quotas", "digests"], web=False
    )
    await runtime.start()
    try:
        until = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
        since = until - timedelta(days=1)
        created = since + timedelta(hours=3)
        events = [
            canonical("a-jn", "jn-sp1", "双桥河镇农家书屋读书会", created, until + timedelta(days=2)),
            canonical("a-tz", "tz", "滕州经典导读：《论语》", created, until + timedelta(days=3)),
        ]
        for event in events:
            await runtime.publisher.publish(
                canonical_subject(event.type.value), event.message_id(), event.model_dump_json().encode()
            )
        # dedup asks for two reviews; a coordinator decides the second one
        pairs = [(("jn-sp1", "a-jn"), ("jn", "x-1")), (("tz", "a-tz"), ("central", "x-2"))]
        for event, (source, other) in zip(events, pairs, strict=True):
            review = event.model_copy(update={"type": CanonicalEventType.review_needed})
            await runtime.publisher.publish(
                canonical_subject("review-needed"),
                f"review:{review_id(source, other)}",
                review.model_dump_json().encode(),
            )
        decision = ReviewDecision.model_validate(
            {
                "source": {"library_id": "tz", "source_ref": "a-tz"},
                "other": {"library_id": "central", "source_ref": "x-2"},
                "decision": "apart",
                "coordinator_id": "office",
            }
        )
        await runtime.publisher.publish(
            decided_subject("office"), decision.message_id(), decision.model_dump_json().encode()
        )
        await eventually(lambda: projection_counts(runtime) == (2, 2, 1), what="the projections")
        await wait_until_processed(runtime.js, timeout=30, streams=(CANONICAL_STREAM,))  # the quotas service too

        office = DigestDue(coordinator_id="office", period="2026-W48", due_at=until, since=since)
        jn = DigestDue(coordinator_id="jn-office", period="2026-11-23", due_at=until, since=since)
        for due, msg_id in [
            (office, office.message_id()),
            (jn, jn.message_id()),
            (jn, jn.message_id()),  # the same message again: dropped by the broker
            (jn, "digest:jn-office:2026-11-23:redelivered"),  # again under another id
            (office, "digest:office:2026-W48:redelivered"),
        ]:
            await runtime.publisher.publish(DIGEST_DUE, msg_id, due.model_dump_json().encode())
        await wait_settled(runtime)
    finally:
        await runtime.stop()

    assert len(box.messages) == 2
    (to_office,) = box.to("office@example.org")
    (to_jn,) = box.to("tuiguang@jn.example.org")
    assert to_jn["Subject"].startswith("测试阅读推广联盟 · 日报 2026-11-23（")
    jn_text = to_jn.get_body(("plain",)).get_content()
    assert "双桥河镇农家书屋读书会" in jn_text and "滕州" not in jn_text  # 津南's subtree only
    assert "== 待审核的疑似重复活动 (1) ==" in jn_text
    assert "每年读书会4场以上: 1 / 4 [#####...............] 25%" in jn_text  # the quotas service's figures
    office_text = to_office.get_body(("plain",)).get_content()
    assert "== 待审核的疑似重复活动 (1) ==" in office_text  # the decided one no longer waits
    assert office_text.count("每年读书会4场以上: 1 / 4") == 2  # 双桥河镇 and 滕州
    office_html = to_office.get_body(("html",)).get_content()
    assert "双桥河镇农家书屋读书会" in office_html and "滕州经典导读：《论语》" in office_html
    assert to_office["Message-ID"] == "<digest.office.2026-W48@test.shuxiang.invalid>"


def projection_counts(runtime: Runtime) -> tuple[int, ...]:
    """(activities, reviews, of which decided) in the digests' projection."""
    with runtime.databases.engine("digests").connect() as connection:
        return (
            connection.scalar(select(func.count()).select_from(digests_activity)),
            connection.scalar(select(func.count()).select_from(digests_review)),
            connection.scalar(
                select(func.count()).select_from(digests_review).where(digests_review.c.decided_at.is_not(None))
            ),
        )


async def test_scheduler_restarted_mid_period_fires_nothing_again(nats_server, mailbox, tmp_path) -> None:
    box, port = mailbox
    config = settings(tmp_path, nats_server.url, port)
    runtime = Runtime(settings=config, alliance=ALLIANCE, services=["scheduler", "digests"], web=False)
    await runtime.start()
    try:
        await eventually(lambda: len(box.messages) == 3, what="the first digests")
        await wait_settled(runtime)
    finally:
        await runtime.stop()
    assert sorted(r for rcpt in box.recipients for r in rcpt) == [
        "liaison@example.org",
        "office@example.org",
        "tuiguang@jn.example.org",
    ]

    restarted_at = datetime.now(UTC)
    runtime = Runtime(settings=config, alliance=ALLIANCE, services=["scheduler", "digests"], web=False)
    await runtime.start()
    try:
        engine = runtime.databases.engine("scheduler")

        def checked_since_restart() -> bool:
            with engine.connect() as connection:
                return connection.scalar(select(scheduler_lease.c.renewed_at)) >= restarted_at

        await eventually(checked_since_restart, what="the scheduler's check after the restart")
        await wait_settled(runtime)
        with engine.connect() as connection:
            assert len(connection.execute(select(scheduler_fired)).all()) == 3
    finally:
        await runtime.stop()
    assert len(box.messages) == 3
    liaison = box.to("liaison@example.org")[0]
    assert liaison["Subject"].startswith("Test Reading Alliance · Weekly digest ")


# ------------------------------------------------------------------ the sender on its own


@pytest.fixture(params=["sqlite", "postgresql"])
def digests_engine(request, tmp_path: Path):
    url = sqlite_url(tmp_path, "digests") if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    metadata.create_all(engine, tables=list(TABLES))
    yield engine
    engine.dispose()


NOW = datetime(2026, 11, 23, 0, 0, 5, tzinfo=UTC)


def record(engine, coordinator_id: str = "office", period: str = "2026-W48") -> None:
    due = DigestDue(
        coordinator_id=coordinator_id, period=period, due_at=NOW - timedelta(seconds=5), since=NOW - timedelta(days=7)
    )
    with engine.begin() as connection:
        assert record_digest(connection, DigestConfig(alliance=ALLIANCE, sender_address=SENDER), due, NOW)
        assert not record_digest(connection, DigestConfig(alliance=ALLIANCE, sender_address=SENDER), due, NOW)


def test_a_caught_up_digest_is_dated_when_written_and_from_the_alliance_in_its_language(digests_engine) -> None:
    """shuxiang was down over Friday: Monday's catch-up of the liaison's Friday digest was dated
    Friday (mail clients filed it three days back) and came from 测试阅读推广联盟 in English."""
    friday = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    monday = friday + timedelta(days=3, minutes=2)
    config = DigestConfig(alliance=ALLIANCE)  # no SHUXIANG_MAIL_FROM
    with digests_engine.begin() as connection:
        for coordinator_id in ("liaison", "office"):
            due = DigestDue(
                coordinator_id=coordinator_id, period="catch-up", due_at=friday, since=friday - timedelta(days=7)
            )
            assert record_digest(connection, config, due, monday)
    mails = {
        row.coordinator_id: message_from_bytes(row.eml, policy=policy.default) for row in sent_rows(digests_engine)
    }
    assert {who: parsedate_to_datetime(m["Date"]) for who, m in mails.items()} == {"liaison": monday, "office": monday}
    assert mails["liaison"]["From"].addresses[0].display_name == "Test Reading Alliance"
    assert mails["office"]["From"].addresses[0].display_name == "测试阅读推广联盟"
    assert mails["office"]["From"].addresses[0].addr_spec == "digests@test.shuxiang.invalid"


def sender(engine, port: int, url: str | None = None) -> DigestSender:
    transport = SmtpTransport(SmtpConfig.from_url(url or f"smtp://127.0.0.1:{port}?timeout=5"))
    return DigestSender(engine=engine, transport=transport, sender_address="digests@example.org", worker="w1")


def test_smtp_refusal_is_retried_with_backoff_and_sent_once(mailbox, digests_engine) -> None:
    box, port = mailbox
    box.refuse = 2
    record(digests_engine)
    worker = sender(digests_engine, port)
    assert worker.send_due(NOW) == 0
    (row,) = sent_rows(digests_engine)
    assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 1, NOW + timedelta(seconds=30))
    assert "451" in row.last_error
    assert worker.send_due(NOW + timedelta(seconds=29)) == 0  # not before its time
    assert box.attempts == 1
    assert worker.send_due(NOW + timedelta(seconds=30)) == 0  # refused again: now a minute
    (row,) = sent_rows(digests_engine)
    assert (row.attempts, row.next_attempt_at) == (2, NOW + timedelta(seconds=90))
    assert worker.send_due(NOW + timedelta(seconds=90)) == 1
    assert worker.send_due(NOW + timedelta(hours=2)) == 0
    (row,) = sent_rows(digests_engine)
    assert (row.status, row.attempts, box.attempts, len(box.messages)) == ("sent", 3, 3, 1)


def test_server_down_is_retried_later(digests_engine) -> None:
    record(digests_engine)
    worker = sender(digests_engine, free_loopback_port())  # nothing listens there
    assert worker.send_due(NOW) == 0
    (row,) = sent_rows(digests_engine)
    assert row.status == "pending" and "cannot connect" in row.last_error


def test_a_send_interrupted_by_a_crash_is_never_repeated(mailbox, digests_engine) -> None:
    box, port = mailbox
    record(digests_engine)
    with digests_engine.begin() as connection:  # the state a crash after claiming leaves behind
        connection.execute(update(digests_sent).values(status="sending", claimed_at=NOW, claimed_by="dead", attempts=1))
    worker = sender(digests_engine, port)
    assert worker.recover(NOW + timedelta(minutes=5)) == 0  # might still be sending: leave it
    assert worker.recover(NOW + timedelta(minutes=11)) == 1
    assert worker.send_due(NOW + timedelta(hours=1)) == 0
    (row,) = sent_rows(digests_engine)
    assert row.status == "uncertain"
    assert box.attempts == 0


class DropAfterData(threading.Thread):
    """A mail server that takes the whole message, then drops the connection without replying."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.received = 0

    def run(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            with connection, connection.makefile("rb") as reader:
                connection.sendall(b"220 test ESMTP\r\n")
                for line in reader:
                    verb = line[:4].upper()
                    if verb in (b"EHLO", b"HELO"):
                        connection.sendall(b"250 test\r\n")
                    elif verb == b"DATA":
                        connection.sendall(b"354 go ahead\r\n")
                        for body_line in reader:
                            if body_line == b".\r\n":
                                break
                        self.received += 1
                        break  # the message is in: hang up before saying so
                    else:
                        connection.sendall(b"250 ok\r\n")

    def close(self) -> None:
        self.listener.close()


def test_connection_lost_after_the_message_is_uncertain_and_not_resent(digests_engine) -> None:
    server = DropAfterData()
    server.start()
    try:
        record(digests_engine)
        worker = sender(digests_engine, server.port)
        assert worker.send_due(NOW) == 0
        assert worker.send_due(NOW + timedelta(hours=2)) == 0
    finally:
        server.close()
    (row,) = sent_rows(digests_engine)
    assert row.status == "uncertain" and "connection lost" in row.last_error
    assert server.received == 1


@pytest.fixture
def tls_files(tmp_path: Path) -> tuple[Path, Path]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_starttls_and_login(tls_files, digests_engine) -> None:
    cert, key = tls_files
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    box = Mailbox()

    def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"office" and auth_data.password == b"s3cr et"
        if ok:
            box.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)

    port = free_loopback_port()
    controller = Controller(
        box,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticate,
        auth_required=True,
    )
    controller.start()
    try:
        record(digests_engine)
        wrong = sender(digests_engine, port, f"smtp://office:nope@127.0.0.1:{port}?starttls=1&verify=0&timeout=5")
        assert wrong.send_due(NOW) == 0
        (row,) = sent_rows(digests_engine)
        assert row.status == "pending" and "535" in row.last_error
        right = sender(digests_engine, port, f"smtp://office:s3cr%20et@127.0.0.1:{port}?starttls=1&verify=0&timeout=5")
        assert right.send_due(NOW + timedelta(minutes=1)) == 1
    finally:
        controller.stop()
    assert box.logins == ["office"]
    assert len(box.messages) == 1
    assert box.messages[0]["Subject"].startswith("测试阅读推广联盟 · 周报 2026-W48")


def test_smtp_url_mistakes_are_explained() -> None:
    with pytest.raises(ValueError, match="scheme must be smtp:// or smtps://"):
        SmtpConfig.from_url("http://mail.example.org")
    with pytest.raises(ValueError, match="unknown option"):
        SmtpConfig.from_url("smtp://mail.example.org?startls=1")
    config = SmtpConfig.from_url("smtps://u%40x:p%3Aw@mail.example.org")
    assert (config.port, config.implicit_tls, config.username, config.password) == (465, True, "u@x", "p:w")
