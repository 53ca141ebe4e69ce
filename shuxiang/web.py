"""The web front: thin FastAPI routes over the services' stores.

Every service has a module-level ``router`` of plain route functions that ask for what they
need through dependencies (``shuxiang/services/deps.py``: the context, the publisher, a
service's reader; ``services/intake/auth.py``: who is asking); :func:`create_app` keeps what
those read on ``app.state`` and includes the routers.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from fastapi_offline import FastAPIOffline

from shuxiang.i18n import both
from shuxiang.operations import Metrics, RequestCounter
from shuxiang.operations import router as operations_router
from shuxiang.posters import CACHE_FOREVER, POSTER_NAME, PosterRefused, Posters, posters_of
from shuxiang.services.calendar.web import FeedsFirst
from shuxiang.services.dedup.service import NAME as DEDUP
from shuxiang.services.dedup.service import canonical_activities
from shuxiang.services.deps import Context, per_app
from shuxiang.services.intake.auth import Auth, same_origin
from shuxiang.services.plan import ServiceContext


def service_routers() -> list[APIRouter]:
    """Each service's web routes, in the order they are matched.  Add a service's here."""
    from shuxiang.services.brands.web import router as brands
    from shuxiang.services.calendar.web import router as calendar
    from shuxiang.services.dedup.web import router as dedup
    from shuxiang.services.intake.web import router as intake
    from shuxiang.services.quotas.web import router as quotas
    from shuxiang.services.registrations.web import router as registrations
    from shuxiang.services.stats.web import router as stats

    return [calendar, quotas, brands, intake, dedup, stats, registrations]


def create_app(context: ServiceContext, *, runtime=None) -> FastAPI:
    """The web front of a runtime (``runtime`` gives it the broker connection and consumers)."""
    alliance = context.alliance
    # /docs and /redoc from assets in the fastapi-offline wheel (Swagger UI 5, ReDoc), not a CDN
    app = FastAPIOffline(
        title=f"shuxiang 书香 · {alliance.name}",
        description=both("reading-promotion alliance coordinator"),
        version="1",
        dependencies=[Depends(same_origin)],  # no state-changing request from another site, on any route
    )
    app.state.context = context  # what the routes' dependencies read (shuxiang/services/deps.py)
    app.state.auth = Auth.from_context(context)  # accounts, sessions: services/intake/auth.py
    app.state.publisher = getattr(runtime, "publisher", None)  # the intake form and API publish with it
    app.state.connection = getattr(runtime, "connection", None)  # /healthz reports it
    app.state.metrics = metrics = Metrics(runtime)
    app.add_middleware(FeedsFirst, context=context)  # /feeds/… answered before routing (calendar clients poll)
    app.add_middleware(RequestCounter, metrics=metrics)
    app.include_router(operations_router)
    for service_router in service_routers():
        app.include_router(service_router)
    app.include_router(router)
    return app


router = APIRouter()
"""What belongs to no one service: the canonical activities' list, the posters."""


@router.get("/api/v1/activities", tags=["activities"])
def list_activities(context: Context, limit: int = 100, offset: int = 0) -> list[dict]:
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


@router.get("/posters/{name}", include_in_schema=False)
def poster(name: str, request: Request, store: Annotated[Posters, Depends(per_app(posters_of))]) -> Response:
    """``GET /posters/<sha256>.jpg``: uploaded posters, cached for a year (the name is the content's hash).
    A ``def`` route: the store blocks (a file, or the broker's object store through its loop)."""
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
        return PlainTextResponse(both("No such poster: {name}", sep="\n", name=name) + "\n", status_code=404)
    return Response(data, media_type="image/jpeg", headers=headers)
