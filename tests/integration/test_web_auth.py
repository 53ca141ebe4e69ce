"""Every state-changing route of the web app, found by walking FastAPI's route table, refuses an
anonymous request, a cross-site form post and a signed-in form post without its CSRF token; the
coordinators' routes act as the signed-in coordinator, inside its scope (real SQLite, a recording
publisher: nothing refused may reach the broker)."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi.routing import APIRoute

from shuxiang.alliance import Coordinator, load_alliance
from shuxiang.db import Databases
from shuxiang.services.plan import ServiceContext
from shuxiang.settings import Settings
from shuxiang.web import create_app

from .auth_support import add_account, create_all_tables, signed_in
from .dedup_support import TEST_ALLIANCE

EVIL = "https://evil.example"


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def publish(self, subject: str, msg_id: str, payload: bytes) -> None:
        self.sent.append((subject, msg_id))


@pytest.fixture
def web(tmp_path):
    alliance = load_alliance(TEST_ALLIANCE)
    alliance = alliance.model_copy(
        update={
            "coordinators": [
                *alliance.coordinators,
                Coordinator(id="jn-office", name="津南区馆", email="jn@example.org", scope="jn"),
            ]
        }
    )
    context = ServiceContext(
        settings=Settings(data_dir=tmp_path), alliance=alliance, databases=Databases(data_dir=tmp_path)
    )
    create_all_tables(context)
    app = create_app(context)
    app.state.publisher = Recorder()
    for name, kind in (("jn", "library"), ("office", "coordinator"), ("jn-office", "coordinator")):
        add_account(app, context, name, kind)
    yield app, context
    context.databases.dispose()


def api_routes(routes, prefix: str = ""):
    """The app's routes, the included routers' too (FastAPI keeps those behind a wrapper)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif hasattr(route, "original_router"):
            yield from api_routes(route.original_router.routes, prefix + route.include_context.prefix)


def state_changing(app) -> list[tuple[str, str]]:
    found = []
    for path, route in api_routes(app.routes):
        for method in sorted(route.methods - {"GET", "HEAD", "OPTIONS"}):
            found.append((method, re.sub(r"\{[^}]+\}", "x", path)))
    return found


PUBLIC_WRITES = {
    ("POST", "/activities/x/register"),
    ("POST", "/api/v1/activities/x/registrations"),
    ("POST", "/registrations/x/cancel"),
    ("POST", "/registrations/x/erase"),
    ("POST", "/registrations/x/rate"),
}
"""A reader signs up and cancels without an account (the cancel link's token is the credential):
these refuse cross-site posts like every route, and junk without publishing anything."""


def refused(response: httpx.Response) -> bool:
    if response.status_code == 303:
        return response.headers["location"].startswith("/submit/login")
    return response.status_code in (401, 403)


async def test_every_state_changing_route_refuses_anonymous_cross_site_and_csrf_less_requests(web) -> None:
    app, _ = web
    routes = state_changing(app)
    assert PUBLIC_WRITES <= set(routes)
    for expected in [
        ("POST", "/dedup/reviews/x"),
        ("POST", "/api/v1/dedup/reviews/x/decision"),
        ("POST", "/api/v1/brands"),
        ("POST", "/brands/new"),
        ("PUT", "/api/v1/brands/links/x"),
        ("POST", "/api/v1/activities"),
        ("POST", "/submit/new"),
        ("POST", "/submit/logout"),
    ]:
        assert expected in routes
    library_cookies, _ = signed_in(app, "jn")
    coordinator_cookies, _ = signed_in(app, "office")
    form = {
        "decision": "merge",
        "id": "x1",
        "name": "讲",
        "library_id": "jn",
        "category": "lecture",
        "keywords": "讲",
        "title": "t",
        "username": "jn",
        "password": "p",
    }
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        for method, path in routes:
            anonymous = await client.request(method, path, json={"decision": "merge", "brand_id": None})
            if (method, path) in PUBLIC_WRITES:
                assert 400 <= anonymous.status_code < 500, (method, path, anonymous.status_code)
                assert (await client.request(method, path, data=form, headers={"Origin": EVIL})).status_code == 403
                continue
            assert refused(anonymous), (method, path, anonymous.status_code, anonymous.text)
            cross_site = await client.request(method, path, data=form, headers={"Origin": EVIL})
            assert cross_site.status_code == 403, (method, path, cross_site.status_code)
            for cookies in (library_cookies, coordinator_cookies):
                client.cookies.clear()
                client.cookies.update(cookies)
                no_token = await client.request(method, path, data=form)
                assert refused(no_token), (method, path, no_token.status_code, no_token.text)
                foreign = await client.request(method, path, data=form, headers={"Origin": EVIL})
                assert foreign.status_code == 403, (method, path)
            client.cookies.clear()
    assert app.state.publisher.sent == []


