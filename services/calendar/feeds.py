"""Feeds: which stored fragments a feed holds, assembled and cached with validators.

A feed is the stored VEVENT fragments of its activities, concatenated between a
cached header and footer (``shuxiang.calendars.assemble_feed``): nothing is
rendered per request.  The assembled feed is cached under the calendar's state
token (``calendar_state.revision``, raised by every batch of changes the consumer stores)
and until the next instant at which time alone changes it (an activity leaving
the 90-day window, a cancelled one becoming past).  The token is read at most
every ``check_interval`` seconds, so a request for an unchanged feed costs a
dictionary lookup, and a change is visible within that interval.  A brand's feed
holds the activities the brands service links to the brand (declared, inferred
from the title, or corrected by a person); those links are re-read as often.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, or_, select

from shuxiang.calendars import assemble_feed
from shuxiang.i18n import in_both
from shuxiang.schemas import Status

from .handlers import CalendarContext
from .search import audience_ids, matching
from .tables import calendar_entry, calendar_entry_library, calendar_state

PAST_WINDOW = timedelta(days=90)
"""A feed holds what ended in the last 90 days and everything ahead."""

MAX_FEED_BYTES = 1_000_000
"""A feed stays under 1 MB: past that, its horizon is capped (and the feed says so)."""

CAP_NOTE_RESERVE = 1024
"""Octets kept free in the budget for the note a capped feed adds to its description."""

CAPPED_RECHECK = timedelta(hours=1)
"""A capped feed is re-assembled at least this often (its horizon moves with time)."""

STATE_CHECK_INTERVAL = 0.1
"""Seconds between two reads of the state token: the most a change waits to be seen."""

MAX_CACHED_FEEDS = 2000
"""Assembled feeds kept in memory; past that the cache starts again (every plain feed of a
200-member alliance fits, and filtered feeds cannot grow it without bound)."""

NEVER_MODIFIED = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class FeedSpec:
    """What one feed contains; ``key`` is its path under ``/feeds/`` and names it in caches."""

    key: str
    name: str
    description: str
    library_ids: tuple[str, ...] | None = None
    brand_id: str | None = None
    category: str | None = None
    campaign_id: str | None = None
    search: str | None = None
    """Words the activity's text must hold (``filter.ics?q=…``)."""
    audience: str | None = None
    """The audience as announced (``filter.ics?audience=…``)."""


@dataclass(frozen=True)
class Entry:
    """One stored activity as a feed sees it."""

    activity_id: str
    vevent: bytes
    status: str
    starts_at: datetime
    until: datetime | None


@dataclass(frozen=True)
class Selection:
    """The entries a feed holds, when that changes by time alone, and its cap (if any)."""

    entries: list[Entry]
    expires_at: datetime | None
    covers: tuple[date, date | None] | None = None
    """Set when capped: the first and last local day held (last None: no cut ahead)."""


@dataclass(frozen=True)
class Feed:
    body: bytes
    etag: str
    last_modified: datetime
    events: int
    covers: tuple[date, date | None] | None

    @property
    def last_modified_http(self) -> str:
        return format_datetime(self.last_modified, usegmt=True)


@dataclass(frozen=True)
class CalendarState:
    revision: int
    changed_at: datetime | None


# --- which entries a feed holds (pure) ------------------------------------------------


def exit_time(entry: Entry) -> datetime | None:
    """When time alone takes ``entry`` out of every feed; None: never (open-ended series)."""
    if entry.until is None:
        return None
    if entry.status == "cancelled":
        return entry.until  # a cancelled activity stays, marked, until it is past
    return entry.until + PAST_WINDOW


def in_window(entry: Entry, now: datetime) -> bool:
    leaves = exit_time(entry)
    return leaves is None or leaves > now


def select_entries(entries: Sequence[Entry], now: datetime, tz: ZoneInfo, budget: int) -> Selection:
    """The entries in the window at ``now``, in start order, within ``budget`` octets.

    When everything does not fit, upcoming and ongoing activities come first (in
    start order), then past ones (most recent first), each cut at a whole local day,
    so that the feed can say which days it covers.
    """
    live = [e for e in entries if in_window(e, now)]
    exits = [t for t in map(exit_time, live) if t is not None]
    expires_at = min(exits, default=None)
    if sum(len(e.vevent) for e in live) <= budget:
        return Selection(sorted(live, key=_start_order), expires_at)
    ahead = sorted((e for e in live if e.until is None or e.until >= now), key=_start_order)
    behind = sorted((e for e in live if e.until is not None and e.until < now), key=lambda e: e.until, reverse=True)
    kept_ahead, left = _whole_days(ahead, budget, lambda e: e.starts_at.astimezone(tz).date())
    if len(kept_ahead) < len(ahead):  # not even what is ahead fits: nothing past, and a cut ahead
        kept_behind: list[Entry] = []
        first_day = now.astimezone(tz).date()
        last_day = ahead[len(kept_ahead)].starts_at.astimezone(tz).date() - timedelta(days=1)
    else:
        kept_behind, _ = _whole_days(behind, left, lambda e: e.until.astimezone(tz).date())
        first_day = behind[len(kept_behind)].until.astimezone(tz).date() + timedelta(days=1)
        last_day = None
    recheck = now + CAPPED_RECHECK
    return Selection(
        sorted(kept_ahead + kept_behind, key=_start_order),
        min(expires_at, recheck) if expires_at else recheck,
        covers=(first_day, last_day),
    )


