"""A first-come, first-served queue for a fixed number of slots, where a waiter
gives up after a fixed time.

`asyncio.Semaphore` under `asyncio.timeout` arms and cancels a timer for every
waiter; under load every request waits, and that was about 5% of a read's CPU.
Here all waiters wait the same time and leave in the order they came, so one
timer, set for the oldest waiter's deadline, serves the whole queue."""

import asyncio
from collections import deque


class Slots:
    __slots__ = ("_free", "_waiters", "_timeout", "_timer")

    def __init__(self, size: int, timeout: float) -> None:
        self._free = size
        self._timeout = timeout
        # (deadline, waiter), oldest first; a waiter that was cancelled stays in
        # place until it reaches the front.
        self._waiters: deque[tuple[float, asyncio.Future[None]]] = deque()
        self._timer: asyncio.TimerHandle | None = None

    async def take(self) -> None:
        """A slot, or TimeoutError once the timeout has passed."""
        # A slot is free only while no one waits: give_back hands it on first.
        if self._free:
            self._free -= 1
            return
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        self._waiters.append((loop.time() + self._timeout, waiter))
        if self._timer is None:
            self._timer = loop.call_at(self._waiters[0][0], self._expire)
        try:
            await waiter
        except asyncio.CancelledError:
            # Handed a slot in the same turn as the cancellation: pass it on.
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                self.give_back()
            raise

    def give_back(self) -> None:
        waiters = self._waiters
        while waiters:
            _, waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._free += 1

    def _expire(self) -> None:
        self._timer = None
        waiters = self._waiters
        loop = asyncio.get_running_loop()
        now = loop.time()
        while waiters and waiters[0][0] <= now:
            _, waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_exception(TimeoutError())
        if waiters:
            self._timer = loop.call_at(waiters[0][0], self._expire)
