"""Building a 10,000-activity feed: from stored fragments vs rendering with icalendar.

    .venv/bin/python -m bench.feeds_assemble [--activities 10000] [--rounds 5]

Stored fragments: the calendar service has rendered each VEVENT once per version;
the feed is read from SQLite (the real query of ``FeedStore``), concatenated and
hashed for its ETag — what a feed costs after a change.  Baseline: the same
activities rendered "in one go" with icalendar (``Calendar``/``Event`` objects, the
same properties, one VTIMEZONE, ``to_ical()``), what a feed would cost without
stored fragments.  The 1 MB cap is lifted here so that both hold all 10,000.
Figures go to stdout and to bench/README.md (section "Calendar feeds").
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import icalendar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.feeds_data import activities, store  # noqa: E402
from bench.readme import update_readme  # noqa: E402
from shuxiang.alliance import load_demo_alliance  # noqa: E402
from shuxiang.calendars import assemble_feed  # noqa: E402
from shuxiang.calendars.render import _description, _location  # noqa: E402
from shuxiang.schemas import CanonicalActivity, Status  # noqa: E402
from shuxiang.services.calendar.catalog import FeedCatalog  # noqa: E402
from shuxiang.services.calendar.feeds import FeedStore  # noqa: E402
from shuxiang.services.calendar.service import NAME, calendar_context  # noqa: E402
from shuxiang.services.calendar.tables import calendar_entry  # noqa: E402


def icalendar_feed(items: list[CanonicalActivity], context) -> bytes:
    """The baseline: every activity rendered with icalendar, the whole calendar serialised."""
    tz = context.tz
    labels = context.labels
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//shuxiang//bench//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "书香联盟")
    calendar.add("x-wr-timezone", tz.key)
    calendar.add_component(
        icalendar.Timezone.from_tzinfo(tz, tz.key, first_date=date(2000, 1, 1), last_date=date(2041, 1, 1))
    )
    for activity in items:
        event = icalendar.Event()
        cancelled = activity.status == Status.cancelled
        event.add("uid", f"{activity.id}@{context.uid_domain}")
        event.add("sequence", activity.version - 1)
        event.add("dtstamp", activity.updated_at.astimezone(UTC))
        event.add("created", activity.created_at.astimezone(UTC))
        event.add("last-modified", activity.updated_at.astimezone(UTC))
        event.add("dtstart", activity.starts_at.astimezone(tz))
        event.add("dtend", activity.ends_at.astimezone(tz))
        if activity.recurrence:
            event.add("rrule", icalendar.vRecur.from_ical(activity.recurrence))
            for exdate in activity.exdates:
                event.add("exdate", exdate.astimezone(tz))
        event.add("summary", ("【已取消】" if cancelled else "") + activity.title)
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        event.add("description", _description(activity, labels))
        location = _location(activity, labels)
        if location:
            event.add("location", location)
        host = activity.host_library_id
        organizer = icalendar.vCalAddress(f"urn:shuxiang:library:{host}")
        organizer.params["cn"] = labels.library(host)
        event.add("organizer", organizer)
        event.add("categories", [labels.category(activity.category)])
        event.add("class", "PUBLIC")
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return calendar.to_ical()


def timed(function, rounds: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--activities", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-readme", action="store_true", help="do not write the figures into bench/README.md")
    args = parser.parse_args()

    alliance = load_demo_alliance()
    now = datetime.now(UTC)
    items = activities(alliance, args.activities, now=now)
    with tempfile.TemporaryDirectory(prefix="shuxiang-bench-") as tmp:
        print(f"storing {len(items):,} activities (each VEVENT rendered once) …", flush=True)
        context = store(Path(tmp), alliance, items)
        calendar = calendar_context(context)
        feed_store = FeedStore(
            context.databases.reader(NAME), calendar, url_base="http://127.0.0.1:8000", max_bytes=1 << 30
        )
        spec = FeedCatalog(alliance).resolve("alliance.ics")
        with context.databases.reader(NAME).connect() as connection:
            fragments = [
                row.vevent for row in connection.execute(calendar_entry.select().order_by(calendar_entry.c.starts_at))
            ]

        def from_store() -> bytes:
            feed, _ = feed_store._assemble(spec, feed_store.read_state())  # noqa: SLF001 - the uncached path
            return feed.body

        def concatenate() -> bytes:
            return assemble_feed(fragments, name=alliance.name, tz=calendar.tz)

        stored_s, body = timed(from_store, args.rounds)
        concat_s, _ = timed(concatenate, args.rounds)
        baseline_s, baseline = timed(lambda: icalendar_feed(items, calendar), max(1, args.rounds // 2))
        context.databases.dispose()

    events = body.count(b"BEGIN:VEVENT")
    assert events == len(items), f"the stored feed holds {events} events, expected {len(items)}"
    assert len(icalendar.Calendar.from_ical(baseline).walk("VEVENT")) == len(items)
    speedup = baseline_s / stored_s
    lines = [
        f"`bench/feeds_assemble.py --activities {args.activities}` ({now:%Y-%m-%d}, median of {args.rounds}, "
        f"load average {os.getloadavg()[0]:.1f} on 2 cores):",
        "",
        f"| building a feed of {len(items):,} activities | time | feed size |",
        "|---|---:|---:|",
        f"| icalendar, rendered in one go (baseline) | {baseline_s * 1000:,.0f} ms | {len(baseline) / 1e6:.1f} MB |",
        f"| stored fragments: SQLite query + concatenation + ETag | {stored_s * 1000:,.1f} ms | {len(body) / 1e6:.1f} MB |",
        f"| stored fragments already in memory: concatenation only | {concat_s * 1000:,.1f} ms | |",
        "",
        f"Stored fragments are **{speedup:,.0f}× faster** than rendering with icalendar (target ≥ 10×).",
    ]
    print("\n".join(lines))
    if not args.no_readme:
        update_readme("feeds_assemble", "\n".join(lines))
    if speedup < 10:
        sys.exit(f"FAILED: {speedup:.1f}× is below the 10× target")


if __name__ == "__main__":
    main()
