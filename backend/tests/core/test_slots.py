import asyncio

import pytest

from app.core.slots import Slots


async def _waiting(slots: Slots) -> asyncio.Task[None]:
    task = asyncio.create_task(slots.take())
    await asyncio.sleep(0)
    return task


async def test_free_slots_are_taken_at_once_and_then_callers_wait() -> None:
    slots = Slots(2, timeout=5)
    await slots.take()
    await slots.take()

    third = await _waiting(slots)

    assert not third.done()
    slots.give_back()
    await asyncio.sleep(0)
    assert third.done() and third.exception() is None


async def test_waiters_are_served_in_the_order_they_came() -> None:
    slots = Slots(1, timeout=5)
    await slots.take()
    served: list[int] = []

    async def wait(number: int) -> None:
        await slots.take()
        served.append(number)

    tasks = [asyncio.create_task(wait(n)) for n in range(4)]
    await asyncio.sleep(0)
    for _ in tasks:
        slots.give_back()
        await asyncio.sleep(0)

    assert served == [0, 1, 2, 3]


async def test_a_waiter_gives_up_after_the_timeout_and_later_ones_keep_their_own() -> (
    None
):
    slots = Slots(1, timeout=0.05)
    await slots.take()
    first = await _waiting(slots)
    await asyncio.sleep(0.03)
    second = await _waiting(slots)

    with pytest.raises(TimeoutError):
        await first
    assert not second.done()
    with pytest.raises(TimeoutError):
        await second


async def test_a_cancelled_waiter_takes_no_slot() -> None:
    slots = Slots(1, timeout=5)
    await slots.take()
    cancelled = await _waiting(slots)
    after = await _waiting(slots)

    cancelled.cancel()
    await asyncio.sleep(0)
    slots.give_back()
    await asyncio.sleep(0)

    assert cancelled.cancelled()
    assert after.done() and after.exception() is None


async def test_a_slot_handed_to_a_waiter_cancelled_in_the_same_turn_is_passed_on() -> (
    None
):
    slots = Slots(1, timeout=5)
    await slots.take()
    unlucky = await _waiting(slots)
    after = await _waiting(slots)

    slots.give_back()
    unlucky.cancel()
    await asyncio.sleep(0)
    await asyncio.sleep(0)

    assert unlucky.cancelled()
    assert after.done() and after.exception() is None


async def test_slots_given_back_with_no_one_waiting_are_free_again() -> None:
    slots = Slots(1, timeout=0.05)
    await slots.take()
    slots.give_back()

    await asyncio.wait_for(slots.take(), timeout=1)
    with pytest.raises(TimeoutError):
        await slots.take()
