"""What the digests read from other services at render time, through their public read functions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from shuxiang.alliance import Alliance
from shuxiang.db import Databases

from .content import QuietBrand, QuotaAtRisk, labels_for

QUOTAS = "quotas"
BRANDS = "brands"


def quotas_at_risk(
    databases: Databases, alliance: Alliance, libraries: Sequence[str], now: datetime, language: str
) -> list[QuotaAtRisk]:
    """The annual targets of these libraries the quotas service finds at risk as of ``now``, and
    those it finds can no longer be met this year (``out_of_reach``: a month or quarter over short).

    Figures are computed when the digest is rendered (the quotas service's QUOTAS events
    announce only transitions, so their counts go stale).  Nothing when the quotas service
    has no data: the digest then leaves the section out rather than show zeros.
    """
    from shuxiang.services.quotas.report import has_tallies, quota_report
    from shuxiang.services.quotas.tally import QuotaState

    engine = databases.reader(QUOTAS)
    if not has_tallies(engine):
        return []
    wanted = set(libraries)
    report = quota_report(engine, alliance, now.astimezone(alliance.tz).year, now)
    labels = labels_for(alliance, language)
    return [
        QuotaAtRisk(
            library=labels.library(library.member.id),
            rule=p.rule.name_in(language),
            done=p.attained,
            minimum=p.target,
            expected=p.expected if p.state is QuotaState.at_risk else 0,
            out_of_reach=p.state is QuotaState.not_met,
            missed=len(p.missed),
        )
        for library in report.libraries
        if library.member.id in wanted
        for p in library.rules
        if p.state in (QuotaState.at_risk, QuotaState.not_met)
    ]


def quiet_brands(
    databases: Databases, alliance: Alliance, libraries: Sequence[str], now: datetime, language: str
) -> list[QuietBrand]:
    """The brands of these libraries that the brands service finds quiet or lapsed as of ``now``."""
    from shuxiang.services.brands.store import brands_gone_quiet

    tz = alliance.tz
    labels = labels_for(alliance, language)
    entries = brands_gone_quiet(databases.reader(BRANDS), alliance, now.astimezone(tz).date(), libraries)
    return [
        QuietBrand(
            name=entry.brand.name,
            library=labels.library(entry.brand.library_id),
            last_session=entry.figures.last_held.astimezone(tz).strftime("%Y-%m-%d")
            if entry.figures.last_held
            else None,
            days_quiet=entry.figures.days_since_last,
        )
        for entry in sorted(entries, key=lambda e: (-(e.figures.days_since_last or 10**6), e.brand.id))
    ]
