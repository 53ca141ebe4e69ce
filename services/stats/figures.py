"""The annual statistics report's figures: pure functions from canonical activities to tables.

Nothing here reads a database or the clock.  The handlers (:mod:`.handlers`) make each
activity's row with :func:`item_of` and the helpers below; :func:`figures_of_periods` is the
reference the stored rows' aggregates (:mod:`.store`) are tested against, and what the report
computes while the rows are not derived under the alliance's time zone and vocabulary.

What counts (DOMAIN.md, "What the figures are for"):

* an activity belongs to a year by the start of its first occurrence not cancelled by an
  exdate, in the alliance's time zone (2026-12-31T16:30Z is 2027 in Shanghai);
* it is *counted* when it is scheduled and not reported as not held: held (reported) or
  not reported yet.  Reported not held (未举办) and cancelled activities are shown as such,
  never added to the counted figures;
* it is in the scope (the alliance, a member, a subtree) when a library of the scope is
  credited in it, in any role; it counts once however many of the scope's libraries are
  credited, and once per credited library in the figures by role and by library;
* participants (人次) are the largest attendance any of its announcements reported
  (co-hosts report the same audience), summed over counted activities;
* co-hosted: credited to more than one library;
* brand sessions (期): the occurrences in the year of counted activities linked to a brand;
* audiences: with an [[audiences]] vocabulary in the alliance file, an activity counts under
  every audience its free-text audience names (so the rows of that view may add up to more).
* satisfaction (满意度, the plans' ≥ 90 % target): registered readers' ratings of counted
  activities (the registrations service's query), 4 or 5 of 5 being satisfied; the rate is
  satisfied / rated, shown with the number of ratings it rests on (no ratings: no rate, never 0 %).
  Like participants, an activity's ratings count once for the scope and once for each credited
  library and its brand.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from shuxiang.alliance import Alliance
from shuxiang.schemas import CanonicalActivity
from shuxiang.services.brands.linking import announcers_of, holders
from shuxiang.services.quotas.tally import ActivityFacts, first_occurrence, occurrences_between, year_bounds

OUTCOMES = ("held", "unreported", "not_held", "cancelled")
"""held: reported held; unreported: scheduled, no report yet; not_held: reported 未举办; cancelled."""
COUNTED = ("held", "unreported")
ROLES = ("host", "organiser", "co_organiser", "participant")
NO_VALUE = ""


@dataclass(frozen=True)
class Item:
    """One activity as the report sees it."""

    activity: CanonicalActivity
    start: datetime
    """Its first occurrence's start, in the alliance's time zone."""
    outcome: str
    participants: int
    """Reported attendance (0 without a report)."""
    sessions: int
    """Occurrences in its year (1 for a single activity)."""
    brand_id: str | None = None
    """The brand it counts for (:func:`counted_brand`)."""

    @property
    def counted(self) -> bool:
        return self.outcome in COUNTED


@dataclass
class Figures:
    """The figures of one scope over a set of years."""

    years: tuple[int, ...]
    outcomes: Counter = field(default_factory=Counter)
    participants: int = 0
    sessions: int = 0
    """场次: the sessions in the period of the counted activities (a weekly series' four Saturdays are
    four; ``activities`` counts it once)."""
    co_hosted: int = 0
    brand_sessions: int = 0
    by_category: dict[str, list[int]] = field(default_factory=dict)
    """category -> [activities, participants]; likewise the others below."""
    by_audience: dict[str, list[int]] = field(default_factory=dict)
    by_campaign: dict[str, list[int]] = field(default_factory=dict)
    by_month: dict[int, list[int]] = field(default_factory=dict)
    by_year: dict[int, list[int]] = field(default_factory=dict)
    by_role: dict[str, list[int]] = field(default_factory=dict)
    """role -> [credits, participants]: one per (activity, credited library of the scope)."""
    by_library: dict[str, list[int]] = field(default_factory=dict)
    """library -> [activities credited in any role, hosted (主办), participants]."""
    by_brand: dict[str, list[int]] = field(default_factory=dict)
    """brand -> [sessions, participants]."""
    by_partner: dict[str, list[int]] = field(default_factory=dict)
    """a partner outside the alliance (school, 社科联, 科协…) -> [activities, participants]."""
    rated: int = 0
    """Readers' ratings (满意度) of the counted activities; ``satisfied`` of them gave 4 or 5."""
    satisfied: int = 0
    rated_by_library: dict[str, list[int]] = field(default_factory=dict)
    """library -> [rated, satisfied], an activity's ratings for each library credited in it."""
    rated_by_brand: dict[str, list[int]] = field(default_factory=dict)
    """brand -> [rated, satisfied]."""

    @property
    def activities(self) -> int:
        return sum(self.outcomes[o] for o in COUNTED)

    @property
    def satisfaction(self) -> float | None:
        return rate(self.rated, self.satisfied)


