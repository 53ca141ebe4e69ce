"""Sign-up on the web (real SQLite, the registrations handlers applying what the web published):
the activity page's form with its privacy note, the API, the reader's status page and cancel link,
and clear refusals in zh-CN and English — a phone that is no phone, a full session (waitlist, and
the reader is told), a past activity, a cancelled one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
import sqlalchemy as sa

from shuxiang.alliance import load_alliance
from shuxiang.db import Databases
from shuxiang.events.consumer import Delivery, UnitOfWork
from shuxiang.schemas import CanonicalActivity, CanonicalEvent
from shuxiang.services.plan import ServiceContext
from shuxiang.services.registrations.handlers import (
    RegistrationsContext,
    handle_cancelled,
    handle_canonicals,
    handle_checked_in,
    handle_erased,
    handle_rated,
    handle_requested,
    held_back,
)
from shuxiang.services.registrations.keys import KeyStore
from shuxiang.services.registrations.tables import NAME
from shuxiang.settings import Settings
from shuxiang.web import create_app

from .auth_support import add_account, create_all_tables, signed_in
from .dedup_support import TEST_ALLIANCE
from .test_digest_delivery import mailbox  # noqa: F401  (the aiosmtpd fixture)

ACTIVITY = "0193a1b2-c3d4-8e5f-8a6b-7c8d9e0f1a2b"


class Applying:
    """A publisher that hands each message to the registrations handlers at once (log order)."""

    def __init__(self, context: ServiceContext) -> None:
        self.context = context
        self.engine = context.databases.engine(NAME)
        self.here = RegistrationsContext(tz=context.alliance.tz, keys=KeyStore.of(context.databases))
        self.sent: list[tuple[str, str]] = []
        self.log: list[Delivery] = []  # every message as the broker would keep it, canonical ones too
        self.derived: list[dict] = []  # what the handlers put in the outbox
        self.seq = 0

    async def publish(self, subject: str, msg_id: str, payload: bytes) -> int:
        self.seq += 1
        self.sent.append((subject, msg_id))
        delivery = Delivery(
            subject=subject,
            data=payload,
            headers={"Nats-Msg-Id": msg_id},
            stream_seq=self.seq,
            timestamp=datetime.now(UTC),
        )
        self.log.append(delivery)
        self.apply(delivery)
        return self.seq

    def apply(self, delivery: Delivery) -> None:
        subject = delivery.subject
        if subject.startswith("shuxiang.canonical."):
            with self.engine.begin() as connection:
                handle_canonicals(self.here, [delivery], UnitOfWork(connection, "registrations-canonical"))
            return
        handler = {
            "requested": handle_requested,
            "cancelled": handle_cancelled,
            "checked-in": handle_checked_in,
            "erased": handle_erased,
            "rated": handle_rated,
        }.get(subject.split(".")[2])
        if handler is not None:
            with self.engine.begin() as connection:
                uow = UnitOfWork(connection, "registrations-test")
                held_back(handler)(self.here, delivery, uow)  # as the service wires them
                self.derived += uow._outbox

    def replay(self) -> None:
        """What ``shuxiang replay`` does to this service: its tables dropped and rebuilt, then the log
        consumed again in order, at the messages' own times."""
        from shuxiang.replay import reset_tables
        from shuxiang.services.registrations.service import build

        reset_tables(self.context.databases, [build(self.context)])
        self.engine = self.context.databases.engine(NAME)
        for delivery in self.log:
            self.apply(delivery)

    def canonical(self, **changes) -> None:
        start = (datetime.now(UTC) + timedelta(days=5)).replace(microsecond=0, second=0)
        body = {
            "id": ACTIVITY,
            "version": 1,
            "status": "scheduled",
            "title": "沽上讲堂",
            "category": "lecture",
            "starts_at": start,
            "ends_at": start + timedelta(hours=2),
            "venue": {"name": "报告厅"},
            "organizers": [{"library_id": "jn", "role": "host"}],
            "capacity": 2,
            "sources": [{"library_id": "jn", "source_ref": "talk-1", "revision": 1}],
            "created_at": datetime.now(UTC),
            "updated_at": datetime.now(UTC),
        } | changes
        event = CanonicalEvent(type="updated", activity=CanonicalActivity(**body), occurred_at=datetime.now(UTC))
        self.seq += 1
        delivery = Delivery(
            subject="shuxiang.canonical.updated",
            data=event.model_dump_json().encode(),
            headers={},
            stream_seq=self.seq,
            timestamp=datetime.now(UTC),
        )
        self.last = delivery
        self.log.append(delivery)
        self.apply(delivery)


def _web(tmp_path, database_url: str | None = None):
    context = ServiceContext(
        settings=Settings(data_dir=tmp_path, database_url=database_url),
        alliance=load_alliance(TEST_ALLIANCE),
        databases=Databases(data_dir=tmp_path, database_url=database_url),
    )
    create_all_tables(context)
    if database_url:  # what migration 0008 makes (the key store is in no plan's tables)
        from shuxiang.services.registrations.tables import KEY_TABLES

        context.databases.create_tables("registrations-keys", KEY_TABLES)
    app = create_app(context)
    app.state.publisher = Applying(context)
    for name in ("jn", "tz"):
        add_account(app, context, name, "library")
    return app, context


