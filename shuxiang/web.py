"""The web front: thin FastAPI routes over the services' stores."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI
from fastapi.responses import FileResponse, PlainTextResponse, Response
from fastapi_offline import FastAPIOffline

from shuxiang.operations import Metrics, RequestCounter, operations_router
from shuxiang.posters import CACHE_FOREVER, PosterStore
from shuxiang.services.calendar.web import FeedsFirst
from shuxiang.services.dedup.service import NAME as DEDUP, canonical_activities
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

    return [calendar_routes, quotas_routes, brands_routes, intake_routes, dedup_routes, registrations_routes]


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
    app.include_router(posters_router(PosterStore.in_data_dir(context.settings.data_dir)))

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


def posters_router(store: PosterStore) -> APIRouter:
    """``GET /posters/<sha256>.jpg``: uploaded posters, cached for a year (the name is the content's hash)."""
    router = APIRouter()

    @router.get("/posters/{name}", include_in_schema=False)
    def poster(name: str) -> Response:
        path = store.path(name)
        if path is None or not path.is_file():
            return PlainTextResponse(f"没有这张海报：{name}\nNo such poster: {name}\n", status_code=404)
        return FileResponse(
            path, media_type="image/jpeg", headers={"Cache-Control": CACHE_FOREVER, "X-Content-Type-Options": "nosniff"}
        )

    return router
