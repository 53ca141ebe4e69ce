"""The annual statistics report (年度统计报告): its views.

The figures are aggregates over the service's own rows (:mod:`.store`: a row per canonical
activity, kept by :mod:`.handlers`), readers' satisfaction ratings come through the registrations
service's query (:func:`~shuxiang.services.registrations.store.ratings_by_activity`) and quota
outcomes through the quotas service's (:func:`~shuxiang.services.quotas.report.quota_report`).
While the rows are not derived under the alliance's time zone and vocabulary, the figures are
computed as the reference does (:func:`reference_figures`: every canonical activity through the
dedup service's query, its attendance through the quotas service's, and :mod:`.figures`).  Every
output (table, JSON, CSV, XLSX, the page and its print layout) renders the same :class:`View`
list, so they cannot disagree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from babel.dates import get_month_names

from shuxiang.alliance import Alliance
from shuxiang.calendars import EventLabels
from shuxiang.db import Databases
from shuxiang.i18n import N_, both, gettext, in_both, in_both_p, locale_of
from shuxiang.schemas import Category

from . import figures as f
from .handlers import derivation_basis
from .service import NAME
from .store import figures_if_derived

OUTCOME_NAMES = {
    "held": N_("Held (reported)"),
    "unreported": N_("Not reported yet"),
    "not_held": N_("Not held"),
    "cancelled": N_("Cancelled"),
}
METRIC_NAMES = {
    "activities": N_("Activities (held or not yet reported)"),
    "sessions": N_("Sessions of these activities"),
    "held": N_("of which reported held"),
    "unreported": N_("of which not reported yet"),
    "not_held": N_("Not held (not counted)"),
    "cancelled": N_("Cancelled (not counted)"),
    "participants": N_("Participants"),
    "co_hosted": N_("Co-hosted activities"),
    "brand_sessions": N_("Brand sessions"),
    "rated": N_("Readers' ratings"),
    "satisfaction": N_("Reader satisfaction (share rating 4–5 of 5)"),
}
STATE_NAMES = {
    "met": N_("Met"),
    "not_met": N_("Not met"),
    "on_track": N_("On track"),
    "at_risk": N_("At risk"),
}
NONE_NAME = N_("(none)")


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    numeric: bool = True
    percent: bool = False
    """A share (0.925): shown as 92.5 %, kept a number in JSON, CSV and XLSX."""

    def name(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


def percent(value: Any) -> str:
    return "—" if value is None else f"{value:.1%}"


@dataclass
class View:
    """One table of the report (one XLSX sheet, one section of the page)."""

    id: str
    zh: str
    en: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    chart: str | None = None
    """The column the page draws as bars (None: no chart)."""
    percent_rows: frozenset[str] = frozenset()
    """Keys of rows whose numbers are shares (the summary's satisfaction)."""

    def title(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def is_percent(self, row: list[Any], index: int) -> bool:
        column = self.columns[index]
        return column.percent or (column.numeric and row[0] in self.percent_rows)

    def cell(self, row: list[Any], index: int) -> str:
        """A value as the page and the terminal show it (shares as percentages)."""
        value = row[index]
        if self.is_percent(row, index):
            return percent(value)
        return "" if value is None else str(value)

    def as_dicts(self) -> list[dict[str, Any]]:
        return [dict(zip((c.key for c in self.columns), row, strict=True)) for row in self.rows]


@dataclass
class StatsReport:
    alliance: str
    scope: str | None
    """None: the whole alliance; else the member whose subtree it covers."""
    scope_name: str
    years: tuple[int, ...]
    previous_years: tuple[int, ...]
    period: str | None
    timezone: str
    as_of: datetime
    views: list[View]
    figures: f.Figures
    before: f.Figures

    @property
    def label(self) -> str:
        first, last = self.years[0], self.years[-1]
        return str(first) if first == last else f"{first}–{last}"

    def view(self, view_id: str) -> View:
        return next(v for v in self.views if v.id == view_id)

    def as_dict(self) -> dict[str, Any]:
        return {
            "alliance": self.alliance,
            "scope": self.scope,
            "scope_name": self.scope_name,
            "years": list(self.years),
            "previous_years": list(self.previous_years),
            "period": self.period,
            "timezone": self.timezone,
            "as_of": self.as_of.isoformat(),
            "views": {
                v.id: {"title": v.zh, "title_en": v.en, "columns": [c.key for c in v.columns], "rows": v.as_dicts()}
                for v in self.views
            },
        }


def _name(names: dict, key: str, lang: str) -> str:
    return gettext(lang, names[key]) if key in names else key


def build_views(
    alliance: Alliance, now: f.Figures, before: f.Figures, quota_rows: list[list[Any]], lang: str = "zh-CN"
) -> list[View]:
    """The report's views from the figures (labels in ``lang``; keys stay ids)."""

    def label(names, key):
        return _name(names, key, lang)

    words = EventLabels("en" if lang == "en" else "zh-CN")  # the feeds' and pages' names of categories and roles

    def campaign_name(cid: str) -> str:
        if not cid:
            return label({"": NONE_NAME}, "")
        campaign = alliance.campaign(cid)
        return campaign.name_in(lang) if campaign else cid

    def brand_name(bid: str) -> str:
        brand = alliance.brand(bid)
        return brand.name if brand else bid

    pair = [
        Column("activities", *in_both_p("statistics report", "Activities")),
        Column("participants", *in_both("Participants")),
    ]
    summary = View(
        "summary",
        *in_both("Summary"),
        [
            Column("metric", *in_both("Figure"), numeric=False),
            Column("label", *in_both_p("statistics report", "Name"), numeric=False),
            Column("value", *in_both("This period")),
            Column("previous", *in_both("Previous period")),
            Column("change", *in_both("Change"), numeric=False),
        ],
    )
    for metric, value, previous, share in f.summary_rows(now, before):
        summary.rows.append(
            [metric, label(METRIC_NAMES, metric), value, previous, "—" if share is None else f"{share:+.1%}"]
        )
    rate, rate_before = now.satisfaction, before.satisfaction
    points = (
        "—"
        if rate is None or rate_before is None
        else gettext(lang, "{points} percentage points").format(points=f"{(rate - rate_before) * 100:+.1f}")
    )
    summary.rows.append(["satisfaction", label(METRIC_NAMES, "satisfaction"), rate, rate_before, points])
    summary.percent_rows = frozenset({"satisfaction"})
    views = [summary]
    rated_columns = [
        Column("rated", *in_both_p("statistics report", "Ratings")),
        Column("satisfaction", *in_both("Satisfaction"), percent=True),
    ]

    def table(view_id, zh, en, key_column, source: dict, name, order=None, chart="activities"):
        view = View(
            view_id,
            zh,
            en,
            [key_column, Column("name", *in_both_p("statistics report", "Name"), numeric=False), *pair],
            chart=chart,
        )
        keys = order if order is not None else sorted(source, key=lambda k: (-source[k][0], str(k)))
        for key in keys:
            row = source.get(key, [0, 0])
            view.rows.append([key, name(key), row[0], row[-1]])
        return view

    views.append(
        table(
            "category",
            *in_both("By category"),
            Column("category", *in_both("Category"), numeric=False),
            now.by_category,
            words.category,
            order=[c.value for c in Category if c.value in now.by_category],
        )
    )

    def audience_name(key: str) -> str:
        audience = alliance.audience(key)
        return audience.name_in(lang) if audience else key or label({"": NONE_NAME}, "")

    views.append(
        table(
            "audience",
            *in_both("By audience"),
            Column("audience", *in_both_p("statistics report", "Audience"), numeric=False),
            now.by_audience,
            audience_name,
        )
    )
    views.append(
        table(
            "campaign",
            *in_both("By campaign"),
            Column("campaign", *in_both("Campaign"), numeric=False),
            now.by_campaign,
            campaign_name,
            order=[c.id for c in alliance.campaigns if c.id in now.by_campaign]
            + ([""] if "" in now.by_campaign else []),
        )
    )
    month_names = get_month_names("abbreviated", "stand-alone", locale_of(lang))  # CLDR: 1月 … / Jan …
    views.append(
        table(
            "month",
            *in_both("By month"),
            Column("month", *in_both_p("statistics report", "Month")),
            now.by_month,
            lambda m: month_names[m],
            order=list(range(1, 13)),
        )
    )
    if len(now.years) > 1:
        views.append(
            table(
                "year",
                *in_both_p("statistics report", "By year"),
                Column("year", *in_both("Year")),
                now.by_year,
                str,
                order=list(now.years),
            )
        )
    role = View(
        "role",
        *in_both("By role (once per library and activity)"),
        [
            Column("role", *in_both("Role"), numeric=False),
            Column("name", *in_both_p("statistics report", "Name"), numeric=False),
            Column("credits", *in_both_p("statistics report", "Activities")),
            Column("participants", *in_both("Participants")),
        ],
        chart="credits",
    )
    for key in f.ROLES:
        credits, people = now.by_role.get(key, [0, 0])
        role.rows.append([key, words.role(key), credits, people])
    views.append(role)
    library = View(
        "library",
        *in_both("By member library"),
        [
            Column("library", *in_both_p("short column heading", "Library"), numeric=False),
            Column("name", *in_both_p("statistics report", "Name"), numeric=False),
            Column("activities", *in_both("Activities credited")),
            Column("hosted", *in_both("Hosted")),
            Column("participants", *in_both("Participants")),
            *rated_columns,
        ],
        chart="activities",
    )
    for key in sorted(now.by_library, key=lambda k: (-now.by_library[k][0], k)):
        activities, hosted, people = now.by_library[key]
        rated, satisfied = now.rated_by_library.get(key, (0, 0))
        library.rows.append(
            [key, alliance.library_name(key, lang), activities, hosted, people, rated, f.rate(rated, satisfied)]
        )
    views.append(library)
    brands = View(
        "brand",
        *in_both("Brand activities (one library, one brand)"),
        [
            Column("brand", *in_both("Brand"), numeric=False),
            Column("name", *in_both_p("statistics report", "Name"), numeric=False),
            Column("sessions", *in_both_p("statistics report", "Issues")),
            Column("participants", *in_both("Participants")),
            *rated_columns,
        ],
        chart="sessions",
    )
    for key in sorted(now.by_brand, key=lambda k: (-now.by_brand[k][0], k)):
        sessions, people = now.by_brand[key]
        rated, satisfied = now.rated_by_brand.get(key, (0, 0))
        brands.rows.append([key, brand_name(key), sessions, people, rated, f.rate(rated, satisfied)])
    views.append(brands)
    views.append(
        table(
            "partner",
            *in_both("Partners outside the alliance"),
            Column("partner", *in_both("Partner"), numeric=False),
            now.by_partner,
            str,
        )
    )
    outcomes = View(
        "outcome",
        *in_both("Held or not"),
        [
            Column("outcome", *in_both("Outcome"), numeric=False),
            Column("name", *in_both_p("statistics report", "Name"), numeric=False),
            Column("activities", *in_both("Activities")),
            Column("previous", *in_both("Previous period")),
        ],
        chart="activities",
    )
    for key in f.OUTCOMES:
        outcomes.rows.append([key, label(OUTCOME_NAMES, key), now.outcomes[key], before.outcomes[key]])
    views.append(outcomes)
    quotas = View(
        "quotas",
        *in_both("Quota outcomes"),
        [
            Column("id", *in_both("Id"), numeric=False),
            Column("name", *in_both_p("statistics report", "Name"), numeric=False),
            Column("year", *in_both("Year")),
            Column("library", *in_both_p("short column heading", "Library"), numeric=False),
            Column("rule", *in_both("Quota"), numeric=False),
            Column("attained", *in_both("Attained")),
            Column("target", *in_both("Target")),
            Column("state", *in_both("State"), numeric=False),
        ],
    )
    for key, year, library_id, rule_name, attained, target, state in quota_rows:
        quotas.rows.append(
            [
                key,
                alliance.library_name(library_id, lang),
                year,
                library_id,
                rule_name,
                attained,
                target,
                label(STATE_NAMES, state),
            ]
        )
    views.append(quotas)
    return views


def quota_outcomes(
    databases: Databases, alliance: Alliance, years, scope: set[str] | None, now: datetime, lang: str
) -> tuple[list[list[Any]], Counter]:
    """Each library's quota outcome per year (the quotas service's query), and the states counted.

    A row's key is ``library/rule`` (``ccl/featured-monthly``), ``year/library/rule`` when the
    report covers several years: the CSV's rows of one quota share it, and no other row does (the
    year and the library's name had been the key, shared by all of a library's rules)."""
    from shuxiang.services.quotas.report import quota_report
    from shuxiang.services.quotas.service import NAME as QUOTAS

    rows, states = [], Counter()
    engine = databases.reader(QUOTAS)
    for year in years:
        for library in quota_report(engine, alliance, year, now).libraries:
            if scope is not None and library.member.id not in scope:
                continue
            for p in library.rules:
                key = (
                    f"{library.member.id}/{p.rule.id}" if len(years) == 1 else f"{year}/{library.member.id}/{p.rule.id}"
                )
                rows.append([key, year, library.member.id, p.rule.name_in(lang), p.attained, p.target, p.state.value])
                states[p.state.value] += 1
    return rows, states


def reference_figures(
    databases: Databases,
    alliance: Alliance,
    scope: set[str] | None,
    periods: list[list[int]],
    ratings: dict[str, tuple[int, int]],
) -> list[f.Figures]:
    """The figures from every canonical activity (the dedup service's query) and its attendance
    (the quotas service's), through :mod:`.figures`: what the stored rows give, at the cost of
    parsing every activity (2.6–4.0 s at 100,000 submissions).  Read while the rows are not derived
    under the alliance's time zone and vocabulary."""
    from shuxiang.services.dedup.service import NAME as DEDUP
    from shuxiang.services.dedup.service import canonical_activities
    from shuxiang.services.quotas.service import NAME as QUOTAS
    from shuxiang.services.quotas.store import attendance_by_activity

    attendance = attendance_by_activity(databases.reader(QUOTAS))
    vocabulary = alliance.audiences_in if alliance.audiences else None
    items = f.stream_items(canonical_activities(databases.reader(DEDUP)), attendance, alliance.tz, alliance)
    return f.figures_of_periods(items, scope, periods, vocabulary, ratings)


class UnknownChoice(LookupError):
    """A period or library the alliance does not have: said with the option's name as the asker
    knows it (``--period`` on the command line, ``period`` on the page), in their language."""

    def __init__(self, option: str, msgid: str, value: str) -> None:
        super().__init__(option, msgid, value)
        self.option, self.msgid, self.value = option, msgid, value

    def text(self, lang: str) -> str:
        """``period: 没有规划期“x”`` in one language (a page)."""
        return f"{self.option}: " + gettext(lang, self.msgid).format(**{self.option: self.value})

    def __str__(self) -> str:
        """``--period: 中文 / English`` (the command line)."""
        return f"--{self.option}: " + both(self.msgid, **{self.option: self.value})


def stats_report(
    databases: Databases,
    alliance: Alliance,
    now: datetime,
    *,
    year: int | None = None,
    period: str | None = None,
    library: str | None = None,
    lang: str = "zh-CN",
    subtree: bool = True,
) -> StatsReport:
    """The report for a year or a plan period, for the alliance (``library`` None), a member's subtree,
    or (``subtree`` False) the member alone."""
    from shuxiang.services.registrations.service import NAME as REGISTRATIONS
    from shuxiang.services.registrations.store import ratings_by_activity

    if period is not None:
        plan = alliance.plan_period(period)
        if plan is None:
            raise UnknownChoice("period", N_('no plan period "{period}"'), period)
        years = plan.years
    else:
        years = [year if year is not None else now.astimezone(alliance.tz).year]
        plan = None
    if library is not None and alliance.member(library) is None:
        raise UnknownChoice("library", N_('no member library "{library}"'), library)
    previous_years = [y - len(years) for y in years]
    ratings = ratings_by_activity(databases.reader(REGISTRATIONS))
    scope = f.scope_of(alliance, library) if subtree or library is None else {library}
    periods = [years, previous_years]
    stored = figures_if_derived(databases.reader(NAME), derivation_basis(alliance), scope, periods, ratings)
    # rows not derived yet (an upgraded data dir), or under another time zone or vocabulary: the reference
    now_figures, before = stored or reference_figures(databases, alliance, scope, periods, ratings)
    quota_rows, _ = quota_outcomes(databases, alliance, years, scope, now, lang)
    return StatsReport(
        alliance=alliance.name_in(lang),
        scope=library,
        scope_name=(
            alliance.library_name(library, lang)
            + ("" if subtree or not alliance.children(library) else gettext(lang, " (itself)"))
            if library
            else alliance.name_in(lang)
        ),
        years=tuple(years),
        previous_years=tuple(previous_years),
        period=plan.id if plan else None,
        timezone=alliance.timezone,
        as_of=now,
        views=build_views(alliance, now_figures, before, quota_rows, lang),
        figures=now_figures,
        before=before,
    )