@pytest.fixture
def web(tmp_path):
    app, context = _web(tmp_path)
    yield app, app.state.publisher
    context.databases.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_web(request, tmp_path):
    """``web`` on SQLite files, and on a fresh PostgreSQL schema."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    app, context = _web(tmp_path, url)
    yield app, app.state.publisher
    context.databases.dispose()


def client(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_sign_up_waitlist_and_cancel_through_the_api(web) -> None:
    app, bus = web
    bus.canonical(capacity=2)
    url = f"/api/v1/activities/{ACTIVITY}/registrations"
    async with client(app) as http:
        answers = [await http.post(url, json={"name": f"读者{n}", "phone": f"1380000000{n}"}) for n in range(3)]
        assert [a.status_code for a in answers] == [202, 202, 202]
        assert [a.json()["expected"] for a in answers] == ["confirmed", "confirmed", "waitlisted"]
        assert "waitlist" in answers[2].json()["notice"] and "候补" in answers[2].json()["notice"]
        states = [(await http.get(f"/api/v1/registrations/{a.json()['token']}")).json() for a in answers]
        assert [s["state"] for s in states] == ["confirmed", "confirmed", "waitlisted"]
        assert states[2]["position"] == 1
        again = await http.post(url, json={"name": "读者0", "phone": "138 0000 0000"})
        assert again.status_code == 409 and "已经报名" in again.text and "already registered" in again.text
        # the first cancels through the link of its status page: the waitlisted reader gets the place
        page = await http.get(f"/registrations/{answers[0].json()['token']}")
        assert "报名成功" in page.text and states[0]["code"] in page.text and "<svg" in page.text
        # a waitlisted reader has no code to show at the door yet: it comes with a place
        waiting = await http.get(f"/registrations/{answers[2].json()['token']}")
        assert "候补" in waiting.text and 'class="code"' not in waiting.text and "<svg" not in waiting.text
        assert states[2]["code"] not in waiting.text and "名额确认后" in waiting.text
        waiting = await http.get(f"/registrations/{answers[2].json()['token']}?lang=en")
        assert "Check-in code:" not in waiting.text and "when a place is confirmed" in waiting.text
        http.cookies.clear()
        cancelled = await http.post(f"/registrations/{answers[0].json()['token']}/cancel")
        assert cancelled.status_code == 303
        after = [(await http.get(f"/api/v1/registrations/{a.json()['token']}")).json()["state"] for a in answers]
        assert after == ["cancelled", "confirmed", "confirmed"]
        promoted = await http.get(f"/registrations/{answers[2].json()['token']}")  # now it has its code
        assert states[2]["code"] in promoted.text and "<svg" in promoted.text


async def test_the_api_promises_no_place_it_has_not_decided(web, monkeypatch) -> None:
    """Sign-ups for the last place arriving together: each answer's ``expected`` is the decision
    (``confirmed`` for one, ``waitlisted`` for the others), or ``pending`` while the registrations
    service has not made it — never ``confirmed`` for a reader who then waits."""
    import asyncio

    from shuxiang.services.registrations import web as registrations_web

    app, bus = web
    bus.canonical(capacity=1)
    url = f"/api/v1/activities/{ACTIVITY}/registrations"
    async with client(app) as http:
        bodies = [{"name": f"读者{n}", "phone": f"1380000000{n}"} for n in range(3)]
        answers = await asyncio.gather(*(http.post(url, json=body) for body in bodies))
        assert [a.status_code for a in answers] == [202, 202, 202]
        states = [(await http.get(f"/api/v1/registrations/{a.json()['token']}")).json()["state"] for a in answers]
        assert sorted(states) == ["confirmed", "waitlisted", "waitlisted"]
        assert [a.json()["expected"] for a in answers] == states
        # a service slower than the answer: nothing is promised, the reader is told where to look
        monkeypatch.setattr(registrations_web, "WAIT_FOR_DECISION", 0.2)
        held: list = []
        apply = bus.apply
        monkeypatch.setattr(bus, "apply", held.append)
        later = [
            (await http.post(url, json=body | {"phone": f"1390000000{n}"})).json() for n, body in enumerate(bodies)
        ]
        assert [answer["expected"] for answer in later] == ["pending", "pending", "pending"]
        assert "尚未确定" in later[0]["notice"] and "not decided yet" in later[0]["notice"]
        for delivery in held:
            apply(delivery)
        states = [(await http.get(f"/api/v1/registrations/{a['token']}")).json()["state"] for a in later]
        assert states == ["waitlisted", "waitlisted", "waitlisted"]  # the place was taken


async def test_the_activity_page_offers_the_form_with_the_purpose_of_the_data(web, tmp_path) -> None:
    app, bus = web
    bus.canonical(capacity=30)
    from shuxiang.services.calendar import service as calendar

    context = ServiceContext(
        settings=Settings(data_dir=tmp_path),
        alliance=load_alliance(TEST_ALLIANCE),
        databases=Databases(data_dir=tmp_path),
    )
    consumer = calendar.build(context).consumers[0]
    with context.databases.engine(calendar.NAME).begin() as connection:
        consumer.apply([bus.last], UnitOfWork(connection, consumer.name))
    context.databases.dispose()
    async with client(app) as http:
        page = await http.get(f"/activities/{ACTIVITY}")
        english = await http.get(f"/activities/{ACTIVITY}?lang=en")
    assert "个人信息保护法" in page.text and "余 30 个名额" in page.text and 'name="consent"' in page.text
    assert f'action="/activities/{ACTIVITY}/register"' in page.text
    assert "Personal Information Protection Law" in english.text and "30 places left" in english.text


@pytest.mark.parametrize(
    ("setup", "body", "status", "zh", "en"),
    [
        ({}, {"name": "读者", "phone": "12345"}, 422, "不是有效的手机号", "is not a mobile number"),
        ({}, {"name": "读者", "email": "reader@example"}, 422, "格式不对", "is not an e-mail address"),
        ({}, {"name": "读者"}, 422, "请留下手机号或电子邮箱", "give a phone number or an e-mail"),
        ({"status": "cancelled"}, {"name": "读者", "phone": "13800000000"}, 409, "活动已取消", "is cancelled"),
        ({"days": -1}, {"name": "读者", "phone": "13800000000"}, 409, "已经开始或结束", "already started or ended"),
        ({"capacity": None}, {"name": "读者", "phone": "13800000000"}, 404, "不接受在线报名", "takes no sign-ups"),
        (
            {"recurrence": "FREQ=WEEKLY;COUNT=3"},
            {"name": "读者", "phone": "13800000000"},
            422,
            "请选择场次（`session` 字段",
            "choose a session (the `session` field",
        ),
    ],
)
async def test_bad_sign_ups_are_refused_clearly_in_both_languages(web, setup, body, status, zh, en) -> None:
    app, bus = web
    changes = dict(setup)
    if "days" in changes:
        start = (datetime.now(UTC) + timedelta(days=changes.pop("days"))).replace(microsecond=0, second=0)
        changes |= {"starts_at": start, "ends_at": start + timedelta(hours=2)}
    if changes.get("capacity", 1) is None:
        bus.canonical(capacity=5)
        changes["version"] = 2
    bus.canonical(**changes)
    async with client(app) as http:
        answer = await http.post(f"/api/v1/activities/{ACTIVITY}/registrations", json=body)
        assert answer.status_code == status, answer.text
        assert zh in answer.text and en in answer.text
        form = await http.post(
            f"/activities/{ACTIVITY}/register",
            data={"name": body["name"], "contact": body.get("phone") or body.get("email") or "", "consent": "1"},
        )
        assert form.status_code == status and form.text.count(zh) == 1 and en not in form.text  # once, in Chinese
        english = await http.post(
            f"/activities/{ACTIVITY}/register?lang=en",
            data={"name": body["name"], "contact": body.get("phone") or body.get("email") or "", "consent": "1"},
        )
        assert english.status_code == status and en in english.text and zh not in english.text
    assert not [s for s, _ in bus.sent if ".requested." in s]  # nothing refused reached the broker


async def test_a_sign_up_without_a_name_or_with_a_made_up_session_is_told_in_the_reader_s_words(web) -> None:
    app, bus = web
    bus.canonical(capacity=5)
    url = f"/activities/{ACTIVITY}/register"
    async with client(app) as http:
        nameless = await http.post(url, data={"name": "", "contact": "13800000000", "consent": "1"})
        assert nameless.status_code == 422 and nameless.text.count("姓名：请填写") == 1
        made_up = await http.post(url, data={"name": "读者", "contact": "13800000000", "consent": "1", "session": "x"})
        assert made_up.status_code == 422 and "请从列表中选择场次" in made_up.text
        english = await http.post(url + "?lang=en", data={"name": "", "contact": "13800000000", "consent": "1"})
        assert "name: fill it in" in english.text and "请填写" not in english.text
    for page in (nameless, made_up, english):
        assert "String should" not in page.text and "valid datetime" not in page.text  # pydantic's own words


async def test_a_name_or_contact_too_long_comes_back_as_the_form_said_by_the_field(web) -> None:
    """A name of 201 characters, a contact of 301, a session of 65: the page (not FastAPI's JSON
    422 in English echoing the input), the form again with the message by the field in the page's
    language, and what was typed kept only within the form's bounds."""
    app, bus = web
    bus.canonical(capacity=5)
    url = f"/activities/{ACTIVITY}/register"
    cases = (
        ({"name": "长" * 201, "contact": "13800000000"}, "name", "长" * 41),
        ({"name": "读者", "contact": "1" * 301}, "contact", "1" * 255),
        ({"name": "读者", "contact": "a" * 300 + "@example.org"}, "contact", "a" * 255),
        ({"name": "读者", "contact": "13800000000", "session": "2" * 65}, "session", "2" * 65),
    )
    async with client(app) as http:
        for data, field, echo in cases:
            for query, words in (
                ("?lang=zh-CN", ("最多", "请从列表中选择场次")),
                ("?lang=en", ("at most", "choose a session")),
            ):
                page = await http.post(url + query, data=data | {"consent": "1"})
                assert page.status_code == 422 and page.headers["content-type"].startswith("text/html"), page.text
                assert f'id="{field}-error"' in page.text and any(w in page.text for w in words), (field, query)
                assert "string_too_long" not in page.text and echo not in page.text
                assert ("最多" in page.text) is (query != "?lang=en" and field != "session")
    assert not [s for s, _ in bus.sent if ".requested." in s]


