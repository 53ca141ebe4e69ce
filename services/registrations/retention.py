"""The retention job (个人信息保护法: kept no longer than needed): readers' names, contacts and
self-service tokens are erased ``registration_retention_days`` (alliance file, default 30) after
their session; the states, check-ins and counts stay, so the figures do not change.

The job decides from the service's tables and publishes one erasure event per activity on
``shuxiang.registration.erased.<activity>``; the consumer applies it in log order, so a replay
(which brings the sign-ups back from the log) erases them again.  It runs hourly on every replica:
the events' ids are their content, so the broker keeps one of each.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from sqlalchemy import Engine

from shuxiang.events.streams import REGISTRATION
from shuxiang.schemas.registration import RegistrationErasure

from .handlers import expired

log = logging.getLogger(__name__)

INTERVAL = 3600.0


async def erase_expired(engine: Engine, publisher, now: datetime, days: int) -> int:
    """Publish the erasures due at ``now`` (the clock is the caller's: tests move it); how many."""
    with engine.connect() as connection:
        due = expired(connection, now, days)
    for activity_id, cutoff in due:
        erasure = RegistrationErasure(activity_id=activity_id, before=cutoff)
        await publisher.publish(
            f"{REGISTRATION}.erased.{activity_id}", erasure.message_id(), erasure.model_dump_json().encode()
        )
    return len(due)


async def retention_forever(engine: Engine, publisher, days: int, interval: float = INTERVAL) -> None:
    while True:
        try:
            erased = await erase_expired(engine, publisher, datetime.now(UTC), days)
            if erased:
                log.info("retention: personal data of %d activities erased", erased)
        except Exception:  # noqa: BLE001 - tried again within the hour
            log.exception("retention: a round failed")
        await asyncio.sleep(interval)
