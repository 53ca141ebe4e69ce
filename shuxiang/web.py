"""The web front: thin FastAPI routes over the services' stores.

Every service has a module-level ``router`` of plain route functions that ask for what they
need through dependencies (``shuxiang/services/deps.py``: the context, the publisher, a
service's reader; ``services/intake/auth.py``: who is asking); :func:`create_app` keeps what
those read on ``app.state`` and includes the routers.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import PlainTextResponse, Response
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shuxiang.i18n import both, in_both
from shuxiang.operations import Metrics, RequestCounter
from shuxiang.operations import router as operations_router
from shuxiang.pages import language, render
from shuxiang.posters import CACHE_FOREVER, POSTER_NAME, PosterRefused, Posters, posters_of
from shuxiang.services.calendar.web import FeedsFirst
from shuxiang.services.calendar.window import decode_cursor, encode_cursor
from shuxiang.services.dedup.service import NAME as DEDUP
from shuxiang.services.dedup.service import canonical_page
from shuxiang.services.deps import Context, per_app
from shuxiang.services.intake.auth import Auth, problem, same_origin
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


class HeadAsGet:
    """Pure ASGI middleware: a HEAD is answered as its GET would be, without the body — once for
    every route (FastAPI's ``@router.get`` answers HEAD with 405; ``curl -I``, link checkers and
    chat apps' previews ask HEAD).  The feeds keep their own HEAD, which skips building the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD" or scope["path"].startswith("/feeds/"):
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)


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
    # the intake form and API publish with it: bounded, a post answers 503 within seconds while the broker is away
    app.state.publisher = getattr(runtime, "web_publisher", None)
    app.state.connection = getattr(runtime, "connection", None)  # /healthz reports it
    app.state.metrics = metrics = Metrics(runtime)
    app.add_middleware(FeedsFirst, context=context)  # /feeds/… answered before routing (calendar clients poll)
    app.add_middleware(RequestCounter, metrics=metrics)
    app.add_middleware(HeadAsGet)  # outermost: every route answers HEAD as its GET, without the body
    app.include_router(operations_router)
    for service_router in service_routers():
        app.include_router(service_router)
    app.include_router(router)
    app.add_exception_handler(StarletteHTTPException, page_or_problem)
    return app


async def page_or_problem(request: Request, exc: StarletteHTTPException):
    """A refusal (401, 403) of a page a browser asked for, as a page in its language — the header's
    links lead readers and members to coordinators' pages (the review queue, a new brand), which
    answered them with a line of JSON; the API, the feeds and scripts get the JSON as before."""
    wants_page = (
        exc.status_code in (401, 403)
        and request.method == "GET"
        and "text/html" in request.headers.get("accept", "")
        and not request.url.path.startswith(("/api/", "/feeds/"))
    )
    if not wants_page:
        return await http_exception_handler(request, exc)
    zh, _, en = str(exc.detail).partition(" / ")
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return render(
        request,
        "refused.html",
        status_code=exc.status_code,
        status=exc.status_code,
        message=en if language(request) == "en" and en else zh,
        next=quote(target, safe=""),
    )


router = APIRouter()
"""What belongs to no one service: the canonical activities' list, the posters."""


MAX_OFFSET = 10_000
"""``offset`` reads the activities it skips: past this, page with ``cursor``."""
MAX_LIMIT = 1000
LIST_PARAMETERS = frozenset({"limit", "offset", "cursor", "lang"})
"""What ``/api/v1/activities`` reads (``lang``: a page's link may carry it; the list has no words)."""

PAGING = """Canonical activities in (start, id) order, ``limit`` at a time (default 100, at most 1000), unfiltered:
another parameter is refused with 422 (the calendar's filters are on ``/embed/activities.json`` and the feeds).

Page with ``cursor``: when more follow, the response's ``Link`` header names the next page
(``<…?limit=100&cursor=…>; rel="next"``) and ``X-Next-Cursor`` holds its cursor, an opaque
position after the last activity returned; the last page has neither.  A page costs what it
returns, however far into the list it is.  ``offset`` (at most 10,000) skips that many first;
further than that is refused with 422: follow the cursors.  ``shuxiang export activities``
gives them all."""


@router.get(
    "/api/v1/activities",
    tags=["activities"],
    description=PAGING,
    responses={
        200: {
            "description": "A page of canonical activities",
            "headers": {
                "Link": {"description": 'The next page: `<URL>; rel="next"` (absent on the last page)'},
                "X-Next-Cursor": {"description": "The next page's `cursor` (absent on the last page)"},
            },
        },
        422: {
            "description": "`limit` outside 1–1000, `offset` outside 0–10,000, a `cursor` this API did not "
            "give, or a parameter it does not take (it has no filters: the calendar's are on "
            "`/embed/activities.json` and the feeds)"
        },
    },
)
def list_activities(
    request: Request,
    response: Response,
    context: Context,
    limit: Annotated[
        int, Query(description="Activities per page: 1–1000", json_schema_extra={"minimum": 1, "maximum": MAX_LIMIT})
    ] = 100,
    offset: Annotated[
        int,
        Query(
            description="Activities to skip first, at most 10,000 (then use `cursor`)",
            json_schema_extra={"minimum": 0, "maximum": MAX_OFFSET},
        ),
    ] = 0,
    cursor: Annotated[
        str | None, Query(description="Where the page starts: the `X-Next-Cursor` of the page before")
    ] = None,
) -> list[dict]:
    unknown = sorted(set(request.query_params) - LIST_PARAMETERS)
    if unknown:  # ?library=jn answered every library's while its Link repeated the filter
        raise problem(
            422,
            *in_both(
                "{names}: not a parameter of this list (it takes limit, offset and cursor; filter the "
                "calendar with /embed/activities.json or the feeds)",
                names=", ".join(unknown),
            ),
        )
    if not 1 <= limit <= MAX_LIMIT:  # 0 and -1 became 1 in silence
        raise problem(422, *in_both("limit must be between 1 and {most} (got: {limit})", most=MAX_LIMIT, limit=limit))
    if not 0 <= offset <= MAX_OFFSET:
        raise problem(
            422,
            *in_both(
                "offset must be between 0 and {most}: further on, follow the cursors (got: {offset})",
                most=MAX_OFFSET,
                offset=offset,
            ),
        )
    after = None
    if cursor:
        after = decode_cursor(cursor)
        if after is None:
            raise problem(422, *in_both("cursor: not a position this API gave (got: {cursor})", cursor=cursor))
    found, more = canonical_page(context.databases.reader(DEDUP), after=after, offset=offset, limit=limit)
    if more and found:
        following = encode_cursor(found[-1][0], found[-1][1])
        response.headers["X-Next-Cursor"] = following
        url = request.url.remove_query_params(["cursor", "offset"]).include_query_params(limit=limit, cursor=following)
        response.headers["Link"] = f'<{url}>; rel="next"'
    return [activity.model_dump(mode="json") for _, _, activity in found]


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
