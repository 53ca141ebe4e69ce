"""Is this announcement the same activity as that one?  Merge, ask a coordinator, or keep apart.

Two announcements are compared when one starts within :data:`WINDOW_MINUTES` of the other at
a related site (:func:`candidate_keys`: the sites of its libraries, organisers, their parents
and children; beyond :data:`HABIT_MINUTES`, its own site only).  Then:

* more than :data:`HABIT_MINUTES` apart: one activity only with the same title at the same place
  and no session mark or series (:func:`_far_apart`), else apart;
* different books in 《》 or session marks of one kind (第3期 / 第4期, 上午场 / 下午场, （3-6岁）/
  （7-10岁）, ·幼儿场 / ·小学场), or a numbered session and an unnumbered announcement 45+ minutes
  apart (unless the number went with the series' name the other dropped): apart;
* titles too unlike for any place to matter: apart;
* the venues (:func:`places`): two named buildings, two rooms of different kinds in two places or
  on different floors, each library plainly at home with nothing linking them (one programme at
  several branches), or a library named against a bare room of a library with nothing to do with
  it: apart; two kinds of room in one building cost :data:`OTHER_ROOM` and need announcements that
  credit each other or one host;
* each names its own host (主办) and neither credits the other's: apart (one programme, two places);
* the same library twice: merged when plainly the same (a decorated title, 10 minutes off), a
  near copy goes to review;
* libraries at the same site or linked as organisers (联办, the same host): merged from a
  moderate title similarity, since co-hosts word titles their own way; others only on a high one;
* a series and a single announcement are never merged without a coordinator.

The venue read is the venue field, or the place the announcement's text states (活动地点：…) when
that says more (:func:`~.normalize.venue_name_to_match`); a short form several members share (区图)
is a guess, not a naming (:func:`_guessed`).

Title similarity is rapidfuzz's character-level ratio (with ``partial_ratio`` for a title
that extends the other, e.g. "（主讲：王教授）"), which suits Chinese: no whitespace tokens; a
title whose programme name the other dropped is similar however short the rest, and two naming
one work in 《》 are at least :data:`SHARED_BOOK` alike.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import IntEnum
from typing import cast

from rapidfuzz import fuzz

from shuxiang.alliance import normalize_venue_text
from shuxiang.memos import burst_memo
from shuxiang.schemas import ActivitySubmission, Role, Status, Venue
from shuxiang.schemas.sessions import series_sessions

from .normalize import (
    CUT_MARK,
    GENERIC_KINDS,
    PREFIX_MARK,
    SITE_PREFIXES,
    Site,
    VenueResolver,
    bare_kind,
    books,
    ceremony,
    date_only_slip,
    episode,
    episode_kind,
    floor,
    generic_kinds,
    generic_tiers,
    is_address,
    is_online,
    is_placeholder,
    issue_only,
    marks_postponement,
    multipurpose,
    names_institution,
    names_tier,
    nfkc,
    numbered,
    other_session,
    parse_site,
    postponed_from,
    room_type,
    room_words,
    rooms_alike,
    season,
    series_count,
    short_form,
    stop_place,
    title_key,
    title_to_match,
    title_variants,
    twelve_hour_slip,
    venue_name_to_match,
    without_episode,
    without_room,
    without_unit,
)

WINDOW_MINUTES = 90
"""Announcements starting further apart than this are different activities."""
HABIT_MINUTES = 60
"""Writers' habits (the sign-in time, a rounded hour) move one activity's start by up to an hour;
beyond it, up to :data:`WINDOW_MINUTES`, only the same title at the same place with no session
mark is the same activity (:func:`_far_apart`)."""
FAR_TITLE = 0.95
DAY_TITLE = 0.9
"""How alike the titles of a day's entry and one giving an hour in it must be (:func:`_day_and_hour`)."""
LINKED_MERGE, LINKED_REVIEW = 0.6, 0.5
UNLINKED_MERGE, UNLINKED_REVIEW = 0.78, 0.7
SAME_LIBRARY_MERGE, SAME_LIBRARY_REVIEW = 0.85, 0.8
SHARED_BOOK = 0.75
"""The title similarity two announcements naming one work in 《》 have at least: a reading club's
title is worded around its book by each writer (共读《活着》, 《活着》读书会, 走进《活着》)."""
GENERIC_TITLE = 0.75
"""The title similarity of a title that names only a kind of activity (:func:`~.normalize.generic_kinds`)
to any other, between announcements that credit each other or one host, starting within half an hour."""
OTHER_ROOM = 0.1
"""What two kinds of room named in one building cost the score: evidence against, not a gate."""
CLOSE_START_MINUTES = 15
SAME_LIBRARY_MINUTES = HABIT_MINUTES
"""One library's two entries of one activity (a WeChat post and a website notice, a report sheet, a
correction): each start written by its own habit (the sign-in time, a rounded hour), so up to an
hour apart; the title must be plainly the same, the more so the further apart (the score pays for
the minutes), and a 第96期 only one gives, with the series' name the other dropped, is no other
session.  Two sessions an hour apart carry their marks (第二场, 下午场): :func:`compare` parts them."""
SESSION_MINUTES = 45
"""A numbered session (第二场) and an unnumbered announcement further apart than this are two sessions."""

_UNSET = object()


class Outcome(IntEnum):
    APART = 0
    REVIEW = 1
    MERGE = 2


@dataclass(frozen=True, slots=True)
class Verdict:
    outcome: Outcome
    score: float
    reason: str


