"""The alliance configuration (联盟配置): members, venues, brands, campaigns, targets, coordinators.

One TOML file describes one reading-promotion alliance::

    [alliance]
    id = "shuxiang-demo"
    name = "书香联盟（示例）"
    timezone = "Asia/Shanghai"

    [[members]]
    id = "ccl"
    name = "长春市图书馆"
    tier = "central"

    [[members]]
    id = "jn"
    name = "津南区图书馆"
    tier = "district"
    parent = "ccl"

followed by ``[[venues]]``, ``[[brands]]``, ``[[campaigns]]``, ``[[quota_rules]]`` and
``[[coordinators]]`` tables.  :func:`load_alliance` reads and checks it; every mistake
becomes an :class:`AllianceConfigError` naming the file, the entry and what is wrong.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from enum import StrEnum
from functools import cached_property
from importlib import resources
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Protocol, Union, get_args, get_origin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from shuxiang.memos import BurstDict, burst_dict
from shuxiang.schemas.submission import LIBRARY_ID_PATTERN, Category, Role

__all__ = [
    "LARGE_SERIES_TAG",
    "ActivityLike",
    "Alliance",
    "AllianceConfigError",
    "Audience",
    "Brand",
    "Campaign",
    "Coordinator",
    "Member",
    "PlanPeriod",
    "QuotaFilter",
    "QuotaRule",
    "QuotaScope",
    "Schedule",
    "Tier",
    "VenueEntry",
    "is_large_series",
    "load_alliance",
    "load_demo_alliance",
    "normalize_venue_text",
    "parse_alliance",
]

Slug = Annotated[str, Field(pattern=LIBRARY_ID_PATTERN)]
"""Ids of everything in the file: lower-case ascii, digits, ``_`` and ``-`` (they appear
in NATS subjects and feed URLs)."""

Text = Annotated[str, Field(min_length=1)]

LARGE_SERIES_TAG = "大型系列"
"""The tag that marks an activity as part of a large reading series (大型系列读书活动)."""

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://\S+$")

LIST_TABLES = ("members", "venues", "brands", "campaigns", "quota_rules", "coordinators", "plan_periods", "audiences")


class Tier(StrEnum):
    """A member's level in the alliance tree: 中心馆 → 区/县馆 → 分馆 → 服务点."""

    central = "central"
    district = "district"
    county = "county"
    branch = "branch"
    service_point = "service_point"

    @property
    def level(self) -> int:
        """0 for the central library; district and county share level 1."""
        return _TIER_LEVELS[self]


_TIER_LEVELS = {
    Tier.central: 0,
    Tier.district: 1,
    Tier.county: 1,
    Tier.branch: 2,
    Tier.service_point: 3,
}


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Named:
    """An entry with a Chinese ``name`` and, optionally, an English ``name_en``."""

    def name_in(self, language: str) -> str:
        """The English name when ``language`` is "en" and there is one; else the Chinese one."""
        return (self.name_en or self.name) if language == "en" else self.name  # type: ignore[attr-defined]


def _check_url(value: str) -> str:
    if not _URL.match(value):
        raise ValueError(f'"{value}" is not a web address (it should start with http:// or https://)')
    return value


WebUrl = Annotated[str, AfterValidator(_check_url)]


class Member(_Named, _Entry):
    """One member library (成员馆)."""

    id: Slug
    name: Text
    name_en: str | None = None
    tier: Tier
    parent: Slug | None = None
    region: str | None = None
    address: str | None = None
    url: WebUrl | None = None
    ics_url: WebUrl | None = Field(None, description="the member's own ICS calendar, pulled into the alliance's")


class VenueEntry(_Entry):
    """A room or place in the alliance's venue directory (场馆目录)."""

    id: Slug
    library_id: Slug
    name: Text
    aliases: list[Text] = Field(default_factory=list)
    address: str | None = None
    capacity: int | None = Field(None, ge=0)


