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


def test_a_task_that_lets_a_cancellation_go_by_is_cancelled_again_until_it_ends() -> None:
    """A cancellation that arrives in the same turn of the loop as the answer a ``wait_for`` waits
    for is lost on Python 3.11 (the task goes on with the answer); :func:`cancel_and_wait` cancels
    again until the task has ended.  The first task loses it that way on 3.11 (later Pythons do
    not); the second one ignores two cancellations on purpose, on any Python."""
    from shuxiang.events.broker import cancel_and_wait

    async def scenario() -> tuple[bool, bool, int]:
        answered = asyncio.get_running_loop().create_future()

        async def asks_and_goes_on() -> None:
            await asyncio.wait_for(answered, 10)
            while True:  # a consumer's loop: on to the next request
                await asyncio.sleep(0.01)

        asking = asyncio.create_task(asks_and_goes_on())
        await asyncio.sleep(0)  # it waits in wait_for
        answered.set_result("a batch")
        await asyncio.wait_for(cancel_and_wait(asking, again_after=0.05), 2)

        ignored = 0

        async def cleans_up_slowly() -> None:
            nonlocal ignored
            while ignored < 2:
                try:
                    await asyncio.sleep(10)
                except asyncio.CancelledError:
                    ignored += 1
            await asyncio.sleep(10)

        stubborn = asyncio.create_task(cleans_up_slowly())
        await asyncio.sleep(0)
        await asyncio.wait_for(cancel_and_wait(stubborn, again_after=0.05), 2)
        return asking.cancelled(), stubborn.cancelled(), ignored

    assert asyncio.run(scenario()) == (True, True, 2)


def test_a_task_that_failed_before_the_stop_ends_with_its_error_retrieved() -> None:
    from shuxiang.events.broker import cancel_and_wait

    async def scenario() -> BaseException | None:
        async def fails() -> None:
            raise RuntimeError("broker refused")

        task = asyncio.create_task(fails())
        await asyncio.sleep(0)
        await cancel_and_wait(task)
        return task.exception()

    assert isinstance(asyncio.run(scenario()), RuntimeError)