@dataclass(frozen=True, slots=True)
class MatchFields:
    """What matching needs of an announcement (stored in columns: no JSON parsing per comparison)."""

    library_id: str
    source_ref: str
    venue_key: str
    """The site key (:class:`~.normalize.Site`): whose building, named or assumed."""
    starts_at: datetime
    ends_at: datetime
    title_key: str
    books: frozenset[str]
    episode: str | None
    category: str
    credits: tuple[tuple[str, str], ...]
    recurrence: str | None
    spans_day: bool = False
    """All day, by its date only, or for hours on end (an exhibition): its twins may give the hour
    it opens, or the next morning's (:func:`_within_its_day`)."""
    moved_from: datetime | None = None
    """The start a postponement's re-announcement says the activity was moved from (:func:`~.normalize.
    postponed_from`): its co-hosts' posts that were never updated still give that one (:func:`_postponed`)."""
    moved_day: bool = False
    """The re-announcement gives the original date only (:attr:`moved_from` is its local midnight)."""
    called_off: bool = False
    """Cancelled: with a postponement's mark ("【延期】…"), the original put off (:attr:`put_off`)."""

    @property
    def moves_unsaid(self) -> bool:
        """Marked as moved without saying from or to when (:attr:`moved_from` is its own start): a
        re-announcement (:attr:`moved_unknown`) or an original called off (:attr:`put_off`)."""
        return self.moved_from is not None and self.moved_from == self.starts_at

    @property
    def moved_unknown(self) -> bool:
        """Moved, but from when it does not say ("【延期】…（延期至12月20日）"): the original lies up to
        :data:`MOVED_BACK` before it."""
        return self.moves_unsaid and not self.called_off

    @property
    def put_off(self) -> bool:
        """The original of a postponement, called off with a postponement's mark ("【延期】…",
        cancelled): the new date, which it does not say, lies up to :data:`MOVED_BACK` after it."""
        return self.moves_unsaid and self.called_off

    venue_name: str | None = field(default=None, compare=False, repr=False)
    raw: str | None = field(default=None, compare=False, repr=False)
    """The stored submission JSON, read for the venue's room only when a comparison needs it."""
    family: frozenset[str] = field(default=frozenset(), compare=False, repr=False)
    """The submitter's parent and children in the alliance (a branch reposts its head library's
    activity, a head library its branch's, often typing the other's room bare)."""
    kinds: frozenset[str] = field(default=frozenset(), compare=False, repr=False)
    """What kind of library the submitter is (:meth:`~.normalize.VenueResolver.kinds`)."""
    at_mobile: bool = field(default=False, compare=False, repr=False)
    """Its site is a book bus's or boat's (a stop of its route: :func:`_two_stops`)."""
    hosts: frozenset[str] = field(init=False, compare=False, repr=False)
    """The credited hosts (grouping asks for them for every member of every group it builds)."""
    named_hosts: frozenset[str] = field(init=False, compare=False, repr=False)
    """The hosts the announcement names, when it names them: a list of organizers, or another
    library as host.  A lone submitter credited as host may simply have listed nobody."""
    key: tuple[str, str] = field(init=False, compare=False, repr=False)
    """(library_id, source_ref): the announcement's key (asked for very often: built once)."""
    _room: object = field(init=False, compare=False, repr=False, default=_UNSET)
    _venue: object = field(init=False, compare=False, repr=False, default=_UNSET)
    _site: object = field(init=False, compare=False, repr=False, default=_UNSET)
    _floor: object = field(init=False, compare=False, repr=False, default=_UNSET)
    _candidate_keys: object = field(init=False, compare=False, repr=False, default=_UNSET)
    _own_site_keys: object = field(init=False, compare=False, repr=False, default=_UNSET)

    def __post_init__(self) -> None:
        hosts = frozenset(lib for lib, role in self.credits if role == Role.host.value)
        object.__setattr__(self, "hosts", hosts)
        named = len(self.credits) > 1 or bool(hosts - {self.library_id})
        object.__setattr__(self, "named_hosts", hosts if named else frozenset())
        object.__setattr__(self, "key", (self.library_id, self.source_ref))

    @property
    def libraries(self) -> frozenset[str]:
        return frozenset(lib for lib, _ in self.credits) | {self.library_id}

    @property
    def site(self) -> Site | None:
        site = self._site
        if site is _UNSET:
            site = parse_site(self.venue_key, self.venue_text() if self.venue_key.startswith("w:") else "")
            object.__setattr__(self, "_site", site)
        return site  # type: ignore[return-value]

    def venue_text(self) -> str:
        """The venue name as typed, cleaned (lazily: a stored row's JSON is parsed only here)."""
        text = self._venue
        if text is _UNSET:
            name = self.venue_name
            if name is None and self.raw:
                try:
                    data = json.loads(self.raw)
                    venue = data.get("venue") or {}
                    name = venue.get("name")
                    if not self.venue_key.startswith("v:"):
                        name = venue_name_to_match(name, data.get("description"))
                except (ValueError, AttributeError):
                    name = None
            text = normalize_venue_text(name or "")
            object.__setattr__(self, "_venue", text)
        return text  # type: ignore[return-value]

    def online(self) -> bool:
        """Held online: no place given, or a channel named (线上, 抖音直播间, 微信视频号「…」)."""
        text = self.venue_text()
        return not text or is_online(text)

    def floor(self) -> str | None:
        """The floor the venue names ("三楼" → "3"), if any."""
        level = self._floor
        if level is _UNSET:
            level = floor(self.venue_text())
            object.__setattr__(self, "_floor", level)
        return level  # type: ignore[return-value]

    def room(self) -> str | None:
        """The kind of room the venue names (报告厅, 阅览室 …), if any."""
        room = self._room
        if room is _UNSET:
            room = room_type(self.venue_text())
            object.__setattr__(self, "_room", room)
        return room  # type: ignore[return-value]


def host_of(submission: ActivitySubmission) -> str:
    """The host the announcement names (a submitter that lists another library as host, and not
    itself, posts that library's activity: the alliance office, a co-host), else the submitter."""
    named = next((o.library_id for o in submission.organizers if o.role is Role.host), None)
    return named or submission.library_id


def match_fields(submission: ActivitySubmission, venues: VenueResolver) -> MatchFields:
    credits = tuple((o.library_id, o.role.value) for o in submission.credited())
    host = host_of(submission)
    if host == submission.library_id and submission.brand_id:
        owner = venues.brand_host(submission.brand_id, submission.starts_at.astimezone(venues.alliance.tz).year)
        if owner is not None and owner != host:  # another's 一馆一品 reposted, naming nobody: its host's
            host, credits = owner, (*credits, (owner, Role.host.value))
    libraries = tuple(dict.fromkeys([submission.library_id, host, *(lib for lib, _ in credits)]))
    venue = submission.venue
    if not (venue.venue_id and venues.alliance.venue(venue.venue_id) is not None):
        name = venue_name_to_match(venue.name, submission.description)
        if name != (venue.name or ""):
            venue = venue.model_copy(update={"name": name})
    tz = venues.alliance.tz
    slip = date_only_slip(submission.starts_at, submission.ends_at, tz) or twelve_hour_slip(
        submission.starts_at, submission.description, tz
    )
    starts_at, ends_at = submission.starts_at + slip, submission.ends_at + slip
    original = postponed_from(submission.title, submission.description, starts_at, tz)
    title = title_to_match(submission.title, submission.description)
    site = _site(submission, venue, venues, host, libraries)
    return MatchFields(
        library_id=submission.library_id,
        source_ref=submission.source_ref,
        venue_key=site.key,
        starts_at=starts_at,
        ends_at=ends_at,
        title_key=venues.without_library_name(title_key(title)),
        books=books(title),
        episode=episode(title),
        category=submission.category.value,
        credits=credits,
        recurrence=submission.recurrence,
        spans_day=spans_day(starts_at, ends_at, tz),
        moved_from=_utc(original)
        if original
        else _utc(starts_at)
        if marks_postponement(title, submission.description)
        else None,
        moved_day=moved_day(original, tz),
        called_off=submission.status is Status.cancelled,
        venue_name=venue.name or "",
        family=venues.family(submission.library_id),
        kinds=venues.kinds(submission.library_id),
        at_mobile=venues.mobile(site.library_id),
    )