class Brand(_Entry):
    """A named, recurring activity programme: 一馆一品."""

    id: Slug
    name: Text
    library_id: Slug
    since: int | None = Field(None, ge=1949, le=2100, description="the year of the first edition")
    category: Category
    description: str | None = None
    keywords: list[Text] = Field(default_factory=list, description="title words that identify its sessions")
    partners: list[Slug] = Field(default_factory=list, description="member ids that take part")
    leads: dict[int, Slug] = Field(
        default_factory=dict,
        description="year -> the member leading it that year "
        "(长春 项目轮值牵头制: led in rotation); other years: library_id",
    )

    def lead_in(self, year: int) -> str:
        """The member leading the programme in ``year``: its rotation's, else the owner."""
        return self.leads.get(year, self.library_id)


class Campaign(_Named, _Entry):
    """An alliance campaign window (联盟节假日活动), e.g. 4·23 读书月."""

    id: Slug
    name: Text
    name_en: str | None = None
    starts_on: date
    ends_on: date
    description: str | None = None
    recurs_yearly: bool = True

    @model_validator(mode="after")
    def _ordered(self) -> Campaign:
        if self.ends_on < self.starts_on:
            raise ValueError(f"ends_on {self.ends_on} is before starts_on {self.starts_on}")
        return self

    def window(self, year: int) -> tuple[date, date]:
        """The campaign's first and last day in ``year`` (the dates as written unless it recurs)."""
        if not self.recurs_yearly:
            return self.starts_on, self.ends_on
        return (
            _same_day_in(self.starts_on, year),
            _same_day_in(self.ends_on, year + self.ends_on.year - self.starts_on.year),
        )

    def covers(self, day: date) -> bool:
        """Whether ``day`` falls inside the campaign (in that year's window when it recurs)."""
        start, end = self.window(day.year)
        if start <= day <= end:
            return True
        if self.recurs_yearly and end.year > start.year:  # a window across New Year
            start, end = self.window(day.year - 1)
            return start <= day <= end
        return False


def _same_day_in(day: date, year: int) -> date:
    if day.month == 2 and day.day == 29:
        try:
            return date(year, 2, 29)
        except ValueError:
            return date(year, 2, 28)
    return day.replace(year=year)


class Audience(_Named, _Entry):
    """A group of readers the plans commit to (服务对象), e.g. 残障人士, 农民工, 老年读者: a controlled
    vocabulary.  An activity's free-text ``audience`` names it when it contains the name or an alias."""

    id: Slug
    name: Text
    name_en: str | None = None
    aliases: list[Text] = Field(default_factory=list, description="words in an audience text that name it")
    source: str | None = Field(None, description="the plan that commits to it")
    kind: Literal["readers", "outreach"] = Field(
        "readers",
        description="readers (服务对象, named in the audience text) or an outreach target (进机关、进企业、"
        "进社区、进学校、进军营: named in the audience, the title or the venue)",
    )

    def named_in(self, text: str) -> bool:
        return self.named_in_normalized(normalize_venue_text(text))

    @cached_property
    def normalized_words(self) -> tuple[str, ...]:
        """The name and aliases as :func:`normalize_venue_text` gives them (computed once)."""
        return tuple(normalize_venue_text(word) for word in (self.name, *self.aliases))

    def named_in_normalized(self, key: str) -> bool:
        """:meth:`named_in` of a text already normalised (the quotas projection asks every audience
        of each activity: normalising the same words each time cost a third of :meth:`Alliance.audiences_in`)."""
        return any(word in key for word in self.normalized_words)


class ActivityLike(Protocol):
    """What :meth:`QuotaFilter.matches` reads of an activity (a submission or canonical activity).

    Read-only members, so frozen models and the quotas' stored facts (category as its string
    value, tags as a tuple) fit too.
    """

    @property
    def category(self) -> str: ...
    @property
    def featured(self) -> bool: ...
    @property
    def campaign_id(self) -> str | None: ...
    @property
    def tags(self) -> Sequence[str]: ...


