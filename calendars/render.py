"""One canonical activity -> one VEVENT block (RFC 5545, RFC 7986).

Pure functions: no I/O, no clock, no global state.  The output is UTF-8, CRLF,
folded at 75 octets and deterministic, so a fragment can be stored per revision
and feeds can be assembled by concatenating fragments (see ``feed.py``).

Content lines are written here rather than through ``icalendar.Event``: icalendar's
TEXT escaper turns a literal ``\\N`` in user text into a line break, and its folding
and escaping helpers are private in 7.x.  ``escape_text`` and ``fold_line`` below are
the one implementation used by both the VEVENT and the feed header.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from typing import Any, Literal
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from shuxiang.schemas import CanonicalActivity, Organizer, Role, Status

Language = Literal["zh-CN", "en"]

# --- content lines -----------------------------------------------------------

_MAX_OCTETS = 75
_CTL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Control characters TEXT may not contain (HTAB, LF and CR are handled separately)."""


def escape_text(text: str) -> str:
    r"""Escape a TEXT value (RFC 5545 §3.3.11): ``\`` ``;`` ``,`` and line breaks.

    CRLF, CR and LF all become ``\n``; other control characters except HTAB are dropped,
    so no input can end a content line early.
    """
    text = _CTL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def param_value(text: str) -> str:
    """A quoted parameter value (RFC 5545 §3.2 with RFC 6868 caret escapes)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("^", "^^").replace("\n", "^n").replace('"', "^'")
    return f'"{_CTL.sub("", text)}"'


def uri_value(uri: str) -> str:
    """A URI value as is (URIs are not TEXT-escaped), minus any control characters."""
    return _CTL.sub("", uri.replace("\r", "").replace("\n", ""))


def fold_line(line: bytes) -> bytes:
    """Fold one content line at 75 octets and terminate it with CRLF.

    Never splits a UTF-8 multibyte character, and keeps a backslash escape on one
    physical line (some clients mis-read a split ``\\n``).
    """
    if len(line) <= _MAX_OCTETS:
        return line + b"\r\n"
    chunks: list[bytes] = []
    start, limit = 0, _MAX_OCTETS
    while len(line) - start > limit:
        cut = start + limit
        while line[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: back off
            cut -= 1
        backslashes = 0
        while cut - 1 - backslashes >= start and line[cut - 1 - backslashes] == 0x5C:
            backslashes += 1
        if backslashes % 2:  # the cut would separate "\" from the character it escapes
            cut -= 1
        chunks.append(line[start:cut])
        start, limit = cut, _MAX_OCTETS - 1  # continuation lines begin with a space
    chunks.append(line[start:])
    return b"\r\n ".join(chunks) + b"\r\n"


def content_line(name: str, value: str, params: str = "") -> bytes:
    """``NAME;PARAMS:value``, UTF-8, folded, CRLF-terminated; ``value`` already escaped."""
    return fold_line(f"{name}{params}:{value}".encode())


# --- labels ------------------------------------------------------------------

_CATEGORY_NAMES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "zh-CN": MappingProxyType(
            {
                "lecture": "讲座",
                "reading_club": "读书会",
                "salon": "读书沙龙",
                "exhibition": "展览",
                "children": "少儿阅读",
                "parent_child": "亲子阅读",
                "contest": "竞赛征文",
                "training": "培训",
                "outreach": "阅读推广进基层",
                "screening": "观影",
                "festival": "读书节",
                "digital": "数字阅读",
                "accessibility": "无障碍服务",
                "other": "其他",
            }
        ),
        "en": MappingProxyType(
            {
                "lecture": "Lecture",
                "reading_club": "Reading club",
                "salon": "Book salon",
                "exhibition": "Exhibition",
                "children": "Children's reading",
                "parent_child": "Parent-child reading",
                "contest": "Contest & essay competition",
                "training": "Training",
                "outreach": "Community outreach",
                "screening": "Film screening",
                "festival": "Reading festival",
                "digital": "Digital reading",
                "accessibility": "Accessibility services",
                "other": "Other",
            }
        ),
    }
)


@dataclass(frozen=True)
class _Words:
    cancelled: str
    roles: Mapping[str, str]
    registration: str
    online: str
    colon: str
    list_sep: str
    location_sep: str
    partners: str = "合作单位"


_WORDS: Mapping[str, _Words] = MappingProxyType(
    {
        "zh-CN": _Words(
            cancelled="【已取消】",
            roles=MappingProxyType(
                {"host": "主办", "organiser": "承办", "co_organiser": "协办", "co_host": "联办", "participant": "参与"}
            ),
            registration="报名",
            online="线上",
            colon="：",
            list_sep="、",
            location_sep="，",
        ),
        "en": _Words(
            cancelled="[Cancelled] ",
            roles=MappingProxyType(
                {
                    "host": "Host",
                    "organiser": "Organiser",
                    "co_organiser": "Co-organiser",
                    "co_host": "Co-host",
                    "participant": "Participant",
                }
            ),
            registration="Registration",
            partners="Partners",
            online="Online",
            colon=": ",
            list_sep=", ",
            location_sep=", ",
        ),
    }
)


@dataclass(frozen=True)
class EventLabels:
    """Human words for ids: library, brand and category names, in one language.

    ``category_names`` overrides entries of the built-in table for ``language``.
    Unknown library or brand ids fall back to the id itself (brands: omitted).
    """

    language: Language = "zh-CN"
    library_names: Mapping[str, str] = field(default_factory=dict)
    brand_names: Mapping[str, str] = field(default_factory=dict)
    category_names: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.language not in _WORDS:
            raise ValueError(f"unsupported language {self.language!r}")
        object.__setattr__(self, "category_names", {**_CATEGORY_NAMES[self.language], **self.category_names})

    @property
    def words(self) -> _Words:
        return _WORDS[self.language]

    def library(self, library_id: str) -> str:
        return self.library_names.get(library_id, library_id)

    def category(self, category: str) -> str:
        return self.category_names.get(category, category)

    def role(self, role: str) -> str:
        return self.words.roles[role]


_DEFAULT_LABELS = EventLabels()

# --- dates and recurrence ----------------------------------------------------


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y%m%dT%H%M%S")


def _tzid(tz: ZoneInfo) -> str:
    if not tz.key:
        raise ValueError("the zone needs an IANA key (ZoneInfo('Asia/Shanghai'))")
    return f";TZID={tz.key}"


def _all_day_span(activity: CanonicalActivity, tz: ZoneInfo) -> tuple[date, date]:
    """First day and exclusive end day; an end at local midnight is already exclusive."""
    first = activity.starts_at.astimezone(tz).date()
    end = activity.ends_at.astimezone(tz)
    last = end.date() if end.time() == time(0) else end.date() + timedelta(days=1)
    return first, max(last, first + timedelta(days=1))


_RRULE = re.compile(r"[A-Z]+=[A-Za-z0-9,+\-:]+(?:;[A-Z]+=[A-Za-z0-9,+\-:]+)*")


def _rrule(rule: str, tz: ZoneInfo, all_day: bool) -> str:
    """The RRULE value with UNTIL in the form RFC 5545 requires for the DTSTART.

    UTC for a zoned DTSTART (a date-only UNTIL keeps its whole local day),
    a DATE for an all-day one.
    """
    rule = rule.removeprefix("RRULE:")
    if not _RRULE.fullmatch(rule):
        raise ValueError(f"not an RRULE value: {rule!r}")
    parts = []
    for part in rule.split(";"):
        key, _, value = part.partition("=")
        if key == "UNTIL":
            value = _until(value, tz, all_day)
        parts.append(f"{key}={value}")
    return ";".join(parts)


def _until(value: str, tz: ZoneInfo, all_day: bool) -> str:
    if len(value) == 8:
        day = datetime.strptime(value, "%Y%m%d")
        return value if all_day else _utc(datetime.combine(day.date(), time(23, 59, 59), tz))
    moment = datetime.strptime(value.removesuffix("Z"), "%Y%m%dT%H%M%S")
    moment = moment.replace(tzinfo=UTC if value.endswith("Z") else tz)
    return moment.astimezone(tz).strftime("%Y%m%d") if all_day else _utc(moment)


def synchronized(activity: CanonicalActivity, tz: ZoneInfo) -> CanonicalActivity:
    """A series whose start its RRULE does not produce, moved to the rule's first occurrence.

    RFC 5545 leaves such a recurrence set undefined, and clients differ: some show the
    DTSTART as an extra session, others do not.  The rule's own occurrences (as dateutil
    expands them, like the rest of shuxiang) are what every client then agrees on.  New
    submissions with such a start are refused at the door (``schemas/sessions.py``); this
    keeps what the log accepted before that check readable by every client.
    """
    if not activity.recurrence:
        return activity
    start = activity.starts_at.astimezone(tz)
    try:
        rule = rrulestr(_rrule(activity.recurrence, tz, all_day=False), dtstart=start)
    except ValueError:
        return activity
    first = next(iter(rule), None)
    if first is None or first == start:
        return activity
    length = activity.ends_at - activity.starts_at
    return activity.model_copy(update={"starts_at": first, "ends_at": first + length})


# --- the VEVENT --------------------------------------------------------------


def _location(activity: CanonicalActivity, labels: EventLabels) -> str | None:
    venue = activity.venue
    place = [p.strip() for p in (venue.name, venue.address) if p and p.strip()]
    if place:
        return labels.words.location_sep.join(place)
    return str(venue.online_url) if venue.online_url else None


def _description(activity: CanonicalActivity, labels: EventLabels) -> str:
    words = labels.words
    organizers = activity.organizers or [Organizer(library_id=activity.host_library_id, role=Role.host)]
    credits = []
    for role in Role:
        names = [labels.library(o.library_id) for o in organizers if o.role == role]
        if names:
            credits.append(f"{labels.role(role)}{words.colon}{words.list_sep.join(names)}")
    if activity.partners:  # partners outside the alliance, by name
        credits.append(f"{words.partners}{words.colon}{words.list_sep.join(activity.partners)}")
    if activity.venue.online_url:
        credits.append(f"{words.online}{words.colon}{activity.venue.online_url}")
    if activity.registration_url:
        credits.append(f"{words.registration}{words.colon}{activity.registration_url}")
    blocks = [activity.description.strip()] if activity.description and activity.description.strip() else []
    blocks.append("\n".join(credits))
    return "\n\n".join(blocks)


def _vevent_lines(
    activity: CanonicalActivity,
    tz: ZoneInfo,
    uid_domain: str,
    url: str | None,
    labels: EventLabels,
    recurrence_id: datetime | None,
) -> Iterable[bytes]:
    tzid = _tzid(tz)
    yield b"BEGIN:VEVENT\r\n"
    yield content_line("UID", escape_text(f"{activity.id}@{uid_domain}"))
    yield content_line("SEQUENCE", str(activity.ical_sequence))
    yield content_line("DTSTAMP", _utc(activity.updated_at))
    yield content_line("CREATED", _utc(activity.created_at))
    yield content_line("LAST-MODIFIED", _utc(activity.updated_at))
    if activity.all_day:
        first, end = _all_day_span(activity, tz)
        yield content_line("DTSTART", first.strftime("%Y%m%d"), ";VALUE=DATE")
        yield content_line("DTEND", end.strftime("%Y%m%d"), ";VALUE=DATE")
        if recurrence_id is not None:
            yield content_line("RECURRENCE-ID", recurrence_id.astimezone(tz).strftime("%Y%m%d"), ";VALUE=DATE")
    else:
        yield content_line("DTSTART", _local(activity.starts_at, tz), tzid)
        yield content_line("DTEND", _local(activity.ends_at, tz), tzid)
        if recurrence_id is not None:
            yield content_line("RECURRENCE-ID", _local(recurrence_id, tz), tzid)
    if activity.recurrence and recurrence_id is None:
        yield content_line("RRULE", _rrule(activity.recurrence, tz, activity.all_day))
        if activity.exdates:
            if activity.all_day:
                days = sorted({d.astimezone(tz).strftime("%Y%m%d") for d in activity.exdates})
                yield content_line("EXDATE", ",".join(days), ";VALUE=DATE")
            else:
                moments = sorted({_local(d, tz) for d in activity.exdates})
                yield content_line("EXDATE", ",".join(moments), tzid)
    cancelled = activity.status == Status.cancelled
    summary = f"{labels.words.cancelled}{activity.title}" if cancelled else activity.title
    yield content_line("SUMMARY", escape_text(summary))
    yield content_line("STATUS", "CANCELLED" if cancelled else "CONFIRMED")
    yield content_line("DESCRIPTION", escape_text(_description(activity, labels)))
    location = _location(activity, labels)
    if location:
        yield content_line("LOCATION", escape_text(location))
    if activity.venue.online_url:
        yield content_line("CONFERENCE", uri_value(str(activity.venue.online_url)), ";VALUE=URI")
    link = url or (str(activity.registration_url) if activity.registration_url else None)
    if link:
        yield content_line("URL", uri_value(link), ";VALUE=URI")
    host = activity.host_library_id
    yield content_line("ORGANIZER", f"urn:shuxiang:library:{host}", f";CN={param_value(labels.library(host))}")
    categories = [labels.category(activity.category)]
    if activity.brand_id and activity.brand_id in labels.brand_names:
        categories.append(labels.brand_names[activity.brand_id])
    yield content_line("CATEGORIES", ",".join(escape_text(c) for c in categories))
    yield b"CLASS:PUBLIC\r\n"
    yield b"TRANSP:TRANSPARENT\r\n" if cancelled else b"TRANSP:OPAQUE\r\n"  # a cancelled one keeps no one busy
    yield b"END:VEVENT\r\n"


def render_vevent(
    activity: CanonicalActivity,
    *,
    tz: ZoneInfo,
    uid_domain: str = "shuxiang",
    url: str | None = None,
    labels: EventLabels | None = None,
    image: str | None = None,
) -> bytes:
    """One self-contained VEVENT for ``activity``, times in ``tz`` (``TZID=<tz.key>``).

    UID ``<id>@<uid_domain>``; SEQUENCE ``ical_sequence`` (visible changes only); DTSTAMP and LAST-MODIFIED
    from ``updated_at``; a series starts at its rule's first occurrence (:func:`synchronized`);
    ``image``: the poster's URL, as an RFC 7986 IMAGE.  The same input always gives the same bytes.
    """
    series = synchronized(activity, tz)
    block = b"".join(_vevent_lines(series, tz, uid_domain, url, labels or _DEFAULT_LABELS, None))
    if image:
        end = b"END:VEVENT\r\n"
        block = block[: -len(end)] + content_line("IMAGE", uri_value(image), ";VALUE=URI;FMTTYPE=image/jpeg") + end
    return block + _override_blocks(series, tz=tz, uid_domain=uid_domain, url=url, labels=labels)


def _override_blocks(series: CanonicalActivity, **options: Any) -> bytes:
    """The series' sessions moved or cancelled on their own, as RECURRENCE-ID VEVENTs after it.

    A session is named by the start its rule gives it (:func:`recurrence.session_of`); a date
    naming no session (only possible in data older than that check) is left out rather than
    published as a RECURRENCE-ID clients would each treat differently.
    """
    if not series.recurrence or not series.overrides:
        return b""
    from .recurrence import _resolved  # here, not at the top: recurrence imports schemas only, render is imported first

    _, changed = _resolved(series, options["tz"])
    blocks = []
    for original, override in sorted(changed.items()):
        changes: dict[str, Any] = {}
        if override.starts_at is not None:
            changes["starts_at"] = override.starts_at
        if override.ends_at is not None:
            changes["ends_at"] = override.ends_at
        elif override.starts_at is not None:
            changes["ends_at"] = override.starts_at + (series.ends_at - series.starts_at)
        if override.venue is not None:
            changes["venue"] = override.venue
        if override.status is Status.cancelled:
            changes["status"] = Status.cancelled
        blocks.append(render_override(series, original, **options, **changes))
    return b"".join(blocks)


def render_override(
    series: CanonicalActivity,
    recurrence_id: datetime,
    *,
    tz: ZoneInfo,
    uid_domain: str = "shuxiang",
    url: str | None = None,
    labels: EventLabels | None = None,
    **changes: Any,
) -> bytes:
    """A VEVENT replacing one occurrence of a recurring ``series`` (RFC 5545 §3.8.4.4).

    ``recurrence_id`` is the occurrence's original start (aware); ``changes`` are
    ``CanonicalActivity`` fields that differ for it, e.g. ``starts_at``, ``ends_at``,
    ``title``, ``venue``, ``status``, ``version``; without ``starts_at`` the occurrence
    keeps its own start (and without ``ends_at`` the series' length).  The block has the
    series' UID and a RECURRENCE-ID, and no RRULE or EXDATE.
    """
    if not series.recurrence:
        raise ValueError(f"{series.id} does not recur; there is no occurrence to override")
    if recurrence_id.tzinfo is None or recurrence_id.utcoffset() is None:
        raise ValueError("recurrence_id needs a UTC offset")
    unknown = changes.keys() - CanonicalActivity.model_fields.keys()
    if unknown or "id" in changes:
        raise ValueError(f"cannot override {sorted(unknown | (changes.keys() & {'id'}))}")
    # unless moved, the occurrence keeps its own start and the series' length
    starts_at = changes.get("starts_at", recurrence_id)
    timing = {"starts_at": starts_at, "ends_at": starts_at + (series.ends_at - series.starts_at)}
    occurrence = CanonicalActivity.model_validate(
        {**series.model_dump(), **timing, **changes, "recurrence": None, "exdates": [], "overrides": []}
    )
    lines = _vevent_lines(occurrence, tz, uid_domain, url, labels or _DEFAULT_LABELS, recurrence_id)
    return b"".join(lines)
