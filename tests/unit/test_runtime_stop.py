"""A stop always ends: a step that does not finish within its time is left, and the log says which
tasks were waiting where (shuxiang.runtime.within)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from shuxiang.runtime import within


async def _answer() -> int:
    await asyncio.sleep(0)
    return 42


async def _waits_for_ever(forever: asyncio.Event) -> None:
    await forever.wait()


def test_a_step_that_finishes_gives_its_result() -> None:
    assert asyncio.run(within(1.0, "a quick step", _answer())) == 42


def test_a_step_that_hangs_is_left_and_the_log_shows_where_it_waits(caplog: pytest.LogCaptureFixture) -> None:
    async def scenario() -> tuple[object, bool]:
        forever = asyncio.Event()
        step = asyncio.ensure_future(_waits_for_ever(forever))
        result = await within(0.2, "the consumers", asyncio.shield(step))
        await asyncio.sleep(0)
        return result, step.done()

    with caplog.at_level(logging.ERROR, logger="shuxiang"):
        result, _ = asyncio.run(scenario())
    assert result is None
    message = "\n".join(record.getMessage() for record in caplog.records)
    assert "the consumers did not stop within" in message
    assert "_waits_for_ever (test_runtime_stop.py:" in message  # the await chain, down to the line
    assert "Event.wait" in message or "wait (locks.py:" in message