class QuotaFilter(_Entry):
    """Which activities a quota rule counts.  Every condition given must hold."""

    category: list[Category] = Field(default_factory=list, description="any of these; empty = all")
    featured: bool | None = None
    campaign: bool | str | None = Field(
        None, description="true: linked to any campaign; false: to none; a campaign id: to that one"
    )
    large_series: bool | None = Field(
        None, description=f'a large reading series: tagged "{LARGE_SERIES_TAG}" or in the festival category'
    )
    tags: list[Text] = Field(default_factory=list, description="carries at least one of these tags")
    audience: list[Slug] = Field(default_factory=list, description="for any of these [[audiences]]; empty = all")

    @field_validator("campaign", mode="before")
    @classmethod
    def _campaign_shape(cls, value: Any) -> Any:
        if value is not None and not isinstance(value, bool | str):
            raise ValueError("must be true (any campaign), false (no campaign) or a campaign id")
        return value

    @model_validator(mode="after")
    def _can_match(self) -> QuotaFilter:
        if self.large_series is False and self.category and set(self.category) == {Category.festival}:
            raise ValueError(
                "a festival is always a large series: with large_series = false "
                'and category = ["festival"] the rule never counts anything'
            )
        if self.large_series is False and LARGE_SERIES_TAG in self.tags:
            raise ValueError(
                f'the tag "{LARGE_SERIES_TAG}" marks a large series: with large_series = false '
                "the rule never counts an activity carrying it"
            )
        return self

    def matches(self, activity: ActivityLike) -> bool:
        """Whether ``activity`` is one this filter counts."""
        if self.category and activity.category not in self.category:
            return False
        if self.featured is not None and activity.featured != self.featured:
            return False
        if self.campaign is True and activity.campaign_id is None:
            return False
        if self.campaign is False and activity.campaign_id is not None:
            return False
        if isinstance(self.campaign, str) and activity.campaign_id != self.campaign:
            return False
        if self.large_series is not None and is_large_series(activity) != self.large_series:
            return False
        if self.audience and not set(self.audience) & set(getattr(activity, "audiences", ())):
            return False
        return not self.tags or any(tag in activity.tags for tag in self.tags)


def is_large_series(activity: ActivityLike) -> bool:
    """A large reading series (大型系列读书活动): tagged so, or a reading festival."""
    return LARGE_SERIES_TAG in activity.tags or activity.category == Category.festival


class QuotaScope(_Entry):
    """Which members a rule applies to: any listed tier or library; both empty = all members."""

    tiers: list[Tier] = Field(default_factory=list)
    libraries: list[Slug] = Field(default_factory=list)

    def covers(self, member: Member) -> bool:
        if not self.tiers and not self.libraries:
            return True
        return member.tier in self.tiers or member.id in self.libraries


class QuotaRule(_Named, _Entry):
    """An annual target (年度指标), e.g. 保证每月有一个特色活动.

    ``minimum`` is per year, or per month / quarter when ``per`` is set.  ``unit``
    says whether a weekly series counts once (activity) or per session (occurrence).
    An activity counts for a library when the library is credited in one of ``roles``.
    """

    id: Slug
    name: Text
    name_en: str | None = None
    counts: QuotaFilter = Field(default_factory=QuotaFilter)
    roles: list[Role] = Field(default_factory=lambda: [Role.host], min_length=1)
    unit: Literal["activity", "occurrence"] = "activity"
    period: Literal["year"] = "year"
    per: Literal["month", "quarter"] | None = None
    minimum: int = Field(ge=1)
    applies_to: QuotaScope = Field(default_factory=QuotaScope)
    overrides: dict[str, Annotated[int, Field(ge=0)]] = Field(
        default_factory=dict, description="library id -> its own minimum (0 exempts it)"
    )
    measure: Literal["activities", "participants"] = Field(
        "activities", description="count the activities, or sum their reported participants (人次)"
    )
    growth: float | None = Field(
        None,
        gt=0,
        le=10,
        description="a share of growth against the previous year, e.g. 0.3 for 增长30%: the "
        "target is the previous year's figure raised by it, never below minimum",
    )
    source: str | None = Field(None, description="the plan (and its words) the target comes from")

    @model_validator(mode="after")
    def _participants_once(self) -> QuotaRule:
        if self.measure == "participants" and self.unit == "occurrence":
            raise ValueError(
                'measure = "participants" sums each activity\'s reported attendance once: use unit = "activity"'
            )
        return self

    def target_for(self, library_id: str, previous: int | None) -> int:
        """The year's target: the minimum, or with ``growth`` the previous year's figure raised by
        it (rounded up), whichever is higher."""
        minimum = self.minimum_for(library_id)
        if self.growth is None or previous is None:
            return minimum
        return max(minimum, math.ceil(previous * (1 + self.growth) - 1e-9))

    @field_validator("roles")
    @classmethod
    def _roles_once(cls, roles: list[Role]) -> list[Role]:
        for role in roles:
            if roles.count(role) > 1:
                raise ValueError(f'roles lists "{role.value}" twice')
        return _current_rule_roles(roles)

    def applies(self, member: Member) -> bool:
        return self.applies_to.covers(member)

    def minimum_for(self, library_id: str) -> int:
        return self.overrides.get(library_id, self.minimum)