async def test_confirmation_promotion_and_reminder_mail_through_the_digests_smtp_transport(web, mailbox) -> None:  # noqa: F811 (the fixture)
    from shuxiang.services.digests.transport import SmtpConfig, SmtpTransport
    from shuxiang.services.registrations.mail import ReaderMail

    box, port = mailbox
    app, bus = web
    bus.canonical(capacity=1)
    url = f"/api/v1/activities/{ACTIVITY}/registrations"
    async with client(app) as http:
        first = (await http.post(url, json={"name": "张三", "email": "zhang@example.org"})).json()
        second = (await http.post(url, json={"name": "Li Si", "email": "li@example.org", "lang": "en"})).json()
        await http.post(f"/registrations/{first['token']}/cancel")
    mail = ReaderMail(
        engine=bus.engine,
        transport=SmtpTransport(SmtpConfig(host="127.0.0.1", port=port)),
        sender_address="联盟 <office@example.org>",
        public_url="https://books.example.org",
        tz=bus.here.tz,
    )
    now = datetime.now(UTC)
    assert mail.send_due(now) == 3  # confirmed (张三), waitlisted and then promoted (Li Si)
    assert mail.send_due(now) == 0  # each once
    assert mail.remind(now) == 0  # the session is days ahead
    subjects = sorted(str(m["Subject"]) for m in box.messages)
    assert subjects == ["A place freed up for you: 沽上讲堂", "On the waitlist: 沽上讲堂", "报名成功：沽上讲堂"]
    promoted = next(m for m in box.messages if str(m["Subject"]).startswith("A place"))
    body = promoted.get_content()
    assert f"https://books.example.org/registrations/{second['token']}" in body and "Check-in code" in body
    # the day before: a reminder for the confirmed reader only (张三 cancelled), once however often checked
    session = session_of(app, second["token"])
    assert mail.remind(session - timedelta(days=2)) == 0
    assert mail.remind(session - timedelta(hours=20)) == 1
    assert mail.remind(session - timedelta(hours=19)) == 0
    assert mail.send_due(session - timedelta(hours=20)) == 1
    reminder = box.messages[-1]
    assert str(reminder["Subject"]) == "See you tomorrow: 沽上讲堂" and str(reminder["To"]) == "li@example.org"
    # mail a replay makes again for old sign-ups is not sent: readers had theirs when they signed up
    with bus.engine.begin() as connection:
        connection.execute(sa.text("UPDATE registrations_mail SET sent_at = NULL, claimed_at = NULL"))
    assert mail.send_due(session + timedelta(days=1)) == 0
    assert len(box.messages) == 4


def session_of(app, token: str) -> datetime:
    from shuxiang.services.registrations import store

    return store.entry(app.state.publisher.engine, token).session


async def test_staff_check_in_by_code_and_walk_ins_become_the_hosts_attendance_report(web) -> None:
    import json

    app, bus = web
    bus.canonical(capacity=5)
    async with client(app) as http:
        tokens = [
            (
                await http.post(f"/api/v1/activities/{ACTIVITY}/registrations", json={"name": name, "phone": phone})
            ).json()["token"]
            for name, phone in (("张三", "13800000001"), ("李四", "13800000002"))
        ]
        codes = [(await http.get(f"/api/v1/registrations/{t}")).json()["code"] for t in tokens]
        page_url = f"/activities/{ACTIVITY}/check-in"
        assert (await http.get(page_url, headers={"accept": "text/html"})).status_code == 303  # a login first
        cookies, csrf = signed_in(app, "tz")  # not an organiser of this activity
        http.cookies.update(cookies)
        assert (await http.get(page_url)).status_code == 403
        assert (await http.get(f"/activities/{ACTIVITY}/registrations.csv")).status_code == 403
        http.cookies.clear()
        cookies, csrf = signed_in(app, "jn")
        http.cookies.update(cookies)
        assert (await http.post(page_url, data={"code": codes[0]})).status_code == 403  # no CSRF token
        done = await http.post(page_url, data={"code": codes[0].lower(), "csrf_token": csrf})
        assert done.status_code == 200 and "张三 签到成功" in done.text
        unknown = await http.post(page_url, data={"code": "AAAAAAAA", "csrf_token": csrf})
        assert unknown.status_code == 404 and "AAAAAAAA" in unknown.text
        bad = await http.post(page_url, data={"code": "no!", "csrf_token": csrf})
        assert bad.status_code == 422
        walk_ins = await http.post(page_url, data={"walk_ins": "7", "csrf_token": csrf})
        assert walk_ins.status_code == 200 and "7" in walk_ins.text
        state = (await http.get(f"/api/v1/registrations/{tokens[0]}")).json()
        assert state["checked_in"] is True
        listing = await http.get(f"/activities/{ACTIVITY}/registrations.csv")
        assert listing.status_code == 200 and listing.headers["content-type"].startswith("text/csv")
        lines = listing.text.lstrip("\ufeff").splitlines()
        assert lines[0].startswith("session,seq,state,name,phone")
        assert "张三,13800000001" in lines[1] and lines[1].count(",") == 7 and lines[1].split(",")[-1]  # checked in
        assert "李四,13800000002" in lines[2] and lines[2].endswith(",")  # not (yet)
        http.cookies.clear()
        assert (await http.get(f"/activities/{ACTIVITY}/registrations.csv")).status_code == 401
    reports = [json.loads(row["payload"]) for row in bus.derived if row["subject"] == "shuxiang.activity.reported.jn"]
    assert [r["participants"] for r in reports] == [1, 8]  # 张三, then 张三 and seven walk-ins
    assert reports[-1]["source_ref"] == "talk-1" and reports[-1]["held"] is True