NEAR = timedelta(minutes=HABIT_MINUTES)
SPAN = timedelta(hours=6)
"""An entry this long is a day's (an exhibition's opening hours, a festival day)."""
DAY = timedelta(hours=24)
"""How long after a day-spanning entry starts a twin may start (an exhibition entered from 00:00,
its co-host's post giving 09:30)."""


def _site(
    submission: ActivitySubmission, venue: Venue, venues: VenueResolver, host: str, libraries: tuple[str, ...]
) -> Site:
    """The venue's site, or, where the venue names no member, the one the title names in brackets
    ("数字资源使用培训（汽车图书馆） @ 送书船")."""
    site = venues.site(venue, host=host, libraries=libraries)
    if not site.named and ("（" in submission.title or "(" in submission.title):
        place = venues.title_place(submission.title)
        if place is not None:
            return Site(place, True)
    return site


def _utc(instant: datetime | None) -> datetime | None:
    return instant.astimezone(UTC) if instant is not None else None


def moved_day(original: datetime | None, tz: tzinfo) -> bool:
    """Whether a postponement's original start is a date only (its local midnight)."""
    if original is None:
        return False
    local = original.astimezone(tz)
    return local.hour == 0 and local.minute == 0


def spans_day(starts_at: datetime, ends_at: datetime, tz: tzinfo) -> bool:
    """An all-day or date-only entry (starting at midnight, local time) or one of hours on end."""
    local = starts_at.astimezone(tz)
    return ends_at - starts_at >= SPAN or (local.hour == 0 and local.minute == 0)


def candidate_keys(fields: MatchFields, venues: VenueResolver) -> list[str]:
    """The site keys an announcement's twins may be stored under: its own site's, and the named and
    assumed sites of its libraries, of the site's library, and of their parents and children
    (worked out once per announcement and resolver: the list is shared, not to be changed)."""
    cached = fields._candidate_keys
    if cached is not _UNSET and cached[0] is venues:  # type: ignore[index]
        return cached[1]  # type: ignore[index]
    keys = _candidate_keys(fields, venues)
    object.__setattr__(fields, "_candidate_keys", (venues, keys))
    return keys


def _candidate_keys(fields: MatchFields, venues: VenueResolver) -> list[str]:
    prefix, _, site_library = fields.venue_key.partition(":")
    libraries = [site_library] if prefix in SITE_PREFIXES else []
    libraries += sorted(fields.libraries)
    keys = [fields.venue_key]
    for library_id in venues.related_sites(dict.fromkeys(libraries)):
        keys += [f"{prefix}:{library_id}" for prefix in SITE_PREFIXES]
    return list(dict.fromkeys(keys))


def own_site_keys(fields: MatchFields) -> tuple[str, ...]:
    """The keys of the announcement's own site (named and assumed): the only ones searched beyond
    :data:`HABIT_MINUTES` (:func:`_far_apart` asks for the same place)."""
    keys = fields._own_site_keys
    if keys is _UNSET:
        prefix, _, site_library = fields.venue_key.partition(":")
        keys = (
            (fields.venue_key,) if prefix not in SITE_PREFIXES else tuple(f"{p}:{site_library}" for p in SITE_PREFIXES)
        )
        object.__setattr__(fields, "_own_site_keys", keys)
    return keys  # type: ignore[return-value]


def _ratio(a: str, b: str) -> float:
    if a == b:
        return 100.0
    score = fuzz.ratio(a, b)
    short, long = sorted((a, b), key=len)
    if len(short) >= 4 and len(short) * 2 >= len(long) and short in long:
        score = max(score, 95.0)
    elif len(short) >= 6 and len(short) * 3 >= len(long) and short in long:
        score = max(score, 90.0)  # a series' name before it and a kind of activity after, no separator
    elif len(a) == len(b) >= 5 and sum(p != q for p, q in zip(a, b, strict=True)) == 1:
        score = max(score, 90.0)  # one character mistyped (楷输 / 楷书): numbers and books are told apart elsewhere
    elif len(short) >= 6 and len(short) * 2 >= len(long):
        score = max(score, 0.95 * fuzz.partial_ratio(a, b))
    return score


CUT_SHORT = 6
"""A title this long or longer that begins another was cut short by a channel ("红色观影：“我和")."""


def _cut_short(a: str, b: str) -> float:
    short, long = sorted((a.replace(PREFIX_MARK, ""), b.replace(PREFIX_MARK, "")), key=len)
    return 90.0 if len(short) >= CUT_SHORT and long.startswith(short) else 0.0


CUT_TITLE = 0.9
"""How alike a title cut short is to one that begins with what it gives (石榴籽读书会：《乡土中… /
《乡土中国》精读)."""


def _cut_similarity(a: str, b: str) -> float:
    """:func:`title_similarity` when a title was cut short: what it gives begins the other (with or
    without either's programme name), else the titles compared without the mark."""
    for cut, other in ((a, b), (b, a)):
        if cut[-1] != CUT_MARK:
            continue
        given = [v for v in title_variants(cut[:-1]) if len(v) >= 2]
        whole = title_variants(other.rstrip(CUT_MARK))
        if any(w.startswith(g) for g in given for w in whole):
            return CUT_TITLE
    return title_similarity(a.rstrip(CUT_MARK), b.rstrip(CUT_MARK))