def _start_order(entry: Entry) -> tuple[datetime, str]:
    return entry.starts_at, entry.activity_id


def _whole_days(ordered: list[Entry], budget: int, day_of: Callable[[Entry], date]) -> tuple[list[Entry], int]:
    """The longest prefix of ``ordered`` within ``budget`` that ends at a day boundary."""
    used = 0
    cut = 0  # entries [0, cut) are kept: every day before ordered[cut]'s day is complete
    for index, entry in enumerate(ordered):
        if index and day_of(entry) != day_of(ordered[index - 1]):
            cut = index
        used += len(entry.vevent)
        if used > budget:
            return ordered[:cut], budget - sum(len(e.vevent) for e in ordered[:cut])
    return list(ordered), budget - used


def cap_note(covers: tuple[date, date | None]) -> str:
    first, last = covers
    if last is None:
        zh, en = in_both("To stay under 1 MB this feed holds activities from {first} on.", first=first.isoformat())
    else:
        zh, en = in_both(
            "To stay under 1 MB this feed holds activities from {first} to {last}; "
            "subscribe to a library's or a category's feed for the rest.",
            first=first.isoformat(),
            last=last.isoformat(),
        )
    return f"{zh}\n{en}"


def _later_than(feed: Feed, before: Feed, now: datetime) -> Feed:
    """A changed feed is never older than the version it replaces.

    Last-Modified comes from the calendar's own clock (broker times of changes, window
    departures); a brand feed also changes when the brands service relinks an activity.
    When the body changed but the date did not move on, the change is dated when seen;
    an unchanged body keeps its date (If-Modified-Since pollers keep getting 304s).
    """
    if feed.etag == before.etag:
        return before
    if feed.last_modified > before.last_modified:
        return feed
    seen = max(now.astimezone(UTC).replace(microsecond=0), before.last_modified + timedelta(seconds=1))
    return replace(feed, last_modified=seen)


# --- the store -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Cached:
    revision: int
    members: tuple[str, ...] | None
    """A brand feed's linked activities when it was assembled (they live in the brands service)."""
    expires: datetime | None
    """When time alone changes the feed."""
    checked: float
    """``time.monotonic()`` when the entry was last found current."""
    feed: Feed