def _current_rule_roles(roles: list[Role]) -> list[Role]:
    """A rule written with v1's ``co_host`` counted every co-host: it now counts both roles the
    word covered, 承办 organiser and 协办 co-organiser (an activity's own ``co_host`` is read as
    协办 only: :class:`~shuxiang.schemas.submission.Role`)."""
    found: list[Role] = []
    for role in roles:
        for current in (Role.organiser, Role.co_organiser) if role == Role.co_host else (role,):
            if current not in found:
                found.append(current)
    return found


class PlanPeriod(_Named, _Entry):
    """A planning period (规划期), e.g. the 14th five-year plan 2021–2025: the statistics report
    sums its years and compares them with the same number of years before."""

    id: Slug
    name: Text
    name_en: str | None = None
    first_year: int = Field(ge=1949, le=2100)
    last_year: int = Field(ge=1949, le=2100)
    source: str | None = Field(None, description="the plan it comes from")

    @model_validator(mode="after")
    def _ordered(self) -> PlanPeriod:
        if self.last_year < self.first_year:
            raise ValueError(f"last_year {self.last_year} is before first_year {self.first_year}")
        return self

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))


class Schedule(_Entry):
    every: Literal["week", "day"] = "week"
    weekday: int = Field(0, ge=0, le=6, description="0 = Monday; used when every = week")
    hour: int = Field(8, ge=0, le=23, description="local hour in the alliance's time zone")


class Coordinator(_Entry):
    """Someone who receives digests: the alliance office (联盟办) or a district head library."""

    id: Slug
    name: Text
    email: str
    scope: Slug | None = Field(None, description="a member id: its subtree; None: the whole alliance")
    language: Literal["zh-CN", "en"] = "zh-CN"
    schedule: Schedule = Field(default_factory=Schedule)

    @field_validator("email")
    @classmethod
    def _email_shape(cls, value: str) -> str:
        if not _EMAIL.match(value):
            raise ValueError(f'"{value}" is not an email address')
        return value


Loc = tuple[str | int, ...]


class _ReferenceProblems(ValueError):
    """Cross-reference problems found after every entry validated, each with its location."""

    def __init__(self, problems: list[tuple[Loc, str]]) -> None:
        self.problems = problems
        super().__init__("\n".join(f"{_loc_text(loc)}: {msg}" for loc, msg in problems))


