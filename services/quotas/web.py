"""Quota progress on the web: the page ``/quotas``, a library's drill-down, and the JSON API."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import Engine

from shuxiang.alliance import Alliance, Tier
from shuxiang.i18n import N_, both
from shuxiang.pages import language, render
from shuxiang.services.deps import AllianceDep, reader_of

from .report import end_of_day, quota_report, report_dict, selected_members
from .service import NAME

MIN_YEAR, MAX_YEAR = 1949, 2100

TIER_NAMES = {
    Tier.central: N_("Central library"),
    Tier.district: N_("District library"),
    Tier.county: N_("County library"),
    Tier.branch: N_("Branch"),
    Tier.service_point: N_("Service point"),
}
STATE_NAMES = {
    "met": N_("Met"),
    "on_track": N_("On track"),
    "at_risk": N_("At risk"),
    "not_met": N_("Not met"),
}


def region_group(region: str | None) -> str | None:
    """The city a region names: "天津市津南区小站镇" -> "天津市", "山东省滕州市" -> "山东省滕州市"."""
    if not region:
        return None
    found = re.match(r".*?市", region)
    return found.group(0) if found else region


def current_year(alliance: Alliance) -> int:
    return datetime.now(alliance.tz).year


class BadRequest(ValueError):
    """A filter the user gave that cannot be used; the message says which and why (zh / en)."""


def parse_year(raw: str | None, alliance: Alliance) -> int:
    if raw is None or raw == "":
        return current_year(alliance)
    if not raw.strip().isdigit() or not MIN_YEAR <= int(raw) <= MAX_YEAR:
        raise BadRequest(
            both(
                'year: "{raw}" is not a year between {MIN_YEAR} and {MAX_YEAR}',
                raw=raw,
                MIN_YEAR=MIN_YEAR,
                MAX_YEAR=MAX_YEAR,
            )
        )
    return int(raw)


def parse_tier(raw: str | None) -> str | None:
    if not raw:
        return None
    if raw not in Tier.__members__:
        known = ", ".join(Tier.__members__)
        raise BadRequest(both('tier: "{raw}" is not one of {known}', raw=raw, known=known))
    return raw


def parse_as_of(raw: str | None, alliance: Alliance) -> datetime:
    """The end of the day ``raw`` (YYYY-MM-DD) in the alliance time zone; now when not given."""
    if not raw:
        return datetime.now(UTC)
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(both('as_of: "{raw}" is not a date (e.g. 2026-06-30)', raw=raw)) from None
    return end_of_day(day, alliance)


QuotasReader = Annotated[Engine, Depends(reader_of(NAME))]

router = APIRouter(tags=["quotas"])


def quota_regions(alliance: Alliance) -> list[str]:
    """The cities of the members that have quota rules (the page's region filter)."""
    return sorted({g for m in alliance.members if (g := region_group(m.region)) and alliance.rules_for(m.id)})


def _error_json(exc: Exception, status: int = 400) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=status)


@router.get("/api/v1/quotas")
def quotas_api(
    alliance: AllianceDep,
    engine: QuotasReader,
    year: int | None = Query(None, ge=MIN_YEAR, le=MAX_YEAR, description="default: this year"),
    tier: str | None = Query(None, description="central, district, county, branch or service_point"),
    region: str | None = Query(None, description="part of the members' region, e.g. 天津市"),
    library: str | None = Query(None, description="one member library's id"),
    as_of: str | None = Query(None, description="YYYY-MM-DD: the pace and states as of the end of that day"),
) -> JSONResponse:
    """Progress of each library on each of its quota rules (年度指标) in ``year``."""
    try:
        tier, now = parse_tier(tier), parse_as_of(as_of, alliance)
    except BadRequest as exc:
        return _error_json(exc)
    if library is not None and alliance.member(library) is None:
        return _error_json(BadRequest(both('library: no member "{library}"', library=library)), 404)
    year = year or current_year(alliance)
    report = quota_report(engine, alliance, year, now, tier=tier, region=region, library=library)
    return JSONResponse(report_dict(report))


@router.get("/api/v1/quotas/{library_id}")
def library_quotas_api(
    library_id: str,
    alliance: AllianceDep,
    engine: QuotasReader,
    year: int | None = Query(None, ge=MIN_YEAR, le=MAX_YEAR),
    as_of: str | None = Query(None, description="YYYY-MM-DD: the pace and states as of the end of that day"),
) -> JSONResponse:
    """One library's progress with the activities credited to it under each rule (drill-down)."""
    member = alliance.member(library_id)
    if member is None:
        return _error_json(BadRequest(both('no member "{library_id}"', library_id=library_id)), 404)
    try:
        now = parse_as_of(as_of, alliance)
    except BadRequest as exc:
        return _error_json(exc)
    year = year or current_year(alliance)
    report = quota_report(engine, alliance, year, now, library=library_id, credits=True)
    body = report_dict(report, credits=True)
    if not body["libraries"]:
        return _error_json(BadRequest(both('no quota rule applies to "{library_id}"', library_id=library_id)), 404)
    return JSONResponse({**body, "library": body.pop("libraries")[0]})


@router.get("/quotas", response_class=HTMLResponse, include_in_schema=False)
def quotas_page(
    request: Request,
    alliance: AllianceDep,
    engine: QuotasReader,
    year: str | None = None,
    tier: str | None = None,
    region: str | None = None,
    as_of: str | None = None,
) -> HTMLResponse:
    lang = language(request)
    try:
        chosen_year, chosen_tier, now = parse_year(year, alliance), parse_tier(tier), parse_as_of(as_of, alliance)
    except BadRequest as exc:
        return render(request, "quotas/error.html", 400, message=str(exc), alliance_name=alliance.name)
    region = region or None
    report = quota_report(engine, alliance, chosen_year, now, tier=chosen_tier, region=region)
    return render(
        request,
        "quotas/index.html",
        report=report,
        year=chosen_year,
        tier=chosen_tier,
        region=region,
        as_of=as_of or "",
        regions=quota_regions(alliance),
        tiers=TIER_NAMES,
        states=STATE_NAMES,
        alliance_name=alliance.name,
        rule_names={r.id: (r.name, r.name_in("en")) for r in alliance.quota_rules},
        member_name=lambda m: m.name_in(lang),
    )


@router.get("/quotas/{library_id}", response_class=HTMLResponse, include_in_schema=False)
def library_page(
    request: Request,
    library_id: str,
    alliance: AllianceDep,
    engine: QuotasReader,
    year: str | None = None,
    as_of: str | None = None,
) -> HTMLResponse:
    lang = language(request)
    if not selected_members(alliance, library=library_id):
        message = both('no quotas for "{library_id}"', library_id=library_id)
        return render(request, "quotas/error.html", 404, message=message, alliance_name=alliance.name)
    try:
        chosen_year, now = parse_year(year, alliance), parse_as_of(as_of, alliance)
    except BadRequest as exc:
        return render(request, "quotas/error.html", 400, message=str(exc), alliance_name=alliance.name)
    report = quota_report(engine, alliance, chosen_year, now, library=library_id, credits=True)
    return render(
        request,
        "quotas/library.html",
        report=report,
        library=report.libraries[0],
        year=chosen_year,
        tiers=TIER_NAMES,
        states=STATE_NAMES,
        alliance_name=alliance.name,
        member_name=lambda m: m.name_in(lang),
    )
