"""What a digest says: pure functions from the projection to the sections of one digest.

No I/O here: the service loads the coordinator's activities (already limited to the
scope), the dead letters and whatever else exists, and these functions decide what
is new, what is coming and what needs attention.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from shuxiang.alliance import Alliance, Campaign, Coordinator
from shuxiang.calendars import EventLabels
from shuxiang.calendars.recurrence import as_shown, sessions
from shuxiang.calendars.render import Language
from shuxiang.events.dead_letters import DeadLetter
from shuxiang.i18n import gettext
from shuxiang.schemas import CanonicalActivity, Status

UPCOMING_DAYS = 14
CAMPAIGN_LOOKAHEAD_DAYS = 60
"""A campaign window starting within this many days (or under way) is 'coming up'."""
CAMPAIGN_NAMES_LISTED = 12
"""Members without a registration named per campaign; the rest are counted."""
LIST_LIMIT = 40
"""At most this many rows per list; the rest is counted ("and 12 more")."""


@dataclass(frozen=True)
class ScopedActivity:
    activity: CanonicalActivity
    review_needed: bool = False


@dataclass(frozen=True)
class ActivityLine:
    id: str
    title: str
    when: str
    library: str
    venue: str
    category: str
    brand: str | None


@dataclass(frozen=True)
class Capped:
    """A list cut at LIST_LIMIT, remembering how many were left out."""

    items: list
    more: int = 0

    @classmethod
    def of(cls, items: Sequence, limit: int = LIST_LIMIT) -> Capped:
        return cls(list(items[:limit]), max(0, len(items) - limit))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items) + self.more


@dataclass(frozen=True)
class Changes:
    """The period's new, changed and cancelled activities, each as its section lists them
    (:func:`classify_changes`' order) cut at LIST_LIMIT: ``Capped`` of CanonicalActivity.

    What :func:`classify_changes` and ``Capped.of`` make of every item; a service may compute it
    by counting and reading the first ones only (a bulk import puts every activity in a period)."""

    new: Capped
    changed: Capped
    cancelled: Capped


@dataclass(frozen=True)
class QuietBrand:
    name: str
    library: str
    last_session: str | None
    days_quiet: int | None


@dataclass(frozen=True)
class CampaignGap:
    name: str
    window: str
    starts_in_days: int
    registered: int
    members: int
    missing: Capped

    @property
    def percent(self) -> int:
        return round(100 * self.registered / self.members) if self.members else 100


@dataclass(frozen=True)
class QuotaAtRisk:
    """A library's annual target that is behind (the quotas service's latest at-risk event)."""

    library: str
    rule: str
    done: int
    minimum: int
    expected: int = 0
    """What the pace of the year asks by the end of the digest's period."""
    out_of_reach: bool = False
    """The target can no longer be met this year (a month or quarter of a per-period rule over
    short): listed under its own heading, not as "at risk" — nothing done now changes it."""
    missed: int = 0
    """The months or quarters over short, for a target out of reach."""

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.minimum)) if self.minimum else 100

    @property
    def pace_percent(self) -> int:
        return min(100, round(100 * self.expected / self.minimum)) if self.minimum else 100


@dataclass(frozen=True)
class DeadLetterLine:
    received: str
    consumer: str
    subject: str
    reason: str


@dataclass
class Digest:
    alliance_name: str
    coordinator: Coordinator
    scope_name: str
    period: str
    since: datetime
    until: datetime
    missed_periods: int
    language: str
    new: Capped = field(default_factory=lambda: Capped([]))
    changed: Capped = field(default_factory=lambda: Capped([]))
    cancelled: Capped = field(default_factory=lambda: Capped([]))
    upcoming: Capped = field(default_factory=lambda: Capped([]))
    review: Capped = field(default_factory=lambda: Capped([]))
    quotas: Capped = field(default_factory=lambda: Capped([]))
    quotas_out_of_reach: Capped = field(default_factory=lambda: Capped([]))
    """Targets that can no longer be met this year: for the coordinator's report upward, not a
    thing to act on (not counted in :attr:`attention`)."""
    quiet_brands: Capped = field(default_factory=lambda: Capped([]))
    campaigns: list[CampaignGap] = field(default_factory=list)
    dead_letters: Capped = field(default_factory=lambda: Capped([]))
    base_url: str | None = None

    @property
    def attention(self) -> int:
        """How many things need the coordinator to act."""
        gaps = sum(len(c.missing) for c in self.campaigns)
        return len(self.review) + len(self.quotas) + len(self.quiet_brands) + gaps + len(self.dead_letters)


def scope_libraries(alliance: Alliance, coordinator: Coordinator) -> list[str]:
    """The member ids a coordinator follows: the scope's subtree, or every member."""
    if coordinator.scope is None:
        return [m.id for m in alliance.members]
    return alliance.subtree(coordinator.scope)


