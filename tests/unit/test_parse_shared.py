"""Consumers of one process that read the same messages (dedup and intake each announcement, the
projections each canonical event) validate each message once: the first leaves it for the others."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import BaseModel, field_validator

from shuxiang.events.consumer import Delivery, Rejected, parse_shared

VALIDATED: list[str] = []


class Note(BaseModel):
    text: str

    @field_validator("text")
    @classmethod
    def _counted(cls, value: str) -> str:
        VALIDATED.append(value)
        return value


class Other(BaseModel):
    text: str


def delivery(body: bytes, seq: int) -> Delivery:
    return Delivery(subject="x.y", data=body, headers={}, stream_seq=seq, timestamp=datetime.now(UTC))


def test_a_message_is_validated_once_for_every_consumer_of_the_process() -> None:
    VALIDATED.clear()
    first = parse_shared(Note, delivery(b'{"text": "a"}', 1))
    again = parse_shared(Note, delivery(b'{"text": "a"}', 1))  # another consumer's copy of it
    assert again is first and VALIDATED == ["a"]
    assert parse_shared(Note, delivery(b'{"text": "b"}', 2)).text == "b" and VALIDATED == ["a", "b"]
    assert isinstance(parse_shared(Other, delivery(b'{"text": "a"}', 1)), Other)  # by model too


def test_an_invalid_message_is_rejected_for_each_and_not_kept() -> None:
    for _ in range(2):
        with pytest.raises(Rejected, match="text"):
            parse_shared(Note, delivery(b'{"txt": "a"}', 3))