class Alliance(_Named, _Entry):
    """A reading-promotion alliance (阅读推广联盟) and everything it has agreed on."""

    id: Slug
    name: Text
    name_en: str | None = None
    timezone: str = "Asia/Shanghai"
    base_url: WebUrl | None = Field(None, description="the public address used in feeds and mails")
    quiet_after_days: int = Field(60, ge=1, description="a brand with no session for this long is quiet")
    lapsed_after_days: int = Field(365, ge=1, description="a brand with no session for this long has lapsed")
    registration_retention_days: int = Field(
        30, ge=1, le=3650, description="readers' names and contacts are erased this many days after the activity"
    )
    members: list[Member] = Field(min_length=1)
    venues: list[VenueEntry] = Field(default_factory=list)
    brands: list[Brand] = Field(default_factory=list)
    campaigns: list[Campaign] = Field(default_factory=list)
    quota_rules: list[QuotaRule] = Field(default_factory=list)
    coordinators: list[Coordinator] = Field(default_factory=list)
    plan_periods: list[PlanPeriod] = Field(default_factory=list)
    audiences: list[Audience] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f'"{value}" is not a known time zone (for example "Asia/Shanghai")') from None
        return value

    @model_validator(mode="after")
    def _references_resolve(self) -> Alliance:
        problems = _reference_problems(self)
        if problems:
            raise _ReferenceProblems(problems)
        return self

    # -- lookups -------------------------------------------------------------------

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def _members_by_id(self) -> dict[str, Member]:
        return {m.id: m for m in self.members}

    @cached_property
    def _children(self) -> dict[str, list[str]]:
        children: dict[str, list[str]] = {m.id: [] for m in self.members}
        for m in self.members:
            if m.parent is not None:
                children[m.parent].append(m.id)
        return children

    def member(self, library_id: str) -> Member | None:
        return self._members_by_id.get(library_id)

    def library_name(self, library_id: str, language: str) -> str:
        """A member's name in ``language`` (:meth:`_Named.name_in`); the id itself for a library
        that is not a member."""
        member = self.member(library_id)
        return member.name_in(language) if member is not None else library_id

    def member_ids(self) -> set[str]:
        return set(self._members_by_id)

    @property
    def central(self) -> Member:
        return next(m for m in self.members if m.tier == Tier.central)

    def children(self, library_id: str) -> list[str]:
        """The members directly under ``library_id``, in file order."""
        self._require(library_id)
        return list(self._children[library_id])

    def subtree(self, library_id: str) -> list[str]:
        """``library_id`` and all its descendants, depth first in file order."""
        self._require(library_id)
        order: list[str] = []
        stack = [library_id]
        while stack:
            current = stack.pop()
            order.append(current)
            stack.extend(reversed(self._children[current]))
        return order

    def ancestors(self, library_id: str) -> list[str]:
        """The parent, grandparent, … of ``library_id`` up to the central library."""
        chain: list[str] = []
        parent = self._require(library_id).parent
        while parent is not None:
            chain.append(parent)
            parent = self._members_by_id[parent].parent
        return chain

    def _require(self, library_id: str) -> Member:
        member = self.member(library_id)
        if member is None:
            raise KeyError(f"{library_id!r} is not a member of the alliance {self.id!r}")
        return member

    def venue(self, venue_id: str) -> VenueEntry | None:
        return next((v for v in self.venues if v.id == venue_id), None)

    def venues_of(self, library_id: str) -> list[VenueEntry]:
        return [v for v in self.venues if v.library_id == library_id]

    def venue_by_alias(self, text: str, *, library_id: str | None = None) -> VenueEntry | None:
        """The venue whose alias is ``text`` (compared after NFKC and without whitespace).

        Failing an alias, a venue name matches when only one venue (of ``library_id``,
        if given) has that name: "报告厅" alone names no venue when several members have one.
        """
        key = normalize_venue_text(text)
        if not key:
            return None
        by_alias = self._venue_aliases.get(key)
        if by_alias is not None and (library_id is None or by_alias.library_id == library_id):
            return by_alias
        named = [v for v in self._venues_by_name.get(key, ()) if library_id is None or v.library_id == library_id]
        return named[0] if len(named) == 1 else None

    @cached_property
    def _venue_aliases(self) -> dict[str, VenueEntry]:
        return {normalize_venue_text(alias): v for v in self.venues for alias in v.aliases}

    @cached_property
    def _venues_by_name(self) -> dict[str, list[VenueEntry]]:
        """The venues by their normalized name (dedup asks for each announcement's venue: scanning
        every venue and normalizing its name each time was 1 % of dedup's samples)."""
        by_name: dict[str, list[VenueEntry]] = {}
        for venue in self.venues:
            by_name.setdefault(normalize_venue_text(venue.name), []).append(venue)
        return by_name

    def brand(self, brand_id: str) -> Brand | None:
        return next((b for b in self.brands if b.id == brand_id), None)

    def brands_of(self, library_id: str) -> list[Brand]:
        """The brands ``library_id`` owns."""
        return [b for b in self.brands if b.library_id == library_id]

    def campaign(self, campaign_id: str) -> Campaign | None:
        return next((c for c in self.campaigns if c.id == campaign_id), None)

    def quota_rule(self, rule_id: str) -> QuotaRule | None:
        return next((q for q in self.quota_rules if q.id == rule_id), None)

    def rules_for(self, library_id: str) -> list[QuotaRule]:
        """The quota rules that apply to ``library_id`` with a minimum above zero."""
        member = self._require(library_id)
        return [q for q in self.quota_rules if q.applies(member) and q.minimum_for(library_id) > 0]

    @cached_property
    def _audiences_memo(self) -> BurstDict:
        return burst_dict(limit=AUDIENCES_MEMO)  # emptied with the other memos when the process is quiet

    def audiences_in(self, text: str | None, *where: str | None) -> tuple[str, ...]:
        """The ids of the [[audiences]] a free-text audience names ("残障人士及视障读者" → disabled);
        outreach targets also by ``where`` (the title, the venue: "阅读推广进社区：…" → community).

        At most the last :data:`AUDIENCES_MEMO` answers are remembered: the quotas and the statistics
        projections of a worker process ask it of the same canonical events one after the other
        (≈ 50 µs an activity with a dozen audiences, a third of the statistics handler's CPU)."""
        key = (text, *where)
        memo = self._audiences_memo
        found = memo.get(key)
        if found is None:
            found = memo.remember(key, self._audiences_named(text, *where))
        return found

    def _audiences_named(self, text: str | None, *where: str | None) -> tuple[str, ...]:
        places = " ".join(w for w in (text, *where) if w)
        text_key = normalize_venue_text(text) if text else ""
        places_key = normalize_venue_text(places) if places else ""
        return tuple(
            a.id
            for a in self.audiences
            if (
                a.named_in_normalized(text_key)
                if text and a.kind == "readers"
                else a.kind == "outreach" and places and a.named_in_normalized(places_key)
            )
        )

    def audience(self, audience_id: str) -> Audience | None:
        return next((a for a in self.audiences if a.id == audience_id), None)

    def plan_period(self, period_id: str) -> PlanPeriod | None:
        return next((p for p in self.plan_periods if p.id == period_id), None)

    def coordinator(self, coordinator_id: str) -> Coordinator | None:
        return next((c for c in self.coordinators if c.id == coordinator_id), None)


