"""Operations: health, Prometheus metrics, dead letters (API and page)."""

from __future__ import annotations

import time

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from sqlalchemy import text

from shuxiang.events.dead_letters import list_dead_letters
from shuxiang.events.ids import subject_owner
from shuxiang.events.streams import ALL_STREAMS
from shuxiang.pages import render
from shuxiang.services import CONSUMING_SERVICES
from shuxiang.services.deps import Context, DatabasesDep
from shuxiang.services.intake.auth import Accounts, Auth, Coordinator


class RuntimeCollector:
    """Per-consumer processed / dead-lettered counts of the runtime's consumers (its worker
    processes' included: :meth:`~shuxiang.runtime.Runtime.consumer_counts`)."""

    def __init__(self, runtime) -> None:
        self.runtime = runtime

    def collect(self):
        processed = CounterMetricFamily(
            "shuxiang_messages_processed", "Messages processed and acked, by consumer", labels=["consumer"]
        )
        dead = CounterMetricFamily(
            "shuxiang_messages_dead_lettered", "Messages dead-lettered, by consumer", labels=["consumer"]
        )
        for name, (processed_count, dead_count) in sorted(self.runtime.consumer_counts().items()):
            processed.add_metric([name], processed_count)
            dead.add_metric([name], dead_count)
        yield processed
        yield dead


class Metrics:
    """One registry per web app: HTTP requests counted by route, plus the runtime's consumers."""

    def __init__(self, runtime=None) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "shuxiang_http_requests", "HTTP requests by route and status", ["route", "status"], registry=self.registry
        )
        if runtime is not None:
            self.registry.register(RuntimeCollector(runtime))
        self.runtime = runtime

    async def consumer_lag(self) -> GaugeMetricFamily:
        lag = GaugeMetricFamily(
            "shuxiang_consumer_pending",
            "Messages not yet delivered or not yet acked",
            labels=["stream", "consumer", "kind"],
        )
        js = getattr(self.runtime, "js", None)
        if js is None:
            return lag
        for stream in ALL_STREAMS:
            try:
                infos = await js.consumers_info(stream.name)
            except Exception:  # broker away: the gauge is simply absent this scrape
                continue
            for info in infos:
                lag.add_metric([stream.name, info.name, "pending"], info.num_pending)
                lag.add_metric([stream.name, info.name, "ack_pending"], info.num_ack_pending)
        return lag


class RequestCounter:
    """Pure ASGI middleware counting requests by route template and status (cheap on the feed path)."""

    def __init__(self, app, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500

        async def send_and_note(message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            route = scope.get("route")
            self.metrics.requests.labels(getattr(route, "path", "unmatched"), str(status)).inc()


router = APIRouter(tags=["operations"])
"""Health, metrics (``app.state.metrics``; the broker connection: ``app.state.connection``), dead letters."""


@router.get("/healthz")
def healthz(request: Request, databases: DatabasesDep) -> JSONResponse:
    """Broker and database reachable: 200, else 503 with what is not."""
    checks = {"database": "ok", "broker": "ok"}
    try:
        with databases.reader(CONSUMING_SERVICES[0]).connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # report, don't raise: this is the health page
        checks["database"] = f"unreachable: {exc.__class__.__name__}"
    nats_connection = getattr(request.app.state, "connection", None)
    if nats_connection is not None and not nats_connection.is_connected:
        checks["broker"] = "unreachable"
    healthy = all(v == "ok" for v in checks.values())
    return JSONResponse({"status": "ok" if healthy else "degraded", **checks}, status_code=200 if healthy else 503)


@router.get("/metrics", include_in_schema=False)
async def prometheus(request: Request) -> Response:
    metrics: Metrics = request.app.state.metrics
    lag = await metrics.consumer_lag()

    class Once:
        def collect(self):
            yield lag

    registry = CollectorRegistry()
    registry.register(Once())
    body = generate_latest(metrics.registry) + generate_latest(registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST)


def visible(auth: Auth, who, letters: list) -> list:
    """A coordinator with a scope sees the dead letters of its libraries' subjects only."""
    if auth.scope(who) is None:
        return letters
    return [
        letter
        for letter in letters
        if (owner := subject_owner(letter.subject)) is not None and auth.in_scope(who, owner)
    ]


@router.get("/api/v1/dead-letters")
def dead_letters_api(who: Coordinator, auth: Accounts, databases: DatabasesDep, limit: int = 100) -> list[dict]:
    """Messages the consumers could not process, with the reason (newest first); coordinators only,
    each the letters of its scope."""
    limit = max(1, min(limit, 1000))
    return [
        letter.summary() for letter in visible(auth, who, list_dead_letters(databases, CONSUMING_SERVICES, limit=limit))
    ]


@router.get("/dead-letters", response_class=HTMLResponse, include_in_schema=False)
def dead_letters_page(
    request: Request, who: Coordinator, auth: Accounts, context: Context, databases: DatabasesDep
) -> HTMLResponse:
    letters = visible(auth, who, list_dead_letters(databases, CONSUMING_SERVICES, limit=500))
    return render(
        request,
        "operations/dead_letters.html",
        letters=letters,
        now=time.time(),
    )
