"""Tallying quotas: pure functions from stored activity facts to credits and progress.

:func:`tally` is what the service, the report, the web page and the tests share: given
the facts of canonical activities (newest version of each), the rules that apply to each
library, a year and the alliance time zone, it returns the credits of every library
under every rule.  Nothing here reads a database or the clock.

Counting rules (DOMAIN.md "Annual targets"):

* an activity counts only while it is scheduled, not merged into another one, and not
  reported as not held (未举办): held or not yet reported;
* it counts once for each library credited in it, in that library's role, and only
  for rules that accept the role;
* a recurring series counts once (at its first occurrence) when the rule's unit is
  ``activity``, and once per occurrence in the year, exdates left out, when it is
  ``occurrence``; sessions count as the feed shows them: one cancelled on its own does
  not count, one moved counts at its new start (in its new month or year);
* a session of a series reported on its own (an ``AttendanceReport`` with ``recurrence_id``)
  is held or not by its own report, whatever the others' say: one reported not held does
  not count, the others still do; the series' participants are the sum of its sessions'
  (unless the series is reported as a whole);
* years, months and quarters are those of the alliance time zone: 2026-12-31T16:30Z
  is 2027-01-01 00:30 in Shanghai, so it counts in 2027;
* under a campaign rule (``counts.campaign``) only the sessions inside the window of the
  activity's campaign count (DOMAIN.md: "a campaign activity only inside the campaign's window"):
  a weekly series tagged summer-reading (07-01 – 08-31) starting 08-31 with that session
  cancelled has no session to credit, though it starts inside; a campaign the alliance does not
  list credits nothing.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from shuxiang.alliance import Alliance, Campaign, QuotaRule
from shuxiang.calendars.recurrence import held_session_moves
from shuxiang.schemas import CanonicalActivity
from shuxiang.schemas.submission import MAX_OCCURRENCES

PERIODS_PER_YEAR = {"month": 12, "quarter": 4}
FOREVER = datetime(9999, 1, 1, tzinfo=UTC)


class QuotaState(StrEnum):
    """Where a library stands on a rule.  ``met`` (已达标); ``not_met`` (未达标) once the target can
    no longer be reached: the year ended short, or — a per-month/quarter rule — a month or quarter
    is over without its minimum (on 2026-12-07, 5 of 12 months with 6 missed cannot become 12 of
    12); while it still can: ``at_risk`` (behind the pace) or ``on_track``.  A target that can no
    longer be met is not "at risk": nothing done now changes it."""

    on_track = "on_track"
    at_risk = "at_risk"
    met = "met"
    not_met = "not_met"


@dataclass(frozen=True)
class ActivityFacts:
    """What the quotas need of one canonical activity (its newest version)."""

    activity_id: str
    version: int
    status: str
    title: str
    category: str
    featured: bool
    campaign_id: str | None
    tags: tuple[str, ...]
    starts_at: datetime
    recurrence: str | None = None
    exdates: tuple[datetime, ...] = ()
    """The rule's sessions that are not held where it puts them: excluded, cancelled or moved away."""
    moved: tuple[datetime, ...] = ()
    """The new starts of the sessions moved on their own (and still held)."""
    moved_from: tuple[datetime | None, ...] = ()
    """The original start of each of ``moved`` (same order; None where not known): what a
    session's attendance report names it by."""
    organizers: tuple[tuple[str, str], ...] = ()
    """(library_id, role) of every credited library."""
    merged_away: bool = False
    """Its announcements now belong to another activity: it no longer exists on its own."""
    held: bool | None = None
    """From attendance reports: True if any of its announcements was reported held, False if
    every report says not held (未举办), None while none is reported."""
    participants: int | None = None
    """The largest attendance any of its announcements reported (co-hosts report the same
    audience); None while none is reported."""
    audiences: tuple[str, ...] = ()
    """The alliance's [[audiences]] its free-text audience names (resolved when stored)."""
    sessions_reported: tuple[tuple[datetime, bool, int], ...] = ()
    """A series' sessions reported on their own: (original start in UTC, held, participants),
    one per session (its announcements' reports folded as :func:`~shuxiang.services.attendance.attendance`
    does).  Such a session is held or not by its own report, not by the series' (``held``)."""

    @classmethod
    def of(
        cls,
        activity: CanonicalActivity,
        *,
        merged_away: bool = False,
        tz: ZoneInfo | None = None,
        held: bool | None = None,
        participants: int | None = None,
        audiences: tuple[str, ...] = (),
        sessions_reported: Iterable[tuple[datetime, bool, int]] = (),
    ) -> ActivityFacts:
        """``tz``: the alliance zone, to find the session each exdate and override names (by its wall time)."""
        gone: tuple[datetime, ...] = tuple(activity.exdates)
        moved: tuple[datetime, ...] = ()
        moved_from: tuple[datetime | None, ...] = ()
        if activity.recurrence and (activity.overrides or activity.exdates):
            zone = tz or activity.starts_at.tzinfo
            assert zone is not None  # starts_at is an AwareDatetime
            found_gone, found_moved = held_session_moves(activity, zone)
            gone = tuple(found_gone)
            moved = tuple(new for new, _ in found_moved)
            moved_from = tuple(original for _, original in found_moved)
        return cls(
            activity_id=activity.id,
            version=activity.version,
            status=activity.status.value,
            title=activity.title,
            category=activity.category.value,
            featured=activity.featured,
            campaign_id=activity.campaign_id,
            tags=tuple(activity.tags),
            starts_at=activity.starts_at,
            recurrence=activity.recurrence,
            exdates=gone,
            moved=moved,
            moved_from=moved_from,
            organizers=tuple((o.library_id, o.role.value) for o in activity.organizers),
            merged_away=merged_away,
            held=held,
            participants=participants,
            audiences=tuple(audiences),
            sessions_reported=tuple(sorted(sessions_reported)) if activity.recurrence else (),
        )

    @property
    def earliest(self) -> datetime:
        """The first session's start: the series' start, or a session moved before it."""
        return min([self.starts_at, *self.moved])

    @property
    def counts(self) -> bool:
        """Held, or not reported yet: a cancelled activity, one merged away, or one reported as
        not held (未举办, e.g. "因天气原因未能举办") counts for nobody — but a series reported
        not held as a whole whose session was reported held on its own counts that session."""
        if self.status != "scheduled" or self.merged_away:
            return False
        return self.held is not False or any(held for _, held, _ in self.sessions_reported)

    @property
    def outcome(self) -> str:
        """``held``, ``not_held``, ``cancelled`` or ``unreported`` (scheduled, no report yet); a
        series with a session reported held is held."""
        if self.status != "scheduled":
            return "cancelled"
        if self.held is not True and any(held for _, held, _ in self.sessions_reported):
            return "held"
        return {True: "held", False: "not_held", None: "unreported"}[self.held]

    def session_held(self, original: datetime | None) -> bool | None:
        """Whether the session the rule starts at ``original`` was held: its own report, else the
        series' (None: not reported)."""
        if original is not None:
            at = original.astimezone(UTC)
            for when, held, _ in self.sessions_reported:
                if when == at:
                    return held
        return self.held

    @property
    def reported_participants(self) -> int | None:
        """The activity's participants (人次): the series' own report when there is one, else the
        sum of its sessions reported held (None: nothing reported)."""
        if self.participants is not None or not self.sessions_reported:
            return self.participants
        return sum(people for _, held, people in self.sessions_reported if held)