AUDIENCES_MEMO = 4096
"""Answers :meth:`Alliance.audiences_in` remembers (a few batches of canonical events)."""


def normalize_venue_text(text: str) -> str:
    """NFKC, no whitespace, case-folded: "报告厅（一楼）" and "报告厅 (一楼)" compare equal."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


# -- cross-reference checks ---------------------------------------------------------

TIER_ORDER = "central → district/county → branch → service_point"


class _Problems(list[tuple[Loc, str]]):
    def add(self, loc: Loc, message: str) -> None:
        self.append((loc, message))


def _reference_problems(alliance: Alliance) -> list[tuple[Loc, str]]:
    problems = _Problems()
    for table in LIST_TABLES:
        _check_unique_ids(problems, table, getattr(alliance, table))
    members = {m.id: m for m in alliance.members}
    _check_tree(problems, alliance.members, members)

    def require_member(loc: Loc, library_id: str) -> None:
        if library_id not in members:
            problems.add(loc, f'"{library_id}" is not a member{_did_you_mean(library_id, members)}')

    alias_owner: dict[str, int] = {}
    for i, venue in enumerate(alliance.venues):
        require_member(("venues", i, "library_id"), venue.library_id)
        for alias in dict.fromkeys(normalize_venue_text(a) for a in venue.aliases):
            owner = alias_owner.setdefault(alias, i)
            if owner != i:
                other = f'venues[{owner}] (id "{alliance.venues[owner].id}")'
                problems.add(("venues", i, "aliases"), f'"{alias}" is already an alias of {other}')
    for i, brand in enumerate(alliance.brands):
        require_member(("brands", i, "library_id"), brand.library_id)
        for partner in brand.partners:
            require_member(("brands", i, "partners"), partner)
        for lead in brand.leads.values():
            require_member(("brands", i, "leads"), lead)
    campaigns = {c.id for c in alliance.campaigns}
    for i, rule in enumerate(alliance.quota_rules):
        campaign = rule.counts.campaign
        if isinstance(campaign, str) and campaign not in campaigns:
            hint = _did_you_mean(campaign, campaigns)
            problems.add(("quota_rules", i, "counts", "campaign"), f'"{campaign}" is not a campaign{hint}')
        for audience in rule.counts.audience:
            if audience not in {a.id for a in alliance.audiences}:
                hint = _did_you_mean(audience, [a.id for a in alliance.audiences])
                problems.add(("quota_rules", i, "counts", "audience"), f'"{audience}" is not an audience{hint}')
        for library_id in rule.applies_to.libraries:
            require_member(("quota_rules", i, "applies_to", "libraries"), library_id)
        for library_id in rule.overrides:
            if library_id not in members:
                require_member(("quota_rules", i, "overrides"), library_id)
            elif not rule.applies(members[library_id]):
                problems.add(
                    ("quota_rules", i, "overrides"),
                    f'"{library_id}" is not covered by applies_to, so its override has no effect',
                )
    for i, coordinator in enumerate(alliance.coordinators):
        if coordinator.scope is not None:
            require_member(("coordinators", i, "scope"), coordinator.scope)
    return problems


def _check_unique_ids(problems: _Problems, table: str, entries: list[Any]) -> None:
    first: dict[str, int] = {}
    for i, entry in enumerate(entries):
        seen = first.setdefault(entry.id, i)
        if seen != i:
            problems.add((table, i, "id"), f'"{entry.id}" is already used by {table}[{seen}]')


def _check_tree(problems: _Problems, members: list[Member], by_id: Mapping[str, Member]) -> None:
    """One central library, known parents, lower tiers below higher ones, no cycles."""
    centrals = [i for i, m in enumerate(members) if m.tier == Tier.central]
    if not centrals:
        problems.add(("members",), 'no member has tier "central": the alliance needs exactly one central library')
    for i in centrals[1:]:
        first = f'members[{centrals[0]}] (id "{members[centrals[0]].id}")'
        problems.add(("members", i, "tier"), f"the alliance already has a central library, {first}; only one allowed")
    for i, member in enumerate(members):
        if member.tier == Tier.central:
            if member.parent is not None:
                problems.add(("members", i, "parent"), "the central library has no parent; remove it")
            continue
        if member.parent is None:
            problems.add(
                ("members", i, "parent"),
                f"missing: a {member.tier} member needs a parent (only the central library has none)",
            )
            continue
        parent = by_id.get(member.parent)
        if parent is None:
            hint = _did_you_mean(member.parent, by_id)
            problems.add(("members", i, "parent"), f'"{member.parent}" is not a member{hint}')
        elif member.tier.level <= parent.tier.level:
            problems.add(
                ("members", i, "tier"),
                f'a {member.tier} cannot be under "{parent.id}", which is a {parent.tier}: '
                f"a child must be a lower tier than its parent ({TIER_ORDER})",
            )
    index = {m.id: i for i, m in reversed(list(enumerate(members)))}
    reported: set[frozenset[str]] = set()
    for member in members:
        chain = [member.id]
        current = member
        while current.parent is not None and current.parent in by_id:
            if current.parent in chain:
                loop = chain[chain.index(current.parent) :] + [current.parent]
                if frozenset(loop) not in reported:
                    reported.add(frozenset(loop))
                    problems.add(("members", index[loop[0]], "parent"), "the parents form a cycle: " + " → ".join(loop))
                break
            chain.append(current.parent)
            current = by_id[current.parent]


def _did_you_mean(word: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(known), n=1)
    return f' (did you mean "{close[0]}"?)' if close else ""


# -- loading and error reporting ----------------------------------------------------


class AllianceConfigError(Exception):
    """The alliance configuration is wrong.  ``problems`` lists every mistake found,
    each naming the file, the entry and what is wrong; ``str()`` shows them one a line."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def load_alliance(path: str | Path) -> Alliance:
    """Read and check an alliance TOML file; raise :class:`AllianceConfigError` on any mistake."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise AllianceConfigError([f"{path}: cannot read the file: {exc.strerror or exc}"]) from None
    return parse_alliance(raw, source=str(path))


def load_demo_alliance() -> Alliance:
    """The demo alliance drawn from the seed plans (``shuxiang/demo/alliance.toml``)."""
    demo = resources.files("shuxiang.demo").joinpath("alliance.toml")
    return parse_alliance(demo.read_bytes(), source="shuxiang/demo/alliance.toml")


def parse_alliance(raw: bytes | str, *, source: str = "alliance.toml") -> Alliance:
    """Check an alliance document; ``source`` names it in error messages."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        problem = f"{source}: not UTF-8 text (byte {exc.start}); save the file as UTF-8"
        raise AllianceConfigError([problem]) from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AllianceConfigError([f"{source}: {_toml_error_text(str(exc))}"]) from None
    data, problems = _assemble(document)
    if problems:
        raise AllianceConfigError(f"{source}: {p}" for p in problems)
    try:
        return Alliance.model_validate(data)
    except ValidationError as exc:
        raise AllianceConfigError(f"{source}: {p}" for p in _explain(exc, data)) from None