def rate(rated: int, satisfied: int) -> float | None:
    """The satisfaction rate, rounded to 0.1 % (None without a rating: no figure, not 0 %)."""
    return round(satisfied / rated, 3) if rated else None


def counted_brand(activity: CanonicalActivity, alliance: Alliance | None) -> str | None:
    """The brand an activity counts for: the one it declares, if one of that brand's own libraries
    announced it (:func:`~shuxiang.services.brands.linking.announcers_of`, as the brands service
    links it) — one library's announcement alone added a session to another's 一馆一品 here too.  A
    brand the alliance file does not list (registered by a coordinator) is taken as declared."""
    declared = activity.brand_id or None
    brand = alliance.brand(declared) if alliance is not None and declared else None
    if brand is None:
        return declared
    return declared if holders(brand) & set(announcers_of(activity)) else None


def item_of(
    activity: CanonicalActivity,
    attendance: tuple[bool | None, int | None] | None,
    tz: ZoneInfo,
    alliance: Alliance | None = None,
) -> Item | None:
    """The report's view of one activity (None for a series without an occurrence left).

    A single activity (no recurrence) starts at its start and has one session: no facts to build
    (``ActivityFacts.of`` and the series' walk cost ≈ 30 µs an activity, most of the report's CPU
    after parsing)."""
    held, participants = attendance or (None, None)
    outcome = outcome_of(activity.status.value, held)
    if not activity.recurrence:
        brand = counted_brand(activity, alliance)
        return Item(activity, activity.starts_at.astimezone(tz), outcome, participants or 0, 1, brand)
    facts = ActivityFacts.of(activity)
    start = first_occurrence(facts, tz)
    if start is None:
        return None
    first, end = year_bounds(start.year, tz)
    sessions = sum(1 for _ in occurrences_between(facts, tz, first, end))
    return Item(activity, start, outcome, participants or 0, sessions, counted_brand(activity, alliance))


def outcome_of(status: str, held: bool | None) -> str:
    """One of :data:`OUTCOMES`: cancelled whatever was reported, else as reported (or not)."""
    if status != "scheduled":
        return "cancelled"
    return {True: "held", False: "not_held", None: "unreported"}[held]


def audiences_of(activity: CanonicalActivity, audiences_in: Callable[..., tuple[str, ...]] | None) -> tuple[str, ...]:
    """The audiences an activity counts under: with the alliance's vocabulary (``audiences_in``),
    every one its text names, else (or when it names none) its text itself."""
    named = audiences_in(activity.audience, activity.title, activity.venue.name) if audiences_in is not None else ()
    return named or ((activity.audience or NO_VALUE).strip(),)


def partners_of(activity: CanonicalActivity) -> tuple[str, ...]:
    """Its partners outside the alliance, each once."""
    return tuple(dict.fromkeys(p.strip() for p in activity.partners))


def credited_of(activity: CanonicalActivity) -> dict[str, str]:
    """Library -> role, once per library (the last role a library is listed in)."""
    return {o.library_id: o.role.value for o in activity.organizers}


def add(table: dict, key, *values: int) -> None:
    row = table.setdefault(key, [0] * len(values))
    for i, value in enumerate(values):
        row[i] += value


def figures(
    items: Iterable[Item],
    scope: set[str] | None,
    years: Sequence[int],
    audiences_in: Callable[..., tuple[str, ...]] | None = None,
    ratings: Mapping[str, tuple[int, int]] | None = None,
) -> Figures:
    """The figures of the activities credited to a library of ``scope`` (None: everyone) whose
    first occurrence falls in ``years``.  ``audiences_in``: the alliance's audience vocabulary —
    an activity counts under each audience its text names (else under the text itself).
    ``ratings``: activity id -> (ratings, satisfied ones), the readers' 满意度."""
    return figures_of_periods(items, scope, [years], audiences_in, ratings)[0]


