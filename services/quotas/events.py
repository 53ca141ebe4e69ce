"""Quota events, published on ``shuxiang.quota.<at-risk|met>`` (stream QUOTAS) for the digests."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shuxiang.events.streams import quota_subject

QuotaEventType = Literal["at-risk", "met"]


class QuotaEvent(BaseModel):
    """A library's progress on a quota rule reached a new state.

    Nats-Msg-Id ``quota:<library_id>:<rule_id>:<year>:<type>``: published once per
    transition (a state reached again within the duplicate window is not repeated).
    """

    model_config = ConfigDict(extra="forbid", title="QuotaEvent")

    type: QuotaEventType
    library_id: str
    library_name: str
    rule_id: str
    rule_name: str
    rule_name_en: str | None = None
    year: int
    attained: int = Field(description="activities credited, or periods satisfied for a per-month/quarter rule")
    target: int
    expected: int = Field(description="what the pace asks by occurred_at")
    per: Literal["month", "quarter"] | None = None
    missing_periods: list[int] = Field(default_factory=list, description="months/quarters below their minimum")
    occurred_at: datetime

    def message_id(self) -> str:
        return f"quota:{self.library_id}:{self.rule_id}:{self.year}:{self.type}"

    def subject(self) -> str:
        return quota_subject(self.type)