ISSUE_ONLY = 0.9
"""How alike a title that names only a programme's issue (第49期) is to one naming that issue."""


def title_similarity(a: str, b: str) -> float:
    """0..1, character level; a title that contains the other scores by ``partial_ratio``; a title
    whose prefix ("江城讲坛：") the other dropped compares without it."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    if a[-1] == CUT_MARK or b[-1] == CUT_MARK:
        return _cut_similarity(a, b)
    if numbered(a) or numbered(b):  # a session number is told by value (:func:`compare`), not by spelling
        for x, y in ((a, b), (b, a)):
            issue = title_variants(x)[1]
            if numbered(issue) and not without_episode(issue) and issue in y:
                return ISSUE_ONLY  # "关于举办“第49期”的通知" / "沔图讲坛：第49期": only the issue, the same
        a, b = without_episode(a) or a, without_episode(b) or b
        if a == b:
            return 1.0
    full_a, rest_a = title_variants(a)
    full_b, rest_b = title_variants(b)
    if rest_a != full_a and rest_b != full_b:
        head_a, head_b = a.partition(PREFIX_MARK)[0], b.partition(PREFIX_MARK)[0]
        if head_a == head_b:  # one brand's two sessions differ only after "江城讲坛：", unless cut short
            return max(_ratio(rest_a, rest_b), _cut_short(full_a, full_b)) / 100.0
        if fuzz.ratio(head_a, head_b) < 50:
            return _ratio(full_a, full_b) / 100.0  # two brands' programmes on one topic
    score = max(_ratio(full_a, full_b), _cut_short(full_a, full_b))
    if score < 90 and (rest_a == full_b or rest_b == full_a):
        score = 90.0  # "亲子手工：泥塑" / "泥塑": the programme's name dropped, however short the rest
    if score < 95 and (rest_a != full_a or rest_b != full_b) and min(len(rest_a), len(rest_b)) >= 4:
        score = max(score, 0.97 * _ratio(rest_a, rest_b), 0.95 * _ratio(rest_a, full_b), 0.95 * _ratio(full_a, rest_b))
    return score / 100.0


def minutes_apart(x: MatchFields, y: MatchFields) -> float:
    return abs((x.starts_at - y.starts_at).total_seconds()) / 60.0


def places(x: MatchFields, y: MatchFields) -> str:
    """What the venues say: "same" site, "apart" (different places, plainly), "elsewhere" (as far as
    one can tell: each library at home, nothing linking them), or "unsure"."""
    sx, sy = x.site, y.site
    if sx is None or sy is None:  # keys of an older release: only equality tells
        return "same" if x.venue_key == y.venue_key else "apart"
    if x.online() and y.online():
        return "same"  # one channel or another, whoever streams it: the place says nothing against
    if linked(x, y) and (x.online() or y.online()):
        return "unsure"  # the stream of a co-host's activity (【线上】…, 视频号直播): where it is held
    if _two_stops(x, y):
        return "apart"  # the book bus at 鹭鸶湾渡口, then at 湖心岛码头
    rx, ry = x.room(), y.room()
    if (
        rx
        and ry
        and not rooms_alike(rx, ry)
        and not (sx.known and sy.known and sx.library_id == sy.library_id)
        and not (multipurpose(rx, ry) and x.library_id != y.library_id and x.libraries & y.libraries)
        and not _one_outside_place(x, sx, y, sy)
    ):
        return "apart"  # a 报告厅 and a 阅览室 of two places: one programme at two branches
    fx, fy = x.floor(), y.floor()
    if fx and fy and fx != fy:
        return "apart"  # 一楼 and 三楼 of one building: two rooms
    if not (sx.known and sy.known):  # an address or place the alliance file does not know
        if x.library_id == y.library_id and (
            (not sx.known and is_placeholder(x.venue_text())) or (not sy.known and is_placeholder(y.venue_text()))
        ):
            return "unsure"  # "详见海报": no place said, none against
        if _two_institutions(x, sx, y, sy):
            return "apart"  # 县二中 and 双语幼儿园: one library's programme at two schools
        if linked(x, y):
            return "unsure"
        for sa, (b, sb) in ((sx, (y, sy)), (sy, (x, sx))):
            if sa.named and not sb.known and stop_place(b.venue_text()):
                return "elsewhere"  # a member's building, and a village hall the file does not know
        for (a, sa), b in (((x, sx), y), ((y, sy), x)):
            if sa.known and sa.library_id == a.library_id:
                if _names_kind_of(b, a):
                    return "unsure"  # "城市书房阅读区" by the central library: a 书房's, maybe this one
                return "elsewhere"  # one is in its own building; the other, unlinked, somewhere else
        if not (sx.known or sy.known) and not same_place_text(x.venue_text(), y.venue_text()):
            return "elsewhere"  # two different addresses
        return "unsure"
    if sx.library_id == sy.library_id:
        return "same"
    if sx.named and sy.named and not (_guessed(x, sx, y) or _guessed(y, sy, x)):
        return "apart"  # two buildings, each named
    if sx.library_id == x.library_id and sy.library_id == y.library_id and not (rx and rx == ry and linked(x, y)):
        return "elsewhere"  # each in its own library, as far as one can tell: one programme at several branches
    for (a, sa), (b, sb) in (((x, sx), (y, sy)), ((y, sy), (x, sx))):
        if sa.named and not sb.named and not _may_be_at(b, sa.library_id) and b.library_id not in a.libraries:
            return "elsewhere"  # one names a library the other, typing a bare room, has nothing to do with
    return "unsure"


def _two_institutions(x: MatchFields, sx: Site, y: MatchFields, sy: Site) -> bool:
    """Both at a school (a kindergarten, a home) the alliance file does not know, named, not by
    address, and not alike: two places, whoever credits whom."""
    if sx.known or sy.known:
        return False
    a, b = x.venue_text(), y.venue_text()
    if not (names_institution(a) and names_institution(b)) or is_address(a) or is_address(b):
        return False
    a, b = short_form(without_room(a)), short_form(without_room(b))
    if same_place_text(a, b):
        return False
    short, long = sorted((without_unit(a), without_unit(b)), key=len)
    return not (len(short) >= 2 and long.endswith(short))  # 县一中 / 梅湖一中: the county's own


def _one_outside_place(x: MatchFields, sx: Site, y: MatchFields, sy: Site) -> bool:
    """Both at one place the alliance file does not know (a school, a park), named alike beyond the
    room, by announcements that credit each other or one host: whatever each calls the room (报告厅,
    阶梯教室, 图书室), it is one host's one visit."""
    if sx.known or sy.known or not linked(x, y):
        return False
    a, b = without_room(x.venue_text()), without_room(y.venue_text())
    return len(a) >= 2 and len(b) >= 2 and same_place_text(a, b)