class FeedStore:
    """Assembles feeds from stored VEVENT fragments and caches them per state token."""

    def __init__(
        self,
        engine: Engine,
        context: CalendarContext,
        *,
        url_base: str,
        max_bytes: int = MAX_FEED_BYTES,
        check_interval: float = STATE_CHECK_INTERVAL,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        brand_links: Callable[[str], Sequence[str]] | None = None,
    ) -> None:
        self.engine = engine
        self.context = context
        self.url_base = url_base
        self.max_bytes = max_bytes
        self.check_interval = check_interval
        self.clock = clock
        self.brand_links = brand_links
        """A brand's linked activity ids (declared, inferred or corrected); None: the declared brand_id."""
        self._state = CalendarState(revision=-1, changed_at=None)
        self._checked = float("-inf")
        self._cache: dict[str, _Cached] = {}
        self._lock = threading.Lock()

    def read_state(self) -> CalendarState:
        with self.engine.connect() as connection:
            row = connection.execute(select(calendar_state.c.revision, calendar_state.c.changed_at)).first()
        return CalendarState(0, None) if row is None else CalendarState(row.revision, row.changed_at)

    def cached(self, spec_key: str) -> Feed | None:
        """The feed if it is known to be current; no I/O (the fast path of every request)."""
        cached = self._cache.get(spec_key)
        if cached is None or time.monotonic() - cached.checked > self.check_interval:
            return None
        if cached.expires is not None and self.clock() >= cached.expires:
            return None
        return cached.feed

    def feed(self, spec: FeedSpec) -> Feed:
        """The current feed: re-validated against the state token (and a brand's links),
        re-assembled only when something changed (blocking I/O)."""
        with self._lock:
            now = time.monotonic()
            if now - self._checked > self.check_interval:
                self._state = self.read_state()  # before the rows: a feed is never older than its token
                self._checked = now
            members = self._members(spec)
            cached = self._cache.get(spec.key)
            current = (
                cached is not None
                and cached.revision == self._state.revision
                and cached.members == members
                and (cached.expires is None or self.clock() < cached.expires)
            )
            if current:
                feed, expires_at = cached.feed, cached.expires
            else:
                feed, expires_at = self._assemble(spec, self._state, members)
                if cached is not None:
                    feed = _later_than(feed, cached.feed, self.clock())
            if len(self._cache) >= MAX_CACHED_FEEDS and spec.key not in self._cache:
                self._cache.clear()  # filtered feeds are many (filter.ics?q=…): memory stays bounded
            # current as of the older of the two reads (state token, brand links)
            self._cache[spec.key] = _Cached(self._state.revision, members, expires_at, self._checked, feed)
            return feed

    def _members(self, spec: FeedSpec) -> tuple[str, ...] | None:
        if spec.brand_id is None or self.brand_links is None:
            return None
        return tuple(sorted(self.brand_links(spec.brand_id)))

    def _filters(self, spec: FeedSpec, members: tuple[str, ...] | None) -> list:
        filters = []
        if members is not None:
            filters.append(calendar_entry.c.activity_id.in_(members))
        if spec.library_ids is not None:
            filters.append(
                calendar_entry.c.activity_id.in_(
                    select(calendar_entry_library.c.activity_id).where(
                        calendar_entry_library.c.library_id.in_(spec.library_ids)
                    )
                )
            )
        brand_id = spec.brand_id if members is None else None
        for column, value in (
            (calendar_entry.c.brand_id, brand_id),
            (calendar_entry.c.category, spec.category),
            (calendar_entry.c.campaign_id, spec.campaign_id),
        ):
            if value is not None:
                filters.append(column == value)
        if spec.audience:
            filters.append(calendar_entry.c.activity_id.in_(audience_ids(spec.audience)))
        if spec.search:
            filters += matching(spec.search, self.engine.dialect.name)
        return filters

    def _assemble(
        self, spec: FeedSpec, state: CalendarState, members: tuple[str, ...] | None = None
    ) -> tuple[Feed, datetime | None]:
        now = self.clock()
        filters = self._filters(spec, members)
        c = calendar_entry.c
        window = or_(c.until.is_(None), c.until >= now - PAST_WINDOW)
        query = select(c.activity_id, c.vevent, c.status, c.starts_at, c.until).where(window, *filters)
        with self.engine.connect() as connection:
            entries = [Entry(*row) for row in connection.execute(query)]
            departed = self._latest_departure(connection, filters, now, state.changed_at)
        tz = self.context.tz
        url = f"{self.url_base}/feeds/{spec.key}"
        header = assemble_feed((), name=spec.name, tz=tz, description=spec.description, url=url)
        selection = select_entries(entries, now, tz, self.max_bytes - len(header) - CAP_NOTE_RESERVE)
        description = spec.description
        if selection.covers is not None:
            description = f"{spec.description}\n{cap_note(selection.covers)}"
        body = assemble_feed(
            (e.vevent for e in selection.entries), name=spec.name, tz=tz, description=description, url=url
        )
        last_modified = max(d for d in (state.changed_at, departed, NEVER_MODIFIED) if d is not None)
        feed = Feed(
            body=body,
            etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"',
            last_modified=last_modified.astimezone(UTC).replace(microsecond=0),
            events=len(selection.entries),
            covers=selection.covers,
        )
        return feed, selection.expires_at

    @staticmethod
    def _latest_departure(connection, filters: list, now: datetime, since: datetime | None) -> datetime | None:
        """The last time before ``now`` that time alone took an activity out of this feed, if
        after ``since`` (the calendar's last change, which dates the feed anyway): a range of the
        index (status, until) between the two, not every departure of all years."""
        c = calendar_entry.c
        cancelled_after = [c.until > since] if since is not None else []
        aged_after = [c.until > since - PAST_WINDOW] if since is not None else []
        cancelled = connection.scalar(
            select(func.max(c.until)).where(c.status == "cancelled", c.until < now, *cancelled_after, *filters)
        )
        held = [s.value for s in Status if s is not Status.cancelled]
        aged = connection.scalar(
            select(func.max(c.until)).where(c.status.in_(held), c.until < now - PAST_WINDOW, *aged_after, *filters)
        )
        candidates = [t for t in (cancelled, aged + PAST_WINDOW if aged else None) if t is not None]
        return max(candidates, default=None)