def labels_for(alliance: Alliance, language: str) -> EventLabels:
    names = {m.id: m.name_in(language) for m in alliance.members}
    return EventLabels(
        language=cast(Language, language),
        library_names=names,  # EventLabels checks it
        brand_names={b.id: b.name for b in alliance.brands},
    )


def occurrences(activity: CanonicalActivity, tz: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """Start instants of the activity's sessions in [start, end) as the feed shows them.

    A session cancelled on its own is left out; a moved one is at its new start.
    """
    if not activity.recurrence:
        return [activity.starts_at] if start <= activity.starts_at < end else []
    return [
        s.starts_at
        for s in sessions(activity, tz, start, end)
        if not s.cancelled_on_its_own and start <= s.starts_at < end
    ]


def _when(moment: datetime, activity: CanonicalActivity, tz: ZoneInfo, language: str) -> str:
    local = moment.astimezone(tz)
    weekdays = gettext(language, "Mon Tue Wed Thu Fri Sat Sun").split()
    weekday = weekdays[local.weekday()]
    day = local.strftime("%Y-%m-%d")
    if activity.all_day:
        return f"{day} {weekday} " + gettext(language, "all day")
    return f"{day} {weekday} {local:%H:%M}"


def _venue(activity: CanonicalActivity, language: str) -> str:
    if activity.venue.name:
        return activity.venue.name
    return gettext(language, "online")


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\s]+")


def one_line(text: str) -> str:
    """Members' text on one line: line breaks and control characters become one space, so a
    title cannot start lines of its own in the mail (no forged sections, no iCal or header text)."""
    return _CONTROL.sub(" ", text).strip()


def _line(activity: CanonicalActivity, moment: datetime, tz: ZoneInfo, labels: EventLabels) -> ActivityLine:
    return ActivityLine(
        id=activity.id,
        title=one_line(activity.title),
        when=_when(moment, activity, tz, labels.language),
        library=labels.library(activity.host_library_id),
        venue=one_line(_venue(activity, labels.language)),
        category=labels.category(activity.category.value),
        brand=labels.brand_names.get(activity.brand_id) if activity.brand_id else None,
    )


def classify_changes(
    items: Iterable[ScopedActivity], since: datetime, until: datetime
) -> tuple[list[CanonicalActivity], list[CanonicalActivity], list[CanonicalActivity]]:
    """(new, changed, cancelled) in [since, until), what is still to come first.

    Cancelled wins (an activity announced and cancelled in the same period is
    reported cancelled); then new (first announced in the period); then changed.  An entry merged
    into another (``merged_into``: a member's announcement found to be one activity with another's)
    is in none of them — nothing was cancelled; the activity it joined is reported instead.
    """
    new, changed, cancelled = [], [], []
    for item in items:
        activity = item.activity
        if activity.merged_into is not None:
            continue
        if activity.status == Status.cancelled and since <= activity.updated_at < until:
            cancelled.append(activity)
        elif since <= activity.created_at < until:
            new.append(activity)
        elif since <= activity.updated_at < until and activity.status == Status.scheduled:
            changed.append(activity)
    return _coming_first(new, until), _coming_first(changed, until), _coming_first(cancelled, until)


def _coming_first(activities: list[CanonicalActivity], until: datetime) -> list[CanonicalActivity]:
    """What is still to come first (soonest first), then what is past (latest first)."""
    coming = sorted((a for a in activities if a.starts_at >= until), key=lambda a: (a.starts_at, a.id))
    past = sorted((a for a in activities if a.starts_at < until), key=lambda a: (a.starts_at, a.id), reverse=True)
    return coming + past


def upcoming_lines(
    items: Iterable[ScopedActivity], start: datetime, tz: ZoneInfo, labels: EventLabels, days: int = UPCOMING_DAYS
) -> list[ActivityLine]:
    """Every occurrence of a scheduled activity in the next ``days`` days, in time order."""
    end = start + timedelta(days=days)
    found: list[tuple[datetime, str, CanonicalActivity]] = []
    for item in items:
        if item.activity.status != Status.scheduled:
            continue
        found += [
            (s.starts_at, item.activity.id, as_shown(item.activity, s))
            for s in sessions(item.activity, tz, start, end)
            if not s.cancelled_on_its_own and start <= s.starts_at < end
        ]  # a moved one: its own venue
    found.sort(key=lambda entry: (entry[0], entry[1]))
    return [_line(activity, moment, tz, labels) for moment, _, activity in found]


def campaign_window_ahead(campaign: Campaign, today: date) -> tuple[date, date] | None:
    """The campaign's window under way or starting within CAMPAIGN_LOOKAHEAD_DAYS, if any."""
    for year in (today.year - 1, today.year, today.year + 1):
        start, end = campaign.window(year)
        if end >= today and start <= today + timedelta(days=CAMPAIGN_LOOKAHEAD_DAYS):
            return start, end
    return None


