"""The annual statistics report (年度统计报告): its views, gathered through other services' queries.

The statistics service owns no table.  It reads the canonical activities through the dedup
service's query (:func:`~shuxiang.services.dedup.service.canonical_activities`), attendance
and quota progress through the quotas service's (:func:`~shuxiang.services.quotas.store.
attendance_by_activity`, :func:`~shuxiang.services.quotas.report.quota_report`), and
computes the figures with :mod:`.figures`.  Every output (table, JSON, CSV, XLSX, the page
and its print layout) renders the same :class:`View` list, so they cannot disagree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shuxiang.alliance import Alliance
from shuxiang.calendars import EventLabels
from shuxiang.db import Databases
from shuxiang.schemas import Category

from . import figures as f

OUTCOME_NAMES = {
    "held": ("已举办（已报告）", "Held (reported)"),
    "unreported": ("未报告", "Not reported yet"),
    "not_held": ("未举办", "Not held"),
    "cancelled": ("已取消", "Cancelled"),
}
METRIC_NAMES = {
    "activities": ("活动场次（举办及未报告）", "Activities (held or not yet reported)"),
    "held": ("其中已报告举办", "of which reported held"),
    "unreported": ("其中未报告", "of which not reported yet"),
    "not_held": ("未举办（不计入）", "Not held (not counted)"),
    "cancelled": ("已取消（不计入）", "Cancelled (not counted)"),
    "participants": ("参与人次", "Participants"),
    "co_hosted": ("联合举办活动", "Co-hosted activities"),
    "brand_sessions": ("品牌活动期数", "Brand sessions"),
}
STATE_NAMES = {
    "met": ("已达标", "Met"),
    "not_met": ("未达标", "Not met"),
    "on_track": ("进度正常", "On track"),
    "at_risk": ("进度落后", "At risk"),
}
NONE_NAME = ("（未填写）", "(none)")


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    numeric: bool = True

    def name(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


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

    def title(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

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
    zh, en = names.get(key, (key, key))
    return en if lang == "en" else zh


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

    pair = [Column("activities", "活动场次", "Activities"), Column("participants", "参与人次", "Participants")]
    summary = View(
        "summary",
        "总览",
        "Summary",
        [
            Column("metric", "指标", "Figure", numeric=False),
            Column("label", "名称", "Name", numeric=False),
            Column("value", "本期", "This period"),
            Column("previous", "上期", "Previous period"),
            Column("change", "变化", "Change", numeric=False),
        ],
    )
    for metric, value, previous, share in f.summary_rows(now, before):
        summary.rows.append(
            [metric, label(METRIC_NAMES, metric), value, previous, "—" if share is None else f"{share:+.1%}"]
        )
    views = [summary]

    def table(view_id, zh, en, key_column, source: dict, name, order=None, chart="activities"):
        view = View(view_id, zh, en, [key_column, Column("name", "名称", "Name", numeric=False), *pair], chart=chart)
        keys = order if order is not None else sorted(source, key=lambda k: (-source[k][0], str(k)))
        for key in keys:
            row = source.get(key, [0, 0])
            view.rows.append([key, name(key), row[0], row[-1]])
        return view

    views.append(
        table(
            "category",
            "按类别",
            "By category",
            Column("category", "类别", "Category", numeric=False),
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
            "按服务对象",
            "By audience",
            Column("audience", "服务对象", "Audience", numeric=False),
            now.by_audience,
            audience_name,
        )
    )
    views.append(
        table(
            "campaign",
            "按联盟活动",
            "By campaign",
            Column("campaign", "联盟活动", "Campaign", numeric=False),
            now.by_campaign,
            campaign_name,
            order=[c.id for c in alliance.campaigns if c.id in now.by_campaign]
            + ([""] if "" in now.by_campaign else []),
        )
    )
    views.append(
        table(
            "month",
            "按月份",
            "By month",
            Column("month", "月份", "Month"),
            now.by_month,
            lambda m: f"{m}月" if lang != "en" else f"{m:02d}",
            order=list(range(1, 13)),
        )
    )
    if len(now.years) > 1:
        views.append(
            table("year", "按年度", "By year", Column("year", "年度", "Year"), now.by_year, str, order=list(now.years))
        )
    role = View(
        "role",
        "按角色（每馆每活动一次）",
        "By role (once per library and activity)",
        [
            Column("role", "角色", "Role", numeric=False),
            Column("name", "名称", "Name", numeric=False),
            Column("credits", "活动场次", "Activities"),
            Column("participants", "参与人次", "Participants"),
        ],
        chart="credits",
    )
    for key in f.ROLES:
        credits, people = now.by_role.get(key, [0, 0])
        role.rows.append([key, words.role(key), credits, people])
    views.append(role)
    library = View(
        "library",
        "按成员馆",
        "By member library",
        [
            Column("library", "馆", "Library", numeric=False),
            Column("name", "名称", "Name", numeric=False),
            Column("activities", "参与活动", "Activities credited"),
            Column("hosted", "主办", "Hosted"),
            Column("participants", "参与人次", "Participants"),
        ],
        chart="activities",
    )
    for key in sorted(now.by_library, key=lambda k: (-now.by_library[k][0], k)):
        activities, hosted, people = now.by_library[key]
        library.rows.append([key, alliance.library_name(key, lang), activities, hosted, people])
    views.append(library)
    brands = View(
        "brand",
        "品牌活动（一馆一品）",
        "Brand sessions",
        [
            Column("brand", "品牌", "Brand", numeric=False),
            Column("name", "名称", "Name", numeric=False),
            Column("sessions", "期数", "Sessions"),
            Column("participants", "参与人次", "Participants"),
        ],
        chart="sessions",
    )
    for key in sorted(now.by_brand, key=lambda k: (-now.by_brand[k][0], k)):
        sessions, people = now.by_brand[key]
        brands.rows.append([key, brand_name(key), sessions, people])
    views.append(brands)
    views.append(
        table(
            "partner",
            "联盟外合作单位",
            "Partners outside the alliance",
            Column("partner", "合作单位", "Partner", numeric=False),
            now.by_partner,
            str,
        )
    )
    outcomes = View(
        "outcome",
        "举办情况",
        "Held or not",
        [
            Column("outcome", "情况", "Outcome", numeric=False),
            Column("name", "名称", "Name", numeric=False),
            Column("activities", "活动", "Activities"),
            Column("previous", "上期", "Previous period"),
        ],
        chart="activities",
    )
    for key in f.OUTCOMES:
        outcomes.rows.append([key, label(OUTCOME_NAMES, key), now.outcomes[key], before.outcomes[key]])
    views.append(outcomes)
    quotas = View(
        "quotas",
        "年度指标完成情况",
        "Quota outcomes",
        [
            Column("year", "年度", "Year"),
            Column("library", "馆", "Library", numeric=False),
            Column("name", "名称", "Name", numeric=False),
            Column("rule", "指标", "Target", numeric=False),
            Column("attained", "完成", "Attained"),
            Column("target", "目标", "Target"),
            Column("state", "状态", "State", numeric=False),
        ],
    )
    for year, library_id, _rule_id, rule_name, attained, target, state in quota_rows:
        quotas.rows.append(
            [
                year,
                library_id,
                alliance.library_name(library_id, lang),
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
    """Each library's quota outcome per year (the quotas service's query), and the states counted."""
    from shuxiang.services.quotas.report import quota_report
    from shuxiang.services.quotas.service import NAME as QUOTAS

    rows, states = [], Counter()
    engine = databases.reader(QUOTAS)
    for year in years:
        for library in quota_report(engine, alliance, year, now).libraries:
            if scope is not None and library.member.id not in scope:
                continue
            for p in library.rules:
                rows.append(
                    [year, library.member.id, p.rule.id, p.rule.name_in(lang), p.attained, p.target, p.state.value]
                )
                states[p.state.value] += 1
    return rows, states


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
    from shuxiang.services.dedup.service import NAME as DEDUP
    from shuxiang.services.dedup.service import canonical_activities
    from shuxiang.services.quotas.service import NAME as QUOTAS
    from shuxiang.services.quotas.store import attendance_by_activity

    if period is not None:
        plan = alliance.plan_period(period)
        if plan is None:
            raise LookupError(f'--period：没有规划期“{period}” / no plan period "{period}"')
        years = plan.years
    else:
        years = [year if year is not None else now.astimezone(alliance.tz).year]
        plan = None
    if library is not None and alliance.member(library) is None:
        raise LookupError(f'--library：没有成员馆“{library}” / no member library "{library}"')
    previous_years = [y - len(years) for y in years]
    tz = alliance.tz
    attendance = attendance_by_activity(databases.reader(QUOTAS))
    items = f.items_of((a for a in canonical_activities(databases.reader(DEDUP))), attendance, tz)
    scope = f.scope_of(alliance, library) if subtree or library is None else {library}
    vocabulary = alliance.audiences_in if alliance.audiences else None
    now_figures = f.figures(items, scope, years, vocabulary)
    before = f.figures(items, scope, previous_years, vocabulary)
    quota_rows, _ = quota_outcomes(databases, alliance, years, scope, now, lang)
    return StatsReport(
        alliance=alliance.name_in(lang),
        scope=library,
        scope_name=(
            alliance.library_name(library, lang)
            + ("" if subtree or not alliance.children(library) else ("（本馆）" if lang != "en" else " (itself)"))
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
