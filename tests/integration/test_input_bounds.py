"""Abusive input is refused with a clear 4xx before anything is published (real SQLite, a
recording publisher): series, instants, integers, JSON depth, date parameters."""

from __future__ import annotations

import html

import httpx
import pytest

from shuxiang.alliance import load_alliance
from shuxiang.db import Databases
from shuxiang.services.plan import ServiceContext
from shuxiang.settings import Settings
from shuxiang.web import create_app
from tests.conftest import TEST_ALLIANCE, submission

from .auth_support import add_account, create_all_tables
from .test_web_auth import Recorder


@pytest.fixture
async def client(tmp_path):
    context = ServiceContext(
        settings=Settings(data_dir=tmp_path),
        alliance=load_alliance(TEST_ALLIANCE),
        databases=Databases(data_dir=tmp_path),
    )
    create_all_tables(context)
    app = create_app(context)
    app.state.publisher = Recorder()
    tokens = {
        name: add_account(app, context, name, kind).token
        for name, kind in (("jn", "library"), ("office", "coordinator"))
    }
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        http.tokens = {name: {"Authorization": f"Bearer {token}"} for name, token in tokens.items()}
        http.sent = app.state.publisher.sent
        yield http
    context.databases.dispose()


ABUSES = [
    ({"recurrence": "FREQ=SECONDLY"}, "recurrence", "DAILY, WEEKLY, MONTHLY or YEARLY"),
    ({"recurrence": "FREQ=MINUTELY;COUNT=100000"}, "recurrence", "not allowed"),
    ({"recurrence": "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30;COUNT=2"}, "recurrence", "not allowed"),
    ({"recurrence": "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=2"}, "recurrence", "no session"),
    ({"recurrence": "FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=31"}, "recurrence", "no session"),
    ({"recurrence": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO"}, "recurrence", "20 years apart"),
    ({"recurrence": "FREQ=YEARLY;COUNT=50"}, "recurrence", "20 years"),
    ({"starts_at": "9999-04-23T14:00:00+08:00", "ends_at": "9999-04-23T16:00:00+08:00"}, "starts_at", "2200"),
    ({"starts_at": "0001-01-01T00:00:00+14:00", "ends_at": "0001-01-01T01:00:00+14:00"}, "starts_at", "1900"),
    ({"revision": 2**63}, "revision", "2147483647"),
    ({"capacity": 2**64}, "capacity", "10000000"),
]


async def test_the_api_refuses_abusive_submissions_with_422_and_publishes_nothing(client) -> None:
    for change, where, what in ABUSES:
        response = await client.post(
            "/api/v1/activities", json=submission("jn", "abuse", **change), headers=client.tokens["jn"]
        )
        assert response.status_code == 422, (change, response.text)
        detail = response.json()["detail"]
        assert where in detail and what in detail and "Traceback" not in detail, (change, detail)
    assert client.sent == []
    open_ended = await client.post(
        "/api/v1/activities", json=submission("jn", "weekly", recurrence="FREQ=WEEKLY"), headers=client.tokens["jn"]
    )
    assert open_ended.status_code == 201, open_ended.text  # a series that goes on for ever is fine
    assert len(client.sent) == 1


async def test_attendance_beyond_what_storage_holds_is_refused(client) -> None:
    response = await client.post(
        "/api/v1/attendance",
        headers=client.tokens["jn"],
        json={"library_id": "jn", "source_ref": "a1", "held": True, "participants": 2**64},
    )
    assert response.status_code == 422 and "participants" in response.json()["detail"]
    assert client.sent == []


async def test_deeply_nested_json_is_a_4xx_on_every_json_route(client) -> None:
    deep = b"[" * 100_000
    for path, token in (
        ("/api/v1/activities", "jn"),
        ("/api/v1/attendance", "jn"),
        ("/api/v1/brands", "office"),
        ("/api/v1/dedup/reviews/x/decision", "office"),
    ):
        response = await client.post(
            path, content=deep, headers={"content-type": "application/json", **client.tokens[token]}
        )
        assert 400 <= response.status_code < 500, (path, response.status_code)
    response = await client.put(
        "/api/v1/brands/links/x", content=deep, headers={"content-type": "application/json", **client.tokens["jn"]}
    )
    assert 400 <= response.status_code < 500
    assert client.sent == []


async def test_date_parameters_of_pages_are_bounded(client) -> None:
    api = await client.get("/api/v1/brands?today=0001-01-01")
    assert api.status_code == 422 and "today" in api.json()["detail"]
    # a page answers with a page in its language, not FastAPI's line of JSON
    for path, said in (
        ("/brands?today=9999-12-31", "today: 应不大于 2100-12-31"),
        ("/brands/x?today=garbage&lang=en", "today: Input should be a valid date"),
    ):
        response = await client.get(path)
        assert response.status_code == 422 and response.headers["content-type"].startswith("text/html"), path
        assert said in html.unescape(response.text), (path, response.text[-600:])
    assert (await client.get("/brands?today=2026-06-15")).status_code == 200
    assert (await client.get("/?month=9999-12")).status_code == 400


async def test_head_of_the_api_list_is_answered_as_its_get_without_a_body(client) -> None:
    got, head = await client.get("/api/v1/activities"), await client.head("/api/v1/activities")
    assert got.status_code == head.status_code == 200
    assert head.content == b"" and head.headers["content-type"] == got.headers["content-type"]


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("library=jn", ("library：此列表不接受这个参数", "library: not a parameter of this list")),
        ("category=children&limit=5", ("category：此列表不接受这个参数", "/embed/activities.json")),
        ("limit=0", ("limit 须在 1 到 1000 之间（收到：0）", "limit must be between 1 and 1000 (got: 0)")),
        ("limit=-1", ("limit 须在 1 到 1000 之间", "(got: -1)")),
        ("limit=1001", ("limit 须在 1 到 1000 之间", "(got: 1001)")),
        ("offset=-1", ("offset 须在 0 到 10000 之间", "offset must be between 0 and 10000")),
    ],
)
async def test_the_api_list_refuses_a_filter_it_does_not_apply_and_a_limit_out_of_bounds(
    client, query: str, words: tuple[str, str]
) -> None:
    """``?library=jn`` answered every library's activities (and its Link repeated the filter);
    ``limit=0`` and ``-1`` became 1 in silence: both now a 422 said in Chinese and English."""
    response = await client.get(f"/api/v1/activities?{query}")
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert all(w in detail for w in words), detail
    assert (await client.get("/api/v1/activities?limit=1000&offset=0&lang=en")).status_code == 200
