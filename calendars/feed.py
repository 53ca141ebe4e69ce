"""Feeds: a VCALENDAR header, the zone's VTIMEZONE, stored VEVENT fragments, a footer.

Assembly is byte concatenation: fragments from ``render_vevent`` are copied verbatim,
never parsed.  The header (including the VTIMEZONE) is cached per feed settings.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import vDuration

from .render import content_line, escape_text, fold_line, uri_value
from .timezone import vtimezone_lines

DEFAULT_YEARS = range(2000, 2041)
"""The years a VTIMEZONE covers unless told otherwise."""

DEFAULT_PRODID = "-//shuxiang//书香 阅读推广联盟//ZH"

_FOOTER = b"END:VCALENDAR\r\n"


@lru_cache(maxsize=64)
def vtimezone(tz: ZoneInfo, years: range = DEFAULT_YEARS) -> bytes:
    """One VTIMEZONE block for ``tz``, with its transitions in ``years``.

    Asia/Shanghai gives a single STANDARD (+0800); zones with daylight saving time
    get a STANDARD and a DAYLIGHT per yearly rule (RRULE), see ``timezone.py``.
    """
    if not tz.key:
        raise ValueError("the zone needs an IANA key (ZoneInfo('Asia/Shanghai'))")
    if not years:
        raise ValueError("years is empty")
    return b"".join(fold_line(line.encode()) for line in vtimezone_lines(tz, years))


@lru_cache(maxsize=256)
def _header(
    name: str,
    tz: ZoneInfo,
    description: str | None,
    refresh: timedelta,
    url: str | None,
    prodid: str,
    years: range,
) -> bytes:
    if refresh <= timedelta(0):
        raise ValueError("refresh must be positive")
    interval = vDuration(refresh).to_ical().decode()
    lines = [
        b"BEGIN:VCALENDAR\r\n",
        b"VERSION:2.0\r\n",
        content_line("PRODID", escape_text(prodid)),
        b"CALSCALE:GREGORIAN\r\n",
        b"METHOD:PUBLISH\r\n",
        content_line("NAME", escape_text(name)),
        content_line("X-WR-CALNAME", escape_text(name)),
        content_line("X-WR-TIMEZONE", escape_text(tz.key)),
    ]
    if description:
        lines.append(content_line("DESCRIPTION", escape_text(description)))
        lines.append(content_line("X-WR-CALDESC", escape_text(description)))
    lines.append(content_line("REFRESH-INTERVAL", interval, ";VALUE=DURATION"))
    lines.append(content_line("X-PUBLISHED-TTL", interval))
    if url:
        lines.append(content_line("URL", uri_value(url), ";VALUE=URI"))
        lines.append(content_line("SOURCE", uri_value(url), ";VALUE=URI"))
    lines.append(vtimezone(tz, years))
    return b"".join(lines)


def assemble_feed(
    fragments: Iterable[bytes],
    *,
    name: str,
    tz: ZoneInfo,
    description: str | None = None,
    refresh: timedelta = timedelta(hours=1),
    url: str | None = None,
    prodid: str = DEFAULT_PRODID,
    years: range = DEFAULT_YEARS,
) -> bytes:
    """A complete iCalendar feed (METHOD:PUBLISH) from VEVENT ``fragments``, verbatim.

    ``fragments`` must be blocks rendered for the same ``tz``, each ending in CRLF.
    """
    return b"".join((_header(name, tz, description, refresh, url, prodid, years), *fragments, _FOOTER))