def _toml_error_text(message: str) -> str:
    found = re.search(r"\(at line (\d+), column (\d+)\)$", message)
    if found:
        detail = message[: found.start()].rstrip()
        return f"line {found[1]}, column {found[2]}: TOML syntax error: {detail}"
    return f"TOML syntax error: {message}"


def _assemble(document: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Flatten ``[alliance]`` and the ``[[…]]`` tables into the Alliance model's shape."""
    problems: list[str] = []
    header = document.get("alliance")
    if header is None:
        problems.append("[alliance]: the table is missing; it needs at least id and name")
        header = {}
    elif not isinstance(header, dict):
        problems.append("alliance: must be a table, [alliance], not a value or [[alliance]]")
        header = {}
    data = dict(header)
    for key in header:
        if key in LIST_TABLES:
            problems.append(f"alliance.{key}: write {key} as [[{key}]] tables after [alliance], not inside it")
    for key, value in document.items():
        if key == "alliance":
            continue
        if key not in LIST_TABLES:
            hint = _did_you_mean(key, ("alliance", *LIST_TABLES))
            expected = ", ".join(f"[[{t}]]" for t in LIST_TABLES)
            problems.append(f'"{key}": unknown table{hint}; expected [alliance] and {expected}')
            continue
        data[key] = value
    return data, problems


def _explain(exc: ValidationError, data: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for error in exc.errors():
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, _ReferenceProblems):
            lines += [f"{_where(loc, data)}: {msg}" for loc, msg in cause.problems]
            continue
        loc = tuple(error["loc"])
        line = f"{_where(loc, data)}: {_message(error, loc)}"
        if line not in lines:
            lines.append(line)
    return lines


def _where(loc: Loc, data: dict[str, Any]) -> str:
    """``members[3] (id "jn-b01").parent`` for a pydantic location."""
    if loc and loc[0] in LIST_TABLES:
        table, rest = str(loc[0]), loc[1:]
        entry = table
        if rest and isinstance(rest[0], int):
            entry = f"{table}[{rest[0]}]"
            items = data.get(table)
            item = items[rest[0]] if isinstance(items, list) and rest[0] < len(items) else None
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                entry += f' (id "{item["id"]}")'
            rest = rest[1:]
    else:
        entry, rest = "alliance", loc
    return entry + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in rest)