def _two_stops(x: MatchFields, y: MatchFields) -> bool:
    """Whether two announcements at a mobile library's site (a book bus's or boat's) name two of
    its stops (:func:`~.normalize.stop_place`: "湖心岛码头（…停靠点）" is 湖心岛码头)."""
    if not (x.at_mobile and y.at_mobile):
        return False  # (most pairs: no venue text read)
    a, b = stop_place(x.venue_text()), stop_place(y.venue_text())
    # 鞍子镇文化广场 / 鞍子镇村口: one town's stop, told two ways; 湖心岛码头 / 鹭鸶湾渡口: two
    return bool(a and b) and a[:2] != b[:2] and not same_place_text(a, b)


def _names_kind_of(b: MatchFields, a: MatchFields) -> bool:
    """Whether ``b``'s venue names a kind of library without saying which (城市书房阅读区, 书屋) that
    ``a``'s submitter is and ``b``'s is not: somebody else's, maybe ``a``'s."""
    if not ("central" in b.kinds or a.library_id in b.family):
        return False  # the central library's or the parent's post: anyone else's 书房 is not a's
    named = bare_kind(b.venue_text())
    return named is not None and named in a.kinds and named not in b.kinds


def _guessed(a: MatchFields, sa: Site, b: MatchFields) -> bool:
    """Whether ``a`` names its site only by a short form several members share (区馆, 县图 …), read
    as a relative of the writer's, while ``b`` names a library of that very kind: the short form
    may as well mean ``b``'s (a 县馆 writing "县馆" means itself: not a guess)."""
    if sa.library_id == a.library_id:
        return False
    text = a.venue_text()
    tiers = generic_tiers(text)
    return bool(tiers) and names_tier(b.venue_text(), tiers)


def _may_be_at(a: MatchFields, library_id: str) -> bool:
    """Whether ``a``'s bare room may be one of ``library_id``'s: it credits that library, or is its
    parent or child (who types the other's room as if at home) and names no host of its own."""
    if library_id in a.libraries:
        return True
    return library_id in a.family and not a.named_hosts  # naming its own host, it is at home


def same_place_text(a: str, b: str) -> bool:
    """Two venue texts that may name one outside place: alike, or one the other's abbreviation (its
    characters in order: 枫林一中 / 枫林县第一中学, 武警支队 / 武警沅州支队营区)."""
    if fuzz.ratio(a, b) >= 60:
        return True
    short, long = sorted((_DROP_PLACE.sub("", a), _DROP_PLACE.sub("", b)), key=len)
    if len(short) < 4:
        return False
    rest = iter(long)
    if all(c in rest for c in short):
        return True
    short, long = sorted((_ADMIN_PREFIX.sub("", short), _ADMIN_PREFIX.sub("", long)), key=len)
    return len(short) >= 4 and short in long  # 岚州市滨河公园 / 滨河公园南门广场: the place, then where in it


_DROP_PLACE = re.compile(r"[\W_]+")
_ADMIN_PREFIX = re.compile(r"^(?:[^\W\d市区县]{1,4}?[市区县])+")


def linked(x: MatchFields, y: MatchFields) -> bool:
    """One names the other as an organiser, or both name the same host."""
    return x.library_id in y.libraries or y.library_id in x.libraries or bool(x.hosts & y.hosts)


def compare(x: MatchFields, y: MatchFields) -> Verdict:
    """The verdict on two announcements (symmetric)."""
    apart_minutes = minutes_apart(x, y)
    if apart_minutes > HABIT_MINUTES and (x.moved_from or y.moved_from):
        postponed = _postponed(x, y)
        if postponed is not None:
            return postponed
    if apart_minutes > WINDOW_MINUTES:
        if (x.spans_day or y.spans_day) and _within_its_day(x, y):
            return _day_and_hour(x, y)
        return Verdict(Outcome.APART, 0.0, "different start times")
    if apart_minutes > HABIT_MINUTES:
        return _far_apart(x, y, apart_minutes)
    if x.books and y.books and not (x.books & y.books):
        return Verdict(Outcome.APART, 0.0, "different books")
    if (ceremony(x.title_key) is None) != (ceremony(y.title_key) is None):
        return Verdict(Outcome.APART, 0.0, "different sessions")  # the exhibition and its opening ceremony
    if x.episode and y.episode and x.episode != y.episode and other_session(x.episode, y.episode):
        return Verdict(Outcome.APART, 0.0, "different sessions")
    if (
        (x.episode is None) != (y.episode is None)
        and apart_minutes > SESSION_MINUTES
        and not _numbered_prefix_dropped(x, y)
    ):
        return Verdict(Outcome.APART, 0.0, "another session")  # "第二场" an hour after an unnumbered one
    similarity = title_similarity(x.title_key, y.title_key)
    if x.books & y.books:
        similarity = max(similarity, SHARED_BOOK)  # 共读《三体》 / 《三体》读书会: one work, worded twice
    if similarity < GENERIC_TITLE and apart_minutes <= CLOSE_START_MINUTES and linked(x, y) and _kind_only(x, y):
        similarity = GENERIC_TITLE  # "讲座活动" by a co-host of "苏轼的人生哲学": the title says nothing against
    score = similarity - (0.05 if x.category != y.category else 0.0) - 0.1 * apart_minutes / HABIT_MINUTES
    if score < LINKED_REVIEW and x.library_id != y.library_id:
        return Verdict(Outcome.APART, score, "titles differ")  # whatever the place: no need to read it
    place = places(x, y)
    if place == "apart":
        return Verdict(Outcome.APART, 0.0, "different venues")
    rx, ry = x.room(), y.room()
    if rx and ry and not rooms_alike(rx, ry) and not multipurpose(rx, ry):
        # two kinds of room in one building: co-hosts name one room differently (多功能厅 /
        # 多功能会议室, 电子阅览室 / 数字阅读体验区), but parallel sessions are in two rooms: only
        # announcements that credit each other or one host, with alike titles, are one activity
        # (a library names its own rooms: two of them in its two entries are two sessions)
        score -= OTHER_ROOM
        if score < LINKED_MERGE or not linked(x, y) or x.library_id == y.library_id:
            return Verdict(Outcome.APART, score, "another room of the building")
    if (
        x.named_hosts
        and y.named_hosts
        and not (x.named_hosts & y.libraries or y.named_hosts & x.libraries)
        and place != "same"
    ):
        return Verdict(Outcome.APART, 0.0, "different hosts")  # each names its own 主办: one programme, two places
    if place == "elsewhere":
        return Verdict(Outcome.APART, 0.0, "each in its own library")
    if x.library_id == y.library_id:
        return _same_library(x, y, similarity, apart_minutes, score)
    related = place == "same" or linked(x, y)
    merge_at, review_at = (LINKED_MERGE, LINKED_REVIEW) if related else (UNLINKED_MERGE, UNLINKED_REVIEW)
    kind = "co-hosts" if related else "unlinked libraries"
    if score >= merge_at:
        outcome = Outcome.MERGE
    elif score >= review_at:
        outcome = Outcome.REVIEW
    else:
        return Verdict(Outcome.APART, score, f"{kind}: titles differ")
    if outcome is Outcome.MERGE and not same_series(x, y):
        return Verdict(Outcome.REVIEW, score, f"{kind}: similar, but series and single dates differ")
    return Verdict(outcome, score, f"{kind}: similar titles" if outcome is Outcome.REVIEW else kind)