@dataclass(frozen=True)
class Credit:
    """One activity (or one occurrence of a series) credited to a library under a rule."""

    activity_id: str
    title: str
    at: datetime
    """The (occurrence's) start, in the alliance time zone."""
    role: str
    weight: int = 1
    """What it adds: 1, or its reported participants under a ``measure = "participants"`` rule."""


def year_bounds(year: int, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The first instant of ``year`` and of the next one, in ``tz``."""
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)


def _series(facts: ActivityFacts, tz: ZoneInfo):
    return rrulestr(facts.recurrence, dtstart=facts.starts_at.astimezone(tz))


def _excluded(facts: ActivityFacts) -> frozenset[datetime]:
    return frozenset(d.astimezone(UTC) for d in facts.exdates)


def _moved_sessions(facts: ActivityFacts) -> list[tuple[datetime, datetime | None]]:
    """(new start, original start or None) of each session moved on its own."""
    originals = facts.moved_from if len(facts.moved_from) == len(facts.moved) else (None,) * len(facts.moved)
    return list(zip(facts.moved, originals, strict=True))


def first_occurrence(facts: ActivityFacts, tz: ZoneInfo, *, held_only: bool = False) -> datetime | None:
    """The start of the activity, or of its series' first occurrence not cancelled by an exdate;
    ``held_only``: nor reported not held on its own (where a series counts once)."""
    if not facts.recurrence:
        return facts.starts_at.astimezone(tz)
    excluded = _excluded(facts)
    skip = held_only and bool(facts.sessions_reported)
    first = None
    for start in islice(_series(facts, tz), MAX_OCCURRENCES if skip else len(excluded) + 1):
        if start.astimezone(UTC) not in excluded and not (skip and facts.session_held(start) is False):
            first = start
            break
    moved = [m.astimezone(tz) for m, original in _moved_sessions(facts) if not (skip and not _held(facts, original))]
    return min([first, *moved] if first is not None else moved, default=None)


def _held(facts: ActivityFacts, original: datetime | None) -> bool:
    return facts.session_held(original) is not False


def occurrences_between(facts: ActivityFacts, tz: ZoneInfo, start: datetime, end: datetime) -> Iterator[datetime]:
    """Occurrence starts in [start, end), exdates and the sessions reported not held on their own
    left out (at most MAX_OCCURRENCES)."""
    yield from (at for at, _ in sessions_between(facts, tz, start, end, held_only=True))


def sessions_between(
    facts: ActivityFacts, tz: ZoneInfo, start: datetime, end: datetime, *, held_only: bool = False
) -> Iterator[tuple[datetime, datetime | None]]:
    """(start, original start) of the sessions in [start, end), exdates left out (at most
    MAX_OCCURRENCES); ``held_only``: those reported not held on their own too.  The original is
    None for a single activity, or a moved session whose original is not known."""
    if not facts.recurrence:
        local = facts.starts_at.astimezone(tz)
        if start <= local < end:
            yield local, None
        return
    skip = held_only and bool(facts.sessions_reported)
    rule: Iterator[tuple[datetime, datetime | None]] = (
        (at, at) for at in _rule_sessions_between(facts, tz, start, end)
    )
    if facts.moved:
        found = sorted(
            [*rule, *((m.astimezone(tz), original) for m, original in _moved_sessions(facts) if start <= m < end)],
            key=lambda pair: pair[0],
        )
        rule = iter(found[:MAX_OCCURRENCES])
    yield from (pair for pair in rule if not (skip and not _held(facts, pair[1])))


def _rule_sessions_between(facts: ActivityFacts, tz: ZoneInfo, start: datetime, end: datetime) -> Iterator[datetime]:
    excluded = _excluded(facts)
    produced = 0
    for occurrence in _series(facts, tz).xafter(start, inc=True):
        if occurrence >= end or produced >= MAX_OCCURRENCES:
            return
        if occurrence.astimezone(UTC) not in excluded:
            produced += 1
            yield occurrence


def sessions_not_held(facts: ActivityFacts, tz: ZoneInfo) -> list[datetime]:
    """The starts (in ``tz``) of a counting series' sessions reported not held on their own, as
    the not-counted lists show them (a session cancelled or excluded is not among them)."""
    if not facts.recurrence or not facts.counts or not facts.sessions_reported:
        return []
    excluded = _excluded(facts)
    moved = {original.astimezone(UTC): new for new, original in _moved_sessions(facts) if original is not None}
    found = []
    series = _series(facts, tz)
    for when, held, _ in facts.sessions_reported:
        if held:
            continue
        if when in moved:
            found.append(moved[when].astimezone(tz))
        elif when not in excluded and series.between(when, when, inc=True):
            found.append(when.astimezone(tz))
    return sorted(found)


def last_start(facts: ActivityFacts, tz: ZoneInfo) -> datetime | None:
    """The start of the last occurrence; None for an open-ended series."""
    if not facts.recurrence:
        return facts.starts_at
    series = _series(facts, tz)
    if series._count is None and series._until is None:  # noqa: SLF001 - dateutil keeps these private
        return None
    tail = deque(islice(series, MAX_OCCURRENCES), maxlen=1)
    last = tail[0] if tail else facts.starts_at
    return max([last, *facts.moved])  # a session moved past the last one still counts


def counted_starts(
    facts: ActivityFacts,
    rule: QuotaRule,
    tz: ZoneInfo,
    start: datetime,
    end: datetime,
    *,
    window: Campaign | None = None,
) -> list[datetime]:
    """When ``facts`` counts under ``rule`` within [start, end): once, or per occurrence.

    ``window``: the campaign whose credit the rule counts: only its sessions inside the campaign's
    window count — once at the first of them, or each of them."""
    if window is None:
        if rule.unit == "occurrence":
            return list(occurrences_between(facts, tz, start, end))
        first = first_occurrence(facts, tz, held_only=True)
        return [first] if first is not None and start <= first < end else []
    if rule.unit == "occurrence":
        return [at for at in occurrences_between(facts, tz, start, end) if window.covers(at.date())]
    inside = (
        at
        for at, _ in sessions_between(facts, tz, facts.earliest.astimezone(tz), FOREVER, held_only=True)
        if window.covers(at.date())
    )
    first = next(inside, None)
    return [first] if first is not None and start <= first < end else []


def campaigns_of(alliance: Alliance) -> dict[str, Campaign]:
    """The alliance's campaigns by id: whose windows bound a campaign rule's credits."""
    return {campaign.id: campaign for campaign in alliance.campaigns}


def _counts_campaigns(rule: QuotaRule) -> bool:
    """Whether the rule counts campaign activities (``campaign = true`` or a campaign's id)."""
    return rule.counts.campaign is True or isinstance(rule.counts.campaign, str)


def tally(
    facts: Sequence[ActivityFacts],
    rules: Mapping[str, Sequence[QuotaRule]],
    year: int,
    tz: ZoneInfo,
    *,
    campaigns: Mapping[str, Campaign],
) -> dict[tuple[str, str], list[Credit]]:
    """The credits of every (library_id, rule_id) in ``rules`` for ``year``, in start order.

    ``rules`` maps each library to the rules that apply to it; credits of libraries not in
    it are ignored.  Activities that are cancelled or merged away count for nobody.
    ``campaigns``: the alliance's (:func:`campaigns_of`), whose windows bound campaign rules.
    """
    credits: dict[tuple[str, str], list[Credit]] = {
        (library_id, rule.id): [] for library_id, library_rules in rules.items() for rule in library_rules
    }
    for fact in facts:
        if not fact.counts:
            continue
        for library_id, rule, found in _credits_of(fact, rules, year, tz, campaigns):
            credits[(library_id, rule.id)].extend(found)
    for found in credits.values():
        found.sort(key=lambda c: (c.at, c.activity_id))
    return credits


def _credits_of(
    fact: ActivityFacts,
    rules: Mapping[str, Sequence[QuotaRule]],
    year: int,
    tz: ZoneInfo,
    campaigns: Mapping[str, Campaign],
) -> Iterator[tuple[str, QuotaRule, list[Credit]]]:
    """The credits one (counting) activity gives each library under each of its rules in ``year``."""
    start, end = year_bounds(year, tz)
    for library_id, role in dict(fact.organizers).items():
        for rule in rules.get(library_id, ()):
            if role in rule.roles and rule.counts.matches(fact):
                window = None
                if _counts_campaigns(rule):
                    window = campaigns.get(fact.campaign_id or "")
                    if window is None:  # not a campaign of the alliance: no window, no campaign credit
                        continue
                weight = (fact.reported_participants or 0) if rule.measure == "participants" else 1
                yield (
                    library_id,
                    rule,
                    [
                        Credit(fact.activity_id, fact.title, at, role, weight)
                        for at in counted_starts(fact, rule, tz, start, end, window=window)
                    ],
                )


# -- progress -------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """One month or quarter of a rule with a per-period minimum."""

    index: int
    """1–12 for months, 1–4 for quarters."""
    count: int
    minimum: int
    elapsed: bool
    """The period is over (as of the progress' date)."""

    @property
    def satisfied(self) -> bool:
        return self.count >= self.minimum


@dataclass(frozen=True)
class Progress:
    """Where one library stands on one rule in one year, as of one instant."""

    library_id: str
    rule: QuotaRule
    year: int
    attained: int
    """Activities (or occurrences) credited; for a per-month/quarter rule, the periods satisfied."""
    target: int
    """The minimum for the year; for a per-month/quarter rule, the number of periods."""
    expected: int
    """What the pace asks by now: the target times the share of the year gone (rounded),
    or the number of periods already over."""
    state: QuotaState
    count: int
    """Activities (or occurrences) credited in the year."""
    minimum: int
    """The library's minimum (per year, or per period)."""
    periods: tuple[Period, ...] = ()
    credits: tuple[Credit, ...] = field(default=(), repr=False)
    previous: int | None = None
    """A ``growth`` rule's figure the year before, from which :attr:`target` is set (0: nothing on
    record, the target is the minimum); None for other rules."""

    @property
    def missing(self) -> list[int]:
        """Periods (months or quarters) without their minimum yet: past ones are missed."""
        return [p.index for p in self.periods if not p.satisfied]

    @property
    def missed(self) -> list[int]:
        return [p.index for p in self.periods if p.elapsed and not p.satisfied]

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.attained / self.target)) if self.target else 100

    @property
    def expected_percent(self) -> int:
        return min(100, round(100 * self.expected / self.target)) if self.target else 100