async def test_retention_erases_personal_data_after_the_window_and_the_figures_stay(web) -> None:
    from shuxiang.services.registrations import store
    from shuxiang.services.registrations.retention import erase_expired

    app, bus = web
    bus.canonical(capacity=1)
    async with client(app) as http:
        tokens = [
            (
                await http.post(
                    f"/api/v1/activities/{ACTIVITY}/registrations", json={"name": name, "email": f"{n}@example.org"}
                )
            ).json()["token"]
            for n, name in enumerate(("张三", "李四", "王五"))
        ]
        code = (await http.get(f"/api/v1/registrations/{tokens[0]}")).json()["code"]
        cookies, csrf = signed_in(app, "jn")
        http.cookies.update(cookies)
        await http.post(f"/activities/{ACTIVITY}/check-in", data={"code": code, "csrf_token": csrf})
        http.cookies.clear()
        # a reader asks for erasure: cancelled (the waitlist moves up) and erased at once
        page = await http.get(f"/registrations/{tokens[1]}")
        assert "删除我的个人信息" in page.text
        erased = await http.post(f"/registrations/{tokens[1]}/erase")
        assert erased.status_code == 200 and "个人信息已删除" in erased.text
        # the link shows nothing of it any more, and nothing can be done with it
        gone = await http.get(f"/registrations/{tokens[1]}")
        assert gone.status_code == 410 and "已删除" in gone.text
        assert "沽上讲堂" not in gone.text and "场次" not in gone.text and "<form" not in gone.text
        for action in ("cancel", "erase", "rate"):
            refused = await http.post(f"/registrations/{tokens[1]}/{action}", data={"score": "5"})
            assert refused.status_code == 410 and "已删除" in refused.text, action
        english = await http.get(f"/registrations/{tokens[1]}?lang=en")
        assert english.status_code == 410 and "This sign-up was erased" in english.text and "已删除" not in english.text
        http.cookies.clear()
        api = await http.get(f"/api/v1/registrations/{tokens[1]}")
        assert api.status_code == 410 and api.json()["state"] == "erased" and "session" not in api.json()
    assert store.entry(bus.engine, tokens[1]).state == "cancelled" and store.entry(bus.engine, tokens[1]).name is None
    before = store.counts(bus.engine, ACTIVITY)
    session = store.entry(bus.engine, tokens[0]).session
    days = load_alliance(TEST_ALLIANCE).registration_retention_days
    assert days == 30
    assert await erase_expired(bus.engine, bus, session + timedelta(days=days), days) == 0  # not yet
    assert store.entry(bus.engine, tokens[0]).name == "张三"
    assert await erase_expired(bus.engine, bus, session + timedelta(days=days + 2), days) == 1
    with bus.engine.connect() as connection:
        left = connection.execute(
            sa.text(
                "SELECT count(*) FROM registrations_entry WHERE name IS NOT NULL "
                "OR phone IS NOT NULL OR email IS NOT NULL OR token IS NOT NULL"
            )
        ).scalar()
    assert left == 0
    assert store.counts(bus.engine, ACTIVITY) == before  # the figures stay: confirmed, checked in
    assert list(before.values())[0]["checked_in"] == 1
    assert store.entry(bus.engine, tokens[0]).state == "confirmed"
    assert await erase_expired(bus.engine, bus, session + timedelta(days=days + 3), days) == 0  # done once


async def test_ratings_after_the_session_reach_the_brand_page_as_a_satisfaction_rate(web, tmp_path) -> None:
    from shuxiang.services.brands import service as brands

    app, bus = web
    bus.canonical(capacity=10, brand_id="gushang")
    context = ServiceContext(
        settings=Settings(data_dir=tmp_path),
        alliance=load_alliance(TEST_ALLIANCE),
        databases=Databases(data_dir=tmp_path),
    )
    consumer = next(c for c in brands.build(context).consumers if c.filter_subject.startswith("shuxiang.canonical"))
    with context.databases.engine(brands.NAME).begin() as connection:
        consumer.apply([bus.last], UnitOfWork(connection, consumer.name))
    context.databases.dispose()
    async with client(app) as http:
        tokens = [
            (
                await http.post(
                    f"/api/v1/activities/{ACTIVITY}/registrations", json={"name": f"读者{n}", "phone": f"1390000000{n}"}
                )
            ).json()["token"]
            for n in range(4)
        ]
        early = await http.post(f"/registrations/{tokens[0]}/rate", data={"score": "5"})
        assert (
            early.status_code == 409 and "活动开始后" in early.text and "once the session has begun" not in early.text
        )
        assert "评价未成功" in early.text and "报名未成功" not in early.text  # the rating is refused, not the sign-up
        early = await http.post(f"/registrations/{tokens[0]}/rate?lang=en", data={"score": "5"})
        assert "Rating not accepted" in early.text and "once the session has begun" in early.text
        assert "活动开始后" not in early.text and "Sign-up not accepted" not in early.text
        http.cookies.clear()  # (the English page set the language cookie)
        with bus.engine.begin() as connection:  # the session has taken place
            connection.execute(
                sa.text("UPDATE registrations_entry SET session = :past"),
                {"past": datetime.now(UTC) - timedelta(hours=5)},
            )
        page = await http.get(f"/registrations/{tokens[0]}")
        assert "您对本次活动满意吗" in page.text
        bad = await http.post(f"/registrations/{tokens[0]}/rate", data={"score": "9"})
        assert bad.status_code == 422 and "请从五项中选择一项" in bad.text and 'id="score-error"' in bad.text
        # the rating form comes back, said by the field in the page's language: never the framework's JSON
        for data, field in (({"score": "abc"}, "score"), ({"score": "4", "comment": "好" * 2001}, "comment")):
            for query, words in (
                ("?lang=zh-CN", ("请从五项中选择一项", "最多 500 个字")),
                ("?lang=en", ("choose one", "at most 500")),
            ):
                sent = await http.post(f"/registrations/{tokens[0]}/rate{query}", data=data)
                assert sent.status_code == 422 and sent.headers["content-type"].startswith("text/html")
                assert f'id="{field}-error"' in sent.text and any(w in sent.text for w in words)
                assert "string_too_long" not in sent.text and "好" * 501 not in sent.text
        http.cookies.clear()
        for token, score in zip(tokens, (5, 4, 2, 5), strict=True):
            answer = await http.post(f"/registrations/{token}/rate", data={"score": str(score), "comment": "很好"})
            assert answer.status_code == 303
        await http.post(f"/registrations/{tokens[2]}/rate", data={"score": "4"})  # a later rating replaces it
        with bus.engine.connect() as connection:  # the comment reached the table, opened with the key
            comments = connection.execute(sa.text("SELECT comment FROM registrations_entry")).scalars().all()
        assert comments.count("很好") == 3  # the fourth was replaced by a rating without one
        assert not [d for d in bus.log if "很好".encode() in d.data]  # sealed in the log
        today = datetime.now(UTC).date().isoformat()
        brand = (await http.get(f"/api/v1/brands/gushang?today={today}")).json()
        assert brand["satisfaction"] == {"rated": 4, "satisfied": 4, "rate": 1.0}
        html = (await http.get(f"/brands/gushang?today={today}")).text
        assert "100%" in html and "读者满意度" in html


