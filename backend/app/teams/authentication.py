"""Authentication off the database's hot path.

Active keys, and people's sessions with their role in a team, are kept in process
memory. The caches are trusted only while this process is subscribed to the
database's `auth_changed` notifications, which triggers send whenever a key or a
session is revoked, a person is disabled or renamed, a membership changes or a team
changes: each one empties every cache, so a revoked key or session stops working in
every process as soon as the revoking transaction commits. While the subscription is
down (or not started, as in tests that run no lifespan), every request looks its key
or session up in the database.

A key's `last_used_at` (and a session's `last_seen_at`) is noted in memory and
written in batches by a background task, at most once a minute per key or
session: a read request writes nothing."""

import asyncio
import logging
from collections.abc import Hashable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar
from uuid import UUID

from app.core.db import ALL_TEAMS, Database, Query
from app.core.listen import follow
from app.core.models import utcnow
from app.core.ratelimit import RateLimiter
from app.teams import repository
from app.teams.models import AuthenticatedKey

LAST_USED_RESOLUTION = timedelta(minutes=1)
FLUSH_INTERVAL_S = 5.0
MAX_CACHED_KEYS = 10_000

logger = logging.getLogger("app.auth")


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class AuthCache(Generic[K, V]):
    """What a credential was found to stand for, while invalidations are followed."""

    def __init__(self) -> None:
        self._values: dict[K, V] = {}
        self.subscribed = False
        # Counts the emptyings, so that an answer read from the database before
        # one is not stored after it.
        self.generation = 0

    def get(self, key: K) -> V | None:
        return self._values.get(key) if self.subscribed else None

    def put(self, key: K, value: V, generation: int) -> None:
        """Stores what was read while the cache was at `generation`."""
        if not self.subscribed or generation != self.generation:
            return
        if len(self._values) >= MAX_CACHED_KEYS:
            self._values.clear()
        self._values[key] = value

    def clear(self) -> None:
        self._values.clear()
        self.generation += 1

    def set_subscribed(self, up: bool) -> None:
        # Invalidations missed while unsubscribed are covered by an empty cache.
        self.clear()
        self.subscribed = up


class TeamIds:
    """Team ids by name, learnt from lookups. Only ever a guess, which the
    statement using it verifies against the name, so it needs no invalidation."""

    def __init__(self) -> None:
        self._ids: dict[str, UUID] = {}

    def get(self, name: str | None) -> UUID | None:
        return None if name is None else self._ids.get(name)

    def learn(self, name: str | None, team_id: UUID) -> None:
        if name is None:
            return
        if len(self._ids) >= MAX_CACHED_KEYS:
            self._ids.clear()
        self._ids[name] = team_id


class UseRecorder:
    """Times of use by id, written by `statement` (which takes `ids` and
    `used_at` arrays) in one round trip per flush."""

    def __init__(
        self, statement: Query, resolution: timedelta = LAST_USED_RESOLUTION
    ) -> None:
        self._statement = statement
        self._resolution = resolution
        self._pending: dict[UUID, datetime] = {}
        self._noted: dict[UUID, datetime] = {}

    def note(self, used_id: UUID) -> None:
        now = utcnow()
        noted = self._noted.get(used_id)
        if noted is not None and now - noted < self._resolution:
            return
        if len(self._noted) >= MAX_CACHED_KEYS:
            self._noted.clear()
        self._noted[used_id] = now
        self._pending[used_id] = now

    async def flush(self, database: Database) -> None:
        if not self._pending:
            return
        batch, self._pending = self._pending, {}
        params: dict[str, Any] = {
            "ids": list(batch),
            "used_at": list(batch.values()),
        }
        try:
            # One batch holds the uses of every team's keys and sessions.
            async with database.write(ALL_TEAMS) as session:
                await session.execute(self._statement, params)
        except Exception:
            # Kept for the next round; newer uses noted meanwhile win.
            self._pending = batch | self._pending
            raise

    async def flush_periodically(self, database: Database) -> None:
        try:
            while True:
                await asyncio.sleep(FLUSH_INTERVAL_S)
                try:
                    await self.flush(database)
                except Exception:
                    logger.warning("could not record uses; retrying later")
        finally:
            with suppress(Exception):
                await self.flush(database)


@dataclass
class Authentication:
    """A process's authentication state, shared by its requests."""

    limiter: RateLimiter
    # Attempts at signing in and at password resets, per email and per address.
    sign_in_limiter: RateLimiter
    # People's sessions: when each was last seen, for their idle expiry.
    sessions: UseRecorder
    keys: AuthCache[str, AuthenticatedKey] = field(default_factory=AuthCache)
    # A session and the team named on the path, by token hash and team name; the
    # value's type is the people domain's.
    callers: AuthCache[tuple[str, str | None], Any] = field(default_factory=AuthCache)
    team_ids: TeamIds = field(default_factory=TeamIds)
    usage: UseRecorder = field(
        default_factory=lambda: UseRecorder(repository.RECORD_USES)
    )

    def _invalidated(self, _payload: str) -> None:
        self.keys.clear()
        self.callers.clear()

    def _subscribed(self, up: bool) -> None:
        self.keys.set_subscribed(up)
        self.callers.set_subscribed(up)

    async def follow_invalidations(self, database: Database) -> None:
        """Runs until cancelled: subscribed, or reconnecting after a loss."""
        await follow(
            database,
            repository.AUTH_CHANNEL,
            notified=self._invalidated,
            subscribed=self._subscribed,
        )

    async def flush_periodically(self, database: Database) -> None:
        async with asyncio.TaskGroup() as group:
            group.create_task(self.usage.flush_periodically(database))
            group.create_task(self.sessions.flush_periodically(database))
