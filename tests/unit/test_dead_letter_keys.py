"""Dead letters are numbered per service database: ``dlq replay --id`` must pick one letter."""

from __future__ import annotations

from datetime import UTC, datetime

import click
import pytest

from shuxiang.cli import chosen_letters
from shuxiang.events.dead_letters import DeadLetter


def letter(consumer: str, number: int) -> DeadLetter:
    at = datetime(2026, 12, 7, tzinfo=UTC)
    return DeadLetter(number, consumer, "shuxiang.activity.submitted.jn", 1, None, "x", at, {}, b"", at, None)


def test_a_number_two_consumers_share_is_refused_and_a_key_picks_one() -> None:
    """`dlq replay --id 1` replayed intake's #1 and dedup's #1; an unknown id replayed nothing, silently."""
    letters = [letter("dedup", 1), letter("intake-submitted", 1), letter("dedup", 2)]
    assert chosen_letters(letters, ("dedup:1",)) == [letters[0]]
    assert chosen_letters(letters, ("2", "dedup:2")) == [letters[2]]
    with pytest.raises(click.ClickException) as ambiguous:
        chosen_letters(letters, ("1",))
    assert "dedup:1, intake-submitted:1" in ambiguous.value.message
    with pytest.raises(click.ClickException) as unknown:
        chosen_letters(letters, ("999",))
    assert "--id 999" in unknown.value.message