async def _phone_only_sign_ups(app, bus) -> list[dict]:
    """Capacity 1: 张三 (zh-CN) gets the place, Li Si (English) waits, 张三 cancels: Li Si is promoted."""
    bus.canonical(capacity=1)
    url = f"/api/v1/activities/{ACTIVITY}/registrations"
    async with client(app) as http:
        first = (await http.post(url, json={"name": "张三", "phone": "138 0000 0001"})).json()
        second = (await http.post(url, json={"name": "Li Si", "phone": "13800000002", "lang": "en"})).json()
        await http.post(f"/registrations/{first['token']}/cancel")
    return [first, second]


def _texting_mail(bus, tmp_path):
    """The reader mail sender as the embedded runtime has it: e-mail to the outbox folder, texts to
    the SMS outbox; and that outbox."""
    from shuxiang.services.digests.transport import OutboxFolder
    from shuxiang.services.registrations.mail import ReaderMail
    from shuxiang.services.registrations.sms import SmsOutbox

    texts = SmsOutbox(tmp_path / "sms-outbox")
    mail = ReaderMail(
        engine=bus.engine,
        transport=OutboxFolder(tmp_path / "outbox"),
        sender_address="office@example.org",
        public_url="https://books.example.org",
        tz=bus.here.tz,
        sms=texts,
    )
    return mail, texts


async def test_phone_only_readers_get_texts_in_the_sms_outbox_in_their_language(web, tmp_path) -> None:
    import json

    app, bus = web
    first, second = await _phone_only_sign_ups(app, bus)
    mail, texts = _texting_mail(bus, tmp_path)
    now = datetime.now(UTC)
    assert mail.send_due(now) == 3 and mail.send_due(now) == 0  # confirmed, waitlisted, promoted; each once
    assert not (tmp_path / "outbox").exists()  # no e-mail for phone-only readers
    sent = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(texts.directory.glob("*.json"))}
    assert len(sent) == 3
    by_to = sorted((m["to"], m["text"]) for m in sent.values())
    assert (
        by_to[0][0] == "13800000001" and by_to[0][1].startswith("张三，您已报名“沽上讲堂”") and "签到码" in by_to[0][1]
    )
    english = [text for to, text in by_to if to == "13800000002"]
    assert any(t.startswith('Li Si: "沽上讲堂"') and "waitlist" in t for t in english)
    promoted = next(t for t in english if "a place freed up" in t)
    assert f"https://books.example.org/registrations/{second['token']}" in promoted and "Code " in promoted
    assert all(len(m["text"]) <= 190 for m in sent.values())  # short: a link (~93 characters, ?lang=en) and a line
    # the day before: a reminder text for the confirmed reader only (张三 cancelled)
    session = session_of(app, second["token"])
    assert mail.remind(session - timedelta(hours=20)) == 1
    assert mail.send_due(session - timedelta(hours=20)) == 1
    reminder = json.loads(texts.path(f"{_entry_id(bus, second)}:reminder").read_text(encoding="utf-8"))
    assert reminder["to"] == "13800000002" and reminder["text"].startswith('Li Si: "沽上讲堂" is tomorrow')
    assert mail.remind(session - timedelta(hours=2)) == 0  # once


def _entry_id(bus, answer: dict) -> str:
    from shuxiang.schemas.registration import token_hash

    with bus.engine.connect() as connection:
        return connection.execute(
            sa.text("SELECT id FROM registrations_entry WHERE token_hash = :h"), {"h": token_hash(answer["token"])}
        ).scalar_one()


class Relay:
    """A real HTTP server on loopback standing in for the alliance's SMS relay: it answers as told
    (``fail``: the next answers' status codes; ``slow``: seconds to wait before answering)."""

    def __init__(self) -> None:
        import http.server
        import json
        import threading

        relay = self
        self.received: list[tuple[dict, dict]] = []
        self.fail: list[int] = []
        self.slow = 0.0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                import time

                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if relay.slow:
                    time.sleep(relay.slow)
                status = relay.fail.pop(0) if relay.fail else 200
                if status == 200:
                    relay.received.append((dict(self.headers), body))
                payload = b'{"ok": true}' if status == 200 else b'{"error": "provider down"}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