def figures_of_periods(
    items: Iterable[Item],
    scope: set[str] | None,
    periods: Sequence[Sequence[int]],
    audiences_in: Callable[..., tuple[str, ...]] | None = None,
    ratings: Mapping[str, tuple[int, int]] | None = None,
) -> list[Figures]:
    """:func:`figures` of several periods (sets of years: the report's and the one before) in one pass over ``items``, which may be a stream: no item is kept, so the report's memory is
    its figures', not the activities' (a list of every canonical activity took ≈ 570 MB at 100k)."""
    outs = [Figures(years=tuple(years)) for years in periods]
    period_of: dict[int, list[Figures]] = {}
    for out, years in zip(outs, periods, strict=True):
        for year in dict.fromkeys(years):
            period_of.setdefault(year, []).append(out)
    for item in items:
        for out in period_of.get(item.start.year, ()):
            _count(out, item, scope, audiences_in, ratings or {})
    return outs


def _count(
    out: Figures,
    item: Item,
    scope: set[str] | None,
    audiences_in: Callable[..., tuple[str, ...]] | None,
    ratings: Mapping[str, tuple[int, int]],
) -> None:
    """Add one item (of the figures' years) to ``out``."""
    credited = credited_of(item.activity)
    mine = {lib: role for lib, role in credited.items() if scope is None or lib in scope}
    if not mine:
        return
    out.outcomes[item.outcome] += 1
    if not item.counted:
        return
    a, people = item.activity, item.participants
    out.participants += people
    out.sessions += item.sessions
    out.co_hosted += len(credited) > 1
    add(out.by_category, a.category.value, 1, people)
    for audience in audiences_of(a, audiences_in):
        add(out.by_audience, audience, 1, people)
    add(out.by_campaign, a.campaign_id or NO_VALUE, 1, people)
    add(out.by_month, item.start.month, 1, people)
    add(out.by_year, item.start.year, 1, people)
    for library_id, role in mine.items():
        add(out.by_role, role, 1, people)
        add(out.by_library, library_id, 1, int(role == "host"), people)
    for partner in partners_of(a):
        add(out.by_partner, partner, 1, people)
    if item.brand_id:
        out.brand_sessions += item.sessions
        add(out.by_brand, item.brand_id, item.sessions, people)
    rated, satisfied = ratings.get(a.id, (0, 0))
    if rated:
        out.rated += rated
        out.satisfied += satisfied
        for library_id in mine:
            add(out.rated_by_library, library_id, rated, satisfied)
        if item.brand_id:
            add(out.rated_by_brand, item.brand_id, rated, satisfied)


def change(current: int, previous: int) -> float | None:
    """The change against the previous period as a share (0.3 = +30 %); None from nothing."""
    return None if previous == 0 else (current - previous) / previous


def summary_rows(now: Figures, before: Figures) -> list[tuple[str, int, int, float | None]]:
    """(metric, this period, the period before, change) for the headline figures."""
    metrics = [
        ("activities", now.activities, before.activities),
        ("sessions", now.sessions, before.sessions),
        ("held", now.outcomes["held"], before.outcomes["held"]),
        ("unreported", now.outcomes["unreported"], before.outcomes["unreported"]),
        ("not_held", now.outcomes["not_held"], before.outcomes["not_held"]),
        ("cancelled", now.outcomes["cancelled"], before.outcomes["cancelled"]),
        ("participants", now.participants, before.participants),
        ("co_hosted", now.co_hosted, before.co_hosted),
        ("brand_sessions", now.brand_sessions, before.brand_sessions),
        ("rated", now.rated, before.rated),
    ]
    return [(name, a, b, change(a, b)) for name, a, b in metrics]


def scope_of(alliance, library: str | None) -> set[str] | None:
    """None for the whole alliance; else the member and every library under it."""
    return None if library is None else set(alliance.subtree(library))


def items_of(
    activities: Iterable[CanonicalActivity],
    attendance: Mapping[str, tuple[bool | None, int | None]],
    tz: ZoneInfo,
    alliance: Alliance | None = None,
) -> list[Item]:
    return list(stream_items(activities, attendance, tz, alliance))


def stream_items(
    activities: Iterable[CanonicalActivity],
    attendance: Mapping[str, tuple[bool | None, int | None]],
    tz: ZoneInfo,
    alliance: Alliance | None = None,
) -> Iterator[Item]:
    """:func:`items_of` one at a time (for :func:`figures_of_periods` over a stream)."""
    return (item for a in activities if (item := item_of(a, attendance.get(a.id), tz, alliance)) is not None)
