"""Live audit changes over server-sent events: one listener per process, each team's
stream sees only its own audits, in order, resumable, and closed on shutdown."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.core.config import Settings
from app.core.db import ALL_TEAMS, Database
from app.main import create_app
from tests.audits.support import Worker, create_audit
from tests.support import model_server as model
from tests.support.factories import TeamWithKey, make_team
from tests.support.model_server import ModelServer
from tests.support.served import Event, Served, events, served

WAIT_S = 15


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"events_heartbeat_seconds": 0.3})


@pytest.fixture
async def live(queue_app: FastAPI) -> AsyncIterator[Served]:
    async with served(queue_app) as server:
        yield server


@pytest.fixture
async def other_team(queue_database: Database) -> TeamWithKey:
    async with queue_database.write(ALL_TEAMS) as session:
        return await make_team(session, "other-team")


class Stream:
    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self._events = events(response)

    async def next(self, *, heartbeat: bool = False) -> Event:
        """The next event; heartbeats only when asked for."""
        async with asyncio.timeout(WAIT_S):
            async for event in self._events:
                if heartbeat or event.event:
                    return event
        raise AssertionError("the stream ended")

    async def created(
        self, client: httpx.AsyncClient, team: TeamWithKey
    ) -> tuple[dict[str, Any], Event]:
        """A new audit of the team, and the event that announced it."""
        audit = await create_audit(client, team)
        event = await self.next()
        assert event.json["id"] == audit["id"]
        assert event.id is not None
        return audit, event

    async def end(self) -> None:
        """Returns once the server has ended the stream."""
        async with asyncio.timeout(WAIT_S):
            async for _ in self._events:
                pass

    async def until(self, audit_id: str, status: str) -> list[dict[str, Any]]:
        """Every change seen up to the audit reaching the status."""
        seen = []
        while True:
            event = await self.next()
            seen.append({"event": event.event, "event_id": event.id, **event.json})
            if event.json["id"] == audit_id and event.json["status"] == status:
                return seen


@asynccontextmanager
async def stream(
    live: Served, team: TeamWithKey, headers: dict[str, str] | None = None, **query: str
) -> AsyncIterator[Stream]:
    async with (
        httpx.AsyncClient(base_url=live.url, timeout=WAIT_S) as client,
        client.stream(
            "GET",
            f"/v1/teams/{team.name}/audits/events",
            params=query,
            headers={**team.headers, **(headers or {})},
        ) as response,
    ):
        assert response.status_code == 200, await response.aread()
        assert response.headers["content-type"].startswith("text/event-stream")
        yield Stream(response)


async def test_an_audits_states_arrive_in_order(
    live: Served,
    queue_client: httpx.AsyncClient,
    queue_team: TeamWithKey,
    worker: Worker,
    model_server: ModelServer,
) -> None:
    # The answer comes late enough for the running state to be seen on its own.
    model_server.script(replace(model.findings(), delay=0.3))
    async with stream(live, queue_team) as changes:
        audit = await create_audit(queue_client, queue_team)
        async with worker():
            seen = await changes.until(audit["id"], "completed")

    assert [(change["event"], change["status"]) for change in seen] == [
        ("audit", "pending"),
        ("audit", "running"),
        ("audit", "completed"),
    ]
    assert {change["id"] for change in seen} == {audit["id"]}
    event_ids = [int(change["event_id"]) for change in seen]
    assert event_ids == sorted(set(event_ids))


async def test_each_team_sees_only_its_own_audits(
    live: Served,
    queue_client: httpx.AsyncClient,
    queue_team: TeamWithKey,
    other_team: TeamWithKey,
) -> None:
    async with stream(live, queue_team) as mine, stream(live, other_team) as theirs:
        ours = await create_audit(queue_client, queue_team)
        other = await create_audit(queue_client, other_team)
        last = await create_audit(queue_client, queue_team)

        assert [c["id"] for c in await mine.until(last["id"], "pending")] == [
            ours["id"],
            last["id"],
        ]
        assert [c["id"] for c in await theirs.until(other["id"], "pending")] == [
            other["id"]
        ]


@pytest.mark.parametrize("resume", ["header", "query"])
async def test_a_dropped_stream_resumes_from_its_last_event(
    live: Served,
    queue_client: httpx.AsyncClient,
    queue_team: TeamWithKey,
    resume: str,
) -> None:
    async with stream(live, queue_team) as first:
        seen, event = await first.created(queue_client, queue_team)
    # While the client is away:
    missed = await create_audit(queue_client, queue_team)
    response = await queue_client.delete(
        f"/v1/teams/{queue_team.name}/audits/{seen['id']}", headers=queue_team.headers
    )
    assert response.status_code == 204

    cursor = (
        {"headers": {"Last-Event-ID": event.id}}
        if resume == "header"
        else {"since": event.id}
    )
    async with stream(live, queue_team, **cursor) as resumed:  # type: ignore[arg-type]
        replayed = await resumed.until(missed["id"], "pending")
        after = await create_audit(queue_client, queue_team)
        live_change = await resumed.until(after["id"], "pending")

    # The current state of what changed since: the deleted audit is gone.
    assert [c["id"] for c in replayed if c["id"] != seen["id"]] == [missed["id"]]
    assert live_change[-1]["id"] == after["id"]


async def test_a_deleted_audit_is_an_event_of_its_own(
    live: Served, queue_client: httpx.AsyncClient, queue_team: TeamWithKey
) -> None:
    audit = await create_audit(queue_client, queue_team)
    async with stream(live, queue_team) as changes:
        await queue_client.delete(
            f"/v1/teams/{queue_team.name}/audits/{audit['id']}",
            headers=queue_team.headers,
        )
        event = await changes.next()

    assert (event.event, event.json["id"]) == ("deleted", audit["id"])


async def test_an_idle_stream_sends_heartbeats(
    live: Served, queue_team: TeamWithKey
) -> None:
    async with stream(live, queue_team) as changes:
        beats = [await changes.next(heartbeat=True) for _ in range(3)]

    assert all(beat.comments and not beat.event for beat in beats)


async def test_events_do_not_spend_the_keys_request_budget(
    queue_database: Database,
    settings: Settings,
    queue_team: TeamWithKey,
) -> None:
    app = create_app(
        settings.model_copy(update={"rate_limit": "3/minute"}), database=queue_database
    )
    async with served(app) as live, stream(live, queue_team) as changes:
        assert changes.response.headers["X-RateLimit-Remaining"] == "2"
        async with queue_database.write(ALL_TEAMS) as session:
            for _ in range(5):
                await session.connection.execute(
                    "INSERT INTO audit (id, team_id, content, include_replies)"
                    " VALUES (gen_random_uuid(), $1, 'text', false)",
                    queue_team.team.id,
                )
        received = [await changes.next() for _ in range(5)]
        async with httpx.AsyncClient(base_url=live.url) as client:
            response = await client.get(
                f"/v1/teams/{queue_team.name}/audits", headers=queue_team.headers
            )

    assert len(received) == 5
    assert response.status_code == 200
    assert response.headers["X-RateLimit-Remaining"] == "1"


async def test_shutdown_closes_open_streams(
    queue_app: FastAPI, queue_team: TeamWithKey
) -> None:
    async with served(queue_app) as live, stream(live, queue_team) as changes:
        await changes.next(heartbeat=True)
        live.server.should_exit = True
        await changes.end()


@pytest.mark.parametrize(
    "cursor",
    [
        {"headers": {"Last-Event-ID": "yesterday"}},
        {"params": {"since": "-1"}},
        {"params": {"since": "x"}},
    ],
)
async def test_a_bad_cursor_is_a_validation_error(
    queue_client: httpx.AsyncClient, queue_team: TeamWithKey, cursor: dict[str, Any]
) -> None:
    response = await queue_client.get(
        f"/v1/teams/{queue_team.name}/audits/events",
        params=cursor.get("params"),
        headers={**queue_team.headers, **cursor.get("headers", {})},
    )

    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_ERROR"


async def test_another_teams_stream_is_forbidden(
    queue_client: httpx.AsyncClient, queue_team: TeamWithKey, other_team: TeamWithKey
) -> None:
    url = f"/v1/teams/{other_team.name}/audits/events"
    response = await queue_client.get(url, headers=queue_team.headers)
    assert (response.status_code, response.json()["code"]) == (403, "FORBIDDEN")
    response = await queue_client.get(url)
    assert (response.status_code, response.json()["code"]) == (401, "UNAUTHORIZED")


async def test_a_lost_listener_ends_streams_and_resumed_ones_miss_nothing(
    live: Served,
    queue_client: httpx.AsyncClient,
    queue_database: Database,
    queue_team: TeamWithKey,
) -> None:
    async with stream(live, queue_team) as changes:
        first, event = await changes.created(queue_client, queue_team)
        # The database drops the process's listening connections (a restart, say).
        async with queue_database.read(ALL_TEAMS) as session:
            await session.connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE"
                " application_name = 'looped-needle-listener'"
                " AND datname = current_database()"
            )
        await changes.end()
    # Created while nobody listens: only the replay can bring it.
    missed = await create_audit(queue_client, queue_team)

    async with stream(live, queue_team, since=event.id or "") as resumed:
        replayed = await resumed.until(missed["id"], "pending")
    assert first["id"] in {change["id"] for change in replayed}

    hub = live.server.config.app.state.audit_events
    await asyncio.wait_for(_listening(hub), WAIT_S)
    async with stream(live, queue_team) as fresh:
        after = await create_audit(queue_client, queue_team)
        assert (await fresh.next()).json["id"] == after["id"]


async def _listening(hub: Any) -> None:
    while not hub.listening:
        await asyncio.sleep(0.05)