def period_of(month: int, per: str) -> int:
    """The month's period (1–12 or 1–4) under a per-month or per-quarter rule."""
    return month if per == "month" else (month - 1) // 3 + 1


def period_end(year: int, index: int, per: str, tz: ZoneInfo) -> datetime:
    month = index + 1 if per == "month" else 3 * index + 1
    return datetime(year + month // 13, (month - 1) % 12 + 1, 1, tzinfo=tz)


def year_elapsed(year: int, tz: ZoneInfo, now: datetime) -> float:
    """The share of ``year`` gone at ``now`` (0 before it starts, 1 after it ends)."""
    start, end = year_bounds(year, tz)
    if now <= start:
        return 0.0
    if now >= end:
        return 1.0
    return (now - start) / (end - start)


def progress(
    credits: Sequence[Credit],
    rule: QuotaRule,
    library_id: str,
    year: int,
    tz: ZoneInfo,
    now: datetime,
    *,
    previous: int | None = None,
) -> Progress:
    """Attained against target, the pace expected by ``now``, and the state."""
    months = [0] * 12
    for credit in credits:
        months[credit.at.month - 1] += credit.weight
    return progress_of_months(months, rule, library_id, year, tz, now, credits=tuple(credits), previous=previous)


def progress_of_months(
    months: Sequence[int],
    rule: QuotaRule,
    library_id: str,
    year: int,
    tz: ZoneInfo,
    now: datetime,
    *,
    credits: tuple[Credit, ...] = (),
    previous: int | None = None,
) -> Progress:
    """:func:`progress` from how many credits fall in each month (January first) of the year.

    ``previous``: the rule's figure for the year before (activities, or participants), from
    which a ``growth`` rule sets this year's target (:meth:`QuotaRule.target_for`)."""
    minimum = rule.target_for(library_id, previous)
    basis = previous if rule.growth is not None else None
    count = sum(months)
    closed = year_elapsed(year, tz, now) >= 1.0
    if rule.per is None:
        expected = math.floor(minimum * year_elapsed(year, tz, now) + 0.5)
        if count >= minimum:
            state = QuotaState.met
        elif closed:
            state = QuotaState.not_met
        else:
            state = QuotaState.at_risk if count < expected else QuotaState.on_track
        return Progress(
            library_id, rule, year, count, minimum, expected, state, count, minimum, credits=credits, previous=basis
        )
    counts = [0] * PERIODS_PER_YEAR[rule.per]
    for month, n in enumerate(months, start=1):
        counts[period_of(month, rule.per) - 1] += n
    periods = tuple(
        Period(index, n, minimum, elapsed=period_end(year, index, rule.per, tz) <= now)
        for index, n in enumerate(counts, start=1)
    )
    attained = sum(p.satisfied for p in periods)
    if attained == len(periods):
        state = QuotaState.met
    elif closed or any(p.elapsed and not p.satisfied for p in periods):
        state = QuotaState.not_met  # a period over short: every period satisfied is out of reach
    else:
        state = QuotaState.on_track
    return Progress(
        library_id,
        rule,
        year,
        attained,
        len(periods),
        sum(p.elapsed for p in periods),
        state,
        count,
        minimum,
        periods,
        credits,
        basis,
    )


def monthly_counts(
    fact: ActivityFacts,
    rules: Mapping[str, Sequence[QuotaRule]],
    tz: ZoneInfo,
    years: Iterable[int],
    *,
    campaigns: Mapping[str, Campaign],
) -> dict[tuple[str, str, int, int], int]:
    """What one activity adds to each (library_id, rule_id, year, month) it counts for in
    ``years`` — the terms :func:`tally` would sum, kept so that a recount need not re-read
    every activity of a year."""
    found: dict[tuple[str, str, int, int], int] = {}
    if not fact.counts:
        return found
    for year in years:
        for library_id, rule, credits in _credits_of(fact, rules, year, tz, campaigns):
            for credit in credits:
                key = (library_id, rule.id, year, credit.at.month)
                found[key] = found.get(key, 0) + credit.weight
    return found


# -- what the stored tallies depend on --------------------------------------------------

TALLY_FORMAT = 4
"""Raised when what the derived tables hold changes (2: quotas_uncounted; 3: a series' sessions
reported on their own, and a row of quotas_uncounted per session reported not held; 4: a campaign
rule counts only the sessions inside the campaign's window): tallies derived by an earlier release
are derived again."""
_BASES: dict[int, tuple[Alliance, str]] = {}


def tally_basis(alliance: Alliance) -> str:
    """A digest of what :func:`monthly_counts` and the not-counted list depend on in the alliance
    file: the time zone, the campaigns' windows, and each rule's counting terms (filter, roles,
    unit, measure) with the members it applies to.  Names, minimums and growth are left out: the reports apply them when
    they read.  Computed once per alliance (321 members × their rules take ~2 ms)."""
    found = _BASES.get(id(alliance))
    if found is not None and found[0] is alliance:
        return found[1]
    members: dict[str, list[str]] = {rule.id: [] for rule in alliance.quota_rules}
    for member in alliance.members:
        for rule in alliance.rules_for(member.id):
            members[rule.id].append(member.id)
    terms = {
        "format": TALLY_FORMAT,
        "timezone": alliance.timezone,
        "campaigns": [
            [c.id, c.starts_on.isoformat(), c.ends_on.isoformat(), c.recurs_yearly]
            for c in sorted(alliance.campaigns, key=lambda c: c.id)
        ],
        "rules": [
            {
                "id": rule.id,
                "counts": rule.counts.model_dump(mode="json"),
                "roles": [role.value for role in rule.roles],
                "unit": rule.unit,
                "measure": rule.measure,
                "members": sorted(members[rule.id]),
            }
            for rule in sorted(alliance.quota_rules, key=lambda r: r.id)
        ],
    }
    basis = hashlib.sha256(json.dumps(terms, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    _BASES[id(alliance)] = (alliance, basis)
    return basis