def _kind_only(x: MatchFields, y: MatchFields) -> bool:
    """Whether one title names only a kind of activity (讲座, 展览活动, 亲子活动) that the other, of
    its own title, is: its category or its title says so."""
    for a, b in ((x, y), (y, x)):
        kinds = generic_kinds(a.title_key)
        if kinds and (b.category in kinds or any(w in b.title_key for w in _kind_words(kinds))):
            return True
    return False


def _kind_words(kinds: frozenset[str]) -> list[str]:
    return [word for word, meant in GENERIC_KINDS.items() if set(meant) & kinds]


def _within_its_day(x: MatchFields, y: MatchFields) -> bool:
    """Whether one spans a day (:attr:`MatchFields.spans_day`) and the other starts in it: up to a
    day after it starts, and before it ends (an entry by its date only ends when it starts)."""
    for a, b in ((x, y), (y, x)):
        if a.spans_day and a.starts_at <= b.starts_at < a.starts_at + DAY:
            if a.ends_at <= a.starts_at + SPAN or b.starts_at <= a.ends_at:
                return True
    return False


def _day_and_hour(x: MatchFields, y: MatchFields) -> Verdict:
    """An entry for its day (an exhibition from 00:00, by its date only, or 09:00-17:00) and one
    giving an hour in it: one activity when plainly the same title at the same place, no session
    or series and no other book; else two (a lecture in the exhibition hall, the next stop)."""
    if _other_session(x, y) or x.episode != y.episode and not _issue_left_out(x, y):
        # the same 第39期 in both, or in one only as a programme's running count: that session's day
        return Verdict(Outcome.APART, 0.0, "different start times")
    if (ceremony(x.title_key) is None) != (ceremony(y.title_key) is None):
        return Verdict(Outcome.APART, 0.0, "different sessions")
    similarity = title_similarity(x.title_key, y.title_key)
    if similarity < DAY_TITLE:
        return Verdict(Outcome.APART, 0.0, "different start times")
    place = places(x, y)
    if not (place == "same" or place == "unsure" and (linked(x, y) or _kin(x, y))):
        return Verdict(Outcome.APART, 0.0, "different start times")
    return Verdict(Outcome.MERGE, similarity, "one day's entry, and the hour it opens")


def _issue_left_out(x: MatchFields, y: MatchFields) -> bool:
    """One gives a programme's issue number (归德讲堂第97期：…) the other leaves out."""
    for a, b in ((x, y), (y, x)):
        if a.episode and not b.episode and issue_only(a.title_key, a.episode):
            return True
    return False


def _kin(x: MatchFields, y: MatchFields) -> bool:
    """One's library is the other's parent or child (a county entering its stations' day)."""
    return x.library_id in y.family or y.library_id in x.family


def _session_series_or_book(x: MatchFields, y: MatchFields) -> bool:
    """Whether either marks a session or a series, or the two name different books: for starts
    hours apart (:func:`_day_and_hour`, :func:`_far_apart`), another activity."""
    return bool(
        x.episode or y.episode or x.recurrence or y.recurrence or (x.books and y.books and not x.books & y.books)
    )


MOVED_TITLE = 0.85
"""How alike a postponement's re-announcement and a post giving the date it was moved from must be."""


def _postponed(x: MatchFields, y: MatchFields) -> Verdict | None:
    """A postponement's re-announcement ("原定4月7日的活动改期至4月14日") and a post that still gives
    the date it was moved from, up to :data:`HABIT_MINUTES` off its hour: one activity when the
    titles are alike, no other session, series or book, and nothing says two places; None when
    neither gives the other's start as its original one."""
    for a, b in ((x, y), (y, x)):
        if a.put_off:
            if not (b.moved_from is None or b.moved_unknown) or not _weeks_later_same_hour(a, b):
                continue
        elif a.moved_from is None or b.moved_from is not None or not _gives_original(a, b):
            continue
        unknown = a.moves_unsaid  # from or to when, it does not say
        if _other_session(a, b) or ceremony(a.title_key) != ceremony(b.title_key):
            return Verdict(Outcome.APART, 0.0, "different start times")
        if unknown and a.episode != b.episode:  # a series' other session?
            return Verdict(Outcome.APART, 0.0, "different start times")
        similarity = title_similarity(a.title_key, b.title_key)
        if a.books & b.books:
            similarity = max(similarity, SHARED_BOOK)
        if similarity < (FAR_TITLE if unknown else MOVED_TITLE):
            return Verdict(Outcome.APART, 0.0, "different start times")
        place = places(a, b)
        if unknown and not (place == "same" or place == "unsure" and a.library_id == b.library_id):
            return Verdict(Outcome.APART, 0.0, "different start times")
        if not (place == "same" or place == "unsure" and linked(a, b)):
            return Verdict(Outcome.APART, 0.0, "different start times")  # one title, two places postponed
        return Verdict(Outcome.MERGE, similarity, POSTPONED)
    return None