def campaign_gaps(
    alliance: Alliance, libraries: Sequence[str], items: Sequence[ScopedActivity], until: datetime, labels: EventLabels
) -> list[CampaignGap]:
    """Campaign windows coming up and the members in scope with nothing registered for them."""
    tz = alliance.tz
    today = until.astimezone(tz).date()
    gaps = []
    for campaign in alliance.campaigns:
        window = campaign_window_ahead(campaign, today)
        if window is None:
            continue
        start, end = window
        registered: set[str] = set()
        for item in items:
            activity = item.activity
            if activity.campaign_id != campaign.id or activity.status != Status.scheduled:
                continue
            if start <= activity.starts_at.astimezone(tz).date() <= end:
                registered.update(o.library_id for o in activity.organizers)
        missing = [labels.library(lib) for lib in libraries if lib not in registered]
        name = campaign.name_in(labels.language)
        gaps.append(
            CampaignGap(
                name=name,
                window=f"{start:%Y-%m-%d} – {end:%Y-%m-%d}",
                starts_in_days=max(0, (start - today).days),
                registered=len(libraries) - len(missing),
                members=len(libraries),
                missing=Capped.of(missing, CAMPAIGN_NAMES_LISTED),
            )
        )
    gaps.sort(key=lambda gap: gap.window)
    return gaps


def dead_letter_lines(
    letters: Iterable[DeadLetter], libraries: Sequence[str] | None, tz: ZoneInfo
) -> list[DeadLetterLine]:
    """Dead letters not yet replayed; for a scoped coordinator only those from its members' subjects."""
    wanted = set(libraries) if libraries is not None else None
    lines = []
    for letter in letters:
        if letter.replayed_at is not None:
            continue
        if wanted is not None and letter.subject.rsplit(".", 1)[-1] not in wanted:
            continue
        lines.append(
            DeadLetterLine(
                received=letter.received_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                consumer=letter.consumer,
                subject=letter.subject,
                reason=one_line(letter.reason if len(letter.reason) <= 300 else letter.reason[:299] + "…"),
            )
        )
    return lines


def build_digest(
    alliance: Alliance,
    coordinator: Coordinator,
    *,
    period: str,
    since: datetime,
    until: datetime,
    items: Sequence[ScopedActivity],
    dead_letters: Iterable[DeadLetter] = (),
    quotas: Sequence[QuotaAtRisk] = (),
    quiet_brands: Sequence[QuietBrand] = (),
    missed_periods: int = 0,
    changes: Changes | None = None,
) -> Digest:
    """Every section of one coordinator's digest for [since, until).

    ``changes``: the period's new, changed and cancelled activities, when the caller has them
    (else classified from ``items``, which must then hold every activity changed in the period)."""
    language = coordinator.language
    tz = alliance.tz
    labels = labels_for(alliance, language)
    libraries = scope_libraries(alliance, coordinator)
    if changes is None:
        changes = Changes(*(Capped.of(found) for found in classify_changes(items, since, until)))
    line = lambda a: _line(a, a.starts_at, tz, labels)  # noqa: E731
    lines = lambda capped: Capped([line(a) for a in capped.items], capped.more)  # noqa: E731
    review = sorted(
        (i.activity for i in items if i.review_needed and i.activity.status == Status.scheduled),
        key=lambda a: (a.starts_at, a.id),
    )
    scope = alliance.member(coordinator.scope) if coordinator.scope else None
    scope_name = (
        labels.library(scope.id) + gettext(language, " and its members")
        if scope
        else gettext(language, "the whole alliance")
    )
    return Digest(
        alliance_name=alliance.name_in(language),
        coordinator=coordinator,
        scope_name=scope_name,
        period=period,
        since=since,
        until=until,
        missed_periods=missed_periods,
        language=language,
        new=lines(changes.new),
        changed=lines(changes.changed),
        cancelled=lines(changes.cancelled),
        upcoming=Capped.of(upcoming_lines(items, until, tz, labels)),
        review=Capped.of([line(a) for a in review]),
        quotas=Capped.of(sorted((q for q in quotas if not q.out_of_reach), key=lambda q: (q.percent, q.library))),
        quotas_out_of_reach=Capped.of(
            sorted((q for q in quotas if q.out_of_reach), key=lambda q: (q.percent, q.library))
        ),
        quiet_brands=Capped.of(list(quiet_brands)),
        campaigns=campaign_gaps(alliance, libraries, items, until, labels),
        dead_letters=Capped.of(dead_letter_lines(dead_letters, None if coordinator.scope is None else libraries, tz)),
        base_url=alliance.base_url,
    )
