"""A brand's figures, derived from its stored activities by pure functions.

Words, as the page and the report use them:

* a **session** (场次) is one occurrence: a one-off activity is one session, a weekly
  series of eight (less its EXDATEs) is eight, a ten-day exhibition is one;
* an **issue** (期, ``editions_total``) is one canonical activity: a lecture of 沽上讲堂 is
  one 期, a weekly 快乐小板凳 series is one 期 of many sessions;
* a **yearly edition** (届, ``yearly_editions``) is a calendar year with a held session on record:
  "连续成功举办十届" counts years.  Years before the records (a brand's ``since``) are not
  counted until their history is imported (``shuxiang publish`` a CSV of past sessions with
  their 参与人次 / 是否举办 columns);
* a co-hosted activity is one canonical activity (dedup merges the co-hosts'
  announcements), so it counts once, credited to every library;
* a cancelled activity, or one reported as not held, does not count;
* *held* means on or before ``today`` (a local date in the alliance's zone), *scheduled* after it;
* participants come from attendance reports: co-hosts report the same audience, so an
  activity's participants are the largest figure any of its announcements reported;
* years and months running: the unbroken run of calendar years (months) with a held
  session, ending this year (month) — or last year (month) if none is held yet;
* status: *active*, *quiet* after ``quiet_after_days`` without a held session, *lapsed*
  after ``lapsed_after_days``; a brand never held yet is active if a session is
  scheduled, otherwise quiet.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo

from shuxiang.alliance import Alliance, Brand, Tier

ACTIVE = "active"
QUIET = "quiet"
LAPSED = "lapsed"


@dataclass(frozen=True)
class BrandActivity:
    """One canonical activity linked to a brand, as stored."""

    activity_id: str
    title: str
    status: str
    occurrences: tuple[datetime, ...]
    venue_key: str
    venue_name: str | None
    libraries: frozenset[str]
    link: str | None = None
    held: bool | None = None
    """From attendance reports: True if any says held, False if all say not held, None if none."""
    participants: int | None = None

    def counts(self) -> bool:
        return self.status == "scheduled" and self.held is not False and bool(self.occurrences)


@dataclass(frozen=True)
class BrandFigures:
    brand_id: str
    status: str
    sessions_total: int
    sessions_this_year: int
    editions_total: int
    editions_this_year: int
    participants_total: int
    participants_this_year: int
    reported_editions: int
    years_running: int
    months_running: int
    first_held: datetime | None
    last_held: datetime | None
    days_since_last: int | None
    next_scheduled: datetime | None
    next_title: str | None
    sessions_scheduled: int
    libraries: tuple[str, ...]
    venues: tuple[str, ...]
    inferred_links: int
    yearly_editions: int = 0
    """届: the calendar years with a held session on record ("连续成功举办十届" counts years, not
    activities; editions_total counts 期, one per activity)."""
    first_recorded_year: int | None = None
    held_per_month: dict[tuple[int, int], int] = field(default_factory=dict)
    scheduled_per_month: dict[tuple[int, int], int] = field(default_factory=dict)

    def summary(self, tz: tzinfo | None = None) -> dict:
        """The figures as plain JSON-ready values (report, API); instants in ``tz`` (the alliance's:
        a report that says 06:00+00:00 for a 14:00 lecture in Shanghai reads wrong)."""
        return {
            "brand_id": self.brand_id,
            "status": self.status,
            "sessions_this_year": self.sessions_this_year,
            "sessions_total": self.sessions_total,
            "editions_this_year": self.editions_this_year,
            "editions_total": self.editions_total,
            "yearly_editions": self.yearly_editions,
            "participants_this_year": self.participants_this_year,
            "participants_total": self.participants_total,
            "years_running": self.years_running,
            "months_running": self.months_running,
            "first_held": _iso(self.first_held, tz),
            "last_held": _iso(self.last_held, tz),
            "days_since_last": self.days_since_last,
            "next_scheduled": _iso(self.next_scheduled, tz),
            "next_title": self.next_title,
            "sessions_scheduled": self.sessions_scheduled,
            "libraries": list(self.libraries),
            "venues": list(self.venues),
            "inferred_links": self.inferred_links,
        }


def _iso(value: datetime | None, tz: tzinfo | None = None) -> str | None:
    return (value.astimezone(tz) if tz else value).isoformat() if value else None


def running(periods: set[int], current: int) -> int:
    """Length of the unbroken run of ``periods`` ending at ``current`` (or just before it)."""
    end = current if current in periods else current - 1
    length = 0
    while end - length in periods:
        length += 1
    return length


def status_of(last_held: date | None, has_scheduled: bool, today: date, *, quiet_after: int, lapsed_after: int) -> str:
    if last_held is None:
        return ACTIVE if has_scheduled else QUIET
    days = (today - last_held).days
    if days > lapsed_after:
        return LAPSED
    if days > quiet_after:
        return QUIET
    return ACTIVE


def brand_figures(
    brand_id: str,
    activities: Sequence[BrandActivity],
    *,
    today: date,
    tz: ZoneInfo,
    quiet_after_days: int,
    lapsed_after_days: int,
) -> BrandFigures:
    counted = [a for a in activities if a.counts()]
    held: list[tuple[datetime, BrandActivity]] = []
    scheduled: list[tuple[datetime, BrandActivity]] = []
    for activity in counted:
        for start in activity.occurrences:
            (held if start.astimezone(tz).date() <= today else scheduled).append((start, activity))
    held.sort(key=lambda pair: pair[0])
    scheduled.sort(key=lambda pair: pair[0])
    year = today.year

    def local(start: datetime) -> date:
        return start.astimezone(tz).date()

    editions = [a for a in counted if local(min(a.occurrences)) <= today]
    editions_this_year = [a for a in editions if local(min(a.occurrences)).year == year]
    held_months = Counter((local(s).year, local(s).month) for s, _ in held)
    scheduled_months = Counter((local(s).year, local(s).month) for s, _ in scheduled)
    held_editions = {a.activity_id: a for _, a in held}.values()
    last = held[-1][0] if held else None
    return BrandFigures(
        brand_id=brand_id,
        status=status_of(
            local(last) if last else None,
            bool(scheduled),
            today,
            quiet_after=quiet_after_days,
            lapsed_after=lapsed_after_days,
        ),
        sessions_total=len(held),
        sessions_this_year=sum(1 for s, _ in held if local(s).year == year),
        editions_total=len(editions),
        editions_this_year=len(editions_this_year),
        participants_total=sum(a.participants or 0 for a in editions),
        participants_this_year=sum(a.participants or 0 for a in editions_this_year),
        reported_editions=sum(1 for a in editions if a.participants is not None),
        years_running=running({y for y, _ in held_months}, year),
        months_running=running({y * 12 + m - 1 for y, m in held_months}, year * 12 + today.month - 1),
        first_held=held[0][0] if held else None,
        last_held=last,
        days_since_last=(today - local(last)).days if last else None,
        next_scheduled=scheduled[0][0] if scheduled else None,
        next_title=scheduled[0][1].title if scheduled else None,
        sessions_scheduled=len(scheduled),
        libraries=tuple(sorted({lib for a in held_editions for lib in a.libraries})),
        venues=tuple(sorted({a.venue_name or a.venue_key for a in held_editions})),
        inferred_links=sum(1 for a in activities if a.link == "inferred"),
        yearly_editions=len({y for y, _ in held_months}),
        first_recorded_year=min((y for y, _ in held_months), default=None),
        held_per_month=dict(held_months),
        scheduled_per_month=dict(scheduled_months),
    )


@dataclass(frozen=True)
class Coverage:
    """一馆一品 across the alliance."""

    members_without_brand: tuple[str, ...]
    """Libraries (not service points) that own no brand."""
    heads_without_brand: tuple[str, ...]
    """Central, district and county libraries that own no brand: the gaps that matter most."""
    quiet: tuple[str, ...]
    lapsed: tuple[str, ...]
    active: tuple[str, ...]


def coverage(alliance: Alliance, brands: Sequence[Brand], figures: dict[str, BrandFigures]) -> Coverage:
    owners = {b.library_id for b in brands}
    libraries = [m for m in alliance.members if m.tier != Tier.service_point]
    by_status = {
        status: tuple(b.id for b in brands if figures[b.id].status == status) for status in (ACTIVE, QUIET, LAPSED)
    }
    return Coverage(
        members_without_brand=tuple(m.id for m in libraries if m.id not in owners),
        heads_without_brand=tuple(
            m.id for m in libraries if m.id not in owners and m.tier in (Tier.central, Tier.district, Tier.county)
        ),
        quiet=by_status[QUIET],
        lapsed=by_status[LAPSED],
        active=by_status[ACTIVE],
    )


@dataclass
class Tally:
    """What a brand's activities add up to over a local day or month (``brands_day``,
    ``brands_month``): enough to give :func:`brand_figures`'s figures for any ``today`` from a
    few rows per brand and month.  Counted activities only (:meth:`BrandActivity.counts`), but
    ``inferred``: the activities linked by inference whose start falls here, whatever they are."""

    sessions: int = 0
    editions: int = 0
    """Counted activities whose first session is here (an edition is held once that session is)."""
    participants: int = 0
    reported: int = 0
    inferred: int = 0
    first_start: datetime | None = None
    first_title: str | None = None
    last_start: datetime | None = None
    libraries: set[str] = field(default_factory=set)
    venues: set[str] = field(default_factory=set)
    _first_key: tuple[datetime, str] | None = field(default=None, repr=False, compare=False)

    def session(self, start: datetime, activity: BrandActivity) -> None:
        self.sessions += 1
        key = (start, activity.activity_id)  # ties: the lowest id, as brand_figures orders its activities
        if self._first_key is None or key < self._first_key:
            self._first_key, self.first_start, self.first_title = key, start, activity.title
        if self.last_start is None or start > self.last_start:
            self.last_start = start
        self.libraries |= activity.libraries
        self.venues.add(activity.venue_name or activity.venue_key)

    def edition(self, activity: BrandActivity) -> None:
        self.editions += 1
        self.participants += activity.participants or 0
        self.reported += activity.participants is not None

    def add(self, other: Tally) -> None:
        """Another (later, disjoint) period's sums into this one's."""
        self.sessions += other.sessions
        self.editions += other.editions
        self.participants += other.participants
        self.reported += other.reported
        self.inferred += other.inferred
        if other.first_start is not None and (self.first_start is None or other.first_start < self.first_start):
            self.first_start, self.first_title = other.first_start, other.first_title
        if other.last_start is not None and (self.last_start is None or other.last_start > self.last_start):
            self.last_start = other.last_start
        self.libraries |= other.libraries
        self.venues |= other.venues

    def empty(self) -> bool:
        return not (self.sessions or self.inferred)


def day_tallies(
    activities: Sequence[tuple[str, date, BrandActivity]], tz: ZoneInfo, wanted: set[tuple[str, date]] | None = None
) -> dict[tuple[str, date], Tally]:
    """Per (brand, local day), what ``activities`` add up to: each given as (brand id, the local day
    of its start, the activity).  ``wanted``: only these (brand, day) keys (None: all)."""
    found: dict[tuple[str, date], Tally] = {}

    def tally(key: tuple[str, date]) -> Tally | None:
        if wanted is not None and key not in wanted:
            return None
        return found.setdefault(key, Tally())

    for brand_id, start_day, activity in activities:
        if activity.link == "inferred" and (t := tally((brand_id, start_day))) is not None:
            t.inferred += 1
        if not activity.counts():
            continue
        for start in activity.occurrences:
            if (t := tally((brand_id, start.astimezone(tz).date()))) is not None:
                t.session(start, activity)
        if (t := tally((brand_id, min(activity.occurrences).astimezone(tz).date()))) is not None:
            t.edition(activity)
    return {key: t for key, t in found.items() if not t.empty()}


def figures_of_tallies(
    brand_id: str,
    months: dict[tuple[int, int], Tally],
    days: dict[date, Tally],
    *,
    today: date,
    tz: ZoneInfo,
    quiet_after_days: int,
    lapsed_after_days: int,
) -> BrandFigures:
    """:func:`brand_figures`'s figures from a brand's kept tallies: its months (every one), and the
    days of ``today``'s month, which ``today`` splits into held and scheduled."""
    current = (today.year, today.month)
    year = today.year
    held: dict[tuple[int, int], Tally] = {}
    scheduled: dict[tuple[int, int], Tally] = {}
    inferred = 0
    for month, tally in months.items():
        inferred += tally.inferred
        if month < current:
            held[month] = tally
        elif month > current:
            scheduled[month] = tally
    for day, tally in sorted(days.items()):
        side = held if day <= today else scheduled
        side.setdefault(current, Tally()).add(tally)
    held_months = {m: t.sessions for m, t in held.items() if t.sessions}
    scheduled_months = {m: t.sessions for m, t in scheduled.items() if t.sessions}
    total = Tally()
    this_year = Tally()
    for month, tally in sorted(held.items()):
        total.add(tally)
        if month[0] == year:
            this_year.add(tally)
    ahead = Tally()
    for _, tally in sorted(scheduled.items()):
        ahead.add(tally)
    last = total.last_start
    return BrandFigures(
        brand_id=brand_id,
        status=status_of(
            last.astimezone(tz).date() if last else None,
            bool(ahead.sessions),
            today,
            quiet_after=quiet_after_days,
            lapsed_after=lapsed_after_days,
        ),
        sessions_total=total.sessions,
        sessions_this_year=this_year.sessions,
        editions_total=total.editions,
        editions_this_year=this_year.editions,
        participants_total=total.participants,
        participants_this_year=this_year.participants,
        reported_editions=total.reported,
        years_running=running({y for y, _ in held_months}, year),
        months_running=running({y * 12 + m - 1 for y, m in held_months}, year * 12 + today.month - 1),
        first_held=total.first_start,
        last_held=last,
        days_since_last=(today - last.astimezone(tz).date()).days if last else None,
        next_scheduled=ahead.first_start,
        next_title=ahead.first_title,
        sessions_scheduled=ahead.sessions,
        libraries=tuple(sorted(total.libraries)),
        venues=tuple(sorted(total.venues)),
        inferred_links=inferred,
        yearly_editions=len({y for y, _ in held_months}),
        first_recorded_year=min((y for y, _ in held_months), default=None),
        held_per_month=held_months,
        scheduled_per_month=scheduled_months,
    )