async def test_texts_through_an_http_gateway_that_fails_are_kept_and_retried_never_lost(web, tmp_path) -> None:
    """The gateway first unreachable (connection refused), then answering 503, then too slow (a
    timeout), then well: every text is kept and tried again after a growing pause, none is lost or
    sent twice by us, nothing raises; the relay gets the token, an idempotency key and the JSON."""
    import time

    from shuxiang.services.digests.transport import OutboxFolder
    from shuxiang.services.registrations.mail import ReaderMail
    from shuxiang.services.registrations.sms import SmsGateway

    app, bus = web
    first, second = await _phone_only_sign_ups(app, bus)
    relay = Relay()
    relay.server.server_close()  # its port closed: connection refused
    mail = ReaderMail(
        engine=bus.engine,
        transport=OutboxFolder(tmp_path / "outbox"),
        sender_address="office@example.org",
        public_url="https://books.example.org",
        tz=bus.here.tz,
        sms=SmsGateway(relay.url, token="s3cret", timeout=0.5),
    )
    now = datetime.now(UTC)
    assert mail.send_due(now) == 0
    pending = mail.pending()
    assert len(pending) == 3 and all(p["sent_at"] is None and p["attempts"] == 1 for p in pending)
    assert all("SMS gateway" in p["error"] for p in pending)
    assert mail.send_due(now + timedelta(seconds=10)) == 0  # pausing: not hammered
    assert [p["attempts"] for p in mail.pending()] == [1, 1, 1]

    relay = Relay()
    relay.start()
    try:
        # a timeout long enough that a loaded machine's slow answer is still the relay's 503
        mail.sms = SmsGateway(relay.url, token="s3cret", timeout=5.0)
        relay.fail = [503, 503, 503]
        assert mail.send_due(now + timedelta(seconds=31)) == 0  # the provider is down behind the relay
        assert [p["attempts"] for p in mail.pending()] == [2, 2, 2]
        assert all("503" in p["error"] for p in mail.pending())
        assert mail.send_due(now + timedelta(seconds=80)) == 0  # the second pause is 60 s
        mail.sms = SmsGateway(relay.url, token="s3cret", timeout=0.5)
        relay.slow = 1.0
        assert mail.send_due(now + timedelta(seconds=92)) == 0  # a timeout: kept (the relay may dedupe)
        assert [p["attempts"] for p in mail.pending()] == [3, 3, 3]
        time.sleep(1.2)  # the relay finishes the answers the client gave up on
        relay.slow = 0.0
        timed_out = len(relay.received)  # the slow answers were accepted after all: the key says so
        assert mail.send_due(now + timedelta(minutes=4)) == 3
        assert mail.pending() == [] and mail.send_due(now + timedelta(hours=1)) == 0
        bodies = [body for _, body in relay.received[timed_out:]]
        assert sorted(b["to"] for b in bodies) == ["13800000001", "13800000002", "13800000002"]
        headers = relay.received[-1][0]
        assert headers["Authorization"] == "Bearer s3cret" and headers["Idempotency-Key"] == relay.received[-1][1]["id"]
        keys = [body["id"] for _, body in relay.received]
        assert len(set(keys)) == 3  # a retried text carries the same key as its first try
        # the day before, the reminder: the relay fails once more, the reminder still arrives, once
        session = session_of(app, second["token"])
        relay.fail = [502]
        day_before = session - timedelta(hours=20)
        assert mail.remind(day_before) == 1 and mail.send_due(day_before) == 0
        assert mail.send_due(day_before + timedelta(seconds=31)) == 1
        reminder = relay.received[-1][1]
        assert reminder["to"] == "13800000002" and reminder["text"].startswith('Li Si: "沽上讲堂" is tomorrow')
        assert mail.send_due(day_before + timedelta(hours=1)) == 0 and mail.pending() == []
    finally:
        relay.stop()


PERSONAL_DATA = ("张三", "李四", "王五", "13800000001", "13800000003", "li@example.org", "真不错")


def everything_stored(tmp_path, databases: Databases | None = None) -> str:
    """Every value of every registrations table (every SQLite file, or the PostgreSQL schema), as one text."""
    import sqlite3

    out = []
    if databases is not None and databases.database_url:
        engine = databases.engine(NAME)
        with engine.connect() as connection:
            for table in sa.inspect(engine).get_table_names():
                if table.startswith("registrations"):
                    for row in connection.execute(sa.text(f'SELECT * FROM "{table}"')):
                        out.append(" ".join(str(v) for v in row))
        return "\n".join(out)
    for path in sorted((tmp_path / "db").glob("registrations*.sqlite3")):
        with sqlite3.connect(path) as db:
            for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
                for row in db.execute(f'SELECT * FROM "{table}"'):
                    out.append(" ".join(str(v) for v in row))
    return "\n".join(out)


async def test_erasure_shreds_the_key_so_a_replay_brings_no_personal_data_back(any_web, tmp_path) -> None:
    """Crypto-shredding: the sign-ups' names and contacts reach the log sealed; a replay before any
    erasure restores them (the keys survive replay); the reader's erase request and the retention job
    delete the keys; a replay after that brings no personal data back into any table, the log's
    messages no longer open, and the figures (states, places, check-ins) are the same."""
    import json

    from shuxiang.schemas.registration import RegistrationRequest
    from shuxiang.services.registrations import store
    from shuxiang.services.registrations.retention import erase_expired

    app, bus = any_web
    databases = bus.context.databases
    bus.canonical(capacity=2)
    url = f"/api/v1/activities/{ACTIVITY}/registrations"
    async with client(app) as http:
        tokens = [
            (await http.post(url, json=body)).json()["token"]
            for body in (
                {"name": "张三", "phone": "13800000001"},
                {"name": "李四", "email": "li@example.org"},
                {"name": "王五", "phone": "13800000003"},  # waitlisted
            )
        ]
        code = (await http.get(f"/api/v1/registrations/{tokens[0]}")).json()["code"]
        cookies, csrf = signed_in(app, "jn")
        http.cookies.update(cookies)
        await http.post(f"/activities/{ACTIVITY}/check-in", data={"code": code, "csrf_token": csrf})
        http.cookies.clear()
    log_text = "\n".join(d.data.decode() for d in bus.log)
    assert not [p for p in PERSONAL_DATA if p in log_text]  # the log holds them sealed only
    sealed = [RegistrationRequest.model_validate_json(d.data) for d in bus.log if ".requested." in d.subject]
    assert len(sealed) == 3 and all(r.sealed and r.name is None and r.phone is None for r in sealed)
    assert bus.here.keys.open_request(sealed[0])["name"] == "张三"
    # the person key in the clear is keyed: a phone number cannot be found from it by guessing
    import hashlib

    plain = hashlib.sha256(f"{ACTIVITY}|13800000001".encode()).hexdigest()
    assert sealed[0].person and sealed[0].person != plain
    other_replica = KeyStore.of(databases)  # the same secret for every replica: the same person key
    assert (
        other_replica.person_key(
            RegistrationRequest(activity_id=ACTIVITY, token="x" * 43, name="张三", phone="13800000001"),
            datetime.now(UTC),
        )
        == sealed[0].person
    )

    def state() -> tuple:
        entries = tuple((store.entry(bus.engine, t).state, store.entry(bus.engine, t).checked_in) for t in tokens)
        return entries, store.counts(bus.engine, ACTIVITY)

    bus.replay()  # before any erasure: everything back, names included (the keys are kept by replay)
    assert store.entry(bus.engine, tokens[0]).name == "张三" and store.entry(bus.engine, tokens[2]).name == "王五"
    assert [row["phone"] for row in store.host_list(bus.engine, ACTIVITY)][:1] == ["13800000001"]

    async with client(app) as http:  # 李四 asks for erasure (cancelled too: 王五 moves up)
        assert (await http.post(f"/registrations/{tokens[1]}/erase")).status_code == 200
    assert bus.here.keys.open_request(sealed[1]) == {"name": None, "phone": None, "email": None}
    assert bus.here.keys.open_request(sealed[0])["name"] == "张三"  # the others' keys stay
    session = store.entry(bus.engine, tokens[0]).session
    days = load_alliance(TEST_ALLIANCE).registration_retention_days
    assert await erase_expired(bus.engine, bus, session + timedelta(days=days + 2), days) == 1
    figures = state()
    assert figures[0] == (("confirmed", True), ("cancelled", False), ("confirmed", False))
    assert not [p for p in PERSONAL_DATA if p in everything_stored(tmp_path, databases)]

    bus.replay()  # after erasure: the log's sign-ups come back without anyone in them
    assert state() == figures
    stored = everything_stored(tmp_path, databases)
    assert not [p for p in PERSONAL_DATA if p in stored]
    assert all(store.entry(bus.engine, t).name is None for t in tokens)
    assert all(bus.here.keys.open_request(r) == {"name": None, "phone": None, "email": None} for r in sealed)
    with bus.engine.connect() as connection:
        left = connection.execute(
            sa.text(
                "SELECT count(*) FROM registrations_entry WHERE name IS NOT NULL OR phone IS NOT NULL OR email IS NOT NULL"
            )
        ).scalar()
        assert left == 0
    assert json.loads(bus.log[1].data)["sealed"]  # the log itself is unchanged: the message is there, unreadable


