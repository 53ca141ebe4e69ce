"""The web front: thin FastAPI routes over the services' stores."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from fastapi_offline import FastAPIOffline

from shuxiang.operations import Metrics, RequestCounter, operations_router
from shuxiang.posters import CACHE_FOREVER, POSTER_NAME, PosterRefused, Posters, posters_of
from shuxiang.services.calendar.web import FeedsFirst
from shuxiang.services.dedup.service import NAME as DEDUP
from shuxiang.services.dedup.service import canonical_activities
from shuxiang.services.intake.auth import Auth, same_origin
from shuxiang.services.plan import ServiceContext


def router_factories():
    """Each service's web routes: ``(context) -> APIRouter``.  Add a service's here."""
    from shuxiang.services.brands.web import routes as brands_routes
    from shuxiang.services.calendar.web import routes as calendar_routes
    from shuxiang.services.dedup.web import routes as dedup_routes
    from shuxiang.services.intake.web import routes as intake_routes
    from shuxiang.services.quotas.web import routes as quotas_routes
    from shuxiang.services.registrations.web import routes as registrations_routes
    from shuxiang.services.stats.web import routes as stats_routes

    return [
        calendar_routes,
        quotas_routes,
        brands_routes,
        intake_routes,
        dedup_routes,
        stats_routes,
        registrations_routes,
    ]


def create_app(context: ServiceContext, *, runtime=None) -> FastAPI:
    """The web front of a runtime (``runtime`` gives it the broker connection and consumers)."""
    alliance = context.alliance
    # /docs and /redoc from assets in the fastapi-offline wheel (Swagger UI 5, ReDoc), not a CDN
    app = FastAPIOffline(
        title=f"shuxiang 书香 · {alliance.name}",
        description="阅读推广联盟活动协调 / reading-promotion alliance coordinator",
        version="1",
        dependencies=[Depends(same_origin)],  # no state-changing request from another site, on any route
    )
    app.state.auth = Auth.from_context(context)  # accounts, sessions: services/intake/auth.py
    app.state.publisher = getattr(runtime, "publisher", None)  # the intake form and API publish with it
    metrics = Metrics(runtime)
    app.add_middleware(FeedsFirst, context=context)  # /feeds/… answered before routing (calendar clients poll)
    app.add_middleware(RequestCounter, metrics=metrics)
    app.include_router(operations_router(context, metrics, getattr(runtime, "connection", None)))
    for make_router in router_factories():
        app.include_router(make_router(context))
    app.include_router(posters_router(posters_of(context)))

    @app.get("/api/v1/activities", tags=["activities"])
    def list_activities(limit: int = 100, offset: int = 0) -> list[dict]:
        """Canonical activities in start order (``shuxiang export activities`` gives them all)."""
        limit = max(1, min(limit, 1000))
        out = []
        for index, activity in enumerate(canonical_activities(context.databases.reader(DEDUP))):
            if index < offset:
                continue
            if len(out) >= limit:
                break
            out.append(activity.model_dump(mode="json"))
        return out

    return app


def posters_router(store: Posters) -> APIRouter:
    """``GET /posters/<sha256>.jpg``: uploaded posters, cached for a year (the name is the content's hash).
    A ``def`` route: the store blocks (a file, or the broker's object store through its loop)."""
    router = APIRouter()

    @router.get("/posters/{name}", include_in_schema=False)
    def poster(name: str, request: Request) -> Response:
        etag = f'"{name.removesuffix(".jpg")}"'
        headers = {"Cache-Control": CACHE_FOREVER, "ETag": etag, "X-Content-Type-Options": "nosniff"}
        if request.headers.get("if-none-match") == etag and POSTER_NAME.match(name):
            return Response(status_code=304, headers=headers)  # the same name is the same bytes, always
        try:
            data = store.read(name)
        except PosterRefused as refused:  # the shared store did not answer
            return PlainTextResponse(
                f"{refused.zh}\n{refused.en}\n", status_code=refused.status, headers={"Retry-After": "5"}
            )
        if data is None:
            return PlainTextResponse(f"没有这张海报：{name}\nNo such poster: {name}\n", status_code=404)
        return Response(data, media_type="image/jpeg", headers=headers)

    return router
