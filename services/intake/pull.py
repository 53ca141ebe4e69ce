"""The scheduled pull of members' ICS calendars (``ics_url`` on a member in the alliance config).

Every ``PULL_MINUTES`` (and once at start) each configured calendar is fetched and
its events go out as the member's submissions through the intake's outbox (so a
broker outage delays them, never loses them).  Events whose revision intake has
already seen are skipped; the UIDs make a second pull update rather than duplicate.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select

from shuxiang.admission import admitted
from shuxiang.alliance import Alliance, Member
from shuxiang.events.consumer import UnitOfWork
from shuxiang.events.streams import submitted_subject
from shuxiang.schemas import ActivitySubmission

from .imports import read_ics_submissions
from .tables import NAME, intake_activity

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

PULL_MINUTES = 60
MAX_CALENDAR_BYTES = 20 * 1024 * 1024


class PullError(RuntimeError):
    pass


@dataclass(frozen=True)
class PullResult:
    library_id: str
    queued: int
    unchanged: int
    problems: list[str]


def calendar_url(url: str) -> str:
    """``webcal://`` is http(s) by another name."""
    return "https://" + url.removeprefix("webcal://") if url.startswith("webcal://") else url


async def fetch_calendar(client: httpx.AsyncClient, url: str) -> bytes:
    import httpx  # here: every process that runs services imports this module, few pull (≈ 50 ms)

    try:
        async with client.stream("GET", calendar_url(url)) as response:
            if response.status_code != 200:
                raise PullError(f"{url}: HTTP {response.status_code}")
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_CALENDAR_BYTES:
                    raise PullError(f"{url}: larger than {MAX_CALENDAR_BYTES // 2**20} MiB")
            return bytes(body)
    except httpx.HTTPError as exc:
        raise PullError(f"{url}: {exc.__class__.__name__}: {exc}") from None


def queue_new_revisions(engine: Engine, submissions: list[ActivitySubmission], now: datetime) -> tuple[int, int]:
    """Put the submissions intake has not seen at this revision into the outbox: (queued, unchanged)."""
    queued = unchanged = 0
    with engine.begin() as connection:
        uow = UnitOfWork(connection, NAME)
        for submission in submissions:
            held = connection.execute(
                select(intake_activity.c.revision).where(
                    intake_activity.c.library_id == submission.library_id,
                    intake_activity.c.source_ref == submission.source_ref,
                )
            ).scalar()
            if held is not None and held >= submission.revision:
                unchanged += 1
                continue
            uow.publish(
                submitted_subject(submission.library_id),
                submission.message_id(),
                submission.model_dump_json().encode(),
                at=now,
            )
            queued += 1
        uow.flush_outbox()
    return queued, unchanged


async def pull_member(client: httpx.AsyncClient, engine: Engine, alliance: Alliance, member: Member) -> PullResult:
    data = await fetch_calendar(client, member.ics_url)
    submissions, problems = read_ics_submissions(data, member.id, alliance.tz, default_venue=member.name)
    submissions, refused = admitted(alliance, submissions)  # e.g. a campaign outside its window
    problems = [*problems, *refused]
    queued, unchanged = await asyncio.to_thread(queue_new_revisions, engine, submissions, datetime.now(UTC))
    return PullResult(member.id, queued, unchanged, problems)


async def pull_all(engine: Engine, alliance: Alliance, *, timeout: float = 30.0) -> list[PullResult]:
    """Pull every member's calendar once; one failing calendar does not stop the others."""
    import httpx

    results = []
    async with httpx.AsyncClient(
        timeout=timeout, follow_redirects=True, headers={"User-Agent": "shuxiang-intake"}
    ) as client:
        for member in alliance.members:
            if not member.ics_url:
                continue
            try:
                result = await pull_member(client, engine, alliance, member)
            except PullError as exc:
                log.warning("ics pull %s: %s", member.id, exc)
                continue
            for problem in result.problems:
                log.warning("ics pull %s: %s", member.id, problem)
            log.info("ics pull %s: %d new or changed, %d unchanged", member.id, result.queued, result.unchanged)
            results.append(result)
    return results


async def pull_forever(engine: Engine, alliance: Alliance, minutes: float = PULL_MINUTES) -> None:
    """The background task: pull at start, then every ``minutes``."""
    if not any(member.ics_url for member in alliance.members):
        return
    while True:
        try:
            await pull_all(engine, alliance)
        except Exception as exc:  # noqa: BLE001 - the database may be away for a while: try again next time
            log.warning("ics pull failed, will retry: %r", exc)
        await asyncio.sleep(minutes * 60)