async def test_sign_ups_that_come_before_their_activity_wait_for_it_and_decide_the_same(web) -> None:
    """A replay rebuilds CANONICAL while the sign-ups, cancels and check-ins are already in the log,
    so they reach the service before their activity: parked, then applied in log order at their own
    times when it arrives — the same states as the first time (not "unknown activity" refusals)."""
    from shuxiang.replay import reset_tables
    from shuxiang.services.registrations import store
    from shuxiang.services.registrations.service import build

    app, bus = web
    bus.canonical(capacity=2)
    url = f"/api/v1/activities/{ACTIVITY}/registrations"
    async with client(app) as http:
        tokens = [
            (await http.post(url, json={"name": f"读者{n}", "phone": f"1380000000{n}"})).json()["token"]
            for n in range(3)
        ]
        await http.post(f"/registrations/{tokens[0]}/cancel")  # the waitlisted third moves up
        code = (await http.get(f"/api/v1/registrations/{tokens[1]}")).json()["code"]
        cookies, csrf = signed_in(app, "jn")
        http.cookies.update(cookies)
        await http.post(f"/activities/{ACTIVITY}/check-in", data={"code": code, "csrf_token": csrf})

    def state() -> tuple:
        entries = [store.entry(bus.engine, t) for t in tokens]
        return [(e.state, e.checked_in, e.name) for e in entries], store.counts(bus.engine, ACTIVITY)

    first = state()
    assert [s for s, _, _ in first[0]] == ["cancelled", "confirmed", "confirmed"] and first[0][1][1] is True
    reports = len(bus.derived)
    reset_tables(bus.context.databases, [build(bus.context)])
    bus.engine = bus.context.databases.engine(NAME)
    registrations = [d for d in bus.log if d.subject.startswith("shuxiang.registration.")]
    for delivery in registrations:  # SUBMISSIONS first: the activity is not known yet
        bus.apply(delivery)
    assert store.entry(bus.engine, tokens[0]) is None  # waiting, not refused
    for delivery in bus.log:
        if delivery.subject.startswith("shuxiang.canonical."):
            bus.apply(delivery)
    assert state() == first
    assert bus.derived[-1]["payload"] == bus.derived[reports - 1]["payload"]  # the same attendance report
    with bus.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM registrations_parked")).scalar() == 0


async def test_a_moved_activity_takes_its_sign_ups_along_and_a_cancelled_one_tells_its_readers(web, tmp_path) -> None:
    """The library moves the activity 14:00 → 15:00: the readers signed up go with it (their status
    page shows the new time, a text tells them), its places still hold (one place: a second reader
    waits, where the new time used to take as many again); then it is cancelled: they are told,
    their page says it will not take place, and no reminder follows."""
    import json

    app, bus = web
    start = (datetime.now(UTC) + timedelta(days=5)).replace(hour=6, minute=0, second=0, microsecond=0)
    bus.canonical(capacity=1, starts_at=start, ends_at=start + timedelta(hours=2))
    url = f"/api/v1/activities/{ACTIVITY}/registrations"
    async with client(app) as http:
        first = (await http.post(url, json={"name": "读者甲", "phone": "13600136001"})).json()
        later = start + timedelta(hours=1)
        bus.canonical(capacity=1, version=2, starts_at=later, ends_at=later + timedelta(hours=2))
        second = (await http.post(url, json={"name": "读者乙", "phone": "13600136002"})).json()
        assert [first["expected"], second["expected"]] == ["confirmed", "waitlisted"]
        assert (await http.get(f"/api/v1/registrations/{second['token']}")).json()["state"] == "waitlisted"
        mine = (await http.get(f"/api/v1/registrations/{first['token']}")).json()
        assert (mine["state"], datetime.fromisoformat(mine["starts_at"]), mine["called_off"]) == (
            "confirmed",
            later,
            False,
        )
        page = (await http.get(f"/registrations/{first['token']}")).text
        assert later.astimezone(bus.here.tz).strftime("%Y-%m-%d %H:%M") in page
    mail, texts = _texting_mail(bus, tmp_path)
    now = datetime.now(UTC)
    mail.send_due(now)
    moved = json.loads(texts.path(f"{_entry_id(bus, first)}:moved:v2").read_text(encoding="utf-8"))
    when = later.astimezone(bus.here.tz).strftime("%m-%d %H:%M")
    assert moved["to"] == "13600136001" and "已调整为" in moved["text"] and when in moved["text"]

    bus.canonical(capacity=1, version=3, status="cancelled", starts_at=later, ends_at=later + timedelta(hours=2))
    mail.send_due(now)
    for reader in (first, second):
        told = json.loads(texts.path(f"{_entry_id(bus, reader)}:called_off:v3").read_text(encoding="utf-8"))
        assert "已被图书馆取消" in told["text"]
    async with client(app) as http:
        page = (await http.get(f"/registrations/{first['token']}")).text
        assert "图书馆已取消这一场次" in page and "签到码" not in page
    assert mail.remind(later - timedelta(hours=20)) == 1 and mail.send_due(later - timedelta(hours=20)) == 0
    assert not texts.path(f"{_entry_id(bus, first)}:reminder").exists()


