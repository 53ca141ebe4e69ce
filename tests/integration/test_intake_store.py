"""Intake against real databases (SQLite, PostgreSQL) and a real nats-server: accounts, the consumer that
keeps each library's list, and the scheduled pull of a member's ICS calendar over HTTP."""

from __future__ import annotations

import http.server
import threading
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import select

from shuxiang.alliance import parse_alliance
from shuxiang.db import Databases
from shuxiang.events.consumer import Delivery, UnitOfWork
from shuxiang.events.outbox import OutboxRelay
from shuxiang.events.publish import Publisher
from shuxiang.events.streams import SUBMISSIONS_STREAM, ensure_streams, submitted_subject
from shuxiang.events.tables import EVENT_TABLES, outbox
from shuxiang.schemas import ActivitySubmission
from shuxiang.services.intake.accounts import COORDINATOR, LIBRARY, AccountError, AccountStore
from shuxiang.services.intake.pull import pull_all
from shuxiang.services.intake.service import NAME, handle_submitted
from shuxiang.services.intake.store import get_activity, record_submission, record_submissions
from shuxiang.services.intake.tables import TABLES
from tests.conftest import DATA, TEST_ALLIANCE, submission

T0 = datetime(2026, 4, 1, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgres"])
def databases(request, tmp_path: Path):
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    dbs = Databases(data_dir=tmp_path, database_url=url)
    dbs.create_tables(NAME, TABLES + EVENT_TABLES)
    yield dbs
    dbs.dispose()


def test_accounts_hash_passwords_and_tokens_and_reset_ends_them(databases: Databases) -> None:
    store = AccountStore(databases.engine(NAME))
    jn = store.add("jn", LIBRARY)
    office = store.add("office", COORDINATOR)
    assert jn.token.startswith("shx_jn_") and office.token.startswith("shx_office_")  # coordinators' API too
    with pytest.raises(AccountError, match="already has an account"):
        store.add("jn", LIBRARY)
    with databases.engine(NAME).connect() as connection:
        stored = connection.exec_driver_sql(
            "SELECT password_hash, token_hash FROM intake_account WHERE name='jn'"
        ).one()
    assert stored.password_hash.startswith("$argon2id$") and jn.password not in stored.password_hash
    assert jn.token not in stored.token_hash

    assert store.authenticate("jn", jn.password).name == "jn"
    assert store.authenticate("jn", office.password) is None
    assert store.authenticate("nobody", jn.password) is None
    assert store.by_token(jn.token).name == "jn"
    assert store.by_token(jn.token + "x") is None and store.by_token("Bearer") is None

    renewed = store.reset("jn", password=False, token=True)
    assert store.by_token(jn.token) is None and store.by_token(renewed.token).name == "jn"
    before = store.get("jn").session_epoch
    fresh = store.reset("jn")
    assert store.authenticate("jn", jn.password) is None and store.authenticate("jn", fresh.password)
    assert store.get("jn").session_epoch == before + 1
    assert store.by_token(office.token).kind == COORDINATOR
    assert store.by_token(store.reset("office", password=False, token=True).token).name == "office"
    assert store.by_token(office.token) is None


def delivery(body: dict, seq: int, subject: str | None = None) -> Delivery:
    payload = ActivitySubmission.model_validate(body).model_dump_json().encode()
    return Delivery(
        subject=subject or submitted_subject(body["library_id"]),
        data=payload,
        headers={},
        stream_seq=seq,
        timestamp=datetime(2026, 4, 1, tzinfo=UTC),
    )


def test_the_consumer_keeps_the_newest_revision_of_every_announcement(databases: Databases) -> None:
    engine = databases.engine(NAME)
    with engine.begin() as connection:
        uow = UnitOfWork(connection, NAME)
        handle_submitted([delivery(submission("jn", "a", revision=2, title="第二版"), 1)], uow)
        handle_submitted([delivery(submission("jn", "a", revision=1, title="第一版"), 2)], uow)
        handle_submitted([delivery(submission("jn", "b"), 3, subject=submitted_subject("tz"))], uow)  # not tz's
    with engine.connect() as connection:
        held = get_activity(connection, "jn", "a")
        assert (held.revision, held.submission.title, held.channel) == (2, "第二版", "broker")
        assert get_activity(connection, "jn", "b") is None


def test_a_batch_of_announcements_ends_as_if_recorded_one_after_another(databases: Databases) -> None:
    engine = databases.engine(NAME)
    with engine.begin() as connection:
        held = ActivitySubmission.model_validate(submission("jn", "held", revision=3, title="已有"))
        record_submission(connection, held, channel="form", at=T0)
    batch = [
        delivery(submission("jn", "a", revision=2, title="a 第二版"), 1),
        delivery(submission("jn", "a", revision=1, title="a 第一版"), 2),  # older, later in the log
        delivery(submission("jn", "a", revision=3, title="a 第三版"), 3),
        delivery(submission("jn", "held", revision=2, title="旧的"), 4),  # older than the row held
        delivery(submission("jn", "held", revision=4, title="新的"), 5),
        delivery(submission("jn", "held", revision=4, title="同一版"), 6),  # the same revision again
        delivery(submission("tz", "x"), 7, subject=submitted_subject("jn")),  # not jn's: not kept
        Delivery(subject=submitted_subject("jn"), data=b"{", headers={}, stream_seq=8, timestamp=T0),
    ]
    with engine.begin() as connection:
        handle_submitted(batch, UnitOfWork(connection, NAME))
    with engine.connect() as connection:
        a, held = get_activity(connection, "jn", "a"), get_activity(connection, "jn", "held")
        assert (a.revision, a.submission.title, a.channel) == (3, "a 第三版", "broker")
        assert (held.revision, held.submission.title, held.channel) == (4, "新的", "form")  # its first channel
        assert get_activity(connection, "tz", "x") is None
    with engine.begin() as connection:  # a redelivered batch changes nothing
        again = ActivitySubmission.model_validate(submission("jn", "a", revision=3, title="?"))
        assert record_submissions(connection, [(again, T0)], channel="api") == set()


@pytest.fixture
def calendar_site(tmp_path: Path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "tz.ics").write_bytes((DATA / "intake" / "member.ics").read_bytes())
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", tmp_path / "site"
    server.shutdown()


async def test_a_members_calendar_is_pulled_through_the_outbox_once_per_revision(
    tmp_path, nats_server, calendar_site
) -> None:
    import nats

    base, site = calendar_site
    text = TEST_ALLIANCE.read_text(encoding="utf-8").replace(
        'name_en = "Tengzhou Library"', f'name_en = "Tengzhou Library"\nics_url = "{base}/tz.ics"'
    )
    text = text.replace('id = "jn-b1"', f'id = "jn-b1"\nics_url = "{base}/missing.ics"')
    alliance = parse_alliance(text)
    databases = Databases(data_dir=tmp_path / "data")
    databases.create_tables(NAME, TABLES + EVENT_TABLES)
    engine = databases.engine(NAME)

    [result] = await pull_all(engine, alliance)  # jn-b1's calendar is missing (404): logged, skipped
    assert (result.library_id, result.queued, result.unchanged, result.problems) == ("tz", 3, 0, [])

    connection = await nats.connect(nats_server.url)
    try:
        js = connection.jetstream()
        await ensure_streams(js)
        relay = OutboxRelay(NAME, engine, Publisher(js))
        assert await relay.flush() == 3
        info = await js.stream_info(SUBMISSIONS_STREAM.name)
        assert info.state.messages == 3
        subscription = await js.pull_subscribe(submitted_subject("tz"), durable="check")
        messages = await subscription.fetch(3, timeout=5)
        with engine.begin() as db:  # what the intake consumer does with them
            for msg in messages:
                handle_submitted([Delivery.from_msg(msg)], UnitOfWork(db, NAME))
                await msg.ack()

        [again] = await pull_all(engine, alliance)
        assert (again.queued, again.unchanged) == (0, 3)  # nothing new: nothing published

        (site / "tz.ics").write_text(
            (DATA / "intake" / "member.ics")
            .read_text(encoding="utf-8")
            .replace("LAST-MODIFIED:20260301T080000Z", "LAST-MODIFIED:20260305T080000Z")
            .replace("《论语》导读", "《孟子》导读"),
            encoding="utf-8",
        )
        [changed] = await pull_all(engine, alliance)
        assert (changed.queued, changed.unchanged) == (1, 2)
        with engine.connect() as db:
            [row] = db.execute(select(outbox.c.subject, outbox.c.payload)).all()
        assert row.subject == submitted_subject("tz")
        assert ActivitySubmission.model_validate_json(row.payload).title == "空中文化大讲堂：《孟子》导读"
    finally:
        await connection.close()
        databases.dispose()
