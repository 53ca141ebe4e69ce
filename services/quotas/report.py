"""Reading quota progress: per library and rule, for the web page, the API and the CLI.

The figures come from the tallies the handlers keep (``quotas_month``: twelve sums per library
and rule and year; the open-ended series, tallied from their facts; ``quotas_uncounted``), so a
report reads a few rows per library and rule, whatever the size of the year: with 88,000
activities stored the whole alliance's recount took 2–3.4 s a request.  The recount from the
year's facts (:func:`recount_report`) gives the same figures; it remains for a library's
drill-down (which lists the activities credited) and for tallies derived under other rules
than the alliance's (until the service's next batch derives them again).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, inspect
from sqlalchemy.exc import DBAPIError

from shuxiang.alliance import Alliance, Member, QuotaRule

from .store import V1_ROLES, load_facts, monthly_totals, not_counted_starts, stored_basis, uncounted_of
from .tables import quotas_state
from .tally import Progress, QuotaState, campaigns_of, progress, progress_of_months, tally, tally_basis


@dataclass(frozen=True)
class NotCounted:
    """An activity credited to the library in the year that counts for no rule: reported not held
    (未举办) or cancelled — shown as such, never added to the figures."""

    activity_id: str
    title: str
    at: datetime
    role: str
    outcome: str
    """``not_held`` or ``cancelled``."""


@dataclass(frozen=True)
class LibraryProgress:
    member: Member
    rules: tuple[Progress, ...]
    not_counted: tuple[NotCounted, ...] = ()

    @property
    def behind(self) -> int:
        return sum(p.state in (QuotaState.at_risk, QuotaState.not_met) for p in self.rules)


@dataclass(frozen=True)
class QuotaReport:
    year: int
    as_of: datetime
    timezone: str
    libraries: tuple[LibraryProgress, ...]

    @property
    def as_of_local(self) -> datetime:
        return self.as_of.astimezone(ZoneInfo(self.timezone))

    def counts(self) -> dict[str, int]:
        out = {state.value: 0 for state in QuotaState}
        for library in self.libraries:
            for p in library.rules:
                out[p.state.value] += 1
        return out


def end_of_day(day: date, alliance: Alliance) -> datetime:
    """The last second of ``day`` in the alliance time zone: "as of 30 June"."""
    return datetime.combine(day, time(23, 59, 59), alliance.tz)


def selected_members(
    alliance: Alliance, *, tier: str | None = None, region: str | None = None, library: str | None = None
) -> list[Member]:
    """Members with at least one rule, filtered by tier, region (a substring) and id."""
    return [
        m
        for m in alliance.members
        if alliance.rules_for(m.id)
        and (tier is None or m.tier == tier)
        and (region is None or region in (m.region or ""))
        and (library is None or m.id == library)
    ]


def has_tallies(engine: Engine) -> bool:
    """Whether the quotas service has written its tables yet (a digest before that leaves the
    quotas out rather than show every target at 0 %)."""
    return inspect(engine).has_table(quotas_state.name)


def quota_report(
    engine: Engine,
    alliance: Alliance,
    year: int,
    now: datetime,
    *,
    tier: str | None = None,
    region: str | None = None,
    library: str | None = None,
    credits: bool = False,
) -> QuotaReport:
    """Progress of the selected members on each of their rules in ``year``, as of ``now``, from the
    kept tallies.  ``credits``: with the activities credited under each rule (a library's
    drill-down), recounted from the selected members' facts of the year."""
    members = selected_members(alliance, tier=tier, region=region, library=library)
    if not credits and members:
        try:
            with engine.connect() as connection:
                if stored_basis(connection) == tally_basis(alliance):
                    return _from_tallies(connection, alliance, members, year, now)
        except DBAPIError:  # a data dir from before quotas_basis, read without creating it: recount
            pass
    return recount_report(engine, alliance, year, now, members)


def _rules_of(alliance: Alliance, members: list[Member]) -> tuple[dict, dict]:
    """Each member's rules, and those of its rules whose target grows on the year before."""
    rules = {m.id: alliance.rules_for(m.id) for m in members}
    growing = {lib: [r for r in found if r.growth is not None] for lib, found in rules.items()}
    return rules, {lib: found for lib, found in growing.items() if found}