POSTPONED = "postponed: the date it was moved from"
UNSURE_POSTPONED = "postponed: from which date it does not say"
NOT_MOVED_FROM = "postponed: not from this date"
UNLINKED, UNSURE = "unlinked", "unsure"
"""Decisions on a pair of a re-announcement that does not say from when and a post it would be
merged with as its original (:func:`unsure_postponements`): not from that date (another post was
called off), or not known which (a person to decide).  Either keeps the two apart, like a
coordinator's "apart"."""


def unsure_postponements(sources: list[MatchFields]) -> dict[frozenset, str]:
    """The pairs a re-announcement that does not say from when ("【延期举办】海风读书会") must not be
    merged by: when the posts it matches as its original lie on two dates or more (one session of a
    weekly series put off), only those on the date of the one called off (cancelled) are its
    original (the others :data:`UNLINKED`); if no date or two have one, which it is a person decides
    (:data:`UNSURE`).  The same for an original put off and its new dates (the one a re-announcement
    marks).  A function of the set, not of the order the announcements came in."""
    unlinked: dict[frozenset, str] = {}
    for moved in sources:
        if not moved.moves_unsaid:
            continue
        linked_ = sorted(
            (other for other in sources if other is not moved and compare(moved, other).reason == POSTPONED),
            key=lambda other: other.starts_at,
        )
        dates: list[list[MatchFields]] = []
        for other in linked_:
            first = dates[-1][0] if dates else None
            if first and other.starts_at - first.starts_at < (DAY if first.spans_day else MOVED_LEAST):
                dates[-1].append(other)
            else:
                dates.append([other])
        if len(dates) < 2:
            continue
        if moved.put_off:  # its new date: the one a re-announcement marks as moved
            off = [day for day in dates if any(other.moved_unknown for other in day)]
        else:  # its original: the one called off
            off = [day for day in dates if any(other.called_off for other in day)]
        keep, decision = (off[0], UNLINKED) if len(off) == 1 else ([], UNSURE)
        unlinked.update(
            (frozenset((moved.key, other.key)), decision) for day in dates if day is not keep for other in day
        )
    return unlinked


MOVED_BACK = timedelta(days=42)
"""How long before a re-announcement that does not say its original date that date may lie."""
MOVED_LEAST = timedelta(hours=12)
"""How long before it, at least (a start hours earlier that day is the same day's, not a move)."""


def _weeks_later_same_hour(earlier: MatchFields, later: MatchFields) -> bool:
    """Whether ``later`` starts :data:`MOVED_LEAST` to :data:`MOVED_BACK` after ``earlier``, at
    about the same hour (any hour when ``earlier`` is a day's entry): a move that does not say from
    or to when, seen from either end."""
    gap = later.starts_at - earlier.starts_at
    if not (MOVED_LEAST <= gap <= MOVED_BACK):
        return False
    clock = (gap.total_seconds() / 60) % (24 * 60)
    return earlier.spans_day or min(clock, 24 * 60 - clock) <= HABIT_MINUTES


def _gives_original(a: MatchFields, b: MatchFields) -> bool:
    """Whether ``b`` starts at ``a``'s original start, up to :data:`HABIT_MINUTES` off (any hour of
    its date when ``a`` gives only the date, or ``b`` only a date); for a re-announcement that does
    not say it, a start up to :data:`MOVED_BACK` before at about the same hour."""
    original = a.moved_from
    assert original is not None
    if a.moved_unknown:
        return _weeks_later_same_hour(b, a)
    if a.moved_day and original - NEAR <= b.starts_at < original + DAY:
        return True
    if b.spans_day and b.starts_at <= original < b.starts_at + DAY:
        return True
    return abs((b.starts_at - original).total_seconds()) <= HABIT_MINUTES * 60


def _other_session(x: MatchFields, y: MatchFields) -> bool:
    """Two session numbers, a series, or two books: another activity whatever the dates say."""
    return bool(
        (x.episode and y.episode and x.episode != y.episode)
        or x.recurrence
        or y.recurrence
        or (x.books and y.books and not x.books & y.books)
    )


def _far_apart(x: MatchFields, y: MatchFields, apart_minutes: float) -> Verdict:
    """Two starts more than :data:`HABIT_MINUTES` apart: one activity only on strong evidence (a
    start copied from another post, the doors' time, a typo), else two (a later session)."""
    if _session_series_or_book(x, y) or ceremony(x.title_key) != ceremony(y.title_key):
        return Verdict(Outcome.APART, 0.0, "different start times")  # 第二场, a series: another session
    similarity = title_similarity(x.title_key, y.title_key)
    if similarity < FAR_TITLE:
        return Verdict(Outcome.APART, 0.0, "different start times")
    if places(x, y) != "same" or (x.named_hosts and y.named_hosts and not x.hosts & y.hosts):
        return Verdict(Outcome.APART, 0.0, "different start times")
    score = similarity - 0.1 * apart_minutes / HABIT_MINUTES
    return Verdict(Outcome.MERGE, score, "same title and place, the start written differently")


def same_series(x: MatchFields, y: MatchFields) -> bool:
    """Whether two announcements give one schedule: both single dates, or series with the same
    session dates however the rule is written (COUNT=6 / UNTIL=…), or a series and a single entry
    whose title says how many sessions the series has (（共4期）)."""
    if (x.recurrence or None) == (y.recurrence or None):
        return True
    if x.recurrence and y.recurrence:
        return _session_days(x.recurrence, x.starts_at) == _session_days(y.recurrence, y.starts_at)
    series, single = (x, y) if x.recurrence else (y, x)
    count = series_count(single.title_key)
    days = _session_days(cast(str, series.recurrence), series.starts_at)
    return count is not None and days is not None and count == len(days)


SERIES_SESSIONS = 200
"""How many sessions of a rule are compared (an open-ended rule's first ones)."""


@burst_memo(maxsize=4_096)
def _session_days(rule: str, starts_at: datetime) -> tuple[date, ...] | None:
    """The local dates of a rule's sessions (None for a rule that cannot be read)."""
    try:
        return tuple(
            moment.date() for moment, _ in zip(series_sessions(rule, starts_at), range(SERIES_SESSIONS), strict=False)
        )
    except (ValueError, TypeError):
        return None


