"""The digest-due message: what the scheduler publishes on ``shuxiang.digest.due``."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class DigestDue(BaseModel):
    """A coordinator's digest for one period is due.

    Published with ``Nats-Msg-Id`` ``digest:<coordinator_id>:<period>``; the digests
    service sends at most one email per (coordinator, period) whatever the broker does.
    """

    model_config = ConfigDict(extra="forbid", title="DigestDue")

    coordinator_id: str
    period: str = Field(description='"2026-W48" (weekly), "2026-11-23" (daily) or "manual-…" (send-now)')
    due_at: AwareDatetime = Field(description="the scheduled instant of the period; the digest covers up to it")
    since: AwareDatetime = Field(description="the digest covers changes from this instant (the previous digest)")
    missed_periods: int = Field(0, ge=0, description="periods skipped over while the scheduler was down")
    reason: Literal["schedule", "manual"] = "schedule"

    def message_id(self) -> str:
        return digest_message_id(self.coordinator_id, self.period)


def digest_message_id(coordinator_id: str, period: str) -> str:
    return f"digest:{coordinator_id}:{period}"