def _loc_text(loc: Loc) -> str:
    return _where(loc, {})


def _message(error: Mapping[str, Any], loc: Loc) -> str:
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx", {})
    if kind == "missing" and len(loc) == 1 and loc[0] in LIST_TABLES:
        return f"there are no [[{loc[0]}]] tables; add at least one"
    if kind == "missing":
        return f'required key "{loc[-1]}" is missing' if loc else "a required key is missing"
    if kind == "extra_forbidden":
        known = _fields_at(loc[:-1])
        hint = _did_you_mean(str(loc[-1]), known) if known else ""
        return f'unknown key "{loc[-1]}"{hint}'
    if kind in ("enum", "literal_error"):
        choices = re.findall(r"'([^']*)'", ctx.get("expected", ""))
        return f'"{value}" is not one of {", ".join(choices)}'
    if kind == "string_pattern_mismatch":
        return f'"{value}" is not a valid id: use lower-case ascii letters, digits, "_" and "-" (not first)'
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind in _BOUNDS:
        limit = next(iter(ctx.values()), "")
        return f"must be {_BOUNDS[kind]} {limit} (got {value!r})"
    if kind == "too_short" and isinstance(value, list | str):
        return "must not be empty"
    return f"{error['msg']} (got {value!r})" if not isinstance(value, dict | list) else error["msg"]


_BOUNDS = {
    "greater_than_equal": "at least",
    "less_than_equal": "at most",
    "greater_than": "more than",
    "less_than": "less than",
}


def _fields_at(loc: Loc) -> list[str]:
    """The keys allowed at ``loc`` (for "did you mean" hints)."""
    model: type[BaseModel] = Alliance
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            return []
        nested = _model_in(field.annotation)
        if nested is None:
            return []
        model = nested
    return list(model.model_fields)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (list, Union, UnionType):
        for arg in get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None