def _same_library(x: MatchFields, y: MatchFields, similarity: float, apart_minutes: float, score: float) -> Verdict:
    identical = x.title_key == y.title_key and apart_minutes == 0 and x.ends_at == y.ends_at and same_series(x, y)
    if identical:
        return Verdict(Outcome.MERGE, 1.0, "same library: entered twice")
    if x.title_key != y.title_key and _two_rooms(x.venue_text(), y.venue_text()):
        return Verdict(Outcome.APART, score, "same library: two rooms")  # 书法班（初级）and（高级）, side by side
    if apart_minutes <= SAME_LIBRARY_MINUTES and same_series(x, y):
        marks = x.episode or y.episode
        one_numbered = (
            (x.episode is None) != (y.episode is None)
            and apart_minutes <= SESSION_MINUTES
            and all(episode_kind(mark) == "number" for mark in (marks or "").split("/"))
            and not (season(x.title_key) or season(y.title_key))
        )  # a series' 第3期 one entry gives: the same session (an audience's 专场 or 组 is a parallel one)
        if score >= SAME_LIBRARY_MERGE and (x.episode == y.episode or one_numbered or _numbered_prefix_dropped(x, y)):
            return Verdict(Outcome.MERGE, score, "same library: entered twice")
        if score >= SAME_LIBRARY_REVIEW:
            return Verdict(Outcome.REVIEW, score, "same library: near copy")
    return Verdict(Outcome.APART, score, "same library: another activity")


def _two_rooms(a: str, b: str) -> bool:
    """Whether two venue texts of one library plainly name two of its rooms: two numbered rooms of a
    kind ("第0会议室" / "第1会议室", "3号活动室" / "5号活动室"), or two reading rooms of different
    purposes (少儿阅览室 / 电子阅览室).  Floors, brackets and a generic word ("阅览室" / "少儿阅览室",
    "活动室" / "2楼活动室") are no evidence: libraries write one room many ways."""
    words_a, words_b = room_words(a), room_words(b)
    if not words_a or not words_b:
        return False
    room_a, room_b = words_a[-1], words_b[-1]
    if room_a != room_b:
        return room_a in DISTINCT_ROOMS and room_b in DISTINCT_ROOMS
    number_a, number_b = _room_number(nfkc(a), room_a), _room_number(nfkc(b), room_b)
    return number_a is not None and number_b is not None and number_a != number_b


DISTINCT_ROOMS = frozenset({"少儿阅览室", "电子阅览室"})
"""Rooms of one kind that are never one another (the children's and the digital reading room)."""


def _room_number(text: str, room: str) -> str | None:
    """The number a room is called by, written just before its kind ("第1会议室", "3号活动室")."""
    head = text[: text.rfind(room)] if room in text else ""
    found = _ROOM_NUMBER.search(head)
    return found.group(1) if found else None


_ROOM_NUMBER = re.compile(r"(?:第|^|[^0-9楼层fF])([0-9]+|[一二三四五六七八九十]+)号?$")


def _numbered_prefix_dropped(x: MatchFields, y: MatchFields) -> bool:
    """One gives a series number in its prefix ("桐川大讲堂第96期："), the other dropped it: the same
    session (a number added after the title, "·第二季", is another season)."""
    for a, b in ((x, y), (y, x)):
        head, mark, _ = a.title_key.partition(PREFIX_MARK)
        if a.episode and b.episode is None and mark and a.episode.split("/")[0] in head:
            return True
    return False


def against_group(
    x: MatchFields, members: list[MatchFields], decisions: dict[frozenset, str]
) -> tuple[Verdict, MatchFields]:
    """The verdict on ``x`` joining a group of announcements, and the member it was judged against.

    The best member verdict counts, except that any non-merge verdict against an announcement
    of ``x``'s own library caps it at review (two entries of one library are one activity only
    when they are plainly the same), a plain conflict with any member (two named places, two
    session numbers, two books) keeps it out, and a coordinator's decision on a pair overrides
    a review.
    """
    best: tuple[Verdict, MatchFields] | None = None
    cap = Outcome.MERGE
    for y in members:
        decision = decisions.get(frozenset((x.key, y.key)))
        if decision == UNLINKED:
            return Verdict(Outcome.APART, 0.0, NOT_MOVED_FROM), y
        if decision == UNSURE:
            return Verdict(Outcome.REVIEW, 0.0, UNSURE_POSTPONED), y
        verdict = decided(compare(x, y), decision)
        if verdict.reason == DECIDED_APART or verdict.reason in CONFLICTS:
            return verdict, y
        if y.library_id == x.library_id and verdict.outcome is not Outcome.MERGE:
            cap = Outcome.REVIEW
        if best is None or (verdict.outcome, verdict.score) > (best[0].outcome, best[0].score):
            best = (verdict, y)
    assert best is not None
    verdict, y = best
    if verdict.outcome > cap:
        verdict = Verdict(cap, verdict.score, "same library twice: " + verdict.reason)
    return verdict, y


CONFLICTS = frozenset({"different venues", "different sessions", "different books", "different hosts"})
"""Verdicts that no third announcement can bridge: the two are plainly different activities."""


JOIN_CONFLICTS = CONFLICTS
"""Two groups a later announcement connects become one only if none of these lies between them:
the same conflicts that keep a single announcement out of a group.  "Each in its own library" is
not one of them: it is a guess from who wrote a bare room, which the connecting announcement (the
full venue, every co-host) has just answered; holding groups to more than an announcement made
the result depend on which arrived first."""


def conflict(a: list[MatchFields], b: list[MatchFields], decisions: dict[frozenset, str]) -> bool:
    """Whether two groups cannot be one: a conflict or a coordinator's "apart" between them."""
    for x in a:
        for y in b:
            if (
                decisions.get(frozenset((x.key, y.key))) in ("apart", UNLINKED)
                or compare(x, y).reason in JOIN_CONFLICTS
            ):
                return True
    return False


DECIDED_MERGE = "a coordinator merged them"
DECIDED_APART = "a coordinator kept them apart"


def decided(verdict: Verdict, decision: str | None) -> Verdict:
    """A coordinator's decision settles a pair that would otherwise need review; a clear
    verdict (a revision that moved it away, or made it plainly the same) stands."""
    if decision is None or verdict.outcome is not Outcome.REVIEW:
        return verdict
    if decision == "merge":
        return Verdict(Outcome.MERGE, verdict.score, DECIDED_MERGE)
    return Verdict(Outcome.APART, verdict.score, DECIDED_APART)
