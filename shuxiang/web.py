"""The web front: thin FastAPI routes over the services' stores."""

from __future__ import annotations

from fastapi import FastAPI

from shuxiang.operations import Metrics, RequestCounter, operations_router
from shuxiang.services.calendar.web import FeedsFirst
from shuxiang.services.dedup.service import NAME as DEDUP, canonical_activities
from shuxiang.services.plan import ServiceContext


def router_factories():
    """Each service's web routes: ``(context) -> APIRouter``.  Add a service's here."""
    from shuxiang.services.brands.web import routes as brands_routes
    from shuxiang.services.calendar.web import routes as calendar_routes
    from shuxiang.services.dedup.web import routes as dedup_routes
    from shuxiang.services.intake.web import routes as intake_routes
    from shuxiang.services.quotas.web import routes as quotas_routes
    from shuxiang.services.stats.web import routes as stats_routes

    return [calendar_routes, quotas_routes, brands_routes, intake_routes, dedup_routes, stats_routes]


def create_app(context: ServiceContext, *, runtime=None) -> FastAPI:
    """The web front of a runtime (``runtime`` gives it the broker connection and consumers)."""
    alliance = context.alliance
    app = FastAPI(
        title=f"shuxiang 书香 · {alliance.name}",
        description="阅读推广联盟活动协调 / reading-promotion alliance coordinator",
        version="1",
    )
    app.state.publisher = getattr(runtime, "publisher", None)  # the intake form and API publish with it
    metrics = Metrics(runtime)
    app.add_middleware(FeedsFirst, context=context)  # /feeds/… answered before routing (calendar clients poll)
    app.add_middleware(RequestCounter, metrics=metrics)
    app.include_router(operations_router(context, metrics, getattr(runtime, "connection", None)))
    for make_router in router_factories():
        app.include_router(make_router(context))

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
