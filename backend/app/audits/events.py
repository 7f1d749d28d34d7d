"""Live audit changes: one database listener per process (`follow`), fanned out in
memory to the streams of the changed audit's team.

A stream that cannot keep up, and every stream when the listener loses or
regains its connection, is ended rather than left with a gap: the client
reconnects with its Last-Event-ID and the replay from the database fills in what
it missed."""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from uuid import UUID

import orjson

from app.audits.models import AuditChange
from app.core.db import Database
from app.core.listen import follow

AUDIT_EVENTS_CHANNEL = "audit_events"
# Changes one stream may have waiting; a client further behind starts over.
STREAM_BACKLOG = 256

logger = logging.getLogger("app.audits.events")


@dataclass(frozen=True, slots=True)
class Change:
    event_id: int
    team_id: UUID
    deleted: bool
    audit: AuditChange


# Put on a stream's queue to end it.
END = None
Stream = asyncio.Queue[Change | None]


def parse(payload: str) -> Change:
    fields = orjson.loads(payload)
    return Change(
        event_id=int(fields["event_id"]),
        team_id=UUID(fields["team_id"]),
        deleted=fields["deleted"],
        audit=AuditChange.model_validate(fields),
    )


class AuditEvents:
    def __init__(self) -> None:
        self._streams: dict[UUID, set[Stream]] = {}
        self.listening = False

    @asynccontextmanager
    async def subscribe(self, team_id: UUID) -> AsyncIterator[Stream]:
        stream: Stream = asyncio.Queue(STREAM_BACKLOG)
        self._streams.setdefault(team_id, set()).add(stream)
        try:
            yield stream
        finally:
            streams = self._streams.get(team_id, set())
            streams.discard(stream)
            if not streams:
                self._streams.pop(team_id, None)

    def _notified(self, payload: str) -> None:
        try:
            change = parse(payload)
        except (ValueError, KeyError, TypeError):
            logger.warning("unreadable audit change")
            return
        for stream in self._streams.get(change.team_id, ()):
            try:
                stream.put_nowait(change)
            except asyncio.QueueFull:
                _end(stream)

    def _subscribed(self, up: bool) -> None:
        # Streams open across a change may have missed notifications (those sent
        # while nobody listened): ended, they resume from the database.
        if up != self.listening:
            for streams in self._streams.values():
                for stream in streams:
                    _end(stream)
        self.listening = up

    async def follow(self, database: Database) -> None:
        await follow(
            database,
            AUDIT_EVENTS_CHANNEL,
            notified=self._notified,
            subscribed=self._subscribed,
        )


def _end(stream: Stream) -> None:
    # Room is made for the end marker: whatever it displaces is replayed.
    while stream.full():
        stream.get_nowait()
    stream.put_nowait(END)