def _from_tallies(
    connection: Connection, alliance: Alliance, members: list[Member], year: int, now: datetime
) -> QuotaReport:
    tz = alliance.tz
    rules, growing = _rules_of(alliance, members)
    campaigns = campaigns_of(alliance)
    months = monthly_totals(connection, year, tz, rules, campaigns=campaigns)
    before = monthly_totals(connection, year - 1, tz, growing, campaigns=campaigns) if growing else {}
    uncounted: dict[str, list[NotCounted]] = {}
    for row in uncounted_of(connection, year, list(rules)):
        uncounted.setdefault(row.library_id, []).append(
            NotCounted(row.activity_id, row.title, row.starts_at.astimezone(tz), row.role, row.outcome)
        )

    def progress_on(member: Member, rule: QuotaRule) -> Progress:
        previous = sum(before[(member.id, rule.id)]) if rule.growth is not None else None
        return progress_of_months(months[(member.id, rule.id)], rule, member.id, year, tz, now, previous=previous)

    libraries = tuple(
        LibraryProgress(
            m,
            tuple(progress_on(m, r) for r in rules[m.id]),
            tuple(sorted(uncounted.get(m.id, ()), key=lambda n: (n.at, n.activity_id))),
        )
        for m in members
    )
    return QuotaReport(year=year, as_of=now, timezone=alliance.timezone, libraries=libraries)


def recount_report(engine: Engine, alliance: Alliance, year: int, now: datetime, members: list[Member]) -> QuotaReport:
    """:func:`quota_report` counted again from the facts of every activity of the members' year (and
    of the year before, for a growth rule), with the credited activities: the check on the kept
    tallies, a library's drill-down, and the fallback while the tallies' rules are not the alliance's."""
    tz = alliance.tz
    rules, growing = _rules_of(alliance, members)
    with engine.connect() as connection:
        facts = load_facts(connection, year, tz, libraries=rules) if rules else []
        earlier = load_facts(connection, year - 1, tz, libraries=growing) if growing else []
    campaigns = campaigns_of(alliance)
    credits = tally(facts, rules, year, tz, campaigns=campaigns)
    before = tally(earlier, growing, year - 1, tz, campaigns=campaigns)

    def previous(library_id: str, rule) -> int | None:
        """The rule's figure the year before, for a growth rule (增长30%)."""
        return sum(c.weight for c in before[(library_id, rule.id)]) if rule.growth is not None else None

    libraries = tuple(
        LibraryProgress(
            m,
            tuple(
                progress(credits[(m.id, r.id)], r, m.id, year, tz, now, previous=previous(m.id, r)) for r in rules[m.id]
            ),
            not_counted_of(facts, m.id, year, tz),
        )
        for m in members
    )
    return QuotaReport(year=year, as_of=now, timezone=alliance.timezone, libraries=libraries)


def not_counted_of(facts, library_id: str, year: int, tz: ZoneInfo) -> tuple[NotCounted, ...]:
    """The library's activities of ``year`` that are reported not held or cancelled (not merged
    away), and the sessions of its series reported not held on their own."""
    found = []
    for fact in facts:
        role = dict(fact.organizers).get(library_id)
        if role is None:
            continue
        for at, outcome in not_counted_starts(fact, tz):
            if at.year == year:
                found.append(NotCounted(fact.activity_id, fact.title, at, V1_ROLES.get(role, role), outcome))
    return tuple(sorted(found, key=lambda n: (n.at, n.activity_id)))


def progress_dict(p: Progress, *, credits: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule_id": p.rule.id,
        "name": p.rule.name,
        "name_en": p.rule.name_en,
        "unit": p.rule.unit,
        "measure": p.rule.measure,
        "growth": p.rule.growth,
        "source": p.rule.source,
        "per": p.rule.per,
        "minimum": p.minimum,
        "attained": p.attained,
        "target": p.target,
        "expected": p.expected,
        "count": p.count,
        "state": p.state.value,
        "percent": p.percent,
    }
    if p.rule.growth is not None:
        out["previous"] = p.previous  # the year before's figure the target grows on (0: none on record)
    if p.periods:
        out["periods"] = [
            {"index": q.index, "count": q.count, "minimum": q.minimum, "elapsed": q.elapsed} for q in p.periods
        ]
        out["missing_periods"] = p.missing
        out["missed_periods"] = p.missed
    if credits:
        out["credited"] = [
            {
                "activity_id": c.activity_id,
                "title": c.title,
                "starts_at": c.at.isoformat(),
                "role": c.role,
                "weight": c.weight,
            }
            for c in p.credits
        ]
    return out


def report_dict(report: QuotaReport, *, credits: bool = False) -> dict[str, Any]:
    return {
        "year": report.year,
        "as_of": report.as_of.isoformat(),
        "timezone": report.timezone,
        "summary": report.counts(),
        "libraries": [
            {
                "library_id": lib.member.id,
                "name": lib.member.name,
                "name_en": lib.member.name_en,
                "tier": lib.member.tier.value,
                "region": lib.member.region,
                "rules": [progress_dict(p, credits=credits) for p in lib.rules],
                "not_counted": [
                    {
                        "activity_id": n.activity_id,
                        "title": n.title,
                        "starts_at": n.at.isoformat(),
                        "role": n.role,
                        "outcome": n.outcome,
                    }
                    for n in lib.not_counted
                ],
            }
            for lib in report.libraries
        ],
    }