async def test_coordinator_routes_take_the_actor_from_the_account_and_keep_to_its_scope(web) -> None:
    app, _ = web
    cookies, csrf = signed_in(app, "jn-office")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test", cookies=cookies
    ) as client:
        assert (await client.get("/dedup/reviews")).status_code == 200
        # a body naming another coordinator is refused, not believed
        as_other = await client.post(
            "/api/v1/brands",
            headers={"X-CSRF-Token": csrf},
            json={
                "id": "jn-x",
                "name": "讲",
                "library_id": "jn-b1",
                "category": "lecture",
                "keywords": ["讲"],
                "registered_by": "office",
            },
        )
        assert as_other.status_code == 403 and "office" in as_other.json()["detail"]
        # outside its scope (tz is not under jn)
        outside = await client.post(
            "/api/v1/brands",
            headers={"X-CSRF-Token": csrf},
            json={"id": "tz-x", "name": "讲", "library_id": "tz", "category": "lecture", "keywords": ["讲"]},
        )
        assert outside.status_code == 403 and "scope" in outside.json()["detail"]
        form = await client.post(
            "/brands/new",
            data={"csrf_token": csrf, "id": "tz-y", "name": "讲2", "library_id": "tz", "category": "lecture"},
        )
        assert form.status_code == 403 and "outside your scope" in form.text
        # a library account is not a coordinator
    library_cookies, library_csrf = signed_in(app, "jn")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test", cookies=library_cookies
    ) as client:
        denied = await client.post(
            "/api/v1/dedup/reviews/x/decision", headers={"X-CSRF-Token": library_csrf}, json={"decision": "merge"}
        )
        assert denied.status_code == 403 and "coordinators" in denied.json()["detail"]
        assert (await client.get("/api/v1/dedup/reviews")).status_code == 403
    assert app.state.publisher.sent == []


async def test_the_review_queue_needs_a_coordinator_login_and_public_pages_stay_public(web) -> None:
    app, _ = web
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        page = await client.get("/dedup/reviews", headers={"Accept": "text/html"})
        assert page.status_code == 303 and page.headers["location"].startswith("/submit/login?next=%2Fdedup%2Freviews")
        assert (await client.get("/api/v1/dedup/reviews")).status_code == 401
        assert (await client.get("/brands/new", headers={"Accept": "text/html"})).status_code == 303
        for public in ("/brands", "/api/v1/brands", "/feeds/alliance.ics", "/healthz"):
            assert (await client.get(public)).status_code == 200, public


async def test_a_scoped_coordinator_sees_only_its_libraries_dead_letters(web) -> None:
    from datetime import UTC, datetime

    from shuxiang.events.tables import dead_letter

    app, context = web
    now = datetime(2026, 5, 1, tzinfo=UTC)
    engine = context.databases.engine("dedup")
    with engine.begin() as connection:
        for seq, subject in enumerate(
            ("shuxiang.activity.submitted.jn-b1", "shuxiang.activity.submitted.tz", "shuxiang.canonical.created"), 1
        ):
            connection.execute(
                dead_letter.insert().values(
                    consumer="dedup",
                    subject=subject,
                    stream_seq=seq,
                    msg_id=f"m{seq}",
                    reason="r",
                    message_time=now,
                    headers={},
                    payload=b"{}",
                    received_at=now,
                )
            )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:

        def bearer(name: str) -> dict[str, str]:
            account = app.state.auth.accounts.reset(name, password=False, token=True)
            return {"Authorization": f"Bearer {account.token}"}

        scoped = (await client.get("/api/v1/dead-letters", headers=bearer("jn-office"))).json()
        everyone = (await client.get("/api/v1/dead-letters", headers=bearer("office"))).json()
    assert [letter["subject"] for letter in scoped] == ["shuxiang.activity.submitted.jn-b1"]
    assert len(everyone) == 3
