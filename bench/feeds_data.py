"""Data for the feed benchmarks: canonical activities from the demo generator, stored
in a calendar database the way the running calendar service stores them.

The demo generator (``shuxiang.demo.activities``) gives realistic Chinese titles,
venues, descriptions, weekly series and co-hosts; the activities are spread over
the feed window (the last 80 days to about two years ahead) so that every one of
them is in a feed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from shuxiang.alliance import Alliance
from shuxiang.db import Databases
from shuxiang.demo.activities import generate_demo_submissions
from shuxiang.events.consumer import Delivery, process_batch
from shuxiang.schemas import CanonicalActivity, CanonicalEvent
from shuxiang.schemas.canonical import CanonicalEventType, SourceRef
from shuxiang.schemas.submission import ActivitySubmission
from shuxiang.services.calendar import service as calendar_service
from shuxiang.services.plan import ServiceContext
from shuxiang.settings import Settings


def canonical(submission: ActivitySubmission, index: int, starts_at: datetime, now: datetime) -> CanonicalActivity:
    """A canonical activity for one announcement (as dedup publishes it for a lone source)."""
    duration = submission.ends_at - submission.starts_at
    shift = starts_at - submission.starts_at
    return CanonicalActivity(
        **submission.model_dump(exclude={"library_id", "source_ref", "revision", "organizers", "exdates"}),
        id=f"bench-{index:06d}",
        version=1 + index % 3,
        organizers=submission.credited(),
        exdates=[d + shift for d in submission.exdates],
        sources=[SourceRef(library_id=submission.library_id, source_ref=submission.source_ref, revision=1)],
        created_at=now - timedelta(days=30),
        updated_at=now - timedelta(days=index % 30),
    ).model_copy(update={"starts_at": starts_at, "ends_at": starts_at + duration})


def activities(alliance: Alliance, count: int, *, host: str | None = None, now: datetime) -> list[CanonicalActivity]:
    """``count`` canonical activities spread from 80 days ago to ~2 years ahead.

    With ``host`` every one is hosted by that library (a busy library's feed)."""
    pool = _submissions(alliance)
    span = timedelta(days=80 + 730)
    out = []
    for index, submission in zip(range(count), pool, strict=False):
        if host is not None:
            submission = submission.model_copy(update={"library_id": host, "organizers": []})
        offset = span * index / max(count, 1)
        start = (now - timedelta(days=80) + offset).replace(minute=0, second=0, microsecond=0)
        out.append(canonical(submission, index, start, now))
    return out


def _submissions(alliance: Alliance) -> Iterator[ActivitySubmission]:
    for year in itertools.count(2020):
        yield from (s for s in generate_demo_submissions(alliance, year, seed=year) if s.revision == 1)


def store(data_dir: Path, alliance: Alliance, items: list[CanonicalActivity]) -> ServiceContext:
    """Store ``items`` through the calendar service's own consumer (render once, store)."""
    databases = Databases(data_dir=data_dir)
    context = ServiceContext(settings=Settings(data_dir=data_dir), alliance=alliance, databases=databases)
    plan = calendar_service.build(context)
    databases.create_tables(plan.name, plan.tables)
    spec = plan.consumers[0]
    now = datetime.now(UTC)
    for first in range(0, len(items), 500):
        batch = [
            Delivery(
                subject="shuxiang.canonical.created",
                data=CanonicalEvent(type=CanonicalEventType.created, activity=a, occurred_at=now)
                .model_dump_json()
                .encode(),
                headers={"Nats-Msg-Id": f"canon:{a.id}:{a.version}"},
                stream_seq=first + i + 1,
                timestamp=now,
            )
            for i, a in enumerate(items[first : first + 500])
        ]
        process_batch(spec, databases.engine(plan.name), batch)
    return context
