"""The web app's routes are module-level functions over FastAPI dependencies (no closures built per
app, no signatures rewritten at run time), and what a service keeps per app (its rate limits) is
kept per app: it outlives a request, and two apps (two runtimes in one process) share none of it."""

from __future__ import annotations

import httpx
import pytest

from shuxiang.alliance import load_alliance
from shuxiang.db import Databases
from shuxiang.services.plan import ServiceContext
from shuxiang.settings import Settings
from shuxiang.web import create_app

from .auth_support import add_account, create_all_tables
from .dedup_support import TEST_ALLIANCE
from .test_web_auth import api_routes


def make_app(data_dir):
    context = ServiceContext(
        settings=Settings(data_dir=data_dir),
        alliance=load_alliance(TEST_ALLIANCE),
        databases=Databases(data_dir=data_dir),
    )
    create_all_tables(context)
    app = create_app(context)
    add_account(app, context, "jn", "library")
    return app, context


@pytest.fixture
def two_apps(tmp_path):
    first, first_context = make_app(tmp_path / "one")
    second, second_context = make_app(tmp_path / "two")
    yield first, second
    first_context.databases.dispose()
    second_context.databases.dispose()


def test_every_route_is_a_module_level_function_that_declares_its_own_parameters(two_apps) -> None:
    first, second = two_apps
    routes = [(p, r) for p, r in api_routes(first.routes) if r.endpoint.__module__.startswith("shuxiang.")]
    assert len(routes) > 40  # ours (not /docs and /redoc, which fastapi-offline adds)
    for path, route in routes:
        endpoint = route.endpoint
        assert "<locals>" not in endpoint.__qualname__, (path, endpoint.__qualname__)
        assert "__signature__" not in vars(endpoint), path
    # both apps serve the very same route functions: nothing is built per app
    assert [r.endpoint for _, r in routes] == [
        r.endpoint for _, r in api_routes(second.routes) if r.endpoint.__module__.startswith("shuxiang.")
    ]


async def login(client: httpx.AsyncClient) -> int:
    page = await client.get("/submit/login")
    csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = await client.post("/submit/login", data={"csrf_token": csrf, "username": "jn", "password": "wrong"})
    return response.status_code


async def test_rate_limits_are_kept_per_app_across_requests(two_apps) -> None:
    first, second = two_apps
    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=first), base_url="http://test") as one,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=second), base_url="http://test") as two,
    ):
        statuses = [await login(one) for _ in range(11)]
        assert statuses == [401] * 10 + [429]  # the login limit (10 in 10 minutes) counts across requests
        assert await login(two) == 401  # the other app's limiter has seen nothing