async def test_a_moved_session_of_a_series_is_announced_at_its_own_venue(web, tmp_path) -> None:
    """A series in the children's reading room whose second session moves to the lecture hall, a day
    later: its readers' confirmation text, waitlist e-mail and status page name the lecture hall; and
    when the library then moves the third session there too, the "moved" text and e-mail (Chinese and
    English) say so — never the series' own room."""
    import json
    from email import message_from_bytes, policy

    app, bus = web
    start = (datetime.now(UTC) + timedelta(days=5)).replace(hour=1, minute=30, second=0, microsecond=0)
    week = timedelta(days=7)
    hall = {"name": "津南区图书馆报告厅"}

    def override(n: int) -> dict:
        moved = start + n * week + timedelta(days=1, hours=4, minutes=30)
        return {"recurrence_id": start + n * week, "starts_at": moved, "ends_at": moved + timedelta(hours=1)}

    series = {
        "capacity": 1,
        "starts_at": start,
        "ends_at": start + timedelta(hours=1),
        "recurrence": "FREQ=WEEKLY;COUNT=3",
        "venue": {"name": "津南区图书馆少儿阅览室"},
    }
    bus.canonical(**series, overrides=[override(1) | {"venue": hall}])
    url = f"/api/v1/activities/{ACTIVITY}/registrations"
    async with client(app) as http:
        second = (start + week).isoformat()
        texted = (await http.post(url, json={"name": "张三", "phone": "13800000001", "session": second})).json()
        mailed = (await http.post(url, json={"name": "李四", "email": "li@example.org", "session": second})).json()
        third = (start + 2 * week).isoformat()
        zh = (await http.post(url, json={"name": "王五", "email": "wang@example.org", "session": third})).json()
        en = await http.post(url, json={"name": "Li Si", "phone": "13800000004", "session": third, "lang": "en"})
        en = en.json()
        page = (await http.get(f"/registrations/{texted['token']}")).text
    assert "报告厅" in page and "少儿阅览室" not in page
    mail, texts = _texting_mail(bus, tmp_path)
    now = datetime.now(UTC)
    assert mail.send_due(now) == 4
    confirmed = json.loads(texts.path(f"{_entry_id(bus, texted)}:confirmed").read_text(encoding="utf-8"))
    assert "报告厅" in confirmed["text"] and "少儿阅览室" not in confirmed["text"]

    def mails() -> dict[str, str]:
        out = {}
        for path in sorted((tmp_path / "outbox").rglob("*.eml")):
            message = message_from_bytes(path.read_bytes(), policy=policy.default)
            out[path.stem.replace("_", ":")] = message.get_content()
        return out

    waitlisted = mails()[f"{_entry_id(bus, mailed)}:waitlisted"]
    assert "报告厅" in waitlisted and "少儿阅览室" not in waitlisted
    # the library moves the third session to the hall as well: its readers are told where, in their language
    bus.canonical(**series, version=2, overrides=[override(1) | {"venue": hall}, override(2) | {"venue": hall}])
    assert mail.send_due(now) == 2
    moved = json.loads(texts.path(f"{_entry_id(bus, en)}:moved:v2").read_text(encoding="utf-8"))
    assert moved["text"].startswith("Li Si: the library changed") and "报告厅" in moved["text"]
    assert "少儿阅览室" not in moved["text"]
    told = mails()[f"{_entry_id(bus, zh)}:moved:v2"]
    assert "报告厅" in told and "少儿阅览室" not in told
    # another room, at the same time: that is news to its readers as well
    room = override(2) | {"venue": {"name": "津南区图书馆多功能厅"}}
    bus.canonical(**series, version=3, overrides=[override(1) | {"venue": hall}, room])
    assert mail.send_due(now) == 2
    moved = json.loads(texts.path(f"{_entry_id(bus, en)}:moved:v3").read_text(encoding="utf-8"))
    assert "多功能厅" in moved["text"]
    # the reminder comes the day before the session as it is now — not a day and a half early, by
    # the start the rule gave it — and names the hall too; a session moved after its readers signed
    # up (the third) likewise
    second_now = start + week + timedelta(days=1, hours=4, minutes=30)
    third_now = second_now + week
    assert mail.remind(start + week - timedelta(hours=10)) == 0
    assert mail.remind(second_now - timedelta(hours=10)) == 1
    assert mail.send_due(second_now - timedelta(hours=10)) == 1
    reminder = json.loads(texts.path(f"{_entry_id(bus, texted)}:reminder").read_text(encoding="utf-8"))
    assert "报告厅" in reminder["text"] and "少儿阅览室" not in reminder["text"]
    assert mail.remind(start + 2 * week - timedelta(hours=10)) == 0
    assert mail.remind(third_now - timedelta(hours=10)) == 1


async def test_a_reader_who_signed_up_in_english_is_sent_links_to_english_pages(web, tmp_path) -> None:
    """Signed up on the English page: the links of their e-mail and texts carry ``?lang=en``, and
    their status page is English even on a link without it (an older message); a Chinese reader's
    links stay plain."""
    import json
    from email import message_from_bytes, policy

    app, bus = web
    bus.canonical(capacity=5)
    async with client(app) as http:
        form = await http.post(
            f"/activities/{ACTIVITY}/register?lang=en",
            data={"name": "Li Si", "contact": "li@example.org", "consent": "1"},
        )
        assert form.status_code == 303
        token = form.headers["location"].split("/")[-1].split("?")[0]
        api = (
            await http.post(
                f"/api/v1/activities/{ACTIVITY}/registrations",
                json={"name": "Ann", "phone": "13800000002", "lang": "en"},
            )
        ).json()
        assert api["status_url"] == f"/registrations/{api['token']}?lang=en"
        chinese = (
            await http.post(
                f"/api/v1/activities/{ACTIVITY}/registrations", json={"name": "张三", "phone": "13800000003"}
            )
        ).json()
        plain = await http.get(f"/registrations/{token}")
        assert plain.status_code == 303 and plain.headers["location"] == f"/registrations/{token}?lang=en"
        http.cookies.clear()
        page = await http.get(f"/registrations/{token}", follow_redirects=True)
        assert "You have a place" in page.text and "报名成功" not in page.text
        assert (await http.get(f"/registrations/{chinese['token']}")).status_code == 200  # Chinese: as it was
    mail, texts = _texting_mail(bus, tmp_path)
    assert mail.send_due(datetime.now(UTC)) == 3
    (eml,) = (tmp_path / "outbox").rglob("*.eml")
    body = message_from_bytes(eml.read_bytes(), policy=policy.default).get_content()
    assert f"https://books.example.org/registrations/{token}?lang=en" in body
    assert f"https://books.example.org/activities/{ACTIVITY}?lang=en" in body
    english = texts.path(f"{_entry_id(bus, api)}:confirmed").read_text(encoding="utf-8")
    assert f"/registrations/{api['token']}?lang=en" in english
    zh = json.loads(texts.path(f"{_entry_id(bus, chinese)}:confirmed").read_text(encoding="utf-8"))
    assert zh["text"].endswith(f"/registrations/{chinese['token']}")  # no language: Chinese
