"""Rate limits per identity (an API key, the admin token or a client address).

Counts live in memory, or in Redis when REDIS_URL is set so that every process and host
shares them. This uses the asyncio API of `limits`, the engine behind slowapi: slowapi's
own checks are synchronous and would block the event loop on every Redis round trip.
When Redis cannot be reached the limiter fails open by default: requests are served
unlimited (without rate-limit headers) and a warning is logged, so Redis is never a
single point of failure for the API. RATE_LIMIT_FAIL=closed refuses them instead, for
deployments where an unlimited API is the greater risk.
"""

import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import FixedWindowRateLimiter
from limits.errors import StorageError

from app.core.errors import RateLimited, RateLimitUnavailable

# Slow Redis must not stall requests: give up fast and fail open.
REDIS_TIMEOUT_S = 0.5
WARNING_INTERVAL_S = 60.0

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RateLimitState:
    limit: RateLimitItem
    remaining: int
    reset_time: float

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit.amount),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(math.ceil(self.reset_time)),
        }

    def refusal(self) -> RateLimited:
        retry_after = max(1, math.ceil(self.reset_time - time.time()))
        return RateLimited(
            details={"limit": describe(self.limit), "retry_after": retry_after},
            headers={**self.headers(), "Retry-After": str(retry_after)},
        )


def _storage(redis_url: str) -> Storage:
    if not redis_url:
        return MemoryStorage()
    if redis_url.startswith("unix://"):
        uri = "async+redis+unix://" + redis_url.removeprefix("unix://")
    else:
        uri = "async+" + redis_url
    return RedisStorage(
        uri,
        implementation="redispy",
        wrap_exceptions=True,
        socket_timeout=REDIS_TIMEOUT_S,
        socket_connect_timeout=REDIS_TIMEOUT_S,
    )


class RateLimiter:
    def __init__(
        self, rate_limit: str, redis_url: str, *, fail_closed: bool = False
    ) -> None:
        self.items = parse_many(rate_limit) if rate_limit else []
        self.fail_closed = fail_closed
        self.strategy = (
            FixedWindowRateLimiter(_storage(redis_url)) if self.items else None
        )
        self._last_warning = -math.inf

    async def check(self, identity: str) -> RateLimitState | None:
        """Counts one request; None when limits are off or the storage is down."""
        if self.strategy is None:
            return None
        try:
            tightest: RateLimitState | None = None
            for item in self.items:
                allowed = await self.strategy.hit(item, identity)
                state = await self._state(item, identity)
                if not allowed:
                    raise state.refusal()
                if tightest is None or state.remaining < tightest.remaining:
                    tightest = state
            return tightest
        except StorageError as error:
            self._storage_down(error)
            return None

    async def ensure_allowed(self, identity: str) -> None:
        """Refuses an identity already over a limit, without counting a request."""
        if self.strategy is None:
            return
        try:
            for item in self.items:
                if not await self.strategy.test(item, identity):
                    raise (await self._state(item, identity)).refusal()
        except StorageError as error:
            self._storage_down(error)

    async def _state(self, item: RateLimitItem, identity: str) -> RateLimitState:
        assert self.strategy is not None
        stats = await self.strategy.get_window_stats(item, identity)
        return RateLimitState(item, stats.remaining, stats.reset_time)

    def _storage_down(self, error: StorageError) -> None:
        now = time.monotonic()
        if now - self._last_warning >= WARNING_INTERVAL_S:
            self._last_warning = now
            outcome = "refusing requests" if self.fail_closed else "serving unlimited"
            logger.warning(
                f"rate limit storage unreachable; {outcome}",
                extra={"error": type(error.storage_error).__name__},
            )
        if self.fail_closed:
            raise RateLimitUnavailable(headers={"Retry-After": "1"}) from None


def describe(item: RateLimitItem) -> str:
    """`60/minute`, or `5/2 hour` for multi-unit windows: the RATE_LIMIT syntax."""
    unit = item.GRANULARITY.name
    window = unit if item.multiples == 1 else f"{item.multiples} {unit}"
    return f"{item.amount}/{window}"
