"""Sending recorded digests: at most once per coordinator and period.

The due handler records each digest once (``digests_sent``, keyed by coordinator
and period, the rendered message stored) as ``pending``.  This sender then:

1. claims a due ``pending`` row: ``sending``, attempts + 1, committed *before* any byte
   goes to the mail server (a conditional update, so two replicas never both claim it);
2. hands the stored bytes to the transport;
3. records the outcome: ``sent``; back to ``pending`` with exponential backoff when the
   transport says it certainly was not sent (``failed`` after MAX_ATTEMPTS); ``uncertain``
   when the server may have accepted it (connection lost after the final ``.``).

A crash between the server accepting the message and step 3's commit leaves the row
in ``sending``; once it is older than SEND_TIMEOUT it becomes ``uncertain`` — never
resent, because resending could double-send and the guarantee is *at most once*.
Should an operator resend one by hand, the stable Message-ID lets mail systems and
readers see it is the same digest.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select, update

from shuxiang.i18n import both

from .tables import digests_sent
from .transport import MaybeSent, NotSent, Transport

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=1)
SEND_TIMEOUT = timedelta(minutes=10)
"""A claim older than this whose outcome was never recorded was interrupted mid-send."""


def retry_delay(attempts: int, base: timedelta = BASE_DELAY) -> timedelta:
    """30 s, 1 min, 2 min, … capped at an hour."""
    return min(MAX_DELAY, base * 2 ** max(0, attempts - 1))


@dataclass
class DigestSender:
    engine: Engine
    transport: Transport
    sender_address: str
    worker: str
    base_delay: timedelta = BASE_DELAY

    def recover(self, now: datetime) -> int:
        """Mark sends interrupted long ago as ``uncertain`` (never resent automatically)."""
        with self.engine.begin() as connection:
            result = connection.execute(
                update(digests_sent)
                .where(digests_sent.c.status == "sending", digests_sent.c.claimed_at < now - SEND_TIMEOUT)
                .values(
                    status="uncertain",
                    last_error=both("interrupted mid-send; not resent"),
                )
            )
        if result.rowcount:
            log.error("digests: %d digest(s) interrupted mid-send marked uncertain (not resent)", result.rowcount)
        return result.rowcount

    def _claim(self, coordinator_id: str, period: str, now: datetime) -> bool:
        with self.engine.begin() as connection:
            result = connection.execute(
                update(digests_sent)
                .where(
                    digests_sent.c.coordinator_id == coordinator_id,
                    digests_sent.c.period == period,
                    digests_sent.c.status == "pending",
                )
                .values(status="sending", claimed_at=now, claimed_by=self.worker, attempts=digests_sent.c.attempts + 1)
            )
        return result.rowcount == 1

    def _finish(self, coordinator_id: str, period: str, **values) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                update(digests_sent)
                .where(
                    digests_sent.c.coordinator_id == coordinator_id,
                    digests_sent.c.period == period,
                    digests_sent.c.status == "sending",
                    digests_sent.c.claimed_by == self.worker,
                )
                .values(**values)
            )

    def send_due(self, now: datetime, limit: int = 20) -> int:
        """Send what is pending and due at ``now``; returns how many were accepted."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(
                    digests_sent.c.coordinator_id,
                    digests_sent.c.period,
                    digests_sent.c.recipient,
                    digests_sent.c.eml,
                    digests_sent.c.attempts,
                )
                .where(digests_sent.c.status == "pending", digests_sent.c.next_attempt_at <= now)
                .order_by(digests_sent.c.next_attempt_at)
                .limit(limit)
            ).all()
        sent = 0
        for row in rows:
            if self._claim(row.coordinator_id, row.period, now):
                sent += self._send_claimed(row, row.attempts + 1, now)
        return sent

    def _send_claimed(self, row, attempt: int, now: datetime) -> int:
        key = (row.coordinator_id, row.period)
        try:
            where = self.transport.send(
                self.sender_address, row.recipient, row.eml, coordinator_id=row.coordinator_id, period=row.period
            )
        except NotSent as exc:
            if attempt >= MAX_ATTEMPTS:
                log.error("digests: %s %s not sent after %d attempts, giving up: %s", *key, attempt, exc)
                self._finish(*key, status="failed", last_error=str(exc)[:2000])
            else:
                delay = retry_delay(attempt, self.base_delay)
                log.warning("digests: %s %s not sent (attempt %d), retry in %s: %s", *key, attempt, delay, exc)
                self._finish(*key, status="pending", next_attempt_at=now + delay, last_error=str(exc)[:2000])
            return 0
        except MaybeSent as exc:
            log.error("digests: %s %s may have been sent; not retrying: %s", *key, exc)
            self._finish(*key, status="uncertain", last_error=str(exc)[:2000])
            return 0
        self._finish(*key, status="sent", sent_at=datetime.now(UTC), last_error=None)
        log.info("digests: %s %s sent to %s via %s", *key, row.recipient, where)
        return 1

    async def run_forever(self, interval: float = 1.0) -> None:
        while True:
            try:
                now = datetime.now(UTC)
                await asyncio.to_thread(self.recover, now)
                await asyncio.to_thread(self.send_due, now)
            except Exception as exc:  # database away: try again next round
                log.warning("digests: sender round failed, will retry: %r", exc)
            await asyncio.sleep(interval)
