"""The statistics page ``/stats`` (charts and tables; ``?print=1`` the A4 print layout) and
``GET /api/v1/stats``: the same report the CLI prints (:func:`.report.stats_report`)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from shuxiang.i18n import both, gettext
from shuxiang.pages import language, render
from shuxiang.services.deps import Context
from shuxiang.services.plan import ServiceContext

from .charts import bars
from .report import UnknownChoice, stats_report

MIN_YEAR, MAX_YEAR = 1949, 2100


router = APIRouter(tags=["stats"])


def build(context: ServiceContext, year, period, library, lang="zh-CN", subtree=True):
    return stats_report(
        context.databases,
        context.alliance,
        datetime.now(UTC),
        year=year,
        period=period or None,
        library=library or None,
        lang=lang,
        subtree=subtree,
    )


@router.get("/api/v1/stats")
def stats_api(
    context: Context,
    year: int | None = Query(None, ge=MIN_YEAR, le=MAX_YEAR),
    period: str | None = None,
    library: str | None = None,
    subtree: bool = True,
    lang: str = "zh-CN",
) -> JSONResponse:
    """The annual statistics report: every view's rows (keys are ids; names in ``lang``)."""
    try:
        report = build(context, year, period, library, "en" if lang.startswith("en") else "zh-CN", subtree)
    except UnknownChoice as exc:
        return JSONResponse({"detail": f"{exc.option}: " + both(exc.msgid, **{exc.option: exc.value})}, status_code=404)
    return JSONResponse(report.as_dict())


@router.get("/stats", response_class=HTMLResponse, include_in_schema=False)
def stats_page(
    request: Request,
    context: Context,
    year: str | None = None,
    period: str | None = None,
    library: str | None = None,
    subtree: str | None = None,
    printing: str | None = Query(None, alias="print"),
) -> HTMLResponse:
    lang = language(request)
    alliance = context.alliance
    try:
        chosen = int(year) if year else None
        if chosen is not None and not MIN_YEAR <= chosen <= MAX_YEAR:
            raise ValueError
    except ValueError:
        return render(
            request,
            "stats/error.html",
            400,
            alliance_name=alliance.name,
            message=gettext(lang, "year: a number from {MIN_YEAR} to {MAX_YEAR}").format(
                MIN_YEAR=MIN_YEAR, MAX_YEAR=MAX_YEAR
            ),
        )
    try:
        report = build(context, chosen, period, library, lang, subtree != "0")
    except UnknownChoice as exc:
        return render(request, "stats/error.html", 404, alliance_name=alliance.name, message=exc.text(lang))
    return render(
        request,
        "stats/index.html",
        report=report,
        bars=bars,
        printing=bool(printing),
        alliance_name=alliance.name,
        members=[(m.id, m.name_in(lang)) for m in alliance.members],
        periods=[(p.id, p.name_in(lang)) for p in alliance.plan_periods],
        year=chosen,
        period=period or "",
        library=library or "",
        alone=subtree == "0",
    )
